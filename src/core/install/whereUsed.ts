// Where each library asset is used: the locks of many repositories (installs and pilots) against the library's catalog, and the library's reuse figures.

import * as semver from 'semver';
import { indexById, newest } from '../library/references';
import type { AssetKind, Catalog } from '../library/types';
import { standingOf } from '../pilot/outdated';
import type { InstallLock, InstallTarget } from '../scaffold/lockFile';

/** One component of a lock as a repository holds it at its commit. */
export interface UsedComponent {
  id: string;
  kind: AssetKind;
  version: string;
  digest: string;
  /** Installs: the tool it was installed for. */
  target?: InstallTarget;
  /** The range asked for (installs: the lock's `reference`; pilots: pilot.yaml's range is not read, so none). */
  reference?: string;
  /** Files (or sections, `path#section`) that differ from the lock at the repository's commit, or are gone without being recorded as deleted; repository-relative. */
  modifiedFiles: string[];
}

/** One lock of a repository: its installs (`genai-assets.lock.json` at the top) or a pilot's `pilot.lock.json`. */
export interface RepositoryLock {
  kind: 'installs' | 'pilot';
  /** The lock's path in the repository (`genai-assets.lock.json`, `pilots/triage/pilot.lock.json`). */
  path: string;
  /** The library the lock records (name, url, ref, commit). */
  library: InstallLock['library'];
  components: UsedComponent[];
}

/** What one repository's locks say at the commit read, or why it could not be read. */
export interface RepositoryLocks {
  /** The URL as given (credentials are never printed: use `display`). */
  url: string;
  /** The URL with credentials hidden. */
  display: string;
  /** The commit read (the remote's default branch). */
  commit?: string;
  /** Why the repository could not be read (unreachable, not found, ...): reported, not counted. */
  error?: string;
  /** Locks that could not be parsed, with the reason (the other locks still count). */
  problems: { path: string; message: string }[];
  /** The installs lock, when the repository has one. */
  installs?: RepositoryLock;
  /** The pilots' locks, by path. */
  pilots: RepositoryLock[];
  /**
   * Files a tool reads as a gen-AI asset (instructions, prompts, agents, skills, rules, ...,
   * recognised by path as the engine recognises them) that no lock records: the repository's own.
   */
  ownAssetFiles: number;
  /** True when this run took the result from the cache (the repository's commit had not changed). */
  cached: boolean;
}

/** One repository's use of an asset. */
export interface AssetUse {
  url: string;
  display: string;
  /** The versions used (installed for several tools, or in several pilots, they may differ), ascending. */
  versions: string[];
  /** Where: `copilot`, `claude`, `cursor`, `agents` for installs, `pilot <folder>` for pilots. */
  where: string[];
  /** A newer version the library's policy allows exists (within the range or not). */
  outdated: boolean;
  /** An installed file was edited or deleted locally (not recorded). */
  modified: boolean;
  /** A version used is deprecated in the library. */
  deprecated: boolean;
  /** A version used is no longer in the library at all. */
  withdrawn: boolean;
}

/** One library asset (by id) and the repositories using it. */
export interface AssetUsage {
  id: string;
  kind: AssetKind;
  /** The newest version the policy allows (null when none). */
  latest: string | null;
  /** The status of the asset's newest version in the library. */
  status: string;
  repositories: AssetUse[];
  /** Counts of `repositories`: all of them, and those outdated, modified, on deprecated versions. */
  counts: { repositories: number; outdated: number; modified: number; deprecated: number };
}

export interface ReuseFigures {
  /** Approved assets (the newest version is approved) used by two or more repositories. */
  approvedUsedByTwoOrMore: number;
  /** Approved assets of the library. */
  approved: number;
  /** Components from this library across the repositories read. */
  fromLibrary: number;
  /** Every component across those repositories: from this library, from other libraries, and the repositories' own asset files. */
  components: number;
  /** fromLibrary / components (0 when there are none). */
  fromLibraryShare: number;
}

export interface WhereUsedReport {
  library: { name: string };
  /** Repositories read (without error). */
  repositories: number;
  /** Every asset of the library (by id, in catalog order), used or not. */
  assets: AssetUsage[];
  reuse: ReuseFigures;
  /** Repositories that could not be read, and locks that could not be parsed. */
  errors: { url: string; message: string }[];
}

/** The repositories of a fleet file: one git URL a line; blank lines and `#` comments (whole line, or after a space) skipped; duplicates once. */
export function parseRepositoryList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line && !out.includes(line)) out.push(line);
  }
  return out;
}

/** The files a lock records, repository-relative (a pilot's are under its folder). */
export function lockedPaths(lock: Pick<InstallLock, 'components'>, folder: string): string[] {
  const prefix = folder ? `${folder}/` : '';
  return lock.components.flatMap((c) => c.files.map((f) => prefix + f.path));
}

/** Formats that are the library's or a pilot's own bookkeeping, not an asset a tool reads. */
const bookkeeping = new Set(['asset-manifest', 'library-manifest', 'pilot-manifest']);

