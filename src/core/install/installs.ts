// Installs of library assets into a repository: planning an install, verifying installed files, where each stands, and updating them with a three-way merge.

import * as semver from 'semver';
import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { formatOfPath } from '../formats/detect';
import { approvalProblem, assetDigest } from '../library/digest';
import type { FileSource } from '../library/fileSource';
import { indexById, parseReference, referenceTo } from '../library/references';
import type { Asset, Catalog } from '../library/types';
import type { FileMerger } from '../ports';
import type { LibraryHistory } from '../pilot/history';
import { standingOf } from '../pilot/outdated';
import type { OutdatedRow } from '../pilot/outdated';
import { hasConflictMarkers } from '../pilot/update';
import { changedLinesRange } from '../pilot/verify';
import type { PilotChanges } from '../scaffold/apply';
import { installLockFileName, serializeLockFile } from '../scaffold/lockFile';
import type { InstallLock, LockedComponent, LockedFile } from '../scaffold/lockFile';
import { assetFileProblems, resolveComponents, ScaffoldError } from '../scaffold/plan';
import type { SelectionReason } from '../scaffold/plan';
import { decodeUtf8, emptyRange, looksBinary, TextDocument } from '../text/textDocument';
import { sha256Hex } from '../hash';
import { installFiles, readSection, sectionLine, withoutSection, withSection } from './targets';
import type { InstallSource, InstallTarget } from './targets';

/** Reads a repository file by its repository-relative path; undefined when there is none. */
export type RepoReader = (path: string) => Promise<Uint8Array | undefined>;

const encode = (s: string) => new TextEncoder().encode(s);
const keyOf = (f: { path: string; section?: string }) => (f.section !== undefined ? `${f.path}#${f.section}` : f.path);
const shownKey = (f: { path: string; section?: string }) => (f.section !== undefined ? `${f.path} (section ${f.section})` : f.path);

/** What an install reads of an asset of the library as it is now. */
export function installSourceOf(asset: Asset): InstallSource | undefined {
  if (!asset.entryFile) return undefined;
  return { id: asset.id, format: asset.format, entry: asset.entryFile, path: asset.path, files: asset.files, ...(asset.manifest ? { manifest: asset.manifest } : {}) };
}

/**
 * Reads installed content as the lock hashes it: a whole file's bytes, or the text of its section
 * (undefined when the file, or the section, is not there).
 */
export async function readInstalled(read: RepoReader, f: { path: string; section?: string }): Promise<Uint8Array | undefined> {
  const bytes = await read(f.path);
  if (bytes === undefined || f.section === undefined) return bytes;
  const text = decodeUtf8(bytes);
  const s = text === undefined ? undefined : readSection(text, f.section);
  return s === undefined ? undefined : encode(s);
}

/** A repository's files as a plan writes them: reads remembered (the plan's basis), whole files and sections composed per path. */
class RepoWrites {
  readonly basis = new Map<string, string | null>();
  private readonly texts = new Map<string, string | undefined>();
  private readonly whole = new Map<string, Uint8Array | null>();
  constructor(private readonly read: RepoReader) {}

  async file(path: string): Promise<Uint8Array | undefined> {
    const bytes = await this.read(path);
    if (!this.basis.has(path)) this.basis.set(path, bytes ? sha256Hex(bytes) : null);
    return bytes;
  }

  async installed(f: { path: string; section?: string }): Promise<Uint8Array | undefined> {
    await this.file(f.path);
    return readInstalled(this.read, f);
  }

  /** Writes installed content: the whole file, or its section. */
  async put(f: { path: string; section?: string }, data: Uint8Array): Promise<void> {
    if (f.section === undefined) {
      this.whole.set(f.path, data);
      return;
    }
    const text = await this.text(f.path);
    this.texts.set(f.path, withSection(text, f.section, decodeUtf8(data) ?? ''));
  }

  async remove(f: { path: string; section?: string }): Promise<void> {
    if (f.section === undefined) {
      this.whole.set(f.path, null);
      return;
    }
    const text = await this.text(f.path);
    if (text !== undefined) this.texts.set(f.path, withoutSection(text, f.section));
  }

