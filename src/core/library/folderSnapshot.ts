// The catalog of a plain folder kept between opens: each file's stat (size, times, inode) and the catalog built from them; only files whose stat changed are read again.

import type { Diagnostic } from '../diagnostics';
import type { FileSystem, GitTreeChange, Log, PathOps } from '../ports';
import { silentLog } from '../ports';
import { sha256Hex } from '../hash';
import { compareAssets, openCatalogSnapshot, saveCatalogSnapshot } from './catalogSnapshot';
import { IndexCache, jsonCodec } from './indexCache';
import type { FileSource, LibraryFileEntry } from './fileSource';
import type { LoadOptions, ParsedFileCache } from './load';
import type { Asset, Catalog } from './types';

/** The numbers of a stat: size, modification and change times (ms, with their fractions) and inode. */
export const statWidth = 4;

/** A folder's files and folders as listed now. */
export interface FolderListing {
  /** The files as folderSource lists them (a link with its target). */
  entries: LibraryFileEntry[];
  /** The stat of each file (of a link: of its target), statWidth numbers each, in the entries' order; NaN where it could not be looked at. */
  stats: Float64Array;
  /** The folders listed, library-relative ('' the root), in the order listed. */
  folders: string[];
  /** The stat of each folder; NaN for a folder changed within the racy margin (read again at the next listing). */
  folderStats: Float64Array;
  /**
   * Each folder's entries as read: the letter of its type (f file, d folder, l link, o other),
   * then its name. Adding, removing or renaming an entry changes a folder's modification and
   * change times, so a folder whose stat is the one listed before holds the entries listed then.
   */
  folderEntries(): readonly (readonly string[])[];
  /** How many folders were read (the others' entries were those listed before). */
  foldersRead: number;
  /** When the listing started (ms since the epoch, this machine's clock). */
  listedAt: number;
  /** What git's index said of the files, when the folder is in a git work tree. */
  git?: ListingGit;
}

/**
 * What git's index said of a listing's files (the folder is in a git work tree): a file tracked
 * and clean then, and still clean under the same index, has the content it had, so the next
 * listing takes its stat from this one instead of looking at it.
 */
export interface ListingGit {
  /** The index file (absolute). */
  index: string;
  /** Its stat (statWidth numbers) when the files were compared with it. */
  indexStat: Float64Array;
  /** Per file, in the listing's order: gitUntracked, gitChanged or gitClean. */
  states: Uint8Array;
}

/** Not a plain entry of the index (untracked, assumed unchanged, skipped, unmerged). */
export const gitUntracked = 0;
/** Tracked, and may differ from the index. */
export const gitChanged = 1;
/** Tracked, and the same as the index. */
export const gitClean = 2;

/** The listing a snapshot was made from (see FolderListing). */
export interface PreviousListing {
  files: readonly string[];
  /** What each link among the files pointed at (linkOf). */
  links: ReadonlyMap<string, string>;
  stats: Float64Array;
  folders: readonly string[];
  folderStats: Float64Array;
  /** Undefined when they do not read back. */
  folderEntries(): readonly (readonly string[])[] | undefined;
  git?: ListingGit;
}

/** What a link points at: inside the library or not, and its target; undefined for a file. */
export function linkOf(e: LibraryFileEntry): string | undefined {
  return e.type === 'symlink' ? `${e.linkInside ? 'in' : 'out'}:${e.linkTarget ?? ''}` : undefined;
}

/**
 * A file or folder changed less than this long before a listing is looked at again at the next
 * open, whatever its stat says (git's "racy" rule): a second change within the file system's
 * time granule (up to 2 s on FAT) can leave every number of the stat as it was. The margin also
 * covers a file system clock a little off this machine's.
 */
export const racyMarginMs = 3000;

/** True when the stat, taken at `listedAt`, of something changed at `changedAt` (ms; NaN when unknown) cannot be trusted. */
export function isRacy(changedAt: number, listedAt: number): boolean {
  return !(changedAt < listedAt - racyMarginMs);
}

