// Everything the CodeLens and the preview say about one prompt: sample sets, rendered messages, tokens, cost per model, covering suites, dependencies.

import type { ParsedFile } from '../formats/types';
import { indexById, resolveReference } from '../library/references';
import type { Asset, Catalog, LibraryInfo } from '../library/types';
import { countTokens } from '../tokens';
import type { Tokenizer } from '../tokens';
import { costTable, estimateTokensFromCounts, modelTokenizer, promptMaxOutputTokens, promptModelId } from './cost';
import type { ModelCost, TokenEstimate } from './cost';
import { messageText, renderPrompt } from './render';
import type { RenderedPrompt } from './render';
import { assetOfFile, coveringSuites, preferredSample, sampleSets } from './samples';
import type { CoveringSuite, SampleSet } from './samples';

export interface PromptDependency {
  kind: 'dependsOn' | 'targets' | 'replacedBy' | 'partial' | 'file';
  /** As written: a reference, a partial's name or a path. */
  label: string;
  /** What it resolves to, or what is wrong with it. */
  detail: string;
  /** Library-relative file to open, when it resolves to one. */
  file?: string;
  problem?: boolean;
}

export interface PromptReport {
  file: ParsedFile;
  asset?: Asset;
  libraryName?: string;
  samples: SampleSet[];
  sampleIndex: number;
  rendered: RenderedPrompt;
  /** Tokens with the prompt's model's tokenizer (o200k_base when it names none); `approximate` for a model without a public one. */
  tokens: TokenEstimate;
  promptModel?: string;
  promptMaxOutput?: number;
  costs: ModelCost[];
  suites: CoveringSuite[];
  dependencies: PromptDependency[];
  /** The library's models and policy, for the cost table. */
  library?: Pick<LibraryInfo, 'models' | 'policy'>;
}

export interface PromptReportInput {
  /** The prompt parsed from `text` (library-relative path). */
  file: ParsedFile;
  text: string;
  /** The catalog of the library holding the prompt, when there is one. */
  catalog?: Catalog;
  /** Which sample set to render; the preferred one when undefined or out of range. */
  sampleIndex?: number;
  /** Text of a Dotprompt partial by name. */
  partial?: (name: string) => string | undefined;
}

/** A report before its tokens are counted: what `finishPromptReport` needs besides the counts. */
export type PreparedPromptReport = Omit<PromptReport, 'tokens' | 'costs'>;

/** Builds the report; the tokenizers run here (each loaded lazily on first use). */
export function buildPromptReport(input: PromptReportInput): PromptReport {
  const prepared = preparePromptReport(input);
  const tokenizer = reportTokenizer(prepared);
  return finishPromptReport(
    prepared,
    tokenTexts(prepared).map((t) => countTokens(t, tokenizer)),
    tokenizer,
  );
}

/** The tokenizer of the report's prompt: its model's (catalogue entry, else by the id), o200k_base when it names none. */
export function reportTokenizer(prepared: PreparedPromptReport): Tokenizer {
  return modelTokenizer(prepared.library?.models, prepared.promptModel);
}

/**
 * Everything but the token counts: sample sets, the rendering, suites, dependencies. The texts to
 * count are `tokenTexts(prepared)`; an editor counts them off its main thread, then calls
 * `finishPromptReport` with the counts.
 */
export function preparePromptReport(input: PromptReportInput): PreparedPromptReport {
  const { file, text, catalog } = input;
  const asset = catalog ? assetOfFile(catalog, file.path) : undefined;
  const suites = catalog ? coveringSuites(catalog, file.path) : [];
  const samples = sampleSets(
    file,
    suites.map((suite) => ({ suite, parsed: catalog?.files.get(suite.file) })),
  );
  const sampleIndex = input.sampleIndex !== undefined && input.sampleIndex >= 0 && input.sampleIndex < samples.length ? input.sampleIndex : preferredSample(file, text, samples);
  const rendered = renderPrompt(file, text, samples[sampleIndex]?.values ?? {}, { partial: input.partial });
  return {
    file,
    asset,
    libraryName: catalog?.library.name,
    samples,
    sampleIndex,
    rendered,
    promptModel: promptModelId(file, asset?.model),
    promptMaxOutput: promptMaxOutputTokens(file, text),
    suites,
    dependencies: dependencies(file, asset, catalog),
    library: catalog ? { models: catalog.library.models, policy: catalog.library.policy } : undefined,
  };
}

