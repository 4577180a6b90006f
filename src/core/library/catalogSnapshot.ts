// The catalog-level catalog of one commit, stored whole and compactly: a string table and a list of small integers, read back in a few native calls.

import { createHash } from 'node:crypto';
import type { InputDecl } from '../formats/types';
import type { FileSystem, PathOps } from '../ports';
import type { Asset, AssetReference, Catalog, LibraryInfo, Reference } from './types';
import { emptyRange } from '../text/textDocument';

const magic = 'genai-assets-catalog';
/** Bumped whenever the stored layout, the Asset shape or the LibraryInfo shape changes (5: policy.requireApproval). */
export const catalogSnapshotVersion = 5;
/** The first line of a delta record appended to a snapshot. */
const deltaMagic = 'genai-assets-catalog-delta';
/** A snapshot is written whole again (compacted) rather than given another delta once it holds this many... */
const maxDeltas = 16;
/** ...or once its deltas would hold more bytes than this share of its base. */
const maxDeltaShare = 0.25;
/** The position of everything read back (frozen: it is shared). */
/** The integers are stored little-endian; a big-endian machine swaps them on the way in and out. */
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function swapBytes(n: Uint32Array): void {
  for (let i = 0; i < n.length; i++) {
    const v = n[i];
    n[i] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  }
}

interface Header {
  format: string;
  version: number;
  engine: string;
  commit: string;
  /** The name used when library.yaml gives none (part of the catalog). */
  fallbackName: string;
  /** Files the catalog was built from (reported as index cache hits). */
  files: number;
  /** sha1 of the body. */
  checksum: string;
  /** How the string table is stored: `latin1` when every character is below U+0100, else `utf16le` (both lossless). */
  encoding: 'latin1' | 'utf16le';
  /** The character code that separates the strings of the table (one that none of them holds). */
  separator: number;
  /** Number of strings in the table. */
  strings: number;
  /** Byte length of the string table; the integers follow it (4 bytes each, little-endian). */
  stringBytes: number;
  /** Number of integers. */
  ints: number;
}

/** What a snapshot must match to be used. */
export interface SnapshotKey {
  engine: string;
  commit: string;
  fallbackName: string;
}

/*
 * Body layout: the string table, then the integers.
 *
 * String table: strings joined by `separator`; string 0 is the JSON of the LibraryInfo. Every
 * other distinct string is stored once (kinds, formats, owners, tags, file names...). In the
 * integers, a string is its index in the table, and 0 stands for absent (null/undefined).
 *
 * Integers:
 *   lists of strings (owners and tags): their number, then for each its length and strings;
 *   inputs: their number, then [name, type, required (0/1), description, default (JSON, or 0)]
 *     each; lists of inputs: their number, then for each its length and inputs (by number);
 *   then per asset: id, kind, format, version, status, managed (0/1), title (0: same as id),
 *     description, path, entry, entryFile*, model, manifest*, rest (JSON of replacedBy,
 *     approval, parameters and layout, or 0), owners and tags (lists of strings), inputs (list
 *     of inputs), files*: count, then each; references: count, then [field, raw, id, library,
 *     range] each.
 * Each distinct input and list is stored once, and read back once: the assets that have the same
 * owners, tags or inputs share one frozen array (of frozen inputs). Paths marked * are stored relative
 * to the asset's path when they lie under it ("./name"), so that names like ./asset.yaml are one
 * shared string. Positions (all zero at the catalog level), the commit and the problem counts
 * are left out and restored on reading.
 */

/** `p` relative to the asset's path when it lies under it ("./name"), else as it is. */
function rel(base: string, p: string): string {
  return base && p.startsWith(`${base}/`) ? `./${p.slice(base.length + 1)}` : p;
}