  private async text(path: string): Promise<string | undefined> {
    if (this.texts.has(path)) return this.texts.get(path);
    const bytes = await this.file(path);
    return bytes === undefined ? undefined : (decodeUtf8(bytes) ?? '');
  }

  async changes(lock: InstallLock): Promise<PilotChanges> {
    const writes: { path: string; data: Uint8Array }[] = [];
    const removes: string[] = [];
    for (const [path, data] of this.whole) {
      if (data) writes.push({ path, data });
      else removes.push(path);
    }
    for (const [path, text] of this.texts) {
      const before = await this.read(path);
      if (text !== undefined && (before === undefined || decodeUtf8(before) !== text)) writes.push({ path, data: encode(text) });
    }
    await this.file(installLockFileName);
    writes.push({ path: installLockFileName, data: encode(serializeLockFile(lock)) });
    return { writes, removes, basis: [...this.basis].map(([path, sha256]) => ({ path, sha256 })) };
  }
}

export interface InstallRequest {
  catalog: Catalog;
  /** Reads the library's files (the same version as the catalog). */
  source: FileSource;
  /** The library as the lock records it. */
  library: InstallLock['library'];
  refs: readonly string[];
  targets: readonly InstallTarget[];
  /** The repository's lock, when it has one. */
  existing?: InstallLock;
  readRepoFile: RepoReader;
}

export interface InstalledComponent {
  id: string;
  version: string;
  kind: Asset['kind'];
  target: InstallTarget;
  reason: SelectionReason;
  via?: string;
  paths: string[];
}

export interface InstallPlan extends PilotChanges {
  lock: InstallLock;
  installed: InstalledComponent[];
  /** What was converted between tools' front matter, one line each (`id for target: ...`). */
  converted: string[];
  notes: string[];
}

/**
 * Plans an install: each reference (and its dependsOn) resolves to the newest version the
 * policy allows, and each asset goes where each target tool reads it (converted exactly, or
 * refused with the reason). Nothing is written; throws ScaffoldError listing every refusal.
 */
export async function planInstall(req: InstallRequest): Promise<InstallPlan> {
  const { catalog } = req;
  const problems: string[] = [];
  const notes: string[] = [];
  const converted: string[] = [];
  if (req.existing && req.existing.library.name !== catalog.library.name) {
    throw new ScaffoldError([
      `${installLockFileName} records installs from the library \`${req.existing.library.name}\`, and this is \`${catalog.library.name}\`; a repository installs from one library.`,
    ]);
  }
  const selected = resolveComponents(catalog, req.refs, { includeEvals: false });
  const entries = new Map((await req.source.list()).map((e) => [e.path, e]));
  const repo = new RepoWrites(req.readRepoFile);
  const components = [...(req.existing?.components ?? [])];
  const installed: InstalledComponent[] = [];
  const planned = new Map<string, string>();
  for (const s of selected) {
    const a = s.asset;
    problems.push(...assetFileProblems(catalog, a, entries, 'Asset'));
    const src = installSourceOf(a);
    if (!src) {
      problems.push(`\`${a.id}\` has no entry file, so there is nothing a tool reads; its owners must set \`entry\` in its asset.yaml.`);
      continue;
    }
    for (const target of req.targets) {
      const have = components.find((c) => c.id === a.id && c.target === target);
      if (have) {
        if (have.version === a.version) notes.push(`\`${a.id}\` ${a.version} is installed for ${target} already; left as it is.`);
        else problems.push(`\`${a.id}\` is installed for ${target} at ${have.version}; run \`genai-assets update . ${a.id}\` to move it to ${a.version}.`);
        continue;
      }
      const r = await installFiles(src, target, (p) => req.source.read(p));
      if ('refused' in r) {
        problems.push(r.refused);
        continue;
      }
      for (const c of r.converted) converted.push(`${a.id} for ${target}: ${c}`);
      const files: LockedFile[] = [];
      for (const f of r.files) {
        const key = keyOf(f);
        const other = planned.get(key) ?? components.find((c) => c.files.some((x) => keyOf(x) === key))?.id;
        if (other) {
          problems.push(`\`${shownKey(f)}\` would be written for both \`${other}\` and \`${a.id}\`; install one of them for ${target}.`);
          continue;
        }
        planned.set(key, a.id);
        const now = await repo.installed(f);
        if (now !== undefined && sha256Hex(now) !== sha256Hex(f.data)) {
          problems.push(
            f.section === undefined
              ? `\`${f.path}\` exists and was not installed by genai-assets; move it away (or delete it) and install again, so that your copy is not overwritten.`
              : `\`${f.path}\` already has a section \`${f.section}\` that genai-assets did not record; remove it and install again.`,
          );
          continue;
        }
        if (now !== undefined) notes.push(`\`${shownKey(f)}\` already holds exactly what \`${a.id}\` installs; it is recorded as installed.`);
        else await repo.put(f, f.data);
        files.push({ path: f.path, ...(f.section !== undefined ? { section: f.section } : {}), sha256: sha256Hex(f.data) });
      }
      const digest = assetDigest(a, catalog.files) ?? `sha256:${sha256Hex(files.map((f) => `${keyOf(f)}\0${f.sha256}\n`).join(''))}`;
      components.push({ id: a.id, kind: a.kind, version: a.version, digest, target, reference: s.reference, commit: req.library.commit, source: { path: src.path, entry: src.entry }, files });
      installed.push({ id: a.id, version: a.version, kind: a.kind, target, reason: s.reason, ...(s.via ? { via: s.via } : {}), paths: files.map(shownKey) });
    }
  }
  if (problems.length) throw new ScaffoldError([...new Set(problems)]);
  const lock: InstallLock = { library: req.library, components };
  const changes = await repo.changes(lock);
  return { ...changes, lock, installed, converted, notes: [...new Set(notes)] };
}

