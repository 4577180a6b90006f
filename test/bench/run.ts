// The benchmark suite (`npm run bench`): index figures as fresh CLI processes over a generated git library, typing against yaml-language-server, activation, scaffold and VSIX size.
// Usage: npm run bench [-- --json] [-- --quick] [-- --assets N] [-- --runs R] [-- --repos N] [-- --no-build] [-- --keep] [-- --compare REF] [-- --only list|activation|whereUsed]
// Installs nothing for this tree: it builds dist/ (production) and the VSIX with the project's own scripts and tools, then restores
// the dev build. With --compare REF, REF is built in a temporary git worktree and both builds are measured in alternation.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { racyMarginMs } from '../../src/core/library/folderSnapshot';
import { assetFiles, changedAssets, generateBenchLibrary, onePercentChange } from './generate';
import { serveFleet } from './whereUsed';

const repo = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const text = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[i + 1] : undefined;
};
const option = (name: string): number | undefined => (text(name) === undefined ? undefined : Number(text(name)));
const json = flag('json');
const quick = flag('quick');
const assets = option('assets') ?? (quick ? 1000 : 10_000);
const runs = option('runs') ?? (quick ? 3 : 5);
const build = !flag('no-build');
const keep = flag('keep');
/** `--compare REF`: the git revision measured side by side with this tree. */
const compareRef = text('compare');
if (flag('compare') && !compareRef) throw new Error('--compare needs a git revision, e.g. --compare HEAD~3');
/** `--only list`: the list figures only (for iterating on the index; the table then lacks the rest). */
const onlyList = text('only') === 'list';
/** `--only activation`: activation, bundle and VSIX figures only, as JSON (for iterating on the bundles). */
const onlyActivation = text('only') === 'activation';
/** `--only whereUsed`: the where-used figures only. */
const onlyWhereUsed = text('only') === 'whereUsed';
if (text('only') !== undefined && !onlyList && !onlyActivation && !onlyWhereUsed) throw new Error(`--only ${text('only')}: list, activation or whereUsed`);
/** `--repos N`: the repositories where-used reads (default 100). */
const fleetRepos = option('repos') ?? 100;
/** What is built: without the VSIX and the editor engine for the parts that do not need them. */
const lean = onlyList || onlyWhereUsed;
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const firstLine = (e: unknown): string => ((e as Error).message ?? String(e)).split('\n')[0].slice(0, 200);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'genai-bench-'));
const home = path.join(scratch, 'home');
mkdirSync(home, { recursive: true });
// No automatic gc: a background gc would run while figures are taken.
writeFileSync(path.join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n[user]\n\tname = Bench\n\temail = bench@example.test\n[gc]\n\tauto = 0\n');
/** Git and the CLI run with their own HOME and cache folder: nothing of the user's setup leaks in. */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
  GIT_TERMINAL_PROMPT: '0',
  GENAI_ASSETS_CACHE_DIR: path.join(scratch, 'cache'),
  GENAI_ASSETS_CONFIG: '',
  NO_COLOR: '1',
  // Node options of the user's shell are not part of what is measured. NODE_EXTRA_CA_CERTS makes Node read a CA
  // bundle at every start (about 75 ms on the machines the README's figures come from), whatever the program.
  NODE_OPTIONS: '',
  NODE_EXTRA_CA_CERTS: '',
};

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { median: r(median), min: r(s[0]), max: r(s[s.length - 1]), runs: s.length };
}

/**
 * One build under measurement: this tree, or REF built in its worktree. Each has its own copy of the bundles
 * (so that other builds of the tree cannot change them mid-run) and its own cache folder (snapshots of one
 * build are refused by the other). Figures are kept by their JSON names ('index.coldMs', ...).
 */
interface Build {
  side: 'ref' | 'current';
  /** REF as given, or 'this tree'. */
  label: string;
  /** The source tree the build comes from. */
  tree: string;
  dist: string;
  env: NodeJS.ProcessEnv;
  /** Timed runs of each figure. */
  samples: Record<string, number[]>;
  /** Figures measured once (sizes, peaks). */
  values: Record<string, number>;
  /** Figures the build could not give (REF only: an older build may lack the feature), with the reason. */
  missing: Record<string, string>;
  notes: Record<string, unknown>;
}

function newBuild(side: Build['side'], label: string, tree: string): Build {
  return {
    side,
    label,
    tree,
    dist: path.join(scratch, `dist-${side}`),
    env: { ...env, GENAI_ASSETS_CACHE_DIR: path.join(scratch, `cache-${side}`) },
    samples: {},
    values: {},
    missing: {},
    notes: {},
  };
}

const record = (b: Build, figure: string, x: number): void => void (b.samples[figure] ??= []).push(x);

/** A figure of a build: the spread of its runs, a single value, or null when the build could not give it. */
function figureOf(b: Build, figure: string): Spread | null {
  if (b.missing[figure] !== undefined) return null;
  const xs = b.samples[figure];
  if (xs?.length) return spread(xs);
  const v = b.values[figure];
  return v === undefined ? null : { median: v, min: v, max: v, runs: 1 };
}
const median = (b: Build, figure: string): number | null => figureOf(b, figure)?.median ?? null;

interface ChildResult {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  maxRssKb?: number;
}

/** Runs `node args...` as a fresh process and times it from spawn to exit (its output is read through a pipe). */
function node(args: string[], opts: { cwd?: string; rss?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const full = opts.rss ? ['--require', path.join(__dirname, 'rss.cjs'), ...args] : args;
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, full, { cwd: opts.cwd ?? repo, env: opts.env ?? env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const stderr = Buffer.concat(err).toString('utf8');
      const m = /__bench_maxrss_kb=(\d+)/.exec(stderr);
      resolve({ ms, code, stdout: Buffer.concat(out).toString('utf8'), stderr, maxRssKb: m ? Number(m[1]) : undefined });
    });
  });
}

