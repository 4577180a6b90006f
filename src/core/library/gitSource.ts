// A FileSource over one commit of a git clone: files from `git ls-tree -r`, keyed by blob id, read from the object store.

import { maxFolderDepth, maxLibraryFiles } from '../limits';
import type { Git, GitBlobReader, GitTreeEntry } from '../ports';
import { joinInside } from './paths';
import { skippedDirs } from './fileSource';
import type { FileLocation, FileSource, LibraryFileEntry } from './fileSource';

/** `name/` for each folder the walk skips: a path holding none of them has no such folder. */
const skippedFolders = [...skippedDirs].map((d) => `${d}/`);

/** Same rule as the folder walk: every folder (dot-folders too) but .git and node_modules, bounded depth. What .gitignore ignores is not committed, so not listed. */
export function walked(path: string): boolean {
  let depth = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) if (++depth > maxFolderDepth) return false;
  if (!skippedFolders.some((d) => path.includes(d))) return true;
  const parts = path.split('/');
  for (let i = 0; i < parts.length - 1; i++) if (skippedDirs.has(parts[i])) return false;
  return true;
}

export interface GitFileSource extends FileSource {
  readonly commit: string;
  /** Stops the object reader (it also stops by itself when idle). */
  close(): void;
  /**
   * The files at or under `paths` (repository-relative), without listing the whole tree;
   * undefined when links are among them (a link's target may lie elsewhere: list() instead).
   * read() and locate() then know these files only, until list() is called.
   */
  listUnder(paths: readonly string[]): Promise<LibraryFileEntry[] | undefined>;
}

/**
 * The files of `commit` in the clone at `repoDir`. Links (mode 120000) are reported as
 * links with their target; one that stays inside the library and ends at a file reads as
 * that file, any other is left to the engine to report as a path escape.
 */
export function gitSource(git: Git, repoDir: string, commit: string, opts: { checkedOut?: boolean } = {}): GitFileSource {
  let reader: GitBlobReader | undefined;
  const workTree = !!opts.checkedOut;
  const blobs = (): GitBlobReader => (reader ??= git.blobReader(repoDir, { workTree }));
  let index: Map<string, { entry: LibraryFileEntry; id: string }> | undefined;
  /** True while `index` holds a listUnder() listing only. */
  let partial = false;

  const list = async (): Promise<LibraryFileEntry[]> => build(await git.lsTree(repoDir, commit));
  const build = async (tree: GitTreeEntry[]): Promise<LibraryFileEntry[]> => {
    const files = tree.filter((t) => t.type === 'blob');
    const out: LibraryFileEntry[] = [];
    const map = new Map<string, { entry: LibraryFileEntry; id: string }>();
    const targets = new Map<string, string>();
    // Link targets are blobs too: read them all first.
    await Promise.all(
      files
        .filter((t) => t.mode === '120000' && walked(t.path))
        .map(async (t) => {
          const bytes = await blobs().read(t.id);
          targets.set(t.path, new TextDecoder().decode(bytes));
        }),
    );
    // The files and folders of the tree by path, to know where a link leads (made at the first link).
    let byPath: Map<string, GitTreeEntry> | undefined;
    let folders: Set<string> | undefined;
    /** Where a link leads in the tree: a file (its entry), a folder inside, out of the library, nowhere, or round in a loop. */
    const resolveLink = (path: string): GitTreeEntry | 'folder' | 'outside' | 'missing' | 'loop' => {
      byPath ??= new Map(files.map((t) => [t.path, t]));
      if (!folders) {
        folders = new Set<string>();
        for (const p of byPath.keys()) for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) folders.add(p.slice(0, i));
      }
      let current = path;
      for (let hops = 0; hops < 40; hops++) {
        const target = targets.get(current);
        if (target === undefined) return 'outside';
        const slash = current.lastIndexOf('/');
        const next = joinInside(slash < 0 ? '' : current.slice(0, slash), target);
        if (next === undefined) return 'outside';
        if (next === '' || folders.has(next)) return 'folder';
        const t = byPath.get(next);
        if (!t) return 'missing';
        if (t.mode !== '120000') return t;
        current = next;
      }
      return 'loop';
    };
    // In path order (git lists a tree so already, so the sort is one pass, unless a path holds characters beyond U+FFFF).
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const t of files) {
      if (out.length >= maxLibraryFiles) break;
      if (!walked(t.path)) continue;
      if (t.mode === '120000') {
        const end = resolveLink(t.path);
        // A folder inside the library: its files are listed where they lie.
        if (end === 'folder') continue;
        const file = typeof end === 'object' ? end : undefined;
        const linkTarget = end === 'missing' || end === 'loop' ? `(${end})` : (targets.get(t.path) ?? '');
        const entry: LibraryFileEntry = { path: t.path, type: 'symlink', linkTarget, linkInside: file !== undefined };
        if (file) entry.key = file.id;
        out.push(entry);
        map.set(t.path, { entry, id: file?.id ?? t.id });
      } else {
        const entry: LibraryFileEntry = { path: t.path, type: 'file', key: t.id };
        out.push(entry);
        map.set(t.path, { entry, id: t.id });
      }
    }
    index = map;
    partial = false;
    return out;
  };

  return {
    commit,
    list,
    async listUnder(paths: readonly string[]): Promise<LibraryFileEntry[] | undefined> {
      const tree = await git.lsTree(repoDir, commit, paths);
      if (tree.some((t) => t.mode === '120000')) return undefined;
      const out = await build(tree);
      partial = true;
      return out;
    },
    async read(path: string): Promise<Uint8Array> {
      if (!index || (partial && !index.has(path))) await list();
      const hit = index?.get(path);
      if (!hit) throw new Error(`${path} is not in commit ${commit.slice(0, 12)}`);
      if (hit.entry.type === 'symlink' && !hit.entry.linkInside) throw new Error(`${path} is a link that leads outside the library`);
      return blobs().read(hit.id, path);
    },
    locate(path: string): FileLocation | undefined {
      const hit = index?.get(path);
      if (!hit || !(hit.entry.type === 'file' || hit.entry.linkInside)) return undefined;
      return workTree ? { gitDir: repoDir, id: hit.id, path } : { gitDir: repoDir, id: hit.id };
    },
    close() {
      reader?.close();
      reader = undefined;
    },
  };
}
