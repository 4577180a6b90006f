// Git failing in the ways it does (real git): refused authentication over HTTPS, a stall mid-clone, a full disk, a cache that
// cannot be written, a clone deleted behind our back. The last good catalog stays, messages are clear, passwords never show.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { nodeCacheDeps } from '../../../src/app/openLibrary';
import { GitError, UserError } from '../../../src/core/errors';
import { openGitLibrary } from '../../../src/core/library/gitLibrary';
import { librarySource } from '../../../src/core/library/source';
import type { GitLibrarySource } from '../../../src/core/library/source';
import { cachePaths, readState, syncLibrary } from '../../../src/core/library/sync';
import type { LibraryCacheDeps } from '../../../src/core/library/sync';
import type { FileSystem } from '../../../src/core/ports';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { NodeGit } from '../../../src/node/git';
import { FileLocker } from '../../../src/node/lock';
import { cleanupTemp, commitAll, git, makeBare, makeRepo, tempDir, testGitEnv, writeFiles } from '../support/gitServer';
import { generateLibrary, promptAsset } from '../support/libraryGen';
import { haveOpenssl, HttpsGitServer } from './support/httpsGit';
import { fullStages } from '../../../src/core/checks/stages';

const engine = 'hardening-engine';
const password = 'S3cr3t-Pa55w0rd-d0-n0t-l0g';

interface Deps extends LibraryCacheDeps {
  logged: string[];
}

function deps(env: Record<string, string>, opts: { idleTimeoutMs?: number; fs?: FileSystem } = {}): Deps {
  const logged: string[] = [];
  const d = nodeCacheDeps({
    git: new NodeGit({ env, idleTimeoutMs: opts.idleTimeoutMs ?? 5000, networkTimeoutMs: 20_000, localTimeoutMs: 20_000 }),
    locker: new FileLocker({ staleMs: 5000 }),
    log: { info: (m) => void logged.push(m), warn: (m) => void logged.push(m), error: (m) => void logged.push(m) },
  });
  if (opts.fs) d.fs = opts.fs;
  return Object.assign(d, { logged });
}

function source(url: string, name?: string): GitLibrarySource {
  const s = librarySource({ url, name }, { resolvePath: (p) => p });
  assert.equal(s.kind, 'git');
  return s as GitLibrarySource;
}

async function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env, color: false };
  return { code: await main(args, io), out, err };
}

/** Every file under `dir`, concatenated (to look for a password written anywhere in the cache, the clone's own config aside). */
function cacheText(dir: string): string {
  let all = '';
  const walk = (d: string): void => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, name.name);
      if (name.isDirectory()) {
        if (name.name === 'repo' || /^(tmp|trash)-/.test(name.name)) continue;
        walk(p);
      } else if (name.isFile()) all += readFileSync(p, 'latin1');
    }
  };
  if (existsSync(dir)) walk(dir);
  return all;
}

function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^(tmp|trash)-/.test(n)) : [];
}

/** A work repository with a small library, and a bare copy under `base` (served by the tests' servers). */
function world(): { work: string; base: string; cacheDir: string } {
  const work = tempDir('work');
  makeRepo(work, generateLibrary(3));
  const base = tempDir('served');
  makeBare(work, path.join(base, 'lib.git'));
  return { work, base, cacheDir: tempDir('cache') };
}

function pushTo(work: string, bare: string, files: Record<string, string>, message: string): string {
  writeFiles(work, files);
  const c = commitAll(work, message);
  git(work, 'push', '-q', bare, 'HEAD:refs/heads/main');
  return c;
}

