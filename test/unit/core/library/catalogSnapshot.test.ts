// The catalog snapshot's stored layout: every Asset field comes back, any character survives, and a snapshot that does not check out is refused.

import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { nodeCacheDeps } from '../../../../src/app/openLibrary';
import type { Range } from '../../../../src/core/diagnostics';
import { catalogSnapshotVersion, loadCatalogSnapshot, saveCatalogChange, saveCatalogSnapshot } from '../../../../src/core/library/catalogSnapshot';
import type { FileSystem } from '../../../../src/core/ports';
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
    library: {
      name: 'lib',
      description: 'The library.',
      policy: { ...defaultPolicy, allowedModels: ['openai/*'] },
      models: [{ id: 'openai/gpt-4o', contextWindow: 128000, parameters: ['temperature'] }],
      hasManifest: true,
      ...library,
    },
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

    const both = catalogOf([asset('both', { title: 'Ωmega \u0000 and \u0100' })]);
    const file3 = path.join(tempDir('snap'), 'both.snapshot');
    await saveCatalogSnapshot(fs, paths, file3, both, key);
    assert.equal(headerOf(file3).encoding, 'utf16le');
    assert.notEqual(headerOf(file3).separator, 0, 'the text holds U+0000, so another separator is chosen');
    assert.deepStrictEqual((await loadCatalogSnapshot(fs, file3, '/lib', key))?.catalog.assets, both.assets);
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
    // Bytes after the base are a torn or foreign delta: the base (whose commit the catalog names) is read, and the file is marked for a whole write.
    writeFileSync(file, Buffer.concat([bytes, Buffer.from([0, 0, 0, 0])]));
    const trailing = await loadCatalogSnapshot(fs, file, '/lib', key);
    assert.equal(trailing?.file.clean, false, 'trailing bytes');
    assert.deepStrictEqual(trailing?.catalog.assets, catalogOf(everyField()).assets);
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

  describe('deltas (an updated catalog appended to the snapshot it was updated from)', () => {
    const at = (commit: string) => ({ ...key, commit });
    /** Assets of commit `c`: `n` of them, those listed in `edited` with a version of their own. */
    const assetsAt = (c: string, n: number, edited: Record<string, string> = {}) =>
      Array.from({ length: n }, (_, i) => asset(`a${String(i).padStart(3, '0')}`, { commit: c, version: edited[`a${String(i).padStart(3, '0')}`] ?? '1.0.0' }));
    const loose = (c: string, name: string): Asset => {
      const { manifest: _, ...rest } = asset(name, { managed: false, path: `${name}.prompt`, files: [`${name}.prompt`], commit: c });
      return rest;
    };

    /** The change from `before` to `after` as updateCatalog gives it: what goes (by path) and what comes. */
    function change(before: Catalog, after: Catalog, read: NonNullable<Awaited<ReturnType<typeof loadCatalogSnapshot>>>['file']) {
      const same = (a: Asset, b: Asset) => isDeepStrictEqual({ ...a, commit: '' }, { ...b, commit: '' });
      const dropped = before.assets.filter((a) => !after.assets.some((b) => b.managed === a.managed && b.path === a.path && same(a, b)));
      const fresh = after.assets.filter((b) => !before.assets.some((a) => a.managed === b.managed && a.path === b.path && same(a, b)));
      return { from: before.commit!, read, catalog: after, dropped, fresh };
    }

    it('appends a small record, and reads back the same catalog as a whole write, over several commits', async () => {
      const dir = tempDir('snap');
      const file = path.join(dir, 'catalog.snapshot');
      const whole = path.join(dir, 'whole.snapshot');
      let catalog = { ...catalogOf(assetsAt('c0', 200)), commit: 'c0' };
      await saveCatalogSnapshot(fs, paths, file, catalog, at('c0'), 7);
      const baseSize = readFileSync(file).length;
      const steps: Asset[][] = [
        assetsAt('c1', 200, { a005: '1.0.1', a100: '2.0.0' }),
        // One asset gone, an unmanaged one added.
        [...assetsAt('c2', 200, { a005: '1.0.1', a100: '2.0.0' }).filter((a) => a.id !== 'a050'), loose('c2', 'zz-loose')],
        // The unmanaged one edited.
        [...assetsAt('c3', 200, { a005: '1.0.2', a100: '2.0.0' }).filter((a) => a.id !== 'a050'), { ...loose('c3', 'zz-loose'), title: 'Edited' }],
      ];
      for (const [i, assets] of steps.entries()) {
        const commit = `c${i + 1}`;
        const before = await loadCatalogSnapshot(fs, file, '/lib', at(commit), { anyCommit: true });
        assert.ok(before);
        assert.equal(before.catalog.commit, `c${i}`);
        assert.equal(before.file.deltas, i);
        const next = { ...catalogOf(assets), commit };
        assert.equal(await saveCatalogChange(fs, paths, file, change(before.catalog, next, before.file), at(commit), 7 + i + 1), 'appended');
        const back = await loadCatalogSnapshot(fs, file, '/lib', at(commit));
        assert.ok(back, commit);
        assert.deepStrictEqual(back.catalog.assets, next.assets, commit);
        assert.deepStrictEqual(back.catalog.library, next.library);
        assert.equal(back.catalog.commit, commit);
        assert.equal(back.files, 7 + i + 1);
        assert.deepEqual(back.file, { baseBytes: baseSize, deltas: i + 1, deltaBytes: readFileSync(file).length - baseSize, clean: true });
        // The same catalog written whole reads back the same.
        await saveCatalogSnapshot(fs, paths, whole, next, at(commit), 7 + i + 1);
        assert.deepStrictEqual((await loadCatalogSnapshot(fs, whole, '/lib', at(commit)))?.catalog.assets, back.catalog.assets);
        catalog = next;
      }
      assert.ok(readFileSync(file).length - baseSize < baseSize / 5, 'three deltas of two or three assets each are small next to the base');
      // assetCommit: the assets carry the commit asked for (the catalog still says which commit it is).
      const moved = await loadCatalogSnapshot(fs, file, '/lib', at('c9'), { anyCommit: true, assetCommit: 'c9' });
      assert.equal(moved?.catalog.commit, 'c3');
      assert.ok(moved?.catalog.assets.every((a) => a.commit === 'c9'));
    });

    it('never gives a wrong catalog from a torn or foreign record: it reads up to the last good one, and the next write is whole', async () => {
      const dir = tempDir('snap');
      const file = path.join(dir, 'catalog.snapshot');
      const c0 = { ...catalogOf(assetsAt('c0', 50)), commit: 'c0' };
      const c1 = { ...catalogOf(assetsAt('c1', 50, { a001: '9.0.0' })), commit: 'c1' };
      await saveCatalogSnapshot(fs, paths, file, c0, at('c0'), 1);
      const base = readFileSync(file);
      const read0 = (await loadCatalogSnapshot(fs, file, '/lib', at('c1'), { anyCommit: true }))!;
      assert.equal(await saveCatalogChange(fs, paths, file, change(c0, c1, read0.file), at('c1'), 2), 'appended');
      const full = readFileSync(file);
      const atC0 = async (bytes: Uint8Array, why: string) => {
        writeFileSync(file, bytes);
        const got = await loadCatalogSnapshot(fs, file, '/lib', at('c1'), { anyCommit: true });
        assert.equal(got?.catalog.commit, 'c0', why);
        assert.deepStrictEqual(got?.catalog.assets, c0.assets, why);
        assert.equal(got?.file.clean, false, why);
        assert.equal(await loadCatalogSnapshot(fs, file, '/lib', at('c1')), undefined, `${why}: not the catalog of c1`);
        return got!;
      };
      // Torn anywhere in the record: its first line, its description, its body.
      for (const cut of [base.length + 3, base.length + 60, base.length + Math.floor((full.length - base.length) / 2), full.length - 1]) await atC0(full.subarray(0, cut), `cut at ${cut}`);
      // A flipped byte in the record.
      for (const flip of [base.length + 70, full.length - 2]) {
        const flipped = Buffer.from(full);
        flipped[flip] ^= 0x01;
        await atC0(flipped, `byte ${flip} flipped`);
      }
      // A record from another commit (another process appended from a snapshot since replaced), and one after it that is fine.
      const foreign = Buffer.from(full.subarray(base.length).toString('latin1').replace('"from":"c0"', '"from":"cX"'), 'latin1');
      await atC0(Buffer.concat([base, foreign, full.subarray(base.length)]), 'a record from another commit first');
      // The next write after an unclean read is whole: the file is clean again.
      const torn = await atC0(full.subarray(0, full.length - 1), 'torn');
      assert.equal(await saveCatalogChange(fs, paths, file, change(c0, c1, torn.file), at('c1'), 2), 'written');
      const back = await loadCatalogSnapshot(fs, file, '/lib', at('c1'));
      assert.deepEqual(back?.file, { baseBytes: readFileSync(file).length, deltas: 0, deltaBytes: 0, clean: true });
      assert.deepStrictEqual(back?.catalog.assets, c1.assets);
    });

    /** Commits c1..c`steps` over `n` assets, each editing `per` more assets; the outcome of each write, checked after each. */
    async function commits(file: string, n: number, steps: number, per: number): Promise<{ outcomes: string[]; last: Catalog }> {
      const c0 = { ...catalogOf(assetsAt('c0', n)), commit: 'c0' };
      await saveCatalogSnapshot(fs, paths, file, c0, at('c0'), 1);
      let previous: Catalog = c0;
      const edited: Record<string, string> = {};
      const outcomes: string[] = [];
      for (let i = 1; i <= steps; i++) {
        for (let k = 0; k < per; k++) edited[`a${String((per * i + k) % n).padStart(3, '0')}`] = `${i + 1}.0.0`;
        const next = { ...catalogOf(assetsAt(`c${i}`, n, edited)), commit: `c${i}` };
        const read = (await loadCatalogSnapshot(fs, file, '/lib', at(`c${i}`), { anyCommit: true }))!;
        outcomes.push(await saveCatalogChange(fs, paths, file, change(previous, next, read.file), at(`c${i}`), 1));
        const back = await loadCatalogSnapshot(fs, file, '/lib', at(`c${i}`));
        assert.deepStrictEqual(back?.catalog.assets, next.assets, `c${i}`);
        assert.ok(back.file.deltaBytes <= back.file.baseBytes / 4 && back.file.deltas <= 16, `c${i}: ${JSON.stringify(back.file)}`);
        previous = next;
      }
      return { outcomes, last: previous };
    }

    it('is written whole (compacted) when its deltas would grow past a quarter of the base or past 16 records, or without an append', async () => {
      const dir = tempDir('snap');
      // Three assets of forty change at each commit: a delta is about a sixth of the base.
      const bySize = await commits(path.join(dir, 'size.snapshot'), 40, 6, 3);
      assert.equal(bySize.outcomes[0], 'appended');
      const compacted = bySize.outcomes.indexOf('written');
      assert.ok(compacted > 0 && bySize.outcomes.indexOf('appended', compacted) > compacted, bySize.outcomes.join());
      // One asset of a thousand at each commit: small deltas, at most 16 of them.
      const byCount = await commits(path.join(dir, 'count.snapshot'), 1000, 18, 1);
      assert.deepEqual(byCount.outcomes, [...Array<string>(16).fill('appended'), 'written', 'appended']);
      const file = path.join(dir, 'count.snapshot');
      const previous = byCount.last;
      const plain: FileSystem = {
        readFile: (p) => fs.readFile(p),
        readDir: (p) => fs.readDir(p),
        stat: (p) => fs.stat(p),
        realPath: (p) => fs.realPath(p),
        writeFile: (p, d) => fs.writeFile(p, d),
        mkdir: (p) => fs.mkdir(p),
        rename: (a, b) => fs.rename(a, b),
        remove: (p) => fs.remove(p),
      };
      // One whose append fails (the file removed meanwhile): written whole.
      const read19 = (await loadCatalogSnapshot(fs, file, '/lib', at('c19'), { anyCommit: true }))!;
      assert.equal(read19.file.deltas, 1);
      rmSync(file);
      // (one asset changes: an append would be taken)
      const c19 = { ...previous, commit: 'c19', assets: previous.assets.map((a) => ({ ...a, commit: 'c19', version: a.id === 'a000' ? '7.7.7' : a.version })) };
      assert.equal(await saveCatalogChange(fs, paths, file, change(previous, c19, read19.file), at('c19'), 1), 'written');
      assert.deepStrictEqual((await loadCatalogSnapshot(fs, file, '/lib', at('c19')))?.catalog.assets, c19.assets);
      // A file system that cannot append: written whole.
      const read20 = (await loadCatalogSnapshot(fs, file, '/lib', at('c20'), { anyCommit: true }))!;
      assert.equal(read20.file.deltas, 0);
      const c20 = { ...catalogOf(assetsAt('c20', 1000)), commit: 'c20' };
      assert.equal(await saveCatalogChange(plain, paths, file, change(c19, c20, read20.file), at('c20'), 1), 'written');
      assert.deepStrictEqual((await loadCatalogSnapshot(fs, file, '/lib', at('c20')))?.catalog.assets, c20.assets);
    });
  });
});
