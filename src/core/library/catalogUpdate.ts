// The catalog level of a new commit from the previous commit's catalog: only the assets whose files changed are read again.

import { formatOfPath } from '../formats/detect';
import type { GitTreeChange } from '../ports';
import { loadCatalog } from './load';
import type { FileParser, FileSource, LibraryFileEntry } from './load';
import type { Asset, Catalog } from './types';

export interface CatalogUpdate {
  /** The catalog of the previous commit (catalog level, as stored in the snapshot). */
  previous: Catalog;
  /** Files that differ between the previous commit and this one. */
  changes: GitTreeChange[];
  /** This commit's files. */
  source: FileSource;
  root: string;
  commit: string;
  fallbackName: string;
  parser?: FileParser;
  onParse?: (path: string) => void;
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

const isManifestName = (p: string) => /(^|\/)(asset|library)\.ya?ml$/i.test(p);

/**
 * The catalog of the new commit, rebuilding only the assets the changes touch: a managed asset
 * when a file under its folder changed (added, modified or deleted), an unmanaged asset when its
 * own file changed. Undefined when the changes reach beyond single assets and the library must
 * be read whole: library.yaml changed, an asset.yaml appeared or went away (folders change
 * owners), links or submodules changed, or the previous catalog is not at the catalog level.
 * Every asset is built by the same code as a full load (loadCatalog over the affected files).
 */
export async function updateCatalog(u: CatalogUpdate): Promise<{ catalog: Catalog; parsed: number } | undefined> {
  if (u.previous.level !== 'catalog') return undefined;
  const folders = new Set(u.previous.assets.filter((a) => a.managed).map((a) => a.path));
  const folderOf = (p: string): string | undefined => {
    let d = dirOf(p);
    for (;;) {
      if (folders.has(d)) return d;
      if (d === '') return undefined;
      d = dirOf(d);
    }
  };
  const touchedFolders = new Set<string>();
  const touchedFiles = new Set<string>();
  for (const c of u.changes) {
    if (c.oldMode === '120000' || c.newMode === '120000' || c.oldMode === '160000' || c.newMode === '160000') return undefined;
    if (/(^|\/)library\.ya?ml$/i.test(c.path) && dirOf(c.path) === '') return undefined;
    if (isManifestName(c.path) && c.status !== 'M') return undefined;
    const folder = folderOf(c.path);
    if (folder !== undefined) touchedFolders.add(folder);
    else touchedFiles.add(c.path);
  }
  const inTouchedFolder = (p: string): boolean => {
    const f = folderOf(p);
    return f !== undefined && touchedFolders.has(f);
  };

  // This commit's files of the touched assets (an asset's folder, or a changed file outside every folder).
  const all = await u.source.list();
  const wanted: LibraryFileEntry[] = all.filter((e) => inTouchedFolder(e.path) || touchedFiles.has(e.path));
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
  const kept = u.previous.assets.filter((a) => (a.managed ? !touchedFolders.has(a.path) : !touchedFiles.has(a.path)));
  const fresh = rebuilt.assets.filter((a) => (a.managed ? touchedFolders.has(a.path) : touchedFiles.has(a.path) && !!formatOfPath(a.path) === !!formatOfPath(a.path)));
  const byManifest = (a: Asset, b: Asset): number => {
    const ka = a.managed ? `0${a.manifest ?? ''}` : `1${a.path}`;
    const kb = b.managed ? `0${b.manifest ?? ''}` : `1${b.path}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  const assets = [...kept.map((a) => ({ ...a, commit: u.commit })), ...fresh].sort(byManifest);
  const catalog: Catalog = { root: u.root, library: u.previous.library, assets, files: rebuilt.files, diagnostics: [], commit: u.commit, level: 'catalog' };
  return { catalog, parsed };
}