/** The range of component `c` in the lock's text (its `"id"` line), for diagnostics. */
export function lockRange(lockText: string, c: Pick<LockedComponent, 'id' | 'target'>): Range {
  const doc = new TextDocument(lockText);
  const needle = `"id": ${JSON.stringify(c.id)}`;
  for (let i = lockText.indexOf(needle); i >= 0; i = lockText.indexOf(needle, i + 1)) {
    const next = lockText.indexOf('"id":', i + needle.length);
    const window = lockText.slice(i, next < 0 ? undefined : next);
    if (!c.target || window.includes(`"target": ${JSON.stringify(c.target)}`)) return doc.rangeOf(i, i + needle.length);
  }
  return emptyRange;
}

export interface VerifyInstallsInput {
  lock: InstallLock;
  lockText: string;
  catalog: Catalog;
  source?: FileSource;
  readRepoFile: RepoReader;
}

/** The reference's range of an installed component (undefined: any). */
function rangeOf(c: LockedComponent): string | undefined {
  return c.reference ? parseReference(c.reference)?.range : undefined;
}

/**
 * Checks installed assets: `component-modified` (an installed file or section differs from the
 * lock, or was deleted and not yet recorded), `component-outdated`, `component-deprecated`,
 * `component-not-approved` and `unknown-reference` (withdrawn), as for pilots.
 */
