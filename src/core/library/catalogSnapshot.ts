// The catalog-level catalog of one commit, stored whole and compactly: a string table and a list of small integers, read back in a few native calls.

import { createHash } from 'node:crypto';
import type { Range } from '../diagnostics';
import type { InputDecl } from '../formats/types';
import type { FileSystem, PathOps } from '../ports';
import type { Asset, AssetReference, Catalog, LibraryInfo, Reference } from './types';

const magic = 'genai-assets-catalog';
/** Bumped whenever the stored layout or the Asset shape changes. */
export const catalogSnapshotVersion = 3;
/** The position of everything read back (frozen: it is shared). */
const zero: Range = Object.freeze({ start: Object.freeze({ line: 0, character: 0 }), end: Object.freeze({ line: 0, character: 0 }) });
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
  // The lists of strings, the inputs and the lists of inputs, each read once and shared (frozen).
  const stringListCount = n[p++];
  if (!(stringListCount <= len - p)) return undefined;
  const stringLists = new Array<string[]>(stringListCount);
  for (let l = 0; l < stringListCount; l++) {
    const count = n[p++];
    if (!(count <= len - p)) return undefined;
    if (count === 0) stringLists[l] = none;
    else {
      const list = new Array<string>(count);
      for (let k = 0; k < count; k++) list[k] = str(n[p + k]);
      stringLists[l] = Object.freeze(list) as string[];
      p += count;
    }
  }
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
    if (desc !== 0 && dflt !== 0) inputs[k] = Object.freeze({ name, type, required, range: zero, description: str(desc), default: JSON.parse(str(dflt)) as unknown });
    else if (desc !== 0) inputs[k] = Object.freeze({ name, type, required, range: zero, description: str(desc) });
    else if (dflt !== 0) inputs[k] = Object.freeze({ name, type, required, range: zero, default: JSON.parse(str(dflt)) as unknown });
    else inputs[k] = Object.freeze({ name, type, required, range: zero });
  }
  const inputListCount = n[p++];
  if (!(inputListCount <= len - p)) return undefined;
  const inputLists = new Array<InputDecl[]>(inputListCount);
  for (let l = 0; l < inputListCount; l++) {
    const count = n[p++];
    if (!(count <= len - p)) return undefined;
    if (count === 0) inputLists[l] = none;
    else {
      const list = new Array<InputDecl>(count);
      for (let k = 0; k < count; k++) {
        const input = inputs[n[p + k]];
        if (input === undefined) return undefined;
        list[k] = input;
      }
      inputLists[l] = Object.freeze(list) as InputDecl[];
      p += count;
    }
  }
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
        references[k] = { field: str(n[p]) as AssetReference['field'], ref, rangeInManifest: zero };
      }
    }
    const problems = { errors: 0, warnings: 0, infos: 0 };
    if (entry !== 0 && entryFile !== 0 && model !== 0 && manifest !== 0 && rest === 0 && commit) {
      // The usual managed asset: every property in one literal.
      const entryPath = own(path, entryFile, files, fileStart);
      const manifestPath = own(path, manifest, files, fileStart);
      assets.push({ id, kind, format, version, status, managed, title, description, owners, tags, path, files, inputs: assetInputs, references, problems, entry: str(entry), entryFile: entryPath, model: str(model), manifest: manifestPath, commit });
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

/** The body (string table and integers) and the header fields that describe it. */
function encodeBody(catalog: Catalog): { body: Buffer; layout: Pick<Header, 'encoding' | 'separator' | 'strings' | 'stringBytes' | 'ints'> } {
  const table = new StringTable(JSON.stringify(catalog.library));
  const stringLists = new ListTable();
  const inputs = new ListTable();
  const inputLists = new ListTable();
  const assetInts: number[] = [];
  for (const a of catalog.assets) encodeAsset(a, table, stringLists, inputs, inputLists, assetInts);
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
  let encoding: Header['encoding'] = strings.every((s) => !/[^\x00-\xff]/.test(s)) ? 'latin1' : 'utf16le';
  let separator = encoding === 'latin1' ? freeCharCode(strings, 0x100) : -1;
  if (separator < 0) {
    encoding = 'utf16le';
    separator = freeCharCode(strings, 0x10000);
  }
  if (separator < 0) throw new Error('the catalog uses every character code; it cannot be stored as a snapshot');
  const text = Buffer.from(strings.join(String.fromCharCode(separator)), encoding);
  if (!littleEndian) swapBytes(numbers);
  return { body: Buffer.concat([text, new Uint8Array(numbers.buffer)]), layout: { encoding, separator, strings: strings.length, stringBytes: text.length, ints: numbers.length } };
}

/**
 * Writes the catalog of a catalog-level load (Catalog.level 'catalog') for its commit, through a
 * temporary file and a rename.
 */
export async function saveCatalogSnapshot(fs: FileSystem, path: PathOps, file: string, catalog: Catalog, key: SnapshotKey, fileCount = catalog.files.size): Promise<void> {
  const { body, layout } = encodeBody(catalog);
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

/** The header, when the file starts with one of this version that matches `key`. */
function readHeader(bytes: Uint8Array, nl: number, key: SnapshotKey, anyCommit: boolean): Header | undefined {
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, nl))) as Header;
  if (header?.format !== magic || header.version !== catalogSnapshotVersion) return undefined;
  if (header.engine !== key.engine || (header.commit !== key.commit && !anyCommit) || header.fallbackName !== key.fallbackName) return undefined;
  const { stringBytes, ints, strings, separator } = header;
  if (![stringBytes, ints, strings, separator].every((v) => Number.isSafeInteger(v) && v >= 0) || (header.encoding !== 'latin1' && header.encoding !== 'utf16le')) return undefined;
  if (bytes.length - nl - 1 !== stringBytes + 4 * ints) return undefined;
  return header;
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
    bytes = await fs.readFile(file);
  } catch {
    return undefined; // missing (or unreadable): the caller loads the library
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const header = readHeader(bytes, nl, key, !!opts.anyCommit);
    if (!header) return undefined;
    const body = bytes.subarray(nl + 1);
    if (checksum(body) !== header.checksum) return undefined;
    const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const strings = buf.toString(header.encoding, 0, header.stringBytes).split(String.fromCharCode(header.separator));
    if (strings.length !== header.strings) return undefined;
    // Copied out: a Uint32Array view needs 4-byte alignment, which the body has no reason to have.
    const ints = new Uint32Array(header.ints);
    new Uint8Array(ints.buffer).set(body.subarray(header.stringBytes));
    if (!littleEndian) swapBytes(ints);
    const library = JSON.parse(strings[0]) as LibraryInfo;
    if (!library || typeof library.name !== 'string') return undefined;
    const assets = decodeAssets(strings, ints, header.commit || undefined);
    if (!assets) return undefined;
    const catalog: Catalog = { root, library, assets, files: new Map(), diagnostics: [], commit: header.commit, level: 'catalog' };
    return { catalog, files: header.files };
  } catch {
    return undefined;
  }
}
