// What the pilot commands share: the library to work with (--library, pilot.yaml's, genai-assets.yaml's), opened through src/app, and how they report.

import * as nodePath from 'node:path';
import { UserError } from '../core/errors';
import type { LibrarySource } from '../core/library/source';
import type { LoadedPilot } from '../core/scaffold/pilotFile';
import type { FileMerger, Git, Locker } from '../core/ports';
import { NodeGit } from '../node/git';
import { GitFileMerger } from '../node/mergeFile';
import type { PilotWriteOptions } from '../node/pilotWrite';
import { libraryFromArgument, libraryFromSpec, libraryRepository, openLibrary } from '../app/openLibrary';
import { pilotLibraryOf, recordedLibrary } from '../app/pilotLibrary';
import type { PilotLibrary } from '../app/pilotLibrary';
import type { CliIo } from './io';
import { defaultCacheDir, readCliConfig, stderrLog } from './libraries';

/** Dependencies that tests replace (git with short timeouts, a cache folder); defaults are the real ones. */
export interface PilotCliDeps {
  git?: Git;
  locker?: Locker;
  cacheDir?: string;
  engine?: string;
  merger?: FileMerger;
}

/**
 * Opens a library for pilot work: syncs a git library first (unless `offline`), prints its
 * warnings, then finds its version and history (a folder's in the repository around it).
 */
export async function openLibraryForPilot(src: LibrarySource, io: CliIo, deps: PilotCliDeps, opts: { offline?: boolean }): Promise<PilotLibrary> {
  const git = deps.git ?? new NodeGit({ env: io.env });
  const opened = await openLibrary(src, {
    cacheDir: deps.cacheDir ?? defaultCacheDir(io.env),
    sync: opts.offline ? 'never' : 'always',
    cwd: io.cwd,
    env: io.env,
    git,
    locker: deps.locker,
    engine: deps.engine,
    log: stderrLog(io, { info: true }),
  });
  for (const w of opened.warnings) io.err(`warning: ${w}\n`);
  const repository = opened.library.kind === 'folder' ? await libraryRepository(git, opened.root) : undefined;
  return pilotLibraryOf(opened, git, { repository });
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
  const src = recordedLibrary(pilot);
  if (!src) throw new UserError(`${nodePath.join(pilot.dir, 'pilot.yaml')} names no library url; add library.url, or give --library DIR|URL.`);
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