/** Interns strings into the table being written. */
class StringTable {
  readonly list: string[];
  private readonly index = new Map<string, number>();
  constructor(first: string) {
    this.list = [first];
  }
  /** Index of `s` (0 for undefined/null). */
  ref(s: string | null | undefined): number {
    if (s === undefined || s === null) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
  json(v: unknown): number {
    return v === undefined ? 0 : this.ref(JSON.stringify(v));
  }
  /** Index of a new entry for `s`, without looking for an equal one (strings of one asset: id, title, description, path). */
  add(s: string): number {
    this.list.push(s);
    return this.list.length - 1;
  }
}

/** Interns lists of integers into a section of the integers. */
class ListTable {
  /** The section: each list's length, then its integers. */
  readonly ints: number[] = [];
  count = 0;
  private readonly index = new Map<string, number>();
  /** Numbers of lists by the object they were made from (a catalog read back from a snapshot shares its lists between assets). */
  private readonly byObject = new Map<object, number>();
  /** Number of the list made from `source` by `items` (computed only for a source not seen before). */
  refOf<T extends object>(source: T, items: (source: T) => number[]): number {
    let i = this.byObject.get(source);
    if (i === undefined) this.byObject.set(source, (i = this.ref(items(source))));
    return i;
  }
  /** Number of the list `items`. */
  ref(items: number[]): number {
    const key = items.join(',');
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.count++;
      this.ints.push(items.length);
      for (const x of items) this.ints.push(x);
      this.index.set(key, i);
    }
    return i;
  }
}

function encodeAsset(a: Asset, t: StringTable, stringLists: ListTable, inputs: ListTable, inputLists: ListTable, out: number[]): void {
  const rest: Pick<Asset, 'replacedBy' | 'approval' | 'parameters' | 'layout'> = {};
  if (a.replacedBy !== undefined) rest.replacedBy = a.replacedBy;
  if (a.approval !== undefined) rest.approval = a.approval;
  if (a.parameters !== undefined) rest.parameters = a.parameters;
  if (a.layout !== undefined) rest.layout = a.layout;
  out.push(
    t.add(a.id),
    t.ref(a.kind),
    t.ref(a.format),
    t.ref(a.version),
    t.ref(a.status),
    a.managed ? 1 : 0,
    a.title === a.id ? 0 : t.add(a.title),
    a.description ? t.add(a.description) : t.ref(a.description),
    t.add(a.path),
    t.ref(a.entry),
    a.entryFile === undefined ? 0 : t.ref(rel(a.path, a.entryFile)),
    t.ref(a.model),
    a.manifest === undefined ? 0 : t.ref(rel(a.path, a.manifest)),
    Object.keys(rest).length ? t.json(rest) : 0,
    stringLists.refOf(a.owners, (l) => l.map((o) => t.ref(o))),
    stringLists.refOf(a.tags, (l) => l.map((g) => t.ref(g))),
    inputLists.refOf(a.inputs, (l) => l.map((i) => inputs.refOf(i, (x) => [t.ref(x.name), t.ref(x.type), x.required ? 1 : 0, t.ref(x.description), t.json(x.default)]))),
  );
  out.push(a.files.length);
  for (const f of a.files) out.push(t.ref(rel(a.path, f)));
  out.push(a.references.length);
  for (const r of a.references) out.push(t.ref(r.field), t.ref(r.ref.raw), t.ref(r.ref.id), t.ref(r.ref.library), t.ref(r.ref.range));
}

/*
 * Reading back allocates as little as it can (a 10,000-asset catalog is read on every `list`):
 * each object is built by one literal holding all its properties (a property added later costs
 * an extra backing store), a file path is one concatenation of the asset's path and a "/name"
 * made once per name, and the entry and manifest paths are the same strings as in `files`.
 */

/** The empty lists of the assets read back share one frozen array (nothing changes an asset's lists once it is built). */
const none: never[] = Object.freeze([]) as unknown as never[];

