// Loads a library: lists its files, parses them (through a cache keyed by content), builds the catalog.

import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { runCatalogChecks } from '../checks/catalogChecks';
import { formatOfPath, isYamlPath } from '../formats/detect';
import { parseFile } from '../formats/parseFile';
import type { FormatId, ParsedFile } from '../formats/types';
import { maxFolderDepth, maxLibraryFiles } from '../limits';
import type { FileReader, PathOps } from '../ports';
import { parseReference } from './references';
import { defaultPolicy } from './types';
import type { Asset, AssetKind, AssetReference, AssetStatus, Catalog, LibraryInfo, ModelInfo, Policy } from './types';

export interface LibraryFileEntry {
  /** Library-relative path, '/' separated. */
  path: string;
  type: 'file' | 'symlink';
  /** Content key (a git blob id) when the source knows one; the cache is keyed by it. */
  key?: string;
  /** For links: the target as written. */
  linkTarget?: string;
  /** For links: true when the target lies inside the library (and is a file). */
  linkInside?: boolean;
  size?: number;
}

/** Where a library's files come from: a plain folder or a git checkout. */
export interface FileSource {
  list(): Promise<LibraryFileEntry[]>;
  read(path: string): Promise<Uint8Array>;
}

/** Parsed files by path and content key (e.g. git blob id). */
export interface ParsedFileCache {
  get(path: string, key: string): ParsedFile | undefined;
  set(path: string, key: string, file: ParsedFile): void;
}

const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const skippedDirs = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** A FileSource over a plain folder, walked through the FileReader port (links are never followed out). */
export function folderSource(fs: FileReader, path: PathOps, root: string): FileSource {
  return {
    async list() {
      const out: LibraryFileEntry[] = [];
      const rootReal = (await fs.realPath(root)) ?? root;
      const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
        if (depth > maxFolderDepth || out.length >= maxLibraryFiles) return;
        let entries;
        try {
          entries = await fs.readDir(dir);
        } catch {
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          if (out.length >= maxLibraryFiles) return;
          const abs = path.join(dir, e.name);
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.type === 'directory') {
            if (skippedDirs.has(e.name) || (e.name.startsWith('.') && e.name !== '.github')) continue;
            await walk(abs, r, depth + 1);
          } else if (e.type === 'file') {
            out.push({ path: r, type: 'file' });
          } else if (e.type === 'symlink') {
            const real = await fs.realPath(abs);
            const inside = real !== undefined && isInside(path, rootReal, real);
            let isFile = false;
            if (inside && real) {
              const st = await fs.stat(real);
              isFile = st?.type === 'file';
            }
            out.push({ path: r, type: 'symlink', linkTarget: real ?? '(missing)', linkInside: inside && isFile });
          }
        }
      };
      await walk(root, '', 0);
      return out;
    },
    read(p: string) {
      return fs.readFile(path.join(root, ...p.split('/')));
    },
  };
}

