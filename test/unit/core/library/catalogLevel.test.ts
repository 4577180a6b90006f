// The catalog level (what `list` reads): same assets as a full load, its compact index cache, the per-commit snapshot, and re-parsing only changed blobs.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeCacheDeps } from '../../../../src/app/openLibrary';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { formatOfPath, isYamlPath } from '../../../../src/core/formats/detect';
import { catalogCodec } from '../../../../src/core/library/catalogCodec';
import { loadCatalogSnapshot, saveCatalogSnapshot } from '../../../../src/core/library/catalogSnapshot';
import { openGitLibrary } from '../../../../src/core/library/gitLibrary';
import type { CatalogLevel } from '../../../../src/core/library/load';
import { librarySource } from '../../../../src/core/library/source';
import type { GitLibrarySource } from '../../../../src/core/library/source';
import { cachePaths, syncLibrary } from '../../../../src/core/library/sync';
import type { Asset, Catalog } from '../../../../src/core/library/types';
import { NodeGit } from '../../../../src/node/git';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { ParsePool } from '../../../../src/node/parsePool';
import { assetFiles, changedAssets, generateBenchLibrary, idOf, onePercentChange } from '../../../bench/generate';
import { fixturesDir, sampleLibrary } from '../../paths';
import { cleanupTemp, commitAll, makeRepo, tempDir, testGitEnv, writeFiles } from '../../support/gitServer';
import { fullStages } from '../../../../src/core/checks/stages';

/** What the catalog says about an asset, positions and problem counts left out. */
function view(a: Asset): unknown {
  return {
    id: a.id,
    kind: a.kind,
    format: a.format,
    version: a.version,
    status: a.status,
    managed: a.managed,
    title: a.title,
    description: a.description,
    owners: a.owners,
    tags: a.tags,
    path: a.path,
    entry: a.entry,
    entryFile: a.entryFile,
    files: a.files,
    inputs: a.inputs.map((i) => [i.name, i.type, i.required, i.description, i.default]),
    model: a.model,
    references: a.references.map((r) => [r.field, r.ref]),
    manifest: a.manifest,
    replacedBy: a.replacedBy,
    approval: a.approval,
    parameters: a.parameters,
    layout: a.layout,
    commit: a.commit,
  };
}

function views(c: Catalog): unknown[] {
  return c.assets.map(view);
}

const deps = () => nodeCacheDeps({ git: new NodeGit({ env: testGitEnv, localTimeoutMs: 15_000, networkTimeoutMs: 15_000 }) });

function gitSrc(url: string): GitLibrarySource {
  return librarySource({ url }, { resolvePath: (p) => p }) as GitLibrarySource;
}

function folderOfAsset(i: number): string {
  return Object.keys(assetFiles(i))[0].split('/').slice(0, -1).join('/');
}

function rmFiles(root: string, files: string[]): void {
  for (const f of files) rmSync(path.join(root, f));
}

function editFile(root: string, file: string, edit: (text: string) => string): void {
  const abs = path.join(root, file);
  writeFileSync(abs, edit(readFileSync(abs, 'utf8')));
}

