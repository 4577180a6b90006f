// Damaged input: real library files broken at random (seeded, reproducible); the engine must never throw, hang or misplace a range.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { runCatalogChecks } from '../../../src/core/checks/catalogChecks';
import { inThread, parseAndCheck } from '../../../src/core/checks/fileChecks';
import { loadCatalog } from '../../../src/core/library/load';
import type { FileSource } from '../../../src/core/library/fileSource';
import type { ParsedFileCache } from '../../../src/core/library/load';
import type { ParsedFile } from '../../../src/core/formats/types';
import type { TextDocument } from '../../../src/core/text/textDocument';
import { repoRoot, sampleLibrary, testCacheDir } from '../paths';
import { describeMutations, diagnosticRangeProblems, documentOf, fuzzParams, mutateAll, mutationArb, sampleFiles } from './support/mutations';
import type { Mutation } from './support/mutations';
import { libraryFiles, writeTree } from './support/library';

/** CPU time one file may take to parse, at most (the engine's own bounds keep the worst case near 1 s). */
const maxParseCpuMs = 3000;
/** CPU time one whole damaged library may take to load and check. */
const maxLoadCpuMs = 8000;

function cpuMs<T>(fn: () => T): { value: T; ms: number } {
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, ms: (c.user + c.system) / 1000 };
}

