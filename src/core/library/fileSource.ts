// Where a library's files come from: what a source lists and reads, and the source over a plain folder.

import ignoreRules from 'ignore';
import type { Ignore } from 'ignore';
import type { FormatId } from '../formats/types';
import { maxFolderDepth, maxLibraryFiles } from '../limits';
import type { FileReader, PathOps } from '../ports';
import type { ListedEntry } from './types';

/** A listed file or link as a source gives it. */
export interface LibraryFileEntry extends ListedEntry {
  /** Content key (a git blob id) when the source knows one; the cache is keyed by it. */
  key?: string;
  size?: number;
}

/** The entries as a catalog's listing holds them: without the keys and sizes their contents were read by. */
export function listedEntries(entries: readonly LibraryFileEntry[]): readonly LibraryFileEntry[] {
  return entries.some((e) => e.key !== undefined || e.size !== undefined) ? entries.map(({ key: _key, size: _size, ...e }) => e) : entries;
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

/** Folders never walked: version control data and installed packages. Any other folder is, dot-folders too (`.github`, `.claude`, `.cursor`, `.agents`). */
export const skippedDirs: ReadonlySet<string> = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** The `.gitignore` rules of the folders above a path, nearest last: a path is ignored when the last rule that speaks of it says so (git's order). */
type IgnoreRules = { base: string; rules: Ignore }[];

function ignoredBy(stack: IgnoreRules, rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, rules } of stack) {
    const under = base ? rel.slice(base.length + 1) : rel;
    const t = rules.test(isDir ? `${under}/` : under);
    if (t.ignored) ignored = true;
    else if (t.unignored) ignored = false;
  }
  return ignored;
}

/**
 * A FileSource over a plain folder, walked through the FileReader port. Every folder is walked but
 * `.git` and `node_modules`, and what the folder's `.gitignore` files ignore (as git would list
 * it). Links are never followed out: one to a file inside reads as that file; one to a folder
 * inside is not walked (the folder's files are listed where they are) and is not reported.
 */
export function folderSource(fs: FileReader, path: PathOps, root: string): FileSource {
  return {
    async list() {
      const out: LibraryFileEntry[] = [];
      const rootReal = (await fs.realPath(root)) ?? root;
      const walk = async (dir: string, rel: string, depth: number, ignore: IgnoreRules): Promise<void> => {
        if (depth > maxFolderDepth || out.length >= maxLibraryFiles) return;
        let entries;
        try {
          entries = await fs.readDir(dir);
        } catch {
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        if (entries.some((e) => e.name === '.gitignore' && e.type === 'file')) {
          try {
            const text = new TextDecoder().decode(await fs.readFile(path.join(dir, '.gitignore')));
            ignore = [...ignore, { base: rel, rules: ignoreRules().add(text) }];
          } catch {
            // An unreadable .gitignore ignores nothing: the folder is listed whole, as before it had one.
          }
        }
        for (const e of entries) {
          if (out.length >= maxLibraryFiles) return;
          const abs = path.join(dir, e.name);
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (ignore.length && ignoredBy(ignore, r, e.type === 'directory')) continue;
          if (e.type === 'directory') {
            if (skippedDirs.has(e.name)) continue;
            await walk(abs, r, depth + 1, ignore);
          } else if (e.type === 'file') {
            out.push({ path: r, type: 'file' });
          } else if (e.type === 'symlink') {
            const real = await fs.realPath(abs);
            const inside = real !== undefined && isInside(path, rootReal, real);
            const st = inside && real ? await fs.stat(real) : undefined;
            // A folder inside the library: its files are listed where they lie.
            if (st?.type === 'directory') continue;
            out.push({ path: r, type: 'symlink', linkTarget: real ?? '(missing)', linkInside: inside && st?.type === 'file' });
          }
        }
      };
      await walk(root, '', 0, []);
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
