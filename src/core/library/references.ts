// References (`id`, `id@range`, `library:id@range`): parsing and resolution against a catalog.

import * as semver from 'semver';
import type { Asset, AssetStatus, Catalog, Reference } from './types';

const refPattern = /^(?:([a-z0-9][a-z0-9._-]*):)?([a-z0-9]+(?:-[a-z0-9]+)*)(?:@(.+))?$/;

/** Parses a reference; undefined when it is not one (the schema reports the shape). */
export function parseReference(raw: string): Reference | undefined {
  const m = refPattern.exec(raw.trim());
  if (!m) return undefined;
  const ref: Reference = { raw, id: m[2] };
  if (m[1]) ref.library = m[1];
  if (m[3] !== undefined) ref.range = m[3].trim();
  return ref;
}

/** Parsed ranges by text (a catalog check resolves the same few ranges thousands of times); null for an invalid one. */
const ranges = new Map<string, semver.Range | null>();

/** The range (prereleases included), parsed once; null when it is not a semver range. */
function rangeOf(text: string): semver.Range | null {
  let r = ranges.get(text);
  if (r === undefined) {
    try {
      r = new semver.Range(text, { includePrerelease: true });
    } catch {
      r = null;
    }
    if (ranges.size > 4096) ranges.clear();
    ranges.set(text, r);
  }
  return r;
}

/** Parsed versions by text (the same few hundred versions are compared again and again); null for an invalid one. */
const versions = new Map<string, semver.SemVer | null>();

/** The version, parsed once; null when it is not a semver version. */
function versionOf(text: string): semver.SemVer | null {
  let v = versions.get(text);
  if (v === undefined) {
    v = semver.parse(text);
    if (versions.size > 4096) versions.clear();
    versions.set(text, v);
  }
  return v;
}

/** True when the range part is a valid semver range. */
export function isValidRange(range: string): boolean {
  return rangeOf(range) !== null;
}

export interface Resolution {
  /** The chosen asset, when one satisfies the reference. */
  asset?: Asset;
  /** Every asset with the id (all versions). */
  candidates: Asset[];
}

/**
 * Resolves a reference: the newest version that satisfies the range (and whose status is in
 * `statuses`, when given). A bare id means the newest approved version, falling back to the
 * newest of any status when `statuses` is not given and nothing is approved.
 */
export function resolveReference(ref: Reference, byId: Map<string, Asset[]>, statuses?: readonly AssetStatus[]): Resolution {
  const candidates = byId.get(ref.id) ?? [];
  let pool = candidates.filter((a) => versionOf(a.version) !== null);
  if (statuses) pool = pool.filter((a) => statuses.includes(a.status));
  if (ref.range !== undefined) {
    if (!isValidRange(ref.range)) return { candidates };
    const range = rangeOf(ref.range)!;
    pool = pool.filter((a) => range.test(versionOf(a.version)!));
  } else if (!statuses) {
    const approved = pool.filter((a) => a.status === 'approved');
    if (approved.length) pool = approved;
  }
  const asset = newest(pool);
  return asset ? { asset, candidates } : { candidates };
}

/** The asset with the highest version. */
export function newest(assets: readonly Asset[]): Asset | undefined {
  let best: Asset | undefined;
  let bestVersion: semver.SemVer | undefined;
  for (const a of assets) {
    const v = versionOf(a.version);
    if (!v) continue;
    if (!bestVersion || v.compare(bestVersion) > 0) {
      best = a;
      bestVersion = v;
    }
  }
  return best;
}

/** `id@^major.minor` for an asset, the reference people copy. */
export function referenceTo(asset: Pick<Asset, 'id' | 'version'>): string {
  const v = semver.parse(asset.version);
  return v ? `${asset.id}@^${v.major}.${v.minor}` : asset.id;
}

/** Indexes assets by id. */
export function indexById(assets: readonly Asset[]): Map<string, Asset[]> {
  const m = new Map<string, Asset[]>();
  for (const a of assets) {
    const list = m.get(a.id);
    if (list) list.push(a);
    else m.set(a.id, [a]);
  }
  return m;
}

/** Eval suites targeting each asset of a catalog (targets resolved against the same catalog). */
export function evalCoverage(catalog: Catalog): Map<Asset, Asset[]> {
  const byId = indexById(catalog.assets);
  const out = new Map<Asset, Asset[]>();
  for (const evalAsset of catalog.assets) {
    if (evalAsset.kind !== 'eval') continue;
    for (const r of evalAsset.references) {
      if (r.field !== 'targets') continue;
      if (r.ref.library !== undefined && r.ref.library !== catalog.library.name) continue;
      const target = resolveReference(r.ref, byId).asset;
      if (!target) continue;
      const list = out.get(target) ?? [];
      if (!list.includes(evalAsset)) list.push(evalAsset);
      out.set(target, list);
    }
  }
  return out;
}

/** True when an eval suite of the catalog targets an asset whose entry is `file`: its tests must then give that prompt's required inputs. */
export function coveredByEvals(catalog: Catalog, file: string): boolean {
  for (const target of evalCoverage(catalog).keys()) if (target.entryFile === file) return true;
  return false;
}