describe('the catalog level', function () {
  this.timeout(60_000);
  after(() => cleanupTemp());

  for (const [label, root] of [
    ['the sample library', sampleLibrary],
    ['the cross-asset problems fixture', path.join(fixturesDir, 'catalog', 'cross-asset-problems')],
  ] as const) {
    it(`builds the same assets as a full load from ${label}, with no diagnostics`, async () => {
      const full = await openFolderLibrary(root);
      const light = await openFolderLibrary(root, { level: 'catalog' });
      assert.deepEqual(views(light), views(full));
      assert.deepEqual(light.library, full.library);
      assert.equal(light.level, 'catalog');
      assert.deepEqual(light.diagnostics, []);
    });
  }

  it('builds the same assets as a full load from a generated library of every format (planted problems included)', async () => {
    const dir = tempDir('gen');
    writeFiles(dir, generateBenchLibrary(240));
    const full = await openFolderLibrary(dir);
    const light = await openFolderLibrary(dir, { level: 'catalog' });
    assert.equal(light.assets.length, 240);
    assert.deepEqual(views(light), views(full));
    assert.ok(full.diagnostics.length > 0, 'the full load finds the planted problems');
  });

  it('stores catalog-level files compactly and reads them back unchanged', () => {
    const files = { ...generateBenchLibrary(60) };
    for (const p of readdirSync(path.join(sampleLibrary, 'prompts'), { recursive: true })) {
      const rel = `prompts/${String(p).split(path.sep).join('/')}`;
      if (formatOfPath(rel) || isYamlPath(rel)) files[`sample/${rel}`] = readFileSync(path.join(sampleLibrary, 'prompts', String(p)), 'utf8');
    }
    let n = 0;
    for (const [rel, text] of Object.entries(files)) {
      if (!formatOfPath(rel) && !isYamlPath(rel)) continue;
      const f = parseFile(rel, new TextEncoder().encode(text), undefined, 'catalog');
      delete f.samples; // not part of the catalog, not stored
      assert.deepEqual(catalogCodec.decode(catalogCodec.encode(f), rel), f, rel);
      n++;
    }
    assert.ok(n > 100);
  });

  it('stores a catalog-level catalog whole and reads it back unchanged (snapshot)', async () => {
    const dir = tempDir('gen');
    writeFiles(dir, generateBenchLibrary(120));
    const fs = nodeCacheDeps().fs;
    const p = nodeCacheDeps().path;
    const normal = (c: Catalog) => JSON.parse(JSON.stringify(c.assets)) as unknown;
    for (const root of [sampleLibrary, dir, path.join(fixturesDir, 'catalog', 'cross-asset-problems')]) {
      const catalog = await openFolderLibrary(root, { level: 'catalog' });
      const file = path.join(tempDir('snap'), 'catalog.snapshot');
      const key = { engine: 'e', commit: 'c0ffee', fallbackName: 'lib' };
      for (const a of catalog.assets) a.commit = key.commit;
      await saveCatalogSnapshot(fs, p, file, catalog, key);
      const back = await loadCatalogSnapshot(fs, file, root, key);
      assert.ok(back, root);
      assert.deepEqual(normal(back.catalog), normal(catalog), root);
      assert.deepEqual(back.catalog.library, catalog.library);
      assert.equal(back.files, catalog.files.size);
      assert.equal(await loadCatalogSnapshot(fs, file, root, { ...key, commit: 'other' }), undefined);
      assert.equal(await loadCatalogSnapshot(fs, file, root, { ...key, engine: 'other' }), undefined);
      assert.equal(await loadCatalogSnapshot(fs, file, root, { ...key, fallbackName: 'other' }), undefined);
    }
  });

  describe('on a git library', () => {
    const n = 200;
    let work: string;
    let url: string;

    beforeEach(() => {
      work = tempDir('work');
      makeRepo(work, generateBenchLibrary(n));
      url = `file://${work}`;
    });

    async function open(cacheDir: string, level: CatalogLevel = 'catalog', engine = 'test-engine') {
      const parsed: string[] = [];
      const opened = await openGitLibrary(deps(), gitSrc(url), { ...fullStages, cacheDir, sync: 'if-missing', engine, level, onParse: (p) => parsed.push(p) });
      return { opened, parsed };
    }

    it("parses every blob once, serves the commit's snapshot next time, and re-parses only the blobs a commit changed", async () => {
      const cacheDir = tempDir('cache');
      const first = await open(cacheDir);
      assert.equal(first.opened.catalog.assets.length, n);
      assert.equal(first.opened.snapshot, undefined);
      const readable = Object.keys(generateBenchLibrary(n)).filter((p) => formatOfPath(p) || isYamlPath(p));
      assert.deepEqual(first.parsed.sort(), readable.sort(), 'each recognised file once; module sources and READMEs are not read');

      const second = await open(cacheDir);
      assert.equal(second.opened.snapshot, 'current');
      assert.deepEqual(second.parsed, []);
      assert.deepEqual(views(second.opened.catalog), views(first.opened.catalog));

      // A commit that changes 1% of the assets: only their blobs are parsed again.
      const changed = changedAssets(n);
      writeFiles(work, onePercentChange(n));
      const commit = commitAll(work, 'Change 1%');
      await syncLibrary(deps(), gitSrc(url), cacheDir);
      const third = await open(cacheDir);
      assert.equal(third.opened.snapshot, 'updated', "the previous commit's snapshot, with the changed assets read again");
      const expected = changed.flatMap((i) => Object.keys(assetFiles(i, 1)).filter((p) => formatOfPath(p) || isYamlPath(p)));
      assert.deepEqual(third.parsed.sort(), expected.sort());
      assert.equal(third.opened.commit, commit);
      const asset = third.opened.catalog.assets.find((a) => a.id === idOf(changed[0]))!;
      assert.match(asset.version, /\.1$/);
      assert.ok(third.opened.catalog.assets.every((a) => a.commit === commit));
      // The new commit's snapshot is written and used.
      const fourth = await open(cacheDir);
      assert.equal(fourth.opened.snapshot, 'current');
      assert.deepEqual(views(fourth.opened.catalog), views(third.opened.catalog));

      // The full level keeps its own index: it parses everything once, with positions and diagnostics.
      const full = await open(cacheDir, 'full');
      assert.equal(full.parsed.length > third.parsed.length, true);
      assert.deepEqual(views(full.opened.catalog), views(third.opened.catalog));
      assert.ok(full.opened.catalog.diagnostics.length > 0);
    });

    it("reads the commit, not local edits in the clone's work tree, also on worker threads; a current snapshot opens without git", async () => {
      const cacheDir = tempDir('cache');
      const plain = await open(cacheDir);
      const paths = cachePaths(deps().path, cacheDir, gitSrc(url));
      editFile(paths.repo, `${folderOfAsset(2)}/asset.yaml`, (t) => t.replace(/^title: .*$/m, 'title: Edited in the clone'));
      rmSync(paths.catalogSnapshot);
      const pool = new ParsePool({ threads: 1, startAfter: { catalog: 0 } });
      try {
        const pooled = await openGitLibrary(deps(), gitSrc(url), { ...fullStages, cacheDir, sync: 'if-missing', engine: 'test-engine', level: 'catalog', parser: pool });
        assert.ok(pool.counts.workers > 0, 'the worker read files itself');
        assert.deepEqual(views(pooled.catalog), views(plain.opened.catalog));
      } finally {
        await pool.close();
      }
      const calls: string[] = [];
      const d = deps();
      const counting = new Proxy(d.git, {
        get(target, key) {
          const v = Reflect.get(target, key) as unknown;
          return typeof v === 'function' ? (...args: unknown[]) => (calls.push(String(key)), (v as (...a: unknown[]) => unknown).apply(target, args)) : v;
        },
      });
      const warm = await openGitLibrary({ ...d, git: counting }, gitSrc(url), { cacheDir, sync: 'if-missing', engine: 'test-engine', level: 'catalog' });
      assert.equal(warm.snapshot, 'current');
      assert.deepEqual(calls, [], 'no git command for a current snapshot');
      assert.deepEqual(views(warm.catalog), views(plain.opened.catalog));
    });

    it("updates the previous commit's catalog to the same catalog a fresh read gives, for every kind of change", async () => {
      const cacheDir = tempDir('cache');
      await open(cacheDir);
      const sorted = (c: Catalog) => views(c).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
      const paths = cachePaths(deps().path, cacheDir, gitSrc(url));
      const key = { engine: 'test-engine', commit: '', fallbackName: gitSrc(url).folderName.replace(/-[0-9a-f]{16}$/, '') };
      /** Deltas in the snapshot after each step. */
      const deltas: number[] = [];
      const steps: { name: string; apply: () => void; update: boolean }[] = [
        { name: 'edit an entry file', apply: () => writeFiles(work, assetFiles(3, 2)), update: true },
        {
          name: 'add a file to an asset and a prompt outside every asset',
          apply: () => writeFiles(work, { [`${folderOfAsset(1)}/notes.md`]: 'notes\n', 'loose/summarise.prompt': '---\ninput:\n  schema:\n    text: string\n---\n{{text}}\n' }),
          update: true,
        },
        { name: 'delete a file of an asset and the loose prompt', apply: () => rmFiles(work, [`${folderOfAsset(1)}/notes.md`, 'loose/summarise.prompt']), update: true },
        { name: "rename an asset's id in its manifest", apply: () => editFile(work, `${folderOfAsset(5)}/asset.yaml`, (t) => t.replace(/^id: .*$/m, 'id: renamed-five')), update: true },
        { name: 'add an asset', apply: () => writeFiles(work, { 'extra/new-one/asset.yaml': 'id: new-one\nkind: module\nversion: 1.0.0\nstatus: draft\nowners: [a]\n' }), update: true },
        {
          name: 'add loose prompts, then an asset.yaml that takes them in',
          apply: () => writeFiles(work, { 'loose2/a.prompt': '---\nmodel: m\n---\nA\n', 'loose2/deeper/b.prompt.md': '# B\n' }),
          update: true,
        },
        {
          name: 'an asset.yaml that takes in loose prompts',
          apply: () => writeFiles(work, { 'loose2/asset.yaml': 'id: loose2\nkind: prompt\nversion: 1.0.0\nstatus: draft\nentry: a.prompt\n' }),
          update: true,
        },
        {
          name: 'an asset nested in another one',
          apply: () =>
            writeFiles(work, { [`${folderOfAsset(7)}/inner/asset.yaml`]: 'id: inner\nkind: module\nversion: 1.0.0\nstatus: draft\n', [`${folderOfAsset(7)}/inner/x.prompt`]: '---\n---\nx\n' }),
          update: true,
        },
        { name: 'remove the nested asset.yaml (its files go back to the outer asset)', apply: () => rmFiles(work, [`${folderOfAsset(7)}/inner/asset.yaml`]), update: true },
        { name: 'remove an asset.yaml (its prompts become loose)', apply: () => rmFiles(work, ['loose2/asset.yaml']), update: true },
        { name: 'delete a whole asset', apply: () => rmFiles(work, Object.keys(assetFiles(9))), update: true },
        { name: 'change library.yaml', apply: () => editFile(work, 'library.yaml', (t) => t.replace('name: bench', 'name: bench-renamed')), update: false },
      ];
      for (const step of steps) {
        step.apply();
        commitAll(work, step.name);
        await syncLibrary(deps(), gitSrc(url), cacheDir);
        const got = await open(cacheDir);
        assert.equal(got.opened.snapshot, step.update ? 'updated' : undefined, step.name);
        const fresh = await open(tempDir('fresh'));
        assert.deepEqual(sorted(got.opened.catalog), sorted(fresh.opened.catalog), step.name);
        assert.deepEqual(got.opened.catalog.library, fresh.opened.catalog.library, step.name);
        // The snapshot (its base and the deltas appended since) reads back as the same catalog.
        const again = await open(cacheDir);
        assert.equal(again.opened.snapshot, 'current', step.name);
        assert.deepEqual(views(again.opened.catalog), views(got.opened.catalog), step.name);
        deltas.push(again.opened.snapshot ? (await loadCatalogSnapshot(deps().fs, paths.catalogSnapshot, paths.repo, key, { anyCommit: true }))!.file.deltas : -1);
      }
      assert.deepEqual(deltas, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0], 'each update appended, the library.yaml change written whole');
    });

    it('appends each update to the snapshot as a delta; after successive commits and a torn append, the catalog is that of a fresh read', async () => {
      const cacheDir = tempDir('cache');
      await open(cacheDir);
      const paths = cachePaths(deps().path, cacheDir, gitSrc(url));
      const snapshotFile = async () =>
        (
          await loadCatalogSnapshot(
            deps().fs,
            paths.catalogSnapshot,
            paths.repo,
            { engine: 'test-engine', commit: '', fallbackName: gitSrc(url).folderName.replace(/-[0-9a-f]{16}$/, '') },
            { anyCommit: true },
          )
        )?.file;
      const sameAsFresh = async (c: Catalog, why: string) => {
        const fresh = await open(tempDir('fresh'));
        assert.deepEqual(views(c), views(fresh.opened.catalog), why);
        assert.deepEqual(c.library, fresh.opened.catalog.library, why);
      };
      const filesOf = (i: number, rev: number) => Object.keys(assetFiles(i, rev)).filter((p) => formatOfPath(p) || isYamlPath(p));
      for (let k = 1; k <= 3; k++) {
        writeFiles(work, assetFiles(10 * k, k));
        commitAll(work, `Revision ${k}`);
        await syncLibrary(deps(), gitSrc(url), cacheDir);
        const calls: string[] = [];
        const d = deps();
        const counting = new Proxy(d.git, {
          get(target, name) {
            const v = Reflect.get(target, name) as unknown;
            return typeof v === 'function' ? (...args: unknown[]) => (calls.push(String(name)), (v as (...a: unknown[]) => unknown).apply(target, args)) : v;
          },
        });
        const parsed: string[] = [];
        const opened = await openGitLibrary({ ...d, git: counting }, gitSrc(url), { cacheDir, sync: 'if-missing', engine: 'test-engine', level: 'catalog', onParse: (p) => parsed.push(p) });
        const updated = { opened, parsed };
        assert.equal(updated.opened.snapshot, 'updated');
        assert.deepEqual(updated.parsed.sort(), filesOf(10 * k, k).sort(), "the changed asset's files alone are parsed");
        assert.deepEqual(
          calls.filter((c) => c !== 'blobReader'),
          ['diffTree', 'lsTree'],
          'one diff (which also shows the commit is in the clone) and a partial listing',
        );
        assert.equal((await snapshotFile())?.deltas, k, 'the update is appended');
        await sameAsFresh(updated.opened.catalog, `after commit ${k}`);
        const again = await open(cacheDir);
        assert.equal(again.opened.snapshot, 'current');
        assert.deepEqual(again.parsed, []);
        await sameAsFresh(again.opened.catalog, `snapshot and deltas after commit ${k}`);
      }
      // A fourth commit whose append is torn (cut short): the snapshot reads as of the third, which is updated again.
      writeFiles(work, assetFiles(40, 4));
      commitAll(work, 'Revision 4');
      await syncLibrary(deps(), gitSrc(url), cacheDir);
      await open(cacheDir);
      assert.equal((await snapshotFile())?.deltas, 4);
      const bytes = readFileSync(paths.catalogSnapshot);
      writeFileSync(paths.catalogSnapshot, bytes.subarray(0, bytes.length - 7));
      assert.deepEqual(await snapshotFile(), { ...(await snapshotFile())!, deltas: 3, clean: false });
      const afterTear = await open(cacheDir);
      assert.equal(afterTear.opened.snapshot, 'updated', 'updated from the last good record');
      assert.deepEqual(afterTear.parsed.sort(), filesOf(40, 4).sort());
      await sameAsFresh(afterTear.opened.catalog, 'after a torn append');
      const rewritten = await snapshotFile();
      assert.equal(rewritten?.deltas, 0, 'written whole after an unclean read');
      assert.equal(rewritten?.clean, true);
      assert.equal(rewritten?.baseBytes, readFileSync(paths.catalogSnapshot).length);
      await sameAsFresh((await open(cacheDir)).opened.catalog, 'the rewritten snapshot');
    });

    it('does not trust a snapshot that does not check out: the library is read again, and a fresh snapshot is written', async () => {
      const cacheDir = tempDir('cache');
      const first = await open(cacheDir);
      const paths = cachePaths(deps().path, cacheDir, gitSrc(url));
      const bytes = readFileSync(paths.catalogSnapshot);
      const flipped = Buffer.from(bytes);
      const at = flipped.indexOf('"description"', flipped.indexOf(10)) + 20;
      flipped[at] = flipped[at] === 0x61 ? 0x62 : 0x61;
      writeFileSync(paths.catalogSnapshot, flipped);
      const afterFlip = await open(cacheDir);
      assert.equal(afterFlip.opened.snapshot, undefined, 'a corrupt snapshot is not used');
      assert.deepEqual(afterFlip.parsed.sort(), [...first.parsed].sort(), 'every file is read again');
      assert.equal(existsSync(paths.catalogIndex), false, 'no per-file cache is kept at the catalog level');
      assert.deepEqual(views(afterFlip.opened.catalog), views(first.opened.catalog));
      assert.deepEqual(readFileSync(paths.catalogSnapshot), bytes, 'the same snapshot is written again');

      const otherEngine = await open(cacheDir, 'catalog', 'another-engine');
      assert.equal(otherEngine.opened.snapshot, undefined);
      assert.equal(otherEngine.parsed.length, first.parsed.length, 'another engine build parses again');

      writeFileSync(paths.catalogSnapshot, bytes.subarray(0, bytes.length - 10));
      const truncated = await open(cacheDir, 'catalog', 'another-engine');
      assert.equal(truncated.opened.snapshot, undefined);
    });
  });
});
