// Builds a catalog from a library's listing and parsed files (pure, nothing read): the library's settings, its managed and unmanaged assets, every finding, the problem counts.

import type { Diagnostic, Range } from '../diagnostics';
import { formatOfPath } from '../formats/detect';
import { assetStemOf } from '../formats/registry';
import type { FormatId, ParsedFile } from '../formats/types';
import { emptyRange } from '../text/textDocument';
import { baseOf, dirOf, entryInside } from './paths';
import { parseReference } from './references';
import { defaultPolicy } from './types';
import type { Asset, AssetKind, AssetReference, AssetStatus, Catalog, CatalogListing, LibraryInfo, ListedEntry, ModelInfo, Policy } from './types';

/**
 * The range of the findings made while listing (load.ts) and of references written nowhere: its
 * own object, so that the listing findings of a catalog that carries no listing are told apart (listingOf).
 */
export const listedRange: Range = { ...emptyRange };

/** What a listing implies: the asset folders, the files of each, the entries by path. */
export interface Layout<E extends ListedEntry = ListedEntry> {
  /** The asset.yaml paths, sorted. */
  manifestPaths: string[];
  /** The asset folder of a path (the nearest folder holding an asset.yaml), if any. */
  folderOf: (p: string) => string | undefined;
  byPath: Map<string, E>;
  filesByFolder: Map<string, string[]>;
  /** Paths outside every managed asset folder (candidates for unmanaged assets). */
  outside: Set<string>;
  /** The asset.yaml paths of each managed asset folder, sorted (asset.yaml before asset.yml): one asset each. */
  manifestsIn: Map<string, string[]>;
}

/** The layout of a listing. */
export function layoutOf<E extends ListedEntry>(entries: readonly E[]): Layout<E> {
  const manifests = entries.filter((e) => formatOfPath(e.path) === 'asset-manifest' && e.type === 'file').map((e) => e.path);
  const folders = new Set(manifests.map(dirOf));
  // The asset folder of each directory met (the files of a directory share it).
  const byDir = new Map<string, string | undefined>();
  const folderOf = (p: string): string | undefined => {
    const dir = dirOf(p);
    if (byDir.has(dir)) return byDir.get(dir);
    let d = dir;
    while (!folders.has(d) && d !== '') d = dirOf(d);
    const found = folders.has(d) ? d : undefined;
    byDir.set(dir, found);
    return found;
  };
  const filesByFolder = new Map<string, string[]>();
  const outside = new Set<string>();
  for (const e of entries) {
    const f = folderOf(e.path);
    if (f === undefined) outside.add(e.path);
    if (e.type === 'symlink' && !e.linkInside) continue;
    if (f === undefined) continue;
    const list = filesByFolder.get(f);
    if (list) list.push(e.path);
    else filesByFolder.set(f, [e.path]);
  }
  const manifestPaths = manifests.sort();
  const manifestsIn = new Map<string, string[]>();
  for (const m of manifestPaths) {
    const list = manifestsIn.get(dirOf(m));
    if (list) list.push(m);
    else manifestsIn.set(dirOf(m), [m]);
  }
  return { manifestPaths, folderOf, byPath: new Map(entries.map((e) => [e.path, e])), filesByFolder, outside, manifestsIn };
}

/** True when a parsed file belongs in the catalog's files: plain YAML that no format reads is kept only inside an asset folder. */
export function keptInCatalog(f: ParsedFile, layout: Layout): boolean {
  return !(f.format === 'text' && !formatOfPath(f.path) && layout.folderOf(f.path) === undefined);
}

/** The key of an asset's place in a catalog: `m:` and its manifest path, or `u:` and the path of an unmanaged asset. */
export function assetKey(a: Asset): string {
  return a.managed ? `m:${a.manifest}` : `u:${a.path}`;
}

/**
 * The assets of a listing's files: managed ones by manifest path, then unmanaged ones in the
 * files' order. With `reuse`, an asset none of whose files is among `reuse.changed` is taken over
 * from `reuse.from` as it is (assets are never changed once built).
 */
