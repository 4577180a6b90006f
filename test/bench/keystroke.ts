// Typing figures: one re-validation after a one-character edit, through the editor's path (LiveCatalog.setText), against yaml-language-server's doValidation.
// Run alone: npx tsx test/bench/keystroke.ts [--runs N] [--dist DIR] [--library DIR]   (prints one JSON line)
// With --dist, our side runs a build (DIR/benchEngine.js, bundled by run.ts as the extension bundle is, or DIR/engine.js
// of older builds); otherwise the TypeScript sources.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from 'yaml-language-server';
import { createRequire } from 'node:module';
import type { LiveCatalog as SourceLiveCatalog } from '../../src/core/editor/liveCatalog';
import type { openFolderLibrary as sourceOpenFolderLibrary } from '../../src/node/openFolder';

const repo = path.resolve(__dirname, '..', '..');
const sampleLibrary = path.join(repo, 'samples', 'library');
/** The typical prompt: a GitHub Models prompt file of the sample library (63 lines). */
export const typicalPath = 'prompts/complaint-classifier/complaint-classifier.prompt.yml';
/** The large file: the same prompt with test data rows up to 2,000 lines, added to the library as a new file. */
export const largePath = 'prompts/complaint-classifier-large/complaint-classifier-large.prompt.yml';

/** The 2,000-line file: the typical prompt's text, its testData grown row by row. */
export function largeText(typical: string, lines = 2000): string {
  const rows: string[] = [];
  let i = 0;
  const head = typical.replace(/\n*$/, '\n');
  const headLines = head.split('\n').length - 1;
  // Insert rows at the start of testData so the rest of the file (evaluators) stays after them.
  while (headLines + rows.length < lines) {
    rows.push(`  - channel: row ${i}`, `    complaint: Complaint number ${i} about a claim that took ${i % 30} weeks to settle.`);
    i++;
  }
  return head.replace(/^testData:\n/m, `testData:\n${rows.slice(0, lines - headLines).join('\n')}\n`);
}

/**
 * The text after the n-th keystroke: words typed letter by letter into a message in the middle of
 * the file (each text is new, so neither side can answer from a cache of a text seen before).
 */
export function editAt(text: string, n: number): string {
  const anchor = text.indexOf('Pick the single best category');
  return typedAt(text, anchor >= 0 ? anchor + 4 : Math.floor(text.length / 2), n);
}

/** The first n + 1 characters someone types: words of 2 to 9 letters, each followed by a space. */
function typing(n: number): string {
  let out = '';
  for (let word = 0; out.length <= n; word++) {
    for (let i = 0; i < 2 + ((word * 5) % 8); i++) out += 'abcdefghijklmnopqrstuvwxyz'[(word * 11 + i * 7) % 26];
    out += ' ';
  }
  return out.slice(0, n + 1);
}

/** `text` after the n-th keystroke (n + 1 characters typed, then a space) at offset `at`. */
function typedAt(text: string, at: number, n: number): string {
  return text.slice(0, at) + typing(n) + ' ' + text.slice(at);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

function timing(xs: number[]): Timing {
  return { median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)), runs: xs.length };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Keystrokes typed on each side before timing starts: someone typing has warmed both engines up long before. */
const warmUp = 100;

/** Keystrokes timed on one side before the other side takes its turn. */
const block = 5;

/**
 * Times the same keystrokes on both sides after `warmUp` untimed keystrokes each: in turns of
 * `block` keystrokes, which side goes first alternating, so that both see the same machine load
 * while neither is timed cleaning up after the other (each side's garbage is collected in its own turn
 * but for the few keystrokes at a turn's edge).
 */
async function timeSideBySide(runs: number, ours: (n: number) => void, theirs: (n: number) => Promise<void>): Promise<[number[], number[]]> {
  const a: number[] = [];
  const b: number[] = [];
  const oursTurn = (from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const t0 = performance.now();
      ours(n);
      const ms = performance.now() - t0;
      if (n >= warmUp) a.push(ms);
    }
  };
  const theirTurn = async (from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const t0 = performance.now();
      await theirs(n);
      const ms = performance.now() - t0;
      if (n >= warmUp) b.push(ms);
    }
  };
  oursTurn(0, warmUp);
  await theirTurn(0, warmUp);
  for (let turn = 0, n = warmUp; n < warmUp + runs; turn++, n += block) {
    const to = Math.min(n + block, warmUp + runs);
    if (turn % 2) {
      await theirTurn(n, to);
      oursTurn(n, to);
    } else {
      oursTurn(n, to);
      await theirTurn(n, to);
    }
  }
  return [a, b];
}