function expectExit(r: ChildResult, codes: number[], what: string): void {
  if (r.code === null || !codes.includes(r.code)) {
    // The error's own line when there is one (a stack's last lines say little), else the end of stderr.
    const lines = r.stderr.trim().split('\n');
    const error = lines.find((l) => /^\S*Error\b|\berror:/i.test(l.trim()));
    throw new Error(`${what} exited with ${r.code}: ${(error?.trim() ?? lines.slice(-3).join(' | ')).slice(-600)}`);
  }
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Runs a build step in `cwd` with the user's environment (stdout and stderr kept for the error). */
function run(cmd: string, args: string[], what: string, cwd = repo): void {
  const r = spawnSync(cmd, args, { cwd, env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${what}: ${cmd} could not run (${r.error.message})`);
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${(r.stderr || r.stdout || '').slice(-3000)}`);
}

const loadAverage = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);

// ---- REF in a temporary worktree ----

/** The temporary worktree of REF, removed on exit whatever happens (see cleanUp). */
let worktree: string | undefined;

/** Checks REF out in a temporary worktree with node_modules: the main tree's (linked) when REF's package-lock.json is the same, else `npm ci`. */
function prepareRef(ref: string): Build {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`--compare ${ref}: not a commit of this repository`);
  const commit = r.stdout.trim();
  const tree = path.join(scratch, 'ref-tree');
  log(`checking out ${ref} (${commit.slice(0, 10)}) in ${tree}`);
  worktree = tree;
  run('git', ['worktree', 'add', '--detach', tree, commit], 'git worktree add');
  const lock = (dir: string): string | undefined => (existsSync(path.join(dir, 'package-lock.json')) ? readFileSync(path.join(dir, 'package-lock.json'), 'utf8') : undefined);
  const b = newBuild('ref', ref, tree);
  b.notes.commit = commit;
  if (lock(tree) !== undefined && lock(tree) === lock(repo) && existsSync(path.join(repo, 'node_modules'))) {
    symlinkSync(path.join(repo, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    b.notes.nodeModules = "the main tree's (same package-lock.json)";
  } else {
    log(`${ref}'s package-lock.json differs from this tree's: npm ci in the worktree`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run(npm, ['ci', '--no-audit', '--no-fund'], `npm ci in the worktree of ${ref}`, tree);
    b.notes.nodeModules = 'npm ci (package-lock.json differs)';
  }
  return b;
}

/** Removes the worktree (its node_modules link first, so nothing behind the link is touched) and the scratch folder. */
function cleanUp(): void {
  if (worktree) {
    const tree = worktree;
    worktree = undefined;
    const link = path.join(tree, 'node_modules');
    // A node_modules installed by npm ci is a plain folder: git worktree remove --force deletes it with the rest.
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
    const r = spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) log(`git worktree remove --force ${tree} failed: ${r.stderr.trim()} (run it by hand, then git worktree prune)`);
  }
  if (keep) log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}

// ---- Building ----

/** Builds a tree's production bundles and VSIX with its own scripts, and puts the bundles measured in `b.dist`. */
function buildShipped(b: Build): void {
  const pkg = JSON.parse(readFileSync(path.join(b.tree, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const production = (): void => {
    if (pkg.scripts['build:prod']) run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'build:prod'], `production build of ${b.label}`, b.tree);
    else run(process.execPath, ['esbuild.mjs', '--production'], `production build of ${b.label}`, b.tree);
  };
  if (b.side === 'current' && !build) {
    cpSync(path.join(repo, 'dist'), b.dist, { recursive: true });
    b.missing['vsix.bytes'] = 'not built (--no-build)';
    return;
  }
  log(`building the production bundles${lean ? '' : ' and the VSIX'} of ${b.label}`);
  production();
  if (!lean) {
    try {
      packageVsix(b, pkg.scripts.package);
    } catch (e) {
      if (b.side === 'current') throw e;
      b.missing['vsix.bytes'] = firstLine(e);
    }
  }
  if (b.side === 'current') {
    if (!lean) {
      log('restoring the development build');
      run(process.execPath, ['esbuild.mjs'], 'development build');
    }
    // The measured bundles are built into a folder of their own: other builds of the tree cannot touch them.
    run(process.execPath, ['esbuild.mjs', '--production', '--outdir', b.dist], 'production build');
  } else cpSync(path.join(b.tree, 'dist'), b.dist, { recursive: true });
}

/**
 * The editor's engine for keystroke.ts, from a build that ships it inside dist/extension.js: LiveCatalog and
 * openFolderLibrary bundled into DIST/benchEngine.js with the options of the tree's own bundles (its esbuild.mjs
 * exports them). Older builds ship dist/engine.js, which keystroke.ts loads instead.
 */
async function bundleEditorEngine(b: Build): Promise<void> {
  if (existsSync(path.join(b.dist, 'engine.js'))) return;
  const { bundleOptions } = (await import(pathToFileURL(path.join(b.tree, 'esbuild.mjs')).href)) as { bundleOptions: (production: boolean) => object };
  const esbuild = createRequire(path.join(b.tree, 'package.json'))('esbuild') as { build: (options: BuildOptions) => Promise<unknown> };
  await esbuild.build({
    ...bundleOptions(true),
    stdin: {
      contents: "export { LiveCatalog } from './src/core/editor/liveCatalog';\nexport { openFolderLibrary } from './src/node/openFolder';\n",
      resolveDir: b.tree,
      loader: 'ts',
      sourcefile: 'benchEngine.ts',
    },
    outfile: path.join(b.dist, 'benchEngine.js'),
  });
}

/** Packages the tree's VSIX with the options of its `package` script, the output moved aside; records its size. */
function packageVsix(b: Build, script: string | undefined): void {
  const vsix = path.join(scratch, `${b.side}.vsix`);
  const vsce = path.join(b.tree, 'node_modules', '.bin', 'vsce');
  // The same options as `npm run package` (read from package.json), the output moved aside.
  const packaged = /vsce\s+(package\b[^&|;]*)/
    .exec(script ?? '')?.[1]
    .trim()
    .split(/\s+/) ?? ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license'];
  const out = packaged.indexOf('--out');
  if (out >= 0) packaged.splice(out, 2);
  const args = [...packaged, '--out', vsix];
  try {
    run(vsce, args, 'vsce package', b.tree);
  } catch (e) {
    // vsce refuses relative links in README.md when package.json names no repository: measure the
    // size with a placeholder base URL (the same files) and say so.
    const note = `vsce package failed as the package script runs it (${
      (e as Error).message
        .split('\n')
        .find((l) => /ERROR/.test(l))
        ?.replace(/\x1b\[[0-9;]*m/g, '')
        .trim() ?? 'see the log'
    }); measured with --baseContentUrl/--baseImagesUrl https://example.invalid/`;
    b.notes.vsix = note;
    log(note);
    run(vsce, [...args, '--baseContentUrl', 'https://example.invalid/', '--baseImagesUrl', 'https://example.invalid/'], 'vsce package', b.tree);
  }
  b.values['vsix.bytes'] = statSync(vsix).size;
}

// ---- Measuring ----

let builds: Build[] = [];

/**
 * Runs `measure` `rounds` times for every build, the builds taking turns (A, B, then B, A: which goes first
 * alternates), so that both see the same machine load. When REF fails, `figures` are n/a for it (an older build
 * may lack the feature) and the rest goes on; when this tree fails, the bench stops.
 */
async function alternate(what: string, rounds: number, figures: string[], measure: (b: Build, round: number) => Promise<void>, requires: string[] = []): Promise<void> {
  log(what);
  const failed = new Set<Build>();
  for (const b of builds) {
    const gone = requires.find((f) => b.missing[f] !== undefined);
    if (gone) {
      failed.add(b);
      for (const f of figures) b.missing[f] = `needs ${gone}`;
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const b of round % 2 ? [...builds].reverse() : builds) {
      if (failed.has(b)) continue;
      try {
        await measure(b, round);
      } catch (e) {
        if (b.side === 'current') throw e;
        failed.add(b);
        for (const f of figures) b.missing[f] = firstLine(e);
        log(`${b.label}: ${what}: n/a (${firstLine(e)})`);
      }
    }
  }
}

/** The cache folder of the build's clone of the library, and its index files. */
function indexOf(b: Build): { dir: string; files: () => string[]; clear: () => void } {
  const root = b.env.GENAI_ASSETS_CACHE_DIR!;
  const found = existsSync(root) ? readdirSync(root).find((d) => existsSync(path.join(root, d, 'repo'))) : undefined;
  if (!found) throw new Error(`no clone in ${root}`);
  const dir = path.join(root, found);
  const files = (): string[] => readdirSync(dir).filter((f) => /^(catalog|index)\./.test(f) && !f.endsWith('.tmp'));
  return { dir, files, clear: () => files().forEach((f) => rmSync(path.join(dir, f))) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: { start: loadAverage(), end: [] as number[] },
  };
  const settings = { assets, runs, quick, source: 'git library cloned over file:// (blob ids key the index cache)' };

  const current = newBuild('current', 'this tree', repo);
  const ref = compareRef ? prepareRef(compareRef) : undefined;
  builds = ref ? [ref, current] : [current];
  if (ref) {
    try {
      buildShipped(ref);
    } catch (e) {
      throw new Error(`${compareRef} does not build: ${(e as Error).message}`);
    }
  }
  buildShipped(current);
  if (!lean) for (const b of builds) await bundleEditorEngine(b);
  const cliOf = (b: Build): string => path.join(b.dist, 'cli.js');

  // Activation: require the extension bundle in a fresh process with a stub vscode module.
  await alternate('activation', lean ? 0 : quick ? 7 : 15, ['activation.requireMs', 'activation.activateMs'], async (b) => {
    const r = await node([path.join(__dirname, 'activation.cjs'), path.join(b.dist, 'extension.js')], { env: b.env });
    expectExit(r, [0], 'activation');
    const a = JSON.parse(r.stdout) as { requireMs: number; activateMs: number | null; activateError?: string };
    record(b, 'activation.requireMs', a.requireMs);
    if (a.activateMs !== null) record(b, 'activation.activateMs', a.activateMs);
    else b.missing['activation.activateMs'] = `activate() threw: ${a.activateError}`;
  });
  for (const b of builds) {
    const size = (figure: string, f: string): void => {
      if (existsSync(path.join(b.dist, f))) b.values[figure] = statSync(path.join(b.dist, f)).size;
      else b.missing[figure] = `no dist/${f}`;
    };
    size('activation.bundleBytes', 'extension.js');
    // Builds up to the single extension bundle kept the engine and the libraries it loads in files of their own.
    if (existsSync(path.join(b.dist, 'engine.js'))) size('activation.engineBytes', 'engine.js');
    const vendorDir = path.join(b.dist, 'vendor');
    if (existsSync(vendorDir))
      b.values['activation.vendorBytes'] = readdirSync(vendorDir)
        .filter((f) => f.endsWith('.js'))
        .reduce((n, f) => n + statSync(path.join(vendorDir, f)).size, 0);
  }

  const whereUsedFigures = ['whereUsed.firstMs', 'whereUsed.cachedMs', 'whereUsed.afterMoveMs', 'whereUsed.firstReceivedBytes', 'whereUsed.cachedReceivedBytes', 'whereUsed.afterMoveReceivedBytes'];
  /** where-used over the fleet: a fresh cache per round; the first run, the same again, then after 10 repositories moved. */
  const measureWhereUsed = async (): Promise<void> => {
    log(`serving ${fleetRepos} repositories with installs for where-used`);
    const fleet = await serveFleet(scratch, cliOf(current), env, fleetRepos);
    const moved = Math.min(10, fleetRepos);
    try {
      await alternate(`where-used over ${fleetRepos} repositories`, quick ? 1 : 3, whereUsedFigures, async (b, round) => {
        const wuEnv = { ...b.env, GENAI_ASSETS_CACHE_DIR: path.join(scratch, `where-used-cache-${b.side}-${round}`) };
        const once = async (name: string, unchanged: number): Promise<void> => {
          fleet.relay.reset();
          const r = await node([cliOf(b), 'where-used', '--repos', fleet.reposFile, '--library', fleet.libraryUrl], { env: wuEnv, cwd: scratch });
          expectExit(r, [0], `where-used (${name})`);
          const head = `${fleetRepos} of ${fleetRepos} repositories read in`;
          if (!r.stdout.includes(head) || !r.stdout.includes(`(${unchanged} unchanged since the last run)`))
            throw new Error(`where-used (${name}): expected "${head}" and ${unchanged} unchanged, got: ${r.stdout.split('\n')[0]}`);
          record(b, `whereUsed.${name}Ms`, r.ms);
          record(b, `whereUsed.${name}ReceivedBytes`, fleet.relay.received);
        };
        await once('first', 0);
        await once('cached', fleetRepos);
        fleet.moveRepositories(moved, round);
        await once('afterMove', fleetRepos - moved);
      });
      const shallowCloneBytes = await fleet.shallowCloneBytes();
      for (const b of builds) b.notes.whereUsed = { repos: fleetRepos, moved, shallowCloneBytes };
    } finally {
      await fleet.stop();
    }
  };

  if (onlyWhereUsed) {
    await measureWhereUsed();
    machine.loadAverage.end = loadAverage();
    const figures = Object.fromEntries(
      whereUsedFigures.map((f) => [f, { ...(ref ? { ref: figureOf(ref, f), changePct: change(figureOf(ref, f), figureOf(current, f)) } : {}), current: figureOf(current, f) }]),
    );
    const out = { ...(ref ? { compare: { ref: compareRef, commit: ref.notes.commit } } : {}), machine, ...(current.notes.whereUsed as object), figures };
    process.stdout.write(json || ref ? JSON.stringify(out, null, 2) + '\n' : whereUsedTable(current, machine));
    return;
  }

  if (onlyActivation) {
    machine.loadAverage.end = loadAverage();
    const shown = ['activation.requireMs', 'activation.activateMs', 'activation.bundleBytes', 'activation.engineBytes', 'activation.vendorBytes', 'vsix.bytes'];
    const figures = Object.fromEntries(shown.map((f) => [f, { ...(ref ? { ref: figureOf(ref, f), changePct: change(figureOf(ref, f), figureOf(current, f)) } : {}), current: figureOf(current, f) }]));
    process.stdout.write(JSON.stringify({ ...(ref ? { compare: { ref: compareRef, commit: ref.notes.commit } } : {}), machine, figures }, null, 2) + '\n');
    return;
  }

  // The library: N assets as a git repository, cloned over file://.
  log(`generating a library of ${assets} assets`);
  const work = path.join(scratch, 'work');
  const files = generateBenchLibrary(assets);
  writeTree(work, files);
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'Generated library');
  const url = `file://${work}`;
  const fileCount = Object.keys(files).length;

  // The naive baseline is the same program for both builds: with --compare, its change shows the noise of the run.
  await alternate('naive baseline', runs, ['index.naiveMs'], async (b) => {
    const r = await node([path.join(__dirname, 'naive.mjs'), work], { env: b.env });
    expectExit(r, [0], 'naive');
    record(b, 'index.naiveMs', r.ms);
  });

  await alternate('clone', 1, ['index.cloneMs'], async (b) => {
    const r = await node([cliOf(b), 'sync', '--library', url], { env: b.env });
    expectExit(r, [0], 'sync (clone)');
    b.values['index.cloneMs'] = Math.round(r.ms);
  });
  const list = async (b: Build, what: string, library = url, listEnv = b.env): Promise<ChildResult> => {
    const r = await node([cliOf(b), 'list', '--library', library], { rss: true, env: listEnv, cwd: scratch });
    expectExit(r, [0], what);
    const count = /(\d+) assets?\.\s*$/.exec(r.stdout);
    if (!count || Number(count[1]) !== assets) throw new Error(`${what}: expected ${assets} assets, got: ${r.stdout.slice(-200)}`);
    return r;
  };

  const listFigures = ['index.coldMs', 'index.warmMs', 'index.listPeakRssMb', 'index.indexCacheBytes', 'index.incrementalMs', 'index.syncAfterChangeMs'];
  await alternate(
    'cold list (empty index cache)',
    runs,
    listFigures,
    async (b) => {
      indexOf(b).clear();
      record(b, 'index.coldMs', (await list(b, 'cold list')).ms);
    },
    ['index.cloneMs'],
  );
  await alternate(
    'warm list',
    runs,
    ['index.warmMs', 'index.listPeakRssMb', 'index.indexCacheBytes'],
    async (b) => {
      const r = await list(b, 'warm list');
      record(b, 'index.warmMs', r.ms);
      b.values['index.listPeakRssMb'] = Math.max(b.values['index.listPeakRssMb'] ?? 0, Math.round((r.maxRssKb ?? 0) / 1024));
      const ix = indexOf(b);
      b.values['index.indexCacheBytes'] = ix.files().reduce((n, f) => n + statSync(path.join(ix.dir, f)).size, 0);
    },
    ['index.coldMs'],
  );

  // Each round commits a new revision of the same 1% of the assets, and each build syncs to it (one fetch of that commit): a
  // fetch's time varies too much for one run to say anything. Before the last commit, each build's index (of the commit before)
  // is saved: the timed incremental lists start from it, so that they read one 1% change.
  const syncRounds = quick ? 3 : 5;
  const saved = (b: Build) => path.join(scratch, `index-before-${b.side}`);
  const changed = changedAssets(assets);
  let committed = 0;
  let changedAt = Date.now();
  const commitRevision = (revision: number): void => {
    if (revision === syncRounds) {
      for (const b of builds) {
        if (b.missing['index.warmMs'] !== undefined || b.missing['index.syncAfterChangeMs'] !== undefined) continue;
        const ix = indexOf(b);
        mkdirSync(saved(b));
        for (const f of ix.files()) cpSync(path.join(ix.dir, f), path.join(saved(b), f));
      }
    }
    writeTree(work, onePercentChange(assets, revision));
    changedAt = Date.now();
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `Change ${changed.length} assets (revision ${revision})`);
    committed = revision;
  };
  // The sync moves each clone to the new commit (and refreshes the index itself).
  await alternate(
    'sync after a commit that changes 1% of the assets',
    syncRounds,
    ['index.syncAfterChangeMs', 'index.incrementalMs'],
    // This tree's build runs every round (a failure of it stops the bench), so every revision is committed.
    async (b, round) => {
      if (committed < round + 1) commitRevision(round + 1);
      const r = await node([cliOf(b), 'sync', '--library', url], { env: b.env });
      expectExit(r, [0], 'sync (1% change)');
      record(b, 'index.syncAfterChangeMs', r.ms);
    },
    ['index.warmMs'],
  );
  const probe = assetFiles(changed[0], syncRounds);
  const probeVersion = /^version: (.*)$/m.exec(Object.entries(probe).find(([p]) => p.endsWith('asset.yaml'))![1])![1];
  await alternate(
    'incremental list (after a commit that changes 1% of the assets)',
    runs,
    ['index.incrementalMs'],
    async (b) => {
      const ix = indexOf(b);
      ix.clear();
      for (const f of readdirSync(saved(b))) cpSync(path.join(saved(b), f), path.join(ix.dir, f));
      const r = await list(b, 'incremental list');
      if (!r.stdout.includes(probeVersion)) throw new Error(`incremental list: the changed asset's new version ${probeVersion} is missing`);
      record(b, 'index.incrementalMs', r.ms);
    },
    ['index.syncAfterChangeMs'],
  );

  // The library as a plain folder (a maintainer's work tree): two lists in a fresh cache, the second the warm path. A file changed
  // less than racyMarginMs before a list is read again by the next (its stat cannot be trusted, as git's racy-clean rule has it): the
  // lists start once that margin has passed since the 1% commit wrote its files, so that the second list is of an unchanged folder.
  const quiet = changedAt + racyMarginMs + 100 - Date.now();
  if (quiet > 0) await new Promise((resolve) => setTimeout(resolve, quiet));
  await alternate('folder list, twice in a fresh cache', runs, ['index.folderFirstMs', 'index.folderSecondMs'], async (b, round) => {
    const fresh = { ...b.env, GENAI_ASSETS_CACHE_DIR: path.join(scratch, `folder-cache-${b.side}-${round}`) };
    record(b, 'index.folderFirstMs', (await list(b, 'folder list (first)', work, fresh)).ms);
    record(b, 'index.folderSecondMs', (await list(b, 'folder list (second)', work, fresh)).ms);
  });

  if (!onlyList) {
    await alternate('validate (whole library, folder)', quick ? 2 : 3, ['index.validateMs', 'index.validatePeakRssMb'], async (b) => {
      const r = await node([cliOf(b), 'validate', work], { rss: true, cwd: scratch, env: b.env });
      expectExit(r, [0, 1], 'validate');
      if (!/files checked/.test(r.stdout)) throw new Error(`validate printed no summary: ${r.stdout.slice(-500)}`);
      record(b, 'index.validateMs', r.ms);
      b.values['index.validatePeakRssMb'] = Math.max(b.values['index.validatePeakRssMb'] ?? 0, Math.round((r.maxRssKb ?? 0) / 1024));
    });

    // A pull request that changes three assets, on a branch of the library: `validate --changed=main` with the folder's
    // catalog in the cache from an earlier run (an untimed first run per build), as a maintainer or a CI job with a cache has it.
    const prAssets = [10, 20, 33].filter((i) => i < assets);
    git(work, 'switch', '-q', '-c', 'pull-request');
    writeTree(work, Object.assign({}, ...prAssets.map((i) => assetFiles(i, 2))) as Record<string, string>);
    git(work, 'commit', '-q', '-am', `Change ${prAssets.length} assets`);
    const prFiles = git(work, 'diff', '--name-only', 'main', 'HEAD').split('\n').filter(Boolean).length;
    try {
      await alternate(`validate --changed (a pull request of ${prAssets.length} assets, warm cache)`, runs, ['index.validateChangedMs'], async (b, round) => {
        const changedEnv = { ...b.env, GENAI_ASSETS_CACHE_DIR: path.join(scratch, `changed-cache-${b.side}`) };
        const validateChanged = async (): Promise<ChildResult> => {
          const r = await node([cliOf(b), 'validate', '--changed=main', work], { cwd: scratch, env: changedEnv });
          expectExit(r, [0, 1], 'validate --changed');
          if (!r.stderr.includes(`${prFiles} files changed since the merge base of HEAD and main`))
            throw new Error(`validate --changed did not see the ${prFiles} files changed: ${r.stderr.slice(-300)}`);
          return r;
        };
        if (round === 0) await validateChanged();
        record(b, 'index.validateChangedMs', (await validateChanged()).ms);
      });
    } finally {
      git(work, 'switch', '-q', 'main');
    }

    // Several processes per build, their keystrokes pooled: each process opens the library once (keystroke.library.openMs).
    const ksRounds = quick ? 2 : 3;
    const ksRuns = Math.ceil((quick ? 15 : 40) / ksRounds);
    const ksFigures = ['keystroke.typicalMs', 'keystroke.largeMs', 'keystroke.ylsTypicalMs', 'keystroke.ylsLargeMs', 'keystroke.library.openMs', 'keystroke.libraryTypicalMs'];
    await alternate('typing (yaml-language-server side by side; opening a prompt in the library)', ksRounds, ksFigures, async (b) => {
      const ks = await node(['--import', 'tsx', path.join(__dirname, 'keystroke.ts'), '--runs', String(ksRuns), '--dist', b.dist, '--library', work], { env: b.env });
      expectExit(ks, [0], 'keystroke');
      const k = JSON.parse(ks.stdout) as { samples: Record<string, number[]>; library?: { openMs: number; assets: number; files: number; firstDiagnostics: number; file: string } } & Record<
        string,
        unknown
      >;
      for (const [name, xs] of Object.entries(k.samples)) for (const x of xs) record(b, `keystroke.${name}`, x);
      if (k.library) record(b, 'keystroke.library.openMs', k.library.openMs);
      b.notes.keystroke = {
        typicalLines: k.typicalLines,
        largeLines: k.largeLines,
        diagnostics: k.diagnostics,
        path: k.path,
        library: k.library && { assets: k.library.assets, files: k.library.files, file: k.library.file, firstDiagnostics: k.library.firstDiagnostics },
      };
    });

    await alternate('scaffold', runs, ['scaffold.ms'], async (b, round) => {
      const out = path.join(scratch, `pilot-${b.side}-${round}`);
      const r = await node(
        [
          cliOf(b),
          'scaffold',
          '--library',
          path.join(repo, 'samples', 'library'),
          '--template',
          'claims-assistant-pilot',
          '--name',
          'bench-pilot',
          '--with',
          'claim-summary,complaint-classifier,policy-question-answering',
          '--set',
          'ownerEmail=team@example.com',
          '--out',
          out,
        ],
        { env: b.env },
      );
      expectExit(r, [0], 'scaffold');
      record(b, 'scaffold.ms', r.ms);
      b.notes.scaffold = {
        components: r.stdout.split('\n').filter((l) => /^ {2}\S+ \d+\.\d+\.\d+ \((prompt|eval|module|template)\)/.test(l)).length,
        files: Number(/(\d+) files written/.exec(r.stdout)?.[1] ?? 0),
      };
    });

    await measureWhereUsed();
  }
  machine.loadAverage.end = loadAverage();
  const elapsedSeconds = Math.round((Date.now() - started) / 1000);
  const context = { assets, files: fileCount, changedAssets: changed.length };

  if (ref) {
    const figures = Object.fromEntries(
      shownFigures(ref, current).map((f) => {
        const a = figureOf(ref, f);
        const b = figureOf(current, f);
        return [f, { ref: a, current: b, changePct: change(a, b), ...(ref.missing[f] !== undefined ? { refMissing: ref.missing[f] } : {}) }];
      }),
    );
    const out = {
      compare: { ref: compareRef, commit: ref.notes.commit, nodeModules: ref.notes.nodeModules },
      machine,
      settings,
      figures,
      builds: { ref: report(ref, context), current: report(current, context) },
      targets: onlyList ? [] : targets(report(current, context)),
      elapsedSeconds,
    };
    process.stdout.write(json ? JSON.stringify(out, null, 2) + '\n' : compareTable(ref, current, out.targets, machine));
    return;
  }
  if (onlyList) {
    const f = (name: string) => figureOf(current, `index.${name}`);
    const index = {
      naiveMs: f('naiveMs'),
      coldMs: f('coldMs'),
      warmMs: f('warmMs'),
      incrementalMs: f('incrementalMs'),
      folderFirstMs: f('folderFirstMs'),
      folderSecondMs: f('folderSecondMs'),
      indexCacheBytes: median(current, 'index.indexCacheBytes'),
      syncAfterChangeMs: median(current, 'index.syncAfterChangeMs'),
    };
    process.stdout.write(JSON.stringify({ machine, index, loadAverageEnd: machine.loadAverage.end }, null, 2) + '\n');
    return;
  }
  const result = { machine, settings, ...report(current, context), targets: [] as Target[], elapsedSeconds };
  result.targets = targets(result);
  process.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : table(result));
}

