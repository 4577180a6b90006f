// The CLI's libraries: genai-assets.yaml, the cache folder, and which libraries a command works on (opened by src/app).

import { homedir } from 'node:os';
import * as nodePath from 'node:path';
import { diag } from '../core/diagnostics';
import { UserError } from '../core/errors';
import type { CatalogLevel, FileParser } from '../core/library/load';
import type { LibrarySource, LibrarySpec } from '../core/library/source';
import type { Git, Log } from '../core/ports';
import { TextDocument } from '../core/text/textDocument';
import { nodeFileSystem } from '../node/fileSystem';
import { findLibraryRoot } from '../node/openFolder';
import { ParsePool } from '../node/parsePool';
import { libraryFromArgument, libraryFromSpec, openLibrary } from '../app/openLibrary';
import type { Env, OpenedLibrary } from '../app/openLibrary';
import type { CliIo } from './io';

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
  /** The repositories of `fleet:` (git URLs), for where-used. */
  fleet: string[];
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
  // The YAML reader and the schema validators are loaded only when there is a configuration file.
  const [{ YamlSource }, { validatorFor }] = await Promise.all([import('../core/yaml/yamlDocument'), import('../core/schemas')]);
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
    throw new UserError(
      `${shown.join('\n')}${errors.length > 3 ? `\n(and ${errors.length - 3} more problems)` : ''}\nFix ${nodePath.basename(file)}: it lists libraries: [{ name, url | path, ref }] (and fleet: [git URL, ...]).`,
    );
  }
  const value = (yaml.value ?? {}) as { libraries?: LibrarySpec[]; fleet?: string[] };
  const base = nodePath.dirname(file);
  const libraries = (value.libraries ?? []).map((l) => (l.path !== undefined ? { ...l, path: nodePath.resolve(base, l.path) } : { ...l }));
  return { file, libraries, fleet: [...(value.fleet ?? [])] };
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
  const log = stderrLog(io);
  const out: OpenedLibrary[] = [];
  for (const src of sources) {
    const opened = await openLibrary(src, { cacheDir, sync: opts.sync ? 'always' : 'if-missing', log, cwd: io.cwd, env: io.env, git: opts.git, level: opts.level, parser: opts.parser });
    for (const w of opened.warnings) io.err(`warning: ${w}\n`);
    out.push(opened);
  }
  return out;
}

/**
 * The libraries of list, show and approve: those of cliLibraries, else the library around the
 * current folder. Parsing spreads over worker threads when a library has many files to read
 * (idle workers never hold the process).
 */
export async function commandLibraries(library: string | undefined, opts: { sync: boolean; level?: CatalogLevel }, io: CliIo): Promise<OpenedLibrary[]> {
  const parser = new ParsePool();
  const opened = await cliLibraries(library, { sync: opts.sync, level: opts.level, parser }, io);
  if (opened) return opened;
  const { root } = await findLibraryRoot(io.cwd);
  return (await cliLibraries(root, { sync: false, level: opts.level, parser }, io)) ?? [];
}

/** The log of library work on stderr: warnings and errors (with `info`, progress lines too). */
export function stderrLog(io: CliIo, opts: { info?: boolean } = {}): Log {
  return {
    info: opts.info ? (m) => io.err(`${m}\n`) : () => undefined,
    warn: (m) => io.err(`warning: ${m}\n`),
    error: (m) => io.err(`error: ${m}\n`),
  };
}
