// Opening a git library: from the cache, cloning or syncing as asked, with the offline fallback and the blob-keyed index cache.

import { GitError, UserError } from '../errors';
import type { GitFailure } from '../errors';
import type { GitTreeChange } from '../ports';
import { gitSource } from './gitSource';
import type { GitFileSource } from './gitSource';
import { catalogCodec } from './catalogCodec';
import { loadCatalogSnapshot, openCatalogSnapshot, saveCatalogChange, saveCatalogSnapshot } from './catalogSnapshot';
import { IndexCache, jsonCodec } from './indexCache';
import type { CatalogChecks, CatalogLevel, FileParser } from './load';
import type { GitLibrarySource } from './source';
import { cachePaths, readState, staleWarning, syncLibrary, writeState } from './sync';
import type { CachePaths, LibraryCacheDeps, LibraryState, SyncResult } from './sync';
import type { Catalog } from './types';

export interface OpenGitOptions {
  cacheDir: string;
  /** never: the cache only; if-missing: clone on first use; always: sync first (a failure falls back to the cache with a warning). */
  sync: 'never' | 'if-missing' | 'always';
  /** Identifies the parser build: a cache written by another build is rebuilt. */
  engine: string;
  filterBlobs?: boolean;
  lockTimeoutMs?: number;
  onParse?: (path: string) => void;
  /** How much to read (LoadOptions.level); each level has its own index cache file. */
  level?: CatalogLevel;
  /** The per-file and check stages (LoadOptions): a full read needs both. */
  parser?: FileParser;
  checks?: CatalogChecks;
}

/** A git library as read from the cache: its catalog at one commit, and the state of its clone. */
export interface CachedGitLibrary {
  catalog: Catalog;
  warnings: string[];
  commit: string;
  state: LibraryState;
  paths: CachePaths;
  source: GitFileSource;
  cache: IndexCache;
  sync?: SyncResult;
  /**
   * Catalog level only: `current` when the catalog came whole from the snapshot of this commit,
   * `updated` when it is the snapshot of an earlier commit with the changed assets read again.
   */
  snapshot?: 'current' | 'updated';
}

const hardFailures: GitFailure[] = ['refused'];

/** True when the last sync attempt failed after the last good one (the catalog served is stale). */
function failedSinceSync(state: LibraryState): boolean {
  return !!state.lastError && (!state.syncedAt || state.lastError.at > state.syncedAt);
}

/** When the state file is lost or unreadable but the clone is fine: its HEAD is the last good commit (time unknown). */
async function stateFromClone(deps: LibraryCacheDeps, paths: CachePaths, src: GitLibrarySource): Promise<LibraryState | undefined> {
  if (!(await deps.fs.stat(paths.repo))) return undefined;
  const head = await deps.git.resolveCommit(paths.repo, 'HEAD');
  if (!head) return undefined;
  const state: LibraryState = { version: 1, url: src.display, key: src.key, ref: src.ref, commit: head };
  await writeState(deps, paths, state).catch(() => undefined);
  return state;
}

/**
 * Opens a git library from the cache, cloning or syncing as asked. When a sync fails but a
 * good clone exists, that clone's catalog is served with a warning saying since when it is
 * stale; nothing in the cache is deleted.
 */
