// A pilot and its library, for the CLI and the extension alike: reading a pilot, the library it records, and that library's version and history.

import * as nodePath from 'node:path';
import { gitSource } from '../core/library/gitSource';
import type { FileSource } from '../core/library/fileSource';
import { urlForRecord } from '../core/library/source';
import type { LibrarySource } from '../core/library/source';
import { gitLibraryHistory } from '../core/pilot/history';
import type { LibraryHistory } from '../core/pilot/history';
import type { Git } from '../core/ports';
import { catalogDigest } from '../core/scaffold/lockFile';
import { loadPilot } from '../core/scaffold/pilotFile';
import type { LoadedPilot } from '../core/scaffold/pilotFile';
import { nodeFileSystem, nodePathOps, realPathOrSelf } from '../node/fileSystem';
import { recoverPilot } from '../node/pilotWrite';
import type { PilotWriteOptions } from '../node/pilotWrite';
import { libraryFromArgument } from './openLibrary';
import type { LibraryRepository, OpenedLibrary } from './openLibrary';

/** A library opened for pilot work: the version a lock file records (`commit`), and its history for three-way updates. */
export interface PilotLibrary {
  opened: OpenedLibrary;
  /** Where pilot work reads the library's files (`opened.source`, or a reader of its own). */
  source: FileSource;
  /** Full commit id, or the catalog digest (`sha256:`) for a folder whose files are not all committed. */
  commit: string;
  /** The library's git history (clone or enclosing work tree), when there is one. */
  history?: LibraryHistory;
  /** Stops the readers started for it. */
  close(): void;
}

/** Reads the pilot in `dir`, after completing (or undoing) an update that was interrupted there. */
export async function openPilot(dir: string, write: PilotWriteOptions = {}): Promise<LoadedPilot> {
  await recoverPilot(dir, write);
  return loadPilot(nodeFileSystem, nodePathOps, dir);
}

/**
 * The library a pilot records: pilot.yaml's library.url (else the lock's), a folder relative to the
 * pilot or a git URL (validated: a refused one throws); undefined when neither names one. A folder
 * takes pilot.yaml's library name.
 */
export function recordedLibrary(pilot: Pick<LoadedPilot, 'dir' | 'manifest'> & { lock?: LoadedPilot['lock'] }): LibrarySource | undefined {
  const lib = pilot.manifest.library;
  const url = lib.url ?? pilot.lock?.library.url;
  if (!url) return undefined;
  const src = libraryFromArgument(url, pilot.dir, lib.ref);
  return src.kind === 'folder' && lib.name ? { ...src, name: lib.name } : src;
}

/** How a new pilot at `pilotDir` records its library in pilot.yaml: the git URL (no credentials) and ref, or the folder relative to the pilot. */
export async function recordedLocation(opened: OpenedLibrary, pilotDir: string): Promise<{ url: string; ref?: string }> {
  const src = opened.library;
  if (src.kind === 'git') return { url: urlForRecord(src.url), ref: src.ref };
  const rel = nodePath
    .relative(await realPathOrSelf(pilotDir), await realPathOrSelf(opened.root))
    .split(nodePath.sep)
    .join('/');
  return { url: rel === '' ? '.' : rel };
}

/**
 * An opened library for pilot work. A git library is at its commit, with the clone's history.
 * A folder library in the repository `repository` has that history, and is at HEAD when every
 * file of the folder is committed there; otherwise (untracked or new files, or no repository)
 * its version is the catalog digest. With `ownReader`, a git library's files are read by a
 * reader of its own (for a library that other work reads at the same time).
 */
export async function pilotLibraryOf(opened: OpenedLibrary, git: Git, opts: { repository?: LibraryRepository; ownReader?: boolean } = {}): Promise<PilotLibrary> {
  const { catalog } = opened;
  if (opened.library.kind === 'git') {
    const commit = opened.commit ?? catalog.commit ?? '';
    const own = opts.ownReader && commit ? gitSource(git, opened.root, commit, { checkedOut: true }) : undefined;
    const history = commit ? gitLibraryHistory(git, opened.root, { head: commit, remote: opened.library.url }) : undefined;
    return {
      opened,
      source: own ?? opened.source,
      commit,
      history,
      close: () => {
        history?.close();
        own?.close();
      },
    };
  }
  const repo = opts.repository;
  const head = repo ? await git.resolveCommit(repo.dir, 'HEAD').catch(() => undefined) : undefined;
  if (!repo || !head) return { opened, source: opened.source, commit: catalogDigest(catalog), close: () => undefined };
  const history = gitLibraryHistory(git, repo.dir, { head, prefix: repo.prefix });
  const commit = (await committedAt(git, repo, head, opened.source)) ? head : catalogDigest(catalog);
  return { opened, source: opened.source, commit, history, close: () => history.close() };
}

/** True when every file of a folder library is in the commit `head` of the repository holding it (HEAD then names the library's version). */
async function committedAt(git: Git, repo: LibraryRepository, head: string, source: FileSource): Promise<boolean> {
  try {
    const strip = repo.prefix ? `${repo.prefix}/` : '';
    const inCommit = new Set((await git.lsTree(repo.dir, head)).filter((e) => e.type === 'blob' && e.path.startsWith(strip)).map((e) => e.path.slice(strip.length)));
    const files = await source.list();
    return files.length > 0 && files.every((f) => inCommit.has(f.path));
  } catch {
    // A tree git cannot list (a repository without that commit, a file system error): the digest names the version instead.
    return false;
  }
}
