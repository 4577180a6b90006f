// A folder library's snapshot in the cache folder: the folder listed with each file's and folder's stat, and where its snapshot lies.

import type { Dirent, Stats } from 'node:fs';
import { closeSync, lstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { sha256Hex } from '../core/hash';
import { folderSource } from '../core/library/fileSource';
import type { LibraryFileEntry } from '../core/library/fileSource';
import type { LoadOptions } from '../core/library/load';
import { folderSnapshotFiles, gitChanged, gitClean, gitUntracked, isRacy, loadFolderCatalog, statWidth } from '../core/library/folderSnapshot';
import type { FolderCatalog, PreviousListing, FolderListing } from '../core/library/folderSnapshot';
import type { DirEntry, Log } from '../core/ports';
import { NodeFileSystem, nodeFileSystem, nodePathOps } from './fileSystem';
import { NodeGit } from './git';

/** Where a folder's snapshot is kept, and by which build. */
export interface FolderSnapshotSettings {
  /** The cache folder (snapshots go to its `folders/` folder, one per absolute path). */
  cacheDir: string;
  /** Identifies the parsers' build (engineStamp): a snapshot of another build is not used. */
  engine: string;
  log?: Log;
  /** This machine's clock in ms (tests move it on, so that files they just wrote count as old). */
  now?: () => number;
  /** What git's index says of the folder (default: NodeGit's): in a git work tree, files git vouches for are not looked at. */
  readIndex?: IndexReader;
  /** From how many files git is asked (default gitMinFiles). */
  gitMinFiles?: number;
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

/** What git's index says of a folder's files (NodeGit's methods). */
export type IndexReader = Pick<NodeGit, 'indexChanges' | 'trackedFiles'>;

/** git's answers for one listing: what changed (asked before the listing starts, so that git runs beside it) and how to ask for the index's entries. */
export interface IndexQuery {
  changes: Promise<{ indexFile: string; changed: string[] } | undefined>;
  entries(): Promise<string[]>;
}

/**
 * The number of files from which a listing asks git about them by default. At 21,500 files (the bench's 10,000 assets)
 * git's answer takes 14% off the second list of a folder; at 2,000, starting git costs more than the stats it saves.
 */
const gitMinFiles = 8000;

/** True when `dir` or a folder above it holds `.git` (a folder, or the file of a linked work tree): where git would look for a repository. */
function inWorkTree(dir: string): boolean {
  for (let d = dir; ; d = nodePath.dirname(d)) {
    if (statOf(nodePath.join(d, '.git'), true)) return true;
    if (nodePath.dirname(d) === d) return false;
  }
}

/** The number of files of the listing stored in `file` (its header line's `files`), or undefined when it cannot tell. */
function listedFiles(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    const nl = head.subarray(0, n).indexOf(10);
    const files = nl > 0 ? (JSON.parse(head.toString('utf8', 0, nl)) as { files?: unknown } | null)?.files : undefined;
    return typeof files === 'number' && Number.isSafeInteger(files) ? files : undefined;
  } catch {
    return undefined; // no listing (a first open), or one that does not read: the listing itself decides
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Asks `reader` about `dir` at once: git runs in another process while the folder is listed. */
function queryIndex(reader: IndexReader, dir: string): IndexQuery {
  return {
    // Not a work tree, or git is missing or failed: every file is looked at.
    changes: reader.indexChanges(dir).catch(() => undefined),
    entries: () => reader.trackedFiles(dir, true),
  };
}

const sameStat = (a: Float64Array, at: number, s: Stats): boolean => a[at] === s.size && a[at + 1] === s.mtimeMs && a[at + 2] === s.ctimeMs && a[at + 3] === s.ino;

/** What git's index says of the folder's files now. */
interface IndexNow {
  index: string;
  indexStat: Float64Array;
  changed: Set<string>;
  /** The plain entries of the index; undefined when it is the index of `previous.git` (the same stat, so the same entries). */
  tracked?: Set<string>;
}

/**
 * git's answer to `query`, for a listing that starts at `listedAt`. Undefined when there is none, or
 * the index changed within the racy margin: its stat could then stay the same through another change,
 * and it may have changed while git compared the files with it.
 */
async function indexNow(query: IndexQuery, previous: PreviousListing | undefined, listedAt: number): Promise<IndexNow | undefined> {
  const view = await query.changes;
  const s = view && statOf(view.indexFile, true);
  if (!view || !s || isRacy(Math.max(s.mtimeMs, s.ctimeMs), listedAt)) return undefined;
  const indexStat = new Float64Array(statWidth);
  put(indexStat, 0, s);
  const changed = new Set(view.changed);
  const before = previous?.git;
  if (before && before.index === view.indexFile && sameStat(before.indexStat, 0, s)) return { index: view.indexFile, indexStat, changed };
  let tracked: string[];
  try {
    tracked = await query.entries();
  } catch {
    return undefined; // as above
  }
  const after = statOf(view.indexFile, true);
  return after && sameStat(indexStat, 0, after) ? { index: view.indexFile, indexStat, changed, tracked: new Set(tracked) } : undefined;
}

/** How a listing asks git about the files (see listFolder). */
export interface GitListing {
  /** Undefined: git is not asked. */
  reader?: IndexReader;
  /** Git is asked when the folder has this many files or more (default gitMinFiles): the previous listing's, else the walk's. */
  minFiles?: number;
  /** git asked already (queryIndex), before the previous listing was read: its answer is the one used. */
  asked?: IndexQuery;
}

/**
 * The folder's files as folderSource lists them, with the stat of each (of a link: of its
 * target). Folders whose stat is the one in `previous` are not read again; when none changed
 * (and no file was a link, whose target may have, and no .gitignore changed), the files are those of `previous`.
 * In a git work tree (`asking`), a file git's index holds, unchanged since `previous` and clean
 * then and now, keeps the stat `previous` has for it: git compared it with the index, which is faster
 * than a stat of each file here.
 */
export async function listFolder(root: string, previous?: PreviousListing, now: () => number = Date.now, asking: GitListing = {}): Promise<FolderListing> {
  const listedAt = now();
  const { reader, minFiles = gitMinFiles } = asking;
  const ask = (files: number): Promise<IndexNow | undefined> | undefined => (reader && files >= minFiles && inWorkTree(root) ? indexNow(queryIndex(reader, root), previous, listedAt) : undefined);
  let gitNow = asking.asked ? indexNow(asking.asked, previous, listedAt) : previous && ask(previous.files.length);
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
  gitNow ??= ask(listed.entries.length);
  const n = listed.entries.length;
  const stats = new Float64Array(n * statWidth);
  // git's answer is awaited before the files are looked at only when it can vouch for some (the previous listing has one of
  // its own); otherwise it is only kept for the next listing, and awaited once the files are looked at.
  let git = previous?.git ? await gitNow : undefined;
  const before = git && !git.tracked ? previous : undefined;
  let beforeAt: Map<string, number> | undefined;
  const at = (i: number, path: string): number | undefined => {
    if (before!.files[i] === path) return i;
    beforeAt ??= new Map(before!.files.map((p, j) => [p, j]));
    return beforeAt.get(path);
  };
  const stateOf = (git: IndexNow, e: LibraryFileEntry, j: number | undefined): number => {
    if (e.type !== 'file') return gitUntracked;
    const tracked = before ? j !== undefined && before.git!.states[j] !== gitUntracked : git.tracked!.has(e.path);
    return !tracked ? gitUntracked : git.changed.has(e.path) ? gitChanged : gitClean;
  };
  const states = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const e = listed.entries[i];
    if (before) {
      const j = at(i, e.path);
      states[i] = stateOf(git!, e, j);
      // Clean then and now under the same index: the content is the same, and so is the stat kept for it.
      if (j !== undefined && states[i] === gitClean && before.git!.states[j] === gitClean && !Number.isNaN(before.stats[j * statWidth])) {
        for (let k = 0; k < statWidth; k++) stats[i * statWidth + k] = before.stats[j * statWidth + k];
        continue;
      }
    }
    // A link is known by its target's stat (its content is the target's).
    put(stats, i, statOf(absolute(root, e.path), e.type === 'symlink'));
  }
  git ??= await gitNow;
  if (git && !before) for (let i = 0; i < n; i++) states[i] = stateOf(git, listed.entries[i], undefined);
  return { ...listed, stats, listedAt, git: git && { index: git.index, indexStat: git.indexStat, states } };
}

/**
 * Loads a folder library as `load` asks, through its snapshot in the cache folder: only files
 * whose stat changed since the last open are read (loadFolderCatalog); the folder is listed here.
 */
export async function openFolderSnapshot(settings: FolderSnapshotSettings, load: LoadOptions): Promise<FolderCatalog> {
  const dir = folderSnapshotDir(settings.cacheDir, load.root);
  const reader = settings.readIndex ?? new NodeGit();
  const minFiles = settings.gitMinFiles ?? gitMinFiles;
  // git is asked at once about a folder that was large at its last listing: it then answers while the stored listing is read.
  const stored = folderSnapshotFiles(nodePathOps, dir)[(load.level ?? 'full') === 'full' ? 'fullListing' : 'listing'];
  const asked = (listedFiles(stored) ?? 0) >= minFiles && inWorkTree(load.root) ? queryIndex(reader, load.root) : undefined;
  const snapshot = {
    list: (previous?: PreviousListing) => listFolder(load.root, previous, settings.now, { reader, minFiles, asked }),
    fs: nodeFileSystem,
    path: nodePathOps,
    dir,
    engine: settings.engine,
    log: settings.log,
  };
  return loadFolderCatalog(snapshot, load);
}
