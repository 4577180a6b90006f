// Loads a library: lists its files, parses them (through a cache keyed by content), builds the catalog.

import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { runCatalogChecks } from '../checks/catalogChecks';
import { formatOfPath, isYamlPath } from '../formats/detect';
import { gitMetadata } from './gitMetadata';
import { parseFile } from '../formats/parseFile';
import type { CatalogLevel, FormatId, ParsedFile } from '../formats/types';
import { maxFolderDepth, maxLibraryFiles } from '../limits';
import type { FileReader, PathOps } from '../ports';
import { parseReference } from './references';
import { defaultPolicy } from './types';
import type { Asset, AssetKind, AssetReference, AssetStatus, Catalog, LibraryInfo, ModelInfo, Policy } from './types';
import { emptyRange } from '../text/textDocument';

export interface LibraryFileEntry {
  /** Library-relative path, '/' separated. */
  path: string;
  type: 'file' | 'symlink';
  /** Content key (a git blob id) when the source knows one; the cache is keyed by it. */
  key?: string;
  /** For links: the target as written. */
  linkTarget?: string;
  /** For links: true when the target lies inside the library (and is a file). */
  linkInside?: boolean;
  size?: number;
}

/** Where a library's files come from: a plain folder or a git checkout. */
export interface FileSource {
  list(): Promise<LibraryFileEntry[]>;
  read(path: string): Promise<Uint8Array>;
  /**
   * Where another thread can read a listed file by itself (a blob of a local clone, or a file
   * path); undefined when only `read` can. Optional.
   */
  locate?(path: string): FileLocation | undefined;
}

/** A file another thread can read: a blob of the git clone `gitDir`, or the file at absolute path `file`. */
export type FileLocation = { gitDir: string; id: string; /** Set when the clone's work tree holds the commit read. */ path?: string } | { file: string };

/** One file to read and parse where it lies (FileParser.parseMany). */
export interface LocatedJob {
  path: string;
  at: FileLocation;
  hint?: FormatId;
}

/** Parsed files by path and content key (e.g. git blob id). */
export interface ParsedFileCache {
  get(path: string, key: string): ParsedFile | undefined;
  set(path: string, key: string, file: ParsedFile): void;
}

/** The range of the diagnostics this module makes; its own object, as loadDiagnostics tells them apart by identity. */
const zero: Range = { ...emptyRange };
const skippedDirs = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** A FileSource over a plain folder, walked through the FileReader port (links are never followed out). */
export function folderSource(fs: FileReader, path: PathOps, root: string): FileSource {
  return {
    async list() {
      const out: LibraryFileEntry[] = [];
      const rootReal = (await fs.realPath(root)) ?? root;
      const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
        if (depth > maxFolderDepth || out.length >= maxLibraryFiles) return;
        let entries;
        try {
          entries = await fs.readDir(dir);
        } catch {
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          if (out.length >= maxLibraryFiles) return;
          const abs = path.join(dir, e.name);
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.type === 'directory') {
            if (skippedDirs.has(e.name) || (e.name.startsWith('.') && e.name !== '.github')) continue;
            await walk(abs, r, depth + 1);
          } else if (e.type === 'file') {
            out.push({ path: r, type: 'file' });
          } else if (e.type === 'symlink') {
            const real = await fs.realPath(abs);
            const inside = real !== undefined && isInside(path, rootReal, real);
            let isFile = false;
            if (inside && real) {
              const st = await fs.stat(real);
              isFile = st?.type === 'file';
            }
            out.push({ path: r, type: 'symlink', linkTarget: real ?? '(missing)', linkInside: inside && isFile });
          }
        }
      };
      await walk(root, '', 0);
      return out;
    },
    read(p: string) {
      return fs.readFile(path.join(root, ...p.split('/')));
    },
    locate(p: string) {
      return { file: path.join(root, ...p.split('/')) };
    },
  };
}

