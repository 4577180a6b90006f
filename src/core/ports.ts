// The small interfaces the core needs from the outside world: files, git, clock and log.

/** What a directory entry is, without following links. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface DirEntry {
  name: string;
  type: EntryType;
}

export interface FileStat {
  type: EntryType;
  size: number;
  mtimeMs: number;
}

/** Read-only file access. Paths are absolute, in the host's own form. */
export interface FileReader {
  readFile(path: string): Promise<Uint8Array>;
  readDir(path: string): Promise<DirEntry[]>;
  /** lstat: links are reported as 'symlink', never followed. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Resolves every link in the path; undefined when it does not exist. */
  realPath(path: string): Promise<string | undefined>;
}

/** File access that may also write (used by approve, scaffold and the caches). */
export interface FileSystem extends FileReader {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * Adds `data` at the end of the existing file `path` (O_APPEND; it does not create the file).
   * Optional: without it, callers write whole files.
   */
  appendFile?(path: string, data: Uint8Array): Promise<void>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** Path arithmetic of the host (node:path or a POSIX equivalent). */
export interface PathOps {
  sep: string;
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
  relative(from: string, to: string): string;
  dirname(path: string): string;
  basename(path: string): string;
  isAbsolute(path: string): boolean;
}

export interface Clock {
  now(): Date;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {} };

/** One entry of a commit's tree (`git ls-tree -r`). */
export interface GitTreeEntry {
  /** Octal mode as git prints it: 100644, 100755, 120000 (link), 160000 (submodule). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  /** Object id (blob id for files and links). */
  id: string;
  /** Repository-relative path, '/' separated. */
  path: string;
}

/** One changed file between two commits (`git diff-tree -r`). */
export interface GitTreeChange {
  /** A added, M modified, D deleted, T type changed (renames and copies are reported as a deletion and an addition). */
  status: string;
  /** Octal modes before and after ('000000' when absent). */
  oldMode: string;
  newMode: string;
  path: string;
}

/** One commit of a history (`git log`). */
export interface GitLogEntry {
  commit: string;
  author: string;
  email: string;
  /** Author date, ISO 8601. */
  date: string;
  subject: string;
}

/** Reads objects by id; one long-lived reader per repository. */
export interface GitBlobReader {
  /**
   * The blob's bytes. With `path` (repository-relative), a reader made for the checked-out
   * commit may take them from that file of the work tree when its content hashes to `id`.
   */
  read(id: string, path?: string): Promise<Uint8Array>;
  close(): void;
}

/**
 * The git operations the library cache needs. `dir` is a repository's working folder.
 * `remote` (a validated URL) is given to operations that may talk to the network: only
 * its protocol is allowed to git for that call. Implementations run every call with a
 * timeout and never let an argument be read as an option.
 */
export interface Git {
  /** Clones without checking out, as a partial clone (`--filter=blob:none`) when `filterBlobs` and the server allows it. */
  clone(remote: string, dir: string, opts?: { filterBlobs?: boolean }): Promise<void>;
  /** Fetches the branches (pruned) and tags of `origin` from `remote`. */
  fetch(dir: string, remote: string): Promise<void>;
  /** The commit a revision names, or undefined when there is none. */
  resolveCommit(dir: string, rev: string): Promise<string | undefined>;
  /** The target of a symbolic ref (e.g. `refs/remotes/origin/HEAD` -> `refs/remotes/origin/main`), or undefined. */
  symbolicRef(dir: string, name: string): Promise<string | undefined>;
  /** Checks out `target`: a local branch (created or reset at `startPoint` only when `force`) or a detached commit. */
  checkout(dir: string, target: { branch: string; startPoint?: string } | { detach: string }, opts: { force?: boolean; remote?: string }): Promise<void>;
  /** Number of commits reachable from HEAD but from no remote branch or tag (what a move to the remote leaves behind). */
  localCommitCount(dir: string): Promise<number>;
  /** Discards an interrupted checkout of our own: removes a stale index.lock and resets the tree to HEAD. */
  repairWorkTree(dir: string, opts: { remote?: string }): Promise<void>;
  /** Every file of `commit`, or with `paths` only those at or under these repository-relative paths. */
  lsTree(dir: string, commit: string, paths?: readonly string[]): Promise<GitTreeEntry[]>;
  /** Files that differ between two commits of the clone (optional: callers without it read the whole tree). */
  diffTree?(dir: string, from: string, to: string): Promise<GitTreeChange[]>;
  /** Reads objects of the clone at `dir`; `workTree`: its work tree holds the commit read (files there are used when they hash to the blob asked for). */
  blobReader(dir: string, opts?: { workTree?: boolean }): GitBlobReader;
  /**
   * Brings one blob missing from a partial clone into it from `remote` (git's lazy fetch, with
   * only the remote's own protocol allowed). Optional: without it, missing blobs stay missing.
   */
  fetchBlob?(dir: string, oid: string, opts: { remote: string }): Promise<void>;
  /** Commits that touched `path` ('' = the whole tree), newest first. */
  log(dir: string, rev: string, path: string, max: number): Promise<GitLogEntry[]>;
  /** The top folder of the work tree holding `dir`, or undefined when it is not in one. */
  workTreeRoot(dir: string): Promise<string | undefined>;
  /** Value of a git config key of the repository, or undefined. */
  getConfig(dir: string, key: string): Promise<string | undefined>;
  /** Points `origin` at `remote` (when the configured credentials or spelling changed). */
  setOriginUrl(dir: string, remote: string): Promise<void>;
}

/** A held lock; `release` is idempotent. */
export interface HeldLock {
  release(): Promise<void>;
}

/** Cross-process locks on files; a lock whose holder died is taken over. */
export interface Locker {
  /**
   * Waits (polling) until the lock at `path` is free and takes it. Throws a UserError
   * naming `what` after `timeoutMs`.
   */
  acquire(path: string, opts: { what: string; timeoutMs?: number; onWait?: (holder: string) => void }): Promise<HeldLock>;
}

/** Names shown in conflict markers of a three-way merge. */
export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

/** Three-way merge of one text file, with git's own machinery (`git merge-file`). */
export interface FileMerger {
  /**
   * Merges the changes from `base` to `theirs` into `ours`. Conflicting hunks carry the
   * standard markers (`<<<<<<< ours`, `=======`, `>>>>>>> theirs`); `conflicts` counts them.
   */
  merge(base: Uint8Array, ours: Uint8Array, theirs: Uint8Array, labels: MergeLabels): Promise<{ data: Uint8Array; conflicts: number }>;
}
