// The benchmark suite (`npm run bench`): index figures as fresh CLI processes over a generated git library, typing against yaml-language-server, activation, scaffold and VSIX size.
// Usage: npm run bench [-- --json] [-- --quick] [-- --assets N] [-- --runs R] [-- --no-build] [-- --keep]
// Installs nothing: it builds dist/ (production) and the VSIX with the project's own scripts and tools, then restores the dev build.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assetFiles, changedAssets, generateBenchLibrary, onePercentChange } from './generate';

const repo = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const option = (name: string): number | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : undefined;
};
const json = flag('json');
const quick = flag('quick');
const assets = option('assets') ?? (quick ? 1000 : 10_000);
const runs = option('runs') ?? (quick ? 3 : 5);
const build = !flag('no-build');
const keep = flag('keep');
/** `--only list`: the list figures only (for iterating on the index; the table then lacks the rest). */
const onlyList = argv.includes('--only') && argv[argv.indexOf('--only') + 1] === 'list';
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

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
/** The bundles measured: built into this folder (or, with --no-build, a copy of dist/), so that other builds of the tree cannot change them mid-run. */
const dist = path.join(scratch, 'dist');
const cli = path.join(dist, 'cli.js');

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
  const r = (x: number) => Math.round(x * 10) / 10;
  return { median: r(median), min: r(s[0]), max: r(s[s.length - 1]), runs: s.length };
}

interface ChildResult {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  maxRssKb?: number;
}

