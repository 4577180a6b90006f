import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CheckIndex } from '../../../../src/core/checks/checkIndex';
import type { Asset } from '../../../../src/core/library/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir, sampleLibrary } from '../../paths';

/** Everything an index answers, objects compared by identity. */
function answers(index: CheckIndex, assets: readonly Asset[]): unknown {
  const ids = [...index.ids()];
  const files = [...new Set(assets.flatMap((a) => [a.manifest, a.entryFile]).filter((p): p is string => !!p))];
  const place = (a: Asset | undefined) => (a ? assets.indexOf(a) : -1);
  return {
    ids,
    byId: ids.map((id) => index.byId.get(id)!.map(place)),
    referrers: ids.map((id) =>
      index
        .referrersOf(id)
        .map(place)
        .sort((a, b) => a - b),
    ),
    holding: files.map((f) => index.holding([f]).map(place)),
    resolved: assets.flatMap((a) => a.references.map((r) => place(index.resolve(r.ref).asset))),
  };
}

describe('core/checks/checkIndex', () => {
  for (const root of [path.join(fixturesDir, 'catalog', 'cross-asset-problems'), sampleLibrary]) {
    it(`follows assets replaced in place as a fresh index would (${path.basename(root)})`, async () => {
      const catalog = await openFolderLibrary(root);
      const assets = catalog.assets.slice();
      const index = new CheckIndex(assets);
      // Resolve everything once, so that replacing must forget what it changes.
      answers(index, assets);
      const replace = (i: number, next: Asset) => {
        const before = assets[i];
        assets[i] = next;
        index.replace([{ slot: i, before, after: next }]);
        assert.deepEqual(answers(index, assets), answers(new CheckIndex(assets), assets), `after replacing ${before.path}`);
      };
      for (let i = 0; i < assets.length; i++) {
        const a = assets[i];
        // A copy with new problem counts, then one with other references, another entry, another version, another id.
        replace(i, { ...a, problems: { errors: 9, warnings: 0, infos: 0 } });
        replace(i, { ...assets[i], references: a.references.slice(1) });
        replace(i, { ...assets[i], entryFile: a.entryFile ? undefined : a.manifest });
        replace(i, { ...assets[i], version: '99.0.0', status: 'approved' });
        replace(i, { ...assets[i], id: `${a.id}-renamed` });
        replace(i, a);
      }
    });
  }
});
