// Which assets a filter selects: the one rule the Catalog view, `genai-assets list` and the MCP server's search_assets share.

import type { Asset } from './types';

export interface AssetFilter {
  /** Every word appears (ignoring case) in the id, title, description, kind, status, model, a tag or an owner. */
  text?: string;
  kind?: string;
  status?: string;
  tag?: string;
  /** An owner holds this text, ignoring case (`claims` matches `claims-team@acme.example`). */
  owner?: string;
}

/** True when the asset matches every part of the filter. */
export function matchesAssetFilter(asset: Asset, f: AssetFilter): boolean {
  if (f.kind && asset.kind !== f.kind) return false;
  if (f.status && asset.status !== f.status) return false;
  if (f.tag && !asset.tags.includes(f.tag)) return false;
  const owner = f.owner?.trim().toLowerCase();
  if (owner && !asset.owners.some((o) => o.toLowerCase().includes(owner))) return false;
  const words = f.text ? f.text.toLowerCase().split(/\s+/).filter(Boolean) : [];
  if (words.length) {
    const hay = [asset.id, asset.title, asset.description, asset.kind, asset.status, asset.model ?? '', ...asset.tags, ...asset.owners].join('\n').toLowerCase();
    if (!words.every((w) => hay.includes(w))) return false;
  }
  return true;
}

/** The assets matching `f`, by id then path. */
export function filterAssets(assets: readonly Asset[], f: AssetFilter): Asset[] {
  return assets.filter((a) => matchesAssetFilter(a, f)).sort(byIdThenPath);
}

function byIdThenPath(a: Asset, b: Asset): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : a.path < b.path ? -1 : 1;
}