/** One build's figures in the shape of `npm run -s bench -- --json`: medians, with the spreads under `spread` (null: n/a). */
function report(b: Build, context: { assets: number; files: number; changedAssets: number }): Record<string, Record<string, unknown>> {
  const m = (f: string) => median(b, f);
  const sp = (...names: string[]) => Object.fromEntries(names.map((n) => [n.split('.').slice(1).join('.'), figureOf(b, n)]));
  const ks = (b.notes.keystroke ?? {}) as Record<string, unknown>;
  const lib = ks.library as Record<string, unknown> | undefined;
  return {
    vsix: { bytes: m('vsix.bytes'), ...(b.notes.vsix ? { note: b.notes.vsix } : {}) },
    activation: {
      requireMs: m('activation.requireMs'),
      activateMs: m('activation.activateMs'),
      bundleBytes: m('activation.bundleBytes'),
      engineBytes: m('activation.engineBytes'),
      vendorBytes: m('activation.vendorBytes'),
      spread: sp('activation.requireMs', 'activation.activateMs'),
    },
    index: {
      ...context,
      naiveMs: m('index.naiveMs'),
      coldMs: m('index.coldMs'),
      warmMs: m('index.warmMs'),
      incrementalMs: m('index.incrementalMs'),
      folderFirstMs: m('index.folderFirstMs'),
      folderSecondMs: m('index.folderSecondMs'),
      validateMs: m('index.validateMs'),
      validateChangedMs: m('index.validateChangedMs'),
      validatePeakRssMb: m('index.validatePeakRssMb'),
      listPeakRssMb: m('index.listPeakRssMb'),
      cloneMs: m('index.cloneMs'),
      syncAfterChangeMs: m('index.syncAfterChangeMs'),
      indexCacheBytes: m('index.indexCacheBytes'),
      spread: sp('index.naiveMs', 'index.coldMs', 'index.warmMs', 'index.incrementalMs', 'index.folderFirstMs', 'index.folderSecondMs', 'index.validateMs', 'index.validateChangedMs'),
    },
    keystroke: {
      typicalMs: m('keystroke.typicalMs'),
      largeMs: m('keystroke.largeMs'),
      ylsTypicalMs: m('keystroke.ylsTypicalMs'),
      ylsLargeMs: m('keystroke.ylsLargeMs'),
      libraryTypicalMs: m('keystroke.libraryTypicalMs'),
      typicalLines: ks.typicalLines ?? null,
      largeLines: ks.largeLines ?? null,
      diagnostics: ks.diagnostics ?? null,
      path: ks.path ?? null,
      library: lib ? { ...lib, openMs: m('keystroke.library.openMs'), typicalMs: figureOf(b, 'keystroke.libraryTypicalMs') } : null,
      spread: sp('keystroke.typicalMs', 'keystroke.largeMs', 'keystroke.ylsTypicalMs', 'keystroke.ylsLargeMs', 'keystroke.libraryTypicalMs', 'keystroke.library.openMs'),
    },
    scaffold: { ...((b.notes.scaffold as object) ?? {}), ms: m('scaffold.ms'), library: 'samples/library', spread: sp('scaffold.ms') },
    whereUsed: {
      ...((b.notes.whereUsed as object) ?? {}),
      firstMs: m('whereUsed.firstMs'),
      cachedMs: m('whereUsed.cachedMs'),
      afterMoveMs: m('whereUsed.afterMoveMs'),
      firstReceivedBytes: m('whereUsed.firstReceivedBytes'),
      cachedReceivedBytes: m('whereUsed.cachedReceivedBytes'),
      afterMoveReceivedBytes: m('whereUsed.afterMoveReceivedBytes'),
      spread: sp('whereUsed.firstMs', 'whereUsed.cachedMs', 'whereUsed.afterMoveMs', 'whereUsed.firstReceivedBytes', 'whereUsed.cachedReceivedBytes', 'whereUsed.afterMoveReceivedBytes'),
    },
    ...(Object.keys(b.missing).length ? { missing: b.missing } : {}),
  };
}

