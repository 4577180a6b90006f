// Writing into an existing pilot: under the pilot's lock, every new file staged first, then switched in with a journal that the next command completes or rolls back.

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { UserError } from '../core/errors';
import { installLockFileName, lockFileName } from '../core/scaffold/lockFile';
import { pilotFileName } from '../core/scaffold/pilotFile';
import type { Locker } from '../core/ports';
import type { PilotChanges } from '../core/scaffold/apply';
import { checkPilotChanges } from '../core/scaffold/apply';
import { nodeFileSystem, nodePathOps } from './fileSystem';
import { FileLocker } from './lock';
import { sha256Hex } from '../core/hash';

/** Our folder inside a pilot: the lock, the journal of a switch under way, its staging folder. */
export const pilotStateFolder = '.genai-assets';
const journalName = 'journal.json';
const lockName = 'busy.lock';
const stagingPrefix = 'update-';

/** One target of a switch: its new content (staged), or its removal; the old content is kept as a backup until the end. */
interface JournalEntry {
  /** Path inside the pilot, '/' separated. */
  path: string;
  op: 'write' | 'remove';
  /** sha256 of the file before the switch; null: there was none. */
  before: string | null;
  /** sha256 of the new content (writes). */
  after?: string;
  /** The new content, relative to the staging folder (writes). */
  staged?: string;
  /** Where the old content goes, relative to the staging folder (when there was a file). */
  backup?: string;
}

interface Journal {
  version: 1;
  /** The staging folder, inside our folder. */
  staging: string;
  /** The lock file the switch ends with (sha256 of its new content), or null when it does not change. */
  lock: { path: string; sha256: string } | null;
  entries: JournalEntry[];
}

export interface PilotWriteOptions {
  /** The lock implementation (tests give one with short limits). */
  locker?: Locker;
  /** How long to wait for another command working on the pilot. Default 2 min. */
  timeoutMs?: number;
  /** Told once when another command holds the pilot. */
  onWait?: (message: string) => void;
  /** Told when an interrupted switch was completed or rolled back. */
  onRecovered?: (message: string) => void;
  /** Take the lock in a folder that is no pilot (yet): `genai-assets install` writes any repository. */
  anyFolder?: boolean;
}

const defaultLocker = new FileLocker();

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function abs(dir: string, rel: string): string {
  return nodePath.join(dir, ...rel.split('/'));
}