export async function verifyInstalls(input: VerifyInstallsInput): Promise<Diagnostic[]> {
  const { lock, catalog } = input;
  const out: Diagnostic[] = [];
  const byId = indexById(catalog.assets);
  const statuses = catalog.library.policy.scaffoldStatuses;
  const lib = `\`${catalog.library.name}\``;
  for (const c of lock.components) {
    const where = lockRange(input.lockText, c);
    const s = standingOf(c, rangeOf(c), catalog, byId);
    const cur = s.currentAsset;
    let originals: Map<string, Uint8Array> | undefined;
    const original = async (key: string): Promise<Uint8Array | undefined> => {
      if (!originals) {
        originals = new Map();
        const src = cur && input.source ? installSourceOf(cur) : undefined;
        const r = src && c.target ? await installFiles(src, c.target, (p) => input.source!.read(p)).catch(() => undefined) : undefined;
        if (r && 'files' in r) for (const f of r.files) originals.set(keyOf(f), f.data);
      }
      return originals.get(key);
    };
    for (const f of c.files) {
      if (f.deleted) continue;
      const now = await readInstalled(input.readRepoFile, f);
      if (now === undefined) {
        out.push(
          diag(
            'component-modified',
            installLockFileName,
            where,
            `\`${shownKey(f)}\` of \`${c.id}\` ${c.version} (${c.target}) was deleted. Run \`genai-assets update\` to record the deletion (it stays deleted), or install the asset again.`,
          ),
        );
        continue;
      }
      if (sha256Hex(now) === f.sha256) continue;
      let range: Range = emptyRange;
      const text = looksBinary(now) ? undefined : decodeUtf8(now);
      if (text !== undefined) {
        const orig = await original(keyOf(f));
        range = changedLinesRange(text, orig && sha256Hex(orig) === f.sha256 ? decodeUtf8(orig) : undefined);
        if (f.section !== undefined) {
          // The section's lines are lines of the shared file, from the line after its begin marker.
          const whole = decodeUtf8((await input.readRepoFile(f.path)) ?? new Uint8Array()) ?? '';
          const at = sectionLine(whole, f.section) ?? 0;
          range = { start: { line: range.start.line + at, character: range.start.character }, end: { line: range.end.line + at, character: range.end.character } };
        }
      }
      out.push(
        diag(
          'component-modified',
          f.path,
          range,
          `${f.section !== undefined ? `The section \`${f.section}\` of this file` : 'This file'} differs from \`${c.id}\` ${c.version} as installed (edited locally). \`genai-assets update\` keeps local edits when it merges upstream changes.`,
        ),
      );
    }
    const newerExists = (byId.get(c.id) ?? []).some((a) => semver.valid(a.version) && semver.valid(c.version) && semver.gt(a.version, c.version));
    if (!cur && !newerExists) {
      out.push(
        diag('unknown-reference', installLockFileName, where, `\`${c.id}\` ${c.version} is no longer in the library ${lib} (withdrawn). Remove its files and its entry, or install another asset.`),
      );
      continue;
    }
    if (cur?.status === 'deprecated') {
      out.push(
        diag(
          'component-deprecated',
          installLockFileName,
          where,
          `\`${c.id}\` ${c.version} (${c.target}) is deprecated in ${lib}${cur.replacedBy ? `; it is replaced by \`${cur.replacedBy}\`: install that instead` : ''}${s.wantedAsset && s.wantedAsset !== cur ? `, or run \`genai-assets update . ${c.id}\` (${s.wantedAsset.version})` : ''}.`,
        ),
      );
    } else if (cur && !statuses.includes(cur.status)) {
      out.push(
        diag('component-not-approved', installLockFileName, where, `\`${c.id}\` ${c.version} is ${cur.status} in ${lib}, and the library's policy allows only ${statuses.join(', ') || '(none)'}.`),
      );
    }
    const libDigest = cur ? assetDigest(cur, catalog.files) : undefined;
    if (libDigest && libDigest !== c.digest) {
      out.push(
        diag(
          'component-modified',
          installLockFileName,
          where,
          `The library's \`${c.id}\` ${c.version} has changed since it was installed (same version, different content). Run \`genai-assets update . ${c.id}\` to take the change.`,
        ),
      );
    }
    const newer = s.wantedAsset && semver.valid(c.version) && semver.gt(s.wantedAsset.version, c.version) ? s.wantedAsset : undefined;
    if (newer) out.push(diag('component-outdated', installLockFileName, where, `\`${c.id}\` (${c.target}) is at ${c.version}; ${newer.version} is available. Run \`genai-assets update . ${c.id}\`.`));
    else if (s.latestAsset && semver.valid(c.version) && semver.gt(s.latestAsset.version, c.version)) {
      out.push(
        diag(
          'component-outdated',
          installLockFileName,
          where,
          `\`${c.id}\` (${c.target}) is at ${c.version}; ${s.latestAsset.version} is the newest, outside \`${c.reference}\`. Run \`genai-assets update . ${referenceTo(s.latestAsset)}\`.`,
        ),
      );
    }
  }
  return out;
}

