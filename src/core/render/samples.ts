// Which eval suites cover a prompt, and the sets of sample input values a prompt can be rendered with.

import type { ParsedFile } from '../formats/types';
import { joinInside } from '../library/paths';
import { indexById, resolveReference } from '../library/references';
import type { Asset, Catalog } from '../library/types';
import { defaultValues } from './render';

/** An eval suite that covers a prompt. */
export interface CoveringSuite {
  /** Library-relative path of the suite file. */
  file: string;
  /** The eval asset (unmanaged for a bare promptfoo file). */
  asset?: Asset;
  title: string;
  /** Number of test cases. */
  tests: number;
  /** How it covers the prompt: the eval asset's `targets`, or a `file://` path among the suite's `prompts`. */
  via: 'targets' | 'prompts';
}

/** One set of input values to render a prompt with. */
export interface SampleSet {
  label: string;
  /** Where the values come from, for the picker ("evals/x/suite.yaml, test 2"). */
  origin: string;
  source: 'eval' | 'defaults' | 'sample' | 'testData' | 'none';
  values: Record<string, unknown>;
}

/** The asset whose entry (or one of whose files) is `path`. */
export function assetOfFile(catalog: Catalog, path: string): Asset | undefined {
  return catalog.assets.find((a) => a.entryFile === path) ?? catalog.assets.find((a) => a.kind === 'prompt' && a.files.includes(path));
}

/**
 * The eval suites that cover the prompt file at `promptPath`: eval assets whose `targets`
 * resolve to the prompt's asset, and suites whose `prompts` name the file with `file://`.
 */
export function coveringSuites(catalog: Catalog, promptPath: string): CoveringSuite[] {
  const out: CoveringSuite[] = [];
  const prompt = assetOfFile(catalog, promptPath);
  const byId = indexById(catalog.assets);
  const seen = new Set<string>();
  const add = (file: string, asset: Asset | undefined, via: CoveringSuite['via']): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const parsed = catalog.files.get(file);
    out.push({ file, asset, title: (asset?.managed ? asset.title : parsed?.meta.description || asset?.title) || file, tests: parsed?.evalSuite?.tests.length ?? 0, via });
  };
  if (prompt) {
    for (const evalAsset of catalog.assets) {
      if (evalAsset.kind !== 'eval' || !evalAsset.entryFile) continue;
      const hits = evalAsset.references.some((r) => r.field === 'targets' && (r.ref.library === undefined || r.ref.library === catalog.library.name) && resolveReference(r.ref, byId).asset === prompt);
      if (hits) add(evalAsset.entryFile, evalAsset, 'targets');
    }
  }
  for (const f of [...catalog.files.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    if (!f.evalSuite || seen.has(f.path)) continue;
    const names = f.evalSuite.prompts.some((p) => promptFileTarget(f.path, p.value) === promptPath);
    if (names)
      add(
        f.path,
        catalog.assets.find((a) => a.kind === 'eval' && a.entryFile === f.path),
        'prompts',
      );
  }
  return out;
}

/** The library-relative file a promptfoo `prompts` entry names with `file://` (relative to the suite), or undefined. */
export function promptFileTarget(suitePath: string, value: string): string | undefined {
  const m = /^file:\/\/(.+)$/.exec(value.trim());
  if (!m) return undefined;
  let rel = m[1];
  // `file://prompts.js:functionName` names a function in a script; a glob names many files.
  if (/[*?[\]{}]/.test(rel)) return undefined;
  const colon = rel.lastIndexOf(':');
  if (colon > 1 && !/\.(prompt|prompty|ya?ml|md|txt|json)$/i.test(rel)) rel = rel.slice(0, colon);
  return joinInside(suitePath.includes('/') ? suitePath.slice(0, suitePath.lastIndexOf('/')) : '', rel);
}

/**
 * The sample sets of a prompt, in this order: its own (Dotprompt `input.default`, Prompty
 * `sample` or input defaults and examples, GitHub Models `testData` rows), then the test
 * cases of each covering suite. Empty when there is none.
 */
export function sampleSets(file: ParsedFile, suites: readonly { suite: CoveringSuite; parsed?: ParsedFile }[]): SampleSet[] {
  const out: SampleSet[] = [];
  const own = file.samples ?? [];
  own.forEach((values, i) => {
    if (file.format === 'dotprompt') out.push({ label: 'input.default', origin: `${file.path} (front matter)`, source: 'defaults', values: { ...values } });
    else if (file.format === 'gh-models') out.push({ label: `testData row ${i + 1}`, origin: `${file.path}, testData[${i}]`, source: 'testData', values: { ...values } });
    else out.push({ label: 'Prompty sample values', origin: `${file.path} (sample, defaults and examples of the inputs)`, source: 'sample', values: { ...values } });
  });
  for (const { suite, parsed } of suites) {
    const tests = parsed?.evalSuite?.tests ?? [];
    tests.forEach((t, i) => {
      if (!t.vars.length) return;
      const values: Record<string, unknown> = {};
      for (const v of t.vars) values[v.name] = v.value;
      out.push({ label: `${suite.asset?.managed ? suite.asset.id : suite.title}: ${t.description ?? `test ${i + 1}`}`, origin: `${suite.file}, test ${i + 1}`, source: 'eval', values });
    });
  }
  return out;
}

/**
 * The set to show first: the one that fills the most of the variables the prompt reads
 * (defaults counted), the earliest on a tie; 0 when there are none.
 */
export function preferredSample(file: ParsedFile, text: string, sets: readonly SampleSet[]): number {
  const used = [...new Set((file.variables ?? []).map((v) => v.name))];
  const defaults = defaultValues(file, text);
  let best = 0;
  let bestScore = -1;
  sets.forEach((s, i) => {
    const merged = { ...defaults, ...s.values };
    const score = used.filter((n) => merged[n] !== undefined).length;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}
