// Writing plans through the FileSystem port: a new pilot appears whole or not at all; changes to a pilot never leave it.

import { randomBytes } from 'node:crypto';
import { UserError } from '../errors';
import { isSafeRelativePath } from './lockFile';
import type { FileSystem, PathOps } from '../ports';

/** One file to write, by path inside the pilot ('/' separated). */
export interface FileWrite {
  path: string;
  data: Uint8Array;
}

/**
 * Refuses a target that exists and is not an empty folder (it is left untouched).
 * Returns whether it exists (as an empty folder).
 */
export async function checkScaffoldTarget(fs: FileSystem, target: string): Promise<'missing' | 'empty'> {
  const st = await fs.stat(target);
  if (!st) return 'missing';
  if (st.type !== 'directory') throw new UserError(`${target} exists and is not a folder; choose a new folder for the pilot (--out).`);
  const entries = await fs.readDir(target);
  if (entries.length) {
    throw new UserError(
      `${target} is not empty (it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. ${entries[0].name}); a pilot is only scaffolded into a new or empty folder, and nothing was changed. Choose another folder (--out).`,
    );
  }
  return 'empty';
}

function segmentsOf(p: string): string[] {
  if (!isSafeRelativePath(p)) throw new UserError(`Refused to write \`${p}\`: it is not a plain path inside the pilot folder.`);
  return p.split('/');
}

/**
 * Writes a new pilot: every file goes into a temporary folder beside `target`, which is
 * renamed into place only when all are written. A non-empty target is refused untouched;
 * on any failure the temporary folder is removed, so nothing is left behind.
 */
export async function applyScaffold(fs: FileSystem, path: PathOps, target: string, files: readonly FileWrite[], opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<void> {
  for (const f of files) segmentsOf(f.path);
  await checkScaffoldTarget(fs, target);
  const parent = path.dirname(target);
  await fs.mkdir(parent);
  // What a killed scaffold of the same target left behind (a hidden sibling) goes first.
  const prefix = `.${path.basename(target)}.scaffold-`;
  for (const e of await fs.readDir(parent).catch(() => [])) {
    if (e.name.startsWith(prefix) && e.type === 'directory') await fs.remove(path.join(parent, e.name)).catch(() => undefined);
  }
  const temp = path.join(parent, `${prefix}${randomBytes(6).toString('hex')}`);
  let removedEmptyTarget = false;
  try {
    await fs.mkdir(temp);
    const dirs = new Set<string>();
    let done = 0;
    for (const f of files) {
      const segs = segmentsOf(f.path);
      const dir = segs.slice(0, -1).join('/');
      if (dir && !dirs.has(dir)) {
        await fs.mkdir(path.join(temp, ...segs.slice(0, -1)));
        dirs.add(dir);
      }
      await fs.writeFile(path.join(temp, ...segs), f.data);
      opts.onProgress?.(++done, files.length);
    }
    // The target may have been filled in the meantime: check again just before the rename.
    if ((await checkScaffoldTarget(fs, target)) === 'empty') {
      await fs.remove(target);
      removedEmptyTarget = true;
    }
    await fs.rename(temp, target);
  } catch (e) {
    await fs.remove(temp).catch(() => undefined);
    if (removedEmptyTarget && !(await fs.stat(target).catch(() => undefined))) await fs.mkdir(target).catch(() => undefined);
    throw e;
  }
}

/** Refuses a path inside an existing pilot that passes through a link (it could lead outside the pilot). */
async function checkNoLinks(fs: FileSystem, path: PathOps, root: string, rel: string): Promise<void> {
  const segs = segmentsOf(rel);
  let cur = root;
  for (const s of segs) {
    cur = path.join(cur, s);
    const st = await fs.stat(cur);
    if (!st) return;
    if (st.type === 'symlink')
      throw new UserError(`Refused to write \`${rel}\` in ${root}: \`${path.relative(root, cur)}\` is a link, and links are not followed. Replace it with a real folder or file.`);
  }
}

export interface PilotChanges {
  /** Files to write (created or replaced), in order; pilot.yaml and pilot.lock.json come last. */
  writes: FileWrite[];
  /** Files to remove. */
  removes: string[];
  /**
   * The pilot files the plan was computed from, with their sha256 then (null: absent). A writer
   * that runs later than the plan (the editor asks first) refuses when one of them changed.
   */
  basis?: { path: string; sha256: string | null }[];
}

/** Checks every path of `changes` before anything is written: plain paths inside the pilot, no links on the way. */
export async function checkPilotChanges(fs: FileSystem, path: PathOps, root: string, changes: PilotChanges): Promise<void> {
  for (const w of changes.writes) await checkNoLinks(fs, path, root, w.path);
  for (const r of changes.removes) await checkNoLinks(fs, path, root, r);
}

/**
 * Applies changes to an existing pilot, without a lock or a journal (the CLI and the editor write
 * through node/pilotWrite.ts, which stages, journals and locks): every path is checked first (inside the pilot, no
 * links on the way), then files are written (each atomically), then removed, emptied
 * folders pruned. The caller orders `writes` so that the lock file comes last.
 */
export async function applyPilotChanges(fs: FileSystem, path: PathOps, root: string, changes: PilotChanges): Promise<void> {
  await checkPilotChanges(fs, path, root, changes);
  for (const w of changes.writes) {
    const segs = segmentsOf(w.path);
    if (segs.length > 1) await fs.mkdir(path.join(root, ...segs.slice(0, -1)));
    await fs.writeFile(path.join(root, ...segs), w.data);
  }
  for (const r of changes.removes) {
    const segs = segmentsOf(r);
    await fs.remove(path.join(root, ...segs));
    for (let i = segs.length - 1; i > 0; i--) {
      const dir = path.join(root, ...segs.slice(0, i));
      const left = await fs.readDir(dir).catch(() => undefined);
      if (!left || left.length) break;
      await fs.remove(dir);
    }
  }
}
