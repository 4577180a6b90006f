// Reading the locks of many repositories for where-used: a shallow, blobless clone of each, cached, and only the lock and the locked files' blobs fetched.

import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { formatOfPath } from '../core/formats/detect';
import { sha256Hex } from '../core/hash';
import { readSection } from '../core/install/targets';
import { isAssetFormat, lockedPaths } from '../core/install/whereUsed';
import type { RepositoryLock, RepositoryLocks, UsedComponent } from '../core/install/whereUsed';
import { parseGitUrl } from '../core/library/source';
import { installLockFileName, lockFileName, parseInstallLock, parseLockFile } from '../core/scaffold/lockFile';
import type { InstallLock } from '../core/scaffold/lockFile';
import { maxLockBytes } from '../core/limits';
import type { GitBlobReader, GitTreeEntry } from '../core/ports';
import { decodeUtf8 } from '../core/text/textDocument';
import { NodeGit } from '../node/git';
import { FileLocker } from '../node/lock';
import type { Env } from './openLibrary';

export interface FleetOptions {
  /** The cache folder (the libraries' one): repositories go under `<cacheDir>/fleet/`. */
  cacheDir: string;
  /** Environment of git (default process.env). */
  env?: Env;
  /** Stops starting new repositories once aborted (those under way finish); the rest get the error "cancelled". */
  signal?: AbortSignal;
  /** Repositories read at once (default 8). */
  concurrency?: number;
  /** Called as each repository is done (for progress). */
  onRepository?: (r: RepositoryLocks, done: number, total: number) => void;
  /** Injected git (tests' short timeouts); default a NodeGit over `env`. */
  git?: NodeGit;
}

/** What the cache keeps per repository (`state.json` beside its clone). */
interface FleetState {
  version: 1;
  /** The reader's format: a result of another is read again. */
  reader: number;
  commit: string;
  result: RepositoryLocks;
  /** sha256 of blobs read (`<oid>` for a whole file, `<oid>#<section>` for a section; null: no such section), so a moved head re-reads only new blobs. */
  hashes: Record<string, string | null>;
}

const readerVersion = 1;

/**
 * Reads what the locks of each repository say at the head of its default branch: a shallow
 * (`--depth 1`), blobless (`--filter=blob:none`) clone per URL kept under the cache folder, then
 * only the blobs needed (`genai-assets.lock.json`, every `pilot.lock.json`, and the locked files,
 * to tell which were modified) fetched in one request each. A second run fetches the new head
 * and reads nothing when it has not moved; otherwise only blobs it does not hold yet are fetched.
 * Never throws for one repository: its `error` says what went wrong. In the order of `urls`.
 */
export async function readFleet(urls: readonly string[], opts: FleetOptions): Promise<RepositoryLocks[]> {
  if (opts.signal?.aborted) return urls.map((u) => failed(u, 'cancelled'));
  const git = opts.git ?? new NodeGit({ env: opts.env });
  // One lock for the fleet's cache (another where-used, the editor's, waits): one per repository would hold a listener each.
  await fsp.mkdir(nodePath.join(opts.cacheDir, 'fleet'), { recursive: true });
  const held = await new FileLocker().acquire(nodePath.join(opts.cacheDir, 'fleet', 'fleet.lock'), { what: 'the cache of where-used' });
  // A URL given twice is read once (two reads of one clone would race).
  const unique = [...new Set(urls)];
  const byUrl = new Map<string, RepositoryLocks>();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= unique.length) return;
      const url = unique[i];
      let r: RepositoryLocks;
      if (opts.signal?.aborted) r = failed(url, 'cancelled');
      else {
        try {
          r = await readRepository(git, url, opts.cacheDir);
        } catch (e) {
          r = failed(url, e instanceof Error ? e.message : String(e));
        }
      }
      byUrl.set(url, r);
      opts.onRepository?.(r, ++done, unique.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, unique.length)) }, worker));
  } finally {
    await held.release();
  }
  return urls.map((u) => byUrl.get(u)!);
}

