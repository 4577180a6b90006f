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
