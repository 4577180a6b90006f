// What the cross-file checks share: which files a (scoped) run reports on, and where in a manifest a finding lands.

import type { Range } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import type { Asset, Catalog } from '../library/types';
import { emptyRange } from '../text/textDocument';

/**
 * True for the files whose findings a (scoped) run computes; with the assets and files the
 * checks go through (for a scoped run, only those that can hold a finding in scope).
 */
export type InScope = ((file: string | undefined) => boolean) & { assets: readonly Asset[]; files: Iterable<ParsedFile> };

export function manifestRange(catalog: Catalog, asset: Asset, key: string): Range {
  const f = asset.manifest ? catalog.files.get(asset.manifest) : undefined;
  return f?.ranges?.[key] ?? f?.ranges?.[key.replace(/#value$/, '')] ?? emptyRange;
}