/** The change from REF to this tree in percent (null when either lacks the figure). */
function change(a: Spread | null, b: Spread | null): number | null {
  if (!a || !b || !Number.isFinite(a.median) || !Number.isFinite(b.median) || a.median === 0) return null;
  return Math.round((1000 * (b.median - a.median)) / a.median) / 10;
}

/** The figures in the order of the table; any other a build gives follows its group. */
const figureOrder = [
  'index.naiveMs',
  'index.coldMs',
  'index.warmMs',
  'index.incrementalMs',
  'index.folderFirstMs',
  'index.folderSecondMs',
  'index.validateMs',
  'index.validateChangedMs',
  'index.validatePeakRssMb',
  'index.listPeakRssMb',
  'index.cloneMs',
  'index.syncAfterChangeMs',
  'index.indexCacheBytes',
  'keystroke.typicalMs',
  'keystroke.ylsTypicalMs',
  'keystroke.largeMs',
  'keystroke.ylsLargeMs',
  'keystroke.library.openMs',
  'keystroke.libraryTypicalMs',
  'activation.requireMs',
  'activation.activateMs',
  'activation.bundleBytes',
  'activation.engineBytes',
  'activation.vendorBytes',
  'scaffold.ms',
  'whereUsed.firstMs',
  'whereUsed.cachedMs',
  'whereUsed.afterMoveMs',
  'whereUsed.firstReceivedBytes',
  'whereUsed.cachedReceivedBytes',
  'whereUsed.afterMoveReceivedBytes',
  'vsix.bytes',
];

