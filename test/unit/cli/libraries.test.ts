// CLI libraries: genai-assets.yaml, the cache folder, --library DIR|URL, `sync` exit codes, offline list.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runList } from '../../../src/cli/commands/list';
import { runSync } from '../../../src/cli/commands/sync';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { cliLibraries, defaultCacheDir, readCliConfig } from '../../../src/cli/libraries';
import { openLibrary } from '../../../src/app/openLibrary';
import { UserError } from '../../../src/core/errors';
import { NodeGit } from '../../../src/node/git';
import { cleanupTemp, commitAll, git, GitDaemon, makeBare, makeRepo, tempDir, testGitEnv, writeFiles } from '../support/gitServer';
import { generateLibrary, promptAsset } from '../support/libraryGen';

interface TestIo extends CliIo {
  stdout: string;
  stderr: string;
}

function io(cwd: string, env: Record<string, string | undefined> = {}): TestIo {
  const t: TestIo = {
    stdout: '',
    stderr: '',
    out: (s) => void (t.stdout += s),
    err: (s) => void (t.stderr += s),
    cwd,
    env: { ...testGitEnv, ...env },
    color: false,
  };
  return t;
}

const testGit = new NodeGit({ env: testGitEnv, idleTimeoutMs: 3000, networkTimeoutMs: 15_000 });

