// The CLI's libraries: genai-assets.yaml, the cache folder, and opening a folder or git URL (cloned and cached) as a catalog.

import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as nodePath from 'node:path';
import { diag } from '../core/diagnostics';
import { UserError } from '../core/errors';
import { folderSource } from '../core/library/load';
import type { CatalogLevel, FileParser, FileSource } from '../core/library/load';
import { libraryArgument, librarySource } from '../core/library/source';
import type { LibrarySource, LibrarySpec } from '../core/library/source';
import { openGitLibrary } from '../core/library/gitLibrary';
import type { OpenedGitLibrary } from '../core/library/gitLibrary';
import type { LibraryCacheDeps } from '../core/library/sync';
import type { Catalog } from '../core/library/types';
import type { CliIo } from './io';
import type { Git, GitLogEntry, Locker, Log } from '../core/ports';
import { silentLog } from '../core/ports';
import { validatorFor } from '../core/schemas';
import { TextDocument } from '../core/text/textDocument';
import { YamlSource } from '../core/yaml/yamlDocument';
import { nodeFileSystem, nodePathOps } from '../node/fileSystem';
import { NodeGit } from '../node/git';
import { FileLocker } from '../node/lock';
import { openFolderLibrary } from '../node/openFolder';

export type Env = Record<string, string | undefined>;

/** The cache folder: `$GENAI_ASSETS_CACHE_DIR`, else the platform's user cache folder (`~/.cache/genai-assets` on Linux). */
export function defaultCacheDir(env: Env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const p = platform === 'win32' ? nodePath.win32 : nodePath.posix;
  const set = env.GENAI_ASSETS_CACHE_DIR?.trim();
  if (set) return nodePath.resolve(set);
  if (platform === 'win32') return p.join(env.LOCALAPPDATA || p.join(home, 'AppData', 'Local'), 'genai-assets', 'Cache');
  if (platform === 'darwin') return p.join(home, 'Library', 'Caches', 'genai-assets');
  const xdg = env.XDG_CACHE_HOME?.trim();
  return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.cache'), 'genai-assets');
}

export interface CliConfig {
  /** The file it was read from. */
  file: string;
  libraries: LibrarySpec[];
}

/**
 * Reads `$GENAI_ASSETS_CONFIG`, else `genai-assets.yaml` (or `.yml`) in `cwd`; undefined when
 * neither exists. The file is checked against schemas/cli-config.schema.json; a problem throws
 * a UserError with file:line:column. Relative `path`s are relative to the file.
 */
export async function readCliConfig(cwd: string, env: Env): Promise<CliConfig | undefined> {
  let file: string | undefined;
  const fromEnv = env.GENAI_ASSETS_CONFIG?.trim();
  if (fromEnv) {
    file = nodePath.resolve(cwd, fromEnv);
    if (!(await nodeFileSystem.stat(file))) throw new UserError(`GENAI_ASSETS_CONFIG names ${file}, which does not exist; fix the variable or create the file.`);
  } else {
    for (const name of ['genai-assets.yaml', 'genai-assets.yml']) {
      const f = nodePath.join(cwd, name);
      if ((await nodeFileSystem.stat(f))?.type === 'file') {
        file = f;
        break;
      }
    }
  }
  if (!file) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await nodeFileSystem.readFile(file));
  } catch (e) {
    throw new UserError(`Could not read ${file}: ${(e as Error).message}. Check that it is a UTF-8 text file you can read.`);
  }
  const doc = new TextDocument(text);
  const yaml = new YamlSource(doc, file, 0, doc.text.length);
  const problems = [...yaml.diagnostics];
  if (yaml.ok) {
    const value = yaml.value ?? {};
    problems.push(...yaml.validate(validatorFor('cli-config'), { value, what: 'The configuration' }));
    const libs = (value as { libraries?: unknown }).libraries;
    if (Array.isArray(libs)) {
      libs.forEach((l, i) => {
        if (!l || typeof l !== 'object') return;
        const has = (k: string): boolean => (l as Record<string, unknown>)[k] !== undefined;
        if (has('url') === has('path')) {
          const message = has('url') ? `libraries.${i} gives both url and path; keep url for a git library or path for a folder.` : `libraries.${i} needs url (a git URL) or path (a folder).`;
          problems.push(diag('schema', file, yaml.keyRange(['libraries', i]), message));
        }
      });
    }
  }
  // Every finding counts here, unknown fields included: a misspelt key in a config must not be skipped silently.
  const errors = problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (errors.length) {
    const shown = errors.slice(0, 3).map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
    throw new UserError(`${shown.join('\n')}${errors.length > 3 ? `\n(and ${errors.length - 3} more problems)` : ''}\nFix ${nodePath.basename(file)}: it lists libraries: [{ name, url | path, ref }].`);
  }
  const value = (yaml.value ?? {}) as { libraries?: LibrarySpec[] };
  const base = nodePath.dirname(file);
  const libraries = (value.libraries ?? []).map((l) => (l.path !== undefined ? { ...l, path: nodePath.resolve(base, l.path) } : { ...l }));
  return { file, libraries };
}