/** Every figure either build measured or lacks, in the order of `figureOrder`. */
function shownFigures(...bs: Build[]): string[] {
  const seen = new Set<string>();
  for (const b of bs) for (const f of [...Object.keys(b.samples), ...Object.keys(b.values), ...Object.keys(b.missing)]) seen.add(f);
  const rank = (f: string) => {
    const i = figureOrder.indexOf(f);
    const group = f.split('.')[0];
    return i >= 0 ? i : figureOrder.reduce((last, o, j) => (o.split('.')[0] === group ? j : last), figureOrder.length) + 0.5;
  };
  return [...seen].sort((x, y) => rank(x) - rank(y));
}

/** A time with three significant digits or more: 1234, 123, 12.3, 1.23. */
const fmt = (x: number): string => (x >= 100 ? `${Math.round(x)}` : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function cell(s: Spread | null, figure: string): string {
  if (!s || !Number.isFinite(s.median)) return 'n/a';
  const f = (x: number) => (/Bytes$|\.bytes$/.test(figure) ? `${(x / 1024).toFixed(0)} KB` : /Mb$/.test(figure) ? `${x} MB` : fmt(x));
  if (s.runs === 1) return f(s.median);
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

function aligned(rows: string[][]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

function compareTable(ref: Build, current: Build, t: Target[], m: { cpu: string; cores: number; node: string; loadAverage: { start: number[]; end: number[] } }): string {
  const rows = [['figure (ms unless named)', `${ref.label} (${String(ref.notes.commit).slice(0, 10)})`, 'this tree', 'change']];
  for (const f of shownFigures(ref, current)) {
    const a = figureOf(ref, f);
    const b = figureOf(current, f);
    const c = change(a, b);
    rows.push([f, cell(a, f), cell(b, f), c === null ? 'n/a' : `${c > 0 ? '+' : ''}${c.toFixed(1)}%`]);
  }
  const why = Object.entries(ref.missing).map(([f, reason]) => `  ${f}: ${reason}`);
  const lines = [
    aligned(rows),
    '',
    `medians (min–max) of runs taken in alternation; ${ref.label}: node_modules ${String(ref.notes.nodeModules)}`,
    `machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average ${m.loadAverage.start.join(' ')} at the start, ${m.loadAverage.end.join(' ')} at the end`,
  ];
  if (why.length) lines.push('', `n/a for ${ref.label}:`, ...why);
  if (t.length) lines.push('', 'Targets (this tree):', ...t.map((x) => `  ${x.met ? 'met ' : 'MISS'}  ${x.figure}: ${x.value} (target ${x.target})`));
  return lines.join('\n') + '\n';
}

interface Target {
  figure: string;
  target: string;
  value: string;
  met: boolean;
}

function targets(r: Record<string, unknown>): Target[] {
  const i = r.index as Record<string, number>;
  const k = r.keystroke as Record<string, number> & { library: { openMs: number; assets: number } | null };
  const a = r.activation as Record<string, number>;
  const x = (v: number) => `${v.toFixed(1)}x`;
  const pct = (p: number, q: number) => `${((100 * p) / q).toFixed(1)}%`;
  const all: (Target | false)[] = [
    { figure: `cold list, ${i.assets} assets`, target: '>= 5x faster than naive', value: x(i.naiveMs / i.coldMs), met: i.naiveMs / i.coldMs >= 5 },
    { figure: 'warm list', target: '<= 10% of cold', value: pct(i.warmMs, i.coldMs), met: i.warmMs <= 0.1 * i.coldMs },
    { figure: 'list after the 1% commit', target: '<= 15% of cold', value: pct(i.incrementalMs, i.coldMs), met: i.incrementalMs <= 0.15 * i.coldMs },
    i.folderFirstMs !== null && { figure: 'second list of a folder', target: '<= 10% of the first', value: pct(i.folderSecondMs, i.folderFirstMs), met: i.folderSecondMs <= 0.1 * i.folderFirstMs },
    { figure: 'full validate', target: 'faster than naive', value: x(i.naiveMs / i.validateMs), met: i.validateMs < i.naiveMs },
    { figure: 'validate peak memory', target: '<= 300 MB', value: `${i.validatePeakRssMb} MB`, met: i.validatePeakRssMb <= 300 },
    i.validateChangedMs !== null && { figure: 'validate --changed, 3 assets changed', target: '<= 1 s', value: `${Math.round(i.validateChangedMs)} ms`, met: i.validateChangedMs <= 1000 },
    { figure: 'typing, typical prompt', target: '>= 2x faster than yaml-language-server', value: x(k.ylsTypicalMs / k.typicalMs), met: k.ylsTypicalMs / k.typicalMs >= 2 },
    { figure: `typing, ${k.largeLines}-line file`, target: '>= 3x faster than yaml-language-server', value: x(k.ylsLargeMs / k.largeMs), met: k.ylsLargeMs / k.largeMs >= 3 },
    !!k.library && {
      figure: `opening a prompt in the ${k.library.assets}-asset library`,
      target: '<= 1 s to its first diagnostics',
      value: `${Math.round(k.library.openMs)} ms`,
      met: k.library.openMs <= 1000,
    },
    k.libraryTypicalMs !== null && { figure: 'typing, a prompt in that library', target: '<= 5 ms', value: `${k.libraryTypicalMs} ms`, met: k.libraryTypicalMs <= 5 },
    { figure: 'activation (requireMs)', target: '<= 20 ms', value: `${a.requireMs} ms`, met: a.requireMs <= 20 },
  ];
  return all.filter((t): t is Target => !!t);
}

function table(r: Record<string, unknown>): string {
  const m = r.machine as { cpu: string; cores: number; node: string; loadAverage: { start: number[]; end: number[] } };
  const rows: string[][] = [['figure', 'median', 'min', 'max', 'runs']];
  const add = (name: string, sp: Spread | null | undefined, unit = 'ms'): void => {
    if (sp) rows.push([name, `${fmt(sp.median)} ${unit}`, fmt(sp.min), fmt(sp.max), `${sp.runs}`]);
  };
  const i = r.index as { spread: Record<string, Spread | null>; assets: number; files: number; validatePeakRssMb: number; indexCacheBytes: number; cloneMs: number; syncAfterChangeMs: number };
  add(`index: naive (read + yaml.parseDocument + ajv)`, i.spread.naiveMs);
  add('index: cold list (empty index cache)', i.spread.coldMs);
  add('index: warm list', i.spread.warmMs);
  add('index: list after the 1% commit', i.spread.incrementalMs);
  add('index: folder list, first (fresh cache)', i.spread.folderFirstMs);
  add('index: folder list, second', i.spread.folderSecondMs);
  add('index: validate (whole library)', i.spread.validateMs);
  add('index: validate --changed (pull request of 3 assets)', i.spread.validateChangedMs);
  const k = r.keystroke as { spread: Record<string, Spread | null>; largeLines: number; typicalLines: number; library: { assets: number } | null };
  add(`typing: ours, ${k.typicalLines}-line prompt`, k.spread.typicalMs);
  add(`typing: yaml-language-server, ${k.typicalLines}-line prompt`, k.spread.ylsTypicalMs);
  add(`typing: ours, ${k.largeLines}-line file`, k.spread.largeMs);
  add(`typing: yaml-language-server, ${k.largeLines}-line file`, k.spread.ylsLargeMs);
  if (k.library) {
    add(`opening a prompt in the ${k.library.assets}-asset library (to its diagnostics)`, k.spread['library.openMs']);
    add(`typing: ours, a prompt in the ${k.library.assets}-asset library`, k.spread.libraryTypicalMs);
  }
  const a = r.activation as { spread: Record<string, Spread | null>; bundleBytes: number; engineBytes: number | null };
  add('activation: require dist/extension.js', a.spread.requireMs);
  add('activation: activate() (stub vscode)', a.spread.activateMs);
  const sc = r.scaffold as { spread: Record<string, Spread | null>; components: number; files: number };
  add(`scaffold: ${sc.components} components, ${sc.files} files (CLI)`, sc.spread.ms);
  rows.push(...whereUsedRows(r.whereUsed as WhereUsedReport));
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  const v = r.vsix as { bytes: number | null };
  const extra = [
    `library: ${i.assets} assets, ${i.files} files; clone ${(i.cloneMs / 1000).toFixed(1)} s; sync after the 1% commit ${(i.syncAfterChangeMs / 1000).toFixed(1)} s; index cache ${(i.indexCacheBytes / 1048576).toFixed(1)} MB`,
    `validate peak memory: ${i.validatePeakRssMb} MB`,
    `bundles: extension.js ${kb(a.bundleBytes)}${a.engineBytes === null ? '' : `, engine.js ${kb(a.engineBytes)}`}; VSIX ${v.bytes === null ? 'not built (--no-build)' : kb(v.bytes)}`,
    `machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average ${m.loadAverage.start.join(' ')} at the start, ${m.loadAverage.end.join(' ')} at the end`,
  ];
  const t = (r.targets as Target[]).map((x) => `  ${x.met ? 'met ' : 'MISS'}  ${x.figure}: ${x.value} (target ${x.target})`);
  return `${aligned(rows)}\n\n${extra.join('\n')}\n\nTargets:\n${t.join('\n')}\n`;
}

interface WhereUsedReport {
  repos?: number;
  moved?: number;
  shallowCloneBytes?: number;
  spread: Record<string, Spread | null>;
}

/** The where-used rows of the table: times, and the bytes git received through the relay (KB). */
function whereUsedRows(w: WhereUsedReport): string[][] {
  const rows: string[][] = [];
  const n = w.repos ?? fleetRepos;
  const add = (name: string, sp: Spread | null | undefined, kb = false): void => {
    const f = (x: number) => (kb ? (x / 1024).toFixed(0) : fmt(x));
    if (sp) rows.push([name, `${f(sp.median)} ${kb ? 'KB' : 'ms'}`, f(sp.min), f(sp.max), `${sp.runs}`]);
  };
  add(`where-used: ${n} repositories, first run (empty cache)`, w.spread.firstMs);
  add(`where-used: ${n} repositories, again (nothing moved)`, w.spread.cachedMs);
  add(`where-used: after ${w.moved ?? 10} of them moved`, w.spread.afterMoveMs);
  add('where-used: git received, first run', w.spread.firstReceivedBytes, true);
  add('where-used: git received, again', w.spread.cachedReceivedBytes, true);
  add(`where-used: git received, after ${w.moved ?? 10} moved`, w.spread.afterMoveReceivedBytes, true);
  if (w.shallowCloneBytes !== undefined) rows.push([`(for comparison: shallow clones with blobs of the ${n})`, `${(w.shallowCloneBytes / 1024).toFixed(0)} KB`, '', '', '1']);
  return rows;
}

function whereUsedTable(b: Build, m: { cpu: string; cores: number; node: string; loadAverage: { start: number[]; end: number[] } }): string {
  const w = report(b, { assets: 0, files: 0, changedAssets: 0 }).whereUsed as unknown as WhereUsedReport;
  return `${aligned([['figure', 'median', 'min', 'max', 'runs'], ...whereUsedRows(w)])}\n\nmachine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average ${m.loadAverage.start.join(' ')} at the start, ${m.loadAverage.end.join(' ')} at the end\n`;
}

// Ctrl-C or a kill: the worktree and the scratch folder go all the same (the children got the signal too).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    cleanUp();
    process.exit(128 + (os.constants.signals[signal] ?? 2));
  });
}

main()
  .catch((e: Error) => {
    process.stderr.write(`bench: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  })
  .finally(cleanUp);
