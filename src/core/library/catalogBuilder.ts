// A catalog under edit: its own files and assets, changed in place file by file, with what its build keeps from one edit to the next.

import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import {
  buildAssets,
  buildCatalog,
  countProblems,
  listingAndFileFindings,
  isUnmanagedAsset,
  keptInCatalog,
  layoutOf,
  libraryInfo,
  libraryManifest,
  listingOf,
  managedAsset,
  unmanagedAsset,
} from './build';
import type { Layout, ReplacedAsset } from './build';
import type { Asset, Catalog, CatalogListing, LibraryInfo, ListedEntry } from './types';
import { LazyFiles } from './lazyFiles';

/** What an edit changed. */
export interface CatalogEdit {
  /** The parsed form each changed path had before (undefined: it was not among the files). */
  previous: ReadonlyMap<string, ParsedFile | undefined>;
  /** The assets built again, in their places; 'all' when the whole list was (a file came or went, or an asset appeared or vanished). */
  assets: readonly ReplacedAsset[] | 'all';
}

/**
 * A catalog under edit, the state the editor's LiveCatalog keeps across edits: a copy of a
 * catalog's files and assets, changed in place by each edit (the catalog it started from is left
 * as it is), with what the build derives from the listing (the layout: asset folders and the
 * files of each) and the place of each asset in the list, so that the assets owning a file are
 * found from its folder. An edit that keeps the listing builds again only the assets owning a
 * changed file, in their places.
 */
export class CatalogBuilder {
  readonly root: string;
  readonly commit: string | undefined;
  /** The files as edited. */
  readonly files: Map<string, ParsedFile>;
  private list: Asset[];
  private listing: CatalogListing;
  private layout: Layout;
  private library: LibraryInfo;
  /** The place of each asset, by manifest path (managed) and by path (unmanaged); made when first needed, dropped when the list is built again whole. */
  private slots: { managed: Map<string, number>; unmanaged: Map<string, number> } | undefined;

  constructor(catalog: Catalog) {
    this.root = catalog.root;
    this.commit = catalog.commit;
    // A catalog whose files are decoded when read keeps them so: an edit reads only the files it reaches.
    this.files = catalog.files instanceof LazyFiles ? catalog.files.copy() : new Map(catalog.files);
    this.list = catalog.assets.slice();
    this.listing = listingOf(catalog);
    this.layout = layoutOf(this.listing.entries);
    this.library = catalog.library;
  }

  /** The assets as edited: a list changed in place by edits (replaced by a new one when an edit builds it again whole). */
  get assets(): Asset[] {
    return this.list;
  }

  /**
   * Lays `changed` files (parsed elsewhere, e.g. from an editor's unsaved text) over the files and
   * drops `removed` ones. Nothing is read or parsed: parse a changed file with the format hint of
   * its catalog (formatHintIn) so that an eval's plain-YAML entry stays a promptfoo suite. A new
   * path is added to the listing (with no other file of its folder read).
   */
  edit(changed: readonly ParsedFile[], removed: readonly string[] = []): CatalogEdit {
    const listed = this.layout.byPath;
    const gone = removed.filter((p) => listed.has(p));
    const added = changed.filter((f) => !listed.has(f.path));
    const touched = new Set([...changed.map((f) => f.path), ...gone]);
    const previous = new Map<string, ParsedFile | undefined>();
    for (const p of touched) previous.set(p, this.files.get(p));
    if (gone.length || added.length) {
      const drop = new Set(gone);
      const entries: ListedEntry[] = [...this.listing.entries.filter((e) => !drop.has(e.path)), ...added.map((f) => ({ path: f.path, type: 'file' as const }))];
      entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      this.listing = { ...this.listing, entries };
      this.layout = layoutOf(entries);
    }
    for (const p of gone) this.files.delete(p);
    for (const f of changed) {
      if (keptInCatalog(f, this.layout)) this.files.set(f.path, f);
      else this.files.delete(f.path);
    }
    if (touched.has('library.yaml') || touched.has('library.yml')) {
      const library = libraryInfo(libraryManifest(this.files), this.listing.fallbackName);
      // A name given by the library's configuration (no library.yaml) stays.
      if (!library.hasManifest && !this.library.hasManifest) library.name = this.library.name;
      this.library = library;
    }
    // With the same files listed, the assets of unchanged files carry over; a new or removed file may regroup folders.
    const sameListing = !gone.length && !added.length;
    const replaced = sameListing ? this.rebuildOwners(touched) : undefined;
    if (replaced) return { previous, assets: replaced };
    this.list = buildAssets(this.layout, this.files, this.commit, sameListing ? { from: this.list, changed: touched } : undefined);
    this.slots = undefined;
    return { previous, assets: 'all' };
  }

