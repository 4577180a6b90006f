// The one asset filter the Catalog view, `genai-assets list` and the MCP server's search_assets share, on the sample library.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { filterAssets, matchesAssetFilter } from '../../../../src/core/library/assetFilter';
import type { Catalog } from '../../../../src/core/library/types';
import { openFolder } from '../../../../src/app/openLibrary';

const sample = path.resolve(__dirname, '../../../../samples/library');

describe('core/library/assetFilter', () => {
  let catalog: Catalog;
  before(async () => {
    catalog = (await openFolder(sample, { level: 'catalog' })).catalog;
  });

  const ids = (f: Parameters<typeof filterAssets>[1]) => filterAssets(catalog.assets, f).map((a) => a.id);

  it('an empty filter keeps every asset, sorted by id then path', () => {
    const all = ids({});
    assert.equal(all.length, catalog.assets.length);
    assert.deepEqual(all, [...all].sort());
  });

  it('kind, status and tag select exactly; every text word must appear somewhere, ignoring case', () => {
    for (const a of catalog.assets) {
      assert.ok(ids({ kind: a.kind, status: a.status }).includes(a.id));
      for (const t of a.tags) assert.ok(ids({ tag: t }).includes(a.id));
      assert.ok(ids({ text: `${a.id.toUpperCase()}  ${a.kind}` }).includes(a.id), a.id);
    }
    const prompts = ids({ kind: 'prompt' });
    assert.ok(prompts.length > 0 && prompts.length < catalog.assets.length);
    assert.deepEqual(ids({ text: 'zz-no-such-word-zz' }), []);
    assert.deepEqual(ids({ tag: catalog.assets.find((a) => a.tags.length)!.tags[0].toUpperCase() + '-x' }), []);
  });

  it('owner matches part of an owner, ignoring case', () => {
    const withOwner = catalog.assets.find((a) => a.owners.length)!;
    const owner = withOwner.owners[0];
    assert.ok(matchesAssetFilter(withOwner, { owner: owner.slice(0, 4).toUpperCase() }));
    assert.ok(!matchesAssetFilter(withOwner, { owner: `${owner}-nobody` }));
  });
});
