// genai-assets list: the text table (column widths, padding, count line) and the JSON, for one library and several.

import assert from 'node:assert/strict';
import { filterAssets } from '../../../../src/core/library/assetFilter';
import { listedAsset, runList } from '../../../../src/cli/commands/list';
import type { AssetFilter } from '../../../../src/core/library/assetFilter';
import type { CliIo } from '../../../../src/cli/io';
import type { Asset, AssetKind, AssetStatus, Catalog } from '../../../../src/core/library/types';
import { defaultPolicy } from '../../../../src/core/library/types';

function asset(id: string, kind: AssetKind, version: string, status: AssetStatus, format: Asset['format'], path: string, tags: string[] = []): Asset {
  return {
    id,
    kind,
    format,
    version,
    status,
    managed: true,
    title: id,
    description: '',
    owners: [],
    tags,
    path,
    files: [],
    inputs: [],
    references: [],
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
}

function catalog(name: string, assets: Asset[]): Catalog {
  return { root: `/${name}`, library: { name, policy: defaultPolicy, models: [], hasManifest: true }, assets, files: new Map(), diagnostics: [] };
}

function list(catalogs: Catalog[], filter: AssetFilter = {}, json = false): string {
  let out = '';
  const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: '/', env: {}, color: false };
  assert.equal(runList(catalogs, filter, json, io), 0);
  return out;
}

/** The table as the first implementation printed it (widths by Math.max over spreads, padEnd, join): the reference. */
function reference(catalogs: Catalog[], filter: AssetFilter): string {
  const rows = catalogs.flatMap((c) => filterAssets(c.assets, filter).map((a) => ({ c, a })));
  if (!rows.length) return 'No assets match.\n';
  const table = rows.map(({ a, c }) => [...(catalogs.length > 1 ? [c.library.name] : []), a.id, a.kind, a.version, a.status, a.format, a.path || '.']);
  const header = [...(catalogs.length > 1 ? ['LIBRARY'] : []), 'ID', 'KIND', 'VERSION', 'STATUS', 'FORMAT', 'PATH'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => (i === r.length - 1 ? s : s.padEnd(widths[i]))).join('  ');
  return [line(header), ...table.map(line)].join('\n') + `\n${rows.length} asset${rows.length === 1 ? '' : 's'}.\n`;
}

const main = catalog('main', [
  asset('b-prompt', 'prompt', '1.0.0', 'approved', 'dotprompt', 'prompts/b', ['x']),
  asset('a', 'eval', '10.2.3', 'draft', 'promptfoo', ''),
  asset('é-ünïcode-id', 'module', '0.1.0', 'review', 'asset-manifest', 'modules/é', ['x', 'y']),
  asset('a', 'prompt', '2.0.0', 'deprecated', 'prompty', 'other/a.prompty'),
]);
const second = catalog('a-much-longer-library-name', [asset('z', 'template', '3.0.0', 'approved', 'asset-manifest', 'templates/z', ['y'])]);

describe('cli/commands/list', () => {
  it('prints a table whose columns are as wide as their widest cell, sorted by id then path', () => {
    assert.equal(
      list([main]),
      [
        'ID            KIND    VERSION  STATUS      FORMAT          PATH',
        'a             eval    10.2.3   draft       promptfoo       .',
        'a             prompt  2.0.0    deprecated  prompty         other/a.prompty',
        'b-prompt      prompt  1.0.0    approved    dotprompt       prompts/b',
        'é-ünïcode-id  module  0.1.0    review      asset-manifest  modules/é',
        '4 assets.',
        '',
      ].join('\n'),
    );
  });

  it('prints the same bytes as the first implementation, for one library, several, and every filter', () => {
    const filters: AssetFilter[] = [{}, { kind: 'prompt' }, { status: 'approved' }, { tag: 'x' }, { tag: 'y' }, { kind: 'template' }, { tag: 'none' }, { kind: 'eval', status: 'draft' }];
    for (const catalogs of [[main], [second], [main, second], [second, main], [catalog('empty', [])]]) {
      for (const f of filters) assert.equal(list(catalogs, f), reference(catalogs, f), `${catalogs.map((c) => c.library.name).join('+')} ${JSON.stringify(f)}`);
    }
    assert.equal(list([second]), reference([second], {}));
    assert.match(list([second]), /\n1 asset\.\n$/);
    assert.equal(list([main], { tag: 'none' }), 'No assets match.\n');
  });

  it('prints the JSON contract, with the library when there are several', () => {
    const one = JSON.parse(list([main], { kind: 'prompt' }, true)) as { assets: Record<string, unknown>[] };
    assert.deepEqual(
      one.assets,
      filterAssets(main.assets, { kind: 'prompt' })
        .map(listedAsset)
        .map((a) => JSON.parse(JSON.stringify(a))),
    );
    const two = JSON.parse(list([main, second], { tag: 'y' }, true)) as { assets: Record<string, unknown>[] };
    assert.deepEqual(
      two.assets.map((a) => [a.library, a.id]),
      [
        ['main', 'é-ünïcode-id'],
        ['a-much-longer-library-name', 'z'],
      ],
    );
    assert.deepEqual(Object.keys(two.assets[0]), ['library', 'id', 'kind', 'format', 'version', 'status', 'title', 'description', 'owners', 'tags', 'path', 'entry']);
  });
});
