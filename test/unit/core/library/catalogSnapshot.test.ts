// The catalog snapshot's stored layout: every Asset field comes back, any character survives, and a snapshot that does not check out is refused.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeCacheDeps } from '../../../../src/cli/libraries';
import type { Range } from '../../../../src/core/diagnostics';
import { catalogSnapshotVersion, loadCatalogSnapshot, saveCatalogSnapshot } from '../../../../src/core/library/catalogSnapshot';
import type { Asset, Catalog } from '../../../../src/core/library/types';
import { defaultPolicy } from '../../../../src/core/library/types';
import { cleanupTemp, tempDir } from '../../support/gitServer';

const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const key = { engine: 'engine-1', commit: 'c0ffee', fallbackName: 'lib' };
const fs = nodeCacheDeps().fs;
const paths = nodeCacheDeps().path;

/** An asset as a snapshot gives it back: zero ranges and problem counts, the snapshot's commit (every asset gets it). */
function asset(id: string, extra: Partial<Asset> = {}): Asset {
  return {
    id,
    kind: 'prompt',
    format: 'dotprompt',
    version: '1.0.0',
    status: 'draft',
    managed: true,
    title: id,
    description: '',
    owners: [],
    tags: [],
    path: `prompts/${id}`,
    files: [`prompts/${id}/asset.yaml`],
    inputs: [],
    references: [],
    problems: { errors: 0, warnings: 0, infos: 0 },
    manifest: `prompts/${id}/asset.yaml`,
    commit: key.commit,
    ...extra,
  };
}

/** Assets that use every field of Asset, each in its present and absent forms. */
function everyField(): Asset[] {
  return [
    asset('full', {
      kind: 'eval',
      format: 'promptfoo',
      version: '2.3.4-rc.1',
      status: 'approved',
      title: 'A full asset',
      description: 'Says what it does.',
      owners: ['a@example.com', 'b@example.com'],
      tags: ['x', 'y', 'x-y'],
      entry: 'promptfooconfig.yaml',
      entryFile: 'prompts/full/promptfooconfig.yaml',
      files: ['prompts/full/asset.yaml', 'prompts/full/promptfooconfig.yaml', 'prompts/full/sub/data.csv'],
      model: 'openai:gpt-4o-mini',
      inputs: [
        { name: 'plain', type: 'string', required: true, range: zero },
        { name: 'described', type: 'number', required: false, range: zero, description: 'How many.' },
        { name: 'defaulted', type: 'boolean', required: false, range: zero, default: false },
        { name: 'both', type: 'object', required: false, range: zero, description: 'Options.', default: { a: [1, 'two', null], b: { c: 0.5 } } },
        { name: 'nullDefault', type: 'array', required: false, range: zero, default: null },
        { name: 'anything', type: 'any', required: false, range: zero, default: '' },
      ],
      references: [
        { field: 'targets', ref: { raw: 'other@^1.0', id: 'other', range: '^1.0' }, rangeInManifest: zero },
        { field: 'dependsOn', ref: { raw: 'shared:util@~2.1', id: 'util', library: 'shared', range: '~2.1' }, rangeInManifest: zero },
        { field: 'dependsOn', ref: { raw: 'bare', id: 'bare' }, rangeInManifest: zero },
        { field: 'replacedBy', ref: { raw: 'shared:next', id: 'next', library: 'shared' }, rangeInManifest: zero },
      ],
      replacedBy: 'shared:next',
      approval: { by: 'Ada', date: '2025-01-02', digest: 'sha256:00ff' },
    }),
    asset('template', { kind: 'template', format: 'asset-manifest', parameters: { type: 'object', properties: { team: { type: 'string' } } }, layout: { prompt: 'genai/<id>/' } }),
    // Unmanaged: no manifest; its path is the file itself (nothing lies under it).
    asset('loose', { managed: false, path: 'loose.prompt', files: ['loose.prompt'], entry: 'loose.prompt', entryFile: 'loose.prompt', manifest: undefined, model: 'googleai/gemini-2.0-flash' }),
    // At the library root ('' path), and with an entry outside the asset's folder.
    asset('root', { path: '', files: ['asset.yaml', 'root.prompt'], manifest: 'asset.yaml', entry: '../elsewhere.prompt' }),
  ].map((a) => {
    for (const k of Object.keys(a) as (keyof Asset)[]) if (a[k] === undefined) delete a[k];
    return a;
  });
}

function catalogOf(assets: Asset[], library: Partial<Catalog['library']> = {}): Catalog {
  return {
    root: '/lib',
    library: { name: 'lib', description: 'The library.', policy: { ...defaultPolicy, allowedModels: ['openai/*'] }, models: [{ id: 'openai/gpt-4o', contextWindow: 128000, parameters: ['temperature'] }], hasManifest: true, ...library },
    assets,
    files: new Map(),
    diagnostics: [],
    commit: key.commit,
    level: 'catalog',
  };
}