function isInside(path: PathOps, root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface LoadOptions {
  /** Absolute root of the library (for display and for Reveal). */
  root: string;
  source: FileSource;
  cache?: ParsedFileCache;
  commit?: string;
  /** Name to use when library.yaml gives none (defaults to the root folder's name). */
  fallbackName?: string;
  /** Called for every file actually parsed (not served from the cache). */
  onParse?: (path: string) => void;
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Normalises a relative path against a folder; undefined when it leaves the root. */
export function joinInside(folder: string, rel: string): string | undefined {
  if (rel.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(rel) || rel.startsWith('\\')) return undefined;
  const parts = folder ? folder.split('/') : [];
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** Loads and checks a whole library. Never throws for content problems; they become diagnostics. */
export async function loadCatalog(opts: LoadOptions): Promise<Catalog> {
  const entries = await opts.source.list();
  const diagnostics: Diagnostic[] = [];
  const byPath = new Map(entries.map((e) => [e.path, e]));

  // Managed asset folders: every folder holding asset.yaml.
  const manifestPaths = entries.filter((e) => formatOfPath(e.path) === 'asset-manifest' && e.type === 'file').map((e) => e.path);
  const assetFolders = new Set(manifestPaths.map(dirOf));
  const folderOf = (p: string): string | undefined => {
    let d = dirOf(p);
    for (;;) {
      if (assetFolders.has(d)) return d;
      if (d === '') return undefined;
      d = dirOf(d);
    }
  };

  // Which files to read: recognised files anywhere, and every file of a managed asset.
  const toRead: LibraryFileEntry[] = [];
  for (const e of entries) {
    if (e.type === 'symlink') {
      if (!e.linkInside) {
        diagnostics.push(
          diag('path-escape', e.path, zero, `This link points outside the library (${e.linkTarget === '(missing)' ? 'to nothing' : 'to a path outside it'}); it is not followed. Replace it with a real file inside the library.`),
        );
        continue;
      }
    }
    const fmt = formatOfPath(e.path);
    if (fmt || folderOf(e.path) !== undefined || (isYamlPath(e.path) && !e.path.includes('/.'))) toRead.push(e);
  }

  const files = new Map<string, ParsedFile>();
  const parseOne = async (e: LibraryFileEntry, hint?: FormatId): Promise<ParsedFile | undefined> => {
    const cacheKey = e.key !== undefined ? (hint ? `${e.key}#${hint}` : e.key) : undefined;
    if (cacheKey && opts.cache) {
      const hit = opts.cache.get(e.path, cacheKey);
      if (hit) return hit;
    }
    let bytes: Uint8Array;
    try {
      bytes = await opts.source.read(e.path);
    } catch (err) {
      const f: ParsedFile = { path: e.path, format: hint ?? formatOfPath(e.path) ?? 'text', sha256: '', size: 0, text: false, diagnostics: [], meta: {} };
      f.diagnostics.push(diag('unreadable-file', e.path, zero, `The file could not be read: ${(err as Error).message}. Check its permissions.`));
      return f;
    }
    opts.onParse?.(e.path);
    const f = parseFile(e.path, bytes, hint);
    if (cacheKey && opts.cache) opts.cache.set(e.path, cacheKey, f);
    return f;
  };
  // Parse with bounded concurrency (reads overlap; parsing is synchronous).
  let next = 0;
  const workers = Array.from({ length: 8 }, async () => {
    while (next < toRead.length) {
      const e = toRead[next++];
      const f = await parseOne(e);
      if (f) {
        // Plain YAML files that are not recognised formats and lie outside assets are not part of the library.
        if (f.format === 'text' && !formatOfPath(e.path) && folderOf(e.path) === undefined) continue;
        files.set(e.path, f);
      }
    }
  });
  await Promise.all(workers);

  // library.yaml at the root.
  const libFile = files.get('library.yaml') ?? files.get('library.yml');
  const library = libraryInfo(libFile, opts.fallbackName ?? 'library');

  // Managed assets.
  const assets: Asset[] = [];
  const filesByFolder = new Map<string, string[]>();
  for (const e of entries) {
    if (e.type === 'symlink' && !e.linkInside) continue;
    const f = folderOf(e.path);
    if (f === undefined) continue;
    const list = filesByFolder.get(f);
    if (list) list.push(e.path);
    else filesByFolder.set(f, [e.path]);
  }
  for (const manifestPath of manifestPaths.sort()) {
    const folder = dirOf(manifestPath);
    const manifest = files.get(manifestPath);
    if (!manifest) continue;
    const asset = await managedAsset(manifest, folder, filesByFolder.get(folder) ?? [manifestPath], files, byPath, parseOne);
    asset.commit = opts.commit;
    assets.push(asset);
  }

  // Unmanaged assets: recognised files outside managed folders.
  for (const [p, f] of files) {
    if (folderOf(p) !== undefined) continue;
    if (f.format === 'text' || f.format === 'library-manifest' || f.format === 'asset-manifest' || f.format === 'pilot-manifest') continue;
    if (f.partialName && baseOf(p).startsWith('_')) continue;
    assets.push(unmanagedAsset(f, opts.commit));
  }

  const catalog: Catalog = { root: opts.root, library, assets, files, diagnostics, commit: opts.commit };
  for (const f of files.values()) diagnostics.push(...f.diagnostics);
  diagnostics.push(...runCatalogChecks(catalog));
  countProblems(catalog);
  return catalog;
}

function libraryInfo(file: ParsedFile | undefined, fallbackName: string): LibraryInfo {
  const doc = (file?.document ?? {}) as Record<string, unknown>;
  const p = (doc.policy && typeof doc.policy === 'object' ? doc.policy : {}) as Record<string, unknown>;
  const statuses = ['draft', 'review', 'approved', 'deprecated'];
  const policy: Policy = {
    scaffoldStatuses: Array.isArray(p.scaffoldStatuses)
      ? (p.scaffoldStatuses.filter((s) => statuses.includes(s as string)) as AssetStatus[])
      : defaultPolicy.scaffoldStatuses,
    requireOwners: typeof p.requireOwners === 'boolean' ? p.requireOwners : defaultPolicy.requireOwners,
    requireEvalCoverage: typeof p.requireEvalCoverage === 'boolean' ? p.requireEvalCoverage : defaultPolicy.requireEvalCoverage,
    allowedModels: Array.isArray(p.allowedModels) ? p.allowedModels.filter((s): s is string => typeof s === 'string') : [],
  };
  if (typeof p.maxPromptTokens === 'number' && p.maxPromptTokens > 0) policy.maxPromptTokens = p.maxPromptTokens;
  const models: ModelInfo[] = Array.isArray(doc.models)
    ? (doc.models.filter((m) => m && typeof m === 'object' && typeof (m as ModelInfo).id === 'string') as ModelInfo[])
    : [];
  const info: LibraryInfo = { name: typeof doc.name === 'string' ? doc.name : fallbackName, policy, models, hasManifest: !!file };
  if (typeof doc.description === 'string') info.description = doc.description;
  return info;
}

const kinds: AssetKind[] = ['prompt', 'eval', 'module', 'template'];
const statusList: AssetStatus[] = ['draft', 'review', 'approved', 'deprecated'];

async function managedAsset(
  manifest: ParsedFile,
  folder: string,
  folderFiles: string[],
  files: Map<string, ParsedFile>,
  byPath: Map<string, LibraryFileEntry>,
  parseOne: (e: LibraryFileEntry, hint?: FormatId) => Promise<ParsedFile | undefined>,
): Promise<Asset> {
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
    files: [...folderFiles].sort(),
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
      if (ref) asset.references.push({ field, ref, rangeInManifest: ranges[`${field}.${i}`] ?? zero });
    });
  }
  if (typeof doc.replacedBy === 'string') {
    const ref = parseReference(doc.replacedBy);
    if (ref) asset.references.push({ field: 'replacedBy', ref, rangeInManifest: ranges['replacedBy#value'] ?? zero } as AssetReference);
  }

  // The entry file.
  let entryFile: ParsedFile | undefined;
  if (typeof doc.entry === 'string') {
    asset.entry = doc.entry;
    const resolved = joinInside(folder, doc.entry);
    const inFolder = resolved !== undefined && (folder === '' || resolved === folder || resolved.startsWith(folder + '/'));
    if (inFolder && resolved !== undefined) {
      const e = byPath.get(resolved);
      if (e && (e.type === 'file' || e.linkInside)) {
        asset.entryFile = resolved;
        entryFile = files.get(resolved);
        if (kind === 'eval' && entryFile && entryFile.format === 'text' && isYamlPath(resolved)) {
          const reparsed = await parseOne(e, 'promptfoo');
          if (reparsed) {
            files.set(resolved, reparsed);
            entryFile = reparsed;
          }
        }
      }
    }
  } else if (kind === 'prompt' || kind === 'eval') {
    const candidates = asset.files.map((p) => files.get(p)).filter((f): f is ParsedFile => !!f && f.format !== 'asset-manifest' && f.format !== 'text' && !f.partialName);
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
  return asset;
}

function unmanagedAsset(f: ParsedFile, commit: string | undefined): Asset {
  const name = baseOf(f.path);
  let stem: string;
  if (f.format === 'skill') stem = baseOf(dirOf(f.path)) || 'skill';
  else if (f.format === 'promptfoo' && /^promptfooconfig\.ya?ml$/i.test(name)) stem = baseOf(dirOf(f.path)) || 'promptfoo';
  else stem = name.replace(/\.(prompt\.ya?ml|prompt\.md|agent\.md|chatmode\.md|instructions\.md|prompty|prompt|ya?ml)$/i, '');
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

function countProblems(catalog: Catalog): void {
  const byFile = new Map<string, { errors: number; warnings: number; infos: number }>();
  for (const d of catalog.diagnostics) {
    let c = byFile.get(d.file);
    if (!c) byFile.set(d.file, (c = { errors: 0, warnings: 0, infos: 0 }));
    if (d.severity === 'error') c.errors++;
    else if (d.severity === 'warning') c.warnings++;
    else c.infos++;
  }
  for (const a of catalog.assets) {
    for (const p of a.files) {
      const c = byFile.get(p);
      if (!c) continue;
      a.problems.errors += c.errors;
      a.problems.warnings += c.warnings;
      a.problems.infos += c.infos;
    }
  }
}
