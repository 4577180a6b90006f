// Git libraries end to end with real git: clone, sync, refs, offline, interruption, concurrency, caches, local work.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeCacheDeps } from '../../../../src/app/openLibrary';
import { GitError, UserError } from '../../../../src/core/errors';
import { librarySource } from '../../../../src/core/library/source';
import type { GitLibrarySource } from '../../../../src/core/library/source';
import { openGitLibrary } from '../../../../src/core/library/gitLibrary';
import { ageText, cachePaths, readState, syncLibrary } from '../../../../src/core/library/sync';
import type { LibraryCacheDeps } from '../../../../src/core/library/sync';
import { NodeGit } from '../../../../src/node/git';
import { FileLocker } from '../../../../src/node/lock';
import { cleanupTemp, commitAll, git, GitDaemon, killGroup, makeBare, makeRepo, StallServer, tempDir, testGitEnv, waitFor, writeFiles } from '../../support/gitServer';
import { assetFolder, generateLibrary, promptAsset } from '../../support/libraryGen';
import { fullStages } from '../../../../src/core/checks/stages';

const engine = 'test-engine';
const childScript = path.resolve(__dirname, '../../support/syncChild.ts');

interface World {
  work: string;
  base: string;
  daemon: GitDaemon;
  url: string;
  cacheDir: string;
}

function deps(opts: { idleTimeoutMs?: number } = {}): LibraryCacheDeps & { warnings: string[] } {
  const warnings: string[] = [];
  const d = nodeCacheDeps({
    git: new NodeGit({ env: testGitEnv, idleTimeoutMs: opts.idleTimeoutMs ?? 3000, networkTimeoutMs: 15_000, localTimeoutMs: 15_000 }),
    locker: new FileLocker({ staleMs: 5000 }),
    log: { info() {}, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) },
  });
  return Object.assign(d, { warnings });
}

function gitSrc(url: string, ref?: string, name?: string): GitLibrarySource {
  const s = librarySource({ url, ref, name }, { resolvePath: (p) => p });
  assert.equal(s.kind, 'git');
  return s as GitLibrarySource;
}

/** A library of `n` assets in a work repository, pushed to a bare repository served by git daemon. */
async function world(n = 5, opts: { allowFilter?: boolean } = {}): Promise<World> {
  const work = tempDir('work');
  makeRepo(work, generateLibrary(n));
  const base = tempDir('served');
  makeBare(work, path.join(base, 'lib.git'), opts);
  const daemon = await GitDaemon.start(base);
  return { work, base, daemon, url: daemon.url('lib.git'), cacheDir: tempDir('cache') };
}

function push(w: World, files: Record<string, string>, message: string): string {
  writeFiles(w.work, files);
  const c = commitAll(w.work, message);
  git(w.work, 'push', '-q', w.url, 'HEAD:refs/heads/main');
  return c;
}

function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^(tmp|trash)-/.test(n)) : [];
}

interface ChildResult {
  ok: boolean;
  cloned?: boolean;
  lockedAt?: number;
  releasedAt?: number;
  failure?: string;
}

function runChild(url: string, cacheDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, url, cacheDir], { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...testGitEnv } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<ChildResult>((resolve) => child.once('exit', () => resolve(out ? (JSON.parse(out.trim()) as ChildResult) : { ok: false, failure: 'no output' })));
  return { child, done };
}

describe('ageText', () => {
  it('is never finer than a minute, so a text refreshed every minute is never more than a minute off', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const ago = (s: number) => ageText(new Date(now.getTime() - s * 1000).toISOString(), now);
    assert.deepEqual([0, 7, 44, 45, 89, 90, 150, 5399, 5400, 129599, 129600].map(ago), [
      'just now',
      'just now',
      'just now',
      '1 minute ago',
      '1 minute ago',
      '2 minutes ago',
      '3 minutes ago',
      '90 minutes ago',
      '2 hours ago',
      '36 hours ago',
      '2 days ago',
    ]);
    assert.equal(ageText(undefined, now), 'at an unknown time');
  });
});