/** Reads the assets back from the table `s` and the integers `n`; undefined when they do not add up. */
function decodeAssets(s: string[], n: Uint32Array, commit: string | undefined): Asset[] | undefined {
  const size = s.length;
  const len = n.length;
  const str = (i: number): string => {
    if (i > 0 && i < size) return s[i];
    throw new RangeError('string index out of range');
  };
  /** "/name" for a stored "./name", made once per table entry. */
  const suffixes = new Array<string | undefined>(size);
  const file = (base: string, i: number): string => {
    const f = str(i);
    if (f.charCodeAt(0) !== 46 || f.charCodeAt(1) !== 47) return f;
    return base + (suffixes[i] ??= f.slice(1));
  };
  /** A path of an asset (its table entry `i`): the string of its `files` (stored from `at` on) when it is one of them. */
  const own = (base: string, i: number, files: string[], at: number): string => {
    for (let k = 0; k < files.length; k++) if (n[at + k] === i) return files[k];
    return file(base, i);
  };
  let p = 0;
  /** A section of lists: their count, then each list's length and item numbers; each list read once and shared (frozen). */
  const readLists = <T>(item: (i: number) => T): T[][] | undefined => {
    const count = n[p++];
    if (!(count <= len - p)) return undefined;
    const lists = new Array<T[]>(count);
    for (let l = 0; l < count; l++) {
      const size = n[p++];
      if (!(size <= len - p)) return undefined;
      if (size === 0) lists[l] = none;
      else {
        const list = new Array<T>(size);
        for (let k = 0; k < size; k++) list[k] = item(n[p + k]);
        lists[l] = Object.freeze(list) as T[];
        p += size;
      }
    }
    return lists;
  };
  // The lists of strings, the inputs and the lists of inputs.
  const stringLists = readLists(str);
  if (!stringLists) return undefined;
  const inputCount = n[p++];
  if (!(inputCount * 5 <= len - p)) return undefined;
  const inputs = new Array<InputDecl>(inputCount);
  for (let k = 0; k < inputCount; k++, p += 5) {
    const name = str(n[p]);
    const type = str(n[p + 1]) as InputDecl['type'];
    const required = n[p + 2] === 1;
    const desc = n[p + 3];
    const dflt = n[p + 4];
    // One literal each (a property added afterwards costs a backing store).
    if (desc !== 0 && dflt !== 0) inputs[k] = Object.freeze({ name, type, required, range: emptyRange, description: str(desc), default: JSON.parse(str(dflt)) as unknown });
    else if (desc !== 0) inputs[k] = Object.freeze({ name, type, required, range: emptyRange, description: str(desc) });
    else if (dflt !== 0) inputs[k] = Object.freeze({ name, type, required, range: emptyRange, default: JSON.parse(str(dflt)) as unknown });
    else inputs[k] = Object.freeze({ name, type, required, range: emptyRange });
  }
  const inputLists = readLists((i) => {
    const input = inputs[i];
    if (input === undefined) throw new RangeError('input index out of range');
    return input;
  });
  if (!inputLists) return undefined;
  const assets: Asset[] = [];
  while (p < len) {
    if (p + 19 > len) return undefined;
    const id = str(n[p]);
    const kind = str(n[p + 1]) as Asset['kind'];
    const format = str(n[p + 2]) as Asset['format'];
    const version = str(n[p + 3]);
    const status = str(n[p + 4]) as Asset['status'];
    const managed = n[p + 5] === 1;
    const title = n[p + 6] === 0 ? id : str(n[p + 6]);
    const description = str(n[p + 7]);
    const path = str(n[p + 8]);
    const entry = n[p + 9];
    const entryFile = n[p + 10];
    const model = n[p + 11];
    const manifest = n[p + 12];
    const rest = n[p + 13];
    const owners = stringLists[n[p + 14]];
    const tags = stringLists[n[p + 15]];
    const assetInputs = inputLists[n[p + 16]];
    if (owners === undefined || tags === undefined || assetInputs === undefined) return undefined;
    p += 17;
    let count = n[p++];
    if (!(count <= len - p)) return undefined;
    const fileStart = p;
    let files: string[] = none;
    if (count > 0) {
      files = new Array<string>(count);
      for (let k = 0; k < count; k++) files[k] = file(path, n[p + k]);
      p += count;
    }
    count = n[p++];
    if (!(count * 5 <= len - p)) return undefined;
    let references: AssetReference[] = none;
    if (count > 0) {
      references = new Array<AssetReference>(count);
      for (let k = 0; k < count; k++, p += 5) {
        const raw = str(n[p + 1]);
        const refId = str(n[p + 2]);
        const library = n[p + 3];
        const range = n[p + 4];
        let ref: Reference;
        if (library !== 0 && range !== 0) ref = { raw, id: refId, library: str(library), range: str(range) };
        else if (range !== 0) ref = { raw, id: refId, range: str(range) };
        else if (library !== 0) ref = { raw, id: refId, library: str(library) };
        else ref = { raw, id: refId };
        references[k] = { field: str(n[p]) as AssetReference['field'], ref, rangeInManifest: emptyRange };
      }
    }
    const problems = { errors: 0, warnings: 0, infos: 0 };
    if (entry !== 0 && entryFile !== 0 && model !== 0 && manifest !== 0 && rest === 0 && commit) {
      // The usual managed asset: every property in one literal.
      const entryPath = own(path, entryFile, files, fileStart);
      const manifestPath = own(path, manifest, files, fileStart);
      assets.push({
        id,
        kind,
        format,
        version,
        status,
        managed,
        title,
        description,
        owners,
        tags,
        path,
        files,
        inputs: assetInputs,
        references,
        problems,
        entry: str(entry),
        entryFile: entryPath,
        model: str(model),
        manifest: manifestPath,
        commit,
      });
      continue;
    }
    const a: Asset = { id, kind, format, version, status, managed, title, description, owners, tags, path, files, inputs: assetInputs, references, problems };
    if (entry !== 0) a.entry = str(entry);
    if (entryFile !== 0) a.entryFile = own(path, entryFile, files, fileStart);
    if (model !== 0) a.model = str(model);
    if (manifest !== 0) a.manifest = own(path, manifest, files, fileStart);
    if (rest !== 0) Object.assign(a, JSON.parse(str(rest)) as object);
    if (commit) a.commit = commit;
    assets.push(a);
  }
  return assets;
}

