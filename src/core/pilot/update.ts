// Updating a pilot's components: a three-way merge per file (base = locked version, ours = the pilot, theirs = the new version).

import * as semver from 'semver';
import { approvalProblem } from '../library/digest';
import type { FileSource } from '../library/fileSource';
import { indexById, parseReference, referenceTo } from '../library/references';
import type { Asset, Catalog } from '../library/types';
import type { FileMerger } from '../ports';
import type { PilotChanges } from '../scaffold/apply';
import { assetRelative, copiedFiles, ScaffoldError } from '../scaffold/plan';
import { decodeUtf8, looksBinary } from '../text/textDocument';
import type { LibraryHistory } from './history';
import { catalogDigest, componentFolder, lockDigest, lockFileName, relativeToFolder, serializeLockFile } from '../scaffold/lockFile';
import type { LockedComponent, LockFile } from '../scaffold/lockFile';
import { componentReferences, standingOf } from './outdated';
import { editPilotComponents, pilotFileName } from '../scaffold/pilotFile';
import type { LoadedPilot } from '../scaffold/pilotFile';
import { hasReadmeSection, readmeSection, withReadmeSection } from '../scaffold/readme';
import type { ReadmeRow } from '../scaffold/readme';
import { sha256Hex } from '../hash';

export type FileAction = 'unchanged' | 'replaced' | 'merged' | 'conflict' | 'added' | 'removed' | 'kept-local' | 'kept-removed-upstream' | 'restored' | 'kept-deleted';

export interface FileChange {
  /** Path inside the pilot. */
  path: string;
  action: FileAction;
  /** The pilot's bytes before (undefined: no such file). */
  before?: Uint8Array;
  /** The bytes after (undefined: removed or left absent). */
  after?: Uint8Array;
  /** Conflicting hunks (action 'conflict'). */
  conflicts?: number;
  note?: string;
  /** For a binary conflict: where the library's copy is written (a name no file of the pilot or of the plan has). */
  upstreamCopy?: string;
}

export interface ComponentUpdate {
  id: string;
  kind: Asset['kind'];
  from: string;
  to: string;
  /** True when the locked version's files were found in the library's history (a real three-way merge). */
  baseFound: boolean;
  files: FileChange[];
}

export interface UpdatePlan extends PilotChanges {
  components: ComponentUpdate[];
  /** Components left as they are, and why. */
  skipped: { id: string; reason: string }[];
  /** Paths written with conflict markers (or, for binary files, left as they were beside the library's copy). */
  conflicts: string[];
  /** Files the library removed that were edited locally: kept. */
  keptRemovedUpstream: string[];
  notes: string[];
  lock: LockFile;
}