describe('git libraries (real git, git daemon on loopback)', function () {
  this.timeout(30_000);
  const daemons: GitDaemon[] = [];
  const stalls: StallServer[] = [];
  afterEach(async () => {
    await Promise.all(stalls.splice(0).map((s) => s.stop().catch(() => undefined)));
    await Promise.all(daemons.splice(0).map((d) => d.stop().catch(() => undefined)));
  });
  after(cleanupTemp);
  const track = (w: World): World => (daemons.push(w.daemon), w);

  it('clones on first use (partial clone), lists the catalog with provenance, and re-parses nothing the second time', async () => {
    const w = track(await world(5));
    const head = git(w.work, 'rev-parse', 'HEAD');
    const d = deps();
    const src = gitSrc(w.url);
    const parsed: string[] = [];
    const first = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine, onParse: (p) => parsed.push(p) });
    assert.equal(first.commit, head);
    assert.equal(first.sync?.cloned, true);
    assert.equal(first.catalog.commit, head);
    assert.equal(first.catalog.assets.filter((a) => a.kind === 'prompt').length, 5);
    assert.equal(first.catalog.assets.filter((a) => a.kind === 'eval').length, 1);
    assert.ok(first.catalog.assets.every((a) => a.commit === head));
    assert.equal(first.catalog.library.name, 'generated');
    assert.deepEqual(first.warnings, []);
    assert.ok(parsed.length >= 11, `parsed ${parsed.length}`);
    const paths = cachePaths(d.path, w.cacheDir, src);
    assert.equal(first.catalog.root, paths.repo);
    assert.equal(git(paths.repo, 'config', 'remote.origin.partialclonefilter'), 'blob:none');
    assert.equal(readFileSync(path.join(paths.repo, assetFolder(0), 'asset.yaml'), 'utf8').includes('kind: prompt'), true, 'files are checked out');
    assert.deepEqual(leftovers(paths.dir), []);
    assert.equal(existsSync(paths.lock), false);
    const state = await readState(d, paths);
    assert.equal(state?.commit, head);
    assert.equal(state?.branch, 'main');

    const again: string[] = [];
    const second = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine, onParse: (p) => again.push(p) });
    assert.deepEqual(again, []);
    assert.equal(second.cache.misses, 0);
    assert.equal(second.cache.hits, parsed.length);
    assert.equal(second.sync, undefined, 'no network when the cache is good');
    assert.deepEqual(
      second.catalog.assets.map((a) => [a.id, a.version, a.problems]),
      first.catalog.assets.map((a) => [a.id, a.version, a.problems]),
    );
    // The git source reads the commit's blobs, not the work tree.
    assert.equal(new TextDecoder().decode(await second.source.read('library.yaml')).startsWith('name: generated'), true);
  });

  it('falls back to a full clone when the server does not allow filtering', async () => {
    const w = track(await world(2, { allowFilter: false }));
    const d = deps();
    const src = gitSrc(w.url);
    push(w, promptAsset(0, 1), 'Second version');
    const r = await syncLibrary(d, src, w.cacheDir);
    assert.equal(r.cloned, true);
    const repo = cachePaths(d.path, w.cacheDir, src).repo;
    const missing = git(repo, 'rev-list', '--objects', '--missing=print', '--all')
      .split('\n')
      .filter((l) => l.startsWith('?'));
    assert.deepEqual(missing, [], 'every object is there');
    // With filtering allowed, the old blobs stay on the server.
    git(path.join(w.base, 'lib.git'), 'config', 'uploadpack.allowFilter', 'true');
    const partial = cachePaths(d.path, tempDir('cache'), src);
    await syncLibrary(d, src, path.dirname(path.dirname(partial.repo)));
    const absent = git(partial.repo, 'rev-list', '--objects', '--missing=print', '--all')
      .split('\n')
      .filter((l) => l.startsWith('?'));
    assert.ok(absent.length >= 1, 'old blobs are not fetched');
  });

  it('sees a pushed commit after sync, re-parsing only the changed blobs (1% of the library)', async () => {
    const w = track(await world(100));
    const d = deps();
    const src = gitSrc(w.url);
    const initial = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    const before = initial.commit;
    const changed = push(w, promptAsset(42, 1), 'Revise p00042');
    const r = await syncLibrary(d, src, w.cacheDir);
    assert.deepEqual([r.cloned, r.changed, r.previous, r.commit], [false, true, before, changed]);
    const parsed: string[] = [];
    const after = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine, onParse: (p) => parsed.push(p) });
    assert.deepEqual(parsed.sort(), [`${assetFolder(42)}/asset.yaml`, `${assetFolder(42)}/p00042.prompt`]);
    assert.equal(after.cache.stores, 2);
    assert.ok(after.cache.hits >= 200);
    assert.equal(after.commit, changed);
    assert.equal(after.catalog.assets.find((a) => a.id === 'p00042')?.version, '1.0.1');
    assert.equal(after.catalog.assets.find((a) => a.id === 'p00041')?.version, '1.0.0');
    assert.ok(after.catalog.assets.every((a) => a.commit === changed));
    assert.equal(git(cachePaths(d.path, w.cacheDir, src).repo, 'rev-parse', 'HEAD'), changed, 'fast-forwarded');
    // Nothing new upstream: a sync changes nothing.
    const idle = await syncLibrary(d, src, w.cacheDir);
    assert.deepEqual([idle.changed, idle.commit], [false, changed]);
  });

  it('follows tags, pinned commits and branches, and names an unknown ref', async () => {
    const w = track(await world(2));
    const first = git(w.work, 'rev-parse', 'HEAD');
    git(w.work, 'tag', 'v1.0.0');
    git(w.work, 'push', '-q', w.url, 'v1.0.0');
    const second = push(w, promptAsset(0, 2), 'Second');
    git(w.work, 'checkout', '-q', '-b', 'feature');
    writeFiles(w.work, promptAsset(1, 5));
    const feature = commitAll(w.work, 'Feature work');
    git(w.work, 'push', '-q', w.url, 'feature');
    git(w.work, 'checkout', '-q', 'main');
    const d = deps();

    const tag = await openGitLibrary(d, gitSrc(w.url, 'v1.0.0'), { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    assert.equal(tag.commit, first);
    assert.equal(tag.catalog.assets.find((a) => a.id === 'p00000')?.version, '1.0.0');
    const pinned = await openGitLibrary(d, gitSrc(w.url, first.slice(0, 12)), { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    assert.equal(pinned.commit, first);
    const branch = await openGitLibrary(d, gitSrc(w.url, 'feature'), { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    assert.equal(branch.commit, feature);
    assert.equal(branch.catalog.assets.find((a) => a.id === 'p00001')?.version, '1.0.5');
    const main = await openGitLibrary(d, gitSrc(w.url), { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    assert.equal(main.commit, second);

    // New commits on main do not move a library pinned to the tag.
    push(w, promptAsset(0, 3), 'Third');
    const tagAgain = await syncLibrary(d, gitSrc(w.url, 'v1.0.0'), w.cacheDir);
    assert.deepEqual([tagAgain.commit, tagAgain.changed], [first, false]);

    await assert.rejects(
      syncLibrary(d, gitSrc(w.url, 'no-such-branch', 'acme'), w.cacheDir),
      (e: unknown) => e instanceof GitError && e.failure === 'ref-not-found' && /library "acme": ref "no-such-branch" is neither a branch, a tag nor a commit/.test(e.message),
    );
  });

  it('serves the last good catalog when the server is down, saying since when it is stale; nothing is deleted', async () => {
    const w = track(await world(3));
    const d = deps();
    const src = gitSrc(w.url, undefined, 'acme');
    await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    const paths = cachePaths(d.path, w.cacheDir, src);
    const before = readdirSync(paths.dir).sort();
    await w.daemon.stop();

    await assert.rejects(syncLibrary(d, src, w.cacheDir), (e: unknown) => e instanceof GitError && e.failure === 'unreachable' && /Could not reach git:\/\/127\.0\.0\.1/.test(e.message));
    const state = await readState(d, paths);
    assert.equal(state?.lastError?.failure, 'unreachable');
    assert.ok(state?.commit);

    for (const sync of ['always', 'never', 'if-missing'] as const) {
      const opened = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync, engine });
      assert.equal(opened.catalog.assets.filter((a) => a.kind === 'prompt').length, 3, sync);
      assert.equal(opened.warnings.length, 1, sync);
      assert.match(
        opened.warnings[0],
        /^Library "acme" \(git:\/\/127\.0\.0\.1:\d+\/lib\.git\): Could not reach .*Showing commit [0-9a-f]{12} from the last successful sync on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((just now|\d+ minutes? ago)\); it may be stale/,
      );
    }
    assert.deepEqual(readdirSync(paths.dir).sort(), before);

    // Back online: the warning goes away.
    const again = await GitDaemon.start(w.base, w.daemon.port);
    daemons.push(again);
    const opened = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
    assert.deepEqual(opened.warnings, []);
    assert.equal((await readState(d, paths))?.lastError, undefined);
  });

  it('fails a first clone from an unreachable server with a clear error and leaves nothing behind', async () => {
    const w = track(await world(1));
    await w.daemon.stop();
    const d = deps();
    const src = gitSrc(w.url);
    await assert.rejects(openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine }), (e: unknown) => e instanceof GitError && e.failure === 'unreachable');
    await assert.rejects(
      openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine }),
      (e: unknown) => e instanceof UserError && /is not in the cache yet\. Run `genai-assets sync --library git:/.test(e.message),
    );
    const paths = cachePaths(d.path, w.cacheDir, src);
    assert.equal(existsSync(paths.repo), false);
    assert.deepEqual(leftovers(paths.dir), []);
  });

  it('stops a sync against a stalled remote in time and keeps the previous state', async () => {
    const w = track(await world(2));
    const d = deps({ idleTimeoutMs: 1000 });
    const src = gitSrc(w.url);
    const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    await w.daemon.stop();
    const stall = await StallServer.start(w.daemon.port);
    stalls.push(stall);
    await assert.rejects(syncLibrary(d, src, w.cacheDir), (e: unknown) => e instanceof GitError && e.failure === 'timeout');
    const opened = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(opened.commit, good.commit);
    assert.match(opened.warnings[0] ?? '', /no answer for 1 s.*it may be stale/);
  });

  it('survives a sync killed mid-fetch and mid-clone: the previous state stays usable, the next sync recovers', async () => {
    const w = track(await world(2));
    const d = deps();
    const src = gitSrc(w.url);
    const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    const paths = cachePaths(d.path, w.cacheDir, src);
    const otherCache = tempDir('cache2');
    await w.daemon.stop();
    const stall = await StallServer.start(w.daemon.port);
    stalls.push(stall);

    // One sync killed while fetching into the existing clone, another during a first clone (another cache).
    const fetching = runChild(w.url, w.cacheDir);
    const cloning = runChild(w.url, otherCache);
    await waitFor(() => stall.connections >= 2, 15_000, 'both syncs to connect');
    assert.equal(existsSync(paths.lock), true);
    await Promise.all([killGroup(fetching.child), killGroup(cloning.child)]);
    const afterKill = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(afterKill.commit, good.commit);
    assert.equal(afterKill.catalog.assets.length, good.catalog.assets.length);
    assert.equal(existsSync(paths.lock), true, 'the killed process left its lock');
    const otherPaths = cachePaths(d.path, otherCache, src);
    assert.equal(existsSync(otherPaths.repo), false);
    assert.equal(leftovers(otherPaths.dir).length, 1, 'the interrupted clone left its temporary folder');
    await assert.rejects(openGitLibrary(d, src, { ...fullStages, cacheDir: otherCache, sync: 'never', engine }), /not in the cache yet/);

    // The server is back: both recover; the dead process's lock is taken over, temporary clones swept.
    await stall.stop();
    stalls.length = 0;
    const back = await GitDaemon.start(w.base, w.daemon.port);
    daemons.push(back);
    const pushed = push(w, promptAsset(1, 9), 'After the outage');
    const r1 = await syncLibrary(d, src, w.cacheDir, { lockTimeoutMs: 10_000 });
    assert.deepEqual([r1.commit, r1.cloned], [pushed, false]);
    const r2 = await syncLibrary(d, src, otherCache, { lockTimeoutMs: 10_000 });
    assert.deepEqual([r2.commit, r2.cloned], [pushed, true]);
    assert.deepEqual(leftovers(otherPaths.dir), []);
    assert.equal(existsSync(paths.lock), false);
  });

  it('serialises two concurrent syncs, in one process and in two processes', async () => {
    const w = track(await world(3));
    const d = deps();
    const src = gitSrc(w.url);
    const [a, b] = await Promise.all([syncLibrary(d, src, w.cacheDir), syncLibrary(d, src, w.cacheDir)]);
    assert.deepEqual([a.cloned, b.cloned].sort(), [false, true]);
    assert.ok(a.releasedAt <= b.lockedAt || b.releasedAt <= a.lockedAt, 'lock intervals do not overlap');

    const cache2 = tempDir('cache2');
    const p1 = runChild(w.url, cache2);
    const p2 = runChild(w.url, cache2);
    const [r1, r2] = await Promise.all([p1.done, p2.done]);
    assert.ok(r1.ok && r2.ok, JSON.stringify([r1, r2]));
    assert.deepEqual([r1.cloned, r2.cloned].sort(), [false, true]);
    assert.ok(r1.releasedAt! <= r2.lockedAt! || r2.releasedAt! <= r1.lockedAt!, 'lock intervals do not overlap');
    const paths = cachePaths(d.path, cache2, src);
    assert.deepEqual(leftovers(paths.dir), []);
    assert.equal(existsSync(paths.lock), false);
    const opened = await openGitLibrary(d, src, { ...fullStages, cacheDir: cache2, sync: 'never', engine });
    assert.equal(opened.commit, git(w.work, 'rev-parse', 'HEAD'));
  });

  it('rebuilds a corrupted index cache and a lost state file instead of trusting them', async () => {
    const w = track(await world(4));
    const d = deps();
    const src = gitSrc(w.url);
    const first = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    const paths = cachePaths(d.path, w.cacheDir, src);
    const text = readFileSync(paths.index, 'utf8');
    writeFileSync(paths.index, text.replace('"version":"1.0.0"', '"version":"6.6.6"'));
    const parsed: string[] = [];
    const rebuilt = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine, onParse: (p) => parsed.push(p) });
    assert.equal(rebuilt.cache.status, 'rebuilt');
    assert.equal(parsed.length, first.cache.stores);
    assert.deepEqual(
      rebuilt.catalog.assets.map((a) => a.version),
      first.catalog.assets.map((a) => a.version),
    );
    assert.match(d.warnings.join('\n'), /checksum mismatch/);
    const clean = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(clean.cache.status, 'loaded');
    assert.equal(clean.cache.misses, 0);

    writeFileSync(paths.state, '{ not json');
    const fromClone = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(fromClone.commit, first.commit);
    assert.equal((await readState(d, paths))?.commit, first.commit);
  });

  it('re-clones a broken clone atomically', async () => {
    const w = track(await world(2));
    const d = deps();
    const src = gitSrc(w.url);
    await syncLibrary(d, src, w.cacheDir);
    const paths = cachePaths(d.path, w.cacheDir, src);
    rmSync(path.join(paths.repo, '.git', 'HEAD'));
    const r = await syncLibrary(d, src, w.cacheDir);
    assert.equal(r.cloned, true);
    assert.equal(git(paths.repo, 'rev-parse', 'HEAD'), r.commit);
    assert.deepEqual(leftovers(paths.dir), []);
  });

  it('follows a remote whose history was rewritten (an unrelated root force-pushed): the clone, the catalog and the state move to it', async () => {
    const w = track(await world(3));
    const d = deps();
    const src = gitSrc(w.url, undefined, 'acme');
    const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine, level: 'catalog' });
    assert.equal(good.catalog.assets.filter((a) => a.kind === 'prompt').length, 3);
    const paths = cachePaths(d.path, w.cacheDir, src);

    // The library is re-created at the same URL: a new root commit, force-pushed to main.
    const rewritten = tempDir('rewritten');
    const root = makeRepo(rewritten, generateLibrary(5, { name: 'recreated' }), 'Re-created library');
    git(rewritten, 'push', '-q', '--force', w.url, 'HEAD:refs/heads/main');

    const r = await syncLibrary(d, src, w.cacheDir);
    assert.deepEqual([r.commit, r.previous, r.changed, r.cloned], [root, good.commit, true, false]);
    assert.equal(git(paths.repo, 'rev-parse', 'HEAD'), root, 'the clone follows the new history');
    assert.equal(git(paths.repo, 'symbolic-ref', 'HEAD'), 'refs/heads/main');
    const state = await readState(d, paths);
    assert.deepEqual([state?.commit, state?.lastError, state?.pending], [root, undefined, undefined]);
    const opened = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine, level: 'catalog' });
    assert.deepEqual(opened.warnings, []);
    assert.equal(opened.commit, root);
    assert.equal(opened.catalog.library.name, 'recreated');
    assert.equal(opened.catalog.assets.filter((a) => a.kind === 'prompt').length, 5);
    assert.ok(opened.catalog.assets.every((a) => a.commit === root));

    // Rewritten again, through a sync-first open (what the extension's Sync and the CLI's --sync do).
    const third = tempDir('rewritten');
    const again = makeRepo(third, generateLibrary(2, { name: 'third' }), 'Third history');
    git(third, 'push', '-q', '--force', w.url, 'HEAD:refs/heads/main');
    const synced = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine, level: 'catalog' });
    assert.deepEqual(synced.warnings, []);
    assert.deepEqual([synced.commit, synced.sync?.commit, synced.catalog.library.name], [again, again, 'third']);
    assert.equal(synced.catalog.assets.filter((a) => a.kind === 'prompt').length, 2);
  });

  it('treats the cache as a mirror: local commits and edits in the clone give way to the remote', async () => {
    const w = track(await world(2));
    const d = deps();
    const src = gitSrc(w.url);
    await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    const repo = cachePaths(d.path, w.cacheDir, src).repo;
    const edited = path.join(repo, assetFolder(0), 'asset.yaml');
    writeFileSync(edited, 'an edit in the cache\n');
    const pushed = push(w, promptAsset(0, 4), 'Upstream change to the same file');
    const r = await syncLibrary(d, src, w.cacheDir);
    assert.equal(r.commit, pushed);
    assert.match(readFileSync(edited, 'utf8'), /version: 1\.0\.4/);

    git(repo, 'commit', '-q', '--allow-empty', '-m', 'A commit made in the cache');
    const next = push(w, promptAsset(1, 7), 'Upstream again');
    const r2 = await syncLibrary(d, src, w.cacheDir);
    assert.equal(r2.commit, next);
    assert.equal(git(repo, 'rev-parse', 'HEAD'), next);
    const opened = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.deepEqual(opened.warnings, []);
    assert.equal(opened.catalog.assets.find((a) => a.id === 'p00001')?.version, '1.0.7');
  });

  it('a sync that really fails (server gone) after a rewrite is a failure with its reason; the last good catalog stays, the advice fits the reason', async () => {
    const w = track(await world(3));
    const d = deps();
    const src = gitSrc(w.url, undefined, 'acme');
    await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    const rewritten = tempDir('rewritten');
    const root = makeRepo(rewritten, generateLibrary(4, { name: 'recreated' }), 'Re-created library');
    git(rewritten, 'push', '-q', '--force', w.url, 'HEAD:refs/heads/main');
    const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
    assert.equal(good.commit, root);
    await w.daemon.stop();

    await assert.rejects(syncLibrary(d, src, w.cacheDir), (e: unknown) => e instanceof GitError && e.failure === 'unreachable' && /Could not reach git:\/\/127\.0\.0\.1/.test(e.message));
    const stale = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
    assert.equal(stale.commit, root, 'the last good commit stays');
    assert.equal(stale.catalog.library.name, 'recreated');
    assert.equal(stale.catalog.assets.filter((a) => a.kind === 'prompt').length, 4);
    assert.equal(stale.warnings.length, 1);
    assert.match(stale.warnings[0], /^Library "acme" \(git:.*\): Could not reach .*Showing commit [0-9a-f]{12} .*it may be stale\. Run `genai-assets sync` when the remote is reachable\.$/);
    // A failure that is not the network's does not tell the user to wait for the network.
    const paths = cachePaths(d.path, w.cacheDir, src);
    const state = JSON.parse(readFileSync(paths.state, 'utf8'));
    writeFileSync(paths.state, JSON.stringify({ ...state, lastError: { failure: 'auth', message: 'Authentication to the remote failed.', at: state.lastError.at } }));
    const auth = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(auth.warnings.length, 1);
    assert.doesNotMatch(auth.warnings[0], /reachable/);
    assert.match(auth.warnings[0], /Authentication to the remote failed\. Showing commit .*Run `genai-assets sync` again once that is fixed\.$/);
  });

  it('repairs a work tree left half-moved by an interrupted sync', async () => {
    const w = track(await world(2));
    const d = deps();
    const src = gitSrc(w.url);
    await syncLibrary(d, src, w.cacheDir);
    const paths = cachePaths(d.path, w.cacheDir, src);
    const state = JSON.parse(readFileSync(paths.state, 'utf8'));
    writeFileSync(paths.state, JSON.stringify({ ...state, pending: { target: state.commit, at: new Date().toISOString() } }));
    writeFileSync(path.join(paths.repo, '.git', 'index.lock'), '');
    writeFileSync(path.join(paths.repo, assetFolder(0), 'asset.yaml'), 'half written');
    const pushed = push(w, promptAsset(0, 8), 'Next');
    const r = await syncLibrary(d, src, w.cacheDir);
    assert.equal(r.commit, pushed);
    assert.match(readFileSync(path.join(paths.repo, assetFolder(0), 'asset.yaml'), 'utf8'), /version: 1\.0\.8/);
    assert.equal((await readState(d, paths))?.pending, undefined);
    assert.match(d.warnings.join('\n'), /interrupted while moving/);
  });

  it('reports links that leave the library and reads links inside it (file: URL)', async () => {
    const work = tempDir('work');
    makeRepo(work, { 'library.yaml': 'name: links\n', 'shared/base.prompt': '---\nmodel: openai/gpt-4o-mini\n---\nHello\n' });
    symlinkSync('shared/base.prompt', path.join(work, 'inside.prompt'));
    symlinkSync('../../../etc/passwd', path.join(work, 'shared', 'escape.prompt'));
    const head = commitAll(work, 'Links');
    const d = deps();
    const opened = await openGitLibrary(d, gitSrc(`file://${work}`), { ...fullStages, cacheDir: tempDir('cache'), sync: 'if-missing', engine });
    assert.equal(opened.commit, head);
    const escapes = opened.catalog.diagnostics.filter((x) => x.code === 'path-escape').map((x) => x.file);
    assert.deepEqual(escapes, ['shared/escape.prompt']);
    assert.ok(opened.catalog.files.get('inside.prompt'), 'a link inside the library is read as its target');
    assert.equal(opened.catalog.files.get('inside.prompt')?.sha256, opened.catalog.files.get('shared/base.prompt')?.sha256);
  });
});
