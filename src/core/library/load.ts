// Loads a library: lists its files, reads and parses them (through a cache keyed by content; the parser given runs the per-file checks), builds the catalog, runs the check stage given.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { formatOfPath, isYamlPath } from '../formats/detect';
import { gitMetadata } from './gitMetadata';
import { parseFile } from '../formats/parseFile';
import { promptFileEndings, promptFileTargets } from '../formats/promptfoo';
import picomatch from 'picomatch';
import type { CatalogLevel, FormatId, ParsedFile } from '../formats/types';
import { baseOf, dirOf, entryInside, joinInside } from './paths';
import { buildAssets, buildCatalog, catalogOf, keptInCatalog, layoutOf, libraryInfo, libraryManifest, listedRange, withCheckFindings } from './build';
import { listedEntries } from './fileSource';
import type { FileSource, LibraryFileEntry, LocatedJob } from './fileSource';
import type { Catalog, CatalogListing } from './types';

/** Parsed files by path and content key (e.g. git blob id). */
export interface ParsedFileCache {
  get(path: string, key: string): ParsedFile | undefined;
  set(path: string, key: string, file: ParsedFile): void;
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
  /**
   * `full` (default): every file parsed with positions, every check run. `catalog`: only what
   * the catalog is built from (catalogProjection: no positions, no diagnostics, no cross-file
   * checks); files of an asset that no format reads are listed but not read.
   */
  level?: CatalogLevel;
  /**
   * The per-file stages (parse, then the file checks): checks/fileChecks.ts `inThread`, or a
   * pool of threads (src/node/parsePool.ts). A full load needs it; at the catalog level (no
   * checks) the default parses in this thread.
   */
  parser?: FileParser;
  /** The check stage over the built catalog (checks/catalogChecks.ts runCatalogChecks): a full load needs it; unused at the catalog level. */
  checks?: CatalogChecks;
}

/** Parses at the catalog level in this thread: the catalog level runs no check. */
const catalogParser: FileParser = {
  async parse(path, bytes, level, hint) {
    return parseFile(path, bytes, hint, level);
  },
};

/** The cross-file check stage: the findings of a built catalog (a promise when the stage loads its module first). */
export type CatalogChecks = (catalog: Catalog) => Diagnostic[] | Promise<Diagnostic[]>;

export type { CatalogLevel } from '../formats/types';

/** Parses file contents at a level, possibly off the main thread (src/node/parsePool.ts). */
export interface FileParser {
  parse(path: string, bytes: Uint8Array, level: CatalogLevel, hint?: FormatId): Promise<ParsedFile>;
  /**
   * Reads and parses many files, sharing them out between this thread (`here`: read and parse
   * one file in this thread) and others that read for themselves from `at`. Gives one result
   * per job, in the jobs' order; a job another thread could not do is done by `here`. Optional.
   */
  parseMany?(jobs: readonly LocatedJob[], level: CatalogLevel, here: (job: LocatedJob) => Promise<ParsedFile | undefined>): Promise<(ParsedFile | undefined)[]>;
  /** Gets other threads ready now, when a large load is known to follow (they start while the files are listed). Optional. */
  warmUp?(): void;
}

/** One `git-metadata` error per `.git` entry and per git directory (on its HEAD) among the entries: scaffold, add and update never copy them. */
function gitMetadataDiagnostics(entries: readonly LibraryFileEntry[]): Diagnostic[] {
  const found = gitMetadata(entries.map((e) => e.path));
  if (!found.names.length && !found.directories.length) return [];
  const out: Diagnostic[] = [];
  for (const n of found.names) {
    out.push(
      diag(
        'git-metadata',
        n,
        listedRange,
        `\`${baseOf(n)}\` is a name git reads as \`.git\`: a repository's own data, which can make git run programs (core.fsmonitor, hooks) in the folder it lands in. It is never copied into pilots; remove it from the library.`,
      ),
    );
  }
  const heads = new Map<string, string>();
  for (const e of entries) if (baseOf(e.path).toLowerCase() === 'head') heads.set(dirOf(e.path), e.path);
  for (const d of found.directories) {
    out.push(
      diag(
        'git-metadata',
        heads.get(d) ?? d,
        listedRange,
        `\`${d || '.'}\` is a git directory (HEAD with config, objects/ or refs/): git can run programs from its config (core.fsmonitor, hooks) when someone runs git there. None of it is copied into pilots; remove it from the library.`,
      ),
    );
  }
  return out;
}