export function buildAssets(layout: Layout, files: ReadonlyMap<string, ParsedFile>, commit: string | undefined, reuse?: { from: readonly Asset[]; changed: ReadonlySet<string> }): Asset[] {
  const previous = new Map<string, Asset>();
  if (reuse) for (const a of reuse.from) if (!a.files.some((p) => reuse.changed.has(p))) previous.set(assetKey(a), a);
  const takeOver = (key: string): Asset | undefined => {
    const prev = previous.get(key);
    return prev && (prev.commit === commit ? prev : { ...prev, commit });
  };
  const assets: Asset[] = [];
  for (const manifestPath of layout.manifestPaths) {
    const folder = dirOf(manifestPath);
    const manifest = files.get(manifestPath);
    if (!manifest) continue;
    assets.push(takeOver(`m:${manifestPath}`) ?? managedAsset(manifest, folder, layout, files, commit));
  }
  // Unmanaged assets: recognised files outside managed folders.
  for (const [p, f] of files) {
    if (isUnmanagedAsset(p, f, layout.outside)) assets.push(takeOver(`u:${p}`) ?? unmanagedAsset(f, commit));
  }
  return assets;
}

/** The parts a catalog is made of besides its findings. */
export interface CatalogParts {
  root: string;
  commit?: string;
  listing: CatalogListing;
  library: LibraryInfo;
  assets: Asset[];
  files: Map<string, ParsedFile>;
}

/** The catalog of these parts: every finding (listing, files, then the check stage `checks`), the problem counts. */
export function buildCatalog(parts: CatalogParts, checks: (catalog: Catalog) => Diagnostic[]): Catalog {
  const catalog = catalogOf(parts);
  return withCheckFindings(catalog, checks(catalog));
}

/** A catalog's findings before the check stage's, in their order: the listing's, then each file's. */
export function listingAndFileFindings(listing: CatalogListing, files: ReadonlyMap<string, ParsedFile>): Diagnostic[] {
  const out = [...listing.findings];
  for (const f of files.values()) if (f.diagnostics.length) out.push(...f.diagnostics);
  return out;
}

/** The catalog of these parts before the check stage: the listing's and the files' findings. */
export function catalogOf(parts: CatalogParts): Catalog {
  const { root, commit, listing, library, assets, files } = parts;
  return { root, library, assets, files, diagnostics: listingAndFileFindings(listing, files), commit, listing };
}

/** `catalog` (from catalogOf) with the check stage's findings `found` added, and its assets' problem counts. */
export function withCheckFindings(catalog: Catalog, found: Diagnostic[]): Catalog {
  const { diagnostics } = catalog;
  diagnostics.push(...found);
  catalog.checkFindings = found;
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file);
    if (list) list.push(d);
    else byFile.set(d.file, [d]);
  }
  countProblems(catalog.assets, (p) => byFile.get(p));
  return catalog;
}

/** An asset replaced in a list: its place, the asset it replaced and the new one. */
export interface ReplacedAsset {
  slot: number;
  before: Asset;
  after: Asset;
}

/**
 * Sets the problem counts of the assets at `slots` (every asset when undefined) from the findings
 * on their files. An asset whose counts differ from the ones it carries is replaced by a copy (an
 * asset may be shared with another catalog, and is left as it is); gives the assets replaced.
 */
export function countProblems(assets: Asset[], findingsOf: (path: string) => readonly Diagnostic[] | undefined, slots?: Iterable<number>): ReplacedAsset[] {
  const replaced: ReplacedAsset[] = [];
  const count = (i: number): void => {
    const a = assets[i];
    let errors = 0;
    let warnings = 0;
    let infos = 0;
    for (const p of a.files) {
      for (const d of findingsOf(p) ?? []) {
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
        else infos++;
      }
    }
    const had = a.problems;
    if (had.errors === errors && had.warnings === warnings && had.infos === infos) return;
    assets[i] = { ...a, problems: { errors, warnings, infos } };
    replaced.push({ slot: i, before: a, after: assets[i] });
  };
  if (slots) for (const i of slots) count(i);
  else for (let i = 0; i < assets.length; i++) count(i);
  return replaced;
}

/** The listing of a catalog: the one it carries, or for one made without (a snapshot, a test) its files and every file of its assets. */
export function listingOf(catalog: Catalog): CatalogListing {
  if (catalog.listing) return catalog.listing;
  const paths = new Set<string>(catalog.files.keys());
  for (const a of catalog.assets) if (a.managed) for (const p of a.files) paths.add(p);
  const fileDiags = new Set<Diagnostic>();
  for (const f of catalog.files.values()) for (const d of f.diagnostics) fileDiags.add(d);
  return {
    entries: [...paths].sort().map((path) => ({ path, type: 'file' as const })),
    findings: catalog.diagnostics.filter((d) => (d.code === 'path-escape' || d.code === 'git-metadata') && !fileDiags.has(d) && d.range === listedRange),
    fallbackName: catalog.library.name,
  };
}

