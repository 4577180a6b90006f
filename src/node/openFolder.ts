// Opens a library that is a plain folder on disk (or the folder of a checkout) and loads its catalog.

import * as nodePath from 'node:path';
import { promises as fsp } from 'node:fs';
import { fullStages } from '../core/checks/stages';
import { UserError } from '../core/errors';
import { folderSource } from '../core/library/fileSource';
import type { CatalogLevel, FileParser, LoadOptions, ParsedFileCache } from '../core/library/load';
import type { FileSource } from '../core/library/fileSource';
import type { Catalog } from '../core/library/types';
import type { FileReader } from '../core/ports';
import { nodeFileSystem, nodePathOps } from './fileSystem';
import { openFolderSnapshot } from './folderSnapshot';
import type { FolderSnapshotSettings } from './folderSnapshot';

/** Loads the library rooted at `root` (a folder); `name` is its name when library.yaml gives none (default: the folder's name). */
export async function openFolderLibrary(
  root: string,
  opts: {
    name?: string;
    cache?: ParsedFileCache;
    source?: FileSource;
    commit?: string;
    onParse?: (p: string) => void;
    level?: CatalogLevel;
    parser?: FileParser;
    reader?: FileReader;
    /** Keeps the folder's catalog (parsed files at the full level) in the cache folder between opens; `cache` and `commit` are then not used. */
    snapshot?: FolderSnapshotSettings;
  } = {},
): Promise<Catalog> {
  const abs = nodePath.resolve(root);
  const st = await fsp.stat(abs).catch(() => undefined);
  if (!st) throw new UserError(`Library folder ${root} does not exist; check the path.`);
  if (!st.isDirectory()) throw new UserError(`${root} is not a folder; give the library's root folder.`);
  const load: LoadOptions = {
    root: abs,
    source: opts.source ?? folderSource(opts.reader ?? nodeFileSystem, nodePathOps, abs),
    cache: opts.cache,
    commit: opts.commit,
    fallbackName: opts.name ?? nodePath.basename(abs),
    onParse: opts.onParse,
    level: opts.level,
    parser: opts.parser ?? fullStages.parser,
    checks: fullStages.checks,
  };
  return opts.snapshot ? (await openFolderSnapshot(opts.snapshot, load)).catalog : (await import('../core/library/load')).loadCatalog(load);
}

/**
 * The library root for a path: the nearest folder at or above it holding library.yaml;
 * otherwise the folder itself (or the file's folder).
 */
export async function findLibraryRoot(target: string): Promise<{ root: string; isFile: boolean }> {
  const abs = nodePath.resolve(target);
  const st = await fsp.stat(abs).catch(() => undefined);
  if (!st) throw new UserError(`${target} does not exist; give a library folder or files inside one.`);
  const isFile = !st.isDirectory();
  const start = isFile ? nodePath.dirname(abs) : abs;
  let dir = start;
  for (let i = 0; i < 64; i++) {
    for (const name of ['library.yaml', 'library.yml']) {
      if (await fsp.stat(nodePath.join(dir, name)).catch(() => undefined)) return { root: dir, isFile };
    }
    const parent = nodePath.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { root: start, isFile };
}
