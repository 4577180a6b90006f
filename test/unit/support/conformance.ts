// The conformance suite (issue 14): real files from public repositories in test/conformance/<repository>/, each folder
// validated as a library by the CLI's own commands, and every finding held against the reviewed golden file
// test/conformance/findings.json. Shared by test/unit/conformance.test.ts and scripts/conformance.mjs (--update).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

export const repoRoot = path.resolve(path.dirname(__filename), '..', '..', '..');
export const conformanceDir = path.join(repoRoot, 'test', 'conformance');
export const goldenPath = path.join(conformanceDir, 'findings.json');

/** The formats counted by file name, as the issue names them: a file of a recognised kind must be in the catalog. */
export const formatPatterns: { format: string; pattern: RegExp }[] = [
  { format: 'prompty', pattern: /\.prompty$/ },
  // A Dotprompt partial (`_name.prompt`) is read and checked, and belongs to the prompts that include it: not an asset of its own.
  { format: 'dotprompt', pattern: /(^|\/)[^_/][^/]*\.prompt$/ },
  { format: 'promptfoo', pattern: /(^|\/)promptfooconfig[^/]*\.ya?ml$/ },
  { format: 'gh-models', pattern: /\.prompt\.ya?ml$/ },
  { format: 'vscode-prompt', pattern: /\.prompt\.md$/ },
  { format: 'vscode-agent', pattern: /\.(agent|chatmode)\.md$/ },
  { format: 'vscode-instructions', pattern: /\.instructions\.md$/ },
  { format: 'skill', pattern: /(^|\/)SKILL\.md$/ },
  { format: 'repo-instructions', pattern: /(^|\/)(AGENTS|CLAUDE|GEMINI)\.md$|(^|\/)\.github\/copilot-instructions\.md$/ },
  { format: 'cursor-rule', pattern: /\.mdc$/ },
  { format: 'claude-command', pattern: /(^|\/)\.claude\/commands\/.*\.md$/ },
  { format: 'claude-agent', pattern: /(^|\/)\.claude\/agents\/.*\.md$/ },
];

/** The format a path is counted under by name, or undefined. */
export function formatByName(rel: string): string | undefined {
  return formatPatterns.find((f) => f.pattern.test(rel))?.format;
}

export type Verdict = 'true' | 'false' | 'unreviewed';

/** One finding as the golden file holds it: path from test/conformance, 1-based line. */
export interface Finding {
  file: string;
  line: number;
  code: string;
  severity: string;
  message: string;
}

export interface GoldenEntry extends Finding {
  verdict: Verdict;
  /** Why the verdict (what the format's own tool does with the file). */
  note?: string;
}

export interface Golden {
  about: string;
  findings: GoldenEntry[];
}

/** What identifies a finding across runs: file, code, line and message. */
export function findingKey(f: Finding): string {
  return `${f.file}\u0000${f.code}\u0000${f.line}\u0000${f.message}`;
}

/** The repository folders of the suite (each has a SOURCE.txt). */
export function repositories(): string[] {
  return fs
    .readdirSync(conformanceDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(conformanceDir, d.name, 'SOURCE.txt')))
    .map((d) => d.name)
    .sort();
}

/** Every file under a folder, as paths relative to it with `/`. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

async function cli(args: string[], cacheDir: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: repoRoot, env: { GENAI_ASSETS_CACHE_DIR: cacheDir }, color: false };
  return { code: await main(args, io), out, err };
}

interface JsonReport {
  diagnostics: { file: string; code: string; severity: string; message: string; range: { start: { line: number } } }[];
}

/** The findings of `genai-assets validate <repository folder> --format json`, paths relative to test/conformance. */
export async function validateRepository(repo: string, cacheDir: string): Promise<Finding[]> {
  const r = await cli(['validate', path.join(conformanceDir, repo), '--format', 'json'], cacheDir);
  if (r.code !== 0 && r.code !== 1) throw new Error(`validate ${repo}: exit ${r.code}: ${r.err}`);
  const j = JSON.parse(r.out) as JsonReport;
  return j.diagnostics.map((d) => ({
    file: path.relative(conformanceDir, path.resolve(repoRoot, d.file)).split(path.sep).join('/'),
    line: d.range.start.line + 1,
    code: d.code,
    severity: d.severity,
    message: d.message,
  }));
}