/** The name a diagnostic is about, when its message names it in backticks first (`unknown-field`, `*-variable`). */
function namedIn(d: Diagnostic): string | undefined {
  return /^(?:Unknown field|Input)? ?`([^`]+)`/.exec(d.message)?.[1];
}

/** Range text of a diagnostic that names a field or variable must be that name (possibly quoted in YAML). */
function rangeTextProblem(d: Diagnostic, doc: TextDocument): string | undefined {
  if (!['unknown-field', 'undefined-variable', 'unused-variable'].includes(d.code) || d.message.startsWith('…and ')) return undefined;
  const name = namedIn(d);
  if (name === undefined) return `${d.code} message names nothing: ${d.message}`;
  const text = doc.text.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end));
  const unquoted = /^(["'])([\s\S]*)\1$/.exec(text)?.[2] ?? text;
  if (unquoted === name || text === name) return undefined;
  // A Picoschema key carries more than the name (`tags?(array, Labels)`).
  if (d.code === 'unused-variable' && text.startsWith(name)) return undefined;
  // A YAML key may be written escaped ("a\x62") or tagged (`!!binary a2luZA==`): its range is the key as written.
  const before = doc.lineText(d.range.start.line).slice(0, d.range.start.character);
  if (d.code === 'unknown-field' && (/^["']/.test(text) || /![^\s]*\s+$/.test(before))) return undefined;
  return `${d.code} range text ${JSON.stringify(text)} is not the name ${JSON.stringify(name)}`;
}

function checkParsed(f: ParsedFile, bytes: Uint8Array, where: string): void {
  const doc = documentOf(bytes);
  const problems: string[] = [];
  for (const d of f.diagnostics) {
    if (d.file !== f.path) problems.push(`${d.code} names file ${d.file}`);
    if (/internal error/i.test(d.message)) problems.push(`internal error: ${d.message}`);
    problems.push(...diagnosticRangeProblems(d, () => doc));
    const t = rangeTextProblem(d, doc);
    if (t) problems.push(t);
  }
  assert.deepEqual(problems, [], where);
}

/** A library held in memory (content keys = sha256, so a cache can serve the files left intact). */
function memorySource(files: Map<string, Uint8Array>): FileSource {
  return {
    async list() {
      return [...files.keys()].sort().map((p) => ({ path: p, type: 'file' as const, key: createHash('sha256').update(files.get(p)!).digest('hex') }));
    },
    async read(p) {
      const b = files.get(p);
      if (!b) throw new Error(`${p} is not in the library`);
      return b;
    },
  };
}

function mapCache(): ParsedFileCache {
  const m = new Map<string, ParsedFile>();
  return {
    get: (p, k) => {
      const f = m.get(`${p}\n${k}`);
      return f && { ...f, diagnostics: [...f.diagnostics] };
    },
    set: (p, k, f) => void m.set(`${p}\n${k}`, { ...f, diagnostics: [...f.diagnostics] }),
  };
}

function io(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false, stdout: () => out, stderr: () => err };
}

interface JsonReport {
  diagnostics: (Diagnostic & { file: string })[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

/** Checks validate's JSON: one object, a consistent summary, and ranges inside the files on disk (relative to `cwd`). */
function checkReport(text: string, cwd: string, code: number, where: string): JsonReport {
  assert.ok(code === 0 || code === 1, `${where}: exit ${code}`);
  let report: JsonReport;
  try {
    report = JSON.parse(text) as JsonReport;
  } catch (e) {
    throw new Error(`${where}: validate printed no valid JSON (${(e as Error).message}): ${text.slice(0, 300)}`);
  }
  assert.ok(Array.isArray(report.diagnostics) && report.summary, where);
  assert.equal(report.summary.errors, report.diagnostics.filter((d) => d.severity === 'error').length, where);
  assert.equal(code, report.summary.errors > 0 ? 1 : 0, where);
  const docs = new Map<string, TextDocument>();
  const docOf = (file: string): TextDocument | undefined => {
    if (!docs.has(file)) {
      const abs = path.resolve(cwd, file);
      docs.set(file, documentOf(existsSync(abs) ? readFileSync(abs) : new Uint8Array()));
    }
    return docs.get(file);
  };
  const problems = report.diagnostics.flatMap((d) => diagnosticRangeProblems(d, docOf));
  assert.deepEqual(problems, [], where);
  return report;
}

const library = libraryFiles(sampleLibrary);
const libraryPaths = [...library.keys()].sort();
const damageArb = fc.array(fc.tuple(fc.constantFrom(...libraryPaths), fc.array(mutationArb, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 4 });

function damaged(damage: [string, Mutation[]][]): Map<string, Uint8Array> {
  const files = new Map(library);
  for (const [p, ms] of damage) files.set(p, mutateAll(files.get(p)!, ms));
  return files;
}

function describeDamage(damage: [string, Mutation[]][]): string {
  return damage.map(([p, ms]) => `${p}: ${describeMutations(ms)}`).join('\n');
}

describe('hardening: damaged input (fuzz)', function () {
  this.timeout(240_000);
  // The YAML library reports through process warnings (printed on stderr) unless told not to.
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message.split('\n')[0]}`);
  before(() => process.on('warning', onWarning));
  after(() => process.off('warning', onWarning));
  const files = sampleFiles();
  const scratch = mkdtempSync(path.join(tmpdir(), 'genai-fuzz-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it(`parses ${files.length} real files, each damaged at random, without an exception, a range outside the text or a slow parse`, () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(mutationArb, { minLength: 1, maxLength: 5 }), (file, ms) => {
        runs++;
        const bytes = mutateAll(file.bytes, ms);
        const where = `${file.label} after ${describeMutations(ms)}`;
        const { value: parsed, ms: cpu } = cpuMs(() => parseAndCheck(file.path, bytes));
        assert.ok(cpu < maxParseCpuMs, `${where}: ${Math.round(cpu)} ms of CPU`);
        checkParsed(parsed, bytes, where);
      }),
      fuzzParams(500),
    );
    assert.ok(runs >= 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  });

  it('loads and checks the sample library with a few files damaged: no exception, every range inside its file, within a bound', async () => {
    const cache = mapCache();
    await fc.assert(
      fc.asyncProperty(damageArb, async (damage) => {
        const files = damaged(damage);
        const c0 = process.cpuUsage();
        const catalog = await loadCatalog({ root: '/library', source: memorySource(files), cache, fallbackName: 'library', parser: inThread, checks: runCatalogChecks });
        const c = process.cpuUsage(c0);
        const where = describeDamage(damage);
        assert.ok((c.user + c.system) / 1000 < maxLoadCpuMs, `${where}: ${Math.round((c.user + c.system) / 1000)} ms of CPU`);
        const docs = new Map<string, TextDocument>();
        const docOf = (file: string): TextDocument | undefined => {
          if (!files.has(file)) return undefined;
          if (!docs.has(file)) docs.set(file, documentOf(files.get(file)!));
          return docs.get(file);
        };
        const problems: string[] = [];
        for (const d of catalog.diagnostics) {
          if (!files.has(d.file)) problems.push(`${d.code} on ${d.file}, which is not a file of the library`);
          if (/internal error/i.test(d.message)) problems.push(`internal error: ${d.message}`);
          problems.push(...diagnosticRangeProblems(d, docOf));
        }
        assert.deepEqual(problems, [], where);
        for (const a of catalog.assets) assert.ok(typeof a.id === 'string' && a.id.length > 0, `${where}: an asset without id`);
      }),
      fuzzParams(60),
    );
  });

  it('genai-assets validate --format json (in process) exits 0 or 1 with one valid JSON object on damaged libraries', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(damageArb, async (damage) => {
        const dir = path.join(scratch, `cli-${n++}`);
        writeTree(dir, damaged(damage));
        const cli = io(dir);
        const code = await main(['validate', '.', '--format', 'json'], cli);
        const where = describeDamage(damage);
        checkReport(cli.stdout(), dir, code, where);
        assert.equal(cli.stderr(), '', `${where}: stderr`);
        rmSync(dir, { recursive: true, force: true });
      }),
      fuzzParams(12),
    );
  });

  it('the built dist/cli.js, as a process, prints valid JSON for a damaged library and a damaged single file', function () {
    const cliJs = path.join(repoRoot, 'dist', 'cli.js');
    if (!existsSync(cliJs)) {
      this.timeout(120_000);
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 110_000 });
      assert.equal(b.status, 0, `build failed: ${b.stderr}`);
    }
    const samples = fc.sample(damageArb, { seed: 7, numRuns: 1 });
    const dir = path.join(scratch, 'process');
    writeTree(dir, damaged(samples[0]));
    const runs: [string[], string][] = [
      [['validate', '.', '--format', 'json'], describeDamage(samples[0])],
      [['validate', 'prompts/claim-summary/claim-summary.prompt', '--format', 'json'], 'claim-summary.prompt damaged'],
    ];
    writeFileSync(
      path.join(dir, 'prompts', 'claim-summary', 'claim-summary.prompt'),
      mutateAll(library.get('prompts/claim-summary/claim-summary.prompt')!, [
        { kind: 'insert', at: 120, text: '{{#each x}}{% if %}\n---\n\uFEFF' },
        { kind: 'crlf' },
        { kind: 'invalid-utf8', at: 9999, bytes: [0xc3] },
      ]),
    );
    for (const [args, where] of runs) {
      const r = spawnSync(process.execPath, [cliJs, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
      assert.equal(r.error, undefined, `${where}: ${String(r.error)}`);
      checkReport(r.stdout, dir, r.status ?? -1, where);
      assert.equal(r.stderr, '', `${where}: stderr`);
    }
  });

  it("printed no warning on the process's stderr meanwhile", async () => {
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings, []);
  });
});
