// Pilot writes under attack (real git, the real CLI as child processes): binary conflicts never overwrite a
// user's file, a killed update leaves the old or the new state whole, and concurrent update and add lose nothing.
// FUZZ_RUNS (set by `npm run soak`) raises the number of kill and concurrency rounds.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as esbuild from 'esbuild';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { planAdd } from '../../../src/core/pilot/add';
import { loadPilot } from '../../../src/core/scaffold/pilotFile';
import { nodeFileSystem, nodePathOps, pilotFileReader } from '../../../src/node/fileSystem';
import { writePilotChanges } from '../../../src/node/pilotWrite';
import { openFixture } from '../support/pilotLibrary';
import { repoRoot } from '../paths';
import { cleanupTemp, commitAll, git, tempDir, testGitEnv, writeFiles } from '../support/gitServer';

const soak = Number(process.env.FUZZ_RUNS ?? 0) > 0;
const killRounds = soak ? 40 : 4;
const raceRounds = soak ? 30 : 3;
const textFiles = 24;
const conflicted = 16;

interface Run {
  code: number;
  out: string;
  err: string;
}

let cliJs = '';

/** The CLI bundled once for this file (one file, fast to start), run as a child process. */
async function buildCli(): Promise<string> {
  const out = tempDir('cli');
  await esbuild.build({
    entryPoints: { cli: path.join(repoRoot, 'src', 'cli', 'main.ts'), parseWorker: path.join(repoRoot, 'src', 'node', 'parseWorker.ts') },
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'error',
  });
  return path.join(out, 'cli.js');
}

const cacheDir = tempDir('cache');
const childEnv = { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: cacheDir, NO_COLOR: '1' };

/** Starts the real CLI in its own process group; `done` resolves when it exits. */
function startCli(args: string[], cwd: string): { pid: number; done: Promise<Run>; kill(): void } {
  const child = spawn(process.execPath, [cliJs, ...args], { cwd, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), out, err }));
  });
  return {
    pid: child.pid!,
    done,
    kill: () => {
      try {
        // The whole group: git children too.
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

function cli(args: string[], cwd: string): Promise<Run> {
  return startCli(args, cwd).done;
}

/** The CLI in this process, for setup (scaffold, approve). */
async function inProcess(args: string[], cwd: string): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd, env: childEnv, color: false };
  const code = await main(args, io);
  return { code, out, err };
}

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Every file of a folder (relative path -> sha256), our own `.genai-assets` folder left out. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === '.genai-assets') continue;
      if (e.isDirectory()) walk(r);
      else out.set(r, sha(readFileSync(path.join(dir, r))));
    }
  };
  walk('');
  return out;
}

/** Every path under `dir` (our folder included). */
function allPaths(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map((p) => String(p).split(path.sep).join('/'));
}

function sameSnapshot(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function diffSnapshot(a: Map<string, string>, b: Map<string, string>): string {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => `${k}: ${a.get(k)?.slice(0, 8) ?? 'absent'} vs ${b.get(k)?.slice(0, 8) ?? 'absent'}`)
    .join('\n');
}

/** True when a text holds a conflict block inside another one (a merge of an already conflicted file). */
function nestedMarkers(text: string): boolean {
  let depth = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('<<<<<<<')) {
      depth++;
      if (depth > 1) return true;
    } else if (line.startsWith('>>>>>>>')) depth--;
  }
  return false;
}

const bulkFile = (i: number, line2: string) => `line1 ${i}\n${line2}\nline3\nline4\nline5\nline6 ${i}\n`;
const pad = (i: number) => String(i).padStart(2, '0');

function bulkFiles(version: string, stage: number): Record<string, string> {
  const files: Record<string, string> = {
    'modules/bulk/asset.yaml': `id: bulk\nkind: module\nversion: ${version}\nstatus: approved\ntitle: Many files\nowners: [platform]\n`,
  };
  for (let i = 0; i < textFiles; i++) files[`modules/bulk/f${pad(i)}.txt`] = bulkFile(i, stage ? `upstream ${stage} ${i}` : `line2 ${i}`);
  if (stage === 0) files['modules/bulk/old.txt'] = 'removed upstream later\n';
  else files['modules/bulk/new.txt'] = `added upstream ${stage}\n`;
  return files;
}

