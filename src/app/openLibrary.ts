// Opening a library in Node, for the CLI and the extension alike: a folder as it is, or a git URL cloned into a cache and read at a commit.

import * as nodePath from 'node:path';
import { fullStages } from '../core/checks/stages';
import { folderSource } from '../core/library/fileSource';
import type { CatalogLevel, FileParser } from '../core/library/load';
import type { FileSource } from '../core/library/fileSource';
import { libraryArgument, librarySource } from '../core/library/source';
import type { LibrarySource, LibrarySpec } from '../core/library/source';
import { openGitLibrary } from '../core/library/gitLibrary';
import type { CachedGitLibrary } from '../core/library/gitLibrary';
import type { LibraryCacheDeps } from '../core/library/sync';
import type { Catalog } from '../core/library/types';
import type { FileReader, Git, GitLogEntry, Locker, Log } from '../core/ports';
import { silentLog } from '../core/ports';
import { nodeFileSystem, nodePathOps, realPathOrSelf } from '../node/fileSystem';
import { NodeGit } from '../node/git';
import { FileLocker } from '../node/lock';
import { openFolderLibrary } from '../node/openFolder';
import type { FolderSnapshotSettings } from '../node/folderSnapshot';
import { engineStamp } from './engineStamp';

export type Env = Record<string, string | undefined>;

/** A library opened: what was asked for, its catalog, and where its files are. */
export interface OpenedLibrary {
  /** The folder or git URL (with the configured name, if any). */
  library: LibrarySource;
  catalog: Catalog;
  /** The folder holding the library's files on disk (the clone's work tree for a git library). */
  root: string;
  /** Where the catalog's files are read from (the commit's blobs for a git library). */
  source: FileSource;
  /** The commit read (git libraries). */
  commit?: string;
  /** What to tell the user (e.g. "offline: showing the cache of ... synced 3 hours ago"). */
  warnings: string[];
  /** The clone behind a git library: its state, cache paths, index cache and the sync that ran. */
  git?: Omit<CachedGitLibrary, 'catalog' | 'warnings' | 'source' | 'commit'>;
}

export interface OpenLibraryOptions {
  /** Where git libraries are cloned. */
  cacheDir: string;
  /** never: the cache only; if-missing: clone on first use; always: sync first (falls back to the cache with a warning when offline). */
  sync: 'never' | 'if-missing' | 'always';
  log?: Log;
  /** For resolving relative folders (default process.cwd()). */
  cwd?: string;
  /** Environment of git (default process.env). */
  env?: Env;
  /** Injected implementations (the extension's cancellable git; tests' short timeouts). */
  git?: Git;
  locker?: Locker;
  /** The parsers' build (default: the CLI's engineStamp). */
  engine?: string;
  onParse?: (path: string) => void;
  /** How much to read: `catalog` for what shows no diagnostics (list, sync); default `full`. */
  level?: CatalogLevel;
  parser?: FileParser;
}

/** The Node dependencies of the library cache. */
export function nodeCacheDeps(opts: { log?: Log; env?: Env; git?: Git; locker?: Locker } = {}): LibraryCacheDeps {
  return {
    fs: nodeFileSystem,
    path: nodePathOps,
    git: opts.git ?? new NodeGit({ env: opts.env }),
    locker: opts.locker ?? new FileLocker(),
    clock: { now: () => new Date() },
    log: opts.log ?? silentLog,
  };
}

/** Parses a `--library` value: a git URL when written as one (validated, refused transports throw), else a folder relative to `cwd`. */
export function libraryFromArgument(value: string, cwd: string, ref?: string): LibrarySource {
  return libraryArgument(value, { resolvePath: (p) => nodePath.resolve(cwd, p), isAbsolutePath: (p) => nodePath.isAbsolute(p), ref });
}

/** A configured library (`{ name, url | path, ref }`) as a source (validated); folders relative to `cwd`. */
export function libraryFromSpec(spec: LibrarySpec, cwd: string): LibrarySource {
  return librarySource(spec, { resolvePath: (p) => nodePath.resolve(cwd, p), isAbsolutePath: (p) => nodePath.isAbsolute(p) });
}

/**
 * Opens a library given as a spec (`{ name, url | path, ref }`) or an already parsed source.
 * Folders are read as they are; git URLs are cloned into `cacheDir` on first use (with
 * `sync: 'if-missing'`) and read from the cache afterwards. A configured name is the
 * library's name when its library.yaml gives none.
 */
