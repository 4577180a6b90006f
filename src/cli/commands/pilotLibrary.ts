// What the pilot commands share: opening the library (of --library or of pilot.yaml) with its commit and history, reading pilot files.

import * as nodePath from 'node:path';
import { urlForRecord } from '../../core/library/source';
import { realPathOrSelf } from '../../node/fileSystem';
import { UserError } from '../../core/errors';
import type { LibrarySource } from '../../core/library/source';
import { catalogDigest } from '../../core/scaffold/lockFile';
import { gitLibraryHistory } from '../../core/pilot/history';
import type { LibraryHistory } from '../../core/pilot/history';
import type { LoadedPilot } from '../../core/scaffold/pilotFile';
import type { FileMerger, Git, Locker } from '../../core/ports';
import { NodeGit } from '../../node/git';
import { GitFileMerger } from '../../node/mergeFile';
import type { PilotWriteOptions } from '../../node/pilotWrite';
import type { CliIo } from '../io';
import { defaultCacheDir, libraryFromArgument, libraryFromSpec, openLibrary, readCliConfig } from '../libraries';
import type { OpenedLibrary } from '../libraries';

/** Dependencies that tests replace (git with short timeouts, a cache folder); defaults are the real ones. */
export interface PilotCliDeps {
  git?: Git;
  locker?: Locker;
  cacheDir?: string;
  engine?: string;
  merger?: FileMerger;
}

export interface PilotLibrary {
  opened: OpenedLibrary;
  /** Full commit id, or `sha256:` catalog digest for a folder outside git. */
  commit: string;
  /** The library's location as pilot.yaml records it: the git URL (no credentials), or the folder relative to the pilot. */
  url: string;
  /** The library's git history (clone or enclosing work tree), when there is one. */
  history?: LibraryHistory;
  close(): void;
}


function logTo(io: CliIo) {
  return { info: (m: string) => io.err(`${m}\n`), warn: (m: string) => io.err(`warning: ${m}\n`), error: (m: string) => io.err(`error: ${m}\n`) };
}


/**
 * Opens a library for pilot work: syncs a git library first (unless `offline`), then finds
 * its commit and history. `pilotDir` is where the pilot is (or will be), for recording a
 * folder library relative to it.
 */
export async function openLibraryForPilot(src: LibrarySource, pilotDir: string, io: CliIo, deps: PilotCliDeps, opts: { offline?: boolean }): Promise<PilotLibrary> {
  const git = deps.git ?? new NodeGit({ env: io.env });
  const opened = await openLibrary(src, {
    cacheDir: deps.cacheDir ?? defaultCacheDir(io.env),
    sync: opts.offline ? 'never' : 'always',
    cwd: io.cwd,
    env: io.env,
    git,
    locker: deps.locker,
    engine: deps.engine,
    log: logTo(io),
  });
  for (const w of opened.warnings) io.err(`warning: ${w}\n`);
  if (src.kind === 'git') {
    const commit = opened.commit ?? opened.catalog.commit ?? '';
    const history = opened.git && commit ? gitLibraryHistory(git, opened.git.paths.repo, { head: commit, remote: src.url }) : undefined;
    return { opened, commit, url: urlForRecord(src.url), history, close: () => history?.close() };
  }
  const root = opened.catalog.root;
  const rel = nodePath.relative(await realPathOrSelf(pilotDir), await realPathOrSelf(root)).split(nodePath.sep).join('/');
  const url = rel === '' ? '.' : rel;
  const top = await git.workTreeRoot(root);
  if (top) {
    const head = await git.resolveCommit(root, 'HEAD');
    const prefix = nodePath.relative(await realPathOrSelf(top), await realPathOrSelf(root)).split(nodePath.sep).join('/');
    // HEAD names the library's version only when every file of the folder is in it (not when it is untracked or has new files).
    if (head) {
      const history = gitLibraryHistory(git, top, { head, prefix });
      const commit = (await committed(git, top, head, prefix, opened)) ? head : catalogDigest(opened.catalog);
      return { opened, commit, url, history, close: () => history.close() };
    }
  }
  return { opened, commit: catalogDigest(opened.catalog), url, close: () => undefined };
}

/** True when every file of a folder library is in the commit `head` of the repository at `top` (the library at `prefix` inside it). */
async function committed(git: Git, top: string, head: string, prefix: string, opened: OpenedLibrary): Promise<boolean> {
  try {
    const strip = prefix ? `${prefix}/` : '';
    const inCommit = new Set((await git.lsTree(top, head)).filter((e) => e.type === 'blob' && e.path.startsWith(strip)).map((e) => e.path.slice(strip.length)));
    const files = await opened.source.list();
    return files.length > 0 && files.every((f) => inCommit.has(f.path));
  } catch {
    return false;
  }
}

/** The library of `--library VALUE`, else the only library of genai-assets.yaml. */
export async function libraryForScaffold(value: string | undefined, ref: string | undefined, io: CliIo): Promise<LibrarySource> {
  if (value !== undefined) return libraryFromArgument(value, io.cwd, ref);
  const config = await readCliConfig(io.cwd, io.env);
  if (config?.libraries.length === 1) {
    if (ref !== undefined) throw new UserError('--ref needs --library; the library of genai-assets.yaml carries its own ref.');
    return libraryFromSpec(config.libraries[0], io.cwd);
  }
  throw new UserError(
    config?.libraries.length
      ? `genai-assets.yaml lists ${config.libraries.length} libraries; say which one to scaffold from with --library DIR|URL.`
      : 'Give the library to scaffold from with --library DIR|URL (a folder or a git URL).',
  );
}

/** The library a pilot records in pilot.yaml (a folder relative to the pilot, or a git URL), unless `--library` overrides it. */
export function libraryOfPilot(pilot: LoadedPilot, override: string | undefined, io: CliIo): LibrarySource {
  if (override !== undefined) return libraryFromArgument(override, io.cwd);
  const lib = pilot.manifest.library;
  const url = lib.url ?? pilot.lock.library.url;
  if (!url) throw new UserError(`${nodePath.join(pilot.dir, 'pilot.yaml')} names no library url; add library.url, or give --library DIR|URL.`);
  const src = libraryFromArgument(url, pilot.dir, lib.ref);
  if (src.kind === 'folder' && lib.name) src.name = lib.name;
  return src;
}


/** How the pilot commands take the pilot's lock and report on it (waiting for another command, an interrupted update finished). */
export function pilotWriteOptions(deps: PilotCliDeps, io: CliIo): PilotWriteOptions {
  return { locker: deps.locker, onWait: (m) => io.err(`${m}\n`), onRecovered: (m) => io.err(`note: ${m}\n`) };
}

/** The merge machinery (git merge-file) unless a test gives another. */
export function mergerOf(deps: PilotCliDeps, io: CliIo): FileMerger {
  return deps.merger ?? new GitFileMerger({ env: io.env });
}

/** `path` relative to the current folder, for messages. */
export function shown(io: CliIo, abs: string): string {
  return nodePath.relative(io.cwd, abs) || '.';
}
