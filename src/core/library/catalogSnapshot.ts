// The catalog-level catalog of one commit, stored whole and compactly: reading a library again at the same commit costs one JSON parse.

import { createHash } from 'node:crypto';
import type { Range } from '../diagnostics';
import type { FormatId, InputDecl } from '../formats/types';
import type { FileSystem, PathOps } from '../ports';
import type { Asset, AssetKind, AssetReference, AssetStatus, Catalog, LibraryInfo, Reference } from './types';

const magic = 'genai-assets-catalog';
/** Bumped whenever the stored layout or the Asset shape changes. */
export const catalogSnapshotVersion = 2;
const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

interface Header {
  format: string;
  version: number;
  engine: string;
  commit: string;
  /** The name used when library.yaml gives none (part of the catalog). */
  fallbackName: string;
  /** Files the catalog was built from (reported as index cache hits). */
  files: number;
  checksum: string;
}

/** What a snapshot must match to be used. */
export interface SnapshotKey {
  engine: string;
  commit: string;
  fallbackName: string;
}

/**
 * An asset as a tuple (null: absent). Paths under the asset's own path are stored relative to
 * it; positions (all zero at the catalog level), the commit and the problem counts are left out
 * and restored on reading.
 */
type StoredAsset = [
  id: string,
  kind: AssetKind,
  format: FormatId,
  version: string,
  status: AssetStatus,
  managed: 0 | 1,
  title: string | null,
  description: string,
  owners: string[],
  tags: string[],
  path: string,
  files: string[],
  entry: string | null,
  entryFile: string | null,
  /** [name, type, required, description, default] (no fifth item: no default). */
  inputs: ([string, InputDecl['type'], 0 | 1, string | null] | [string, InputDecl['type'], 0 | 1, string | null, unknown])[],
  model: string | null,
  references: [AssetReference['field'], string, string, string | null, string | null][],
  manifest: string | null,
  rest: Pick<Asset, 'replacedBy' | 'approval' | 'parameters' | 'layout'> | null,
];

/** `p` relative to the asset's path when it lies under it ("./name"), else as it is. */
function rel(base: string, p: string): string {
  return base && p.startsWith(`${base}/`) ? `./${p.slice(base.length + 1)}` : p;
}

function unrel(base: string, p: string): string {
  return p.startsWith('./') ? `${base}/${p.slice(2)}` : p;
}

function orNull<T>(v: T | undefined): T | null {
  return v === undefined ? null : v;
}

function encodeAsset(a: Asset): StoredAsset {
  const rest: Pick<Asset, 'replacedBy' | 'approval' | 'parameters' | 'layout'> = {};
  if (a.replacedBy !== undefined) rest.replacedBy = a.replacedBy;
  if (a.approval !== undefined) rest.approval = a.approval;
  if (a.parameters !== undefined) rest.parameters = a.parameters;
  if (a.layout !== undefined) rest.layout = a.layout;
  return [
    a.id,
    a.kind,
    a.format,
    a.version,
    a.status,
    a.managed ? 1 : 0,
    a.title === a.id ? null : a.title,
    a.description,
    a.owners,
    a.tags,
    a.path,
    a.files.map((f) => rel(a.path, f)),
    orNull(a.entry),
    a.entryFile === undefined ? null : rel(a.path, a.entryFile),
    a.inputs.map((i) => (i.default === undefined ? [i.name, i.type, i.required ? 1 : 0, orNull(i.description)] : [i.name, i.type, i.required ? 1 : 0, orNull(i.description), i.default])),
    orNull(a.model),
    a.references.map((r) => [r.field, r.ref.raw, r.ref.id, orNull(r.ref.library), orNull(r.ref.range)]),
    a.manifest === undefined ? null : rel(a.path, a.manifest),
    Object.keys(rest).length ? rest : null,
  ];
}