function isInside(path: PathOps, root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface LoadOptions {
  /** Absolute root of the library (for display and for Reveal). */
  root: string;
  source: FileSource;
  cache?: ParsedFileCache;
  commit?: string;
  /** Name to use when library.yaml gives none (defaults to the root folder's name). */
  fallbackName?: string;
  /** Called for every file actually parsed (not served from the cache). */
  onParse?: (path: string) => void;
  /**
   * `full` (default): every file parsed with positions, every check run. `catalog`: only what
   * the catalog is built from (catalogProjection: no positions, no diagnostics, no cross-file
   * checks); files of an asset that no format reads are listed but not read.
   */
  level?: CatalogLevel;
  /** Parses files elsewhere (e.g. on worker threads); default: in this thread. */
  parser?: FileParser;
}

export type { CatalogLevel } from '../formats/types';

/** Parses file contents at a level, possibly off the main thread (src/node/parsePool.ts). */
export interface FileParser {
  parse(path: string, bytes: Uint8Array, level: CatalogLevel, hint?: FormatId): Promise<ParsedFile>;
  /**
   * Reads and parses many files, sharing them out between this thread (`here`: read and parse
   * one file in this thread) and others that read for themselves from `at`. Gives one result
   * per job, in the jobs' order; a job another thread could not do is done by `here`. Optional.
   */
  parseMany?(jobs: readonly LocatedJob[], level: CatalogLevel, here: (job: LocatedJob) => Promise<ParsedFile | undefined>): Promise<(ParsedFile | undefined)[]>;
  /** Gets other threads ready now, when a large load is known to follow (they start while the files are listed). Optional. */
  warmUp?(): void;
}

/** Parses in the calling thread. */
export function parseAtLevel(path: string, bytes: Uint8Array, level: CatalogLevel, hint?: FormatId): ParsedFile {
  return parseFile(path, bytes, hint, level);
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Normalises a relative path against a folder; undefined when it leaves the root. */
export function joinInside(folder: string, rel: string): string | undefined {
  if (rel.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(rel) || rel.startsWith('\\')) return undefined;
  const parts = folder ? folder.split('/') : [];
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** What assembling a catalog needs besides the parsed files (kept per catalog, so it can be rebuilt). */
interface CatalogBasis {
  root: string;
  /** Every listed entry (files and links), as the source gave them. */
  entries: LibraryFileEntry[];
  /** Problems found while listing (links leading out), not tied to a parse. */
  loadDiagnostics: Diagnostic[];
  commit?: string;
  fallbackName: string;
}

/** The basis each catalog was assembled from (for rebuildCatalogWith). */
const bases = new WeakMap<Catalog, CatalogBasis>();

/** What a listing implies (asset folders, the files of each, entries by path), kept per listing: edits that add no file reuse it. */
interface Layout {
  /** The asset.yaml paths, sorted. */
  manifestPaths: string[];
  folderOf: (p: string) => string | undefined;
  byPath: Map<string, LibraryFileEntry>;
  filesByFolder: Map<string, string[]>;
  /** Paths outside every managed asset folder (candidates for unmanaged assets). */
  outside: Set<string>;
  /** The asset.yaml path of each managed asset folder. */
  manifestOf: Map<string, string>;
}
const layouts = new WeakMap<readonly LibraryFileEntry[], Layout>();

function layoutOf(entries: readonly LibraryFileEntry[]): Layout {
  let layout = layouts.get(entries);
  if (!layout) {
    const { manifestPaths, folderOf } = assetFolders(entries);
    const filesByFolder = new Map<string, string[]>();
    const outside = new Set<string>();
    for (const e of entries) {
      const f = folderOf(e.path);
      if (f === undefined) outside.add(e.path);
      if (e.type === 'symlink' && !e.linkInside) continue;
      if (f === undefined) continue;
      const list = filesByFolder.get(f);
      if (list) list.push(e.path);
      else filesByFolder.set(f, [e.path]);
    }
    const sorted = [...manifestPaths].sort();
    const manifestOf = new Map<string, string>();
    // The first asset.yaml of a folder in sorted order (asset.yaml before asset.yml), as the assets are built.
    for (const m of sorted) if (!manifestOf.has(dirOf(m))) manifestOf.set(dirOf(m), m);
    layout = { manifestPaths: sorted, folderOf, byPath: new Map(entries.map((e) => [e.path, e])), filesByFolder, outside, manifestOf };
    layouts.set(entries, layout);
  }
  return layout;
}

/** Folders holding an asset.yaml, and a function giving the asset folder of a path. */
function assetFolders(entries: readonly LibraryFileEntry[]): { manifestPaths: string[]; folderOf: (p: string) => string | undefined } {
  const manifestPaths = entries.filter((e) => formatOfPath(e.path) === 'asset-manifest' && e.type === 'file').map((e) => e.path);
  const folders = new Set(manifestPaths.map(dirOf));
  const folderOf = (p: string): string | undefined => {
    let d = dirOf(p);
    for (;;) {
      if (folders.has(d)) return d;
      if (d === '') return undefined;
      d = dirOf(d);
    }
  };
  return { manifestPaths, folderOf };
}

/** One `git-metadata` error per `.git` entry and per git directory (on its HEAD) among the entries: scaffold, add and update never copy them. */
function gitMetadataDiagnostics(entries: readonly LibraryFileEntry[]): Diagnostic[] {
  const found = gitMetadata(entries.map((e) => e.path));
  if (!found.names.length && !found.directories.length) return [];
  const out: Diagnostic[] = [];
  for (const n of found.names) {
    out.push(diag('git-metadata', n, zero, `\`${baseOf(n)}\` is a name git reads as \`.git\`: a repository's own data, which can make git run programs (core.fsmonitor, hooks) in the folder it lands in. It is never copied into pilots; remove it from the library.`));
  }
  const heads = new Map<string, string>();
  for (const e of entries) if (baseOf(e.path).toLowerCase() === 'head') heads.set(dirOf(e.path), e.path);
  for (const d of found.directories) {
    out.push(diag('git-metadata', heads.get(d) ?? d, zero, `\`${d || '.'}\` is a git directory (HEAD with config, objects/ or refs/): git can run programs from its config (core.fsmonitor, hooks) when someone runs git there. None of it is copied into pilots; remove it from the library.`));
  }
  return out;
}

/** Loads and checks a whole library. Never throws for content problems; they become diagnostics. */
export async function loadCatalog(opts: LoadOptions): Promise<Catalog> {
  const entries = await opts.source.list();
  const loadDiagnostics: Diagnostic[] = [];
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const level = opts.level ?? 'full';

  // Managed asset folders: every folder holding asset.yaml.
  const { manifestPaths, folderOf } = assetFolders(entries);

  // Which files to read: recognised files anywhere, and every file of a managed asset.
  const toRead: LibraryFileEntry[] = [];
  for (const e of entries) {
    if (e.type === 'symlink') {
      if (!e.linkInside) {
        loadDiagnostics.push(
          diag('path-escape', e.path, zero, `This link points outside the library (${e.linkTarget === '(missing)' ? 'to nothing' : 'to a path outside it'}); it is not followed. Replace it with a real file inside the library.`),
        );
        continue;
      }
    }
    const fmt = formatOfPath(e.path);
    if (fmt || (isYamlPath(e.path) && !e.path.includes('/.'))) toRead.push(e);
    else if (level === 'full' && folderOf(e.path) !== undefined) toRead.push(e);
  }
  loadDiagnostics.push(...gitMetadataDiagnostics(entries));

  const files = new Map<string, ParsedFile>();
  const readAndParse = async (e: LibraryFileEntry, hint?: FormatId): Promise<ParsedFile> => {
    let bytes: Uint8Array;
    try {
      bytes = await opts.source.read(e.path);
    } catch (err) {
      const f: ParsedFile = { path: e.path, format: hint ?? formatOfPath(e.path) ?? 'text', sha256: '', size: 0, text: false, diagnostics: [], meta: {} };
      f.diagnostics.push(diag('unreadable-file', e.path, zero, `The file could not be read: ${(err as Error).message}. Check its permissions.`));
      return f;
    }
    return opts.parser ? await opts.parser.parse(e.path, bytes, level, hint) : parseAtLevel(e.path, bytes, level, hint);
  };
  const keyOf = (e: LibraryFileEntry, hint?: FormatId): string | undefined =>
    e.key !== undefined && opts.cache ? `${e.key}${hint ? `#${hint}` : ''}${level === 'catalog' ? '@catalog' : ''}` : undefined;
  /** Records a parse (reported, and cached when the file is readable). */
  const parsed = (e: LibraryFileEntry, f: ParsedFile, hint?: FormatId): void => {
    const cacheKey = keyOf(e, hint);
    if (cacheKey && !f.diagnostics.some((d) => d.code === 'unreadable-file')) opts.cache!.set(e.path, cacheKey, f);
  };
  const parseOne = async (e: LibraryFileEntry, hint?: FormatId): Promise<ParsedFile | undefined> => {
    const cacheKey = keyOf(e, hint);
    if (cacheKey) {
      const hit = opts.cache!.get(e.path, cacheKey);
      if (hit) return hit;
    }
    opts.onParse?.(e.path);
    const f = await readAndParse(e, hint);
    parsed(e, f, hint);
    return f;
  };
  // Files the cache does not have go to the parser's threads when it reads where files lie (each thread reading for itself).
  const results: (ParsedFile | undefined)[] = new Array(toRead.length);
  const missing: number[] = [];
  for (let i = 0; i < toRead.length; i++) {
    const cacheKey = keyOf(toRead[i]);
    const hit = cacheKey ? opts.cache!.get(toRead[i].path, cacheKey) : undefined;
    if (hit) results[i] = hit;
    else missing.push(i);
  }
  const locate = opts.parser?.parseMany ? opts.source.locate?.bind(opts.source) : undefined;
  const jobs: LocatedJob[] = [];
  for (const i of locate ? missing : []) {
    const where = locate!(toRead[i].path);
    if (!where) break;
    jobs.push({ path: toRead[i].path, at: where });
  }
  if (jobs.length && jobs.length === missing.length) {
    const done = await opts.parser!.parseMany!(jobs, level, (job) => readAndParse(byPath.get(job.path)!, job.hint));
    missing.forEach((i, j) => {
      const f = done[j];
      opts.onParse?.(toRead[i].path);
      if (f) parsed(toRead[i], f);
      results[i] = f;
    });
  } else {
    // Bounded concurrency: many reads in flight (a git source batches them), parsing here or on a parser pool.
    let next = 0;
    const workers = Array.from({ length: 64 }, async () => {
      while (next < missing.length) {
        const i = missing[next++];
        results[i] = await parseOne(toRead[i]);
      }
    });
    await Promise.all(workers);
  }
  for (let i = 0; i < toRead.length; i++) {
    const e = toRead[i];
    const f = results[i];
    if (!f) continue;
    // Plain YAML files that are not recognised formats and lie outside assets are not part of the library.
    if (f.format === 'text' && !formatOfPath(e.path) && folderOf(e.path) === undefined) continue;
    files.set(e.path, f);
  }

  // The entry of an eval asset is a promptfoo suite whatever its name: read plain YAML entries as one.
  for (const manifestPath of [...manifestPaths].sort()) {
    const resolved = plainYamlEvalEntry(files.get(manifestPath), dirOf(manifestPath), byPath, files);
    if (resolved === undefined) continue;
    const reparsed = await parseOne(byPath.get(resolved)!, 'promptfoo');
    if (reparsed) files.set(resolved, reparsed);
  }

  // The catalog level carries no diagnostic at all (links leading out are reported by a full load).
  const basis = { root: opts.root, entries, loadDiagnostics: level === 'full' ? loadDiagnostics : [], commit: opts.commit, fallbackName: opts.fallbackName ?? 'library' };
  if (level === 'full') return assembleCatalog(basis, files);
  const catalog = assembleCatalog(basis, files, () => []);
  catalog.level = 'catalog';
  return catalog;
}

/** The library-relative path of an eval manifest's entry when it exists and was parsed as plain text (YAML to read as promptfoo). */
function plainYamlEvalEntry(manifest: ParsedFile | undefined, folder: string, byPath: Map<string, LibraryFileEntry>, files: Map<string, ParsedFile>): string | undefined {
  const doc = manifest?.document as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object' || doc.kind !== 'eval' || typeof doc.entry !== 'string') return undefined;
  const resolved = entryInside(folder, doc.entry);
  if (resolved === undefined) return undefined;
  const e = byPath.get(resolved);
  if (!e || !(e.type === 'file' || e.linkInside)) return undefined;
  const f = files.get(resolved);
  return f && f.format === 'text' && isYamlPath(resolved) ? resolved : undefined;
}

/** An entry path resolved inside its asset folder, or undefined when it leaves the folder. */
function entryInside(folder: string, entry: string): string | undefined {
  const resolved = joinInside(folder, entry);
  const inFolder = resolved !== undefined && (folder === '' || resolved === folder || resolved.startsWith(folder + '/'));
  return inFolder ? resolved : undefined;
}

/**
 * Builds the catalog from parsed files: library info, managed and unmanaged assets, then the
 * cross-file checks (`checks`, default runCatalogChecks). Synchronous: nothing is read.
 */
function assembleCatalog(basis: CatalogBasis, files: Map<string, ParsedFile>, checks: (catalog: Catalog) => Diagnostic[] = runCatalogChecks, reuse?: Reuse): Catalog {
  const layout = layoutOf(basis.entries);
  const { manifestPaths, byPath, filesByFolder, outside } = layout;
  const library = libraryInfo(files.get('library.yaml') ?? files.get('library.yml'), basis.fallbackName);
  const edited = reuse && reuse.from.commit === basis.commit && bases.get(reuse.from)?.entries === basis.entries ? assetsAfterEdit(reuse, basis, files, layout) : undefined;
  if (edited) return finishCatalog(basis, library, edited.assets, files, checks, edited.slots);
  // An asset is a function of its own files: one none of whose files changed is taken over as it is
  // (the same object: assets are never changed once built; countProblems copies one whose counts change).
  const previous = new Map<string, Asset>();
  if (reuse) for (const a of reuse.from.assets) if (!a.files.some((p) => reuse.changed.has(p))) previous.set(a.managed ? `m:${a.manifest}` : `u:${a.path}`, a);
  const takeOver = (key: string): Asset | undefined => {
    const prev = previous.get(key);
    return prev && (prev.commit === basis.commit ? prev : { ...prev, commit: basis.commit });
  };

  // Managed assets.
  const assets: Asset[] = [];
  for (const manifestPath of manifestPaths) {
    const folder = dirOf(manifestPath);
    const manifest = files.get(manifestPath);
    if (!manifest) continue;
    let asset = takeOver(`m:${manifestPath}`);
    if (!asset) {
      asset = managedAsset(manifest, folder, filesByFolder.get(folder) ?? [manifestPath], files, byPath);
      asset.commit = basis.commit;
    }
    assets.push(asset);
  }

  // Unmanaged assets: recognised files outside managed folders.
  for (const [p, f] of files) {
    if (isUnmanagedAsset(p, f, outside)) assets.push(takeOver(`u:${p}`) ?? unmanagedAsset(f, basis.commit));
  }
  return finishCatalog(basis, library, assets, files, checks);
}

function isUnmanagedAsset(p: string, f: ParsedFile, outside: ReadonlySet<string>): boolean {
  if (!outside.has(p)) return false;
  if (f.format === 'text' || f.format === 'library-manifest' || f.format === 'asset-manifest' || f.format === 'pilot-manifest') return false;
  return !(f.partialName && baseOf(p).startsWith('_'));
}

/** The catalog of these assets and files: every file's findings, the cross-file checks, the problem counts. */
function finishCatalog(basis: CatalogBasis, library: LibraryInfo, assets: Asset[], files: Map<string, ParsedFile>, checks: (catalog: Catalog) => Diagnostic[], assetSlots?: Map<string, number>): Catalog {
  const diagnostics: Diagnostic[] = [...basis.loadDiagnostics];
  const catalog: Catalog = { root: basis.root, library, assets, files, diagnostics, commit: basis.commit };
  for (const f of files.values()) if (f.diagnostics.length) diagnostics.push(...f.diagnostics);
  const found = checks(catalog);
  diagnostics.push(...found);
  countProblems(catalog);
  bases.set(catalog, basis);
  crossFileFindings.set(catalog, found);
  if (assetSlots) slotsOf.set(catalog, assetSlots);
  return catalog;
}

/** The place of each asset in its catalog's list, by key (`m:` manifest path, `u:` path of an unmanaged asset). */
const slotsOf = new WeakMap<Catalog, Map<string, number>>();

function assetKey(a: Asset): string {
  return a.managed ? `m:${a.manifest}` : `u:${a.path}`;
}

function slotsFor(catalog: Catalog): Map<string, number> {
  let slots = slotsOf.get(catalog);
  if (!slots) {
    slots = new Map();
    for (let i = 0; i < catalog.assets.length; i++) slots.set(assetKey(catalog.assets[i]), i);
    slotsOf.set(catalog, slots);
  }
  return slots;
}

/**
 * An edit's assets (same listing, same commit): the earlier list with only the assets that own a
 * changed file built again, in their places; undefined when an asset would appear or go away
 * (the whole list is built then). The result equals what the whole build gives.
 */
function assetsAfterEdit(reuse: Reuse, basis: CatalogBasis, files: Map<string, ParsedFile>, layout: Layout): { assets: Asset[]; slots: Map<string, number> } | undefined {
  const slots = slotsFor(reuse.from);
  const assets = reuse.from.assets.slice();
  const rebuilt = new Set<string>();
  for (const p of reuse.changed) {
    const folder = layout.folderOf(p);
    const manifestPath = folder === undefined ? undefined : layout.manifestOf.get(folder);
    const key = manifestPath !== undefined ? `m:${manifestPath}` : `u:${p}`;
    if (rebuilt.has(key)) continue;
    rebuilt.add(key);
    const i = slots.get(key);
    if (manifestPath !== undefined) {
      const manifest = files.get(manifestPath);
      if (i === undefined || !manifest) return undefined;
      const asset = managedAsset(manifest, folder!, layout.filesByFolder.get(folder!) ?? [manifestPath], files, layout.byPath);
      asset.commit = basis.commit;
      assets[i] = asset;
    } else {
      const f = files.get(p);
      const isAsset = !!f && isUnmanagedAsset(p, f, layout.outside);
      if (isAsset !== (i !== undefined)) return undefined;
      if (i !== undefined) assets[i] = unmanagedAsset(f!, basis.commit);
    }
  }
  return { assets, slots };
}

/** A rebuild's previous catalog and the paths that changed since: its other assets are taken over. */
interface Reuse {
  from: Catalog;
  changed: ReadonlySet<string>;
}

/** The cross-file checks' findings of each assembled catalog. */
const crossFileFindings = new WeakMap<Catalog, Diagnostic[]>();

/** The findings of the cross-file checks among a catalog's diagnostics (undefined for a catalog not built here). */
export function catalogCheckFindings(catalog: Catalog): readonly Diagnostic[] | undefined {
  return crossFileFindings.get(catalog);
}

export interface RebuildOptions {
  /** Library-relative paths of files that no longer exist. */
  removed?: readonly string[];
  /**
   * The cross-file checks to run on the rebuilt catalog (default: runCatalogChecks over all of
   * it); the editor passes a scoped run that reuses the findings on unaffected files.
   */
  checks?: (catalog: Catalog) => Diagnostic[];
  /** Reads a file's bytes synchronously (e.g. from an open editor), for a plain YAML file that became an eval's entry. */
  reread?: (path: string) => Uint8Array | undefined;
}

/**
 * A new catalog with `changed` files (parsed elsewhere, e.g. from an editor's unsaved text)
 * in place of the old ones, reusing every other ParsedFile: nothing is read or re-parsed, so
 * this is the cheap path for edits. Parse a changed file with `parseForCatalog` so an eval's
 * plain-YAML entry stays a promptfoo suite. New paths are added (with no other file of their
 * folder read); the old catalog is left untouched.
 */
export function rebuildCatalogWith(catalog: Catalog, changed: readonly ParsedFile[], opts: RebuildOptions = {}): Catalog {
  const old = bases.get(catalog) ?? basisOf(catalog);
  const removed = new Set((opts.removed ?? []).filter((p) => layoutOf(old.entries).byPath.has(p)));
  const added = changed.filter((f) => !layoutOf(old.entries).byPath.has(f.path));
  // The same listing (the common case: an edit) keeps its layout.
  let entries = old.entries;
  if (removed.size || added.length) {
    entries = [...old.entries.filter((e) => !removed.has(e.path)), ...added.map((f) => ({ path: f.path, type: 'file' as const }))];
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  const basis: CatalogBasis = { ...old, entries };
  const { manifestPaths, folderOf, byPath } = layoutOf(entries);
  const files = new Map(catalog.files);
  for (const p of removed) files.delete(p);
  for (const f of changed) {
    if (f.format === 'text' && !formatOfPath(f.path) && folderOf(f.path) === undefined) files.delete(f.path);
    else files.set(f.path, f);
  }
  const touched = new Set([...changed.map((f) => f.path), ...removed]);
  if (opts.reread) {
    for (const m of manifestPaths) {
      const resolved = plainYamlEvalEntry(files.get(m), dirOf(m), byPath, files);
      const bytes = resolved === undefined ? undefined : opts.reread(resolved);
      if (resolved !== undefined && bytes) {
        files.set(resolved, parseFile(resolved, bytes, 'promptfoo'));
        touched.add(resolved);
      }
    }
  }
  // With the same files listed, the assets of unchanged files carry over; a new or removed file may regroup folders.
  const reuse = !added.length && !removed.size ? { from: catalog, changed: touched } : undefined;
  const next = assembleCatalog(basis, files, opts.checks, reuse);
  // A name given by the library's configuration (no library.yaml) stays.
  if (!next.library.hasManifest && !catalog.library.hasManifest) next.library.name = catalog.library.name;
  return next;
}

/**
 * Parses a file's new bytes the way the catalog reads it: an eval asset's entry is always a
 * promptfoo suite, whatever its name.
 */
export function parseForCatalog(catalog: Catalog, path: string, bytes: Uint8Array): ParsedFile {
  const isEvalEntry = catalog.assets.some((a) => a.kind === 'eval' && a.managed && a.entryFile === path);
  return parseFile(path, bytes, isEvalEntry && formatOfPath(path) === undefined ? 'promptfoo' : undefined);
}

/** The basis of a catalog made elsewhere (not by loadCatalog): its files and every file of its assets. */
function basisOf(catalog: Catalog): CatalogBasis {
  const paths = new Set<string>(catalog.files.keys());
  for (const a of catalog.assets) if (a.managed) for (const p of a.files) paths.add(p);
  const fileDiags = new Set<Diagnostic>();
  for (const f of catalog.files.values()) for (const d of f.diagnostics) fileDiags.add(d);
  return {
    root: catalog.root,
    entries: [...paths].sort().map((path) => ({ path, type: 'file' as const })),
    loadDiagnostics: catalog.diagnostics.filter((d) => (d.code === 'path-escape' || d.code === 'git-metadata') && !fileDiags.has(d) && d.range === zero),
    commit: catalog.commit,
    fallbackName: catalog.library.name,
  };
}

function libraryInfo(file: ParsedFile | undefined, fallbackName: string): LibraryInfo {
  const doc = (file?.document ?? {}) as Record<string, unknown>;
  const p = (doc.policy && typeof doc.policy === 'object' ? doc.policy : {}) as Record<string, unknown>;
  const statuses = ['draft', 'review', 'approved', 'deprecated'];
  const policy: Policy = {
    scaffoldStatuses: Array.isArray(p.scaffoldStatuses)
      ? (p.scaffoldStatuses.filter((s) => statuses.includes(s as string)) as AssetStatus[])
      : defaultPolicy.scaffoldStatuses,
    requireOwners: typeof p.requireOwners === 'boolean' ? p.requireOwners : defaultPolicy.requireOwners,
    requireEvalCoverage: typeof p.requireEvalCoverage === 'boolean' ? p.requireEvalCoverage : defaultPolicy.requireEvalCoverage,
    requireApproval: typeof p.requireApproval === 'boolean' ? p.requireApproval : defaultPolicy.requireApproval,
    allowedModels: Array.isArray(p.allowedModels) ? p.allowedModels.filter((s): s is string => typeof s === 'string') : [],
  };
  if (typeof p.maxPromptTokens === 'number' && p.maxPromptTokens > 0) policy.maxPromptTokens = p.maxPromptTokens;
  const models: ModelInfo[] = Array.isArray(doc.models)
    ? (doc.models.filter((m) => m && typeof m === 'object' && typeof (m as ModelInfo).id === 'string') as ModelInfo[])
    : [];
  const info: LibraryInfo = { name: typeof doc.name === 'string' ? doc.name : fallbackName, policy, models, hasManifest: !!file };
  if (typeof doc.description === 'string') info.description = doc.description;
  return info;
}

const kinds: AssetKind[] = ['prompt', 'eval', 'module', 'template'];
const statusList: AssetStatus[] = ['draft', 'review', 'approved', 'deprecated'];

function managedAsset(manifest: ParsedFile, folder: string, folderFiles: string[], files: Map<string, ParsedFile>, byPath: Map<string, LibraryFileEntry>): Asset {
  const doc = (manifest.document && typeof manifest.document === 'object' ? manifest.document : {}) as Record<string, unknown>;
  const ranges = manifest.ranges ?? {};
  const folderName = folder ? baseOf(folder) : '';
  const id = typeof doc.id === 'string' ? doc.id : folderName || 'library-root';
  const kind = kinds.includes(doc.kind as AssetKind) ? (doc.kind as AssetKind) : 'module';
  const status = statusList.includes(doc.status as AssetStatus) ? (doc.status as AssetStatus) : 'draft';
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const asset: Asset = {
    id,
    kind,
    format: 'asset-manifest',
    version: typeof doc.version === 'string' ? doc.version : '0.0.0',
    status,
    managed: true,
    title: typeof doc.title === 'string' ? doc.title : id,
    description: typeof doc.description === 'string' ? doc.description : '',
    owners: strings(doc.owners),
    tags: strings(doc.tags),
    path: folder,
    files: [...folderFiles].sort(),
    inputs: [],
    references: [],
    manifest: manifest.path,
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
  if (typeof doc.replacedBy === 'string') asset.replacedBy = doc.replacedBy;
  if (doc.parameters && typeof doc.parameters === 'object') asset.parameters = doc.parameters;
  if (doc.layout && typeof doc.layout === 'object') asset.layout = doc.layout as Record<string, string>;
  const ap = doc.approval as Record<string, unknown> | undefined;
  if (ap && typeof ap === 'object' && typeof ap.digest === 'string') {
    asset.approval = { by: String(ap.by ?? ''), date: String(ap.date ?? ''), digest: ap.digest };
  }
  for (const field of ['targets', 'dependsOn'] as const) {
    const list = doc[field];
    if (!Array.isArray(list)) continue;
    list.forEach((raw, i) => {
      if (typeof raw !== 'string') return;
      const ref = parseReference(raw);
      if (ref) asset.references.push({ field, ref, rangeInManifest: ranges[`${field}.${i}`] ?? zero });
    });
  }
  if (typeof doc.replacedBy === 'string') {
    const ref = parseReference(doc.replacedBy);
    if (ref) asset.references.push({ field: 'replacedBy', ref, rangeInManifest: ranges['replacedBy#value'] ?? zero } as AssetReference);
  }

  // The entry file.
  let entryFile: ParsedFile | undefined;
  if (typeof doc.entry === 'string') {
    asset.entry = doc.entry;
    const resolved = entryInside(folder, doc.entry);
    if (resolved !== undefined) {
      const e = byPath.get(resolved);
      if (e && (e.type === 'file' || e.linkInside)) {
        asset.entryFile = resolved;
        entryFile = files.get(resolved);
      }
    }
  } else if (kind === 'prompt' || kind === 'eval') {
    const candidates = asset.files.map((p) => files.get(p)).filter((f): f is ParsedFile => !!f && f.format !== 'asset-manifest' && f.format !== 'text' && !f.partialName);
    const wanted = candidates.filter((f) => (kind === 'eval' ? f.format === 'promptfoo' : f.format !== 'promptfoo'));
    if (wanted.length === 1) {
      entryFile = wanted[0];
      asset.entryFile = wanted[0].path;
    }
  }
  if (entryFile) {
    asset.format = entryFile.format;
    if (entryFile.inputs) asset.inputs = entryFile.inputs;
    if (!doc.title && (entryFile.meta.title || entryFile.meta.name)) asset.title = entryFile.meta.title ?? entryFile.meta.name ?? asset.title;
    if (!doc.description && entryFile.meta.description) asset.description = entryFile.meta.description;
  }
  asset.model = typeof doc.model === 'string' ? doc.model : (entryFile?.models?.[0]?.id ?? entryFile?.evalSuite?.providers[0]?.id);
  return asset;
}

function unmanagedAsset(f: ParsedFile, commit: string | undefined): Asset {
  const name = baseOf(f.path);
  let stem: string;
  if (f.format === 'skill') stem = baseOf(dirOf(f.path)) || 'skill';
  else if (f.format === 'promptfoo' && /^promptfooconfig\.ya?ml$/i.test(name)) stem = baseOf(dirOf(f.path)) || 'promptfoo';
  else stem = name.replace(/\.(prompt\.ya?ml|prompt\.md|agent\.md|chatmode\.md|instructions\.md|prompty|prompt|ya?ml)$/i, '');
  const id =
    stem
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'asset';
  const kind: AssetKind = f.format === 'promptfoo' ? 'eval' : f.format === 'skill' ? 'module' : 'prompt';
  const asset: Asset = {
    id,
    kind,
    format: f.format,
    version: f.meta.version && /^\d+\.\d+\.\d+/.test(f.meta.version) ? f.meta.version : '0.0.0',
    status: 'draft',
    managed: false,
    title: f.meta.title ?? f.meta.name ?? id,
    description: f.meta.description ?? '',
    owners: [],
    tags: f.meta.tags ?? [],
    path: f.path,
    entry: name,
    entryFile: f.path,
    files: [f.path],
    inputs: f.inputs ?? [],
    references: [],
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
  const model = f.models?.[0]?.id ?? f.evalSuite?.providers[0]?.id;
  if (model) asset.model = model;
  if (commit) asset.commit = commit;
  return asset;
}

/**
 * Sets each asset's problem counts from the catalog's diagnostics. An asset whose counts differ
 * from the ones it carries is replaced by a copy (an asset taken over from an earlier catalog
 * may be shared with it, and is left as it is).
 */
function countProblems(catalog: Catalog): void {
  const byFile = new Map<string, { errors: number; warnings: number; infos: number }>();
  for (const d of catalog.diagnostics) {
    let c = byFile.get(d.file);
    if (!c) byFile.set(d.file, (c = { errors: 0, warnings: 0, infos: 0 }));
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    else c.infos++;
  }
  const assets = catalog.assets;
  for (let i = 0; i < assets.length; i++) {
    const a = assets[i];
    let errors = 0;
    let warnings = 0;
    let infos = 0;
    for (const p of a.files) {
      const c = byFile.get(p);
      if (!c) continue;
      errors += c.errors;
      warnings += c.warnings;
      infos += c.infos;
    }
    const had = a.problems;
    if (had.errors !== errors || had.warnings !== warnings || had.infos !== infos) assets[i] = { ...a, problems: { errors, warnings, infos } };
  }
}
