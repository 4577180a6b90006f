// Git libraries in a cache folder: atomic clone, locked sync (fetch, then move to the ref), offline state, cached catalog.

import { GitError } from '../errors';
import type { GitFailure } from '../errors';
import type { Clock, FileSystem, Git, Locker, Log, PathOps } from '../ports';
import type { GitLibrarySource } from './source';

export interface LibraryCacheDeps {
  fs: FileSystem;
  path: PathOps;
  git: Git;
  locker: Locker;
  clock: Clock;
  log: Log;
}

/** What the cache remembers about one library (`state.json` beside the clone). */
export interface LibraryState {
  version: 1;
  /** The URL with credentials hidden. */
  url: string;
  key: string;
  ref?: string;
  /** The last good commit: the one the catalog shows. */
  commit?: string;
  /** The branch followed, when the ref is a branch (or the default branch). */
  branch?: string;
  /** Last successful sync (ISO). */
  syncedAt?: string;
  lastAttemptAt?: string;
  lastError?: { failure: GitFailure; message: string; at: string };
  /** Set while the work tree is being moved to `target`; left behind only by an interrupted move. */
  pending?: { target: string; at: string };
}

export interface CachePaths {
  /** The library's folder in the cache. */
  dir: string;
  /** The clone. */
  repo: string;
  state: string;
  /** The index cache of full parses (diagnostics and positions). */
  index: string;
  /** The index cache of catalog-level reads (what `list` needs). */
  catalogIndex: string;
  /** The catalog-level catalog of the last commit read, whole. */
  catalogSnapshot: string;
  lock: string;
}

export function cachePaths(path: PathOps, cacheDir: string, src: GitLibrarySource): CachePaths {
  const dir = path.join(cacheDir, src.folderName);
  return {
    dir,
    repo: path.join(dir, 'repo'),
    state: path.join(dir, 'state.json'),
    index: path.join(dir, 'index.v1.cache'),
    catalogIndex: path.join(dir, 'catalog.v1.cache'),
    catalogSnapshot: path.join(dir, 'catalog.v1.snapshot'),
    lock: path.join(dir, 'sync.lock'),
  };
}

export async function readState(deps: Pick<LibraryCacheDeps, 'fs' | 'log'>, paths: CachePaths): Promise<LibraryState | undefined> {
  try {
    if (!(await deps.fs.stat(paths.state))) return undefined;
    const v = JSON.parse(new TextDecoder().decode(await deps.fs.readFile(paths.state))) as LibraryState;
    if (!v || v.version !== 1 || typeof v.key !== 'string') throw new Error('unknown layout');
    if (v.commit !== undefined && !/^[0-9a-f]{40,64}$/.test(v.commit)) throw new Error('bad commit');
    return v;
  } catch (e) {
    deps.log.warn(`Library state ${paths.state} is unreadable (${(e as Error).message}); it will be rebuilt from the clone.`);
    return undefined;
  }
}

export async function writeState(deps: Pick<LibraryCacheDeps, 'fs'>, paths: CachePaths, state: LibraryState): Promise<void> {
  const clean = JSON.parse(JSON.stringify(state)) as LibraryState;
  await deps.fs.writeFile(paths.state, JSON.stringify(clean, null, 2) + '\n');
}

function shortId(commit: string | undefined): string {
  return commit ? commit.slice(0, 12) : '(none)';
}

/**
 * "just now", "3 minutes ago", "2 days ago"...: never finer than a minute, so a text shown by a
 * view that refreshes it every minute (the status bar, the Catalog) is never more than a minute off.
 */
export function ageText(fromIso: string | undefined, now: Date): string {
  if (!fromIso) return 'at an unknown time';
  const ms = now.getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms)) return 'at an unknown time';
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (n: number, u: string): string => `${n} ${u}${n === 1 ? '' : 's'} ago`;
  if (s < 45) return 'just now';
  if (s < 90) return unit(1, 'minute');
  if (s < 5400) return unit(Math.round(s / 60), 'minute');
  if (s < 129600) return unit(Math.round(s / 3600), 'hour');
  return unit(Math.round(s / 86400), 'day');
}

function displayTime(iso: string | undefined): string {
  return iso
    ? iso
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
        .replace(/Z$/, ' UTC')
    : 'an unknown time';
}

/** Failures that go away by themselves when the network comes back. */
const networkFailures: readonly GitFailure[] = ['unreachable', 'timeout'];

/** The warning shown when the catalog comes from a cache whose last sync failed; the advice fits the failure. */
export function staleWarning(src: GitLibrarySource, state: LibraryState, now: Date, failure?: { message: string; failure?: GitFailure }): string {
  const why = failure?.message ?? state.lastError?.message ?? 'the last sync failed';
  const kind = failure ? failure.failure : state.lastError?.failure;
  const advice = kind && networkFailures.includes(kind) ? 'Run `genai-assets sync` when the remote is reachable.' : 'Run `genai-assets sync` again once that is fixed.';
  return `${src.name ? `Library "${src.name}" (${src.display})` : src.display}: ${why.replace(/\.$/, '')}. Showing commit ${shortId(state.commit)} from the last successful sync on ${displayTime(state.syncedAt)} (${ageText(state.syncedAt, now)}); it may be stale. ${advice}`;
}

