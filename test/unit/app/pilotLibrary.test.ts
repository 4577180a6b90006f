// The app layer's pilot and its library: the library a pilot records, where a new pilot records it, and the version a lock takes (HEAD only when every file is committed).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { libraryRepository, openFolder, openLibrary } from '../../../src/app/openLibrary';
import { openPilot, pilotLibraryOf, recordedLibrary, recordedLocation } from '../../../src/app/pilotLibrary';
import { catalogDigest } from '../../../src/core/scaffold/lockFile';
import type { LoadedPilot } from '../../../src/core/scaffold/pilotFile';
import { NodeGit } from '../../../src/node/git';
import { cleanupTemp, commitAll, git, makeBare, makeRepo, tempDir, testGitEnv, writeFiles } from '../support/gitServer';
import { assetFolder, generateLibrary } from '../support/libraryGen';
import { gitLibrary, newTarget, scaffoldWithCore } from '../support/pilotLibrary';

const testGit = new NodeGit({ env: testGitEnv, idleTimeoutMs: 3000, networkTimeoutMs: 15_000 });

/** The parts of a pilot that say which library it uses. */
function pilotAt(dir: string, library: { name?: string; url?: string; ref?: string }, lockUrl?: string): Pick<LoadedPilot, 'dir' | 'manifest'> & { lock?: LoadedPilot['lock'] } {
  return {
    dir,
    manifest: { library: { name: library.name ?? '', ...library } } as LoadedPilot['manifest'],
    lock: lockUrl === undefined ? undefined : ({ library: { url: lockUrl } } as LoadedPilot['lock']),
  };
}

