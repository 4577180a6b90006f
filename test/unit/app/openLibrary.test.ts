// The app layer's opening of a library: a folder or a git URL as one OpenedLibrary, the configured name applied once, history, the repository of a folder, the engine stamp.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineStamp } from '../../../src/app/engineStamp';
import { libraryHistory, libraryRepository, openFolder, openLibrary, openedFolder } from '../../../src/app/openLibrary';
import { NodeGit } from '../../../src/node/git';
import { cleanupTemp, commitAll, git, makeBare, makeRepo, tempDir, testGitEnv, writeFiles } from '../support/gitServer';
import { assetFolder, generateLibrary, promptAsset } from '../support/libraryGen';

const testGit = new NodeGit({ env: testGitEnv, idleTimeoutMs: 3000, networkTimeoutMs: 15_000 });

/** A library of `n` prompts without library.yaml: its name comes from the configuration, else the folder. */
function unnamedLibrary(n: number): Record<string, string> {
  const files = generateLibrary(n);
  delete files['library.yaml'];
  return files;
}

/** A git library served from a bare repository by file: URL; returns the work folder and the URL. */
function servedLibrary(files: Record<string, string>): { work: string; url: string } {
  const work = path.join(tempDir('work'), 'lib');
  makeRepo(work, files);
  const bare = path.join(tempDir('served'), 'lib.git');
  makeBare(work, bare);
  return { work, url: `file://${bare}` };
}