describe('CLI libraries', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  describe('cache folder', () => {
    it('uses $GENAI_ASSETS_CACHE_DIR, else the platform user cache folder', () => {
      assert.equal(defaultCacheDir({ GENAI_ASSETS_CACHE_DIR: '/tmp/c' }, 'linux', '/home/u'), '/tmp/c');
      assert.equal(defaultCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/genai-assets');
      assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u'), '/x/cache/genai-assets');
      assert.equal(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/genai-assets');
      assert.equal(defaultCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/genai-assets');
      assert.equal(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Local\\genai-assets\\Cache');
    });
  });

  describe('genai-assets.yaml', () => {
    it('is optional, and read from the current folder or $GENAI_ASSETS_CONFIG', async () => {
      const dir = tempDir('cfg');
      assert.equal(await readCliConfig(dir, {}), undefined);
      writeFileSync(path.join(dir, 'genai-assets.yaml'), 'libraries:\n  - name: acme\n    url: https://example.com/acme/lib.git\n    ref: v1.2.0\n  - name: local\n    path: ./lib\n');
      const c = await readCliConfig(dir, {});
      assert.deepEqual(c?.libraries, [
        { name: 'acme', url: 'https://example.com/acme/lib.git', ref: 'v1.2.0' },
        { name: 'local', path: path.join(dir, 'lib') },
      ]);
      const other = tempDir('cfg2');
      writeFileSync(path.join(other, 'team.yaml'), 'libraries: []\n');
      assert.deepEqual((await readCliConfig(dir, { GENAI_ASSETS_CONFIG: path.join(other, 'team.yaml') }))?.libraries, []);
      await assert.rejects(readCliConfig(dir, { GENAI_ASSETS_CONFIG: 'nope.yaml' }), /GENAI_ASSETS_CONFIG names .*nope\.yaml, which does not exist/);
    });

    it('is checked against its schema, with file:line:column', async () => {
      const dir = tempDir('cfg');
      const file = path.join(dir, 'genai-assets.yaml');
      writeFileSync(file, 'libraries:\n  - name: acme\n    urll: https://example.com/x\n');
      await assert.rejects(readCliConfig(dir, {}), (e: unknown) => e instanceof UserError && e.message.includes(`${file}:3:5:`) && /urll/.test(e.message));
      writeFileSync(file, 'libraries:\n  - name: acme\n    url: 42\n');
      await assert.rejects(readCliConfig(dir, {}), (e: unknown) => e instanceof UserError && e.message.includes(`${file}:3:10:`));
      writeFileSync(file, 'libraries: [\n');
      await assert.rejects(readCliConfig(dir, {}), (e: unknown) => e instanceof UserError && e.message.includes(`${file}:`));
      writeFileSync(file, 'librarie: []\n');
      await assert.rejects(readCliConfig(dir, {}), UserError);
    });
  });

  describe('with a served library', () => {
    let daemon: GitDaemon;
    let work: string;
    let url: string;
    let base: string;
    beforeEach(async () => {
      work = tempDir('work');
      makeRepo(work, generateLibrary(3, { name: 'acme' }));
      base = tempDir('served');
      makeBare(work, path.join(base, 'lib.git'));
      daemon = await GitDaemon.start(base);
      url = daemon.url('lib.git');
    });
    afterEach(async () => daemon.stop());

    it('sync clones, then updates, and exits 0; a second sync is quiet about parsing', async () => {
      const t = io(tempDir('cwd'));
      const cacheDir = tempDir('cache');
      assert.equal(await runSync({ library: url }, t, { cacheDir, git: testGit }), 0, t.stderr);
      assert.match(t.stdout, /^git:\/\/127\.0\.0\.1:\d+\/lib\.git: cloned at [0-9a-f]{12} \(main\); 4 assets, \d+ files parsed, 0 from the index cache\.\n$/);
      writeFiles(work, promptAsset(1, 3));
      commitAll(work, 'Change one');
      git(work, 'push', '-q', url, 'HEAD:main');
      const t2 = io(t.cwd);
      assert.equal(await runSync({ library: url }, t2, { cacheDir, git: testGit }), 0, t2.stderr);
      assert.match(t2.stdout, /updated from [0-9a-f]{12} at [0-9a-f]{12} \(main\); 4 assets, 2 files parsed, \d+ from the index cache/);
    });

    it('sync of every configured library; folders need none', async () => {
      const cwd = tempDir('cwd');
      mkdirSync(path.join(cwd, 'lib'));
      writeFileSync(path.join(cwd, 'genai-assets.yaml'), `libraries:\n  - name: acme\n    url: ${url}\n  - name: local\n    path: lib\n`);
      const t = io(cwd);
      assert.equal(await runSync({}, t, { cacheDir: tempDir('cache'), git: testGit }), 0, t.stderr);
      assert.match(t.stdout, /^acme \(git:.*\): cloned at/m);
      assert.match(t.stdout, /^local: a folder, nothing to sync\.$/m);
      const none = io(tempDir('empty'));
      assert.equal(await runSync({}, none, { cacheDir: tempDir('cache') }), 2);
      assert.match(none.stderr, /Nothing to sync: give --library URL/);
    });

    it('exits 2 for a refused URL, running nothing', async () => {
      const cwd = tempDir('cwd');
      const marker = path.join(cwd, 'pwned');
      for (const library of [`ext::sh -c touch% ${marker}`, `--upload-pack=touch ${marker}`, `fd::3`]) {
        const t = io(cwd);
        assert.equal(await runSync({ library }, t, { cacheDir: tempDir('cache') }), 2);
        assert.match(t.stderr, /^error: --library: library URL .* refused/);
      }
      const t = io(cwd);
      assert.equal(await runSync({ library: url, ref: '--upload-pack=x' }, t, { cacheDir: tempDir('cache') }), 2);
      assert.match(t.stderr, /ref "--upload-pack=x" starts with '-'/);
      assert.equal(existsSync(marker), false);
      await assert.rejects(cliLibraries(`ext::sh -c touch% ${marker}`, {}, io(cwd)), /'ext::' transport/);
      assert.equal(existsSync(marker), false);
    });

    it('exits 2 for an unreachable remote and a failed clone', async () => {
      const cacheDir = tempDir('cache');
      const missing = io(tempDir('cwd'));
      assert.equal(await runSync({ library: daemon.url('missing.git') }, missing, { cacheDir, git: testGit }), 2);
      assert.match(missing.stderr, /error: git:\/\/.*missing\.git: .*Check the URL/);
      await daemon.stop();
      const t = io(tempDir('cwd'));
      assert.equal(await runSync({ library: url }, t, { cacheDir, git: testGit }), 2);
      assert.match(t.stderr, /error: git:\/\/127\.0\.0\.1:\d+\/lib\.git: Could not reach/);
      daemon = await GitDaemon.start(base, daemon.port);
    });

    it('--library URL clones on first use, reads the cache afterwards, and lists offline with a warning (exit 0)', async () => {
      const cacheDir = tempDir('cache');
      const cwd = tempDir('cwd');
      const first = await cliLibraries(url, { cacheDir, git: testGit }, io(cwd));
      assert.equal(first?.length, 1);
      assert.equal(first![0].catalog.library.name, 'acme');
      assert.ok(first![0].commit);
      await daemon.stop();
      // Offline: a plain list reads the cache without a word.
      const quiet = io(cwd);
      const cached = await cliLibraries(url, { cacheDir, git: testGit }, quiet);
      assert.equal(quiet.stderr, '');
      assert.equal(
        runList(
          cached!.map((o) => o.catalog),
          {},
          false,
          quiet,
        ),
        0,
      );
      assert.match(quiet.stdout, /p00002/);
      // --sync while offline: the cache, with a warning on stderr saying since when it is stale; still exit 0.
      const offline = io(cwd);
      const served = await cliLibraries(url, { cacheDir, sync: true, git: testGit }, offline);
      assert.equal(
        runList(
          served!.map((o) => o.catalog),
          {},
          false,
          offline,
        ),
        0,
      );
      assert.match(offline.stdout, /p00000/);
      assert.match(
        offline.stderr,
        /^warning: git:\/\/127\.0\.0\.1:\d+\/lib\.git: Could not reach .* Showing commit [0-9a-f]{12} from the last successful sync on .* \((just now|\d+ minutes? ago)\); it may be stale/,
      );
      // And after a failed `sync`, plain lists keep warning until a sync succeeds.
      const failed = io(cwd);
      assert.equal(await runSync({ library: url }, failed, { cacheDir, git: testGit }), 2);
      const later = io(cwd);
      await cliLibraries(url, { cacheDir, git: testGit }, later);
      assert.match(later.stderr, /^warning: .*the last successful sync on/);
      daemon = await GitDaemon.start(base, daemon.port);
    });

    it('sync and list --sync follow a rewritten history (exit 0, the new commit); with the server gone sync exits 2 with the reason', async () => {
      const cwd = tempDir('cwd');
      const env = { GENAI_ASSETS_CACHE_DIR: tempDir('cache') };
      const run = async (args: string[]): Promise<TestIo & { code: number }> => {
        const t = io(cwd, env);
        return Object.assign(t, { code: await main(args, t) });
      };
      const first = await run(['sync', '--library', url]);
      assert.equal(first.code, 0, first.stderr);
      const old = git(work, 'rev-parse', 'HEAD');
      // Re-created at the same URL: an unrelated root commit, force-pushed.
      const rewritten = tempDir('rewritten');
      const root = makeRepo(rewritten, generateLibrary(5, { name: 'acme' }), 'Re-created library');
      git(rewritten, 'push', '-q', '--force', url, 'HEAD:main');
      const synced = await run(['sync', '--library', url]);
      assert.equal(synced.code, 0, synced.stderr);
      assert.match(synced.stdout, new RegExp(`: updated from ${old.slice(0, 12)} at ${root.slice(0, 12)} \\(main\\); 6 assets`));
      assert.doesNotMatch(synced.stderr, /error|warning/);

      const third = tempDir('rewritten');
      const again = makeRepo(third, generateLibrary(2, { name: 'acme' }), 'Third history');
      git(third, 'push', '-q', '--force', url, 'HEAD:main');
      const listed = await run(['list', '--json', '--sync', '--library', url]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(listed.stderr, '');
      assert.deepEqual(
        (JSON.parse(listed.stdout) as { assets: { id: string }[] }).assets.map((a) => a.id),
        ['e00000', 'p00000', 'p00001'],
      );

      await daemon.stop();
      const down = await run(['sync', '--library', url]);
      assert.equal(down.code, 2);
      assert.match(down.stderr, /^error: git:\/\/127\.0\.0\.1:\d+\/lib\.git: Could not reach /);
      assert.equal(down.stdout, '');
      const offline = await run(['list', '--json', '--sync', '--library', url]);
      assert.equal(offline.code, 0, offline.stderr);
      assert.equal((JSON.parse(offline.stdout) as { assets: unknown[] }).assets.length, 3, 'the last good catalog');
      assert.match(offline.stderr, new RegExp(`^warning: .*Could not reach .*Showing commit ${again.slice(0, 12)} .*Run \`genai-assets sync\` when the remote is reachable\\.\n$`));
      daemon = await GitDaemon.start(base, daemon.port);
    });

    it('opens a folder as it is, and a URL given in genai-assets.yaml with its name', async () => {
      const cwd = tempDir('cwd');
      writeFiles(path.join(cwd, 'lib'), generateLibrary(2, { name: 'folder-lib' }));
      const folder = await openLibrary({ path: 'lib' }, { cacheDir: tempDir('cache'), sync: 'never', cwd });
      assert.equal(folder.catalog.library.name, 'folder-lib');
      assert.equal(folder.commit, undefined);
      assert.equal(folder.library.kind, 'folder');
      writeFileSync(path.join(cwd, 'genai-assets.yaml'), `libraries:\n  - name: acme\n    url: ${url}\n    ref: main\n`);
      const opened = await cliLibraries(undefined, { cacheDir: tempDir('cache'), git: testGit }, io(cwd));
      assert.equal(opened?.[0].library.kind, 'git');
      assert.equal(opened?.[0].catalog.assets.length, 4);
      assert.equal(await cliLibraries(undefined, {}, io(tempDir('empty'))), undefined);
    });
  });
});