export async function openLibrary(spec: LibrarySpec | LibrarySource, opts: OpenLibraryOptions): Promise<OpenedLibrary> {
  const cwd = opts.cwd ?? process.cwd();
  const library = 'kind' in spec ? spec : libraryFromSpec(spec, cwd);
  if (library.kind === 'folder') {
    // The folder's catalog is kept in the cache folder between opens: files that did not change are not read again.
    const snapshot = { cacheDir: opts.cacheDir, engine: opts.engine ?? engineStamp('cli'), log: opts.log };
    const opened = await openFolder(nodePath.resolve(cwd, library.path), { name: library.name, onParse: opts.onParse, level: opts.level, parser: opts.parser, snapshot });
    return { ...opened, library };
  }
  const deps = nodeCacheDeps(opts);
  // The name reaches the catalog as the loader's fallback name (git libraries read it from the source).
  const { catalog, warnings, source, commit, ...git } = await openGitLibrary(deps, library, {
    cacheDir: opts.cacheDir,
    sync: opts.sync,
    engine: opts.engine ?? engineStamp('cli'),
    onParse: opts.onParse,
    level: opts.level,
    parser: opts.parser ?? fullStages.parser,
    checks: fullStages.checks,
  });
  return { library, catalog, root: git.paths.repo, source, commit, warnings, git };
}

/**
 * Opens a folder as a library: every folder read as a library (a library, a pilot's own files)
 * is opened here. `name` is the library's name when library.yaml gives none (default: the
 * folder's name); `reader` reads its files (default: asynchronous reads); with `snapshot`, only
 * files changed since the last open are read (src/node/folderSnapshot.ts).
 */
export async function openFolder(
  root: string,
  opts: { name?: string; onParse?: (path: string) => void; level?: CatalogLevel; parser?: FileParser; reader?: FileReader; snapshot?: FolderSnapshotSettings } = {},
): Promise<OpenedLibrary> {
  const abs = nodePath.resolve(root);
  const source = folderSource(opts.reader ?? nodeFileSystem, nodePathOps, abs);
  const catalog = await openFolderLibrary(abs, { name: opts.name, source, onParse: opts.onParse, level: opts.level, parser: opts.parser, snapshot: opts.snapshot });
  return { ...openedFolder(catalog, opts.name), source };
}

/** A folder library whose catalog is already loaded (by an editor's catalog store, say), as opened. */
export function openedFolder(catalog: Catalog, name?: string): OpenedLibrary {
  const library: LibrarySource = name === undefined ? { kind: 'folder', path: catalog.root } : { kind: 'folder', name, path: catalog.root };
  return { library, catalog, root: catalog.root, source: folderSource(nodeFileSystem, nodePathOps, catalog.root), warnings: [] };
}

/** The git work tree holding a folder library: its top folder, and the library's folder inside it ('' when the same, '/'-separated). */
export interface LibraryRepository {
  dir: string;
  prefix: string;
}

/** The repository a folder library is in, when it is in one (the caller decides whether git may run on the folder). */
export async function libraryRepository(git: Git, root: string): Promise<LibraryRepository | undefined> {
  const top = await git.workTreeRoot(root).catch(() => undefined);
  if (!top) return undefined;
  const prefix = nodePath
    .relative(await realPathOrSelf(top), await realPathOrSelf(root))
    .split(nodePath.sep)
    .join('/');
  return prefix.startsWith('..') ? undefined : { dir: top, prefix };
}

/**
 * The history of a file or folder of a library (`git log` of that path), newest first: from
 * the clone at the library's commit for git libraries, from the enclosing work tree for a
 * folder inside one; empty for a folder outside git.
 */
export async function libraryHistory(lib: OpenedLibrary, path: string, opts: { max?: number; git?: Git; env?: Env } = {}): Promise<GitLogEntry[]> {
  const git = opts.git ?? new NodeGit({ env: opts.env });
  const max = opts.max ?? 10;
  const rel = path.replace(/^\/+/, '');
  if (lib.library.kind === 'git' && lib.commit) return git.log(lib.root, lib.commit, rel, max);
  if (!(await git.workTreeRoot(lib.root))) return [];
  try {
    return await git.log(lib.root, 'HEAD', rel, max);
  } catch {
    return []; // a repository without commits yet
  }
}
