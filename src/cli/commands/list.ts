// genai-assets list: the catalog of a library, filtered by kind, status and tag.

import type { Asset, Catalog } from '../../core/library/types';
import type { CliIo } from '../io';
import { exitCodes } from '../io';

export const listHelp = `Usage: genai-assets list [--library DIR|URL] [--kind K] [--status S] [--tag T] [--json]

Lists the assets of a library (default: --library, else the libraries of genai-assets.yaml,
else the library around the current folder).

Options:
  --library DIR|URL  the library: a folder, or a git URL (cloned on first use)
  --kind K           prompt, eval, module or template
  --status S         draft, review, approved or deprecated
  --tag T            only assets with this tag
  --json             print { "assets": [ { id, kind, format, version, status, title, description, owners, tags, path, entry } ] }
  --sync             sync a git library before listing
  -h, --help         show this help
`;

export interface ListFilter {
  kind?: string;
  status?: string;
  tag?: string;
}

export function filterAssets(assets: readonly Asset[], f: ListFilter): Asset[] {
  return assets
    .filter((a) => (!f.kind || a.kind === f.kind) && (!f.status || a.status === f.status) && (!f.tag || a.tags.includes(f.tag)))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.path < b.path ? -1 : 1));
}

/** The JSON shape of one listed asset. */
export function listedAsset(a: Asset): Record<string, unknown> {
  return {
    id: a.id,
    kind: a.kind,
    format: a.format,
    version: a.version,
    status: a.status,
    title: a.title,
    description: a.description,
    owners: a.owners,
    tags: a.tags,
    path: a.path,
    entry: a.entry ?? null,
  };
}

export function runList(catalogs: Catalog[], filter: ListFilter, json: boolean, io: CliIo): number {
  const rows = catalogs.flatMap((c) => filterAssets(c.assets, filter).map((a) => ({ c, a })));
  if (json) {
    io.out(JSON.stringify({ assets: rows.map(({ a, c }) => (catalogs.length > 1 ? { library: c.library.name, ...listedAsset(a) } : listedAsset(a))) }, null, 2) + '\n');
    return exitCodes.clean;
  }
  if (!rows.length) {
    io.out('No assets match.\n');
    return exitCodes.clean;
  }
  const table = rows.map(({ a, c }) => [...(catalogs.length > 1 ? [c.library.name] : []), a.id, a.kind, a.version, a.status, a.format, a.path || '.']);
  const header = [...(catalogs.length > 1 ? ['LIBRARY'] : []), 'ID', 'KIND', 'VERSION', 'STATUS', 'FORMAT', 'PATH'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => (i === r.length - 1 ? s : s.padEnd(widths[i]))).join('  ');
  io.out([line(header), ...table.map(line)].join('\n') + `\n${rows.length} asset${rows.length === 1 ? '' : 's'}.\n`);
  return exitCodes.clean;
}
