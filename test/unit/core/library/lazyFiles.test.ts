import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { LazyFiles } from '../../../../src/core/library/lazyFiles';

const file = (path: string, version = 0): ParsedFile => ({ path, format: 'text', sha256: String(version), size: version, text: true, diagnostics: [], meta: {} });

/** A Map's whole state, in order: what any reader of a catalog's files can see. */
const seen = (m: Map<string, ParsedFile>) => ({
  size: m.size,
  keys: [...m.keys()],
  entries: [...m.entries()],
  values: [...m.values()],
  iterated: [...m],
  forEach: ((): [string, ParsedFile][] => {
    const out: [string, ParsedFile][] = [];
    m.forEach((v, k) => out.push([k, v]));
    return out;
  })(),
});

type Op = { op: 'get' | 'has' | 'delete'; path: string } | { op: 'set'; path: string; version: number } | { op: 'copy' } | { op: 'look' };

describe('LazyFiles', () => {
  it('reads as the Map of its decoded files, whatever is read, written or copied, and decodes each file once', () => {
    const pathArb: fc.Arbitrary<string> = fc.constantFrom('a', 'b', 'c/d', 'e', 'f', 'g');
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constantFrom('get' as const, 'has' as const, 'delete' as const), path: pathArb }),
      fc.record({ op: fc.constant('set' as const), path: pathArb, version: fc.integer({ min: 1, max: 9 }) }),
      fc.constant({ op: 'copy' as const }),
      fc.constant({ op: 'look' as const }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(pathArb), fc.array(opArb, { maxLength: 25 }), (paths, ops) => {
        const decoded = new Map<string, number>();
        const stored = new Map(paths.map((p) => [p, file(p)]));
        let lazy: Map<string, ParsedFile> = LazyFiles.of(paths, (p) => {
          decoded.set(p, (decoded.get(p) ?? 0) + 1);
          return stored.get(p);
        });
        let model = new Map(stored);
        for (const o of ops) {
          if (o.op === 'get') assert.equal(lazy.get(o.path), model.get(o.path));
          else if (o.op === 'has') assert.equal(lazy.has(o.path), model.has(o.path));
          else if (o.op === 'delete') assert.equal(lazy.delete(o.path), model.delete(o.path));
          else if (o.op === 'set') {
            const f = file(o.path, o.version);
            lazy.set(o.path, f);
            model.set(o.path, f);
          } else if (o.op === 'copy') {
            // A copy reads as the original did; edits of either leave the other as it was.
            const copy = (lazy as LazyFiles).copy();
            const copyModel = new Map(model);
            const added = file('new');
            copy.set('new', added);
            copyModel.set('new', added);
            copy.delete(paths[0] ?? 'none');
            copyModel.delete(paths[0] ?? 'none');
            assert.deepEqual(seen(copy), seen(copyModel));
            assert.deepEqual(seen(lazy), seen(model));
            lazy = (lazy as LazyFiles).copy();
            model = new Map(model);
          } else assert.deepEqual(seen(lazy), seen(model));
        }
        assert.deepEqual(seen(lazy), seen(model));
        for (const [p, n] of decoded) assert.equal(n, 1, `${p} decoded ${n} times`);
      }),
    );
  });

  it('decodes nothing until a file is read; a file that cannot be decoded is dropped when read', () => {
    const decoded: string[] = [];
    const files = LazyFiles.of(['a', 'broken', 'b'], (p) => (decoded.push(p), p === 'broken' ? undefined : file(p)));
    assert.equal(files.size, 3);
    assert.deepEqual([...files.keys()], ['a', 'broken', 'b']);
    assert.ok(files.has('broken'));
    assert.deepEqual(decoded, []);
    assert.equal(files.get('b')?.path, 'b');
    assert.deepEqual(decoded, ['b']);
    assert.deepEqual(
      [...files.values()].map((f) => f.path),
      ['a', 'b'],
    );
    assert.deepEqual(decoded, ['b', 'a', 'broken']);
    assert.equal(files.size, 2);
    assert.equal(files.has('broken'), false);
  });
});