/** Sets to NaN the stats (statWidth numbers each) that cannot be trusted (isRacy): such files count as changed at the next open too. */
export function distrustRacy(stats: Float64Array, listedAt: number): void {
  for (let i = 0; i < stats.length; i += statWidth) if (isRacy(Math.max(stats[i + 1], stats[i + 2]), listedAt)) stats.fill(NaN, i, i + statWidth);
}

/** The stat of entry `i` as one string (a link's with its target); undefined when not trusted. */
function stampOf(listing: FolderListing, i: number): string | undefined {
  const s = listing.stats;
  const at = i * statWidth;
  if (Number.isNaN(s[at])) return undefined;
  const stamp = `${s[at]}:${s[at + 1]}:${s[at + 2]}:${s[at + 3]}`;
  const link = linkOf(listing.entries[i]);
  return link === undefined ? stamp : `${stamp}:${link}`;
}

/** Bumped whenever the listing's stored layout or the meaning of its numbers changes. */
export const folderListingVersion = 2;
const magic = 'genai-assets-folder';
const endian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'le' : 'be';

/** The files of a snapshot folder (see folderSnapshotFiles). */
export interface FolderSnapshotFiles {
  dir: string;
  /** The listing the stored catalog was built from. */
  listing: string;
  /** The catalog (catalog level), as a git library's snapshot; its commit is the listing's id. */
  catalog: string;
  /** Parsed files keyed by their stat (full level). */
  index: string;
  /** The listing of the last full-level open (its folders' entries are used by the next one). */
  fullListing: string;
  /** What the full-level open of that listing found and built (full-catalog.v1.json: KeptOpen). */
  fullCatalog: string;
}

export function folderSnapshotFiles(path: PathOps, dir: string): FolderSnapshotFiles {
  return {
    dir,
    listing: path.join(dir, 'listing.v1'),
    catalog: path.join(dir, 'catalog.v1.snapshot'),
    index: path.join(dir, 'index.v1.cache'),
    fullListing: path.join(dir, 'full-listing.v1'),
    fullCatalog: path.join(dir, 'full-catalog.v1.json'),
  };
}

/*
 * The listing file: a header line (JSON), then a body of seven sections, their byte lengths in the
 * header: the files' paths and the folders' paths (UTF-8, joined by NUL, which no path holds), the
 * links (JSON: path -> linkOf), the folders' entries (JSON), the files' git states (a byte each, or
 * none), then the files' and the folders' stats (8-byte floats in this machine's byte order, which
 * the header names).
 */
interface ListingHeader {
  format: string;
  version: number;
  engine: string;
  root: string;
  fallbackName: string;
  /** sha256 of the files' paths, links and stats: the key of the stored catalog. */
  id: string;
  endian: string;
  files: number;
  folders: number;
  /** Byte lengths of the files' paths, the folders' paths, the links, the folders' entries and the git states (the stats' follow from the counts). */
  sections: number[];
  /** The index file and its stat (ListingGit), when the body has git states. */
  git?: { index: string; indexStat: number[] };
  /** sha256 of the body. */
  checksum: string;
}

/** What a stored listing must match to be used. */
interface ListingKey {
  engine: string;
  root: string;
  fallbackName: string;
}

const utf8 = new TextEncoder();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The listing's id: what its files are (paths, links, stats), as the key of the catalog built from them. */
function listingId(listing: FolderListing): string {
  const links: Record<string, string> = {};
  for (const e of listing.entries) if (e.type === 'symlink') links[e.path] = linkOf(e)!;
  return sha256Hex(concat([utf8.encode(listing.entries.map((e) => e.path).join('\0')), utf8.encode(JSON.stringify(links)), bytesOf(listing.stats)]));
}