describe('app/pilotLibrary', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  describe('the version of a folder library', () => {
    it('is HEAD when every file of the folder is committed, with the history of that repository', async () => {
      const dir = path.join(tempDir('lib'), 'library');
      const head = makeRepo(dir, generateLibrary(2, { name: 'committed' }));
      const opened = await openFolder(dir);
      const lib = await pilotLibraryOf(opened, testGit, { repository: await libraryRepository(testGit, dir) });
      try {
        assert.equal(lib.commit, head);
        assert.ok(lib.history);
        assert.deepEqual(await lib.history.commitsTouching(`${assetFolder(1)}/asset.yaml`, 5), [head]);
        assert.equal(lib.source, opened.source);
      } finally {
        lib.close();
      }
    });

    it('is the catalog digest when a file is not committed (new or untracked), or without a repository', async () => {
      const dir = path.join(tempDir('lib'), 'library');
      makeRepo(dir, generateLibrary(1, { name: 'edited' }));
      writeFiles(dir, { 'prompts/new/asset.yaml': 'id: new\nkind: prompt\nversion: 1.0.0\nstatus: draft\n' });
      const opened = await openFolder(dir);
      const lib = await pilotLibraryOf(opened, testGit, { repository: await libraryRepository(testGit, dir) });
      assert.equal(lib.commit, catalogDigest(opened.catalog));
      assert.match(lib.commit, /^sha256:[0-9a-f]{64}$/);
      assert.ok(lib.history, 'the history of the repository stays available');
      lib.close();
      const none = await pilotLibraryOf(opened, testGit);
      assert.equal(none.commit, catalogDigest(opened.catalog));
      assert.equal(none.history, undefined);
    });

    it('is HEAD for a library in a folder of a larger repository when its files are committed', async () => {
      const top = tempDir('repo');
      const files: Record<string, string> = { 'README.md': 'a repository with a library inside\n' };
      for (const [rel, text] of Object.entries(generateLibrary(1, { name: 'inner' }))) files[`libs/inner/${rel}`] = text;
      const head = makeRepo(top, files);
      const dir = path.join(top, 'libs', 'inner');
      const repository = await libraryRepository(testGit, dir);
      assert.deepEqual(repository, { dir: top, prefix: 'libs/inner' });
      const lib = await pilotLibraryOf(await openFolder(dir), testGit, { repository });
      assert.equal(lib.commit, head);
      lib.close();
    });
  });

  describe('a git library', () => {
    it('is at its commit, with the clone history; its own reader when asked', async () => {
      const { dir, commit } = gitLibrary('basic-library');
      const bare = path.join(tempDir('served'), 'lib.git');
      makeBare(dir, bare);
      const opened = await openLibrary({ url: `file://${bare}` }, { cacheDir: tempDir('cache'), sync: 'if-missing', git: testGit });
      const lib = await pilotLibraryOf(opened, testGit, { ownReader: true });
      try {
        assert.equal(lib.commit, commit);
        assert.notEqual(lib.source, opened.source);
        assert.ok((await lib.source.read('library.yaml')).length > 0);
        assert.ok(await lib.history!.at(commit));
      } finally {
        lib.close();
      }
    });
  });

  describe('the library a pilot records', () => {
    it("is pilot.yaml's url (else the lock's): a folder relative to the pilot, with pilot.yaml's name, or a git URL with its ref", () => {
      const dir = tempDir('pilot');
      assert.deepEqual(recordedLibrary(pilotAt(dir, { name: 'acme', url: '../lib' })), { kind: 'folder', name: 'acme', path: path.resolve(dir, '../lib') });
      assert.deepEqual(recordedLibrary(pilotAt(dir, { name: 'acme' }, '../from-lock')), { kind: 'folder', name: 'acme', path: path.resolve(dir, '../from-lock') });
      const gitSrc = recordedLibrary(pilotAt(dir, { name: 'acme', url: 'https://example.com/acme/lib.git', ref: 'v1' }));
      assert.equal(gitSrc?.kind, 'git');
      assert.equal(gitSrc?.kind === 'git' && gitSrc.ref, 'v1');
      assert.equal(gitSrc?.name, undefined, 'a git library keeps the name of its clone');
      assert.equal(recordedLibrary(pilotAt(dir, { name: 'acme' })), undefined);
      assert.throws(() => recordedLibrary(pilotAt(dir, { url: 'ext::sh -c touch% /tmp/x' })), /'ext::' transport/);
    });

    it('is recorded by a new pilot as the folder relative to it, or the git URL without credentials', async () => {
      const root = tempDir('ws');
      const libDir = path.join(root, 'library');
      writeFiles(libDir, generateLibrary(1, { name: 'ws' }));
      const folder = await openFolder(libDir);
      assert.deepEqual(await recordedLocation(folder, path.join(root, 'pilots', 'new-pilot')), { url: '../../library' });
      assert.deepEqual(await recordedLocation(folder, libDir), { url: '.' });
      const { dir } = gitLibrary('basic-library');
      const bare = path.join(tempDir('served'), 'lib.git');
      makeBare(dir, bare);
      const opened = await openLibrary({ url: `file://${bare}`, ref: 'main' }, { cacheDir: tempDir('cache'), sync: 'if-missing', git: testGit });
      assert.deepEqual(await recordedLocation(opened, root), { url: `file://${bare}`, ref: 'main' });
    });
  });

  describe('openPilot', () => {
    it('reads a pilot, and refuses a folder that is not one', async () => {
      const { dir } = gitLibrary('basic-library');
      const out = newTarget();
      await scaffoldWithCore(dir, out, { template: 'starter', with: ['greet'], set: { team: 'support' } });
      const pilot = await openPilot(out);
      assert.equal(pilot.dir, out);
      assert.equal(pilot.manifest.name, 'test-pilot');
      const empty = tempDir('notpilot');
      writeFileSync(path.join(empty, 'README.md'), 'no pilot here\n');
      await assert.rejects(openPilot(empty), /has no pilot\.yaml, so it is not a pilot/);
    });
  });

  it('a commit of the library advances the version of a committed folder', async () => {
    const dir = path.join(tempDir('lib'), 'library');
    makeRepo(dir, generateLibrary(1, { name: 'moving' }));
    writeFiles(dir, { 'README.md': 'more\n' });
    const next = commitAll(dir, 'More');
    const lib = await pilotLibraryOf(await openFolder(dir), testGit, { repository: await libraryRepository(testGit, dir) });
    assert.equal(lib.commit, next);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), next);
    lib.close();
  });
});
