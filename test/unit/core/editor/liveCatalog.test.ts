import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { filesAffectedBy, runCatalogChecks } from '../../../../src/core/checks/catalogChecks';
import type { Diagnostic } from '../../../../src/core/diagnostics';
import { LiveCatalog, parseForCatalog } from '../../../../src/core/editor/liveCatalog';
import { inThread } from '../../../../src/core/checks/fileChecks';
import { rebuildCatalogWith } from '../../../../src/core/library/catalogBuilder';
import { folderSource } from '../../../../src/core/library/fileSource';
import { loadCatalog } from '../../../../src/core/library/load';
import type { FileSource } from '../../../../src/core/library/fileSource';
import type { Catalog } from '../../../../src/core/library/types';
import { nodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir, sampleLibrary } from '../../paths';
import { generateBenchLibrary } from '../../../bench/generate';

const crossAsset = path.join(fixturesDir, 'catalog', 'cross-asset-problems');
const pilotLibrary = path.join(fixturesDir, 'pilot', 'basic-library');

/** A diagnostic as one comparable line (everything a user sees, fixes and related included). */
function key(d: Diagnostic): string {
  return JSON.stringify([d.file, d.code, d.severity, d.range, d.message, d.fixes ?? null, d.related ?? null]);
}
function keys(list: readonly Diagnostic[]): string[] {
  return list.map(key).sort();
}
/** The catalog's assets as comparable lines (what the catalog view and the checks read). */
function assetKeys(c: Catalog): string[] {
  return c.assets
    .map((a) =>
      JSON.stringify([
        a.id,
        a.kind,
        a.format,
        a.version,
        a.status,
        a.managed,
        a.title,
        a.description,
        a.owners,
        a.tags,
        a.path,
        a.entry,
        a.entryFile,
        a.files,
        a.inputs.map((i) => [i.name, i.type, i.required]),
        a.model,
        a.references.map((r) => [r.field, r.ref.raw, r.rangeInManifest]),
        a.replacedBy ?? null,
        a.approval ?? null,
        a.problems,
      ]),
    )
    .sort();
}

/** The folder's files with some texts replaced, as a FileSource (what loadCatalog would read after saving them). */
function overlaidSource(root: string, texts: Map<string, string>): FileSource {
  const inner = folderSource(nodeFileSystem, nodePathOps, root);
  return {
    list: () => inner.list(),
    read: async (p) => (texts.has(p) ? new TextEncoder().encode(texts.get(p)) : inner.read(p)),
  };
}

/** Edits that reach across files: renamed inputs, ids, versions, statuses, targets, models, and dropped lines. */
const mutations: { name: string; apply: (text: string, path: string) => string | undefined }[] = [
  { name: 'rename the first input', apply: (t) => renameFirstInput(t) },
  { name: 'bump the version', apply: (t) => (/^version: .*$/m.test(t) ? t.replace(/^version: .*$/m, 'version: 9.0.0') : undefined) },
  { name: 'deprecate', apply: (t) => (/^status: approved$/m.test(t) ? t.replace(/^status: approved$/m, 'status: deprecated') : undefined) },
  { name: 'approve', apply: (t) => (/^status: (draft|review)$/m.test(t) ? t.replace(/^status: (draft|review)$/m, 'status: approved') : undefined) },
  { name: 'rename the id', apply: (t, p) => (p.endsWith('asset.yaml') ? (/^id: /m.test(t) ? t.replace(/^id: (.*)$/m, 'id: $1-renamed') : `id: renamed-${p.split('/')[0]}\n${t}`) : undefined) },
  { name: 'retarget', apply: (t) => (/^ {2}- [a-z0-9-]+@/m.test(t) ? t.replace(/^( {2}- )([a-z0-9-]+)@\S+/m, '$1$2@^7.0') : undefined) },
  {
    name: 'drop the third line',
    apply: (t) =>
      t
        .split('\n')
        .filter((_l, i) => i !== 2)
        .join('\n'),
  },
  { name: 'use an undeclared variable', apply: (t, p) => (/\.(prompt|prompty)$/.test(p) ? `${t}\n{{ brandNewVariable }}\n` : undefined) },
  { name: 'change the model', apply: (t) => (/^model: /m.test(t) ? t.replace(/^model: .*$/m, 'model: openai/gpt-3.5-turbo') : undefined) },
];