/** True when `format` (of formatOfPath) is a gen-AI asset a repository could hold, not a manifest. */
export function isAssetFormat(format: string | undefined): boolean {
  return format !== undefined && !bookkeeping.has(format);
}

/**
 * The report of where each asset of `catalog` is used across `fleet`: the components of every
 * lock recording this library (by name), with outdated / modified / deprecated per repository,
 * and the reuse figures. Pure.
 */
export function whereUsed(fleet: readonly RepositoryLocks[], catalog: Catalog): WhereUsedReport {
  const byId = indexById(catalog.assets);
  const name = catalog.library.name;
  const statuses = catalog.library.policy.scaffoldStatuses;
  const uses = new Map<string, Map<string, AssetUse>>();
  const errors: WhereUsedReport['errors'] = [];
  let fromLibrary = 0;
  let components = 0;
  let read = 0;
  const seen = new Set<string>();
  for (const repo of fleet) {
    // A repository listed twice counts once.
    if (seen.has(repo.url)) continue;
    seen.add(repo.url);
    if (repo.error !== undefined) {
      errors.push({ url: repo.display, message: repo.error });
      continue;
    }
    read++;
    for (const p of repo.problems) errors.push({ url: repo.display, message: `${p.path}: ${p.message}` });
    components += repo.ownAssetFiles;
    for (const lock of [...(repo.installs ? [repo.installs] : []), ...repo.pilots]) {
      components += lock.components.length;
      if (lock.library.name !== name) continue;
      fromLibrary += lock.components.length;
      const folder = lock.kind === 'pilot' ? lock.path.replace(/\/?pilot\.lock\.json$/, '') || '.' : '';
      for (const c of lock.components) {
        const s = standingOf({ id: c.id, kind: c.kind, version: c.version, digest: c.digest, files: [] }, undefined, catalog, byId);
        const byRepo = uses.get(c.id) ?? new Map<string, AssetUse>();
        uses.set(c.id, byRepo);
        const use = byRepo.get(repo.url) ?? { url: repo.url, display: repo.display, versions: [], where: [], outdated: false, modified: false, deprecated: false, withdrawn: false };
        byRepo.set(repo.url, use);
        if (!use.versions.includes(c.version)) use.versions.push(c.version);
        const where = lock.kind === 'pilot' ? `pilot ${folder}` : (c.target ?? 'installs');
        if (!use.where.includes(where)) use.where.push(where);
        const latest = s.latestAsset?.version;
        if (latest && (!semver.valid(c.version) || semver.gt(latest, c.version))) use.outdated = true;
        if (c.modifiedFiles.length) use.modified = true;
        if (s.currentAsset?.status === 'deprecated') use.deprecated = true;
        if (s.row.status === 'withdrawn') use.withdrawn = true;
      }
    }
  }
  const assets: AssetUsage[] = [];
  let approved = 0;
  let approvedUsedByTwoOrMore = 0;
  for (const [id, versions] of byId) {
    const top = newest(versions) ?? versions[versions.length - 1];
    const allowed = newest(versions.filter((a) => statuses.includes(a.status)));
    const repositories = [...(uses.get(id)?.values() ?? [])].map((u) => ({ ...u, versions: sortVersions(u.versions) }));
    const counts = {
      repositories: repositories.length,
      outdated: repositories.filter((u) => u.outdated).length,
      modified: repositories.filter((u) => u.modified).length,
      deprecated: repositories.filter((u) => u.deprecated).length,
    };
    if (top.status === 'approved') {
      approved++;
      if (repositories.length >= 2) approvedUsedByTwoOrMore++;
    }
    assets.push({ id, kind: top.kind, latest: allowed?.version ?? null, status: top.status, repositories, counts });
  }
  // Ids the lock records and the library no longer has at all: still shown, as withdrawn.
  for (const [id, byRepo] of uses) {
    if (byId.has(id)) continue;
    const repositories = [...byRepo.values()].map((u) => ({ ...u, versions: sortVersions(u.versions) }));
    const kind = fleet
      .flatMap((r) => [...(r.installs ? [r.installs] : []), ...r.pilots])
      .flatMap((l) => l.components)
      .find((c) => c.id === id)!.kind;
    const count = (f: (u: AssetUse) => boolean) => repositories.filter(f).length;
    assets.push({
      id,
      kind,
      latest: null,
      status: 'withdrawn',
      repositories,
      counts: { repositories: repositories.length, outdated: count((u) => u.outdated), modified: count((u) => u.modified), deprecated: 0 },
    });
  }
  return {
    library: { name },
    repositories: read,
    assets,
    reuse: { approvedUsedByTwoOrMore, approved, fromLibrary, components, fromLibraryShare: components ? fromLibrary / components : 0 },
    errors,
  };
}

function sortVersions(vs: string[]): string[] {
  return [...vs].sort((a, b) => (semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : a < b ? -1 : a > b ? 1 : 0));
}