async function roundTrip(catalog: Catalog, file = path.join(tempDir('snap'), 'catalog.snapshot')): Promise<Catalog | undefined> {
  await saveCatalogSnapshot(fs, paths, file, catalog, key, 42);
  return (await loadCatalogSnapshot(fs, file, '/lib', key))?.catalog;
}

/** The header line of a snapshot file, parsed. */
function headerOf(file: string): Record<string, unknown> {
  const bytes = readFileSync(file);
  return JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString('utf8')) as Record<string, unknown>;
}

describe('catalog snapshot (stored layout)', () => {
  after(cleanupTemp);

  it('gives back every field of every asset, and the library', async () => {
    const catalog = catalogOf(everyField());
    const file = path.join(tempDir('snap'), 'catalog.snapshot');
    await saveCatalogSnapshot(fs, paths, file, catalog, key, 42);
    const back = await loadCatalogSnapshot(fs, file, '/lib', key);
    assert.ok(back);
    assert.equal(back.files, 42);
    assert.deepStrictEqual(back.catalog.assets, catalog.assets);
    assert.deepStrictEqual(back.catalog.library, catalog.library);
    assert.equal(back.catalog.level, 'catalog');
    assert.equal(back.catalog.commit, key.commit);
    assert.equal(back.catalog.root, '/lib');
    // Each asset has problem counts of its own (countProblems adds to them).
    back.catalog.assets[0].problems.errors++;
    assert.equal(back.catalog.assets[1].problems.errors, 0);
    // Writing what was read gives the same bytes.
    const again = path.join(tempDir('snap'), 'again.snapshot');
    await saveCatalogSnapshot(fs, paths, again, back.catalog, key, 42);
    assert.deepEqual(readFileSync(again), readFileSync(file));
  });

  it('stores each repeated string once', async () => {
    const assets = Array.from({ length: 200 }, (_, i) => asset(`a${i}`, { owners: ['team@example.com'], tags: ['shared', `t${i % 3}`], status: 'approved' }));
    const file = path.join(tempDir('snap'), 'catalog.snapshot');
    await saveCatalogSnapshot(fs, paths, file, catalogOf(assets), key);
    const text = readFileSync(file, 'latin1');
    assert.equal(text.split('team@example.com').length - 1, 1);
    assert.equal(text.split('prompts/a7/asset.yaml').length - 1, 0, 'file names under the asset are stored relative to it');
    assert.equal(text.split('./asset.yaml').length - 1, 1);
    // Lists read back are shared between the assets that have the same one, frozen so that no asset can change another's.
    const back = (await loadCatalogSnapshot(fs, file, '/lib', key))!.catalog.assets;
    assert.equal(back[0].owners, back[1].owners);
    assert.equal(back[0].tags, back[3].tags);
    assert.notEqual(back[0].tags, back[1].tags);
    assert.ok(Object.isFrozen(back[0].owners) && Object.isFrozen(back[0].inputs));
    assert.throws(() => back[0].owners.push('x'), TypeError);
    assert.notEqual(back[0].problems, back[1].problems);
  });

  it('keeps any character: latin1 text, other scripts, lone surrogates, and the separator characters themselves', async () => {
    const latin = catalogOf([asset('café', { title: 'Crème brûlée', description: 'tab\there\nnew line \u0000 nul \u0001 \u00ff' })]);
    const file = path.join(tempDir('snap'), 'latin.snapshot');
    await saveCatalogSnapshot(fs, paths, file, latin, key);
    assert.equal(headerOf(file).encoding, 'latin1');
    assert.notEqual(headerOf(file).separator, 0, 'the text holds U+0000, so another separator is chosen');
    assert.deepStrictEqual((await loadCatalogSnapshot(fs, file, '/lib', key))?.catalog.assets, latin.assets);

    const wide = catalogOf([asset('wide', { title: '日本語のプロンプト 🚀', description: 'lone \ud800 surrogate and \udfff too', tags: ['ünïcödé', 'Ωmega'] })], { name: 'bibliothèque ✓' });
    const file2 = path.join(tempDir('snap'), 'wide.snapshot');
    await saveCatalogSnapshot(fs, paths, file2, wide, key);
    assert.equal(headerOf(file2).encoding, 'utf16le');
    const back = await loadCatalogSnapshot(fs, file2, '/lib', key);
    assert.deepStrictEqual(back?.catalog.assets, wide.assets);
    assert.deepStrictEqual(back?.catalog.library, wide.library);
  });

  it('reads an empty catalog, and nothing from a missing file', async () => {
    const back = await roundTrip(catalogOf([]));
    assert.deepStrictEqual(back?.assets, []);
    assert.equal(await loadCatalogSnapshot(fs, path.join(tempDir('snap'), 'missing.snapshot'), '/lib', key), undefined);
    assert.equal(await loadCatalogSnapshot(fs, tempDir('snap'), '/lib', key), undefined, 'a folder');
  });

  it('refuses a snapshot of another key, another version, or one that does not check out', async () => {
    const file = path.join(tempDir('snap'), 'catalog.snapshot');
    await saveCatalogSnapshot(fs, paths, file, catalogOf(everyField()), key);
    const bytes = readFileSync(file);
    const nl = bytes.indexOf(10);
    assert.ok(await loadCatalogSnapshot(fs, file, '/lib', key));
    assert.equal(await loadCatalogSnapshot(fs, file, '/lib', { ...key, engine: 'engine-2' }), undefined);
    assert.equal(await loadCatalogSnapshot(fs, file, '/lib', { ...key, commit: 'other' }), undefined);
    assert.ok(await loadCatalogSnapshot(fs, file, '/lib', { ...key, commit: 'other' }, { anyCommit: true }), 'anyCommit takes a snapshot of another commit');
    assert.equal(await loadCatalogSnapshot(fs, file, '/lib', { ...key, fallbackName: 'other' }), undefined);

    const refused = async (content: Uint8Array, why: string) => {
      writeFileSync(file, content);
      assert.equal(await loadCatalogSnapshot(fs, file, '/lib', key), undefined, why);
    };
    const header = headerOf(file);
    const withHeader = (h: Record<string, unknown>, body: Uint8Array = bytes.subarray(nl + 1)) => Buffer.concat([Buffer.from(`${JSON.stringify(h)}\n`), body]);
    // Every byte of the body is covered by the checksum.
    for (const at of [nl + 1, nl + 2 + Math.floor((bytes.length - nl) / 2), bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[at] ^= 0x20;
      await refused(flipped, `byte ${at} flipped`);
    }
    await refused(bytes.subarray(0, bytes.length - 4), 'truncated');
    await refused(bytes.subarray(0, nl), 'header only');
    await refused(Buffer.concat([bytes, Buffer.from([0, 0, 0, 0])]), 'trailing bytes');
    await refused(new Uint8Array(0), 'empty');
    await refused(Buffer.from('not a snapshot\n{}'), 'not a snapshot');
    await refused(withHeader({ ...header, version: catalogSnapshotVersion - 1 }), 'older version');
    await refused(withHeader({ ...header, format: 'something-else' }), 'another format');
    await refused(withHeader({ ...header, encoding: 'utf8' }), 'unknown encoding');
    await refused(withHeader({ ...header, strings: (header.strings as number) + 1 }), 'string count off');
    await refused(withHeader({ ...header, stringBytes: (header.stringBytes as number) - 4, ints: (header.ints as number) + 1 }), 'layout off');
    // Integers that do not add up, under a checksum that matches them (written by a faulty build): refused, not thrown.
    const body = Buffer.from(bytes.subarray(nl + 1));
    const ints = new DataView(body.buffer, body.byteOffset + (header.stringBytes as number));
    const int = (i: number) => ints.getUint32(4 * i, true);
    // Skip the shared lists of strings, the inputs and the lists of inputs, to the first asset.
    let first = 0;
    for (let lists = int(first++); lists > 0; lists--) first += 1 + int(first);
    first += 1 + 5 * int(first);
    /** The first item of the first list of inputs (the 'full' asset's, not empty). */
    const firstInputOfList = first + 2;
    for (let lists = int(first++); lists > 0; lists--) first += 1 + int(first);
    const { createHash } = await import('node:crypto');
    const resealed = () => withHeader({ ...header, checksum: createHash('sha1').update(body).digest('hex') }, body);
    for (const [offset, value, why] of [
      [first, 0xffffff, 'string index out of range'],
      [first + 14, 9999, 'list index out of range'],
      [first + 17, 0xffffffff, 'file count past the end'],
      [0, 0xffffffff, 'list count past the end'],
      [firstInputOfList, 0xffff, 'input number out of range'],
    ] as const) {
      const was = int(offset);
      ints.setUint32(4 * offset, value, true);
      await refused(resealed(), why);
      ints.setUint32(4 * offset, was, true);
    }
    writeFileSync(file, resealed());
    assert.ok(await loadCatalogSnapshot(fs, file, '/lib', key), 'with every integer restored, the resealed snapshot is read again');
  });

  it('refuses a snapshot written in the previous layout (version 2, JSON)', async () => {
    const file = path.join(tempDir('snap'), 'catalog.snapshot');
    const body = Buffer.from(JSON.stringify({ library: catalogOf([]).library, assets: [] }));
    const { createHash } = await import('node:crypto');
    const header = { format: 'genai-assets-catalog', version: 2, ...key, files: 1, checksum: createHash('sha1').update(body).digest('hex') };
    writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
    assert.equal(await loadCatalogSnapshot(fs, file, '/lib', key), undefined);
  });
});