/** Runs `node args...` as a fresh process and times it from spawn to exit (its output is read through a pipe). */
function node(args: string[], opts: { cwd?: string; rss?: boolean } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const full = opts.rss ? ['--require', path.join(__dirname, 'rss.cjs'), ...args] : args;
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, full, { cwd: opts.cwd ?? repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  if (r.code === null || !codes.includes(r.code)) throw new Error(`${what} exited with ${r.code}:\n${r.stderr.slice(-2000)}`);
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: repo, env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${(r.stderr || r.stdout).slice(-3000)}`);
}

const loadAverage = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const started = Date.now();
  const result: Record<string, unknown> = {};
  const loadStart = loadAverage();
  result.machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: { start: loadStart },
  };
  result.settings = { assets, runs, quick, source: 'git library cloned over file:// (blob ids key the index cache)' };

  // Build the shipped artefacts: production bundles and the VSIX.
  let vsixBytes: number | undefined;
  let vsixNote: string | undefined;
  if (build && !onlyList) {
    log('building the production bundles and the VSIX');
    run(process.execPath, ['esbuild.mjs', '--production'], 'production build');
    const vsix = path.join(scratch, 'bench.vsix');
    const vsce = path.join(repo, 'node_modules', '.bin', 'vsce');
    // The same options as `npm run package` (read from package.json), the output moved aside.
    const script = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.package ?? '';
    const packaged = /vsce\s+(package\b[^&|;]*)/.exec(script)?.[1].trim().split(/\s+/) ?? ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license'];
    const out = packaged.indexOf('--out');
    if (out >= 0) packaged.splice(out, 2);
    const args = [...packaged, '--out', vsix];
    try {
      run(vsce, args, 'vsce package');
    } catch (e) {
      // vsce refuses relative links in README.md when package.json names no repository: measure the
      // size with a placeholder base URL (the same files) and say so.
      vsixNote = `vsce package failed as the package script runs it (${(e as Error).message.split('\n').find((l) => /ERROR/.test(l))?.replace(/\x1b\[[0-9;]*m/g, '').trim() ?? 'see the log'}); measured with --baseContentUrl/--baseImagesUrl https://example.invalid/`;
      log(vsixNote);
      run(vsce, [...args, '--baseContentUrl', 'https://example.invalid/', '--baseImagesUrl', 'https://example.invalid/'], 'vsce package');
    }
    vsixBytes = statSync(vsix).size;
  }
  if (build) {
    if (!onlyList) {
      log('restoring the development build');
      run(process.execPath, ['esbuild.mjs'], 'development build');
    }
    // The measured bundles are built into a folder of their own: other builds of the tree cannot touch them.
    run(process.execPath, ['esbuild.mjs', '--production', '--outdir', dist], 'production build');
  } else cpSync(path.join(repo, 'dist'), dist, { recursive: true });
  result.vsix = vsixNote ? { bytes: vsixBytes ?? null, note: vsixNote } : { bytes: vsixBytes ?? null };

  // Activation: require the extension bundle in a fresh process with a stub vscode module.
  log('activation');
  const act: number[] = [];
  for (let i = 0; i < (onlyList ? 0 : quick ? 7 : 15); i++) {
    const r = await node([path.join(__dirname, 'activation.cjs'), path.join(dist, 'extension.js')]);
    expectExit(r, [0], 'activation');
    act.push((JSON.parse(r.stdout) as { requireMs: number }).requireMs);
  }
  const distFile = (f: string) => (existsSync(path.join(dist, f)) ? statSync(path.join(dist, f)).size : 0);
  const vendorDir = path.join(dist, 'vendor');
  const vendorBytes = existsSync(vendorDir) ? readdirSync(vendorDir).filter((f) => f.endsWith('.js')).reduce((n, f) => n + statSync(path.join(vendorDir, f)).size, 0) : 0;
  result.activation = { requireMs: spread(act).median, bundleBytes: distFile('extension.js'), engineBytes: distFile('engine.js'), vendorBytes, spread: { requireMs: spread(act) } };

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

  log('naive baseline');
  const naive: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await node([path.join(__dirname, 'naive.mjs'), work]);
    expectExit(r, [0], 'naive');
    naive.push(r.ms);
  }

  log('clone');
  const clone = await node([cli, 'sync', '--library', url]);
  expectExit(clone, [0], 'sync (clone)');
  const cacheRoot = path.join(scratch, 'cache');
  const libDir = path.join(cacheRoot, readdirSync(cacheRoot).find((d) => existsSync(path.join(cacheRoot, d, 'repo')))!);
  const indexFiles = (): string[] => readdirSync(libDir).filter((f) => /^(catalog|index)\./.test(f) && !f.endsWith('.tmp'));
  const clearIndex = (): void => indexFiles().forEach((f) => rmSync(path.join(libDir, f)));
  const list = async (what: string): Promise<ChildResult> => {
    const r = await node([cli, 'list', '--library', url], { rss: true });
    expectExit(r, [0], what);
    const count = /(\d+) assets?\.\s*$/.exec(r.stdout);
    if (!count || Number(count[1]) !== assets) throw new Error(`${what}: expected ${assets} assets, got: ${r.stdout.slice(-200)}`);
    return r;
  };

  log('cold list (empty index cache)');
  const cold: number[] = [];
  for (let i = 0; i < runs; i++) {
    clearIndex();
    cold.push((await list('cold list')).ms);
  }
  log('warm list');
  const warm: number[] = [];
  let warmRss = 0;
  for (let i = 0; i < runs; i++) {
    const r = await list('warm list');
    warm.push(r.ms);
    warmRss = Math.max(warmRss, r.maxRssKb ?? 0);
  }
  const indexBytes = indexFiles().reduce((n, f) => n + statSync(path.join(libDir, f)).size, 0);

  log('incremental list (after a commit that changes 1% of the assets)');
  const saved = path.join(scratch, 'index-before');
  mkdirSync(saved);
  for (const f of indexFiles()) cpSync(path.join(libDir, f), path.join(saved, f));
  const changed = changedAssets(assets);
  writeTree(work, onePercentChange(assets));
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', `Change ${changed.length} assets`);
  // The sync moves the clone to the new commit (and refreshes the index itself); each timed list then starts from the index of the previous commit.
  const sync = await node([cli, 'sync', '--library', url]);
  expectExit(sync, [0], 'sync (1% change)');
  const incremental: number[] = [];
  const probe = assetFiles(changed[0], 1);
  const probeVersion = /^version: (.*)$/m.exec(Object.entries(probe).find(([p]) => p.endsWith('asset.yaml'))![1])![1];
  for (let i = 0; i < runs; i++) {
    clearIndex();
    for (const f of readdirSync(saved)) cpSync(path.join(saved, f), path.join(libDir, f));
    const r = await list('incremental list');
    if (!r.stdout.includes(probeVersion)) throw new Error(`incremental list: the changed asset's new version ${probeVersion} is missing`);
    incremental.push(r.ms);
  }

  if (onlyList) {
    const figures = { naiveMs: spread(naive), coldMs: spread(cold), warmMs: spread(warm), incrementalMs: spread(incremental), indexCacheBytes: indexBytes, syncAfterChangeMs: Math.round(sync.ms) };
    process.stdout.write(JSON.stringify({ machine: result.machine, index: figures, loadAverageEnd: loadAverage() }, null, 2) + '\n');
    return;
  }

  log('validate (whole library, folder)');
  const validate: number[] = [];
  let peakKb = 0;
  for (let i = 0; i < (quick ? 2 : 3); i++) {
    const r = await node([cli, 'validate', work], { rss: true, cwd: scratch });
    expectExit(r, [0, 1], 'validate');
    if (!/files checked/.test(r.stdout)) throw new Error(`validate printed no summary: ${r.stdout.slice(-500)}`);
    validate.push(r.ms);
    peakKb = Math.max(peakKb, r.maxRssKb ?? 0);
  }

  const s = {
    naiveMs: spread(naive),
    coldMs: spread(cold),
    warmMs: spread(warm),
    incrementalMs: spread(incremental),
    validateMs: spread(validate),
  };
  result.index = {
    assets,
    files: fileCount,
    naiveMs: s.naiveMs.median,
    coldMs: s.coldMs.median,
    warmMs: s.warmMs.median,
    incrementalMs: s.incrementalMs.median,
    validateMs: s.validateMs.median,
    validatePeakRssMb: Math.round(peakKb / 1024),
    listPeakRssMb: Math.round(warmRss / 1024),
    cloneMs: Math.round(clone.ms),
    syncAfterChangeMs: Math.round(sync.ms),
    changedAssets: changed.length,
    indexCacheBytes: indexBytes,
    spread: s,
  };

  log('typing (yaml-language-server side by side)');
  const ks = await node(['--import', 'tsx', path.join(__dirname, 'keystroke.ts'), '--runs', String(quick ? 15 : 40), '--dist', dist, '--library', work]);
  expectExit(ks, [0], 'keystroke');
  const k = JSON.parse(ks.stdout) as Record<string, Spread> & Record<string, unknown>;
  result.keystroke = {
    typicalMs: k.typicalMs.median,
    largeMs: k.largeMs.median,
    ylsTypicalMs: k.ylsTypicalMs.median,
    ylsLargeMs: k.ylsLargeMs.median,
    typicalLines: k.typicalLines,
    largeLines: k.largeLines,
    diagnostics: k.diagnostics,
    path: k.path,
    libraryTypicalMs: (k.library as unknown as { typicalMs: Spread } | undefined)?.typicalMs.median ?? null,
    library: k.library ?? null,
    spread: { typicalMs: k.typicalMs, largeMs: k.largeMs, ylsTypicalMs: k.ylsTypicalMs, ylsLargeMs: k.ylsLargeMs },
  };

  log('scaffold');
  const scaffold: number[] = [];
  let components = 0;
  let written = 0;
  for (let i = 0; i < runs; i++) {
    const out = path.join(scratch, `pilot-${i}`);
    const r = await node([
      cli,
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
    ]);
    expectExit(r, [0], 'scaffold');
    scaffold.push(r.ms);
    components = r.stdout.split('\n').filter((l) => /^ {2}\S+ \d+\.\d+\.\d+ \((prompt|eval|module|template)\)/.test(l)).length;
    written = Number(/(\d+) files written/.exec(r.stdout)?.[1] ?? 0);
  }
  result.scaffold = { components, files: written, ms: spread(scaffold).median, library: 'samples/library', spread: { ms: spread(scaffold) } };

  (result.machine as { loadAverage: Record<string, number[]> }).loadAverage.end = loadAverage();
  result.targets = targets(result);
  result.elapsedSeconds = Math.round((Date.now() - started) / 1000);

  if (json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(table(result));
}

