// The catalog level of a new commit from the previous commit's catalog: only the assets whose files changed are read again.

import { formatOfPath, isYamlPath } from '../formats/detect';
import type { GitTreeChange } from '../ports';
import { compareAssets } from './catalogSnapshot';
import { dirOf } from './paths';
import { walked } from './gitSource';
import { loadCatalog } from './load';
import type { FileParser } from './load';
import type { FileSource, LibraryFileEntry } from './fileSource';
import type { Asset, Catalog } from './types';

export interface CatalogUpdate {
  /** The catalog of the previous commit (catalog level, as stored in the snapshot). */
  previous: Catalog;
  /** Files that differ between the previous commit and this one. */
  changes: GitTreeChange[];
  /** This commit's files (listed in part, where the source can). */
  source: FileSource & { listUnder?(paths: readonly string[]): Promise<LibraryFileEntry[] | undefined> };
  /** Files of the previous commit a whole read parses (the snapshot's count), for reports. */
  previousReadable?: number;
  root: string;
  /** The new commit; none for a folder (its assets carry none). */
  commit?: string;
  fallbackName: string;
  parser?: FileParser;
  onParse?: (path: string) => void;
}

export interface CatalogUpdated {
  catalog: Catalog;
  /** Files parsed. */
  parsed: number;
  /** Files a whole read of the new commit would parse (reported as served from the index). */
  readable: number;
  /** Assets of the previous catalog that the new one does not keep as they were. */
  dropped: Asset[];
  /** Assets of the new catalog built anew. */
  fresh: Asset[];
}

const isManifestName = (p: string) => /(^|\/)(asset|library)\.ya?ml$/i.test(p);

/**
 * The catalog of the new commit, rebuilding only the assets the changes touch: a managed asset
 * when a file under its folder changed (added, modified or deleted), an unmanaged asset when its
 * own file changed; an asset.yaml that appears or goes away moves the files around it to their
 * new owner, and those owners are rebuilt too. Undefined when the library must be read whole:
 * library.yaml changed, links or submodules changed, or the previous catalog is not at the
 * catalog level. Every asset is built by the same code as a full load (loadCatalog over the
 * affected files).
 */
export async function updateCatalog(u: CatalogUpdate): Promise<CatalogUpdated | undefined> {
  if (u.previous.level !== 'catalog') return undefined;
  const before = new Set<string>();
  for (const a of u.previous.assets) if (a.managed) before.add(a.path);
  // The asset folders after the change: the same set unless an asset.yaml appears or goes away.
  let after = before;
  for (const c of u.changes) {
    if (c.oldMode === '120000' || c.newMode === '120000' || c.oldMode === '160000' || c.newMode === '160000') return undefined;
    if (/^library\.ya?ml$/i.test(c.path)) return undefined;
    if (!isManifestName(c.path)) continue;
    if (c.status !== 'A' && c.status !== 'D' && c.status !== 'M') return undefined;
    if (c.status === 'M') continue;
    if (after === before) after = new Set(before);
    if (c.status === 'A') after.add(dirOf(c.path));
    else after.delete(dirOf(c.path));
  }
  const owner =
    (folders: Set<string>) =>
    (p: string): string | undefined => {
      let d = dirOf(p);
      for (;;) {
        if (folders.has(d)) return d;
        if (d === '') return undefined;
        d = dirOf(d);
      }
    };
  const ownerBefore = owner(before);
  const ownerAfter = owner(after);
  // Asset folders whose files changed (before or after the change), and changed files that no asset owns.
  const touched = new Set<string>();
  const loose = new Set<string>();
  for (const c of u.changes) {
    for (const f of [ownerBefore(c.path), ownerAfter(c.path)]) {
      if (f !== undefined) touched.add(f);
      else loose.add(c.path);
    }
  }

  // This commit's files of the touched assets, the changed loose files, and files a removed asset.yaml left without an owner:
  // listed under those folders and paths when the source can (a changed folder holds every file that matters).
  const roots = [...touched, ...loose];
  const some = u.source.listUnder && !touched.has('') && roots.length <= 1000 ? await u.source.listUnder(roots) : undefined;
  const all = some ?? (await u.source.list());
  const wanted: LibraryFileEntry[] = all.filter((e) => {
    const now = ownerAfter(e.path);
    if (now !== undefined) return touched.has(now);
    if (loose.has(e.path)) return true;
    const was = ownerBefore(e.path);
    return was !== undefined && touched.has(was);
  });
  let parsed = 0;
  const partial: FileSource = { list: async () => wanted, read: (p) => u.source.read(p) };
  const rebuilt = await loadCatalog({
    root: u.root,
    source: partial,
    commit: u.commit,
    fallbackName: u.fallbackName,
    level: 'catalog',
    parser: u.parser,
    onParse: (p) => {
      parsed++;
      u.onParse?.(p);
    },
  });

  // Keep the untouched assets (now at this commit), put the rebuilt ones in their place.
  const wantedPaths = new Set(wanted.map((e) => e.path));
  const kept: Asset[] = [];
  const dropped: Asset[] = [];
  for (const a of u.previous.assets) {
    const keep = a.managed ? !touched.has(a.path) && after.has(a.path) : !wantedPaths.has(a.path) && !loose.has(a.path) && ownerAfter(a.path) === undefined;
    if (!keep) dropped.push(a);
    // An asset read for this commit already (a snapshot read with it) is taken as it is: assets are never changed once built.
    else kept.push(a.commit === u.commit ? a : { ...a, commit: u.commit });
  }
  const fresh = rebuilt.assets.filter((a) => (a.managed ? touched.has(a.path) : true));
  const assets = kept.concat(fresh).sort(compareAssets);
  const catalog: Catalog = { root: u.root, library: u.previous.library, assets, files: rebuilt.files, diagnostics: [], commit: u.commit, level: 'catalog' };
  // Files a whole read of this commit would parse (reported as served from the index).
  const isReadable = (p: string) => walked(p) && (!!formatOfPath(p) || isYamlPath(p));
  const readable =
    some && u.previousReadable !== undefined
      ? u.changes.reduce((n, c) => n + (isReadable(c.path) ? (c.status === 'A' ? 1 : c.status === 'D' ? -1 : 0) : 0), u.previousReadable)
      : all.filter((e) => isReadable(e.path)).length;
  return { catalog, parsed, readable, dropped, fresh };
}
