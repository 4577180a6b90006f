// Installs of library assets into a repository, for the CLI and the extension alike: reading its genai-assets.lock.json, planning an install and writing it.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { UserError } from '../core/errors';
import { sha256Hex } from '../core/hash';
import { planInstall } from '../core/install/installs';
import type { InstallPlan } from '../core/install/installs';
import type { InstallTarget } from '../core/install/targets';
import type { LibrarySource } from '../core/library/source';
import { maxLockBytes } from '../core/limits';
import { installLockFileName, parseInstallLock } from '../core/scaffold/lockFile';
import type { InstallLock } from '../core/scaffold/lockFile';
import { pilotFileName } from '../core/scaffold/pilotFile';
import { pilotFileReader } from '../node/fileSystem';
import { commitPilotChanges, recoverPilot, withPilotLock } from '../node/pilotWrite';
import type { PilotWriteOptions } from '../node/pilotWrite';
import { libraryFromArgument } from './openLibrary';
import { recordedLocation } from './pilotLibrary';
import type { PilotLibrary } from './pilotLibrary';

export interface LoadedInstalls {
  dir: string;
  lock: InstallLock;
  /** The lock's text as read (diagnostics point into it). */
  text: string;
  sha256: string;
}

async function isFile(p: string): Promise<boolean> {
  return (await fsp.lstat(p).catch(() => undefined))?.isFile() ?? false;
}

/** True when `dir` is a repository with installs and no pilot: verify, outdated and update work on its genai-assets.lock.json. */
export async function hasInstalls(dir: string): Promise<boolean> {
  return !(await isFile(nodePath.join(dir, pilotFileName))) && (await isFile(nodePath.join(dir, installLockFileName)));
}

/** Reads genai-assets.lock.json in `dir` (undefined when there is none), after completing an install or update that was interrupted there. */
export async function readInstalls(dir: string, write: PilotWriteOptions = {}): Promise<LoadedInstalls | undefined> {
  await recoverPilot(dir, write);
  const path = nodePath.join(dir, installLockFileName);
  const st = await fsp.lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile()) throw new UserError(`${path} is not a file; restore it from version control.`);
  if (st.size > maxLockBytes) throw new UserError(`${path} is over the ${maxLockBytes / 1048576} MB limit for a lock file, so it was not read. Restore it from version control.`);
  const bytes = await fsp.readFile(path);
  const text = new TextDecoder('utf-8').decode(bytes);
  const { lock, problems } = parseInstallLock(text);
  if (!lock) throw new UserError(`${path}: ${problems.join(' ')}`);
  return { dir, lock, text, sha256: sha256Hex(bytes) };
}

/** The library the installs record: a folder relative to the repository (named as the lock names it), or a git URL (validated: a refused one throws). */
export function installsLibrary(installs: Pick<LoadedInstalls, 'dir' | 'lock'>): LibrarySource {
  const src = libraryFromArgument(installs.lock.library.url, installs.dir, installs.lock.library.ref);
  return src.kind === 'folder' ? { ...src, name: installs.lock.library.name } : src;
}

/** Plans installing `refs` for `targets` into the repository `dir` from `lib` (nothing is written; refusals throw ScaffoldError). */
export async function planInstallInto(dir: string, lib: PilotLibrary, refs: readonly string[], targets: readonly InstallTarget[], write: PilotWriteOptions = {}): Promise<InstallPlan> {
  const { catalog } = lib.opened;
  const current = await readInstalls(dir, write);
  return planInstall({
    catalog,
    source: lib.source,
    library: { name: catalog.library.name, ...(await recordedLocation(lib.opened, dir)), commit: lib.commit },
    refs,
    targets,
    existing: current?.lock,
    readRepoFile: pilotFileReader(dir),
  });
}

/**
 * Installs `refs` for `targets` into `dir`: planned first, so that a refusal leaves the repository
 * untouched; then planned again under the repository's lock and written as one switch.
 */
export async function installInto(dir: string, lib: PilotLibrary, refs: readonly string[], targets: readonly InstallTarget[], write: PilotWriteOptions = {}): Promise<InstallPlan> {
  await planInstallInto(dir, lib, refs, targets, write);
  return withPilotLock(
    dir,
    async () => {
      const p = await planInstallInto(dir, lib, refs, targets, write);
      await commitPilotChanges(dir, p);
      return p;
    },
    { ...write, anyFolder: true },
  );
}