/**
 * The format hint a file's new bytes are parsed with in this catalog: an eval asset's entry is always a
 * promptfoo suite, whatever its name; a file read as a promptfoo suite's prompt stays one.
 */
export function formatHintIn(catalog: Catalog, path: string): FormatId | undefined {
  if (catalog.files.get(path)?.format === 'promptfoo-prompt') return 'promptfoo-prompt';
  return formatHintAmong(catalog.assets, path);
}

/** formatHintIn, given the assets that may name `path` as their entry (all of a catalog's, or those an index finds). */
export function formatHintAmong(assets: Iterable<Asset>, path: string): FormatId | undefined {
  if (formatOfPath(path) !== undefined) return undefined;
  for (const a of assets) if (a.kind === 'eval' && a.managed && a.entryFile === path) return 'promptfoo';
  return undefined;
}

export function libraryInfo(file: ParsedFile | undefined, fallbackName: string): LibraryInfo {
  const doc = (file?.document ?? {}) as Record<string, unknown>;
  const p = (doc.policy && typeof doc.policy === 'object' ? doc.policy : {}) as Record<string, unknown>;
  const statuses = ['draft', 'review', 'approved', 'deprecated'];
  const policy: Policy = {
    scaffoldStatuses: Array.isArray(p.scaffoldStatuses) ? (p.scaffoldStatuses.filter((s) => statuses.includes(s as string)) as AssetStatus[]) : defaultPolicy.scaffoldStatuses,
    requireOwners: typeof p.requireOwners === 'boolean' ? p.requireOwners : defaultPolicy.requireOwners,
    requireEvalCoverage: typeof p.requireEvalCoverage === 'boolean' ? p.requireEvalCoverage : defaultPolicy.requireEvalCoverage,
    requireApproval: typeof p.requireApproval === 'boolean' ? p.requireApproval : defaultPolicy.requireApproval,
    allowedModels: Array.isArray(p.allowedModels) ? p.allowedModels.filter((s): s is string => typeof s === 'string') : [],
  };
  if (typeof p.maxPromptTokens === 'number' && p.maxPromptTokens > 0) policy.maxPromptTokens = p.maxPromptTokens;
  const models: ModelInfo[] = Array.isArray(doc.models) ? (doc.models.filter((m) => m && typeof m === 'object' && typeof (m as ModelInfo).id === 'string') as ModelInfo[]) : [];
  const info: LibraryInfo = { name: typeof doc.name === 'string' ? doc.name : fallbackName, policy, models, hasManifest: !!file };
  if (typeof doc.description === 'string') info.description = doc.description;
  return info;
}

/** The library.yaml (or library.yml) among the files. */
export function libraryManifest(files: ReadonlyMap<string, ParsedFile>): ParsedFile | undefined {
  return files.get('library.yaml') ?? files.get('library.yml');
}

const kinds: AssetKind[] = ['prompt', 'eval', 'module', 'template'];
const statusList: AssetStatus[] = ['draft', 'review', 'approved', 'deprecated'];