describe('hardening: git failures (real git)', function () {
  this.timeout(90_000);
  after(cleanupTemp);

  describe('over HTTPS (git http-backend behind a loopback TLS server)', function () {
    let server: HttpsGitServer;
    let w: ReturnType<typeof world>;
    let env: Record<string, string>;
    before(async function () {
      if (!haveOpenssl()) {
        // npm test installs openssl (scripts/prerequisites.mjs); a bare mocha run on a machine without it skips these cases.
        this.skip();
      }
      w = world();
      env = { ...testGitEnv, GIT_SSL_CAINFO: '' };
      server = await HttpsGitServer.start(w.base, testGitEnv);
      env.GIT_SSL_CAINFO = server.caFile;
    });
    after(async () => {
      await server?.stop();
    });

    it('authentication refused: a clear message without the password, the last good catalog stays, the next sync recovers', async () => {
      const url = server.url('lib.git', `ada:${password}`);
      const src = source(url, 'acme');
      const d = deps(env);
      server.mode = 'serve';
      const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
      assert.equal(good.commit, git(w.work, 'rev-parse', 'HEAD'));
      assert.ok(server.authorizations.length === 0 || server.authorizations.every((a) => a.startsWith('Basic ')));
      const pushed = pushTo(w.work, path.join(w.base, 'lib.git'), promptAsset(0, 5), 'After the password change');

      server.mode = 'refuse';
      await assert.rejects(syncLibrary(d, src, w.cacheDir), (e: unknown) => {
        assert.ok(e instanceof GitError && e.failure === 'auth', String(e));
        assert.match(e.message, /^Authentication to https:\/\/ada:\*\*\*@127\.0\.0\.1:\d+\/lib\.git failed \(.+\)\. git's credential helpers or ssh keys had no valid credentials for it; set them up/);
        assert.ok(!e.message.includes(password));
        return true;
      });
      // git did send the credentials of the URL (and the server refused them).
      assert.ok(server.authorizations.some((a) => Buffer.from(a.replace(/^Basic /, ''), 'base64').toString() === `ada:${password}`));
      const stale = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
      assert.equal(stale.commit, good.commit, 'the last good commit stays');
      assert.equal(stale.catalog.assets.length, good.catalog.assets.length);
      assert.match(stale.warnings.join('\n'), /^Library "acme" \(https:\/\/ada:\*\*\*@127\.0\.0\.1:\d+\/lib\.git\): Authentication to .* it may be stale/);

      // The command line says the same, on stderr, with no password either.
      const cliEnv = { ...env, GENAI_ASSETS_CACHE_DIR: w.cacheDir };
      const sync = await cli(['sync', '--library', url], cliEnv, w.work);
      assert.equal(sync.code, 2);
      assert.match(sync.err, /Authentication to https:\/\/ada:\*\*\*@127\.0\.0\.1/);
      const listed = await cli(['list', '--json', '--sync', '--library', url], cliEnv, w.work);
      assert.equal(listed.code, 0, listed.err);
      assert.match(listed.err, /warning: .*Authentication to .*it may be stale/);
      const shown = await cli(['show', 'p00000', '--sync', '--library', url], cliEnv, w.work);
      const texts = [sync.out, sync.err, listed.out, listed.err, shown.out, shown.err, ...d.logged, ...stale.warnings, cacheText(path.dirname(good.paths.repo))];
      for (const t of texts) assert.ok(!t.includes(password) && !t.includes(encodeURIComponent(password)), `the password shows in: ${t.slice(0, 300)}`);
      const state = await readState(d, good.paths);
      assert.equal(state?.lastError?.failure, 'auth');

      // A URL without credentials: git may not prompt, and says so.
      const anonymous = source(server.url('lib.git'));
      await assert.rejects(
        syncLibrary(d, anonymous, tempDir('cache')),
        (e: unknown) => e instanceof GitError && e.failure === 'auth' && /terminal prompts disabled|could not read Username/i.test(e.message),
      );

      server.mode = 'serve';
      const back = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
      assert.equal(back.commit, pushed);
      assert.deepEqual(back.warnings, []);
      assert.equal((await readState(d, good.paths))?.lastError, undefined);
    });

    it('a server that stalls mid-clone (refs sent, the pack never comes) is stopped; nothing is left; the next sync recovers', async () => {
      const src = source(server.url('lib.git'));
      const d = deps(env, { idleTimeoutMs: 1500 });
      const cacheDir = tempDir('cache');
      server.mode = 'stall-pack';
      const started = Date.now();
      await assert.rejects(openGitLibrary(d, src, { ...fullStages, cacheDir, sync: 'if-missing', engine }), (e: unknown) => {
        assert.ok(e instanceof GitError && e.failure === 'timeout', String(e));
        assert.match(e.message, /no answer for 2 s\. The host may be unreachable or stalled; check the network and try again\./);
        return true;
      });
      assert.ok(Date.now() - started < 30_000);
      const paths = cachePaths(d.path, cacheDir, src);
      assert.equal(existsSync(paths.repo), false);
      assert.deepEqual(leftovers(paths.dir), []);
      assert.ok(
        server.requests.some((r) => r.endsWith('/git-upload-pack')),
        'the clone got as far as asking for the pack',
      );

      server.mode = 'serve';
      const good = await openGitLibrary(d, src, { ...fullStages, cacheDir, sync: 'if-missing', engine });
      const pushed = pushTo(w.work, path.join(w.base, 'lib.git'), promptAsset(1, 6), 'Another');
      server.mode = 'stall-pack';
      await assert.rejects(syncLibrary(d, src, cacheDir), (e: unknown) => e instanceof GitError && e.failure === 'timeout');
      const stale = await openGitLibrary(d, src, { ...fullStages, cacheDir, sync: 'never', engine });
      assert.equal(stale.commit, good.commit);
      assert.match(stale.warnings[0] ?? '', /no answer for 2 s.*it may be stale/);
      server.mode = 'serve';
      assert.equal((await syncLibrary(d, src, cacheDir)).commit, pushed);
    });
  });

  it('a full disk while git writes into the cache: a clear message, the last good catalog stays, the next sync recovers', async function () {
    const w = world();
    const bare = path.join(w.base, 'lib.git');
    const src = source(`file://${bare}`);
    const good = await openGitLibrary(deps(testGitEnv), src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    // A large commit upstream, then git run with a file size limit: its writes fail as on a full disk.
    const big = Array.from({ length: 4000 }, (_, i) => `line ${i} ${Math.random().toString(36)}`).join('\n');
    const pushed = pushTo(w.work, bare, { 'prompts/p00000/notes.md': big }, 'Big notes');
    const shim = tempDir('shim');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(shim, 'git'), `#!/bin/sh\nulimit -f 8\nexec ${realGit} "$@"\n`);
    chmodSync(path.join(shim, 'git'), 0o755);
    const full = deps({ ...testGitEnv, PATH: `${shim}:${testGitEnv.PATH}` });
    await assert.rejects(syncLibrary(full, src, w.cacheDir), (e: unknown) => {
      assert.ok(e instanceof GitError && e.failure === 'disk-full', String(e));
      assert.match(e.message, /^git (fetch|merge|checkout) could not write into .*: the disk is full or a file size limit was reached \(.+\)\. Free some space, then sync again/);
      return true;
    });
    const stale = await openGitLibrary(full, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(stale.commit, good.commit);
    assert.equal(stale.catalog.assets.length, good.catalog.assets.length);
    assert.match(stale.warnings[0] ?? '', /it may be stale/);
    const back = await syncLibrary(deps(testGitEnv), src, w.cacheDir);
    assert.equal(back.commit, pushed);
    assert.equal(git(back.state.commit ? cachePaths(nodeCacheDeps().path, w.cacheDir, src).repo : '', 'rev-parse', 'HEAD'), pushed);
  });

  it('the cache cannot be written (ENOSPC from the file system): the last good catalog is still served, with the reason', async () => {
    const w = world();
    const bare = path.join(w.base, 'lib.git');
    const src = source(`file://${bare}`, 'acme');
    let failWrites = false;
    const failing: FileSystem = {
      ...nodeFileSystem,
      readFile: (p) => nodeFileSystem.readFile(p),
      readDir: (p) => nodeFileSystem.readDir(p),
      stat: (p) => nodeFileSystem.stat(p),
      realPath: (p) => nodeFileSystem.realPath(p),
      mkdir: (p) => nodeFileSystem.mkdir(p),
      rename: (a, b) => nodeFileSystem.rename(a, b),
      remove: (p) => nodeFileSystem.remove(p),
      writeFile: async (p, data) => {
        if (failWrites) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${p}'`), { code: 'ENOSPC' });
        return nodeFileSystem.writeFile(p, data);
      },
    };
    const d = deps(testGitEnv, { fs: failing });
    const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    pushTo(w.work, bare, promptAsset(2, 4), 'Upstream change');
    failWrites = true;
    await assert.rejects(syncLibrary(d, src, w.cacheDir), /ENOSPC/);
    const stale = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
    assert.equal(stale.commit, good.commit);
    assert.match(stale.warnings.join('\n'), /^Library "acme" .*ENOSPC: no space left on device.*Showing commit [0-9a-f]{12}/);
    // The index cache that cannot be saved is only a warning.
    rmSync(good.paths.index, { force: true });
    const again = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine });
    assert.equal(again.catalog.assets.length, good.catalog.assets.length);
    assert.match(d.logged.join('\n'), /Could not write the index cache .*ENOSPC/);
    failWrites = false;
    const back = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
    assert.equal(back.commit, git(w.work, 'rev-parse', 'HEAD'));
    assert.deepEqual(back.warnings, []);
  });

  it('a clone deleted behind our back: sync never says to sync; the next open clones it again', async () => {
    const w = world();
    const src = source(`file://${path.join(w.base, 'lib.git')}`);
    const d = deps(testGitEnv);
    const good = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    rmSync(good.paths.repo, { recursive: true, force: true });
    await assert.rejects(
      openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'never', engine }),
      (e: unknown) => e instanceof UserError && /is not in the cache yet\. Run `genai-assets sync --library file:/.test(e.message),
    );
    const again = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'if-missing', engine });
    assert.equal(again.commit, good.commit);
    assert.equal(again.sync?.cloned, true);
    assert.equal(again.catalog.assets.length, good.catalog.assets.length);
    // Only its objects gone (a half-deleted clone): the next sync clones it again.
    rmSync(path.join(again.paths.repo, '.git', 'objects'), { recursive: true, force: true });
    const repaired = await openGitLibrary(d, src, { ...fullStages, cacheDir: w.cacheDir, sync: 'always', engine });
    assert.equal(repaired.commit, good.commit);
    assert.equal(repaired.catalog.assets.length, good.catalog.assets.length);
  });
});