/** The stored listing; undefined when missing, foreign or corrupt. */
async function readListing(fs: FileSystem, file: string, key: ListingKey): Promise<(PreviousListing & { header: ListingHeader }) | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return undefined; // missing or unreadable: the folder is read whole and the listing written again
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    const h = JSON.parse(decoder.decode(bytes.subarray(0, nl))) as ListingHeader;
    if (!h || h.format !== magic || h.version !== folderListingVersion || h.endian !== endian || typeof h.id !== 'string') return undefined;
    if (h.engine !== key.engine || h.root !== key.root || h.fallbackName !== key.fallbackName) return undefined;
    const counts = [h.files, h.folders, ...(Array.isArray(h.sections) ? h.sections : [])];
    if (counts.length !== 7 || !counts.every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
    const body = bytes.subarray(nl + 1);
    const [paths, folderPaths, links, entries, gitStates] = h.sections;
    const statBytes = 8 * statWidth;
    if (body.length !== paths + folderPaths + links + entries + gitStates + statBytes * (h.files + h.folders) || sha256Hex(body) !== h.checksum) return undefined;
    const gitHeader = h.git;
    const gitOk = gitStates === h.files && typeof gitHeader?.index === 'string' && Array.isArray(gitHeader.indexStat) && gitHeader.indexStat.length === statWidth;
    if (gitStates && !gitOk) return undefined;
    let at = 0;
    const section = (n: number): Uint8Array => body.subarray(at, (at += n));
    const names = (b: Uint8Array, count: number): string[] | undefined => {
      const list = count ? decoder.decode(b).split('\0') : [];
      return list.length === count ? list : undefined;
    };
    const floats = (count: number): Float64Array => {
      const out = new Float64Array(count * statWidth);
      bytesOf(out).set(section(count * statBytes));
      return out;
    };
    const files = names(section(paths), h.files);
    const folders = names(section(folderPaths), h.folders);
    const linkMap = JSON.parse(decoder.decode(section(links))) as unknown;
    const entriesJson = section(entries);
    const states = section(gitStates);
    if (!files || !folders || !linkMap || typeof linkMap !== 'object' || !Object.values(linkMap).every((v) => typeof v === 'string')) return undefined;
    const stats = floats(h.files);
    const folderStats = floats(h.folders);
    const folderEntries = (): string[][] | undefined => {
      try {
        const v = JSON.parse(decoder.decode(entriesJson)) as unknown;
        const ok = Array.isArray(v) && v.length === h.folders && v.every((l) => Array.isArray(l) && l.every((n) => typeof n === 'string' && n.length > 1));
        return ok ? (v as string[][]) : undefined;
      } catch {
        return undefined; // it passed its checksum, so written by another layout: listed again
      }
    };
    const git = gitOk ? { index: gitHeader.index, indexStat: Float64Array.from(gitHeader.indexStat, Number), states: states.slice() } : undefined;
    return { header: h, files, links: new Map(Object.entries(linkMap as Record<string, string>)), stats, folders, folderStats, folderEntries, git };
  } catch {
    return undefined; // corrupt (it passed its checksum, so written by another layout): as missing
  }
}

/** Writes the listing (writeWhole). */
async function writeListing(fs: FileSystem, path: PathOps, file: string, key: ListingKey, listing: FolderListing, id: string): Promise<void> {
  const links: Record<string, string> = {};
  for (const e of listing.entries) if (e.type === 'symlink') links[e.path] = linkOf(e)!;
  let folders = listing.folders;
  let folderStats = listing.folderStats;
  let entries = listing.folderEntries();
  // Folders whose entries are not known are not stored (they are read at the next listing).
  if (entries.length !== folders.length) [folders, folderStats, entries] = [[], new Float64Array(0), []];
  const git = listing.git;
  const sections = [
    utf8.encode(listing.entries.map((e) => e.path).join('\0')),
    utf8.encode(folders.join('\0')),
    utf8.encode(JSON.stringify(links)),
    utf8.encode(JSON.stringify(entries)),
    git?.states ?? new Uint8Array(0),
  ];
  const body = concat([...sections, bytesOf(listing.stats), bytesOf(folderStats)]);
  const header: ListingHeader = {
    format: magic,
    version: folderListingVersion,
    ...key,
    id,
    endian,
    files: listing.entries.length,
    folders: folders.length,
    sections: sections.map((s) => s.length),
    ...(git ? { git: { index: git.index, indexStat: [...git.indexStat] } } : {}),
    checksum: sha256Hex(body),
  };
  await writeWhole(fs, path, file, concat([utf8.encode(`${JSON.stringify(header)}\n`), body]));
}