const logo = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, n, 0, 1, 2, 3, 0xff, 0]);

/** A library (a git repository) with a template, `bulk` 1.0.0 (24 text files and a binary) and `extra` 1.0.0. */
async function makeLibrary(): Promise<string> {
  const dir = path.join(tempDir('lib'), 'library');
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, {
    'library.yaml': 'name: txn-lib\ndescription: Pilot write tests.\npolicy:\n  scaffoldStatuses: [approved]\n',
    'templates/starter/asset.yaml': 'id: starter\nkind: template\nversion: 1.0.0\nstatus: approved\ntitle: Starter\nowners: [platform]\nlayout:\n  module: lib\n',
    'templates/starter/README.md': '# A pilot\n',
    'modules/extra/asset.yaml': 'id: extra\nkind: module\nversion: 1.0.0\nstatus: approved\ntitle: Extra\nowners: [platform]\n',
    'modules/extra/e1.txt': 'extra one\n',
    'modules/extra/e2.txt': 'extra two\n',
    ...bulkFiles('1.0.0', 0),
  });
  writeFileSync(path.join(dir, 'modules/bulk/logo.bin'), logo(0));
  await approve(dir, ['starter', 'extra', 'bulk']);
  commitAll(dir, 'Library 1.0');
  return dir;
}

async function approve(lib: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    const r = await inProcess(['approve', id, '--library', lib, '--by', 'tester'], lib);
    assert.equal(r.code, 0, `approve ${id}: ${r.out}${r.err}`);
  }
}

/** Moves `bulk` to `version`: line 2 of every text file changes, old.txt goes, new.txt comes, the binary changes. */
async function moveBulk(lib: string, version: string, stage: number): Promise<void> {
  rmSync(path.join(lib, 'modules/bulk'), { recursive: true, force: true });
  writeFiles(lib, bulkFiles(version, stage));
  writeFileSync(path.join(lib, 'modules/bulk/logo.bin'), logo(stage));
  await approve(lib, ['bulk']);
  commitAll(lib, `bulk ${version}`);
}

/** A pilot with `bulk` 1.0.0, edited locally: line 2 of the first 16 text files and the binary. */
async function makePilot(lib: string, parent: string, name = 'pilot'): Promise<string> {
  const out = path.join(parent, name);
  const r = await inProcess(['scaffold', '--library', lib, '--template', 'starter', '--name', 'txn-pilot', '--with', 'bulk', '--out', out], parent);
  assert.equal(r.code, 0, r.out + r.err);
  for (let i = 0; i < conflicted; i++) writeFileSync(path.join(out, `lib/bulk/f${pad(i)}.txt`), bulkFile(i, `local ${i}`));
  writeFileSync(path.join(out, 'lib/bulk/logo.bin'), logo(200));
  return out;
}

function lockOf(pilot: string): { components: { id: string; version: string; files: { path: string; sha256: string }[] }[] } {
  return JSON.parse(readFileSync(path.join(pilot, 'pilot.lock.json'), 'utf8'));
}