/** Times `edit(n)` for warm-up + runs edits (each a new text), giving the measured runs. */
function timeEdits(runs: number, edit: (n: number) => void): number[] {
  const out: number[] = [];
  for (let n = 0; n < runs + 5; n++) {
    const t0 = performance.now();
    edit(n);
    const ms = performance.now() - t0;
    if (n >= 5) out.push(ms);
  }
  return out;
}

export interface KeystrokeResult {
  typicalMs: Timing;
  largeMs: Timing;
  ylsTypicalMs: Timing;
  ylsLargeMs: Timing;
  typicalLines: number;
  largeLines: number;
  /** Diagnostics each side reported on the unedited files (a check that both really validate). */
  diagnostics: { ours: number; yls: number };
  path: string;
  /**
   * With a large library: opening a Dotprompt prompt in it to its first diagnostics (`openMs`: the folder's second
   * open, its snapshot warm, a LiveCatalog over it, the document's text set, its diagnostics), then the same kind of
   * edit (in its body). `snapshot`: whether the build kept a snapshot (older builds read the folder again).
   */
  library?: { assets: number; files: number; typicalMs: Timing; openMs: number; firstDiagnostics: number; file: string; snapshot: boolean };
  /** Every timed keystroke of each figure (the bench pools them over several processes). */
  samples: Record<string, number[]>;
}

/**
 * The engine's editor entry points: from a build or from the sources. DIR/benchEngine.js exports them; in the
 * engine.js of older builds each is found by its export name in whichever module holds it, so that the bench
 * can drive an older build (`npm run bench -- --compare REF`) whose modules sat elsewhere.
 */
async function engine(dist: string | undefined): Promise<{ LiveCatalog: typeof SourceLiveCatalog; openFolderLibrary: typeof sourceOpenFolderLibrary }> {
  // The sources are loaded only when no build is given: a build is measured without them.
  if (!dist) return { LiveCatalog: (await import('../../src/core/editor/liveCatalog')).LiveCatalog, openFolderLibrary: (await import('../../src/node/openFolder')).openFolderLibrary };
  const file = [path.join(dist, 'benchEngine.js'), path.join(dist, 'engine.js')].find((f) => existsSync(f));
  if (!file) throw new Error(`${dist} holds neither benchEngine.js nor engine.js`);
  const built = createRequire(__filename)(file) as Record<string, Record<string, unknown>>;
  const modules = [built, ...Object.values(built)];
  const find = <T>(name: string): T => {
    const found = modules.find((m) => typeof m?.[name] === 'function');
    if (!found) throw new Error(`${file} exports no ${name}`);
    return found[name] as T;
  };
  return { LiveCatalog: find<typeof SourceLiveCatalog>('LiveCatalog'), openFolderLibrary: find<typeof sourceOpenFolderLibrary>('openFolderLibrary') };
}