interface Target {
  figure: string;
  target: string;
  value: string;
  met: boolean;
}

function targets(r: Record<string, unknown>): Target[] {
  const i = r.index as Record<string, number>;
  const k = r.keystroke as Record<string, number>;
  const a = r.activation as Record<string, number>;
  const x = (v: number) => `${v.toFixed(1)}x`;
  return [
    { figure: `cold list, ${i.assets} assets`, target: '>= 5x faster than naive', value: x(i.naiveMs / i.coldMs), met: i.naiveMs / i.coldMs >= 5 },
    { figure: 'warm list', target: '<= 10% of cold', value: `${((100 * i.warmMs) / i.coldMs).toFixed(1)}%`, met: i.warmMs <= 0.1 * i.coldMs },
    { figure: 'list after the 1% commit', target: '<= 15% of cold', value: `${((100 * i.incrementalMs) / i.coldMs).toFixed(1)}%`, met: i.incrementalMs <= 0.15 * i.coldMs },
    { figure: 'full validate', target: 'faster than naive', value: x(i.naiveMs / i.validateMs), met: i.validateMs < i.naiveMs },
    { figure: 'validate peak memory', target: '<= 300 MB', value: `${i.validatePeakRssMb} MB`, met: i.validatePeakRssMb <= 300 },
    { figure: 'typing, typical prompt', target: '>= 2x faster than yaml-language-server', value: x(k.ylsTypicalMs / k.typicalMs), met: k.ylsTypicalMs / k.typicalMs >= 2 },
    { figure: `typing, ${(r.keystroke as Record<string, number>).largeLines}-line file`, target: '>= 3x faster than yaml-language-server', value: x(k.ylsLargeMs / k.largeMs), met: k.ylsLargeMs / k.largeMs >= 3 },
    { figure: 'activation (requireMs)', target: '<= 20 ms', value: `${a.requireMs} ms`, met: a.requireMs <= 20 },
  ];
}

