// What the commands share for a repository that installed assets (genai-assets.lock.json, no pilot.yaml): reading its lock and the library it records.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { UserError } from '../core/errors';
import type { LibrarySource } from '../core/library/source';
import { installLockFileName, parseInstallLock } from '../core/scaffold/lockFile';
import type { InstallLock } from '../core/scaffold/lockFile';
import { pilotFileName } from '../core/scaffold/pilotFile';
import { maxLockBytes } from '../core/limits';
import { sha256Hex } from '../core/hash';
import { recoverPilot } from '../node/pilotWrite';
import type { PilotWriteOptions } from '../node/pilotWrite';
import { libraryFromArgument } from '../app/openLibrary';
import type { CliIo } from './io';

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

/** The library the installs record (a folder relative to the repository, or a git URL), unless `--library` overrides it. */
export function libraryOfInstalls(installs: LoadedInstalls, override: string | undefined, io: CliIo): LibrarySource {
  if (override !== undefined) return libraryFromArgument(override, io.cwd);
  const src = libraryFromArgument(installs.lock.library.url, installs.dir, installs.lock.library.ref);
  return src.kind === 'folder' ? { ...src, name: installs.lock.library.name } : src;
}
