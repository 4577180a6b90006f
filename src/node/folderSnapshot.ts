// A folder library's snapshot in the cache folder: the folder listed with each file's and folder's stat, and where its snapshot lies.

import type { Dirent, Stats } from 'node:fs';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { sha256Hex } from '../core/hash';
import { folderSource } from '../core/library/fileSource';
import type { LibraryFileEntry } from '../core/library/fileSource';
import type { LoadOptions } from '../core/library/load';
import { isRacy, loadFolderCatalog, statWidth } from '../core/library/folderSnapshot';
import type { FolderCatalog, PreviousListing, FolderListing } from '../core/library/folderSnapshot';
import type { DirEntry, Log } from '../core/ports';
import { NodeFileSystem, nodeFileSystem, nodePathOps } from './fileSystem';

/** Where a folder's snapshot is kept, and by which build. */
export interface FolderSnapshotSettings {
  /** The cache folder (snapshots go to its `folders/` folder, one per absolute path). */
  cacheDir: string;
  /** Identifies the parsers' build (engineStamp): a snapshot of another build is not used. */
  engine: string;
  log?: Log;
  /** This machine's clock in ms (tests move it on, so that files they just wrote count as old). */
  now?: () => number;
}

/** The snapshot folder of the folder library at `root` (absolute): `folders/<name>-<hash of the path>`. */
export function folderSnapshotDir(cacheDir: string, root: string): string {
  const name =
    nodePath
      .basename(root)
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .slice(0, 40) || 'root';
  return nodePath.join(cacheDir, 'folders', `${name}-${sha256Hex(root).slice(0, 16)}`);
}

const typeLetters: Record<DirEntry['type'], string> = { file: 'f', directory: 'd', symlink: 'l', other: 'o' };
const letterTypes: Record<string, DirEntry['type']> = { f: 'file', d: 'directory', l: 'symlink', o: 'other' };

function entryType(d: Dirent): DirEntry['type'] {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isDirectory()) return 'directory';
  if (d.isFile()) return 'file';
  return 'other';
}

/** The absolute path of a library-relative one. */
function absolute(root: string, rel: string): string {
  if (!rel) return root;
  const tail = nodePath.sep === '/' ? rel : rel.split('/').join(nodePath.sep);
  return root.endsWith(nodePath.sep) ? root + tail : root + nodePath.sep + tail;
}

/** Puts the stat `s` (NaN when undefined) at `i` of `out`: size, modification and change times, inode. */
function put(out: Float64Array, i: number, s: Stats | undefined): void {
  const at = i * statWidth;
  if (!s) out.fill(NaN, at, at + statWidth);
  else {
    out[at] = s.size;
    out[at + 1] = s.mtimeMs;
    out[at + 2] = s.ctimeMs;
    out[at + 3] = s.ino;
  }
}

/** A stat, or undefined when there is nothing to look at (or it cannot be: a link loop, no permission). */
function statOf(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path, { throwIfNoEntry: false }) : lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // without a stat the file counts as changed at every open
  }
}

/**
 * Node's files with folders listed synchronously (a whole folder is walked with nothing else
 * waiting on the thread), and by their stat: a folder whose stat is the one listed before is
 * given the entries listed then, without being read. Records every folder listed.
 */
class ListedFolders extends NodeFileSystem {
  readonly folders: string[] = [];
  readonly stats: (Stats | undefined)[] = [];
  readonly entries: (readonly string[])[] = [];
  read = 0;
  private previousAt: Map<string, number> | undefined;
  private previousEntries: readonly (readonly string[])[] | undefined;

  constructor(
    private readonly root: string,
    private readonly listedAt: number,
    private readonly previous: PreviousListing | undefined,
  ) {
    super();
  }

  /** The entries of the folder `rel` listed before, when its stat then is `s`'s. */
  private before(rel: string, s: Stats): readonly string[] | undefined {
    const p = this.previous;
    if (!p || isRacy(Math.max(s.mtimeMs, s.ctimeMs), this.listedAt)) return undefined;
    this.previousAt ??= new Map(p.folders.map((f, i) => [f, i]));
    const i = this.previousAt.get(rel);
    if (i === undefined) return undefined;
    const at = i * statWidth;
    const st = p.folderStats;
    if (st[at] !== s.size || st[at + 1] !== s.mtimeMs || st[at + 2] !== s.ctimeMs || st[at + 3] !== s.ino) return undefined;
    this.previousEntries ??= p.folderEntries() ?? [];
    return this.previousEntries[i];
  }