function table(r: Record<string, unknown>): string {
  const m = r.machine as { cpu: string; cores: number; node: string; loadAverage: { start: number[]; end: number[] } };
  const rows: string[][] = [['figure', 'median', 'min', 'max', 'runs']];
  const add = (name: string, sp: Spread | undefined, unit = 'ms'): void => {
    if (sp) rows.push([name, `${sp.median} ${unit}`, `${sp.min}`, `${sp.max}`, `${sp.runs}`]);
  };
  const i = r.index as { spread: Record<string, Spread>; assets: number; files: number; validatePeakRssMb: number; indexCacheBytes: number; cloneMs: number; syncAfterChangeMs: number };
  add(`index: naive (read + yaml.parseDocument + ajv)`, i.spread.naiveMs);
  add('index: cold list (empty index cache)', i.spread.coldMs);
  add('index: warm list', i.spread.warmMs);
  add('index: list after the 1% commit', i.spread.incrementalMs);
  add('index: validate (whole library)', i.spread.validateMs);
  const k = r.keystroke as { spread: Record<string, Spread>; largeLines: number; typicalLines: number };
  add(`typing: ours, ${k.typicalLines}-line prompt`, k.spread.typicalMs);
  add(`typing: yaml-language-server, ${k.typicalLines}-line prompt`, k.spread.ylsTypicalMs);
  add(`typing: ours, ${k.largeLines}-line file`, k.spread.largeMs);
  add(`typing: yaml-language-server, ${k.largeLines}-line file`, k.spread.ylsLargeMs);
  const kl = (r.keystroke as { library: { assets: number; typicalMs: Spread } | null }).library;
  if (kl) add(`typing: ours, a prompt in the ${kl.assets}-asset library`, kl.typicalMs);
  const a = r.activation as { spread: Record<string, Spread>; bundleBytes: number; engineBytes: number };
  add('activation: require dist/extension.js', a.spread.requireMs);
  const sc = r.scaffold as { spread: Record<string, Spread>; components: number; files: number };
  add(`scaffold: ${sc.components} components, ${sc.files} files (CLI)`, sc.spread.ms);
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  '));
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  const v = r.vsix as { bytes: number | null };
  const extra = [
    `library: ${i.assets} assets, ${i.files} files; clone ${(i.cloneMs / 1000).toFixed(1)} s; sync after the 1% commit ${(i.syncAfterChangeMs / 1000).toFixed(1)} s; index cache ${(i.indexCacheBytes / 1048576).toFixed(1)} MB`,
    `validate peak memory: ${i.validatePeakRssMb} MB`,
    `bundles: extension.js ${kb(a.bundleBytes)}, engine.js ${kb(a.engineBytes)}; VSIX ${v.bytes === null ? 'not built (--no-build)' : kb(v.bytes)}`,
    `machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average ${m.loadAverage.start.join(' ')} at the start, ${m.loadAverage.end.join(' ')} at the end`,
  ];
  const t = (r.targets as Target[]).map((x) => `  ${x.met ? 'met ' : 'MISS'}  ${x.figure}: ${x.value} (target ${x.target})`);
  return `${lines.join('\n')}\n\n${extra.join('\n')}\n\nTargets:\n${t.join('\n')}\n`;
}

main()
  .catch((e: Error) => {
    process.stderr.write(`bench: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (keep) log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  });