export async function openGitLibrary(deps: LibraryCacheDeps, src: GitLibrarySource, opts: OpenGitOptions): Promise<CachedGitLibrary> {
  const paths = cachePaths(deps.path, opts.cacheDir, src);
  const warnings: string[] = [];
  const level = opts.level ?? 'full';
  const fallbackName = src.name ?? src.folderName.replace(/-[0-9a-f]{16}$/, '');
  const engineKey = { engine: opts.engine, fallbackName };
  /** The catalog whole from the snapshot of the state's commit: every file counts as a cache hit in reports. */
  const servedWhole = (whole: { catalog: Catalog; files: number }, s: LibraryState, source: GitFileSource, sync?: SyncResult): CachedGitLibrary => {
    const cache = IndexCache.empty(paths.catalogIndex, opts.engine, catalogCodec);
    cache.hits = whole.files;
    return { catalog: whole.catalog, warnings, commit: s.commit!, state: s, paths, source, cache, sync, snapshot: 'current' };
  };
  let state = await readState(deps, paths);
  // The common case at the catalog level: no sync asked, and the snapshot is of the commit the
  // state file names (written only after that commit was checked out). Nothing needs git.
  let snap: Awaited<ReturnType<typeof loadCatalogSnapshot>>;
  /** `git diff-tree` from the snapshot's commit to the state's, run while the snapshot is decoded. */
  let early: { from: string; to: string; changes: Promise<GitTreeChange[] | undefined> } | undefined;
  if (level === 'catalog' && opts.sync !== 'always' && state?.commit && state.ref === src.ref && (await deps.fs.stat(paths.repo))) {
    const opened = await openCatalogSnapshot(deps.fs, paths.catalogSnapshot, paths.repo, { ...engineKey, commit: state.commit }, { anyCommit: true, assetCommit: state.commit });
    if (opened && opened.commit !== state.commit && deps.git.diffTree) {
      early = { from: opened.commit, to: state.commit, changes: deps.git.diffTree(paths.repo, opened.commit, state.commit).catch(() => undefined) };
    }
    const catalog = opened?.decode();
    snap = catalog && { catalog, files: opened!.files, file: opened!.file };
    if (snap?.catalog.commit === state.commit) {
      if (failedSinceSync(state)) warnings.push(staleWarning(src, state, deps.clock.now()));
      return servedWhole(snap, state, gitSource(deps.git, paths.repo, state.commit, { checkedOut: true }));
    }
  }
  state ??= await stateFromClone(deps, paths, src);
  let syncResult: SyncResult | undefined;
  // A diff-tree that reached the commit proves it is in the clone.
  const usable = async (s: LibraryState | undefined): Promise<boolean> =>
    !!s?.commit && s.ref === src.ref && !!(await deps.fs.stat(paths.repo)) && ((early?.to === s.commit && !!(await early.changes)) || !!(await deps.git.resolveCommit(paths.repo, s.commit)));
  const good = await usable(state);
  if (opts.sync === 'always' || (opts.sync === 'if-missing' && !good)) {
    try {
      syncResult = await syncLibrary(deps, src, opts.cacheDir, { onlyIfMissing: opts.sync === 'if-missing', filterBlobs: opts.filterBlobs, lockTimeoutMs: opts.lockTimeoutMs });
      state = syncResult.state;
      warnings.push(...syncResult.warnings);
    } catch (e) {
      const failure = e instanceof GitError ? e.failure : undefined;
      // Problems of the remote or of the machine (a full disk: ENOSPC, EACCES...) fall back to the last good clone; a bug does not.
      const code = (e as { code?: unknown } | undefined)?.code;
      const ioError = e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
      if (!(e instanceof UserError || ioError) || (failure && hardFailures.includes(failure))) throw e;
      state = await readState(deps, paths);
      if (!(await usable(state))) throw e;
      warnings.push(staleWarning(src, state!, deps.clock.now(), { message: e.message, failure }));
    }
  } else if (!good) {
    throw new UserError(
      `${src.name ? `Library "${src.name}" (${src.display})` : src.display}${state?.ref !== src.ref && state?.commit ? ` at ref ${src.ref ?? '(default branch)'}` : ''} is not in the cache yet. Run \`genai-assets sync --library ${src.display}\` first.`,
    );
  } else if (state && failedSinceSync(state)) {
    warnings.push(staleWarning(src, state, deps.clock.now()));
  }
  const commit = state!.commit!;
  const source = gitSource(deps.git, paths.repo, commit, { checkedOut: true });
  const snapshotKey = { ...engineKey, commit };
  if (level === 'catalog') {
    // Read again unless the sync left the commit the snapshot above was checked against.
    if (!snap || syncResult) snap = await loadCatalogSnapshot(deps.fs, paths.catalogSnapshot, paths.repo, snapshotKey, { anyCommit: true, assetCommit: commit });
    if (snap?.catalog.commit === commit) return servedWhole(snap, state!, source, syncResult);
    // The snapshot of an earlier commit: read again only the assets the commits between changed.
    const from = snap?.catalog.commit;
    const diffTree = deps.git.diffTree?.bind(deps.git);
    const changes = !from || !diffTree ? undefined : early?.from === from && early.to === commit ? await early.changes : await diffTree(paths.repo, from, commit).catch(() => undefined);
    if (snap && changes && from) {
      let updated;
      try {
        updated = await (
          await import('./catalogUpdate')
        ).updateCatalog({ previous: snap.catalog, previousReadable: snap.files, changes, source, root: paths.repo, commit, fallbackName, parser: opts.parser, onParse: opts.onParse });
      } finally {
        if (updated) source.close();
      }
      if (updated) {
        const cache = IndexCache.empty(paths.catalogIndex, opts.engine, catalogCodec);
        cache.stores = updated.parsed;
        cache.hits = Math.max(0, updated.readable - updated.parsed);
        // Appended to the previous commit's snapshot as a delta (written whole when that file cannot take one).
        const change = { from, read: snap.file, catalog: updated.catalog, dropped: updated.dropped, fresh: updated.fresh };
        await saveCatalogChange(deps.fs, deps.path, paths.catalogSnapshot, change, snapshotKey, updated.readable).catch((e: Error) =>
          deps.log.warn(`Could not write the catalog snapshot ${paths.catalogSnapshot}: ${e.message}`),
        );
        return { catalog: updated.catalog, warnings, commit, state: state!, paths, source, cache, sync: syncResult, snapshot: 'updated' };
      }
    }
  }
  // The catalog level keeps no per-file cache: its snapshot, updated from the commits' differences, does that job.
  const cacheFile = level === 'catalog' ? paths.catalogIndex : paths.index;
  const cache = level === 'catalog' ? IndexCache.empty(cacheFile, opts.engine, catalogCodec) : await IndexCache.load(deps.fs, cacheFile, opts.engine, deps.log, jsonCodec);
  // Without a snapshot every file is read: other threads can start while the tree is listed.
  if (level === 'catalog') opts.parser?.warmUp?.();
  let catalog: Catalog;
  try {
    const { loadCatalog } = await import('./load');
    catalog = await loadCatalog({
      root: paths.repo,
      source,
      cache: level === 'full' ? cache : undefined,
      commit,
      fallbackName,
      onParse: opts.onParse,
      level,
      parser: opts.parser,
      checks: opts.checks,
    });
  } finally {
    source.close();
  }
  if (level === 'full' && cache.needsSave) {
    await cache.save(deps.fs, deps.path).catch((e: Error) => deps.log.warn(`Could not write the index cache ${cacheFile}: ${e.message}`));
  }
  if (level === 'catalog') {
    await saveCatalogSnapshot(deps.fs, deps.path, paths.catalogSnapshot, catalog, snapshotKey).catch((e: Error) =>
      deps.log.warn(`Could not write the catalog snapshot ${paths.catalogSnapshot}: ${e.message}`),
    );
    // The per-file catalog cache of earlier versions is not read any more.
    if (await deps.fs.stat(paths.catalogIndex)) await deps.fs.remove(paths.catalogIndex).catch(() => undefined);
  }
  return { catalog, warnings, commit, state: state!, paths, source, cache, sync: syncResult };
}