export interface UpdateRequest {
  pilot: LoadedPilot;
  /** The library as it is now. */
  catalog: Catalog;
  /** Reads the library's files as they are now. */
  source: FileSource;
  /** The library's current commit (or catalog digest for a plain folder). */
  commit?: string;
  /** The library's history, for the base of each merge; without it, locally edited files get two-way conflicts. */
  history?: LibraryHistory;
  readPilotFile(path: string): Promise<Uint8Array | undefined>;
  /** True when a path (file, folder or link) exists in the pilot; without it, only readable files count. */
  pilotPathExists?(path: string): Promise<boolean>;
  merger: FileMerger;
  /** Components to update: ids, or `id@range` to change the range in pilot.yaml. None = every outdated component. */
  refs?: readonly string[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when a text still holds a conflict block of an earlier merge: a line starting with
 * `<<<<<<<`, a later one that is `=======` and a later one starting with `>>>>>>>` (a lone
 * `=======`, such as a Markdown heading's underline, is not one).
 */
export function hasConflictMarkers(text: string): boolean {
  let stage = 0;
  for (const line of text.split(/\r?\n/)) {
    if (stage === 0 && /^<{7}(?:[ \t]|$)/.test(line)) stage = 1;
    else if (stage === 1 && /^={7}[ \t]*$/.test(line)) stage = 2;
    else if (stage === 2 && /^>{7}(?:[ \t]|$)/.test(line)) return true;
  }
  return false;
}

function isText(b: Uint8Array | undefined): boolean {
  return b === undefined || (!looksBinary(b) && decodeUtf8(b) !== undefined);
}

/** The files of an asset that go into a pilot (copiedFiles: never git metadata), by path relative to the asset. */
async function assetFiles(source: FileSource, asset: Asset): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const f of copiedFiles(asset).files) out.set(assetRelative(asset, f), await source.read(f));
  return out;
}

/**
 * Finds the locked version's files in the library's history: at the locked commit first,
 * then at the commits that touched the asset's folder; a folder counts only when every
 * file hashes to what the lock recorded.
 */
export async function findBaseFiles(history: LibraryHistory, lock: Pick<LockFile, 'library'>, c: LockedComponent, catalog: Catalog): Promise<{ files?: Map<string, Uint8Array>; why?: string }> {
  const folder = componentFolder(c);
  const want = new Map(c.files.map((f) => [relativeToFolder(folder, f.path), f.sha256]));
  const current = catalog.assets.filter((a) => a.id === c.id && a.kind === c.kind);
  const preferred = [...new Set(current.map((a) => (a.managed ? a.path : a.path.slice(0, Math.max(0, a.path.lastIndexOf('/'))))))];
  const commits: string[] = [];
  if (/^[0-9a-f]{40,64}$/.test(lock.library.commit)) commits.push(lock.library.commit);
  for (const p of preferred) for (const k of await history.commitsTouching(p, 30)) if (!commits.includes(k)) commits.push(k);
  if (!commits.length) return { why: 'the library is not a git repository, so the locked version cannot be read back' };
  let lastError: string | undefined;
  for (const commit of commits.slice(0, 40)) {
    let src: FileSource | undefined;
    let paths: Set<string>;
    try {
      src = await history.at(commit);
      if (!src) continue;
      paths = new Set((await src.list()).filter((e) => e.type === 'file').map((e) => e.path));
    } catch (e) {
      lastError = (e as Error).message;
      continue;
    }
    const folders = [...preferred];
    const anchor = [...want.keys()][0];
    for (const p of paths) {
      if (anchor === undefined || !(p === anchor || p.endsWith('/' + anchor))) continue;
      const f = p === anchor ? '' : p.slice(0, p.length - anchor.length - 1);
      if (!folders.includes(f)) folders.push(f);
    }
    let tried = 0;
    for (const f of folders) {
      const at = (rel: string) => (f ? `${f}/${rel}` : rel);
      if (![...want.keys()].every((rel) => paths.has(at(rel)))) continue;
      if (++tried > 50) break;
      try {
        const files = new Map<string, Uint8Array>();
        let ok = true;
        for (const [rel, sha] of want) {
          const bytes = await src.read(at(rel));
          if (sha256Hex(bytes) !== sha) {
            ok = false;
            break;
          }
          files.set(rel, bytes);
        }
        if (ok) return { files };
      } catch (e) {
        lastError = (e as Error).message;
      }
    }
  }
  return { why: lastError ? `the locked files could not be read from the library's history (${lastError})` : `no commit of the library's history holds \`${c.id}\` ${c.version} as locked` };
}

/** Which components to move, and where: named ones (with optional new ranges) or every outdated one. */
function selectTargets(req: UpdateRequest): { targets: { locked: LockedComponent; to: Asset }[]; skipped: { id: string; reason: string }[]; rangeEdits: Map<number, string>; appendRefs: string[] } {
  const { pilot, catalog } = req;
  const refs = componentReferences(pilot.manifest);
  const byId = indexById(catalog.assets);
  const statuses = catalog.library.policy.scaffoldStatuses;
  const targets: { locked: LockedComponent; to: Asset }[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const rangeEdits = new Map<number, string>();
  const appendRefs: string[] = [];
  const problems: string[] = [];
  const named = req.refs ?? [];
  const consider = (c: LockedComponent, range: string | undefined, explicit: boolean) => {
    const s = standingOf(c, range, catalog, byId);
    const to = s.wantedAsset;
    const digest = s.currentAsset ? lockDigest(s.currentAsset, catalog.files) : undefined;
    if (!to) {
      const why = s.latestAsset
        ? `no allowed version within \`${range}\` (the newest is ${s.latestAsset.version}; change the reference to \`${referenceTo(s.latestAsset)}\`)`
        : `the library has no ${statuses.join('/') || 'allowed'} version of it${s.currentAsset?.replacedBy ? `; it is replaced by \`${s.currentAsset.replacedBy}\`` : ''}`;
      if (explicit) problems.push(`\`${c.id}\` cannot be updated: ${why}.`);
      else skipped.push({ id: c.id, reason: why });
      return;
    }
    const currentAllowed = !!s.currentAsset && statuses.includes(s.currentAsset.status);
    const newer = !semver.valid(c.version) || semver.gt(to.version, c.version);
    const changedInPlace = to.version === c.version && digest !== undefined && digest !== c.digest;
    if (to.version === c.version && !changedInPlace) {
      if (explicit) skipped.push({ id: c.id, reason: `already at ${c.version}, the newest allowed version${range ? ` within \`${range}\`` : ''}` });
      return;
    }
    if (!newer && !changedInPlace && currentAllowed && !explicit) {
      skipped.push({ id: c.id, reason: `${c.version} is newer than the newest allowed version within the range (${to.version})` });
      return;
    }
    targets.push({ locked: c, to });
  };
  if (named.length) {
    for (const raw of named) {
      const ref = parseReference(raw);
      if (!ref) {
        problems.push(`\`${raw}\` is not a reference; write a component id, or \`id@range\` to change its range.`);
        continue;
      }
      const c = pilot.lock.components.find((x) => x.id === ref.id);
      if (!c) {
        problems.push(`\`${ref.id}\` is not a component of this pilot; add it with \`genai-assets add\`.`);
        continue;
      }
      if (ref.range !== undefined && semver.validRange(ref.range) === null) {
        problems.push(`\`${raw}\`: \`${ref.range}\` is not a semver range.`);
        continue;
      }
      const existing = refs.get(ref.id);
      const range = ref.range ?? existing?.ref.range;
      if (ref.range !== undefined) {
        const text = `${ref.id}@${ref.range}`;
        if (existing) rangeEdits.set(existing.index, text);
        else appendRefs.push(text);
      }
      consider(c, range, true);
    }
  } else {
    for (const c of pilot.lock.components) consider(c, refs.get(c.id)?.ref.range, false);
  }
  if (problems.length) throw new ScaffoldError(problems);
  return { targets, skipped, rangeEdits, appendRefs };
}

