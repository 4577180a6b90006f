// genai-assets list: the catalog of a library, filtered by kind, status and tag.

import { filterAssets } from '../../core/library/assetFilter';
import type { AssetFilter } from '../../core/library/assetFilter';
import type { Asset, Catalog } from '../../core/library/types';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { defineCommand } from '../command';
import { commandLibraries } from '../libraries';
import { shownValue } from '../output';

export const listCommand = defineCommand({
  name: 'list',
  synopsis: 'list',
  summary: "list a library's assets",
  usage: 'list [--library DIR|URL] [--kind K] [--status S] [--tag T] [--json]',
  description: `Lists the assets of a library (default: --library, else the libraries of genai-assets.yaml,
else the library around the current folder).`,
  options: {
    library: { type: 'string', value: 'DIR|URL', help: 'the library: a folder, or a git URL (cloned on first use)' },
    kind: { type: 'string', value: 'K', help: 'prompt, eval, module or template', choices: ['prompt', 'eval', 'module', 'template'] },
    status: { type: 'string', value: 'S', help: 'draft, review, approved or deprecated', choices: ['draft', 'review', 'approved', 'deprecated'] },
    tag: { type: 'string', value: 'T', help: 'only assets with this tag' },
    json: { type: 'flag', help: 'print { "assets": [ { id, kind, format, version, status, title, description, owners, tags, path, entry } ] }' },
    sync: { type: 'flag', help: 'sync a git library before listing' },
  },
  async run({ options }, io) {
    // The list shows no diagnostics: read the catalog level only (no positions, no checks).
    const opened = await commandLibraries(options.library, { sync: options.sync, level: 'catalog' }, io);
    return runList(
      opened.map((o) => o.catalog),
      { kind: options.kind, status: options.status, tag: options.tag },
      options.json,
      io,
    );
  },
});

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

/**
 * Prints the listed assets: JSON, or a table whose columns are as wide as their widest cell
 * (two spaces between columns, the last one not padded) and a count.
 */
export function runList(catalogs: Catalog[], filter: AssetFilter, json: boolean, io: CliIo): number {
  const multi = catalogs.length > 1;
  let rows: Asset[] = [];
  /** The library of each row (several libraries only). */
  const libs: string[] = [];
  if (!multi) rows = catalogs.length ? filterAssets(catalogs[0].assets, filter) : [];
  else {
    for (const c of catalogs) {
      for (const a of filterAssets(c.assets, filter)) {
        rows.push(a);
        libs.push(c.library.name);
      }
    }
  }
  if (json) {
    io.out(JSON.stringify({ assets: rows.map((a, i) => (multi ? { library: libs[i], ...listedAsset(a) } : listedAsset(a))) }, null, 2) + '\n');
    return exitCodes.clean;
  }
  if (!rows.length) {
    io.out('No assets match.\n');
    return exitCodes.clean;
  }
  // The cells as shown: values from the library escaped (a file name holding a line break stays on its row), then measured.
  const cells = rows.map((a) => ({
    id: shownValue(a.id),
    kind: shownValue(a.kind),
    version: shownValue(a.version),
    status: shownValue(a.status),
    format: shownValue(a.format),
    path: shownValue(a.path || '.'),
  }));
  for (let r = 0; r < libs.length; r++) libs[r] = shownValue(libs[r]);
  // The columns: LIBRARY (several libraries only), ID, KIND, VERSION, STATUS, FORMAT, then PATH (not padded).
  const header = [...(multi ? ['LIBRARY'] : []), 'ID', 'KIND', 'VERSION', 'STATUS', 'FORMAT', 'PATH'];
  let lib = 7;
  let id = 2;
  let kind = 4;
  let version = 7;
  let status = 6;
  let format = 6;
  for (let r = 0; r < rows.length; r++) {
    const a = cells[r];
    if (multi && libs[r].length > lib) lib = libs[r].length;
    if (a.id.length > id) id = a.id.length;
    if (a.kind.length > kind) kind = a.kind.length;
    if (a.version.length > version) version = a.version.length;
    if (a.status.length > status) status = a.status.length;
    if (a.format.length > format) format = a.format.length;
  }
  // Each cell is followed by the spaces up to the next column: pad[w - length] with w = width + 2.
  const pad: string[] = [];
  for (let n = 0, max = Math.max(lib, id, kind, version, status, format) + 2; n <= max; n++) pad.push(' '.repeat(n));
  lib += 2;
  id += 2;
  kind += 2;
  version += 2;
  status += 2;
  format += 2;
  const parts = new Array<string>((multi ? 14 : 12) * (rows.length + 1) + 1);
  let k = 0;
  const widths = [...(multi ? [lib] : []), id, kind, version, status, format];
  for (let i = 0; i < widths.length; i++) {
    parts[k++] = header[i];
    parts[k++] = pad[widths[i] - header[i].length];
  }
  parts[k++] = 'PATH';
  parts[k++] = '\n';
  for (let r = 0; r < rows.length; r++) {
    const a = cells[r];
    if (multi) {
      parts[k++] = libs[r];
      parts[k++] = pad[lib - libs[r].length];
    }
    parts[k++] = a.id;
    parts[k++] = pad[id - a.id.length];
    parts[k++] = a.kind;
    parts[k++] = pad[kind - a.kind.length];
    parts[k++] = a.version;
    parts[k++] = pad[version - a.version.length];
    parts[k++] = a.status;
    parts[k++] = pad[status - a.status.length];
    parts[k++] = a.format;
    parts[k++] = pad[format - a.format.length];
    parts[k++] = a.path;
    parts[k++] = '\n';
  }
  parts[k++] = `${rows.length} asset${rows.length === 1 ? '' : 's'}.\n`;
  io.out(parts.join(''));
  return exitCodes.clean;
}