export interface SyncResult {
  commit: string;
  previous?: string;
  cloned: boolean;
  changed: boolean;
  warnings: string[];
  state: LibraryState;
  /** When the lock was taken and released (ms since epoch), for tracing serialisation. */
  lockedAt: number;
  releasedAt: number;
}

export interface SyncOptions {
  /** Do nothing (no network) when a good clone exists, even if it was made by a concurrent sync we waited for. */
  onlyIfMissing?: boolean;
  /** Partial clone (`--filter=blob:none`) when the server allows it. Default true. */
  filterBlobs?: boolean;
  lockTimeoutMs?: number;
}

interface Target {
  commit: string;
  branch?: string;
}

async function resolveTarget(git: Git, dir: string, src: GitLibrarySource): Promise<Target> {
  const where = src.name ? `library "${src.name}"` : src.display;
  if (src.ref === undefined) {
    const head = await git.symbolicRef(dir, 'refs/remotes/origin/HEAD');
    const branch = head?.replace(/^refs\/remotes\/origin\//, '');
    const commit = branch ? await git.resolveCommit(dir, `refs/remotes/origin/${branch}`) : undefined;
    if (branch && commit) return { commit, branch };
    for (const b of ['main', 'master']) {
      const c = await git.resolveCommit(dir, `refs/remotes/origin/${b}`);
      if (c) return { commit: c, branch: b };
    }
    throw new GitError(`${where}: the remote has no default branch (it may be empty). Push a commit, or set ref to a branch, tag or commit.`, 'ref-not-found');
  }
  const ref = src.ref;
  const branchCommit = await git.resolveCommit(dir, `refs/remotes/origin/${ref}`);
  if (branchCommit) return { commit: branchCommit, branch: ref };
  const tagCommit = await git.resolveCommit(dir, `refs/tags/${ref}`);
  if (tagCommit) return { commit: tagCommit };
  if (/^[0-9a-f]{4,64}$/i.test(ref)) {
    const c = await git.resolveCommit(dir, ref.toLowerCase());
    if (c) return { commit: c };
  }
  throw new GitError(`${where}: ref "${ref}" is neither a branch, a tag nor a commit of ${src.display}. Check the ref (git ls-remote shows branches and tags).`, 'ref-not-found');
}

/**
 * Moves an existing clone to the target. The cache mirrors its remote: the local branch is reset
 * to the target even when it does not fast-forward (history rewritten upstream, or commits made in
 * the cache), and edits in the work tree give way; nothing in a cache is the user's work.
 */
async function moveTo(deps: LibraryCacheDeps, repo: string, target: Target, src: GitLibrarySource): Promise<void> {
  const { git } = deps;
  const remote = src.url;
  const head = await git.resolveCommit(repo, 'HEAD');
  // Commits of HEAD on no remote branch or tag: a rewritten history, or commits made in the cache.
  const dropped = head && head !== target.commit ? await git.localCommitCount(repo).catch(() => 0) : 0;
  if (target.branch) await git.checkout(repo, { branch: target.branch, startPoint: target.commit }, { force: true, remote });
  else await git.checkout(repo, { detach: target.commit }, { force: true, remote });
  if (dropped > 0) {
    deps.log.info(
      `${src.display}: ${shortId(head)} is on no remote branch or tag any more (the remote's history was rewritten, or commits were made in the cache); the cache now follows the remote at ${shortId(target.commit)}.`,
    );
  }
}

function randomSuffix(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Removes what an interrupted run left: temporary clones and replaced clones. */
async function sweep(deps: LibraryCacheDeps, paths: CachePaths): Promise<void> {
  let names: string[] = [];
  try {
    names = (await deps.fs.readDir(paths.dir)).map((e) => e.name);
  } catch {
    return;
  }
  const now = deps.clock.now().getTime();
  for (const n of names) {
    const p = deps.path.join(paths.dir, n);
    // Temporary clones are only made under the lock we hold; temporary files may belong to a
    // reader writing the index cache right now, so only old ones are removed.
    const stale = /^(tmp|trash)-/.test(n) || (/\.tmp$/.test(n) && now - ((await deps.fs.stat(p))?.mtimeMs ?? now) > 10 * 60_000);
    if (stale) {
      deps.log.info(`Removing ${n}, left by an interrupted sync.`);
      await deps.fs.remove(p).catch(() => undefined);
    }
  }
}

/** Clones into a temporary folder, checks out, then renames it into place: the previous clone stays until the new one is complete. */
async function freshClone(deps: LibraryCacheDeps, paths: CachePaths, src: GitLibrarySource, filterBlobs: boolean): Promise<Target> {
  const tmp = deps.path.join(paths.dir, `tmp-${randomSuffix()}`);
  try {
    await deps.git.clone(src.url, tmp, { filterBlobs });
    const target = await resolveTarget(deps.git, tmp, src);
    if (target.branch) await deps.git.checkout(tmp, { branch: target.branch, startPoint: `refs/remotes/origin/${target.branch}` }, { force: true, remote: src.url });
    else await deps.git.checkout(tmp, { detach: target.commit }, { force: true, remote: src.url });
    if (await deps.fs.stat(paths.repo)) {
      const trash = deps.path.join(paths.dir, `trash-${randomSuffix()}`);
      await deps.fs.rename(paths.repo, trash);
      await deps.fs.rename(tmp, paths.repo);
      await deps.fs.remove(trash).catch(() => undefined);
    } else {
      await deps.fs.rename(tmp, paths.repo);
    }
    return target;
  } catch (e) {
    await deps.fs.remove(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Brings the clone of `src` up to date under the library's lock: the first time a clone
 * (partial when possible) into a temporary folder renamed into place; later a fetch, then the
 * clone is reset to the ref (a branch follows its remote even when its history was rewritten).
 * The state file moves to the new commit only when all of that succeeded; a failure is recorded
 * in it and rethrown.
 */
export async function syncLibrary(deps: LibraryCacheDeps, src: GitLibrarySource, cacheDir: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const paths = cachePaths(deps.path, cacheDir, src);
  await deps.fs.mkdir(paths.dir);
  const lock = await deps.locker.acquire(paths.lock, {
    what: `Library ${src.display}`,
    timeoutMs: opts.lockTimeoutMs,
    onWait: (holder) => deps.log.info(`Waiting for another sync of ${src.display} (${holder}).`),
  });
  const lockedAt = Date.now();
  try {
    const result = await syncLocked(deps, paths, src, opts);
    return { ...result, lockedAt, releasedAt: Date.now() };
  } finally {
    await lock.release();
  }
}

async function syncLocked(deps: LibraryCacheDeps, paths: CachePaths, src: GitLibrarySource, opts: SyncOptions): Promise<Omit<SyncResult, 'lockedAt' | 'releasedAt'>> {
  const { git } = deps;
  await sweep(deps, paths);
  const now = (): string => deps.clock.now().toISOString();
  const previousState = await readState(deps, paths);
  let state: LibraryState = previousState ?? { version: 1, url: src.display, key: src.key };
  state.url = src.display;
  state.ref = src.ref;
  const warnings: string[] = [];
  const hasRepo = !!(await deps.fs.stat(paths.repo)) && (await git.resolveCommit(paths.repo, 'HEAD')) !== undefined;
  if (opts.onlyIfMissing && hasRepo && state.commit && state.ref === src.ref && (await git.resolveCommit(paths.repo, state.commit))) {
    return { commit: state.commit, previous: state.commit, cloned: false, changed: false, warnings, state };
  }
  const previous = state.commit;
  try {
    let target: Target | undefined;
    let cloned = false;
    if (hasRepo) {
      if (state.pending) {
        deps.log.warn(`A previous sync of ${src.display} was interrupted while moving to ${shortId(state.pending.target)}; repairing the work tree.`);
        await git.repairWorkTree(paths.repo, { remote: src.url });
        state.pending = undefined;
      }
      if ((await git.getConfig(paths.repo, 'remote.origin.url')) !== src.url) await git.setOriginUrl(paths.repo, src.url);
      let fetched = true;
      try {
        await git.fetch(paths.repo, src.url);
      } catch (e) {
        if (!(e instanceof GitError) || e.failure !== 'corrupt') throw e;
        deps.log.warn(`The clone at ${paths.repo} is corrupt (${e.message}); cloning again.`);
        fetched = false;
      }
      if (fetched) {
        target = await resolveTarget(git, paths.repo, src);
        const head = await git.resolveCommit(paths.repo, 'HEAD');
        if (head !== target.commit || (target.branch && (await git.symbolicRef(paths.repo, 'HEAD')) !== `refs/heads/${target.branch}`)) {
          state.pending = { target: target.commit, at: now() };
          await writeState(deps, paths, state);
          await moveTo(deps, paths.repo, target, src);
          state.pending = undefined;
        }
      }
    } else if (await deps.fs.stat(paths.repo)) {
      deps.log.warn(`The clone at ${paths.repo} is unusable; cloning again.`);
    }
    if (!target) {
      target = await freshClone(deps, paths, src, opts.filterBlobs ?? true);
      cloned = true;
    }
    const t = now();
    state = { ...state, commit: target.commit, branch: target.branch, syncedAt: t, lastAttemptAt: t, lastError: undefined, pending: undefined };
    await writeState(deps, paths, state);
    return { commit: target.commit, previous, cloned, changed: previous !== target.commit, warnings, state };
  } catch (e) {
    const failure: GitFailure = e instanceof GitError ? e.failure : 'failed';
    const message = e instanceof Error ? e.message : String(e);
    const t = now();
    // The commit stays the last good one; a half-done move is left flagged for repair.
    if (state.commit && !(await git.resolveCommit(paths.repo, state.commit).catch(() => undefined))) state.commit = undefined;
    if (state.pending && failure === 'local-changes') state.pending = undefined;
    state = { ...state, lastAttemptAt: t, lastError: { failure, message, at: t } };
    await writeState(deps, paths, state).catch(() => undefined);
    throw e;
  }
}