/** Installed files parsed by the engine: the files (not sections) that the lock records and that exist. */
export function installedPaths(lock: InstallLock): string[] {
  return [...new Set(lock.components.flatMap((c) => c.files.filter((f) => f.section === undefined && !f.deleted).map((f) => f.path)))];
}

export interface InstallRow extends OutdatedRow {
  target: InstallTarget;
}

/** One row per installed component, in lock order. */
export function outdatedInstalls(lock: InstallLock, catalog: Catalog): InstallRow[] {
  const byId = indexById(catalog.assets);
  return lock.components.map((c) => ({ ...standingOf(c, rangeOf(c), catalog, byId).row, target: c.target! }));
}

export type InstallFileAction = 'unchanged' | 'replaced' | 'merged' | 'conflict' | 'added' | 'removed' | 'kept-local' | 'kept-removed-upstream' | 'kept-deleted';

export interface InstallFileChange {
  path: string;
  section?: string;
  action: InstallFileAction;
  before?: Uint8Array;
  after?: Uint8Array;
  conflicts?: number;
  note?: string;
}

export interface InstallComponentUpdate {
  id: string;
  target: InstallTarget;
  from: string;
  to: string;
  baseFound: boolean;
  files: InstallFileChange[];
}

export interface InstallUpdatePlan extends PilotChanges {
  components: InstallComponentUpdate[];
  skipped: { id: string; target: InstallTarget; reason: string }[];
  /** Paths written with diff3 conflict markers. */
  conflicts: string[];
  /** Installed files the user deleted, recorded as deleted (they stay deleted). */
  deleted: string[];
  notes: string[];
  lock: InstallLock;
}

export interface InstallUpdateRequest {
  lock: InstallLock;
  catalog: Catalog;
  source: FileSource;
  commit: string;
  history?: LibraryHistory;
  readRepoFile: RepoReader;
  merger: FileMerger;
  /** Components to update: ids, or `id@range` to change the range recorded in the lock. None = every one with a newer allowed version in its range. */
  refs?: readonly string[];
}

/**
 * The installed content of the locked version, read back from the library's history (at the
 * locked commit, then the commits touching the asset): counts only when every file that is
 * not recorded deleted hashes to the lock.
 */
async function baseOf(history: LibraryHistory | undefined, lock: InstallLock, c: LockedComponent): Promise<Map<string, Uint8Array> | undefined> {
  if (!history || !c.source || !c.target) return undefined;
  const commits: string[] = [];
  for (const k of [c.commit, lock.library.commit]) if (k && /^[0-9a-f]{40,64}$/.test(k) && !commits.includes(k)) commits.push(k);
  for (const k of await history.commitsTouching(c.source.path, 20).catch(() => [] as string[])) if (!commits.includes(k)) commits.push(k);
  const format = formatOfPath(c.source.entry);
  if (!format) return undefined;
  for (const commit of commits.slice(0, 20)) {
    try {
      const src = await history.at(commit);
      if (!src) continue;
      const listed = (await src.list()).filter((e) => e.type === 'file').map((e) => e.path);
      if (!listed.includes(c.source.entry)) continue;
      const folder = c.source.path === c.source.entry ? undefined : c.source.path;
      const files = folder === undefined ? [c.source.entry] : listed.filter((p) => folder === '' || p.startsWith(folder + '/'));
      const manifest = folder === undefined ? undefined : files.find((p) => p === (folder ? `${folder}/asset.yaml` : 'asset.yaml') || p === (folder ? `${folder}/asset.yml` : 'asset.yml'));
      const r = await installFiles({ id: c.id, format, entry: c.source.entry, path: c.source.path, files, ...(manifest ? { manifest } : {}) }, c.target, (p) => src.read(p));
      if (!('files' in r)) continue;
      const got = new Map(r.files.map((f) => [keyOf(f), f.data]));
      if (c.files.every((f) => f.deleted || (got.has(keyOf(f)) && sha256Hex(got.get(keyOf(f))!) === f.sha256))) return got;
    } catch {
      // A commit that cannot be read: try the next.
    }
  }
  return undefined;
}