/**
 * Identifies this build of the parsers, so an index cache or snapshot written by another build
 * is rebuilt: the size and time of build-stamp.json, which every build of the CLI writes next to
 * its modules (dist/cli/); run from the sources, of this module's own file.
 */
export function engineStamp(file?: string): string {
  for (const f of file ? [file] : [nodePath.join(__dirname, 'build-stamp.json'), __filename]) {
    try {
      const s = statSync(f);
      return `cli:${s.size}:${Math.round(s.mtimeMs)}`;
    } catch {
      // not there: the next candidate
    }
  }
  return 'cli:unknown';
}

/** Parses a `--library` value: a git URL when written as one (validated, refused transports throw), else a folder. */
export function libraryFromArgument(value: string, cwd: string, ref?: string): LibrarySource {
  return libraryArgument(value, { resolvePath: (p) => nodePath.resolve(cwd, p), isAbsolutePath: (p) => nodePath.isAbsolute(p), ref });
}

/** A configured library as a source (validated). */
export function libraryFromSpec(spec: LibrarySpec, cwd: string): LibrarySource {
  return librarySource(spec, { resolvePath: (p) => nodePath.resolve(cwd, p), isAbsolutePath: (p) => nodePath.isAbsolute(p) });
}

export interface OpenLibraryOptions {
  cacheDir: string;
  /** never: the cache only; if-missing: clone on first use; always: sync first (falls back to the cache with a warning when offline). */
  sync: 'never' | 'if-missing' | 'always';
  log?: Log;
  /** For resolving relative folders (default process.cwd()). */
  cwd?: string;
  /** Environment of git (default process.env). */
  env?: Env;
  /** Injected implementations (tests use them with short timeouts). */
  git?: Git;
  locker?: Locker;
  engine?: string;
  onParse?: (path: string) => void;
  /** How much to read: `catalog` for commands that show no diagnostics (list, sync); default `full`. */
  level?: CatalogLevel;
  parser?: FileParser;
}

export interface OpenedLibrary {
  catalog: Catalog;
  /** Problems to print on stderr (e.g. "offline: showing the cache of ... synced 3 hours ago"). */
  warnings: string[];
  /** The library's commit (git libraries). */
  commit?: string;
  /** Where the catalog's files are read from (the commit's blobs for git libraries). */
  source: FileSource;
  library: LibrarySource;
  /** Cache details of a git library. */
  git?: OpenedGitLibrary;
}

/** The Node dependencies of the library cache. */
export function nodeCacheDeps(opts: { log?: Log; env?: Env; git?: Git; locker?: Locker } = {}): LibraryCacheDeps {
  return {
    fs: nodeFileSystem,
    path: nodePathOps,
    git: opts.git ?? new NodeGit({ env: opts.env }),
    locker: opts.locker ?? new FileLocker(),
    clock: { now: () => new Date() },
    log: opts.log ?? silentLog,
  };
}

/**
 * Opens a library given as a spec (`{ name, url | path, ref }`) or an already parsed source.
 * Folders are read as they are; git URLs are cloned into `cacheDir` on first use (with
 * `sync: 'if-missing'`) and read from the cache afterwards.
 */