/** A character code none of `strings` holds, below `limit`; -1 when there is none. */
function freeCharCode(strings: string[], limit: number): number {
  for (let c = 0; c < limit; c++) {
    const ch = String.fromCharCode(c);
    if (!strings.some((s) => s.includes(ch))) return c;
  }
  return -1;
}

/** Corruption check of the body (not a security measure): sha1 of its bytes. */
function checksum(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** How a body (string table and integers) is laid out. */
type Layout = Pick<Header, 'encoding' | 'separator' | 'strings' | 'stringBytes' | 'ints'>;

/** The body (string table and integers) of a library and assets, and the header fields that describe it. */
function encodeBody(library: LibraryInfo, assetList: readonly Asset[]): { body: Buffer; layout: Layout } {
  const table = new StringTable(JSON.stringify(library));
  const stringLists = new ListTable();
  const inputs = new ListTable();
  const inputLists = new ListTable();
  const assetInts: number[] = [];
  for (const a of assetList) encodeAsset(a, table, stringLists, inputs, inputLists, assetInts);
  // An input is a list of 5 integers without its length.
  const inputInts = inputs.ints.filter((_, i) => i % 6 !== 0);
  // One typed array, filled section by section (Array.prototype.flat is slow on long arrays).
  const sections: (number | number[])[] = [stringLists.count, stringLists.ints, inputs.count, inputInts, inputLists.count, inputLists.ints, assetInts];
  let total = 0;
  for (const x of sections) total += typeof x === 'number' ? 1 : x.length;
  const numbers = new Uint32Array(total);
  let at = 0;
  for (const x of sections) {
    if (typeof x === 'number') numbers[at++] = x;
    else for (let i = 0; i < x.length; i++) numbers[at++] = x[i];
  }
  const strings = table.list;
  // The strings joined by NUL, unless one of them holds a NUL (the text then holds more than the separators).
  const nul = String.fromCharCode(0);
  let joined = strings.join(nul);
  let nuls = 0;
  for (let i = joined.indexOf(nul); i >= 0; i = joined.indexOf(nul, i + 1)) nuls++;
  let encoding: Header['encoding'] = /[^\x00-\xff]/.test(joined) ? 'utf16le' : 'latin1';
  let separator = 0;
  if (nuls !== strings.length - 1) {
    separator = encoding === 'latin1' ? freeCharCode(strings, 0x100) : -1;
    if (separator < 0) {
      encoding = 'utf16le';
      separator = freeCharCode(strings, 0x10000);
    }
    if (separator < 0) throw new Error('the catalog uses every character code; it cannot be stored as a snapshot');
    joined = strings.join(String.fromCharCode(separator));
  }
  const text = Buffer.from(joined, encoding);
  if (!littleEndian) swapBytes(numbers);
  return { body: Buffer.concat([text, new Uint8Array(numbers.buffer)]), layout: { encoding, separator, strings: strings.length, stringBytes: text.length, ints: numbers.length } };
}

/** True when `l` describes a body of exactly `bytes` bytes. */
function layoutFits(l: Layout, bytes: number): boolean {
  const { stringBytes, ints, strings, separator } = l;
  if (![stringBytes, ints, strings, separator].every((v) => Number.isSafeInteger(v) && v >= 0) || (l.encoding !== 'latin1' && l.encoding !== 'utf16le')) return false;
  return bytes === stringBytes + 4 * ints;
}

/** The library and assets of a body laid out as `l`; undefined when they do not add up. */
function decodeBody(l: Layout, body: Uint8Array, commit: string | undefined): { library: LibraryInfo; assets: Asset[] } | undefined {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const strings = buf.toString(l.encoding, 0, l.stringBytes).split(String.fromCharCode(l.separator));
  if (strings.length !== l.strings) return undefined;
  // Copied out: a Uint32Array view needs 4-byte alignment, which the body has no reason to have.
  const ints = new Uint32Array(l.ints);
  new Uint8Array(ints.buffer).set(body.subarray(l.stringBytes));
  if (!littleEndian) swapBytes(ints);
  const library = JSON.parse(strings[0]) as LibraryInfo;
  if (!library || typeof library.name !== 'string') return undefined;
  const assets = decodeAssets(strings, ints, commit);
  return assets && { library, assets };
}

/**
 * The order of a catalog-level catalog's assets: managed assets by manifest path, then unmanaged
 * ones by path (the order a load builds them in).
 */
export function compareAssets(a: Asset, b: Asset): number {
  if (a.managed !== b.managed) return a.managed ? -1 : 1;
  const x = a.managed ? (a.manifest ?? '') : a.path;
  const y = b.managed ? (b.manifest ?? '') : b.path;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Writes the catalog of a catalog-level load (Catalog.level 'catalog') for its commit, through a
 * temporary file and a rename.
 */
export async function saveCatalogSnapshot(fs: FileSystem, path: PathOps, file: string, catalog: Catalog, key: SnapshotKey, fileCount = catalog.files.size): Promise<void> {
  const { body, layout } = encodeBody(catalog.library, catalog.assets);
  const header: Header = { format: magic, version: catalogSnapshotVersion, ...key, files: fileCount, checksum: checksum(body), ...layout };
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

/*
 * Deltas. A catalog updated from the previous commit's (updateCatalog) is not written whole: a
 * delta record is appended to the snapshot file instead, saying which assets of the previous
 * commit go and which come. A record is
 *
 *   {"format":"genai-assets-catalog-delta","bytes":N,"checksum":sha1 of the N bytes}\n
 *   N bytes: {"from","commit","engine","fallbackName","files","dropManaged","dropLoose",
 *             encoding, separator, strings, stringBytes, ints}\n + a body (as the base's)
 *
 * Applying one gives the previous catalog without the dropped assets and with the new ones, in
 * catalog order (compareAssets): the catalog updateCatalog built, asset for asset.
 *
 * A reader applies the records in order as long as each checks out and starts from the commit the
 * one before ends at; it ignores the rest of the file. A torn append (a crash midway) or a record
 * another process appended from another commit thus never makes a wrong catalog: the catalog read
 * is that of the last record applied, its commit says which, and the caller updates it from there.
 * Such a file is written whole at the next update, and so is one whose deltas grow past a share of
 * its base (compaction).
 */

/** The description of a delta record (the first line of its payload). */
interface DeltaMeta extends Layout {
  from: string;
  commit: string;
  engine: string;
  fallbackName: string;
  files: number;
  /** Paths of the managed and unmanaged assets of `from` that the new commit does not keep as they are. */
  dropManaged: string[];
  dropLoose: string[];
}

/** How a snapshot file was read: what a writer needs to append the next delta to it. */
export interface SnapshotFileInfo {
  /** Bytes of the base (its header line and body). */
  baseBytes: number;
  /** Delta records applied, and their bytes. */
  deltas: number;
  deltaBytes: number;
  /** False when bytes follow the last record applied (a torn append, or a record from another commit). */
  clean: boolean;
}

/** A change from the catalog of commit `from` (as read from the snapshot) to the catalog of the key's commit. */
export interface CatalogChange {
  from: string;
  /** How the snapshot of `from` was read (loadCatalogSnapshot). */
  read: SnapshotFileInfo;
  /** The new commit's catalog. */
  catalog: Catalog;
  /** Assets of `from` it no longer has as they were. */
  dropped: readonly Asset[];
  /** Its assets that `from` did not have (built anew). */
  fresh: readonly Asset[];
}

/**
 * Stores the catalog of `change`: as a delta appended to the snapshot it was updated from when
 * that file can take one (read cleanly, few and small deltas, and a file system that appends),
 * else whole (saveCatalogSnapshot). Says which.
 */
export async function saveCatalogChange(fs: FileSystem, path: PathOps, file: string, change: CatalogChange, key: SnapshotKey, fileCount: number): Promise<'appended' | 'written'> {
  const { read } = change;
  if (fs.appendFile && read.clean && read.deltas < maxDeltas) {
    const { body, layout } = encodeBody(change.catalog.library, change.fresh);
    const dropManaged: string[] = [];
    const dropLoose: string[] = [];
    for (const a of change.dropped) (a.managed ? dropManaged : dropLoose).push(a.path);
    const meta: DeltaMeta = { from: change.from, ...key, files: fileCount, dropManaged, dropLoose, ...layout };
    const payload = Buffer.concat([Buffer.from(`${JSON.stringify(meta)}\n`, 'utf8'), body]);
    const record = Buffer.concat([Buffer.from(`${JSON.stringify({ format: deltaMagic, bytes: payload.length, checksum: checksum(payload) })}\n`, 'utf8'), payload]);
    if (read.deltaBytes + record.length <= read.baseBytes * maxDeltaShare) {
      try {
        await fs.appendFile(file, record);
        return 'appended';
      } catch {
        // Gone meanwhile, or not writable in place: written whole below.
      }
    }
  }
  await saveCatalogSnapshot(fs, path, file, change.catalog, key, fileCount);
  return 'written';
}

/** The header, when the file starts with one of this version that matches `key` (any commit) and holds its body. */
function readHeader(bytes: Uint8Array, nl: number, key: SnapshotKey): Header | undefined {
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, nl))) as Header;
  if (header?.format !== magic || header.version !== catalogSnapshotVersion) return undefined;
  if (header.engine !== key.engine || typeof header.commit !== 'string' || header.fallbackName !== key.fallbackName) return undefined;
  const end = nl + 1 + header.stringBytes + 4 * header.ints;
  if (!(end <= bytes.length) || !layoutFits(header, end - nl - 1)) return undefined;
  return header;
}