/** Loads and checks a whole library. Never throws for content problems; they become diagnostics. */
export async function loadCatalog(opts: LoadOptions): Promise<Catalog> {
  const level = opts.level ?? 'full';
  // A programming error, not a user's: a full load without its checks would report a library clean.
  if (level === 'full' && (!opts.checks || !opts.parser)) throw new Error('A full load needs the per-file and check stages (LoadOptions.parser and checks).');
  const parser = opts.parser ?? catalogParser;
  const entries = await opts.source.list();
  const loadDiagnostics: Diagnostic[] = [];
  // Managed asset folders (every folder holding asset.yaml) and the files of each.
  const layout = layoutOf(entries);
  const { byPath, folderOf } = layout;

  // Which files to read: recognised files anywhere, and every file of a managed asset.
  const toRead: LibraryFileEntry[] = [];
  for (const e of entries) {
    if (e.type === 'symlink') {
      if (!e.linkInside) {
        loadDiagnostics.push(
          diag(
            'path-escape',
            e.path,
            listedRange,
            e.linkTarget === '(missing)'
              ? 'This link leads nowhere: its target does not exist, or links lead round in a loop. It is not followed; point it at a file inside the library or remove it.'
              : e.linkTarget === '(loop)'
                ? 'This link leads round in a loop of links and never reaches a file; it is not followed. Point it at a file inside the library or remove it.'
                : 'This link points outside the library; it is not followed. Replace it with a real file inside the library.',
          ),
        );
        continue;
      }
    }
    const fmt = formatOfPath(e.path);
    if (fmt || (isYamlPath(e.path) && !e.path.includes('/.'))) toRead.push(e);
    else if (level === 'full' && folderOf(e.path) !== undefined) toRead.push(e);
  }
  loadDiagnostics.push(...gitMetadataDiagnostics(entries));

  const files = new Map<string, ParsedFile>();
  const readAndParse = async (e: LibraryFileEntry, hint?: FormatId): Promise<ParsedFile> => {
    let bytes: Uint8Array;
    try {
      bytes = await opts.source.read(e.path);
    } catch (err) {
      const f: ParsedFile = { path: e.path, format: hint ?? formatOfPath(e.path) ?? 'text', sha256: '', size: 0, text: false, diagnostics: [], meta: {} };
      f.diagnostics.push(diag('unreadable-file', e.path, listedRange, `The file could not be read: ${(err as Error).message}. Check its permissions.`));
      return f;
    }
    return parser.parse(e.path, bytes, level, hint);
  };
  const keyOf = (e: LibraryFileEntry, hint?: FormatId): string | undefined =>
    e.key !== undefined && opts.cache ? `${e.key}${hint ? `#${hint}` : ''}${level === 'catalog' ? '@catalog' : ''}` : undefined;
  /** Records a parse (reported, and cached when the file is readable). */
  const parsed = (e: LibraryFileEntry, f: ParsedFile, hint?: FormatId): void => {
    const cacheKey = keyOf(e, hint);
    if (cacheKey && !f.diagnostics.some((d) => d.code === 'unreadable-file')) opts.cache!.set(e.path, cacheKey, f);
  };
  const parseOne = async (e: LibraryFileEntry, hint?: FormatId): Promise<ParsedFile | undefined> => {
    const cacheKey = keyOf(e, hint);
    if (cacheKey) {
      const hit = opts.cache!.get(e.path, cacheKey);
      if (hit) return hit;
    }
    opts.onParse?.(e.path);
    const f = await readAndParse(e, hint);
    parsed(e, f, hint);
    return f;
  };
  // Files the cache does not have go to the parser's threads when it reads where files lie (each thread reading for itself).
  const results: (ParsedFile | undefined)[] = new Array(toRead.length);
  const missing: number[] = [];
  for (let i = 0; i < toRead.length; i++) {
    const cacheKey = keyOf(toRead[i]);
    const hit = cacheKey ? opts.cache!.get(toRead[i].path, cacheKey) : undefined;
    if (hit) results[i] = hit;
    else missing.push(i);
  }
  const locate = parser.parseMany ? opts.source.locate?.bind(opts.source) : undefined;
  const jobs: LocatedJob[] = [];
  for (const i of locate ? missing : []) {
    const where = locate!(toRead[i].path);
    if (!where) break;
    jobs.push({ path: toRead[i].path, at: where });
  }
  if (jobs.length && jobs.length === missing.length) {
    const done = await parser.parseMany!(jobs, level, (job) => readAndParse(byPath.get(job.path)!, job.hint));
    missing.forEach((i, j) => {
      const f = done[j];
      opts.onParse?.(toRead[i].path);
      if (f) parsed(toRead[i], f);
      results[i] = f;
    });
  } else {
    // Bounded concurrency: many reads in flight (a git source batches them), parsing here or on a parser pool.
    let next = 0;
    const workers = Array.from({ length: 64 }, async () => {
      while (next < missing.length) {
        const i = missing[next++];
        results[i] = await parseOne(toRead[i]);
      }
    });
    await Promise.all(workers);
  }
  for (let i = 0; i < toRead.length; i++) {
    const e = toRead[i];
    const f = results[i];
    if (!f) continue;
    // Plain YAML files that are not recognised formats and lie outside assets are not part of the library.
    if (keptInCatalog(f, layout)) files.set(e.path, f);
  }

  // The entry of an eval asset is a promptfoo suite whatever its name: read plain YAML entries as one.
  for (const manifestPath of layout.manifestPaths) {
    const resolved = plainYamlEvalEntry(files.get(manifestPath), dirOf(manifestPath), byPath, files);
    if (resolved === undefined) continue;
    const reparsed = await parseOne(byPath.get(resolved)!, 'promptfoo');
    if (reparsed) files.set(resolved, reparsed);
  }

  // The prompt files promptfoo suites name (`file://prompt.txt`, `.json`, globs too) are read as such: their Nunjucks is checked.
  if (level === 'full') {
    for (const path of promptFilesNamed(files, byPath)) {
      const reparsed = await parseOne(byPath.get(path)!, 'promptfoo-prompt');
      if (reparsed) files.set(path, reparsed);
    }
  }

  const fallbackName = opts.fallbackName ?? 'library';
  const library = libraryInfo(libraryManifest(files), fallbackName);
  const assets = buildAssets(layout, files, opts.commit);
  if (level === 'full') {
    // The listing a rebuild starts from.
    const listing: CatalogListing = { entries: listedEntries(entries), findings: loadDiagnostics, fallbackName };
    const catalog = catalogOf({ root: opts.root, commit: opts.commit, listing, library, assets, files });
    return withCheckFindings(catalog, await opts.checks!(catalog));
  }
  // The catalog level carries no diagnostic at all (links leading out are reported by a full load), and no listing.
  const { listing: _listing, ...catalog } = buildCatalog({ root: opts.root, commit: opts.commit, listing: { entries, findings: [], fallbackName }, library, assets, files }, () => []);
  return { ...catalog, level: 'catalog' };
}