function decodeAsset(s: StoredAsset, commit: string | undefined): Asset {
  const [id, kind, format, version, status, managed, title, description, owners, tags, path, files, entry, entryFile, inputs, model, references, manifest, rest] = s;
  const a: Asset = {
    id,
    kind,
    format,
    version,
    status,
    managed: managed === 1,
    title: title ?? id,
    description,
    owners,
    tags,
    path,
    files: files.map((f) => unrel(path, f)),
    inputs: inputs.map((t) => {
      const i: InputDecl = { name: t[0], type: t[1], required: t[2] === 1, range: zero };
      if (t[3] !== null) i.description = t[3];
      if (t.length === 5) i.default = t[4];
      return i;
    }),
    references: references.map(([field, raw, refId, library, range]) => {
      const ref: Reference = { raw, id: refId };
      if (library !== null) ref.library = library;
      if (range !== null) ref.range = range;
      return { field, ref, rangeInManifest: zero };
    }),
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
  if (entry !== null) a.entry = entry;
  if (entryFile !== null) a.entryFile = unrel(path, entryFile);
  if (model !== null) a.model = model;
  if (manifest !== null) a.manifest = unrel(path, manifest);
  if (rest) Object.assign(a, rest);
  if (commit) a.commit = commit;
  return a;
}

/** Corruption check of the body (not a security measure): sha1 of its bytes. */
function checksum(bytes: Uint8Array | string): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * Writes the catalog of a catalog-level load (Catalog.level 'catalog') for its commit, through a
 * temporary file and a rename.
 */
export async function saveCatalogSnapshot(fs: FileSystem, path: PathOps, file: string, catalog: Catalog, key: SnapshotKey, fileCount = catalog.files.size): Promise<void> {
  const body = Buffer.from(JSON.stringify({ library: catalog.library, assets: catalog.assets.map(encodeAsset) }), 'utf8');
  const header: Header = { format: magic, version: catalogSnapshotVersion, ...key, files: fileCount, checksum: checksum(body) };
  await fs.mkdir(path.dirname(file));
  const temp = `${file}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await fs.writeFile(temp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), body]));
    await fs.rename(temp, file);
  } catch (e) {
    await fs.remove(temp).catch(() => undefined);
    throw e;
  }
}

/**
 * The stored catalog when it was written for `key` (same engine build, commit and fallback
 * name) and checks out; undefined otherwise (missing, stale or corrupt: the caller loads the
 * library instead). With `anyCommit`, a snapshot of another commit is returned too (its
 * `catalog.commit` says which), as the base of an update. The catalog has level 'catalog', no
 * diagnostics and an empty `files` map.
 */
export async function loadCatalogSnapshot(
  fs: FileSystem,
  file: string,
  root: string,
  key: SnapshotKey,
  opts: { anyCommit?: boolean } = {},
): Promise<{ catalog: Catalog; files: number } | undefined> {
  let bytes: Uint8Array;
  try {
    if (!(await fs.stat(file))) return undefined;
    bytes = await fs.readFile(file);
  } catch {
    return undefined;
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const header = JSON.parse(decoder.decode(bytes.subarray(0, nl))) as Header;
    if (header?.format !== magic || header.version !== catalogSnapshotVersion) return undefined;
    if (header.engine !== key.engine || (header.commit !== key.commit && !opts.anyCommit) || header.fallbackName !== key.fallbackName) return undefined;
    const bodyBytes = bytes.subarray(nl + 1);
    if (checksum(bodyBytes) !== header.checksum) return undefined;
    const body = JSON.parse(decoder.decode(bodyBytes)) as { library: LibraryInfo; assets: StoredAsset[] };
    if (!body || !Array.isArray(body.assets) || !body.library || typeof body.library.name !== 'string') return undefined;
    const assets = body.assets.map((s) => decodeAsset(s, header.commit || undefined));
    const catalog: Catalog = { root, library: body.library, assets, files: new Map(), diagnostics: [], commit: header.commit, level: 'catalog' };
    return { catalog, files: header.files };
  } catch {
    return undefined;
  }
}