export async function openLibrary(spec: LibrarySpec | LibrarySource, opts: OpenLibraryOptions): Promise<OpenedLibrary> {
  const cwd = opts.cwd ?? process.cwd();
  const library = 'kind' in spec ? spec : libraryFromSpec(spec, cwd);
  if (library.kind === 'folder') {
    const root = nodePath.resolve(cwd, library.path);
    const catalog = await openFolderLibrary(root, { onParse: opts.onParse, level: opts.level, parser: opts.parser });
    if (library.name && !catalog.library.hasManifest) catalog.library.name = library.name;
    return { catalog, warnings: [], source: folderSource(nodeFileSystem, nodePathOps, root), library };
  }
  const deps = nodeCacheDeps(opts);
  const opened = await openGitLibrary(deps, library, { cacheDir: opts.cacheDir, sync: opts.sync, engine: opts.engine ?? engineStamp(), onParse: opts.onParse, level: opts.level, parser: opts.parser });
  if (library.name && !opened.catalog.library.hasManifest) opened.catalog.library.name = library.name;
  return { catalog: opened.catalog, warnings: opened.warnings, commit: opened.commit, source: opened.source, library, git: opened };
}

/**
 * The history of a file or folder of a library (`git log` of that path), newest first: from
 * the clone at the library's commit for git libraries, from the enclosing work tree for a
 * folder inside one; empty for a folder outside git.
 */
export async function libraryHistory(lib: OpenedLibrary, path: string, opts: { max?: number; git?: Git; env?: Env } = {}): Promise<GitLogEntry[]> {
  const git = opts.git ?? new NodeGit({ env: opts.env });
  const max = opts.max ?? 10;
  const rel = path.replace(/^\/+/, '');
  if (lib.git) return git.log(lib.git.paths.repo, lib.git.commit, rel, max);
  const root = lib.catalog.root;
  if (!(await git.workTreeRoot(root))) return [];
  try {
    return await git.log(root, 'HEAD', rel, max);
  } catch {
    return []; // a repository without commits yet
  }
}

/** `show`'s history block: one line per commit (short id, date, author, subject). */
export function formatHistory(entries: GitLogEntry[]): string {
  if (!entries.length) return 'History: none (not in a git repository, or no commits yet).\n';
  const lines = entries.map((e) => `  ${e.commit.slice(0, 10)}  ${e.date.slice(0, 10)}  ${e.author}  ${e.subject}`);
  return `History:\n${lines.join('\n')}\n`;
}

/**
 * The libraries a command works on: `--library` (folder or URL), else those of
 * genai-assets.yaml / $GENAI_ASSETS_CONFIG; undefined when neither is given (the caller then
 * uses the library around the current folder). A git URL is cloned on first use and read
 * from the cache afterwards (`sync: true` fetches first). Warnings (e.g. a stale cache while
 * offline) are printed on stderr. Problems throw a UserError (exit 2).
 */
export async function cliLibraries(
  library: string | undefined,
  opts: { sync?: boolean; ref?: string; cacheDir?: string; git?: Git; level?: CatalogLevel; parser?: FileParser },
  io: CliIo,
): Promise<OpenedLibrary[] | undefined> {
  let sources: LibrarySource[];
  if (library !== undefined) sources = [libraryFromArgument(library, io.cwd, opts.ref)];
  else {
    const config = await readCliConfig(io.cwd, io.env);
    if (!config || !config.libraries.length) return undefined;
    sources = config.libraries.map((l) => libraryFromSpec(l, nodePath.dirname(config.file)));
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir(io.env);
  const log: Log = { info() {}, warn: (m) => io.err(`warning: ${m}\n`), error: (m) => io.err(`error: ${m}\n`) };
  const out: OpenedLibrary[] = [];
  for (const src of sources) {
    const opened = await openLibrary(src, { cacheDir, sync: opts.sync ? 'always' : 'if-missing', log, cwd: io.cwd, env: io.env, git: opts.git, level: opts.level, parser: opts.parser });
    for (const w of opened.warnings) io.err(`warning: ${w}\n`);
    out.push(opened);
  }
  return out;
}
