// Where each component of a pilot stands against the library: current (locked), wanted (newest in range), latest.

import * as semver from 'semver';
import { indexById, newest, parseReference } from '../library/references';
import type { Asset, AssetKind, AssetStatus, Catalog, Reference } from '../library/types';
import type { LockedComponent } from '../scaffold/lockFile';
import type { PilotManifest } from '../scaffold/pilotFile';

export interface OutdatedRow {
  id: string;
  kind: AssetKind;
  /** The locked version. */
  current: string;
  /** Newest allowed version within the range in pilot.yaml (null when none). */
  wanted: string | null;
  /** Newest allowed version of any range (null when none). */
  latest: string | null;
  /**
   * Status of the current version in the library; 'superseded' when the library no longer
   * has it but has a newer version, 'withdrawn' when it has neither.
   */
  status: AssetStatus | 'superseded' | 'withdrawn';
}

/** The components' references in pilot.yaml by id, with their index in the list. */
export function componentReferences(manifest: Pick<PilotManifest, 'components'>): Map<string, { index: number; ref: Reference }> {
  const out = new Map<string, { index: number; ref: Reference }>();
  manifest.components.forEach((raw, index) => {
    const ref = parseReference(raw);
    if (ref && !out.has(ref.id)) out.set(ref.id, { index, ref });
  });
  return out;
}

export interface Standing {
  row: OutdatedRow;
  /** The library's asset at the locked version, when it still has it. */
  currentAsset?: Asset;
  wantedAsset?: Asset;
  latestAsset?: Asset;
  /** The range in pilot.yaml (undefined = any). */
  range?: string;
}

/** The standing of one locked component. */
export function standingOf(c: LockedComponent, range: string | undefined, catalog: Catalog, byId: Map<string, Asset[]> = indexById(catalog.assets)): Standing {
  const statuses = catalog.library.policy.scaffoldStatuses;
  const all = (byId.get(c.id) ?? []).filter((a) => a.kind === c.kind || a.kind !== 'template');
  const allowed = all.filter((a) => semver.valid(a.version) && statuses.includes(a.status));
  const validRange = range !== undefined && semver.validRange(range) !== null ? range : undefined;
  const wantedAsset = newest(validRange ? allowed.filter((a) => semver.satisfies(a.version, validRange, { includePrerelease: true })) : allowed);
  const latestAsset = newest(allowed);
  const currentAsset = all.find((a) => a.version === c.version);
  const row: OutdatedRow = {
    id: c.id,
    kind: c.kind,
    current: c.version,
    wanted: wantedAsset?.version ?? null,
    latest: latestAsset?.version ?? null,
    status: currentAsset?.status ?? (all.some((a) => semver.valid(a.version) && semver.valid(c.version) && semver.gt(a.version, c.version)) ? 'superseded' : 'withdrawn'),
  };
  const s: Standing = { row, range: validRange };
  if (currentAsset) s.currentAsset = currentAsset;
  if (wantedAsset) s.wantedAsset = wantedAsset;
  if (latestAsset) s.latestAsset = latestAsset;
  return s;
}

/** One row per locked component, in lock order. */
export function outdatedComponents(pilot: { manifest: Pick<PilotManifest, 'components'>; lock: { components: LockedComponent[] } }, catalog: Catalog): OutdatedRow[] {
  const refs = componentReferences(pilot.manifest);
  const byId = indexById(catalog.assets);
  return pilot.lock.components.map((c) => standingOf(c, refs.get(c.id)?.ref.range, catalog, byId).row);
}

/** True when a row needs attention: a newer allowed version, or a current version that is no longer allowed. */
export function needsAttention(row: OutdatedRow, allowed: readonly AssetStatus[]): boolean {
  if (row.status === 'withdrawn' || row.status === 'superseded' || !allowed.includes(row.status)) return true;
  if (!semver.valid(row.current)) return row.wanted !== null;
  return (row.wanted !== null && semver.gt(row.wanted, row.current)) || (row.latest !== null && semver.gt(row.latest, row.current));
}