/**
 * Plans an update without writing anything: for each component to move, every file is
 * replaced (untouched locally), merged (edited on both sides; conflicts get standard
 * markers), added or removed (removed upstream but edited locally: kept and reported).
 * The lock records the new versions with the library's hashes, so local edits stay visible.
 */
export async function planUpdate(req: UpdateRequest): Promise<UpdatePlan> {
  const { pilot, catalog } = req;
  const { targets, skipped, rangeEdits, appendRefs } = selectTargets(req);
  // A version whose approval does not hold (or is missing where the policy asks for one) is never installed.
  const unapproved = targets.map((t) => approvalProblem(catalog, t.to, 'Component')).filter((p): p is string => !!p);
  if (unapproved.length) throw new ScaffoldError(unapproved);
  const notes: string[] = [];
  const conflicts: string[] = [];
  const keptRemovedUpstream: string[] = [];
  const writes: { path: string; data: Uint8Array }[] = [];
  const removes: string[] = [];
  const updates: ComponentUpdate[] = [];
  const newLocked = new Map<string, LockedComponent>();
  /** Files that still hold conflict markers and would be merged again: the update is refused. */
  const unresolved: string[] = [];
  /** Binary conflicts: the library's copy gets a free name once every path of the plan is known. */
  const upstreamCopies: { change: FileChange; data: Uint8Array }[] = [];
  // What the plan is computed from, for a writer that runs later (PilotChanges.basis).
  const basis = new Map<string, string | null>([
    [pilotFileName, pilot.sha256.manifest],
    [lockFileName, pilot.sha256.lock],
  ]);
  const readPilotFile = async (p: string) => {
    const bytes = await req.readPilotFile(p);
    if (!basis.has(p)) basis.set(p, bytes ? sha256Hex(bytes) : null);
    return bytes;
  };

  for (const { locked: c, to } of targets) {
    const folder = componentFolder(c);
    const at = (rel: string) => (folder ? `${folder}/${rel}` : rel);
    const lockedSha = new Map(c.files.map((f) => [relativeToFolder(folder, f.path), f.sha256]));
    const theirs = await assetFiles(req.source, to);
    let base: Map<string, Uint8Array> | undefined;
    if (req.history) {
      const found = await findBaseFiles(req.history, pilot.lock, c, catalog);
      base = found.files;
      if (!base) notes.push(`\`${c.id}\`: ${found.why}; files edited both locally and upstream are merged without a base, so every difference shows as a conflict.`);
    } else {
      notes.push(`\`${c.id}\`: the library's history is not available; files edited both locally and upstream are merged without a base, so every difference shows as a conflict.`);
    }
    const labels = (path: string) => ({ ours: `${path} (pilot)`, base: `${c.id}@${c.version} (locked)`, theirs: `${c.id}@${to.version} (library)` });
    const files: FileChange[] = [];
    const rels = [...new Set([...lockedSha.keys(), ...theirs.keys()])].sort();
    for (const rel of rels) {
      const path = at(rel);
      const T = theirs.get(rel);
      const O = await readPilotFile(path);
      const sha = lockedSha.get(rel);
      const pristine = O !== undefined && sha !== undefined && sha256Hex(O) === sha;
      const change: FileChange = { path, action: 'unchanged' };
      if (O !== undefined) change.before = O;
      const merge = async (B: Uint8Array | undefined, Ov: Uint8Array, Tv: Uint8Array) => {
        if (!isText(B) || !isText(Ov) || !isText(Tv)) {
          change.action = 'conflict';
          change.after = Ov;
          change.conflicts = 1;
          upstreamCopies.push({ change, data: Tv });
          conflicts.push(path);
          return;
        }
        if (hasConflictMarkers(decodeUtf8(Ov) ?? '')) {
          unresolved.push(path);
          change.action = 'conflict';
          change.after = Ov;
          return;
        }
        const r = await req.merger.merge(B ?? new Uint8Array(), Ov, Tv, labels(path));
        change.after = r.data;
        if (r.conflicts > 0) {
          change.action = 'conflict';
          change.conflicts = r.conflicts;
          conflicts.push(path);
        } else change.action = 'merged';
        if (!sameBytes(r.data, Ov)) writes.push({ path, data: r.data });
      };
      if (sha !== undefined && T !== undefined) {
        if (O === undefined) {
          if (sha256Hex(T) === sha) {
            change.action = 'kept-deleted';
            change.note = 'deleted locally and unchanged upstream: left deleted';
          } else {
            change.action = 'restored';
            change.after = T;
            change.note = "deleted locally but changed upstream: the library's new copy is restored";
            writes.push({ path, data: T });
          }
        } else if (sameBytes(O, T)) {
          change.after = O;
        } else if (pristine) {
          change.action = 'replaced';
          change.after = T;
          writes.push({ path, data: T });
        } else if (sha256Hex(T) === sha) {
          change.action = 'kept-local';
          change.after = O;
        } else {
          await merge(base?.get(rel), O, T);
        }
      } else if (T !== undefined) {
        if (O === undefined) {
          change.action = 'added';
          change.after = T;
          writes.push({ path, data: T });
        } else if (sameBytes(O, T)) {
          change.after = O;
        } else {
          await merge(undefined, O, T);
          change.note = 'added upstream where the pilot already had a file of that name';
        }
      } else {
        // Removed upstream.
        if (O === undefined) continue;
        if (pristine) {
          change.action = 'removed';
          removes.push(path);
        } else {
          change.action = 'kept-removed-upstream';
          change.after = O;
          change.note = `removed from \`${c.id}\` ${to.version} but edited locally: kept`;
          keptRemovedUpstream.push(path);
        }
      }
      files.push(change);
    }
    updates.push({ id: c.id, kind: c.kind, from: c.version, to: to.version, baseFound: !!base, files });
    const digest =
      lockDigest(to, catalog.files) ??
      `sha256:${sha256Hex(
        [...theirs]
          .map(([r, b]) => `${r}\0${sha256Hex(b)}\n`)
          .sort()
          .join(''),
      )}`;
    newLocked.set(c.id, { id: c.id, kind: to.kind, version: to.version, digest, files: [...theirs].map(([rel, b]) => ({ path: at(rel), sha256: sha256Hex(b) })) });
  }

  if (unresolved.length) {
    throw new ScaffoldError([
      `${unresolved.length === 1 ? 'This file still has' : 'These files still have'} conflict markers (<<<<<<<, =======, >>>>>>>) from an earlier update, and merging again would nest them: ${unresolved.join(', ')}.`,
      'Resolve the conflicts first (keep the lines you want, delete the markers), then run the update again. Nothing was changed.',
    ]);
  }

  // The library's copy of each binary conflict: `X.upstream`, else `X.upstream.1`, ... never a name that exists or that the plan writes.
  const taken = new Set<string>([...writes.map((w) => w.path), ...removes]);
  for (const c of newLocked.values()) for (const f of c.files) taken.add(f.path);
  for (const { change, data } of upstreamCopies) {
    let side = `${change.path}.upstream`;
    for (let n = 1; taken.has(side) || (req.pilotPathExists ? await req.pilotPathExists(side) : (await readPilotFile(side)) !== undefined); n++) side = `${change.path}.upstream.${n}`;
    taken.add(side);
    basis.set(side, null);
    change.upstreamCopy = side;
    change.note = `binary file changed on both sides: your copy is kept, the library's is in ${side}${side === `${change.path}.upstream` ? '' : ` (${change.path}.upstream is taken)`}`;
    writes.push({ path: side, data });
  }

  // Dependencies of the new versions that the pilot does not satisfy.
  const after = pilot.lock.components.map((c) => newLocked.get(c.id) ?? c);
  for (const { to } of targets) {
    for (const r of to.references) {
      if (r.field !== 'dependsOn') continue;
      const have = after.find((c) => c.id === r.ref.id);
      if (!have) notes.push(`\`${to.id}\` ${to.version} depends on \`${r.ref.raw}\`, which the pilot does not have: run \`genai-assets add . ${r.ref.raw}\`.`);
      else if (r.ref.range && semver.valid(have.version) && !semver.satisfies(have.version, r.ref.range, { includePrerelease: true }))
        notes.push(`\`${to.id}\` ${to.version} needs \`${r.ref.raw}\`, but the pilot has ${have.version}: run \`genai-assets update . ${r.ref.raw}\`.`);
    }
  }

  const lock: LockFile = {
    library: { name: catalog.library.name, url: pilot.lock.library.url, commit: req.commit || catalogDigest(catalog) },
    template: pilot.lock.template,
    components: after,
  };
  const changed = targets.length > 0 || rangeEdits.size > 0 || appendRefs.length > 0;
  if (changed) {
    if (rangeEdits.size || appendRefs.length) {
      writes.push({ path: pilotFileName, data: new TextEncoder().encode(editPilotComponents(pilot.manifestText, { replace: rangeEdits, append: appendRefs })) });
    }
    const readme = await refreshedReadme(readPilotFile, lock, catalog);
    if (readme) writes.push(readme);
    writes.push({ path: lockFileName, data: new TextEncoder().encode(serializeLockFile(lock)) });
  }
  return { components: updates, skipped, conflicts, keptRemovedUpstream, notes, lock, writes, removes, basis: [...basis].map(([path, sha256]) => ({ path, sha256 })) };
}

/** README.md with its components section rewritten for `lock`, when the pilot has that section. */
export async function refreshedReadme(read: (path: string) => Promise<Uint8Array | undefined>, lock: LockFile, catalog: Catalog): Promise<{ path: string; data: Uint8Array } | undefined> {
  const bytes = await read('README.md');
  const text = bytes ? decodeUtf8(bytes) : undefined;
  if (text === undefined || !hasReadmeSection(text)) return undefined;
  const rows: ReadmeRow[] = lock.components.map((c) => {
    const a = catalog.assets.find((x) => x.id === c.id && x.version === c.version && x.kind === c.kind);
    return { id: c.id, kind: c.kind, version: c.version, status: a?.status ?? 'withdrawn', owners: a?.owners ?? [], path: componentFolder(c) };
  });
  const next = withReadmeSection(text, readmeSection(rows, lock.library));
  return next === text ? undefined : { path: 'README.md', data: new TextEncoder().encode(next) };
}