  override readDir(path: string): Promise<DirEntry[]> {
    const rel =
      path === this.root
        ? ''
        : path
            .slice(this.root.length + (this.root.endsWith(nodePath.sep) ? 0 : 1))
            .split(nodePath.sep)
            .join('/');
    let s: Stats | undefined;
    let names: readonly string[] = [];
    try {
      // The folder's stat before its entries: a change after it shows in the next stat.
      s = statSync(path);
      const before = this.before(rel, s);
      if (before) names = before;
      else {
        names = readdirSync(path, { withFileTypes: true }).map((d) => typeLetters[entryType(d)] + d.name);
        this.read++;
      }
      return Promise.resolve(names.map((n) => ({ name: n.slice(1), type: letterTypes[n[0]] ?? 'other' })));
    } catch (e) {
      // Not readable now (the walk leaves it out): kept without a stat, so that it is tried again next time.
      s = undefined;
      return Promise.reject(e as Error);
    } finally {
      this.folders.push(rel);
      this.stats.push(s);
      this.entries.push(names);
    }
  }
}

/** True when every folder of `previous` has the stat it had (so holds the entries it held), none changed within the racy margin. */
function sameFolders(root: string, previous: PreviousListing, listedAt: number): boolean {
  const st = previous.folderStats;
  for (let i = 0; i < previous.folders.length; i++) {
    const s = statOf(absolute(root, previous.folders[i]), true);
    const at = i * statWidth;
    if (!s || st[at] !== s.size || st[at + 1] !== s.mtimeMs || st[at + 2] !== s.ctimeMs || st[at + 3] !== s.ino || isRacy(Math.max(s.mtimeMs, s.ctimeMs), listedAt)) return false;
  }
  return previous.folders.length > 0;
}

/** True when every `.gitignore` among the files of `previous` has the stat it had: what they ignore decides the listing as much as the folders' entries do. */
function sameIgnoreFiles(root: string, previous: PreviousListing): boolean {
  const st = previous.stats;
  for (let i = 0; i < previous.files.length; i++) {
    const p = previous.files[i];
    if (p !== '.gitignore' && !p.endsWith('/.gitignore')) continue;
    const s = statOf(absolute(root, p), false);
    const at = i * statWidth;
    if (!s || st[at] !== s.size || st[at + 1] !== s.mtimeMs || st[at + 2] !== s.ctimeMs || st[at + 3] !== s.ino) return false;
  }
  return true;
}

/**
 * The folder's files as folderSource lists them, with the stat of each (of a link: of its
 * target). Folders whose stat is the one in `previous` are not read again; when none changed
 * (and no file was a link, whose target may have, and no .gitignore changed), the files are those of `previous`.
 */
export async function listFolder(root: string, previous?: PreviousListing, now: () => number = Date.now): Promise<FolderListing> {
  const listedAt = now();
  let listed: Omit<FolderListing, 'stats' | 'listedAt'>;
  if (previous && previous.links.size === 0 && sameFolders(root, previous, listedAt) && sameIgnoreFiles(root, previous)) {
    listed = {
      entries: previous.files.map((path): LibraryFileEntry => ({ path, type: 'file' })),
      folders: [...previous.folders],
      folderStats: previous.folderStats,
      folderEntries: () => previous.folderEntries() ?? [],
      foldersRead: 0,
    };
  } else {
    const folders = new ListedFolders(root, listedAt, previous);
    const entries = await folderSource(folders, nodePathOps, root).list();
    const folderStats = new Float64Array(folders.folders.length * statWidth);
    // A folder changed within the racy margin is read again next time.
    folders.stats.forEach((s, i) => put(folderStats, i, s && !isRacy(Math.max(s.mtimeMs, s.ctimeMs), listedAt) ? s : undefined));
    listed = { entries, folders: folders.folders, folderStats, folderEntries: () => folders.entries, foldersRead: folders.read };
  }
  const stats = new Float64Array(listed.entries.length * statWidth);
  // A link is known by its target's stat (its content is the target's).
  listed.entries.forEach((e, i) => put(stats, i, statOf(absolute(root, e.path), e.type === 'symlink')));
  return { ...listed, stats, listedAt };
}

/**
 * Loads a folder library as `load` asks, through its snapshot in the cache folder: only files
 * whose stat changed since the last open are read (loadFolderCatalog); the folder is listed here.
 */
export async function openFolderSnapshot(settings: FolderSnapshotSettings, load: LoadOptions): Promise<FolderCatalog> {
  const snapshot = {
    list: (previous?: PreviousListing) => listFolder(load.root, previous, settings.now),
    fs: nodeFileSystem,
    path: nodePathOps,
    dir: folderSnapshotDir(settings.cacheDir, load.root),
    engine: settings.engine,
    log: settings.log,
  };
  return loadFolderCatalog(snapshot, load);
}