  /**
   * The assets a path belongs to: the managed ones of its folder (one per asset.yaml there: nearly
   * always one), else the unmanaged asset it may be; with their places (undefined: not in the list).
   */
  private ownersOf(p: string): { folder?: string; manifests: readonly string[]; slots: (number | undefined)[] } {
    if (!this.slots) {
      const slots = { managed: new Map<string, number>(), unmanaged: new Map<string, number>() };
      this.list.forEach((a, i) => (a.managed ? slots.managed.set(a.manifest!, i) : slots.unmanaged.set(a.path, i)));
      this.slots = slots;
    }
    const folder = this.layout.folderOf(p);
    const manifests = folder === undefined ? undefined : this.layout.manifestsIn.get(folder);
    if (manifests) return { folder, manifests, slots: manifests.map((m) => this.slots!.managed.get(m)) };
    return { manifests: [], slots: [this.slots.unmanaged.get(p)] };
  }

  /**
   * The assets owning the `touched` files built again in their places; undefined (nothing
   * changed) when an asset would appear or go away. The list then equals what the whole build gives.
   */
  private rebuildOwners(touched: ReadonlySet<string>): ReplacedAsset[] | undefined {
    const layout = this.layout;
    const out: ReplacedAsset[] = [];
    const keys = new Set<string>();
    for (const p of touched) {
      const { folder, manifests, slots } = this.ownersOf(p);
      const key = manifests.length ? `m:${folder}` : `u:${p}`;
      if (keys.has(key)) continue;
      keys.add(key);
      const i = slots[0];
      if (manifests.length) {
        const manifest = this.files.get(manifests[0]);
        // A folder with two manifests (asset.yaml and asset.yml) holds two assets: built again whole.
        if (i === undefined || !manifest || manifests.length > 1) return undefined;
        out.push({ slot: i, before: this.list[i], after: managedAsset(manifest, folder!, layout, this.files, this.commit) });
      } else {
        const f = this.files.get(p);
        const isAsset = !!f && isUnmanagedAsset(p, f, layout.outside);
        if (isAsset !== (i !== undefined)) return undefined;
        if (i !== undefined) out.push({ slot: i, before: this.list[i], after: unmanagedAsset(f!, this.commit) });
      }
    }
    for (const r of out) this.list[r.slot] = r.after;
    return out;
  }

  /**
   * Sets the problem counts of the assets owning `paths` (every asset when undefined) from the
   * findings on their files; gives the assets replaced by a copy with new counts.
   */
  countProblems(findingsOf: (path: string) => readonly Diagnostic[] | undefined, paths?: Iterable<string>): ReplacedAsset[] {
    if (!paths) return countProblems(this.list, findingsOf);
    const slots = new Set<number>();
    for (const p of paths) for (const i of this.ownersOf(p).slots) if (i !== undefined) slots.add(i);
    return countProblems(this.list, findingsOf, slots);
  }

  /**
   * The catalog as it stands, its findings read when first asked for: the listing's, the files'
   * and the check stage's (`checkFindings`). It shares this builder's files and assets, so it
   * follows later edits: take the builder's catalog again after one.
   */
  catalog(checkFindings: () => Diagnostic[]): Catalog {
    const { root, commit, files, listing } = this;
    let found: Diagnostic[] | undefined;
    let all: Diagnostic[] | undefined;
    const checked = (): Diagnostic[] => (found ??= checkFindings());
    return {
      root,
      library: this.library,
      assets: this.list,
      files,
      commit,
      listing,
      get checkFindings(): Diagnostic[] {
        return checked();
      },
      set checkFindings(list: Diagnostic[]) {
        found = list;
      },
      get diagnostics(): Diagnostic[] {
        all ??= [...listingAndFileFindings(listing, files), ...checked()];
        return all;
      },
      set diagnostics(list: Diagnostic[]) {
        all = list;
      },
    };
  }

  /** A catalog of the builder's state with every finding computed now, the check stage `checks` run on it (for a rebuild done once). */
  build(checks: (catalog: Catalog) => Diagnostic[]): Catalog {
    return buildCatalog({ root: this.root, commit: this.commit, listing: this.listing, library: this.library, assets: this.list, files: this.files }, checks);
  }
}

export interface RebuildOptions {
  /** Library-relative paths of files that no longer exist. */
  removed?: readonly string[];
  /** The check stage to run on the rebuilt catalog. */
  checks: (catalog: Catalog) => Diagnostic[];
}

/**
 * A new catalog with `changed` files (parsed elsewhere) in place of the old ones and `removed`
 * ones dropped, reusing every other ParsedFile and the assets of unchanged files; the old catalog
 * is left untouched. What the editor keeps across edits is a CatalogBuilder; this is one edit.
 */
export function rebuildCatalogWith(catalog: Catalog, changed: readonly ParsedFile[], opts: RebuildOptions): Catalog {
  const builder = new CatalogBuilder(catalog);
  builder.edit(changed, opts.removed);
  return builder.build(opts.checks);
}