describe('app/openLibrary', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  describe('a folder', () => {
    it('is read as it is: catalog, root, files and the source it was given', async () => {
      const cwd = tempDir('cwd');
      writeFiles(path.join(cwd, 'lib'), generateLibrary(2, { name: 'folder-lib' }));
      const opened = await openLibrary({ path: 'lib' }, { cacheDir: tempDir('cache'), sync: 'never', cwd });
      assert.equal(opened.catalog.library.name, 'folder-lib');
      assert.equal(opened.root, path.join(cwd, 'lib'));
      assert.equal(opened.commit, undefined);
      assert.equal(opened.git, undefined);
      assert.deepEqual(opened.library, { kind: 'folder', path: path.join(cwd, 'lib') });
      assert.deepEqual(opened.warnings, []);
      assert.ok((await opened.source.list()).some((f) => f.path === `${assetFolder(0)}/asset.yaml`));
    });

    it('takes the configured name when library.yaml gives none, and keeps the one library.yaml gives', async () => {
      const dir = tempDir('unnamed');
      writeFiles(dir, unnamedLibrary(1));
      const named = await openLibrary({ name: 'team-prompts', path: dir }, { cacheDir: tempDir('cache'), sync: 'never' });
      assert.equal(named.catalog.library.name, 'team-prompts');
      assert.equal(named.catalog.library.hasManifest, false);
      assert.equal(named.library.name, 'team-prompts');
      assert.equal((await openFolder(dir)).catalog.library.name, path.basename(dir), 'unnamed: the folder name');
      const own = tempDir('named');
      writeFiles(own, generateLibrary(1, { name: 'from-library-yaml' }));
      assert.equal((await openLibrary({ name: 'configured', path: own }, { cacheDir: tempDir('cache'), sync: 'never' })).catalog.library.name, 'from-library-yaml');
    });

    it('an already loaded catalog is opened as the same folder library', async () => {
      const dir = tempDir('loaded');
      writeFiles(dir, generateLibrary(1, { name: 'loaded' }));
      const { catalog } = await openFolder(dir);
      const opened = openedFolder(catalog);
      assert.equal(opened.catalog, catalog);
      assert.equal(opened.root, catalog.root);
      assert.deepEqual(opened.library, { kind: 'folder', path: catalog.root });
    });

    it('refuses a folder that does not exist, saying which', async () => {
      await assert.rejects(openLibrary({ path: '/no/such/library' }, { cacheDir: tempDir('cache'), sync: 'never' }), /Library folder \/no\/such\/library does not exist/);
    });
  });

  describe('a git URL', () => {
    it('is cloned on first use and read at its commit from the clone; a configured name applies when library.yaml gives none', async () => {
      const { work, url } = servedLibrary(unnamedLibrary(2));
      const cacheDir = tempDir('cache');
      const opened = await openLibrary({ name: 'acme', url }, { cacheDir, sync: 'if-missing', git: testGit });
      assert.equal(opened.library.kind, 'git');
      assert.equal(opened.commit, git(work, 'rev-parse', 'HEAD'));
      assert.equal(opened.root, opened.git!.paths.repo);
      assert.ok(opened.root.startsWith(cacheDir));
      assert.equal(opened.catalog.library.name, 'acme');
      assert.equal(opened.catalog.assets.length, 3, 'two prompts and an eval suite');
      assert.equal(opened.git!.state.commit, opened.commit);
      // Read again from the cache, without network: the same commit.
      const again = await openLibrary({ name: 'acme', url }, { cacheDir, sync: 'never', git: testGit });
      assert.equal(again.commit, opened.commit);
      assert.equal(again.git!.sync, undefined);
    });

    it('is not read from a cache that does not hold it when syncing is not allowed', async () => {
      const { url } = servedLibrary(generateLibrary(1));
      await assert.rejects(openLibrary({ url }, { cacheDir: tempDir('cache'), sync: 'never', git: testGit }), /is not in the cache yet\. Run `genai-assets sync --library/);
    });
  });

  describe('history', () => {
    it('of an asset of a git library: commit, author, date, subject; of a folder inside a work tree; none outside git', async () => {
      const { work, url } = servedLibrary(generateLibrary(3, { name: 'acme' }));
      writeFiles(work, promptAsset(2, 1));
      commitAll(work, 'Revise p00002');
      writeFiles(work, promptAsset(0, 1));
      commitAll(work, 'Revise p00000');
      git(work, 'push', '-q', url.replace('file://', ''), 'HEAD:main');
      const lib = await openLibrary({ url }, { cacheDir: tempDir('cache'), sync: 'if-missing', git: testGit });
      const asset = lib.catalog.assets.find((a) => a.id === 'p00002')!;
      assert.equal(asset.path, assetFolder(2));
      const history = await libraryHistory(lib, asset.path, { git: testGit });
      assert.deepEqual(
        history.map((h) => h.subject),
        ['Revise p00002', 'Initial library'],
      );
      assert.equal(history[0].author, 'Ada Author');
      assert.match(history[0].commit, /^[0-9a-f]{40}$/);
      assert.match(history[0].date, /^\d{4}-\d\d-\d\d/);
      const folderLib = await openLibrary({ path: work }, { cacheDir: tempDir('cache'), sync: 'never' });
      assert.deepEqual(
        (await libraryHistory(folderLib, assetFolder(0), { git: testGit })).map((h) => h.subject),
        ['Revise p00000', 'Initial library'],
      );
      const plain = tempDir('plain');
      writeFiles(plain, generateLibrary(1));
      assert.deepEqual(await libraryHistory(await openFolder(plain), assetFolder(0), { git: testGit }), []);
    });
  });

  describe('the repository of a folder library', () => {
    it('is the work tree around it, with the library folder inside it as prefix; none outside git', async () => {
      const top = tempDir('repo');
      makeRepo(top, { 'README.md': 'top\n' });
      const lib = path.join(top, 'libs', 'prompts');
      mkdirSync(lib, { recursive: true });
      assert.deepEqual(await libraryRepository(testGit, lib), { dir: top, prefix: 'libs/prompts' });
      assert.deepEqual(await libraryRepository(testGit, top), { dir: top, prefix: '' });
      const outside = tempDir('plain');
      writeFileSync(path.join(outside, 'library.yaml'), 'name: plain\n');
      assert.equal(await libraryRepository(testGit, outside), undefined);
    });
  });

  describe('engineStamp', () => {
    it('names the client (and version) and this build, the same on every call', () => {
      assert.match(engineStamp('cli'), /^cli:(\d+:\d+|unknown)$/);
      assert.match(engineStamp('vscode', '1.2.3'), /^vscode:1\.2\.3:(\d+:\d+|unknown)$/);
      assert.equal(engineStamp('cli'), engineStamp('cli'));
      assert.equal(engineStamp('cli').slice(4), engineStamp('vscode', '1.2.3').slice('vscode:1.2.3:'.length), 'one build, one stamp');
    });
  });
});
