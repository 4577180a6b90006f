// A library's history through the Git port: its files at any commit (the base of a three-way update) and the commits touching a folder.

import { gitSource } from '../library/gitSource';
import type { GitFileSource } from '../library/gitSource';
import type { FileSource } from '../library/fileSource';
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
 * folder `prefix` inside it), read at `head` and older commits. A blob missing from a partial
 * clone is fetched from `remote` when one is given (and the Git port can); otherwise that read
 * fails, and the caller goes without a base.
 */
export function gitLibraryHistory(git: Git, repoDir: string, opts: { head: string; prefix?: string; remote?: string }): LibraryHistory {
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
          const local = gitSource(git, repoDir, full);
          sources.push(local);
          const inner: FileSource = {
            list: () => local.list(),
            async read(path: string) {
              try {
                return await local.read(path);
              } catch (e) {
                if (!opts.remote || !git.fetchBlob) throw e;
                const entry = (await local.list()).find((x) => x.path === path);
                if (!entry?.key) throw e;
                await git.fetchBlob(repoDir, entry.key, { remote: opts.remote });
                // The reader that met the missing object may have stopped: read with a fresh one.
                const again = gitSource(git, repoDir, full);
                try {
                  return await again.read(path);
                } finally {
                  again.close();
                }
              }
            },
          };
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