function renameFirstInput(text: string): string | undefined {
  const m = /^ {4}([A-Za-z_]\w*)\??\s*(\(|:)/m.exec(text);
  if (!m) return undefined;
  return text.split(m[1]).join(`${m[1]}Renamed`);
}

/** Checks, after each edit, that the live catalog equals a full rebuild and a fresh load of the same texts. */
async function checkLibrary(root: string): Promise<number> {
  const base = await openFolderLibrary(root);
  const live = new LiveCatalog(base);
  const texts = new Map<string, string>();
  let edits = 0;
  const paths = [...base.files.keys()].filter((p) => base.files.get(p)!.text).sort();
  for (const p of paths) {
    const original = fs.readFileSync(path.join(root, ...p.split('/')), 'utf8');
    for (const m of mutations) {
      const current = texts.get(p) ?? original;
      const next = m.apply(current, p);
      if (next === undefined || next === current) continue;
      texts.set(p, next);
      edits++;
      const update = live.setText(p, next);
      const what = `${path.basename(root)}: ${m.name} in ${p}`;
      // A full rebuild of the same overlays, with every check run.
      const overlays = [...texts].map(([q, t]) => parseForCatalog(base, q, t));
      const full = rebuildCatalogWith(base, overlays, { checks: runCatalogChecks });
      assert.deepEqual(keys(live.catalog.diagnostics), keys(full.diagnostics), `${what}: incremental and full checks differ`);
      assert.deepEqual(assetKeys(live.catalog), assetKeys(full), `${what}: the assets differ`);
      for (const f of update.affected === 'all' ? [] : live.catalog.files.keys()) {
        assert.deepEqual(keys(live.diagnosticsFor(f)), keys(full.diagnostics.filter((d) => d.file === f)), `${what}: findings of ${f}`);
      }
      // A fresh load of the saved texts agrees too (rebuilding equals loading).
      if (edits % 3 === 0) {
        const fresh = await loadCatalog({ root: base.root, source: overlaidSource(root, texts), fallbackName: path.basename(root), parser: inThread, checks: runCatalogChecks });
        assert.deepEqual(keys(live.catalog.diagnostics), keys(fresh.diagnostics), `${what}: live catalog and a fresh load differ`);
        assert.deepEqual(assetKeys(live.catalog), assetKeys(fresh), `${what}: live assets and a fresh load's differ`);
      }
    }
  }
  // Reverting every overlay gives the loaded catalog's findings back.
  for (const p of [...texts.keys()]) live.revert(p);
  assert.deepEqual(keys(live.catalog.diagnostics), keys(base.diagnostics));
  assert.deepEqual(assetKeys(live.catalog), assetKeys(base));
  return edits;
}

describe('core/editor/liveCatalog', () => {
  it('re-checks incrementally with the same findings as a full run (cross-asset fixture library)', async () => {
    const edits = await checkLibrary(crossAsset);
    assert.ok(edits > 30, `${edits} edits`);
  });

  it('re-checks incrementally with the same findings as a full run (pilot fixture library)', async () => {
    assert.ok((await checkLibrary(pilotLibrary)) > 20);
  });

  it('re-checks incrementally with the same findings as a full run (sample library)', async function () {
    this.timeout(60_000);
    assert.ok((await checkLibrary(sampleLibrary)) > 40);
  });

  it('re-checks incrementally with the same findings as a full run (a generated library requiring eval coverage, a folder with two manifests)', async function () {
    this.timeout(120_000);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'live-generated-'));
    const twin = (id: string) => `id: ${id}\nkind: prompt\nversion: 1.0.0\nstatus: approved\nowners: [a@example.com]\nentry: twin.prompt\n`;
    const extra = { 'prompts/twin/asset.yaml': twin('twin'), 'prompts/twin/asset.yml': twin('twin-too'), 'prompts/twin/twin.prompt': '---\ninput:\n  schema:\n    who: string\n---\nHello {{who}}!\n' };
    try {
      for (const [rel, text] of Object.entries({ ...generateBenchLibrary(40), ...extra })) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), rel === 'library.yaml' ? text.replace('requireEvalCoverage: false', 'requireEvalCoverage: true') : text);
      }
      assert.ok((await checkLibrary(root)) > 100);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('builds again only the edited asset, and leaves the loaded catalog as it was', async () => {
    const base = await openFolderLibrary(crossAsset);
    const files = [...base.files];
    const assets = base.assets.slice();
    const diagnostics = keys(base.diagnostics);
    const live = new LiveCatalog(base);
    const promptPath = 'greeting/greeting.prompt';
    const text = fs.readFileSync(path.join(crossAsset, promptPath), 'utf8');
    live.setText(promptPath, `${text}\nMore text.\n`);
    live.setText(promptPath, `${text}\nMore text, and more.\n`);
    // Its findings are the same: every other asset is the loaded object, in its place.
    const edited = live.catalog.assets.findIndex((a) => a.files.includes(promptPath));
    assert.ok(live.catalog.assets.every((a, i) => (i === edited) !== (a === base.assets[i])));
    // A new file (the listing changes) and its revert.
    live.setText('unmanaged/new.prompt', '---\ninput:\n  schema:\n    a: string\n---\n{{b}}\n');
    live.revert('unmanaged/new.prompt');
    assert.deepEqual([...base.files], files, 'the loaded files');
    assert.ok(base.assets.length === assets.length && base.assets.every((a, i) => a === assets[i]), 'the loaded assets');
    assert.deepEqual(keys(base.diagnostics), diagnostics);
  });

  it('renaming an input of a prompt updates the findings of the eval suite that targets it', async () => {
    const base = await openFolderLibrary(crossAsset);
    const live = new LiveCatalog(base);
    const suite = 'greeting-evals/suite.yaml';
    const before = live.diagnosticsFor(suite).filter((d) => d.code === 'eval-vars-mismatch');
    assert.ok(before.some((d) => d.message.includes('`nickname` is not an input')));
    const promptPath = 'greeting/greeting.prompt';
    const text = fs.readFileSync(path.join(crossAsset, promptPath), 'utf8');
    assert.match(text, /\bname\b/);
    const update = live.setText(promptPath, text.replace(/\bname\b/g, 'fullName'));
    assert.notEqual(update.affected, 'all');
    assert.ok((update.affected as Set<string>).has(suite), 'the suite is among the affected files');
    assert.ok(update.changed.has(suite), 'its findings changed');
    assert.ok((update.affected as Set<string>).has('greeting/asset.yaml') && !update.changed.has('greeting/asset.yaml'), 'the manifest was re-checked, its findings stayed');
    const after = live.diagnosticsFor(suite).filter((d) => d.code === 'eval-vars-mismatch');
    assert.ok(
      after.some((d) => /`name` is not an input of greeting/.test(d.message)),
      after.map((d) => d.message).join('\n'),
    );
    assert.ok(after.some((d) => /does not give `fullName`/.test(d.message)));
  });

  it('runs only the affected checks: unrelated files keep their findings objects', async () => {
    const base = await openFolderLibrary(crossAsset);
    const live = new LiveCatalog(base);
    const unrelated = 'dup-a/asset.yaml';
    const kept = live.diagnosticsFor(unrelated);
    assert.ok(kept.length > 0);
    const update = live.setText('wrong-model/p.prompt', fs.readFileSync(path.join(crossAsset, 'wrong-model', 'p.prompt'), 'utf8') + '\nMore text.\n');
    assert.ok(update.affected !== 'all' && !update.affected.has(unrelated));
    assert.equal(live.diagnosticsFor(unrelated)[0], kept[0], 'the finding object is reused, not recomputed');
    assert.ok(update.timing.parseMs >= 0 && update.timing.checksMs >= 0 && update.timing.assembleMs >= 0);
  });

  it('an edit to library.yaml re-checks everything', async () => {
    const base = await openFolderLibrary(crossAsset);
    const live = new LiveCatalog(base);
    const text = fs.readFileSync(path.join(crossAsset, 'library.yaml'), 'utf8');
    const update = live.setText('library.yaml', `${text}\n# a comment\n`);
    assert.equal(update.affected, 'all');
  });

  it('adds a file the catalog did not know, and drops it on revert', async () => {
    const base = await openFolderLibrary(crossAsset);
    const live = new LiveCatalog(base);
    live.setText('unmanaged/new.prompt', '---\ninput:\n  schema:\n    a: string\n---\n{{b}}\n');
    assert.ok(live.has('unmanaged/new.prompt'));
    assert.ok(live.diagnosticsFor('unmanaged/new.prompt').some((d) => d.code === 'undefined-variable'));
    live.revert('unmanaged/new.prompt');
    assert.equal(live.has('unmanaged/new.prompt'), false);
    assert.deepEqual(keys(live.catalog.diagnostics), keys(base.diagnostics));
  });

  it('rebase keeps the unsaved texts over a reloaded catalog', async () => {
    const base = await openFolderLibrary(crossAsset);
    const live = new LiveCatalog(base);
    live.setText('uncovered/p.prompt', '---\ninput:\n  schema:\n    x: string\n---\n{{y}}\n');
    const reloaded = await openFolderLibrary(crossAsset);
    const update = live.rebase(reloaded);
    assert.equal(update.affected, 'all');
    assert.equal(live.base, reloaded);
    assert.ok(live.diagnosticsFor('uncovered/p.prompt').some((d) => d.code === 'undefined-variable' && d.message.includes('`y`')));
  });
});

describe('core/checks/catalogChecks scoped runs', () => {
  let catalog: Catalog;
  before(async () => {
    catalog = await openFolderLibrary(crossAsset);
  });

  it("a scoped run gives exactly the full run's findings on the scope", () => {
    const full = runCatalogChecks(catalog);
    for (const f of catalog.files.keys()) {
      const scoped = runCatalogChecks(catalog, new Set([f]));
      assert.deepEqual(keys(scoped), keys(full.filter((d) => d.file === f)), f);
    }
  });

  it('filesAffectedBy: a prompt change reaches its manifest and the suites targeting it, not unrelated assets', () => {
    const p = 'greeting/greeting.prompt';
    const owner = catalog.assets.filter((a) => a.files.includes(p));
    const affected = filesAffectedBy(catalog, { paths: [p], before: new Map([[p, catalog.files.get(p)]]), assetsBefore: owner, assetsAfter: owner });
    assert.ok(affected !== 'all');
    for (const f of ['greeting/greeting.prompt', 'greeting/asset.yaml', 'greeting-evals/asset.yaml', 'greeting-evals/suite.yaml']) assert.ok(affected.has(f), f);
    assert.ok(!affected.has('dup-a/asset.yaml'));
  });
});
