// What the full-level open of a folder's listing found and built, kept for the next open of the same listing (folderSnapshot.ts).

import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { listingAndFileFindings } from './build';
import { listedEntries } from './fileSource';
import type { LibraryFileEntry } from './fileSource';
import type { FileSystem } from '../ports';
import { LazyFiles } from './lazyFiles';
import type { ParsedFileCache } from './load';
import type { Asset, Catalog, CatalogListing, LibraryInfo } from './types';

/** What a kept open must match to be used, besides its listing's id. */
interface KeptOpenKey {
  engine: string;
  root: string;
  fallbackName: string;
}

/** The catalog an open built, as kept: its files are their paths, in order, with their keys in the index cache. */
export interface KeptCatalog {
  library: LibraryInfo;
  assets: Asset[];
  listingFindings: Diagnostic[];
  files: [path: string, key: string][];
}

/**
 * What full-catalog.v1.json holds: what the full-level open of one listing found and built, by one build. The cross-file
 * findings serve every open of the same listing (the checks do not run again); the catalog, when each of its files was
 * served or stored by the index cache, gives the next such open its assets without a file decoded (keptCatalog).
 */
export interface KeptOpen extends KeptOpenKey {
  format: string;
  version: number;
  id: string;
  findings: Diagnostic[];
  catalog?: KeptCatalog;
}

const magic = 'genai-assets-full-catalog';

/** What the open of the listing `id` kept in `file`; undefined when missing, unreadable, corrupt, or of another listing or build. */
export async function readKeptOpen(fs: FileSystem, file: string, key: KeptOpenKey, id: string): Promise<KeptOpen | undefined> {
  let v: Partial<KeptOpen> | null;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await fs.readFile(file))) as Partial<KeptOpen> | null;
  } catch {
    return undefined; // missing, unreadable or corrupt: the checks run
  }
  if (!v || v.format !== magic || v.version !== 1 || v.id !== id || v.engine !== key.engine || v.root !== key.root || v.fallbackName !== key.fallbackName) return undefined;
  if (!Array.isArray(v.findings)) return undefined;
  const c = v.catalog;
  const whole =
    c &&
    !!c.library &&
    typeof c.library === 'object' &&
    Array.isArray(c.assets) &&
    Array.isArray(c.listingFindings) &&
    Array.isArray(c.files) &&
    c.files.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
  return { ...(v as KeptOpen), catalog: whole ? c : undefined };
}

/** The bytes of a kept open of the listing `id`. */
export function keptOpenBytes(key: KeptOpenKey, id: string, kept: Pick<KeptOpen, 'findings' | 'catalog'>): Uint8Array {
  const stored: KeptOpen = { format: magic, version: 1, ...key, id, ...kept };
  return new TextEncoder().encode(JSON.stringify(stored));
}

/** A ParsedFileCache that notes, for each path, the file it last served or stored and under which key. */
export function noting(cache: ParsedFileCache): { cache: ParsedFileCache; served: Map<string, [key: string, file: ParsedFile]> } {
  const served = new Map<string, [string, ParsedFile]>();
  return {
    served,
    cache: {
      get(p, k) {
        const f = cache.get(p, k);
        if (f) served.set(p, [k, f]);
        return f;
      },
      set(p, k, f) {
        cache.set(p, k, f);
        served.set(p, [k, f]);
      },
    },
  };
}

/**
 * `catalog` as kept, when the cache (`served`: what noting saw) holds each of its files as the open read it; undefined when
 * one was not (a file that could not be read is not kept there).
 */
export function keptCatalogOf(catalog: Catalog, served: ReadonlyMap<string, [key: string, file: ParsedFile]>): KeptCatalog | undefined {
  const files: [string, string][] = [];
  for (const [p, f] of catalog.files) {
    const s = served.get(p);
    if (s?.[1] !== f) return undefined;
    files.push([p, s[0]]);
  }
  return { library: catalog.library, assets: catalog.assets, listingFindings: [...(catalog.listing?.findings ?? [])], files };
}

/**
 * The catalog `kept` records, over the listing `entries` (with their keys), each file decoded from `cache` when first read:
 * the catalog a load of the same files gives (catalogOf, withCheckFindings), with the check stage's `findings`.
 */
export function keptCatalog(
  kept: KeptCatalog,
  { findings, fallbackName }: Pick<KeptOpen, 'findings' | 'fallbackName'>,
  root: string,
  entries: readonly LibraryFileEntry[],
  cache: ParsedFileCache,
): Catalog {
  const keys = new Map(kept.files);
  const files = LazyFiles.of(keys.keys(), (p) => cache.get(p, keys.get(p)!));
  const listing: CatalogListing = { entries: listedEntries(entries), findings: kept.listingFindings, fallbackName };
  let all: Diagnostic[] | undefined;
  return {
    root,
    library: kept.library,
    assets: kept.assets,
    files,
    commit: undefined,
    listing,
    checkFindings: findings,
    // Reading them decodes every file.
    get diagnostics(): Diagnostic[] {
      all ??= [...listingAndFileFindings(listing, files), ...findings];
      return all;
    },
    set diagnostics(list: Diagnostic[]) {
      all = list;
    },
  };
}
