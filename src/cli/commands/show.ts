// genai-assets show REF: one asset's metadata, inputs, references, coverage and problems.

import { UserError } from '../../core/errors';
import { indexById, parseReference, referenceTo, resolveReference } from '../../core/library/references';
import type { Asset, Catalog } from '../../core/library/types';
import { evalCost, evalCostLines, suitePromptRefs } from '../../core/render/evalCost';
import type { EvalCost, EvalPrompt } from '../../core/render/evalCost';
import type { FileSource } from '../../core/library/fileSource';
import { decodeUtf8 } from '../../core/text/textDocument';
import { plural } from '../../core/text/plural';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { libraryHistory } from '../../app/openLibrary';
import { defineCommand } from '../command';
import { commandLibraries } from '../libraries';
import { shownValue as v } from '../output';
import { listedAsset } from './list';

export const showCommand = defineCommand({
  name: 'show',
  synopsis: 'show REF',
  summary: 'show one asset',
  usage: 'show REF [--library DIR|URL] [--json]',
  description: 'Shows one asset: REF is id, id@range (e.g. summarize-ticket@^1.2) or library:id@range.',
  options: {
    library: { type: 'string', value: 'DIR|URL', help: 'the library (default as for list)' },
    json: { type: 'flag', help: 'print the asset as JSON' },
    sync: { type: 'flag', help: 'sync a git library first' },
  },
  positionals: { min: 1, max: 1, problem: 'show takes exactly one reference.' },
  async run({ options, positionals }, io) {
    const opened = await commandLibraries(options.library, { sync: options.sync }, io);
    const { asset, catalog } = findAsset(
      opened.map((o) => o.catalog),
      positionals[0],
    );
    const lib = opened.find((o) => o.catalog === catalog)!;
    const history = await libraryHistory(lib, asset.path, { env: io.env }).catch(() => []);
    return runShow(catalog, asset, options.json, io, history, await runCostOf(catalog, asset, lib.source));
  },
});

export interface HistoryEntry {
  commit: string;
  author: string;
  date: string;
  subject: string;
}

/** Finds the asset a reference names in one of the catalogs, or throws a UserError saying why not. */
export function findAsset(catalogs: Catalog[], raw: string): { asset: Asset; catalog: Catalog } {
  const ref = parseReference(raw);
  if (!ref) throw new UserError(`\`${raw}\` is not a reference; write id, id@range (e.g. my-prompt@^1.0) or library:id@range.`);
  const pool = ref.library ? catalogs.filter((c) => c.library.name === ref.library) : catalogs;
  if (ref.library && !pool.length) throw new UserError(`No library named \`${ref.library}\` is configured (have: ${catalogs.map((c) => c.library.name).join(', ')}).`);
  for (const catalog of pool) {
    const res = resolveReference(ref, indexById(catalog.assets));
    if (res.asset) return { asset: res.asset, catalog };
    if (res.candidates.length) {
      throw new UserError(`No version of \`${ref.id}\` satisfies \`${ref.range}\`; available: ${res.candidates.map((c) => c.version).join(', ')}.`);
    }
  }
  throw new UserError(`No asset \`${ref.id}\` in ${pool.map((c) => c.library.name).join(', ')}; run \`genai-assets list\` to see the ids.`);
}

