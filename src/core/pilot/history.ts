// A library's history through the Git port: its files at any commit (the base of a three-way update) and the commits touching a folder.

import { gitSource } from '../library/gitSource';
import type { GitFileSource } from '../library/gitSource';
import type { FileSource } from '../library/load';
import type { Git } from '../ports';

export interface LibraryHistory {
  /** The library's files at `commit` (library-relative paths), or undefined when the history does not hold it. */
  at(commit: string): Promise<FileSource | undefined>;
  /** Commits that touched a library-relative path, newest first, from the library's current commit. */
  commitsTouching(path: string, max: number): Promise<string[]>;
  /** Stops readers started by `at`. */
  close(): void;
}

/**
 * The history of a library that lives in a git repository at `repoDir` (its root, or the
 * folder `prefix` inside it), read at `head` and older commits. Nothing is fetched: an
 * object missing from a partial clone makes that read fail, and the caller goes without a base.
 */
export function gitLibraryHistory(git: Git, repoDir: string, opts: { head: string; prefix?: string }): LibraryHistory {
  const prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const sources: GitFileSource[] = [];
  const cache = new Map<string, Promise<FileSource | undefined>>();
  return {
    at(commit: string) {
      if (!/^[0-9a-f]{40,64}$/.test(commit)) return Promise.resolve(undefined);
      let p = cache.get(commit);
      if (!p) {
        p = (async () => {
          const full = await git.resolveCommit(repoDir, commit);
          if (!full) return undefined;
          const inner = gitSource(git, repoDir, full);
          sources.push(inner);
          if (!prefix) return inner;
          const strip = prefix + '/';
          const src: FileSource = {
            async list() {
              return (await inner.list()).filter((e) => e.path.startsWith(strip)).map((e) => ({ ...e, path: e.path.slice(strip.length) }));
            },
            read(path: string) {
              return inner.read(strip + path);
            },
          };
          return src;
        })();
        cache.set(commit, p);
      }
      return p;
    },
    async commitsTouching(path: string, max: number) {
      const full = prefix ? (path ? `${prefix}/${path}` : prefix) : path;
      try {
        return (await git.log(repoDir, opts.head, full, max)).map((e) => e.commit);
      } catch {
        return [];
      }
    },
    close() {
      for (const s of sources) s.close();
      sources.length = 0;
    },
  };
}