/** Measures both sides on the same files and the same edits. */
export async function keystrokeBench(runs: number, dist?: string, libraryDir?: string): Promise<KeystrokeResult> {
  const { LiveCatalog, openFolderLibrary } = await engine(dist);
  const typical = readFileSync(path.join(sampleLibrary, typicalPath), 'utf8');
  const large = largeText(typical);

  // Ours: the editor's path. A LiveCatalog over the sample library; each keystroke is setText.
  const base = await openFolderLibrary(sampleLibrary);
  const live = new LiveCatalog(base);
  live.setText(largePath, large);
  const ours = (p: string, text: string) => (n: number) => void live.setText(p, editAt(text, n));

  // yaml-language-server: the language service with the same JSON Schema, doValidation on a TextDocument.
  const schema = JSON.parse(readFileSync(path.join(repo, 'schemas', 'gh-models.schema.json'), 'utf8')) as Record<string, unknown>;
  const schemaUri = 'file:///schemas/gh-models.schema.json';
  const ls = getLanguageService({
    schemaRequestService: async (uri: string) => {
      if (uri === schemaUri) return JSON.stringify(schema);
      throw new Error(`no schema at ${uri}`);
    },
    workspaceContext: { resolveRelativePath: (rel: string, res: string) => new URL(rel, res).toString() },
  });
  ls.configure({ validate: true, completion: false, hover: false, format: false, isKubernetes: false, schemas: [{ uri: schemaUri, fileMatch: ['*.prompt.yml'], schema, name: 'gh-models' }] });
  let version = 0;
  const yls = (p: string, text: string) => async (n: number) => {
    const doc = TextDocument.create(`file:///library/${p}`, 'yaml', ++version, editAt(text, n));
    await ls.doValidation(doc, false);
  };

  const [typicalMs, ylsTypicalMs] = await timeSideBySide(runs, ours(typicalPath, typical), yls(typicalPath, typical));
  const [largeMs, ylsLargeMs] = await timeSideBySide(runs, ours(largePath, large), yls(largePath, large));
  const samples: Record<string, number[]> = { typicalMs, largeMs, ylsTypicalMs, ylsLargeMs };
  const oursDiags = live.diagnosticsFor(typicalPath).length + live.diagnosticsFor(largePath).length;
  const ylsDiags =
    (await ls.doValidation(TextDocument.create(`file:///library/${typicalPath}`, 'yaml', ++version, typical), false)).length +
    (await ls.doValidation(TextDocument.create(`file:///library/${largePath}`, 'yaml', ++version, large), false)).length;

  // The same path inside a large library (e.g. the generated 10,000 assets): opening a prompt there as the editor
  // does (the folder's catalog, a LiveCatalog over it, the document's text laid over it, its diagnostics), then keystrokes.
  let library: KeystrokeResult['library'];
  if (libraryDir) {
    // The editor opens a folder through its snapshot in the cache folder (parsed files kept by stat between opens): the
    // first open, untimed, writes it; the second is timed. A build without snapshots ignores the setting (it reads the
    // folder again), so the same call measures older builds (--compare).
    const cacheRoot = process.env.GENAI_ASSETS_CACHE_DIR ?? os.tmpdir();
    mkdirSync(cacheRoot, { recursive: true });
    const cacheDir = mkdtempSync(path.join(cacheRoot, 'keystroke-'));
    const opts = { snapshot: { cacheDir, engine: 'keystroke-bench' } };
    await openFolderLibrary(libraryDir, opts);
    const snapshot = existsSync(path.join(cacheDir, 'folders'));
    const t0 = performance.now();
    const big = await openFolderLibrary(libraryDir, opts);
    const loadMs = performance.now() - t0;
    // Which prompt to open is chosen off the clock.
    const prompt = big.assets.find((a) => a.format === 'dotprompt' && a.entryFile && a.managed)!;
    const file = prompt.entryFile!;
    const text = readFileSync(path.join(libraryDir, ...file.split('/')), 'utf8');
    const t1 = performance.now();
    const liveBig = new LiveCatalog(big);
    liveBig.setText(file, text);
    const firstDiagnostics = liveBig.diagnosticsFor(file).length;
    const openMs = loadMs + performance.now() - t1;
    const body = text.indexOf('\n---\n') + 5;
    const edit = (n: number) => void liveBig.setText(file, typedAt(text, body, n));
    const libraryTimes = timeEdits(Math.min(runs, 20), edit);
    samples.libraryTypicalMs = libraryTimes;
    library = { assets: big.assets.length, files: big.files.size, typicalMs: timing(libraryTimes), openMs: Math.round(openMs), firstDiagnostics, file, snapshot };
    rmSync(cacheDir, { recursive: true, force: true });
  }

  return {
    library,
    samples,
    typicalMs: timing(typicalMs),
    largeMs: timing(largeMs),
    ylsTypicalMs: timing(ylsTypicalMs),
    ylsLargeMs: timing(ylsLargeMs),
    typicalLines: typical.split('\n').length - 1,
    largeLines: large.split('\n').length - 1,
    diagnostics: { ours: oursDiags, yls: ylsDiags },
    path: `LiveCatalog.setText (src/core/editor/liveCatalog.ts${dist ? ', built' : ', sources'}) over the sample library`,
  };
}

if (require.main === module) {
  const i = process.argv.indexOf('--runs');
  const d = process.argv.indexOf('--dist');
  const l = process.argv.indexOf('--library');
  keystrokeBench(i > 0 ? Number(process.argv[i + 1]) : 30, d > 0 ? path.resolve(process.argv[d + 1]) : undefined, l > 0 ? path.resolve(process.argv[l + 1]) : undefined)
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