/** sha256 of a regular file, null when there is none (anything else at the path is an error for the caller). */
async function hashOf(path: string): Promise<string | null> {
  try {
    return sha256Hex(await fsp.readFile(path));
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

/** Flushes a folder's entries to disk (renames, creations); a no-op where folders cannot be opened (Windows). */
async function syncDir(path: string): Promise<void> {
  let handle;
  try {
    handle = await fsp.open(path, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open a folder for syncing; its renames are durable as they are.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Writes a new file and flushes it; `wx`: a staging file is never written twice. */
async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await fsp.open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True when `dir` holds pilot.yaml or genai-assets.lock.json: our folder is only ever made inside a pilot or a repository with installs. */
async function isPilot(dir: string): Promise<boolean> {
  for (const name of [pilotFileName, installLockFileName]) {
    try {
      if ((await fsp.lstat(nodePath.join(dir, name))).isFile()) return true;
    } catch {
      // not this one
    }
  }
  return false;
}

/** The lock files, switched in last. */
const isLockPath = (p: string) => p === lockFileName || p === installLockFileName;

/**
 * Runs `fn` holding the pilot's lock (`.genai-assets/busy.lock`), after completing or rolling
 * back a switch that a killed command left. Another command working on the pilot is waited for
 * (`timeoutMs`, then a "pilot is busy" error). A folder without pilot.yaml is left untouched:
 * `fn` runs as it is (and meets the missing pilot itself).
 */
export async function withPilotLock<T>(dir: string, fn: () => Promise<T>, opts: PilotWriteOptions = {}): Promise<T> {
  if (!opts.anyFolder && !(await isPilot(dir))) return fn();
  const state = nodePath.join(dir, pilotStateFolder);
  const st = await fsp.lstat(state).catch(() => undefined);
  if (st && !st.isDirectory()) throw new UserError(`${state} is not a folder (a link or a file); genai-assets keeps its lock and journal there. Remove it and run the command again.`);
  await fsp.mkdir(state, { recursive: true });
  // Nothing in our folder belongs in version control.
  await fsp.writeFile(nodePath.join(state, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
  const held = await (opts.locker ?? defaultLocker).acquire(nodePath.join(state, lockName), {
    what: `The pilot ${dir} is busy: it`,
    timeoutMs: opts.timeoutMs ?? 120_000,
    onWait: (holder) => opts.onWait?.(`The pilot is busy: ${holder} is writing it; waiting...`),
  });
  try {
    await recoverLocked(dir, opts);
    return await fn();
  } finally {
    await held.release();
  }
}

/**
 * Completes or rolls back a switch that a killed command left (a journal, a staging folder):
 * for commands that only read the pilot, before they read it. Without such leftovers it costs a
 * directory listing and takes no lock.
 */
export async function recoverPilot(dir: string, opts: PilotWriteOptions = {}): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(nodePath.join(dir, pilotStateFolder));
  } catch {
    return;
  }
  if (!names.some((n) => n === journalName || n.startsWith(stagingPrefix) || n.startsWith(`${journalName}.`))) return;
  // Our folder with a journal: a pilot, or a repository whose first install was interrupted (its lock file comes last).
  await withPilotLock(dir, async () => undefined, { ...opts, anyFolder: true });
}

/**
 * Writes planned changes into a pilot as one switch, under the pilot's lock: for writers whose
 * plan was made earlier (the editor asks before writing). Refuses, writing nothing, when a file
 * the plan was computed from changed meanwhile.
 */
export async function writePilotChanges(dir: string, changes: PilotChanges, opts: PilotWriteOptions = {}): Promise<void> {
  await withPilotLock(dir, () => commitPilotChanges(dir, changes), opts);
}

/**
 * Writes changes into a pilot as one switch; the caller holds the pilot's lock (withPilotLock).
 * Every new content is first written into a staging folder and flushed; then a journal listing
 * every target, its backup and the new lock is written, the files are renamed into place (the
 * lock file last), and the journal and staging folder are deleted. A command killed meanwhile
 * leaves the journal, and the next one completes the switch (or rolls it back).
 */
export async function commitPilotChanges(dir: string, changes: PilotChanges): Promise<void> {
  await checkPilotChanges(nodeFileSystem, nodePathOps, dir, changes);
  const changed: string[] = [];
  for (const b of changes.basis ?? []) {
    const now = (await exists(abs(dir, b.path))) ? await hashOf(abs(dir, b.path)).catch(() => 'folder') : null;
    if (now !== b.sha256) changed.push(b.path);
  }
  if (changed.length) {
    throw new UserError(
      `${dir} changed since this change was planned (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', ...' : ''}): another update or add ran, or a file was edited. Nothing was written; plan it again.`,
    );
  }
  if (!changes.writes.length && !changes.removes.length) return;
  const seen = new Set<string>();
  for (const p of [...changes.writes.map((w) => w.path), ...changes.removes]) {
    if (seen.has(p)) throw new UserError(`Refused to write into ${dir}: the plan names \`${p}\` twice.`);
    seen.add(p);
  }

  const state = nodePath.join(dir, pilotStateFolder);
  await fsp.mkdir(state, { recursive: true });
  await removeStaging(state, undefined);
  const staging = `${stagingPrefix}${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const stagingDir = nodePath.join(state, staging);
  await fsp.mkdir(nodePath.join(stagingDir, 'new'), { recursive: true });
  await fsp.mkdir(nodePath.join(stagingDir, 'old'));

  // Stage: every new content, flushed; the state of every target before.
  const writes = [...changes.writes.filter((w) => !isLockPath(w.path)), ...changes.writes.filter((w) => isLockPath(w.path))];
  const entries: JournalEntry[] = [];
  let i = 0;
  for (const w of writes) {
    const target = abs(dir, w.path);
    const st = await fsp.lstat(target).catch((e: unknown) => (isMissing(e) ? undefined : Promise.reject(e)));
    if (st && !st.isFile()) throw new UserError(`Refused to write \`${w.path}\` in ${dir}: it is a folder or a special file. Move it away and run the command again.`);
    const n = i++;
    await writeSynced(nodePath.join(stagingDir, 'new', String(n)), w.data);
    const before = st ? await hashOf(target) : null;
    entries.push({ path: w.path, op: 'write', before, after: sha256Hex(w.data), staged: `new/${n}`, ...(before !== null ? { backup: `old/${n}` } : {}) });
  }
  for (const r of changes.removes) {
    const before = await hashOf(abs(dir, r));
    if (before === null) continue;
    entries.push({ path: r, op: 'remove', before, backup: `old/${i++}` });
  }
  await syncDir(nodePath.join(stagingDir, 'new'));
  // The lock file's switch comes last: before it, the pilot still reads as its old version to older tools.
  const lockEntry = entries.findIndex((e) => isLockPath(e.path));
  if (lockEntry >= 0) entries.push(...entries.splice(lockEntry, 1));
  const lockWrite = changes.writes.find((w) => isLockPath(w.path));
  const journal: Journal = { version: 1, staging, lock: lockWrite ? { path: lockWrite.path, sha256: sha256Hex(lockWrite.data) } : null, entries };

  // The journal goes in whole (written, flushed, renamed) before the first target is touched.
  const temp = nodePath.join(state, `${journalName}.${randomBytes(4).toString('hex')}.tmp`);
  await writeSynced(temp, JSON.stringify(journal, null, 1) + '\n');
  await fsp.rename(temp, nodePath.join(state, journalName));
  await syncDir(state);
  try {
    await rollForward(dir, journal);
  } catch (e) {
    // A failure that is no kill (a file locked by another program, a full disk): back to the old state now.
    try {
      await rollBack(dir, journal, true);
      await finish(dir, journal);
    } catch {
      // The journal stays: the next command completes or rolls back the switch.
    }
    throw new UserError(`Could not write into ${dir}: ${(e as Error).message}. The pilot was left as it was; fix the cause and run the command again.`);
  }
  await finish(dir, journal);
}

/** Moves each target to its new state; every step can be repeated after a kill (what is done is seen and skipped). */
async function rollForward(dir: string, journal: Journal): Promise<void> {
  const stagingDir = nodePath.join(dir, pilotStateFolder, journal.staging);
  const touched = new Set<string>();
  const removed: string[] = [];
  for (const e of journal.entries) {
    const target = abs(dir, e.path);
    touched.add(nodePath.dirname(target));
    if (e.op === 'write') {
      const staged = nodePath.join(stagingDir, e.staged!);
      if (!(await exists(staged))) continue; // switched already
      if (e.backup && !(await exists(nodePath.join(stagingDir, e.backup))) && (await exists(target))) await keepBackup(target, nodePath.join(stagingDir, e.backup));
      await fsp.mkdir(nodePath.dirname(target), { recursive: true });
      await fsp.rename(staged, target);
    } else {
      removed.push(e.path);
      if (!(await exists(target))) continue;
      const backup = nodePath.join(stagingDir, e.backup!);
      if (await exists(backup)) await fsp.rm(target, { force: true });
      else await fsp.rename(target, backup);
    }
  }
  for (const d of touched) await syncDir(d);
  await pruneEmptyFolders(dir, removed);
}

/** Puts every switched target back; `force`: right after a failure of our own (nothing can have changed since). */
async function rollBack(dir: string, journal: Journal, force: boolean): Promise<void> {
  const stagingDir = nodePath.join(dir, pilotStateFolder, journal.staging);
  const added: string[] = [];
  for (const e of [...journal.entries].reverse()) {
    const target = abs(dir, e.path);
    const backup = e.backup ? nodePath.join(stagingDir, e.backup) : undefined;
    if (e.op === 'write') {
      if (await exists(nodePath.join(stagingDir, e.staged!))) continue; // never switched
      if (!force && (await hashOf(target)) !== e.after) continue; // changed since: checked by the caller
      if (backup && (await exists(backup))) await fsp.rename(backup, target);
      else if (!e.backup) {
        await fsp.rm(target, { force: true });
        added.push(e.path);
      }
    } else if (backup && (await exists(backup)) && !(await exists(target))) {
      await fsp.mkdir(nodePath.dirname(target), { recursive: true });
      await fsp.rename(backup, target);
    }
  }
  await pruneEmptyFolders(dir, added);
}

/** Keeps the old content of a target: a hard link (no copy, the target stays in place), else a flushed copy. */
async function keepBackup(target: string, backup: string): Promise<void> {
  try {
    await fsp.link(target, backup);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
  }
  const part = `${backup}.part`;
  await fsp.rm(part, { force: true });
  await fsp.copyFile(target, part);
  const handle = await fsp.open(part, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(part, backup);
}

/** The switch is over: the journal goes (the commit point), then the staging folder. */
async function finish(dir: string, journal: Journal): Promise<void> {
  const state = nodePath.join(dir, pilotStateFolder);
  await fsp.rm(nodePath.join(state, journalName), { force: true });
  await syncDir(state);
  await fsp.rm(nodePath.join(state, journal.staging), { recursive: true, force: true, maxRetries: 3 });
}

/** Removes the folders that removed files left empty, up to the pilot's top. */
async function pruneEmptyFolders(dir: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const segs = p.split('/');
    for (let i = segs.length - 1; i > 0; i--) {
      const folder = abs(dir, segs.slice(0, i).join('/'));
      const left = await fsp.readdir(folder).catch(() => undefined);
      if (!left || left.length) break;
      await fsp.rmdir(folder).catch(() => undefined);
    }
  }
}

/** Removes staging folders and journal temporaries that no journal refers to (a command killed before its switch began). */
async function removeStaging(state: string, keep: string | undefined): Promise<void> {
  for (const n of await fsp.readdir(state).catch(() => [] as string[])) {
    if ((n.startsWith(stagingPrefix) && n !== keep) || (n.startsWith(`${journalName}.`) && n.endsWith('.tmp'))) await fsp.rm(nodePath.join(state, n), { recursive: true, force: true, maxRetries: 3 });
  }
}

function readJournal(text: string): Journal | undefined {
  try {
    const j = JSON.parse(text) as Journal;
    const safe = (p: unknown) => typeof p === 'string' && /^[^/\\]+(\/[^/\\]+)*$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..');
    if (j?.version !== 1 || typeof j.staging !== 'string' || !j.staging.startsWith(stagingPrefix) || !safe(j.staging) || !Array.isArray(j.entries)) return undefined;
    for (const e of j.entries) {
      if (!safe(e.path) || (e.op !== 'write' && e.op !== 'remove')) return undefined;
      if (e.op === 'write' && (!safe(e.staged) || typeof e.after !== 'string')) return undefined;
      if (e.backup !== undefined && !safe(e.backup)) return undefined;
      if (e.op === 'remove' && !e.backup) return undefined;
    }
    return j;
  } catch {
    return undefined;
  }
}

/**
 * With the lock held: finishes a switch that a killed command left. Forward when every target
 * not yet switched is still as it was before (the usual case); else back, when every switched
 * target still holds what the switch wrote; else the user decides (the message says how).
 */
async function recoverLocked(dir: string, opts: PilotWriteOptions): Promise<void> {
  const state = nodePath.join(dir, pilotStateFolder);
  const journalPath = nodePath.join(state, journalName);
  let text: string | undefined;
  try {
    text = await fsp.readFile(journalPath, 'utf8');
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  if (text === undefined) {
    await removeStaging(state, undefined);
    return;
  }
  const journal = readJournal(text);
  const stagingDir = journal ? nodePath.join(state, journal.staging) : undefined;
  if (!journal || !(await exists(stagingDir!))) {
    throw new UserError(
      `${journalPath} records an interrupted update of this pilot, but ${journal ? `its staging folder ${stagingDir} is gone` : 'it cannot be read'}, so it can be neither completed nor undone. Check the pilot's files (\`git status\` shows what changed), then delete ${journalPath}.`,
    );
  }
  await removeStaging(state, journal.staging);
  // A journal names paths inside the pilot only, never through a link (it could come from anywhere, like any file of the pilot).
  await checkPilotChanges(nodeFileSystem, nodePathOps, dir, {
    writes: journal.entries.filter((e) => e.op === 'write').map((e) => ({ path: e.path, data: new Uint8Array() })),
    removes: journal.entries.filter((e) => e.op === 'remove').map((e) => e.path),
  });
  const blockForward: string[] = [];
  const blockBack: string[] = [];
  for (const e of journal.entries) {
    const target = abs(dir, e.path);
    const now = await hashOf(target).catch(() => 'other');
    if (e.op === 'write') {
      if (await exists(nodePath.join(stagingDir!, e.staged!))) {
        // Not switched yet: the target must still be as it was (its backup may be made already).
        if (now !== e.before) blockForward.push(e.path);
      } else if (now !== e.after) blockBack.push(e.path);
    } else if (now !== null && now !== e.before) blockForward.push(e.path);
  }
  const count = `${journal.entries.length} file${journal.entries.length === 1 ? '' : 's'}`;
  if (!blockForward.length) {
    await rollForward(dir, journal);
    await finish(dir, journal);
    opts.onRecovered?.(`An earlier update of ${dir} was interrupted; it has now been completed (${count}).`);
    return;
  }
  if (!blockBack.length) {
    await rollBack(dir, journal, false);
    await finish(dir, journal);
    opts.onRecovered?.(`An earlier update of ${dir} was interrupted, and ${blockForward.join(', ')} changed since; it has been undone (${count} put back as they were).`);
    return;
  }
  throw new UserError(
    `An earlier update of ${dir} was interrupted, and files changed since on both sides (${[...blockForward, ...blockBack].slice(0, 5).join(', ')}), so it can be neither completed nor undone safely. ${journalPath} lists every file: the new content is under ${nodePath.join(stagingDir!, 'new')}, the old under ${nodePath.join(stagingDir!, 'old')}. Put the files as you want them, then delete ${journalPath}.`,
  );
}
