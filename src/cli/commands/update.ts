// genai-assets update PILOT [REF...]: moves components to their wanted versions with a three-way merge per file.

import * as nodePath from 'node:path';
import { loadPilot } from '../../core/scaffold/pilotFile';
import { planUpdate } from '../../core/pilot/update';
import type { FileAction } from '../../core/pilot/update';
import { nodeFileSystem, nodePathOps, pilotFileReader } from '../../node/fileSystem';
import { commitPilotChanges, withPilotLock } from '../../node/pilotWrite';
import { openPilot } from '../../app/pilotLibrary';
import type { PilotLibrary } from '../../app/pilotLibrary';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { libraryOfPilot, mergerOf, openLibraryForPilot, pilotWriteOptions } from '../pilots';
import type { PilotCliDeps } from '../pilots';
import { hasInstalls, libraryOfInstalls, readInstalls } from '../installs';
import { planInstallUpdate } from '../../core/install/installs';
import { installLockFileName, lockFileName } from '../../core/scaffold/lockFile';
import { GitFileMerger } from '../../node/mergeFile';
import { unifiedDiff } from '../../core/text/unifiedDiff';
import { decodeUtf8 } from '../../core/text/textDocument';

export const updateCommand = defineCommand({
  name: 'update',
  synopsis: 'update [PILOT]',
  summary: 'move components to their wanted versions, file by file (three-way merge)',
  usage: 'update [PILOT_DIR] [REF...] [--dry-run] [--offline] [--library DIR|URL]',
  description: `Moves components of a pilot (default: the current folder) to their wanted version: the newest
allowed within the range in pilot.yaml. Name components to update only those (\`id\`), or to
change their range (\`id@^2.0\`, written to pilot.yaml); with none, every outdated one moves.

Each file is a three-way merge: base = the locked version (from the library's git history),
ours = the pilot's file, theirs = the new version. Files not edited locally are replaced;
edited ones keep both sides' changes (git merge-file); overlapping edits get conflict markers
(<<<<<<< ======= >>>>>>>) and are listed. Files added upstream are added; files removed
upstream are removed, unless edited locally (then kept and listed). pilot.lock.json is
rewritten to match. A binary file changed on both sides is kept; the library's copy goes
beside it under a free name (X.upstream, X.upstream.1, ...), named in the output. A file that
still has conflict markers from an earlier update is not merged again: resolve it first.

In a repository with installs (genai-assets.lock.json, no pilot.yaml), the installed assets move
within the reference given to install (name ids to update only those, \`id@range\` to change
the range recorded in genai-assets.lock.json). Conflicts are written
with diff3 markers (<<<<<<< yours, ||||||| installed, ======= , >>>>>>> library) and listed at
the end with their paths; a file you deleted stays deleted and is recorded so in the lock;
--dry-run prints the diff of every file that would change (pilots too).

The pilot is written as a whole or not at all (staged in .genai-assets/, switched in with a
journal that the next command completes if this one is killed), under a lock on the pilot:
an add or update running meanwhile is waited for.`,
  options: {
    'dry-run': { type: 'flag', help: 'show what would change (with the diff of each file), write nothing' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
    library: { type: 'string', value: 'DIR|URL', help: 'read this library instead of the one pilot.yaml records' },
  },
  positionals: {},
  footer: 'Exit codes: 0 updated (or nothing to do), 1 conflicts to resolve, 2 usage or I/O error.\n',
  run({ options: o, positionals }, io) {
    const [pilot, ...refs] = positionals;
    return runUpdate({ pilot: pilot ?? '.', refs, dryRun: o['dry-run'], offline: o.offline, library: o.library }, io);
  },
});

export interface UpdateArgs {
  pilot: string;
  refs: string[];
  dryRun: boolean;
  offline: boolean;
  library?: string;
}

/** What update prints for what it did to a file: a component's, or an installed asset's (their actions are among these). */
const verbs: Record<FileAction, string> = {
  unchanged: 'unchanged',
  replaced: 'updated',
  merged: 'merged (local edits kept)',
  conflict: 'CONFLICT',
  added: 'added',
  removed: 'removed',
  'kept-local': 'kept (edited locally, unchanged upstream)',
  'kept-removed-upstream': 'kept (removed upstream, edited locally)',
  restored: 'restored',
  'kept-deleted': 'left deleted',
};

/** Runs `genai-assets update`; returns the exit code. */
export async function runUpdate(args: UpdateArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const dir = nodePath.resolve(io.cwd, args.pilot);
  const writeOpts = pilotWriteOptions(deps, io);
  if (await hasInstalls(dir)) return updateInstalled(dir, args, io, deps);
  const lib = await openLibraryForPilot(libraryOfPilot(await openPilot(dir, writeOpts), args.library, io), io, deps, { offline: args.offline });
  try {
    // Read, plan and write under the pilot's lock: an add or update running meanwhile waits, and loses nothing.
    return await withPilotLock(dir, () => updateLocked(dir, args, io, deps, lib), writeOpts);
  } finally {
    lib.close();
  }
}

async function updateLocked(dir: string, args: UpdateArgs, io: CliIo, deps: PilotCliDeps, lib: PilotLibrary): Promise<number> {
  const pilot = await loadPilot(nodeFileSystem, nodePathOps, dir);
  const plan = await planUpdate({
    pilot,
    catalog: lib.opened.catalog,
    source: lib.source,
    commit: lib.commit,
    history: lib.history,
    readPilotFile: pilotFileReader(dir),
    pilotPathExists: async (p) => !!(await nodeFileSystem.stat(nodePath.join(dir, ...p.split('/')))),
    merger: mergerOf(deps, io),
    refs: args.refs,
  });
  const lines: string[] = [];
  for (const c of plan.components) {
    lines.push(`${c.id} ${c.from} -> ${c.to}${c.baseFound ? '' : ' (no base version found: merged two-way)'}`);
    for (const f of c.files) {
      if (f.action === 'unchanged') continue;
      lines.push(
        `  ${verbs[f.action].padEnd(9)} ${f.path}${f.conflicts && f.conflicts > 1 ? ` (${f.conflicts} conflicts)` : ''}${f.note && f.action !== 'kept-removed-upstream' ? ` - ${f.note}` : ''}`,
      );
    }
  }
  for (const s of plan.skipped) lines.push(`${s.id}: not updated: ${s.reason}.`);
  if (!plan.components.length && !plan.skipped.length) lines.push('Every component is at its wanted version; nothing to update.');
  for (const n of plan.notes) lines.push(`note: ${n}`);
  if (args.dryRun) {
    lines.push(...(await plannedDiffs(dir, plan, lockFileName)));
    lines.push(`Dry run: nothing was written (${plan.writes.length} file${plan.writes.length === 1 ? '' : 's'} would be written, ${plan.removes.length} removed).`);
    io.out(lines.join('\n') + '\n');
    return plan.conflicts.length ? exitCodes.findings : exitCodes.clean;
  }
  await commitPilotChanges(dir, plan);
  if (plan.keptRemovedUpstream.length) {
    lines.push(
      `Kept ${plan.keptRemovedUpstream.length} file${plan.keptRemovedUpstream.length === 1 ? '' : 's'} that the library removed but you had edited (no longer part of the component): ${plan.keptRemovedUpstream.join(', ')}.`,
    );
  }
  if (plan.conflicts.length) {
    lines.push(`${plan.conflicts.length} file${plan.conflicts.length === 1 ? ' has' : 's have'} conflicts to resolve (look for <<<<<<< markers), then run \`genai-assets verify\`:`);
    for (const p of plan.conflicts) lines.push(`  ${p}`);
    io.out(lines.join('\n') + '\n');
    return exitCodes.findings;
  }
  if (plan.components.length) lines.push(`Updated ${plan.components.length} component${plan.components.length === 1 ? '' : 's'}; pilot.lock.json rewritten.`);
  io.out(lines.join('\n') + '\n');
  return exitCodes.clean;
}

/** update on a repository with installs: each installed asset to its wanted version, merged three ways, under the repository's lock. */
async function updateInstalled(dir: string, args: UpdateArgs, io: CliIo, deps: PilotCliDeps): Promise<number> {
  const writeOpts = pilotWriteOptions(deps, io);
  const first = (await readInstalls(dir, writeOpts))!;
  const lib = await openLibraryForPilot(libraryOfInstalls(first, args.library, io), io, deps, { offline: args.offline });
  const plan = async () => {
    const installs = (await readInstalls(dir, writeOpts))!;
    return planInstallUpdate({
      lock: installs.lock,
      catalog: lib.opened.catalog,
      source: lib.source,
      commit: lib.commit,
      history: lib.history,
      readRepoFile: pilotFileReader(dir),
      merger: deps.merger ?? new GitFileMerger({ env: io.env, diff3: true }),
      refs: args.refs,
    });
  };
  let p;
  try {
    p = args.dryRun
      ? await plan()
      : await withPilotLock(
          dir,
          async () => {
            const planned = await plan();
            await commitPilotChanges(dir, planned);
            return planned;
          },
          // A repository with installs is no pilot: its lock is taken all the same (install and the editor take it too).
          { ...writeOpts, anyFolder: true },
        );
  } finally {
    lib.close();
  }
  const lines: string[] = [];
  for (const c of p.components) {
    lines.push(`${c.id} (${c.target}) ${c.from} -> ${c.to}${c.baseFound ? '' : ' (no base version found: merged two-way)'}`);
    for (const f of c.files) {
      if (f.action === 'unchanged') continue;
      const where = f.section !== undefined ? `${f.path} (section ${f.section})` : f.path;
      lines.push(`  ${verbs[f.action].padEnd(9)} ${where}${f.conflicts && f.conflicts > 1 ? ` (${f.conflicts} conflicts)` : ''}${f.note ? ` - ${f.note}` : ''}`);
    }
  }
  for (const s of p.skipped) lines.push(`${s.id} (${s.target}): not updated: ${s.reason}`);
  if (p.deleted.length) lines.push(`Recorded as deleted (left deleted; ${installLockFileName} says so): ${p.deleted.join(', ')}.`);
  if (!p.components.length && !p.skipped.length && !p.deleted.length) lines.push('Every installed asset is at its wanted version; nothing to update.');
  for (const n of p.notes) lines.push(`note: ${n}`);
  if (args.dryRun) {
    lines.push(...(await plannedDiffs(dir, p, installLockFileName)));
    lines.push(`Dry run: nothing was written (${p.writes.length} file${p.writes.length === 1 ? '' : 's'} would be written, ${p.removes.length} removed).`);
  } else if (p.components.length || p.deleted.length) lines.push(`${installLockFileName} rewritten.`);
  if (p.conflicts.length) {
    lines.push(
      `${p.conflicts.length} file${p.conflicts.length === 1 ? '' : 's'} ${args.dryRun ? 'would have' : 'have'} conflicts to resolve (diff3 markers: <<<<<<< yours, ||||||| installed, =======, >>>>>>> library), then run \`genai-assets verify\`:`,
    );
    for (const c of p.conflicts) lines.push(`  ${c}`);
  }
  io.out(lines.join('\n') + '\n');
  return p.conflicts.length ? exitCodes.findings : exitCodes.clean;
}

/** The unified diff of every file a plan writes or removes (the lock file aside), as `--dry-run` shows it; a binary file is named only. */
async function plannedDiffs(dir: string, plan: { writes: { path: string; data: Uint8Array }[]; removes: string[] }, lock: string): Promise<string[]> {
  const read = pilotFileReader(dir);
  const out: string[] = [];
  const diff = async (path: string, after: Uint8Array | undefined) => {
    const before = await read(path);
    const a = before === undefined ? undefined : decodeUtf8(before);
    const b = after === undefined ? undefined : decodeUtf8(after);
    if ((before !== undefined && a === undefined) || (after !== undefined && b === undefined))
      out.push(`Binary file ${path} ${after === undefined ? 'removed' : before === undefined ? 'added' : 'differs'}`);
    else {
      const d = unifiedDiff(path, a, b);
      if (d) out.push(d.replace(/\n$/, ''));
    }
  };
  for (const w of plan.writes) if (w.path !== lock) await diff(w.path, w.data);
  for (const r of plan.removes) await diff(r, undefined);
  return out;
}