function isText(b: Uint8Array | undefined): boolean {
  return b === undefined || (!looksBinary(b) && decodeUtf8(b) !== undefined);
}

/**
 * Plans an update of installed assets without writing: files untouched locally are replaced,
 * edited ones merged three ways (base = the locked version from the library's history) with
 * diff3 conflict markers, files the user deleted stay deleted and are recorded so.
 */
export async function planInstallUpdate(req: InstallUpdateRequest): Promise<InstallUpdatePlan> {
  const { lock, catalog } = req;
  const byId = indexById(catalog.assets);
  const problems: string[] = [];
  const named = new Map<string, string | undefined>();
  for (const raw of req.refs ?? []) {
    const ref = parseReference(raw);
    if (!ref) problems.push(`\`${raw}\` is not a reference; write an installed asset's id, or \`id@range\` to change its range.`);
    else if (ref.range !== undefined && semver.validRange(ref.range) === null) problems.push(`\`${raw}\`: \`${ref.range}\` is not a semver range.`);
    else if (!lock.components.some((c) => c.id === ref.id)) problems.push(`\`${ref.id}\` is not installed here; install it with \`genai-assets install ${ref.id}\`.`);
    else named.set(ref.id, ref.range);
  }
  if (problems.length) throw new ScaffoldError(problems);
  const repo = new RepoWrites(req.readRepoFile);
  const components: InstallComponentUpdate[] = [];
  const skipped: InstallUpdatePlan['skipped'] = [];
  const conflicts: string[] = [];
  const deleted: string[] = [];
  const notes: string[] = [];
  const unresolved: string[] = [];
  const next: LockedComponent[] = [];
  let rangesChanged = 0;
  for (const c of lock.components) {
    const chosen = !named.size || named.has(c.id);
    const newRange = named.get(c.id);
    const reference = newRange !== undefined ? `${c.id}@${newRange}` : c.reference;
    const s = standingOf(c, newRange ?? rangeOf(c), catalog, byId);
    const to = s.wantedAsset;
    const moves = chosen && !!to && (!semver.valid(c.version) || semver.gt(to.version, c.version) || (to.version === c.version && assetDigest(to, catalog.files) !== c.digest));
    // Files deleted since the last install or update: recorded as deleted, whatever else happens.
    const files: LockedFile[] = [];
    for (const f of c.files) {
      if (!f.deleted && (await repo.installed(f)) === undefined) {
        deleted.push(shownKey(f));
        files.push({ ...f, deleted: true });
      } else files.push(f);
    }
    if (!moves) {
      if (chosen && named.size)
        skipped.push({
          id: c.id,
          target: c.target!,
          reason: to ? `already at ${c.version}, the newest allowed version in \`${reference ?? c.id}\`` : `the library has no allowed version of it in \`${reference ?? c.id}\``,
        });
      next.push({ ...c, ...(reference !== undefined ? { reference } : {}), files });
      if (reference !== c.reference) rangesChanged++;
      continue;
    }
    const src = installSourceOf(to!);
    const approval = approvalProblem(catalog, to!, 'Asset');
    const theirs = src && !approval ? await installFiles(src, c.target!, (p) => req.source.read(p)) : undefined;
    if (!theirs || 'refused' in theirs) {
      skipped.push({ id: c.id, target: c.target!, reason: approval ?? (theirs && 'refused' in theirs ? theirs.refused : `${to!.version} has no entry file`) });
      next.push({ ...c, files });
      continue;
    }
    const base = await baseOf(req.history, lock, c);
    if (!base) notes.push(`\`${c.id}\`: the locked version could not be read back from the library's history; files edited on both sides are merged without a base (every difference is a conflict).`);
    const T = new Map(theirs.files.map((f) => [keyOf(f), f]));
    const locked = new Map(files.map((f) => [keyOf(f), f]));
    const changes: InstallFileChange[] = [];
    const newFiles: LockedFile[] = [];
    for (const key of [...new Set([...locked.keys(), ...T.keys()])].sort()) {
      const f = locked.get(key);
      const t = T.get(key);
      const where = { path: (f ?? t)!.path, ...((f ?? t)!.section !== undefined ? { section: (f ?? t)!.section } : {}) };
      const record = (data: Uint8Array, extra: Partial<LockedFile> = {}) =>
        newFiles.push({ path: where.path, ...(where.section !== undefined ? { section: where.section } : {}), sha256: sha256Hex(data), ...extra });
      const change: InstallFileChange = { ...where, action: 'unchanged' };
      if (f?.deleted) {
        if (t) {
          change.action = 'kept-deleted';
          change.note = t && sha256Hex(t.data) !== f.sha256 ? 'deleted locally; changed upstream, still left deleted' : 'deleted locally: left deleted';
          record(t.data, { deleted: true });
          changes.push(change);
        }
        continue;
      }
      const O = await repo.installed(where);
      if (O !== undefined) change.before = O;
      if (f && O !== undefined && sha256Hex(O) === f.sha256) {
        if (!t) {
          change.action = 'removed';
          await repo.remove(where);
        } else if (sha256Hex(t.data) !== f.sha256) {
          change.action = 'replaced';
          change.after = t.data;
          await repo.put(where, t.data);
        }
        if (t) record(t.data);
        changes.push(change);
        continue;
      }
      if (!t) {
        change.action = 'kept-removed-upstream';
        change.note = `removed from \`${c.id}\` ${to!.version} but edited locally: kept, no longer installed`;
        changes.push(change);
        continue;
      }
      record(t.data);
      if (O === undefined) {
        change.action = 'added';
        change.after = t.data;
        await repo.put(where, t.data);
      } else if (sha256Hex(O) === sha256Hex(t.data)) {
        change.after = O;
      } else if (f && sha256Hex(t.data) === f.sha256) {
        change.action = 'kept-local';
      } else {
        const B = f ? base?.get(key) : undefined;
        if (!isText(B) || !isText(O) || !isText(t.data)) {
          change.action = 'conflict';
          change.note = 'binary file changed on both sides: your copy is kept';
          conflicts.push(shownKey(where));
        } else if (hasConflictMarkers(decodeUtf8(O) ?? '')) {
          unresolved.push(shownKey(where));
        } else {
          const r = await req.merger.merge(B ?? new Uint8Array(), O, t.data, { ours: `${where.path} (yours)`, base: `${c.id}@${c.version} (installed)`, theirs: `${c.id}@${to!.version} (library)` });
          change.after = r.data;
          change.action = r.conflicts > 0 ? 'conflict' : 'merged';
          if (r.conflicts > 0) {
            change.conflicts = r.conflicts;
            conflicts.push(shownKey(where));
          }
          await repo.put(where, r.data);
        }
      }
      changes.push(change);
    }
    components.push({ id: c.id, target: c.target!, from: c.version, to: to!.version, baseFound: !!base, files: changes });
    next.push({
      ...c,
      version: to!.version,
      kind: to!.kind,
      digest: assetDigest(to!, catalog.files) ?? c.digest,
      ...(reference !== undefined ? { reference } : {}),
      ...(req.commit ? { commit: req.commit } : {}),
      source: { path: src!.path, entry: src!.entry },
      files: newFiles,
    });
  }
  if (unresolved.length) {
    throw new ScaffoldError([
      `${unresolved.length === 1 ? 'This file still has' : 'These files still have'} conflict markers from an earlier update, and merging again would nest them: ${unresolved.join(', ')}.`,
      'Resolve the conflicts first (keep the lines you want, delete the markers), then run the update again. Nothing was changed.',
    ]);
  }
  const newLock: InstallLock = { library: { ...lock.library, commit: components.length ? req.commit || lock.library.commit : lock.library.commit }, components: next };
  const changed = components.length > 0 || deleted.length > 0 || rangesChanged > 0;
  const changes = changed ? await repo.changes(newLock) : { writes: [], removes: [], basis: [...repo.basis].map(([path, sha256]) => ({ path, sha256 })) };
  return { ...changes, components, skipped, conflicts, deleted, notes, lock: newLock };
}