/** The delta record at `at` when it checks out and continues from `commit`; undefined otherwise. */
function readDelta(bytes: Uint8Array, at: number, commit: string, header: Header): { meta: DeltaMeta; body: Uint8Array; end: number } | undefined {
  try {
    const nl = bytes.indexOf(10, at);
    if (nl < 0) return undefined;
    const head = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(at, nl))) as { format?: unknown; bytes?: unknown; checksum?: unknown };
    if (head?.format !== deltaMagic || !Number.isSafeInteger(head.bytes) || typeof head.checksum !== 'string') return undefined;
    const end = nl + 1 + (head.bytes as number);
    if (!(end <= bytes.length) || (head.bytes as number) < 0) return undefined;
    const payload = bytes.subarray(nl + 1, end);
    if (checksum(payload) !== head.checksum) return undefined;
    const mnl = payload.indexOf(10);
    if (mnl < 0) return undefined;
    const meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(0, mnl))) as DeltaMeta;
    if (!meta || meta.from !== commit || typeof meta.commit !== 'string' || meta.engine !== header.engine || meta.fallbackName !== header.fallbackName) return undefined;
    if (!Number.isSafeInteger(meta.files) || ![meta.dropManaged, meta.dropLoose].every((l) => Array.isArray(l) && l.every((p) => typeof p === 'string'))) return undefined;
    if (!layoutFits(meta, payload.length - mnl - 1)) return undefined;
    return { meta, body: payload.subarray(mnl + 1), end };
  } catch {
    return undefined;
  }
}

