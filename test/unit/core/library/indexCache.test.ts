// The persisted index cache: round trip, counts, pruning, and every kind of corruption rebuilt rather than trusted.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { catalogCodec } from '../../../../src/core/library/catalogCodec';
import { IndexCache, indexCacheVersion } from '../../../../src/core/library/indexCache';
import type { Log } from '../../../../src/core/ports';
import { nodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { cleanupTemp, tempDir } from '../../support/gitServer';

const enc = new TextEncoder();
const manifest = 'kind: prompt\nversion: 1.0.0\nstatus: draft\n';

function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (m) => void warnings.push(m), error() {} };
}

async function saved(dir: string, entries: number): Promise<string> {
  const file = path.join(dir, 'index.cache');
  const c = IndexCache.empty(file, 'engine-1');
  for (let i = 0; i < entries; i++) {
    const p = `a${i}/asset.yaml`;
    assert.equal(c.get(p, `blob${i}`), undefined);
    c.set(p, `blob${i}`, parseFile(p, enc.encode(manifest)));
  }
  await c.save(nodeFileSystem, nodePathOps);
  return file;
}

describe('index cache', () => {
  after(cleanupTemp);

  it('stores parsed files by path and key and serves them back', async () => {
    const file = await saved(tempDir(), 3);
    const c = await IndexCache.load(nodeFileSystem, file, 'engine-1');
    assert.equal(c.status, 'loaded');
    assert.equal(c.size, 3);
    const f = c.get('a1/asset.yaml', 'blob1');
    assert.ok(f);
    assert.equal(f.path, 'a1/asset.yaml');
    assert.equal(f.format, 'asset-manifest');
    assert.deepEqual(f, JSON.parse(JSON.stringify(parseFile('a1/asset.yaml', enc.encode(manifest)))));
    assert.equal(c.get('a1/asset.yaml', 'other-blob'), undefined, 'a changed blob id is a miss');
    assert.equal(c.get('nope', 'blob1'), undefined);
    assert.deepEqual([c.hits, c.misses, c.stores], [1, 2, 0]);
  });

  it('keeps only the entries used since loading when saving', async () => {
    const file = await saved(tempDir(), 4);
    const c = await IndexCache.load(nodeFileSystem, file, 'engine-1');
    c.get('a0/asset.yaml', 'blob0');
    c.get('a2/asset.yaml', 'blob2');
    assert.equal(c.needsSave, true);
    await c.save(nodeFileSystem, nodePathOps);
    const again = await IndexCache.load(nodeFileSystem, file, 'engine-1');
    assert.equal(again.status, 'loaded');
    assert.equal(again.size, 2);
    again.get('a0/asset.yaml', 'blob0');
    again.get('a2/asset.yaml', 'blob2');
    assert.equal(again.needsSave, false, 'nothing changed, nothing to write');
  });

  it('is not changed by callers that mutate what it returned', async () => {
    const file = await saved(tempDir(), 1);
    const c = await IndexCache.load(nodeFileSystem, file, 'engine-1');
    const f = c.get('a0/asset.yaml', 'blob0')!;
    f.diagnostics.push({ ...f.diagnostics[0], code: 'schema', severity: 'error', message: 'added later', file: f.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
    await c.save(nodeFileSystem, nodePathOps);
    const again = await IndexCache.load(nodeFileSystem, file, 'engine-1');
    assert.equal(again.get('a0/asset.yaml', 'blob0')!.diagnostics.length, 0);
  });

  it('rebuilds on a checksum mismatch (one flipped byte) and says so', async () => {
    const file = await saved(tempDir(), 3);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"asset-manifest"', '"asset-manifesT"'));
    const log = recordingLog();
    const c = await IndexCache.load(nodeFileSystem, file, 'engine-1', log);
    assert.equal(c.status, 'rebuilt');
    assert.equal(c.size, 0);
    assert.match(log.warnings.join('\n'), /corrupt \(checksum mismatch\); it will be rebuilt/);
  });

  it('rebuilds a truncated file, garbage, a bad header, and a consistent file with a malformed entry', async () => {
    const dir = tempDir();
    const file = await saved(dir, 2);
    const good = readFileSync(file, 'utf8');
    const cases: [string, RegExp][] = [
      [good.slice(0, Math.floor(good.length / 2)), /checksum|count/],
      ['\u0000\u0001garbage', /truncated|header/],
      ['not json\n{}', /bad header/],
      ['{"format":"other"}\n', /not an index cache/],
    ];
    for (const [content, reason] of cases) {
      writeFileSync(file, content);
      const c = await IndexCache.load(nodeFileSystem, file, 'engine-1', recordingLog());
      assert.equal(c.status, 'rebuilt', content.slice(0, 20));
      assert.match(c.reason ?? '', reason);
    }
    // A self-consistent file (checksum recomputed) whose entry is not a ParsedFile of that path: a miss, never served.
    const { createHash } = await import('node:crypto');
    // The same for an entry whose ranges (a manifest's, stored as [line, character, line, character]) are not such.
    const stored = JSON.parse(good.split('\n')[1].split('\t')[1]) as { ranges: Record<string, unknown> };
    assert.deepEqual(stored.ranges.kind, [0, 0, 0, 4], 'ranges stored compactly');
    for (const entry of [
      { path: 'elsewhere', format: 'text' },
      { ...stored, ranges: { kind: [0, 0, 0] } },
      { ...stored, ranges: { kind: { start: { line: 0, character: 0 } } } },
    ]) {
      const body = `${JSON.stringify(['a0/asset.yaml', 'blob0'])}\t${JSON.stringify(entry)}\n`;
      const header = { format: 'genai-assets-index', version: indexCacheVersion, engine: 'engine-1', count: 1, checksum: createHash('sha256').update(body).digest('hex') };
      writeFileSync(file, `${JSON.stringify(header)}\n${body}`);
      const c = await IndexCache.load(nodeFileSystem, file, 'engine-1');
      assert.equal(c.status, 'loaded');
      assert.equal(c.get('a0/asset.yaml', 'blob0'), undefined, JSON.stringify(entry).slice(0, 80));
      assert.equal(c.needsSave, true);
    }
  });

  it('discards a cache written by another engine build or cache version quietly', async () => {
    const file = await saved(tempDir(), 2);
    const log = recordingLog();
    const c = await IndexCache.load(nodeFileSystem, file, 'engine-2', log);
    assert.equal(c.status, 'rebuilt');
    assert.equal(c.size, 0);
    assert.deepEqual(log.warnings, []);
    const text = readFileSync(file, 'utf8').replace(`"version":${indexCacheVersion}`, '"version":999');
    writeFileSync(file, text);
    assert.equal((await IndexCache.load(nodeFileSystem, file, 'engine-1')).status, 'rebuilt');
  });

  it('stores catalog-level entries compactly (catalog codec) and never mixes them with full entries', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'catalog.cache');
    const c = IndexCache.empty(file, 'engine-1', catalogCodec);
    const prompt = '---\nmodel: openai/gpt-4o\ninput:\n  schema:\n    topic: string, What to write about\n    tone?: string\n---\nWrite about {{topic}}.\n';
    const light = parseFile('p/x.prompt', enc.encode(prompt), undefined, 'catalog');
    delete light.samples;
    c.set('p/x.prompt', 'blob-x@catalog', light);
    c.set('p/asset.yaml', 'blob-m@catalog', parseFile('p/asset.yaml', enc.encode(manifest), undefined, 'catalog'));
    await c.save(nodeFileSystem, nodePathOps);
    const back = await IndexCache.load(nodeFileSystem, file, 'engine-1', undefined, catalogCodec);
    assert.equal(back.status, 'loaded');
    assert.deepEqual(back.get('p/x.prompt', 'blob-x@catalog'), light);
    assert.equal(back.get('p/x.prompt', 'blob-changed@catalog'), undefined, 'a changed blob is parsed again');
    assert.ok(readFileSync(file).length < JSON.stringify(parseFile('p/x.prompt', enc.encode(prompt))).length, 'smaller than one full entry');
    // Read with the other codec, the file is another cache: rebuilt quietly, never decoded wrongly.
    const log = recordingLog();
    const asFull = await IndexCache.load(nodeFileSystem, file, 'engine-1', log);
    assert.deepEqual([asFull.status, asFull.size, log.warnings], ['rebuilt', 0, []]);
  });

  it('reports a missing file as missing, and writes atomically (no temporary file left)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'index.cache');
    const c = await IndexCache.load(nodeFileSystem, file, 'e');
    assert.equal(c.status, 'missing');
    c.set('x.prompt', 'k', parseFile('x.prompt', enc.encode('hello')));
    await c.save(nodeFileSystem, nodePathOps);
    const names = (await nodeFileSystem.readDir(path.dirname(file))).map((e) => e.name);
    assert.deepEqual(names, ['index.cache']);
  });
});