/** The managed asset of the folder holding `manifest`. */
export function managedAsset(manifest: ParsedFile, folder: string, layout: Layout, files: ReadonlyMap<string, ParsedFile>, commit: string | undefined): Asset {
  const doc = (manifest.document && typeof manifest.document === 'object' ? manifest.document : {}) as Record<string, unknown>;
  const ranges = manifest.ranges ?? {};
  const folderName = folder ? baseOf(folder) : '';
  const id = typeof doc.id === 'string' ? doc.id : folderName || 'library-root';
  const kind = kinds.includes(doc.kind as AssetKind) ? (doc.kind as AssetKind) : 'module';
  const status = statusList.includes(doc.status as AssetStatus) ? (doc.status as AssetStatus) : 'draft';
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const asset: Asset = {
    id,
    kind,
    format: 'asset-manifest',
    version: typeof doc.version === 'string' ? doc.version : '0.0.0',
    status,
    managed: true,
    title: typeof doc.title === 'string' ? doc.title : id,
    description: typeof doc.description === 'string' ? doc.description : '',
    owners: strings(doc.owners),
    tags: strings(doc.tags),
    path: folder,
    files: [...(layout.filesByFolder.get(folder) ?? [manifest.path])].sort(),
    inputs: [],
    references: [],
    manifest: manifest.path,
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
  if (typeof doc.replacedBy === 'string') asset.replacedBy = doc.replacedBy;
  if (doc.parameters && typeof doc.parameters === 'object') asset.parameters = doc.parameters;
  if (doc.layout && typeof doc.layout === 'object') asset.layout = doc.layout as Record<string, string>;
  const ap = doc.approval as Record<string, unknown> | undefined;
  if (ap && typeof ap === 'object' && typeof ap.digest === 'string') {
    asset.approval = { by: String(ap.by ?? ''), date: String(ap.date ?? ''), digest: ap.digest };
  }
  for (const field of ['targets', 'dependsOn'] as const) {
    const list = doc[field];
    if (!Array.isArray(list)) continue;
    list.forEach((raw, i) => {
      if (typeof raw !== 'string') return;
      const ref = parseReference(raw);
      if (ref) asset.references.push({ field, ref, rangeInManifest: ranges[`${field}.${i}`] ?? listedRange });
    });
  }
  if (typeof doc.replacedBy === 'string') {
    const ref = parseReference(doc.replacedBy);
    if (ref) asset.references.push({ field: 'replacedBy', ref, rangeInManifest: ranges['replacedBy#value'] ?? listedRange } as AssetReference);
  }

  // The entry file.
  let entryFile: ParsedFile | undefined;
  if (typeof doc.entry === 'string') {
    asset.entry = doc.entry;
    const resolved = entryInside(folder, doc.entry);
    if (resolved !== undefined) {
      const e = layout.byPath.get(resolved);
      if (e && (e.type === 'file' || e.linkInside)) {
        asset.entryFile = resolved;
        entryFile = files.get(resolved);
      }
    }
  } else if (kind === 'prompt' || kind === 'eval') {
    const candidates = asset.files
      .map((p) => files.get(p))
      .filter((f): f is ParsedFile => !!f && f.format !== 'asset-manifest' && f.format !== 'text' && f.format !== 'promptfoo-prompt' && !f.partialName);
    const wanted = candidates.filter((f) => (kind === 'eval' ? f.format === 'promptfoo' : f.format !== 'promptfoo'));
    if (wanted.length === 1) {
      entryFile = wanted[0];
      asset.entryFile = wanted[0].path;
    }
  }
  if (entryFile) {
    asset.format = entryFile.format;
    if (entryFile.inputs) asset.inputs = entryFile.inputs;
    if (!doc.title && (entryFile.meta.title || entryFile.meta.name)) asset.title = entryFile.meta.title ?? entryFile.meta.name ?? asset.title;
    if (!doc.description && entryFile.meta.description) asset.description = entryFile.meta.description;
  }
  asset.model = typeof doc.model === 'string' ? doc.model : (entryFile?.models?.[0]?.id ?? entryFile?.evalSuite?.providers[0]?.id);
  asset.commit = commit;
  return asset;
}

/** True when the file at `p` is an asset of its own: a recognised prompt, suite or skill outside every asset folder (partials aside). */
export function isUnmanagedAsset(p: string, f: ParsedFile, outside: ReadonlySet<string>): boolean {
  if (!outside.has(p)) return false;
  // A promptfoo suite's prompt file is part of that suite, not an asset of its own.
  if (f.format === 'text' || f.format === 'promptfoo-prompt' || f.format === 'library-manifest' || f.format === 'asset-manifest' || f.format === 'pilot-manifest') return false;
  return !(f.partialName && baseOf(p).startsWith('_'));
}

/** The asset of a recognised file outside every asset folder. */
export function unmanagedAsset(f: ParsedFile, commit: string | undefined): Asset {
  const name = baseOf(f.path);
  const stem = assetStemOf(f.format, f.path);
  const id =
    stem
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'asset';
  const kind: AssetKind = f.format === 'promptfoo' ? 'eval' : f.format === 'skill' ? 'module' : 'prompt';
  const asset: Asset = {
    id,
    kind,
    format: f.format,
    version: f.meta.version && /^\d+\.\d+\.\d+/.test(f.meta.version) ? f.meta.version : '0.0.0',
    status: 'draft',
    managed: false,
    title: f.meta.title ?? f.meta.name ?? id,
    description: f.meta.description ?? '',
    owners: [],
    tags: f.meta.tags ?? [],
    path: f.path,
    entry: name,
    entryFile: f.path,
    files: [f.path],
    inputs: f.inputs ?? [],
    references: [],
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
  const model = f.models?.[0]?.id ?? f.evalSuite?.providers[0]?.id;
  if (model) asset.model = model;
  if (commit) asset.commit = commit;
  return asset;
}