/**
 * The listed files that promptfoo suites name in `prompts` (relative to the suite, globs matched
 * against the listing) and that no format recognises by name (`.txt`, `.md`, `.json`...), sorted.
 */
function promptFilesNamed(files: ReadonlyMap<string, ParsedFile>, byPath: ReadonlyMap<string, LibraryFileEntry>): string[] {
  const out = new Set<string>();
  let listed: string[] | undefined;
  for (const f of files.values()) {
    if (f.format !== 'promptfoo') continue;
    for (const { target } of promptFileTargets(f)) {
      const resolved = joinInside(dirOf(f.path), target);
      if (resolved === undefined) continue;
      let matches = [resolved];
      if (/[*?[\]{}]/.test(resolved)) {
        const match = picomatch(resolved, { dot: true });
        matches = (listed ??= [...byPath.keys()]).filter((p) => match(p));
      }
      for (const p of matches) {
        const e = byPath.get(p);
        const current = files.get(p);
        if (!e || !(e.type === 'file' || e.linkInside) || !promptFileEndings.test(p)) continue;
        // A recognised file (a Dotprompt `.prompt`, a promptfoo suite) keeps its own format.
        if (current && current.format !== 'text' && current.format !== 'promptfoo-prompt') continue;
        out.add(p);
      }
    }
  }
  return [...out].sort();
}

/** The library-relative path of an eval manifest's entry when it exists and was parsed as plain text (YAML to read as promptfoo). */
function plainYamlEvalEntry(manifest: ParsedFile | undefined, folder: string, byPath: Map<string, LibraryFileEntry>, files: Map<string, ParsedFile>): string | undefined {
  const doc = manifest?.document as Record<string, unknown> | undefined;
  if (!doc || typeof doc !== 'object' || doc.kind !== 'eval' || typeof doc.entry !== 'string') return undefined;
  const resolved = entryInside(folder, doc.entry);
  if (resolved === undefined) return undefined;
  const e = byPath.get(resolved);
  if (!e || !(e.type === 'file' || e.linkInside)) return undefined;
  const f = files.get(resolved);
  return f && f.format === 'text' && isYamlPath(resolved) ? resolved : undefined;
}