function displayOf(url: string): string {
  try {
    return parseGitUrl(url).display;
  } catch {
    return '(an invalid URL)';
  }
}

function failed(url: string, error: string): RepositoryLocks {
  return { url, display: displayOf(url), error, problems: [], pilots: [], ownAssetFiles: 0, cached: false };
}

async function readRepository(git: NodeGit, url: string, cacheDir: string): Promise<RepositoryLocks> {
  const src = parseGitUrl(url);
  const dir = nodePath.join(cacheDir, 'fleet', src.folderName);
  await fsp.mkdir(dir, { recursive: true });
  const repo = nodePath.join(dir, 'repo.git');
  let commit: string;
  if (await fsp.stat(repo).catch(() => undefined)) commit = await git.fetchHead(repo, url);
  else {
    // Cloned aside and moved in: an interrupted clone leaves no half-made one behind.
    const tmp = nodePath.join(dir, `tmp-${randomBytes(4).toString('hex')}`);
    try {
      commit = await git.shallowClone(url, tmp);
      await fsp.rename(tmp, repo);
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }
  const statePath = nodePath.join(dir, 'state.json');
  const state = await readState(statePath);
  if (state && state.commit === commit && state.reader === readerVersion) return { ...state.result, url, display: src.display, cached: true };
  const { result, hashes } = await readAt(git, repo, url, commit, state?.hashes ?? {});
  const full: RepositoryLocks = { ...result, url, display: src.display, commit, cached: false };
  const tmp = `${statePath}.${randomBytes(4).toString('hex')}`;
  await fsp.writeFile(tmp, JSON.stringify({ version: 1, reader: readerVersion, commit, result: { ...full, url: src.display }, hashes } satisfies FleetState));
  await fsp.rename(tmp, statePath);
  return full;
}

async function readState(path: string): Promise<FleetState | undefined> {
  try {
    const v = JSON.parse(await fsp.readFile(path, 'utf8')) as FleetState;
    return v && v.version === 1 && typeof v.commit === 'string' && v.result && typeof v.hashes === 'object' ? v : undefined;
  } catch {
    return undefined; // none yet, or unreadable: the repository is read again
  }
}

/** Reads blobs of the partial clone, fetching those it lacks in one request (the reader, asked again, finds them in the new pack). */
async function readBlobs(git: NodeGit, reader: GitBlobReader, repo: string, url: string, oids: readonly string[]): Promise<Map<string, Uint8Array>> {
  const got = new Map<string, Uint8Array>();
  const attempt = async (ids: readonly string[]): Promise<string[]> => {
    const results = await Promise.allSettled(ids.map((id) => reader.read(id)));
    const missing: string[] = [];
    results.forEach((r, i) => (r.status === 'fulfilled' ? got.set(ids[i], r.value) : missing.push(ids[i])));
    return missing;
  };
  const missing = await attempt([...new Set(oids)]);
  if (missing.length) {
    await git.fetchObjects(repo, url, missing);
    const still = await attempt(missing);
    if (still.length) throw new Error(`${still.length} object${still.length === 1 ? '' : 's'} could not be fetched from ${displayOf(url)} (${still[0]}); try again.`);
  }
  return got;
}

type Result = Omit<RepositoryLocks, 'url' | 'display' | 'cached'>;

async function readAt(git: NodeGit, repo: string, url: string, commit: string, oldHashes: FleetState['hashes']): Promise<{ result: Result; hashes: FleetState['hashes'] }> {
  const reader = git.blobReader(repo);
  try {
    return await readWith(git, reader, repo, url, commit, oldHashes);
  } finally {
    reader.close();
  }
}

async function readWith(git: NodeGit, reader: GitBlobReader, repo: string, url: string, commit: string, oldHashes: FleetState['hashes']): Promise<{ result: Result; hashes: FleetState['hashes'] }> {
  const tree = (await git.lsTree(repo, commit)).filter((e) => e.type === 'blob');
  const byPath = new Map<string, GitTreeEntry>(tree.map((e) => [e.path, e]));
  const lockEntries = tree.filter((e) => e.path === installLockFileName || e.path === lockFileName || e.path.endsWith(`/${lockFileName}`));
  const problems: Result['problems'] = [];
  const links = lockEntries.filter((e) => e.mode === '120000');
  for (const e of links) problems.push({ path: e.path, message: 'is a symbolic link, not a lock; it was not read.' });
  const lockBlobs = await readBlobs(
    git,
    reader,
    repo,
    url,
    lockEntries.filter((e) => e.mode !== '120000').map((e) => e.id),
  );
  const locks: { kind: RepositoryLock['kind']; path: string; folder: string; lock: InstallLock }[] = [];
  for (const e of lockEntries) {
    const bytes = lockBlobs.get(e.id);
    if (!bytes) continue;
    if (bytes.length > maxLockBytes) {
      problems.push({ path: e.path, message: `is over the ${maxLockBytes / 1048576} MB limit for a lock file; it was not read.` });
      continue;
    }
    const text = decodeUtf8(bytes) ?? '';
    const installs = e.path === installLockFileName;
    const parsed = installs ? parseInstallLock(text) : parseLockFile(text);
    if (!parsed.lock) problems.push({ path: e.path, message: parsed.problems.join(' ') });
    else locks.push({ kind: installs ? 'installs' : 'pilot', path: e.path, folder: installs ? '' : nodePath.posix.dirname(e.path).replace(/^\.$/, ''), lock: parsed.lock });
  }
  // The locked files: their blobs (only those whose hash is not known yet), then each one's hash against the lock.
  const hashes: FleetState['hashes'] = {};
  const keyOf = (oid: string, section?: string) => (section === undefined ? oid : `${oid}#${section}`);
  const want: string[] = [];
  for (const { lock, folder } of locks)
    for (const c of lock.components)
      for (const f of c.files) {
        const e = f.deleted ? undefined : byPath.get(folder ? `${folder}/${f.path}` : f.path);
        if (e && e.mode !== '120000' && !(keyOf(e.id, f.section) in oldHashes)) want.push(e.id);
      }
  const blobs = await readBlobs(git, reader, repo, url, want);
  const hashOf = (e: GitTreeEntry, section?: string): string | null => {
    const key = keyOf(e.id, section);
    if (!(key in hashes)) {
      if (key in oldHashes) hashes[key] = oldHashes[key];
      else {
        const bytes = blobs.get(e.id)!;
        if (section === undefined) hashes[key] = sha256Hex(bytes);
        else {
          const s = readSection(decodeUtf8(bytes) ?? '', section);
          hashes[key] = s === undefined ? null : sha256Hex(new TextEncoder().encode(s));
        }
      }
    }
    return hashes[key];
  };
  const result: Result = { commit, problems, pilots: [], ownAssetFiles: 0 };
  for (const { kind, path, folder, lock } of locks) {
    const components: UsedComponent[] = lock.components.map((c) => {
      const modifiedFiles: string[] = [];
      for (const f of c.files) {
        if (f.deleted) continue;
        const p = folder ? `${folder}/${f.path}` : f.path;
        const e = byPath.get(p);
        if (!e || e.mode === '120000' || hashOf(e, f.section) !== f.sha256) modifiedFiles.push(f.section !== undefined ? `${p}#${f.section}` : p);
      }
      return {
        id: c.id,
        kind: c.kind,
        version: c.version,
        digest: c.digest,
        ...(c.target !== undefined ? { target: c.target } : {}),
        ...(c.reference !== undefined ? { reference: c.reference } : {}),
        modifiedFiles,
      };
    });
    const entry: RepositoryLock = { kind, path, library: lock.library, components };
    if (kind === 'installs') result.installs = entry;
    else result.pilots.push(entry);
  }
  // The repository's own assets: files a tool reads (by path) that no lock records.
  const recorded = new Set([...lockEntries.map((e) => e.path), ...locks.flatMap((l) => lockedPaths(l.lock, l.folder))]);
  result.ownAssetFiles = tree.filter((e) => !recorded.has(e.path) && isAssetFormat(formatOfPath(e.path))).length;
  return { result, hashes };
}