/** What one run of an eval asset's promptfoo suite costs (undefined for other assets): its prompts read from the library. */
export async function runCostOf(catalog: Catalog, asset: Asset, source: FileSource): Promise<EvalCost | undefined> {
  const suitePath = asset.kind === 'eval' ? (asset.entryFile ?? asset.files.find((f) => catalog.files.get(f)?.evalSuite)) : undefined;
  const suite = suitePath ? catalog.files.get(suitePath)?.evalSuite : undefined;
  if (!suitePath || !suite) return undefined;
  const prompts: EvalPrompt[] = [];
  for (const ref of suitePromptRefs(suitePath, suite)) {
    if (ref.path === undefined) {
      if (!/^\w+:\/\//.test(ref.value)) prompts.push({ label: ref.value.slice(0, 40), text: ref.value });
      continue;
    }
    const bytes = await source.read(ref.path).catch(() => undefined);
    const text = bytes && decodeUtf8(bytes);
    if (text !== undefined) prompts.push({ label: ref.path, text, file: catalog.files.get(ref.path) });
  }
  return evalCost(suite, prompts, catalog.library);
}

/** Eval suites of the catalog whose targets resolve to the asset. */
export function evalsCovering(catalog: Catalog, asset: Asset): Asset[] {
  const only = new Map([[asset.id, [asset]]]);
  return catalog.assets.filter((e) => e.kind === 'eval' && e.references.some((r) => r.field === 'targets' && r.ref.id === asset.id && resolveReference(r.ref, only).asset !== undefined));
}

export function runShow(catalog: Catalog, asset: Asset, json: boolean, io: CliIo, history?: HistoryEntry[], runCost?: EvalCost): number {
  const evals = evalsCovering(catalog, asset);
  const diags = catalog.diagnostics.filter((d) => asset.files.includes(d.file));
  if (json) {
    io.out(
      JSON.stringify(
        {
          library: { name: catalog.library.name, root: catalog.root, commit: catalog.commit ?? null },
          asset: {
            ...listedAsset(asset),
            managed: asset.managed,
            reference: referenceTo(asset),
            model: asset.model ?? null,
            files: asset.files,
            inputs: asset.inputs.map((i) => ({ name: i.name, type: i.type, required: i.required, description: i.description ?? null, default: i.default ?? null })),
            references: asset.references.map((r) => ({ field: r.field, ref: r.ref.raw })),
            replacedBy: asset.replacedBy ?? null,
            approval: asset.approval ?? null,
            evalSuites: evals.map((e) => `${e.id}@${e.version}`),
            problems: asset.problems,
          },
          ...(runCost
            ? {
                runCost: {
                  tests: runCost.tests,
                  prompts: runCost.prompts,
                  providers: runCost.rows.map((r) => ({
                    provider: r.provider,
                    model: r.info?.id ?? null,
                    calls: r.calls,
                    tokenizer: r.tokenizer,
                    approximate: r.approximate,
                    inputTokens: r.inputTokens,
                    outputTokens: r.outputTokens ?? null,
                    usd: r.cost ?? null,
                  })),
                  assumptions: runCost.assumptions,
                },
              }
            : {}),
          diagnostics: diags.map((d) => ({ file: d.file, code: d.code, severity: d.severity, message: d.message, range: d.range })),
          ...(history ? { history } : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return exitCodes.clean;
  }
  const lines: string[] = [];
  // Values from the library go through v(): escaped, one value per line (the guard of all output escapes the rest).
  lines.push(`${v(asset.title)}  (${v(asset.id)}@${v(asset.version)}, ${v(asset.status)}${asset.managed ? '' : ', unmanaged'})`);
  if (asset.description) lines.push('', asset.description.trim());
  lines.push('');
  const field = (k: string, value: string | undefined) => {
    if (value) lines.push(`${(k + ':').padEnd(13)}${v(value)}`);
  };
  field('Kind', asset.kind);
  field('Format', asset.format);
  field('Library', `${catalog.library.name}${catalog.commit ? ` @ ${catalog.commit.slice(0, 12)}` : ''}`);
  field('Path', asset.path || '.');
  field('Entry', asset.entry);
  field('Reference', referenceTo(asset));
  field('Owners', asset.owners.join(', '));
  field('Tags', asset.tags.join(', '));
  field('Model', asset.model);
  field('Replaced by', asset.replacedBy);
  if (asset.approval) field('Approved', `by ${asset.approval.by} on ${asset.approval.date} (${asset.approval.digest.slice(0, 19)}…)`);
  if (asset.inputs.length) {
    lines.push('', 'Inputs:');
    for (const i of asset.inputs) lines.push(`  ${v(i.name)}${i.required ? '' : '?'}: ${v(i.type)}${i.description ? ` - ${v(i.description)}` : ''}`);
  }
  if (asset.references.length) {
    lines.push('', 'References:');
    for (const r of asset.references) lines.push(`  ${r.field}: ${v(r.ref.raw)}`);
  }
  if (asset.kind === 'prompt') lines.push('', `Eval suites: ${evals.length ? evals.map((e) => v(`${e.id}@${e.version}`)).join(', ') : 'none'}`);
  if (runCost) lines.push('', 'Cost of one run:', ...evalCostLines(runCost).map((l) => `  ${v(l)}`));
  lines.push('', 'Files:', ...asset.files.map((f) => `  ${v(f)}`));
  lines.push('', `Problems: ${plural(asset.problems.errors, 'error')}, ${plural(asset.problems.warnings, 'warning')}, ${plural(asset.problems.infos, 'info')}`);
  for (const d of diags) lines.push(`  ${v(d.file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${v(d.message)}`);
  if (history) {
    lines.push('', 'History:');
    if (!history.length) lines.push('  (no commits)');
    for (const h of history) lines.push(`  ${v(h.commit.slice(0, 10))}  ${v(h.date.slice(0, 10))}  ${v(h.author)}  ${v(h.subject)}`);
  }
  io.out(lines.join('\n') + '\n');
  return exitCodes.clean;
}