/** The files `genai-assets list --library <repository folder> --json` catalogs, relative to the repository folder, with their format. */
export async function listRepository(repo: string, cacheDir: string): Promise<Map<string, string>> {
  const root = path.join(conformanceDir, repo);
  const r = await cli(['list', '--library', root, '--json'], cacheDir);
  if (r.code !== 0) throw new Error(`list ${repo}: exit ${r.code}: ${r.err}`);
  const j = JSON.parse(r.out) as { assets: { format: string; path: string }[] };
  const listed = new Map<string, string>();
  for (const a of j.assets) {
    listed.set((path.isAbsolute(a.path) ? path.relative(root, a.path) : a.path).split(path.sep).join('/'), a.format);
  }
  return listed;
}

export function readGolden(): Golden {
  if (!fs.existsSync(goldenPath)) return { about: '', findings: [] };
  return JSON.parse(fs.readFileSync(goldenPath, 'utf8')) as Golden;
}

const about =
  'Every finding of `genai-assets validate` on each folder of test/conformance, with a verdict: "true" (reviewed: the format\'s own tool would also reject or warn), "false" (reviewed: a false alarm, the tool is wrong), "unreviewed". Written by `npm run conformance:update`, which keeps the verdicts and notes of findings still produced and adds new ones as unreviewed.';

function byPosition(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : 1);
}

/**
 * The golden file for these findings: verdicts and notes kept by key; a finding whose line alone moved keeps the
 * verdict of the one entry of its file, code and message that is gone (noted), so an edit above it costs no review.
 */
export function mergeGolden(old: Golden, findings: Finding[]): Golden {
  const byKey = new Map(old.findings.map((g) => [findingKey(g), g]));
  const produced = new Set(findings.map(findingKey));
  const moved = new Map<string, GoldenEntry[]>();
  for (const g of old.findings) {
    if (produced.has(findingKey(g))) continue;
    const k = `${g.file}\u0000${g.code}\u0000${g.message}`;
    moved.set(k, [...(moved.get(k) ?? []), g]);
  }
  const out: GoldenEntry[] = [];
  for (const f of [...findings].sort(byPosition)) {
    const same = byKey.get(findingKey(f));
    const was = same ?? moved.get(`${f.file}\u0000${f.code}\u0000${f.message}`)?.shift();
    const e: GoldenEntry = { ...f, verdict: was?.verdict ?? 'unreviewed' };
    if (was?.note) e.note = was.note;
    out.push(e);
  }
  return { about, findings: out };
}

export async function validateAll(cacheDir: string): Promise<Finding[]> {
  const all: Finding[] = [];
  for (const repo of repositories()) all.push(...(await validateRepository(repo, cacheDir)));
  return all;
}

/**
 * Files (by name), catalogued assets (by the catalog's format, when given), findings, true, false and unreviewed per
 * format; findings in files of no recognised name are counted under "other".
 */
export function summaryTable(golden: Golden, catalogued?: Map<string, number>): string {
  const rows = new Map<string, { files: number; findings: number; true: number; false: number; unreviewed: number }>();
  const row = (f: string) => rows.get(f) ?? rows.set(f, { files: 0, findings: 0, true: 0, false: 0, unreviewed: 0 }).get(f)!;
  for (const p of formatPatterns) row(p.format);
  for (const repo of repositories()) for (const rel of filesUnder(path.join(conformanceDir, repo))) if (formatByName(rel)) row(formatByName(rel)!).files++;
  for (const g of golden.findings) {
    const rel = g.file.split('/').slice(1).join('/');
    const r = row(formatByName(rel) ?? 'other');
    r.findings++;
    r[g.verdict]++;
  }
  const head = catalogued ? ' catalogued |' : '';
  const lines = [`| format | files |${head} findings | true | false | unreviewed |`, `|---|---:|${catalogued ? '---:|' : ''}---:|---:|---:|---:|`];
  const total = { files: 0, findings: 0, true: 0, false: 0, unreviewed: 0 };
  for (const [f, r] of rows) {
    lines.push(`| ${f} | ${r.files} |${catalogued ? ` ${catalogued.get(f) ?? 0} |` : ''} ${r.findings} | ${r.true} | ${r.false} | ${r.unreviewed} |`);
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
  }
  const all = catalogued ? ` ${[...catalogued.values()].reduce((a, b) => a + b, 0)} |` : '';
  lines.push(`| **total** | ${total.files} |${all} ${total.findings} | ${total.true} | ${total.false} | ${total.unreviewed} |`);
  return lines.join('\n');
}

/** Assets of every repository folder per catalog format. */
export async function cataloguedByFormat(cacheDir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const repo of repositories()) for (const format of (await listRepository(repo, cacheDir)).values()) out.set(format, (out.get(format) ?? 0) + 1);
  return out;
}

/** A cache folder for a script run (the tests use theirs). */
export function scratchCacheDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-conformance-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