/** The texts whose tokens a report counts: each rendered message's text. */
export function tokenTexts(prepared: PreparedPromptReport): string[] {
  return prepared.rendered.messages.map(messageText);
}

/**
 * Completes a prepared report with the token count of each of `tokenTexts(prepared)`, counted with
 * `countedWith` (o200k_base by default, what the editor's worker counts with). The prompt's model and
 * every model of the cost table are counted with their own tokenizer: the counts given when it is
 * `countedWith`, else counted here (an estimate costs nothing; another encoding loads on first use).
 */
export function finishPromptReport(prepared: PreparedPromptReport, counts: readonly number[], countedWith: Tokenizer = 'o200k_base'): PromptReport {
  const byTokenizer = new Map<Tokenizer, ReturnType<typeof estimateTokensFromCounts>>([[countedWith, estimateTokensFromCounts(counts, countedWith)]]);
  const estimate = (t: Tokenizer): TokenEstimate => {
    let e = byTokenizer.get(t);
    if (!e) {
      e = estimateTokensFromCounts(
        tokenTexts(prepared).map((text) => countTokens(text, t)),
        t,
      );
      byTokenizer.set(t, e);
    }
    return e;
  };
  const tokens = estimate(reportTokenizer(prepared));
  return { ...prepared, tokens, costs: costTable(prepared.library, prepared.promptModel, (t) => estimate(t).tokens, prepared.promptMaxOutput) };
}

/**
 * The Dotprompt partial files a prompt reaches, by partial name (nested partials included):
 * a `_name.prompt` in the prompt's folder wins over one elsewhere, then the nearest by path.
 */
export function partialFiles(catalog: Catalog | undefined, file: ParsedFile): Map<string, string> {
  const out = new Map<string, string>();
  if (!catalog || file.format !== 'dotprompt') return out;
  const byName = new Map<string, string[]>();
  for (const f of catalog.files.values()) {
    if (!f.partialName) continue;
    const list = byName.get(f.partialName) ?? [];
    list.push(f.path);
    byName.set(f.partialName, list);
  }
  const queue = [...(file.partials ?? []).map((p) => p.name)];
  while (queue.length && out.size < 100) {
    const name = queue.shift()!;
    if (out.has(name)) continue;
    const candidates = byName.get(name);
    if (!candidates?.length) continue;
    const chosen = [...candidates].sort((a, b) => sharedPrefix(b, file.path) - sharedPrefix(a, file.path) || a.localeCompare(b))[0];
    out.set(name, chosen);
    for (const p of catalog.files.get(chosen)?.partials ?? []) queue.push(p.name);
  }
  return out;
}

function sharedPrefix(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}

function dependencies(file: ParsedFile, asset: Asset | undefined, catalog: Catalog | undefined): PromptDependency[] {
  const out: PromptDependency[] = [];
  if (asset && catalog) {
    const byId = indexById(catalog.assets);
    for (const r of asset.references) {
      if (r.ref.library !== undefined && r.ref.library !== catalog.library.name) {
        out.push({ kind: r.field, label: r.ref.raw, detail: `in the library "${r.ref.library}"` });
        continue;
      }
      const target = resolveReference(r.ref, byId).asset;
      if (target) out.push({ kind: r.field, label: r.ref.raw, detail: `${target.title} (${target.id} ${target.version}, ${target.status})`, file: target.entryFile ?? target.manifest });
      else out.push({ kind: r.field, label: r.ref.raw, detail: 'no asset of the library satisfies it', problem: true });
    }
  }
  const partials = partialFiles(catalog, file);
  for (const name of new Set((file.partials ?? []).map((p) => p.name))) {
    const path = partials.get(name);
    out.push(
      path
        ? { kind: 'partial', label: name, detail: path, file: path }
        : { kind: 'partial', label: name, detail: catalog ? 'no partial file of that name' : 'not resolved outside a library', problem: !!catalog },
    );
  }
  for (const link of file.links ?? []) out.push({ kind: 'file', label: link.target, detail: 'referenced file' });
  return out;
}