function copyPilot(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

/** True once an update has started writing into the pilot: its journal, a staging folder, or a temporary file beside a component file. */
function writing(pilot: string, journalOnly: boolean): boolean {
  const own = path.join(pilot, '.genai-assets');
  if (existsSync(own) && readdirSync(own).some((n) => n === 'journal.json' || (!journalOnly && n.startsWith('update-')))) return true;
  const bulk = path.join(pilot, 'lib', 'bulk');
  return existsSync(bulk) && readdirSync(bulk).some((n) => n.endsWith('.tmp'));
}

/** Leftovers of an interrupted write: temporary files, a journal, staging folders. */
function leftovers(pilot: string): string[] {
  return allPaths(pilot).filter((p) => /\.tmp$/.test(p) || /(^|\/)\.genai-assets\/(journal|update-)/.test(p));
}

describe('hardening: pilot update and add (binary conflicts, kill -9, concurrency)', function () {
  this.timeout(soak ? 0 : 240_000);
  let lib = '';
  let work = '';
  /** The pilot before the update (bulk 1.0.0, edited locally), and after a whole update to 1.1.0. */
  let oldPilot = '';
  let newSnap = new Map<string, string>();
  let oldSnap = new Map<string, string>();
  /** How long a whole update takes here (for kills at random points of it). */
  let updateMs = 1000;

  before(async () => {
    cliJs = await buildCli();
    lib = await makeLibrary();
    work = tempDir('work');
    oldPilot = await makePilot(lib, work, 'old');
    await moveBulk(lib, '1.1.0', 1);
    oldSnap = snapshot(oldPilot);
    const ref = path.join(work, 'reference');
    copyPilot(oldPilot, ref);
    const t0 = Date.now();
    const r = await cli(['update', ref], work);
    updateMs = Date.now() - t0;
    assert.equal(r.code, 1, `the reference update has conflicts: ${r.out}${r.err}`);
    newSnap = snapshot(ref);
    assert.equal(lockOf(ref).components.find((c) => c.id === 'bulk')?.version, '1.1.0');
  });
  after(cleanupTemp);

  describe('item 11: a binary conflict never overwrites a file of the pilot', () => {
    it('picks a free name for the library copy, says which (dry run too), and leaves the user files alone', async () => {
      const pilot = path.join(work, 'binary');
      copyPilot(oldPilot, pilot);
      const mine = path.join(pilot, 'lib/bulk/logo.bin.upstream');
      writeFileSync(mine, 'my notes, not the library copy\n');
      writeFileSync(`${mine}.1`, 'more of mine\n');
      const dry = await cli(['update', pilot, '--dry-run'], work);
      assert.equal(dry.code, 1, dry.out + dry.err);
      assert.match(dry.out, /lib\/bulk\/logo\.bin\.upstream\.2/, dry.out);
      assert.equal(readFileSync(mine, 'utf8'), 'my notes, not the library copy\n');
      assert.ok(!existsSync(`${mine}.2`), 'a dry run writes nothing');
      const r = await cli(['update', pilot], work);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.out, /lib\/bulk\/logo\.bin\.upstream\.2/, r.out);
      assert.equal(readFileSync(mine, 'utf8'), 'my notes, not the library copy\n');
      assert.equal(readFileSync(`${mine}.1`, 'utf8'), 'more of mine\n');
      assert.deepEqual(readFileSync(`${mine}.2`), logo(1));
      assert.deepEqual(readFileSync(path.join(pilot, 'lib/bulk/logo.bin')), logo(200));
    });
  });

  describe('item 12: update is atomic and never merges a conflicted file again', () => {
    it('refuses to merge files that still have conflict markers, and writes nothing', async () => {
      const lib2 = await makeLibrary();
      const parent = tempDir('p');
      const pilot = await makePilot(lib2, parent);
      await moveBulk(lib2, '1.1.0', 1);
      const first = await cli(['update', pilot], parent);
      assert.equal(first.code, 1, first.out + first.err);
      assert.match(readFileSync(path.join(pilot, 'lib/bulk/f00.txt'), 'utf8'), /^<<<<<<< /m);
      await moveBulk(lib2, '1.2.0', 2);
      const before = snapshot(pilot);
      const r = await cli(['update', pilot], parent);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /lib\/bulk\/f00\.txt/);
      assert.match(r.err, /conflict markers/i);
      assert.match(r.err, /resolve/i);
      assert.ok(sameSnapshot(before, snapshot(pilot)), diffSnapshot(before, snapshot(pilot)));
      for (let i = 0; i < conflicted; i++) assert.ok(!nestedMarkers(readFileSync(path.join(pilot, `lib/bulk/f${pad(i)}.txt`), 'utf8')));
    });

    it(`a kill -9 at any point leaves the old or the new state whole; the next command completes it (${killRounds} rounds)`, async () => {
      const pilot = path.join(work, 'killed');
      let sawWriting = 0;
      let midSwitch = 0;
      let sawOld = 0;
      let sawNew = 0;
      for (let round = 0; round < killRounds; round++) {
        copyPilot(oldPilot, pilot);
        const u = startCli(['update', pilot], work);
        let ended = false;
        void u.done.then(() => (ended = true));
        if (round % 2 === 0) {
          // Once the update starts writing (staging), or once its journal is written (switching), at once or a few milliseconds later.
          const journalOnly = round % 4 === 2;
          const extra = journalOnly ? Math.floor(Math.random() * 4) : 0;
          while (!ended && !writing(pilot, journalOnly)) await new Promise((r) => setImmediate(r));
          if (!ended) {
            sawWriting++;
            if (extra) await new Promise((r) => setTimeout(r, extra));
          }
        } else {
          // Anywhere in a run's time.
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * updateMs * 1.2)));
        }
        u.kill();
        await u.done;
        if (existsSync(path.join(pilot, '.genai-assets', 'journal.json'))) midSwitch++;
        if (round % 3 === 1) {
          // Kill the command that recovers, too.
          const v = startCli(['verify', pilot, '--format', 'json'], work);
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 600)));
          v.kill();
          await v.done;
        }
        const v = await cli(['verify', pilot, '--format', 'json'], work);
        assert.ok(v.code === 0 || v.code === 1, `round ${round}: verify: ${v.out}${v.err}`);
        const codes = new Set((JSON.parse(v.out) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code));
        for (const c of codes) assert.ok(['component-modified', 'component-outdated'].includes(c), `round ${round}: verify reports ${c}: ${v.out}`);
        const snap = snapshot(pilot);
        const isOld = sameSnapshot(snap, oldSnap);
        const isNew = sameSnapshot(snap, newSnap);
        assert.ok(isOld || isNew, `round ${round}: neither the old nor the new state:\n${diffSnapshot(snap, isOld ? oldSnap : newSnap)}\nvs new:\n${diffSnapshot(snap, newSnap)}`);
        if (isOld) sawOld++;
        else sawNew++;
        assert.deepEqual(leftovers(pilot), [], `round ${round}: leftovers`);
        const again = await cli(['update', pilot], work);
        assert.ok(again.code === 0 || again.code === 1, `round ${round}: rerun: ${again.out}${again.err}`);
        const after = snapshot(pilot);
        assert.ok(sameSnapshot(after, newSnap), `round ${round}: after the rerun:\n${diffSnapshot(after, newSnap)}`);
        assert.deepEqual(leftovers(pilot), [], `round ${round}: leftovers after the rerun`);
        for (const p of after.keys()) if (p.endsWith('.txt')) assert.ok(!nestedMarkers(readFileSync(path.join(pilot, p), 'utf8')), `round ${round}: nested markers in ${p}`);
      }
      // Not an assertion on timing: a note of what the rounds hit.
      if (soak) console.log(`kill rounds: ${killRounds}, writes seen ${sawWriting}, killed mid-switch ${midSwitch}, old state ${sawOld}, new state ${sawNew}`);
    });
  });

  describe('item 13: concurrent update and add', () => {
    it(`never lose the add (${raceRounds} rounds of real processes)`, async () => {
      const pilot = path.join(work, 'race');
      for (let round = 0; round < raceRounds; round++) {
        copyPilot(oldPilot, pilot);
        const u = startCli(['update', pilot], work);
        if (round % 2) await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
        const a = startCli(['add', pilot, 'extra'], work);
        const [ru, ra] = await Promise.all([u.done, a.done]);
        const busy = (r: Run) => /pilot is busy/i.test(r.err);
        assert.ok(ru.code === 1 || busy(ru), `round ${round}: update: ${ru.code} ${ru.out}${ru.err}`);
        assert.ok(ra.code === 0 || busy(ra), `round ${round}: add: ${ra.code} ${ra.out}${ra.err}`);
        const lock = lockOf(pilot);
        if (ra.code === 0) {
          const extra = lock.components.find((c) => c.id === 'extra');
          assert.ok(extra, `round ${round}: the lock lost \`extra\`: ${JSON.stringify(lock.components.map((c) => c.id))}`);
          assert.deepEqual(extra.files.map((f) => f.path).sort(), ['lib/extra/asset.yaml', 'lib/extra/e1.txt', 'lib/extra/e2.txt']);
          for (const f of extra.files) assert.equal(sha(readFileSync(path.join(pilot, f.path))), f.sha256, `round ${round}: ${f.path}`);
          assert.match(readFileSync(path.join(pilot, 'pilot.yaml'), 'utf8'), /- extra@/);
        }
        if (ru.code === 1) assert.equal(lock.components.find((c) => c.id === 'bulk')?.version, '1.1.0', `round ${round}`);
        assert.deepEqual(leftovers(pilot), [], `round ${round}: leftovers`);
        const v = await cli(['verify', pilot, '--format', 'json'], work);
        const codes = new Set((JSON.parse(v.out) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code));
        for (const c of codes) assert.ok(['component-modified'].includes(c), `round ${round}: verify reports ${c}: ${v.out}`);
      }
    });

    it("the editor's way (plan, ask, then write) takes the same lock and refuses a plan that another command made stale", async () => {
      const pilot = path.join(work, 'editor');
      copyPilot(oldPilot, pilot);
      const lib1 = await openFixture(lib);
      const plan = await planAdd({
        pilot: await loadPilot(nodeFileSystem, nodePathOps, pilot),
        catalog: lib1.catalog,
        source: lib1.source,
        commit: lib1.commit,
        refs: ['extra'],
        readPilotFile: pilotFileReader(pilot),
        pilotPathExists: async (p) => existsSync(path.join(pilot, p)),
      });
      lib1.history?.close();
      // While the user reads the confirmation, an update runs.
      const u = await cli(['update', pilot], work);
      assert.equal(u.code, 1, u.out + u.err);
      const afterUpdate = snapshot(pilot);
      await assert.rejects(writePilotChanges(pilot, plan), /changed since this change was planned.*Nothing was written/s);
      assert.ok(sameSnapshot(afterUpdate, snapshot(pilot)), diffSnapshot(afterUpdate, snapshot(pilot)));
      assert.equal(lockOf(pilot).components.find((c) => c.id === 'bulk')?.version, '1.1.0');
      assert.deepEqual(leftovers(pilot), []);
    });
  });

  describe('a journal is data, not instructions', () => {
    it('refuses to replay a journal that names a path through a link (a hostile pilot), and writes nothing outside', async () => {
      const pilot = path.join(work, 'hostile');
      copyPilot(oldPilot, pilot);
      const outside = tempDir('outside');
      symlinkSync(outside, path.join(pilot, 'escape'));
      const state = path.join(pilot, '.genai-assets');
      mkdirSync(path.join(state, 'update-x', 'new'), { recursive: true });
      writeFileSync(path.join(state, 'update-x', 'new', '0'), 'planted\n');
      writeFileSync(
        path.join(state, 'journal.json'),
        JSON.stringify({ version: 1, staging: 'update-x', lock: null, entries: [{ path: 'escape/planted.sh', op: 'write', before: null, after: sha('planted\n'), staged: 'new/0' }] }),
      );
      const v = await cli(['verify', pilot], work);
      assert.equal(v.code, 2, v.out + v.err);
      assert.match(v.err, /`escape` is a link/);
      assert.deepEqual(readdirSync(outside), []);
    });
  });
});