/** Writes a file through a temporary file and a rename: a reader sees the old file or the new one, whole. */
async function writeWhole(fs: FileSystem, path: PathOps, file: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file));
  const temp = `${file}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.remove(temp).catch(() => undefined);
    throw e;
  }
}

/**
 * The changes from a previous listing to the current one (its stats already distrusted), as a
 * diff of two commits would give them: a file whose stat is not trusted on either side counts as
 * modified; anything about a link is a change of mode 120000 (which makes the catalog be read whole).
 */
export function listingChanges(before: PreviousListing, now: FolderListing): GitTreeChange[] {
  const n = now.entries.length;
  const statsEqual = (i: number, j: number): boolean => {
    for (let k = 0; k < statWidth; k++) if (now.stats[i * statWidth + k] !== before.stats[j * statWidth + k]) return false; // NaN: never equal
    return true;
  };
  // The common case first: the same files in the same order, none a link, each with the stat it had.
  if (before.files.length === n && before.links.size === 0) {
    let same = true;
    for (let i = 0; same && i < n; i++) same = before.files[i] === now.entries[i].path && now.entries[i].type === 'file' && statsEqual(i, i);
    if (same) return [];
  }
  const mode = (link: boolean) => (link ? '120000' : '100644');
  const at = new Map<string, number>();
  before.files.forEach((p, j) => at.set(p, j));
  const changes: GitTreeChange[] = [];
  for (let i = 0; i < n; i++) {
    const e = now.entries[i];
    const j = at.get(e.path);
    at.delete(e.path);
    const link = linkOf(e);
    const was = before.links.get(e.path);
    if (j === undefined) changes.push({ status: 'A', oldMode: '000000', newMode: mode(link !== undefined), path: e.path });
    else if (link !== undefined || was !== undefined) {
      if (link !== was || !statsEqual(i, j)) changes.push({ status: 'T', oldMode: mode(was !== undefined), newMode: mode(link !== undefined), path: e.path });
    } else if (!statsEqual(i, j)) changes.push({ status: 'M', oldMode: '100644', newMode: '100644', path: e.path });
  }
  for (const path of at.keys()) changes.push({ status: 'D', oldMode: mode(before.links.has(path)), newMode: '000000', path });
  return changes;
}

/** True when git's index is not the one the stored listing was compared with (a commit, say): the listing is stored again, so that the next one can take stats from it. */
function gitMoved(stored: PreviousListing, now: FolderListing): boolean {
  const [a, b] = [stored.git, now.git];
  return !a || !b ? a !== b : a.index !== b.index || a.indexStat.some((n, i) => n !== b.indexStat[i]);
}

/**
 * Assets in the order a load of the listing builds them: managed ones by manifest path, then
 * unmanaged ones in the listing's order (a folder walk: `a/b.prompt` before `a-c.prompt`,
 * where updateCatalog sorts by path).
 */
function inLoadOrder(assets: Asset[], entries: readonly LibraryFileEntry[]): Asset[] {
  const at = new Map<string, number>();
  entries.forEach((e, i) => at.set(e.path, i));
  return [...assets].sort((a, b) => (a.managed || b.managed ? compareAssets(a, b) : (at.get(a.path) ?? 0) - (at.get(b.path) ?? 0)));
}

/** Where a folder's snapshot is kept, and how the folder is listed now. */
export interface FolderSnapshot {
  /**
   * Lists the folder now, in folderSource's order and by its rules, with every file's stat; a
   * folder whose stat is the one in `previous` may be given the entries it had then, and when
   * every folder is as it was (and no file is a link), the files are those of `previous`.
   */
  list(previous?: PreviousListing): Promise<FolderListing>;
  fs: FileSystem;
  path: PathOps;
  /** The snapshot folder of this library's root. */
  dir: string;
  /** Identifies the parsers' build: a snapshot written by another build is not used. */
  engine: string;
  log?: Log;
}

/** How a folder's catalog was had: whole from the snapshot, the snapshot with the changed files read again, or read whole. */
export type FolderSnapshotUse = 'current' | 'updated' | 'read';

/**
 * How the listing of an open compares with the one stored before it (catalog level): a caller
 * that keeps results of its own by listing (validate --changed keeps git's answers) knows from it
 * which files may have changed since.
 */
export interface ListingDelta {
  /** The id of the listing stored before this open; undefined when there was none usable. */
  before?: string;
  /** The id of the listing stored now; undefined when it could not be written. */
  after?: string;
  /** When this listing started (ms since the epoch): every stat in it was taken then or later. */
  listedAt: number;
  /** The files added, deleted or changed (stat, type or link) since `before`; undefined when `before` is. */
  changed?: string[];
}

/** A folder's catalog as loadFolderCatalog gives it. */
export interface FolderCatalog {
  catalog: Catalog;
  use: FolderSnapshotUse;
  /** The folder's files as listed (as folderSource lists them). */
  entries: readonly LibraryFileEntry[];
  /** The listing compared with the stored one (catalog level only). */
  listing?: ListingDelta;
}

/**
 * Loads a folder's catalog as `load` asks (its source reads the files; the folder is listed by
 * `snapshot`, and `cache` and `commit` are not used), reading only the files whose stat changed
 * since the snapshot was written. At the catalog level: the stored catalog as it is when nothing
 * changed, else updated where files changed (updateCatalog: the assets owning them are built
 * again), else read whole; at the full level, parsed files are kept by stat (an index cache)
 * and every check runs. A missing, foreign (another build, root or name) or corrupt snapshot is
 * not used, and written again; one that cannot be written is logged, not thrown. Gives the
 * folder's files as listed (`entries`, as folderSource lists them) with the catalog.
 */
export async function loadFolderCatalog(snapshot: FolderSnapshot, load: LoadOptions): Promise<FolderCatalog> {
  const { fs, path } = snapshot;
  const log = snapshot.log ?? silentLog;
  const files = folderSnapshotFiles(path, snapshot.dir);
  const root = load.root;
  const fallbackName = load.fallbackName ?? 'library';
  const key: ListingKey = { engine: snapshot.engine, root, fallbackName };
  let parsed = 0;
  const onParse = (p: string): void => {
    parsed++;
    load.onParse?.(p);
  };
  const warn = (what: string) => (e: Error) => log.warn(`Could not write the ${what} of ${root} in ${snapshot.dir}: ${e.message}`);
  const reading = (entries: LibraryFileEntry[]): FileSource => {
    const source: FileSource = { list: async () => entries, read: (p) => load.source.read(p) };
    if (load.source.locate) source.locate = (p) => load.source.locate!(p);
    return source;
  };
  const loading = (source: FileSource, cache?: ParsedFileCache): LoadOptions => ({ ...load, source, cache, commit: undefined, fallbackName, onParse });

  if ((load.level ?? 'full') === 'full') {
    // A file is parsed again only when its stat changed: the stat keys it in the index cache (a file without a trusted one is not kept).
    const [cache, stored] = await Promise.all([IndexCache.load(fs, files.index, snapshot.engine, log, jsonCodec), readListing(fs, files.fullListing, key)]);
    const listing = await snapshot.list(stored);
    distrustRacy(listing.stats, listing.listedAt);
    const entries = listing.entries.map((e, i) => {
      const stamp = stampOf(listing, i);
      return stamp === undefined ? e : { ...e, key: stamp };
    });
    // What the last open found and built is a function of the files: it serves when every file has the stat it had then (all trusted).
    const id = listingId(listing);
    const trusted = !listing.stats.some(Number.isNaN);
    // What a full open keeps is read and written only here (and the listing's id): the list command does not load it.
    const { keptCatalog, keptCatalogOf, keptOpenBytes, noting, readKeptOpen } = await import('./keptOpen');
    const kept = trusted && stored?.header.id === id ? await readKeptOpen(fs, files.fullCatalog, key, id) : undefined;
    const saveListing = (): Promise<void> =>
      stored?.header.id !== id || listing.foldersRead || gitMoved(stored, listing) ? writeListing(fs, path, files.fullListing, key, listing, id).catch(warn('listing')) : Promise.resolve();
    if (kept?.catalog && kept.catalog.files.every(([p, k]) => cache.has(p, k))) {
      // The index cache is not saved: it holds what it held, and this open reads only what it is asked for.
      await saveListing();
      return { catalog: keptCatalog(kept.catalog, kept, root, entries, cache), use: 'current', entries: listing.entries };
    }
    let found: Diagnostic[] | undefined;
    const run = load.checks;
    const checks = run && (kept ? () => kept.findings : async (c: Catalog) => (found = await run(c)));
    const { loadCatalog } = await import('./load');
    const noted = noting(cache);
    const catalog = await loadCatalog({ ...loading(reading(entries), noted.cache), checks });
    if (cache.needsSave) await cache.save(fs, path).catch(warn('index cache'));
    if (trusted && (found || !kept?.catalog)) {
      const built = keptCatalogOf(catalog, noted.served);
      const findings = found ?? kept?.findings;
      if (findings && (found || built)) await writeWhole(fs, path, files.fullCatalog, keptOpenBytes(key, id, { findings, catalog: built })).catch(warn('catalog of the full level'));
    }
    await saveListing();
    return { catalog, use: parsed ? 'read' : 'current', entries: listing.entries };
  }

  const snapshotKey = { engine: snapshot.engine, fallbackName };
  const stored = await readListing(fs, files.listing, key);
  // The stored catalog's assets carry no commit (a folder has none), as a load gives them.
  const opened = stored && (await openCatalogSnapshot(fs, files.catalog, root, { ...snapshotKey, commit: stored.header.id }, { assetCommit: '' }));
  const listing = await snapshot.list(stored);
  distrustRacy(listing.stats, listing.listedAt);
  // Decoded once the folder is listed, so that the listing's garbage is collected before the catalog is there to be copied around.
  const snap = opened?.decode();
  const source = reading(listing.entries);
  const delta: ListingDelta = { listedAt: listing.listedAt };
  /** Writes the catalog (when it changed) then the listing, so that a listing never names a catalog that is not there. */
  const save = (catalog: Catalog | undefined, fileCount?: number): Promise<void> => {
    const id = listingId(listing);
    const written = catalog ? saveCatalogSnapshot(fs, path, files.catalog, catalog, { ...snapshotKey, commit: id }, fileCount) : Promise.resolve();
    return written.then(() => writeListing(fs, path, files.listing, key, listing, id)).then(() => void (delta.after = id), warn('catalog snapshot'));
  };
  if (snap && stored) {
    const previous: Catalog = { ...snap, commit: undefined };
    const changes = listingChanges(stored, listing);
    delta.before = stored.header.id;
    delta.changed = changes.map((c) => c.path);
    if (!changes.length) {
      // The same files: folders read again (changed within the racy margin last time) are stored as they are now.
      if (listing.foldersRead || gitMoved(stored, listing)) await save(undefined);
      else delta.after = stored.header.id;
      return { catalog: previous, use: 'current', entries: listing.entries, listing: delta };
    }
    const updated = await (await import('./catalogUpdate')).updateCatalog({ previous, changes, source, root, fallbackName, parser: load.parser, onParse });
    if (updated) {
      // Written whole, so that it keeps the assets in the order a load gives them.
      const catalog = { ...updated.catalog, assets: inLoadOrder(updated.catalog.assets, listing.entries) };
      await save(catalog, updated.readable);
      return { catalog, use: 'updated', entries: listing.entries, listing: delta };
    }
  }
  const catalog = await (await import('./load')).loadCatalog(loading(source));
  await save(catalog);
  return { catalog, use: 'read', entries: listing.entries, listing: delta };
}