/** The options of openCatalogSnapshot and loadCatalogSnapshot. */
export interface SnapshotReadOptions {
  /** Also a snapshot of another commit than the key's (its `commit` says which), as the base of an update. */
  anyCommit?: boolean;
  /**
   * The commit the assets are given (default: the snapshot's, as `catalog.commit` says): a caller
   * that updates the catalog of another commit to this one then keeps the unchanged assets as they are.
   */
  assetCommit?: string;
}

/** A snapshot file that checks out, read but not decoded yet (see openCatalogSnapshot). */
export interface OpenedSnapshot {
  /** The commit of the catalog it holds (that of its last delta applied). */
  commit: string;
  /** Files the catalog was built from (reported as index cache hits). */
  files: number;
  file: SnapshotFileInfo;
  /** The catalog (level 'catalog', no diagnostics, empty `files`); undefined when its base does not add up. */
  decode(): Catalog | undefined;
}

/** decodeBody, with undefined for a body that throws (an index out of range). */
function tryDecodeBody(l: Layout, body: Uint8Array, commit: string | undefined): ReturnType<typeof decodeBody> {
  try {
    return decodeBody(l, body, commit);
  } catch {
    return undefined;
  }
}

/**
 * Reads the snapshot file and checks it (header, checksums, the chain of deltas) without decoding
 * its base yet: a caller learns the commit it holds first (e.g. to start `git diff-tree` from it
 * while the base is decoded). Undefined when it was not written for `key` (same engine build,
 * commit unless `anyCommit`, fallback name) or does not check out.
 */
export async function openCatalogSnapshot(fs: FileSystem, file: string, root: string, key: SnapshotKey, opts: SnapshotReadOptions = {}): Promise<OpenedSnapshot | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return undefined; // missing (or unreadable): the caller loads the library
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const header = readHeader(bytes, nl, key);
    if (!header) return undefined;
    const baseEnd = nl + 1 + header.stringBytes + 4 * header.ints;
    const body = bytes.subarray(nl + 1, baseEnd);
    if (checksum(body) !== header.checksum) return undefined;
    // The deltas that follow the base, each from the commit the one before ends at.
    let deltas: { meta: DeltaMeta; body: Uint8Array; end: number }[] = [];
    for (let at = baseEnd, commit = header.commit; ;) {
      const d = at < bytes.length ? readDelta(bytes, at, commit, header) : undefined;
      if (!d) break;
      deltas.push(d);
      at = d.end;
      commit = d.meta.commit;
    }
    // The deltas are decoded now (they are small), with the commit of the last one; one that does not add up ends the chain before it.
    for (;;) {
      const commit = deltas.length ? deltas[deltas.length - 1].meta.commit : header.commit;
      if (commit !== key.commit && !opts.anyCommit) return undefined;
      const assetCommit = opts.assetCommit ?? (commit || undefined);
      const parts = deltas.map((d) => tryDecodeBody(d.meta, d.body, assetCommit));
      const bad = parts.findIndex((p) => !p);
      if (bad >= 0) {
        deltas = deltas.slice(0, bad);
        continue;
      }
      const end = deltas.length ? deltas[deltas.length - 1].end : baseEnd;
      const decode = (): Catalog | undefined => {
        const base = tryDecodeBody(header, body, assetCommit);
        if (!base) return undefined;
        let assets = base.assets;
        for (let i = 0; i < deltas.length; i++) {
          const drop = { managed: new Set(deltas[i].meta.dropManaged), loose: new Set(deltas[i].meta.dropLoose) };
          const kept = assets.filter((a) => !(a.managed ? drop.managed : drop.loose).has(a.path));
          assets = kept.concat(parts[i]!.assets).sort(compareAssets);
        }
        return { root, library: base.library, assets, files: new Map(), diagnostics: [], commit, level: 'catalog' };
      };
      return {
        commit,
        files: deltas.length ? deltas[deltas.length - 1].meta.files : header.files,
        file: { baseBytes: baseEnd, deltas: deltas.length, deltaBytes: end - baseEnd, clean: end === bytes.length },
        decode,
      };
    }
  } catch {
    return undefined;
  }
}

/**
 * The stored catalog when it was written for `key` (same engine build, commit and fallback
 * name) and checks out; undefined otherwise (missing, stale or corrupt: the caller loads the
 * library instead). With `anyCommit`, a snapshot of another commit is returned too (its
 * `catalog.commit` says which), as the base of an update. The catalog has level 'catalog', no
 * diagnostics and an empty `files` map. `file` says how the snapshot file was read (saveCatalogChange).
 */
export async function loadCatalogSnapshot(
  fs: FileSystem,
  file: string,
  root: string,
  key: SnapshotKey,
  opts: SnapshotReadOptions = {},
): Promise<{ catalog: Catalog; files: number; file: SnapshotFileInfo } | undefined> {
  const opened = await openCatalogSnapshot(fs, file, root, key, opts);
  const catalog = opened?.decode();
  return catalog && { catalog, files: opened!.files, file: opened!.file };
}
