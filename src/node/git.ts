// The Git port over git itself: protocol allowlist, a repository's own configuration neutralised, no prompts, no injectable options, timeouts, plain-language errors.

import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import * as nodePath from 'node:path';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from '../core/errors';
import type { GitFailure } from '../core/errors';
import { parseGitUrl, redactCredentials } from '../core/library/source';
import type { GitProtocol } from '../core/library/source';
import type { Git, GitBlobReader, GitLogEntry, GitTreeChange, GitTreeEntry } from '../core/ports';

export interface NodeGitOptions {
  /** Environment of git (default process.env); prompts are always turned off on top of it. */
  env?: Record<string, string | undefined>;
  /** Longest a network operation (clone, fetch, a checkout that fetches blobs) may run. Default 30 min. */
  networkTimeoutMs?: number;
  /** Longest a network operation may go without any output before it is stopped. Default 60 s. */
  idleTimeoutMs?: number;
  /** Longest a local operation may run. Default 2 min. */
  localTimeoutMs?: number;
}

const allProtocols: GitProtocol[] = ['https', 'ssh', 'git', 'file'];

/** Variables that would point git at another repository than the one asked for (`git rev-parse --local-env-vars`). */
const repositoryEnv = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_SHALLOW_FILE',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_QUARANTINE_PATH',
]);

/** Transports never allowed, even when the user's own configuration allows them (it is overridden per call). */
const deniedTransports = ['ext', 'fd', 'http', 'ftp', 'ftps'];

/**
 * The `-c` settings that restrict git to the protocols given (none = no transport at all).
 * Command-line settings win over every configuration file and GIT_CONFIG_COUNT, so a
 * submodule, redirect or remote helper cannot bring a refused transport back.
 */
export function protocolConfig(allowed: GitProtocol[]): string[] {
  return ['protocol.allow=never', ...allProtocols.map((p) => `protocol.${p}.allow=${allowed.includes(p) ? 'always' : 'never'}`), ...deniedTransports.map((p) => `protocol.${p}.allow=never`)];
}

/**
 * Settings that keep a repository's own configuration (a folder library's, or anything its config
 * includes) from making git run a program: signature checks (gpg.program), fsmonitor, hooks, a pager.
 * External diffs and textconv are turned off per command (`--no-ext-diff --no-textconv`): git has no
 * setting that unsets diff.external.
 */
const neutralConfig = [
  'log.showSignature=false',
  'core.fsmonitor=false',
  // A path that is not a folder holds no hook, and there is nothing to create or clean up.
  'core.hooksPath=/dev/null',
  'core.pager=cat',
];

/**
 * The arguments of every git call: `--no-pager`, the neutralising settings and the protocol
 * allowlist (`-c` wins over every configuration file), then `args`.
 */
export function gitArgs(args: string[], protocols: GitProtocol[]): string[] {
  return ['--no-pager', ...[...neutralConfig, ...protocolConfig(protocols), 'advice.detachedHead=false'].flatMap((c) => ['-c', c]), ...args];
}

/** Process groups of running network commands: killed when this process ends (they do not get the terminal's Ctrl-C). */
const networkGroups = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group has already ended.
  }
}

function onExitKillGroups(): void {
  for (const pid of networkGroups) killGroup(pid);
}

/** Kills the groups, then lets the signal do what it would have done without this listener. */
function onSignalKillGroups(signal: NodeJS.Signals): void {
  onExitKillGroups();
  untrackGroups();
  process.kill(process.pid, signal);
}

function trackGroup(pid: number): void {
  if (!networkGroups.size) {
    process.on('exit', onExitKillGroups);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignalKillGroups);
  }
  networkGroups.add(pid);
}

function untrackGroups(pid?: number): void {
  if (pid === undefined) networkGroups.clear();
  else networkGroups.delete(pid);
  if (networkGroups.size) return;
  process.off('exit', onExitKillGroups);
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignalKillGroups);
}

function protocolOf(remote: string | undefined): GitProtocol[] {
  if (remote === undefined) return [];
  // Validates again: the port must not trust its caller with a refused URL.
  return [parseGitUrl(remote).protocol];
}

/** Turns git's stderr into a failure kind. */
export function classifyGitFailure(text: string): GitFailure {
  const t = text.toLowerCase();
  // A write that failed for want of space (or a file size limit: SIGXFSZ is signal 25) says nothing about the remote.
  if (/no space left on device|disk quota exceeded|file size limit exceeded|died of signal 25|killed by signal 25/.test(t)) return 'disk-full';
  if (/transport '[^']*' not allowed|unsafe|is not permitted without enabling/.test(t)) return 'refused';
  if (
    /authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(publickey|http basic: access denied|returned error: 40[13]|invalid username or password|host key verification failed|access denied/.test(
      t,
    )
  )
    return 'auth';
  if (
    /could not resolve host|connection refused|connection timed out|network is unreachable|unable to connect|no route to host|could not connect|connection reset|early eof|the remote end hung up|failed to connect|temporary failure in name resolution|unable to access|operation timed out|couldn't connect/.test(
      t,
    )
  )
    return 'unreachable';
  if (/repository .*not found|no such repository|does not appear to be a git repository|not found|no such file or directory|not a git repository|access denied|does not exist/.test(t))
    return 'not-found';
  if (/would be overwritten|not possible to fast-forward|please commit your changes or stash them|your local changes/.test(t)) return 'local-changes';
  if (/couldn't find remote ref|unknown revision|not a valid object name|pathspec .* did not match/.test(t)) return 'ref-not-found';
  if (/corrupt|bad object|loose object .* is corrupt|fatal: packed object|index file smaller than expected|bad signature/.test(t)) return 'corrupt';
  return 'failed';
}

function lastLines(text: string, n = 3): string {
  return text
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(remote: )?(counting|compressing|receiving|resolving|enumerating|total|updating files|cloning into)/i.test(l) && !/^hint:/i.test(l))
    .slice(-n)
    .join(' / ');
}

interface RunOptions {
  cwd?: string;
  remote?: string;
  network?: boolean;
  trim?: boolean;
}

/** Git run directly (arguments from gitArgs). Every argument that comes from a user sits after `--` or is validated first. */
export class NodeGit implements Git {
  private readonly env: Record<string, string>;
  private readonly networkTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private readonly localTimeoutMs: number;
  private userSshCommand: Promise<boolean> | undefined;

  constructor(opts: NodeGitOptions = {}) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined && !repositoryEnv.has(k)) env[k] = v;
    // Never wait for a prompt; English messages so failures can be recognised.
    Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', LANGUAGE: 'C' });
    this.env = env;
    this.networkTimeoutMs = opts.networkTimeoutMs ?? 30 * 60_000;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
    this.localTimeoutMs = opts.localTimeoutMs ?? 120_000;
  }

  /** Environment for one call: ssh in batch mode unless the user configured ssh for git. */
  private async envFor(protocols: GitProtocol[]): Promise<Record<string, string>> {
    if (!protocols.includes('ssh') || this.env.GIT_SSH_COMMAND || this.env.GIT_SSH) return this.env;
    this.userSshCommand ??= this.run(['config', '--get', 'core.sshCommand'], {})
      .then((v) => v.trim() !== '')
      .catch(() => false);
    if (await this.userSshCommand) return this.env;
    return { ...this.env, GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' };
  }

  /**
   * Runs git in `opts.cwd`. A network command runs in a process group of its own, killed whole when it
   * goes quiet for the idle limit or passes its deadline: a remote helper left behind would hold the
   * pipes open, and this process with them.
   */
  private async run(args: string[], opts: RunOptions): Promise<string> {
    const protocols = protocolOf(opts.remote);
    const deadline = opts.network ? this.networkTimeoutMs : this.localTimeoutMs;
    // No transport allowed: a missing object must not even be asked for.
    const env = protocols.length ? await this.envFor(protocols) : { ...this.env, GIT_NO_LAZY_FETCH: '1' };
    const group = !!opts.network && process.platform !== 'win32';
    return new Promise((resolve, reject) => {
      const proc = spawn('git', gitArgs(args, protocols), { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group, windowsHide: true });
      if (group && proc.pid !== undefined) trackGroup(proc.pid);
      const out: Buffer[] = [];
      let err = '';
      let stopped: 'deadline' | 'idle' | undefined;
      const stop = (why: 'deadline' | 'idle'): void => {
        stopped ??= why;
        if (group && proc.pid !== undefined) killGroup(proc.pid);
        else proc.kill('SIGKILL');
        // A process outside the group may still hold the pipes: stop waiting for them.
        proc.stdout.destroy();
        proc.stderr.destroy();
      };
      const timer = setTimeout(() => stop('deadline'), deadline);
      let idle: NodeJS.Timeout | undefined;
      const active = (): void => {
        if (!opts.network) return;
        clearTimeout(idle);
        idle = setTimeout(() => stop('idle'), this.idleTimeoutMs);
      };
      active();
      proc.stdout.on('data', (c: Buffer) => {
        out.push(c);
        active();
      });
      proc.stderr.on('data', (c: Buffer) => {
        err = (err + c.toString('utf8')).slice(-64 * 1024);
        active();
      });
      let settled = false;
      const settle = (e: Error | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(idle);
        if (group && proc.pid !== undefined) {
          killGroup(proc.pid);
          untrackGroups(proc.pid);
        }
        if (e) reject(this.toGitError(e, args, opts, stopped, deadline));
        else resolve(Buffer.concat(out).toString('utf8'));
      };
      proc.on('error', (e) => settle(new Error(`Could not run git: ${e.message}. Is git installed and on PATH?`)));
      proc.on('close', (code) => settle(code === 0 && !stopped ? undefined : new Error(err.trim() || `git exited with ${code ?? 'a signal'}`)));
    });
  }

  private toGitError(e: Error, args: string[], opts: RunOptions, stopped: 'deadline' | 'idle' | undefined, deadline: number): GitError {
    const text = redactCredentials(e.message);
    const what = `git ${args.find((a) => !a.startsWith('-')) ?? ''}`.trim();
    const remote = opts.remote ? redactCredentials(opts.remote) : undefined;
    if (stopped === 'deadline') {
      return new GitError(`${what} ${remote ? `of ${remote} ` : ''}was stopped after ${Math.round(deadline / 1000)} s; check the network and try again.`, 'timeout');
    }
    if (stopped === 'idle') {
      return new GitError(
        `${what} ${remote ? `of ${remote} ` : ''}was stopped: no answer for ${Math.round(this.idleTimeoutMs / 1000)} s. The host may be unreachable or stalled; check the network and try again.`,
        'timeout',
      );
    }
    const failure = classifyGitFailure(text);
    const detail = lastLines(text).replace(/[.\s]+$/, '');
    switch (failure) {
      case 'auth':
        return new GitError(
          `Authentication to ${remote ?? 'the remote'} failed (${detail}). git's credential helpers or ssh keys had no valid credentials for it; set them up (e.g. git credential, ssh-agent) and try again.`,
          'auth',
        );
      case 'unreachable':
        return new GitError(`Could not reach ${remote ?? 'the remote'} (${detail}). Check the network, the host name and the port, then try again.`, 'unreachable');
      case 'not-found':
        return new GitError(`${remote ? `${remote}: ` : ''}${detail}. Check the URL (and that you have access to the repository).`, opts.remote ? 'not-found' : 'failed');
      case 'refused':
        return new GitError(`${what} was refused: ${detail}. Only the library's own protocol is allowed.`, 'refused');
      case 'disk-full':
        return new GitError(
          `${what} could not write${opts.cwd ? ` into ${opts.cwd}` : ''}: the disk is full or a file size limit was reached (${detail}). Free some space, then sync again; the library stays at its last good commit.`,
          'disk-full',
        );
      default:
        return new GitError(`${what} failed${opts.cwd ? ` in ${opts.cwd}` : ''}: ${detail || 'no message'}`, failure);
    }
  }

  async clone(remote: string, dir: string, opts: { filterBlobs?: boolean } = {}): Promise<void> {
    const base = ['clone', '--no-checkout', '--progress', '--origin', 'origin'];
    if (opts.filterBlobs) {
      try {
        await this.run([...base, '--filter=blob:none', '--', remote, dir], { remote, network: true });
        return;
      } catch (e) {
        // A server that refuses filtering (rather than ignoring it, which git handles) gets a plain clone.
        if (!(e instanceof GitError) || !/filter/i.test(e.message) || e.failure !== 'failed') throw e;
      }
    }
    await this.run([...base, '--', remote, dir], { remote, network: true });
  }

  async fetch(dir: string, remote: string): Promise<void> {
    await this.run(['fetch', '--progress', '--prune', '--prune-tags', '--force', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*'], {
      cwd: dir,
      remote,
      network: true,
    });
  }

  async resolveCommit(dir: string, rev: string): Promise<string | undefined> {
    if (rev.startsWith('-')) return undefined;
    try {
      const out = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: dir });
      const id = out.trim();
      return /^[0-9a-f]{40,64}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  async symbolicRef(dir: string, name: string): Promise<string | undefined> {
    try {
      const out = (await this.run(['symbolic-ref', '--quiet', name], { cwd: dir })).trim();
      return out || undefined;
    } catch {
      return undefined;
    }
  }

  async checkout(dir: string, target: { branch: string; startPoint?: string } | { detach: string }, opts: { force?: boolean; remote?: string }): Promise<void> {
    const args = ['checkout', '--progress'];
    if (opts.force) args.push('--force');
    if ('detach' in target) {
      if (!/^[0-9a-f]{40,64}$/.test(target.detach)) throw new GitError(`Internal error: checkout needs a commit id, got ${target.detach}.`, 'failed');
      args.push('--detach', target.detach);
    } else {
      if (target.branch.startsWith('-') || target.startPoint?.startsWith('-')) throw new GitError(`Refused branch name ${target.branch}.`, 'refused');
      if (target.startPoint !== undefined) args.push(opts.force ? '-B' : '-b', target.branch, target.startPoint);
      else args.push(target.branch);
    }
    args.push('--');
    await this.run(args, { cwd: dir, remote: opts.remote, network: opts.remote !== undefined });
  }

  async localCommitCount(dir: string): Promise<number> {
    const out = await this.run(['rev-list', '--count', 'HEAD', '--not', '--remotes', '--tags'], { cwd: dir });
    return Number.parseInt(out.trim(), 10) || 0;
  }

  async repairWorkTree(dir: string, opts: { remote?: string }): Promise<void> {
    const gitDir = (await this.run(['rev-parse', '--absolute-git-dir'], { cwd: dir })).trim();
    await fsp.rm(nodePath.join(gitDir, 'index.lock'), { force: true });
    await this.run(['reset', '--hard', '--quiet', 'HEAD'], { cwd: dir, remote: opts.remote, network: opts.remote !== undefined });
  }

  async lsTree(dir: string, commit: string, paths?: readonly string[]): Promise<GitTreeEntry[]> {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitError(`Internal error: ls-tree needs a commit id, got ${commit}.`, 'failed');
    const only = paths ? ['--', ...paths.map((p) => `:(literal)${p}`)] : [];
    if (paths && !paths.length) return [];
    const out = await this.run(['ls-tree', '-r', '-z', '--full-tree', commit, ...only], { cwd: dir });
    // -z: "<mode> <type> <id>\t<path>\0" per entry, read in place (splitting made arrays and strings for every entry).
    const entries: GitTreeEntry[] = [];
    for (let at = 0; at < out.length;) {
      const nul = out.indexOf('\0', at);
      const end = nul < 0 ? out.length : nul;
      const s1 = out.indexOf(' ', at);
      const s2 = s1 < 0 ? -1 : out.indexOf(' ', s1 + 1);
      const tab = s2 < 0 ? -1 : out.indexOf('\t', s2 + 1);
      if (tab >= 0 && tab < end) {
        const type = out.slice(s1 + 1, s2);
        if (type === 'blob' || type === 'tree' || type === 'commit') entries.push({ mode: out.slice(at, s1), type, id: out.slice(s2 + 1, tab), path: out.slice(tab + 1, end) });
      }
      at = end + 1;
    }
    return entries;
  }

  async diffTree(dir: string, from: string, to: string): Promise<GitTreeChange[]> {
    for (const c of [from, to]) if (!/^[0-9a-f]{40,64}$/.test(c)) throw new GitError(`Internal error: diff-tree needs commit ids, got ${c}.`, 'failed');
    const out = await this.run(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', '--no-ext-diff', '--no-textconv', from, to], { cwd: dir });
    // -z: ":<old mode> <new mode> <old id> <new id> <status>\0<path>\0" per file.
    const parts = out.split('\0');
    const changes: GitTreeChange[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const head = parts[i].replace(/^\s*:/, '').split(' ');
      if (head.length < 5) continue;
      changes.push({ oldMode: head[0], newMode: head[1], status: head[4][0], path: parts[i + 1] });
    }
    return changes;
  }

  blobReader(dir: string, opts: { workTree?: boolean } = {}): GitBlobReader {
    return new CatFileReader(dir, this.env, this.localTimeoutMs, !!opts.workTree);
  }

  async fetchBlob(dir: string, oid: string, opts: { remote: string }): Promise<void> {
    if (!/^[0-9a-f]{40,64}$/.test(oid)) throw new GitError(`Internal error: not an object id: ${oid}.`, 'failed');
    // `cat-file -e` on an object of a partial clone fetches it from the promisor remote.
    await this.run(['cat-file', '-e', oid], { cwd: dir, remote: opts.remote, network: true });
  }

  /**
   * Clones the head of `remote`'s default branch alone (`--depth 1`) and, where the server allows,
   * without blobs (a partial clone: they are fetched when asked for), as the bare repository `dir`;
   * returns the commit.
   */
  async shallowClone(remote: string, dir: string): Promise<string> {
    await this.run(['clone', '--bare', '--depth=1', '--filter=blob:none', '--no-tags', '--single-branch', '--', remote, dir], { remote, network: true });
    const id = await this.resolveCommit(dir, 'HEAD');
    if (!id) throw new GitError(`${redactCredentials(remote)} has no default branch to read (an empty repository?).`, 'ref-not-found');
    return id;
  }

  /**
   * Fetches the head of origin's default branch alone (`--depth 1`) and, where the server allows,
   * without its blobs, into `dir` (made by shallowClone) as `refs/fleet/head`; returns its commit.
   */
  async fetchHead(dir: string, remote: string): Promise<string> {
    await this.run(['fetch', '--depth=1', '--filter=blob:none', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--force', 'origin', '+HEAD:refs/fleet/head'], {
      cwd: dir,
      remote,
      network: true,
    });
    // The ref as fetch wrote it (a loose ref), else through git.
    const loose = await fsp.readFile(nodePath.join(dir, 'refs', 'fleet', 'head'), 'utf8').catch(() => '');
    const id = /^[0-9a-f]{40,64}\n?$/.test(loose) ? loose.trim() : await this.resolveCommit(dir, 'refs/fleet/head');
    if (!id) throw new GitError(`${redactCredentials(remote)} has no default branch to read (an empty repository?).`, 'ref-not-found');
    return id;
  }

  /** Brings the objects `oids` (blobs a partial clone lacks) from `remote` into `dir` in one request, as git's own lazy fetch does. */
  async fetchObjects(dir: string, remote: string, oids: readonly string[]): Promise<void> {
    for (const oid of oids) if (!/^[0-9a-f]{40,64}$/.test(oid)) throw new GitError(`Internal error: not an object id: ${oid}.`, 'failed');
    if (!oids.length) return;
    await this.run(['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', 'origin', ...oids], {
      cwd: dir,
      remote,
      network: true,
    });
  }

  async log(dir: string, rev: string, path: string, max: number): Promise<GitLogEntry[]> {
    if (rev.startsWith('-')) throw new GitError(`Refused revision ${rev}.`, 'refused');
    const n = Math.max(1, Math.min(1000, Math.floor(max)));
    const out = await this.run(
      ['log', `--max-count=${n}`, '--no-color', '--no-ext-diff', '--no-textconv', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e', rev, '--', ...(path === '' ? [] : [`:(literal)${path}`])],
      { cwd: dir },
    );
    return out
      .split('\x1e')
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [commit, author, email, date, subject] = r.split('\x1f');
        return { commit, author, email, date, subject: subject ?? '' };
      });
  }

  async workTreeRoot(dir: string): Promise<string | undefined> {
    try {
      const out = (await this.run(['rev-parse', '--show-toplevel'], { cwd: dir })).trim();
      return out || undefined;
    } catch {
      return undefined;
    }
  }

  async getConfig(dir: string, key: string): Promise<string | undefined> {
    if (!/^[a-z0-9.-]+$/i.test(key)) return undefined;
    try {
      const out = (await this.run(['config', '--local', '--get', key], { cwd: dir })).trim();
      return out || undefined;
    } catch {
      return undefined;
    }
  }

  async setOriginUrl(dir: string, remote: string): Promise<void> {
    parseGitUrl(remote);
    await this.run(['config', '--local', 'remote.origin.url', remote], { cwd: dir });
  }

  /** The best common ancestor of two commits (ids), or undefined when their histories do not meet. */
  async mergeBase(dir: string, a: string, b: string): Promise<string | undefined> {
    for (const c of [a, b]) if (!/^[0-9a-f]{40,64}$/.test(c)) throw new GitError(`Internal error: merge-base needs commit ids, got ${c}.`, 'failed');
    try {
      const id = (await this.run(['merge-base', a, b], { cwd: dir })).trim();
      return /^[0-9a-f]{40,64}$/.test(id) ? id : undefined;
    } catch {
      return undefined; // exit 1: no common ancestor
    }
  }

  /**
   * Which of the full ref names `refs` exist, in one git run: each with the ref it points at when
   * it is symbolic ('' when not). A ref that exists may still name no commit (see resolveCommit).
   */
  async existingRefs(dir: string, refs: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const wanted = refs.filter((r) => /^refs\/[A-Za-z0-9._/-]+$/.test(r));
    if (!wanted.length) return out;
    let listed: string;
    try {
      listed = await this.run(['for-each-ref', '--format=%(refname)%00%(symref)', '--', ...wanted], { cwd: dir });
    } catch {
      return out; // not a repository: nothing exists
    }
    for (const line of listed.split('\n')) {
      const [name, target] = line.split('\0');
      if (name && wanted.includes(name)) out.set(name, target ?? '');
    }
    return out;
  }

  /**
   * The best common ancestor of the commits two revisions name (a branch, tag, commit or HEAD), in
   * one git run; undefined when either names no commit or their histories do not meet (say which
   * with resolveCommit and mergeBase).
   */
  async mergeBaseOf(dir: string, a: string, b: string): Promise<string | undefined> {
    if (a.startsWith('-') || b.startsWith('-')) return undefined;
    try {
      const id = (await this.run(['merge-base', '--end-of-options', a, b], { cwd: dir })).trim();
      return /^[0-9a-f]{40,64}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The files under `dir` whose content in the work tree differs from `commit`'s (staged or not;
   * renames as a deletion and an addition), with paths relative to `dir`. Status: A added,
   * D deleted, M modified, T type changed (untracked files are not among them: see trackedFiles).
   * With `paths` (relative to `dir`), only those are compared: git looks at no other file.
   */
  async workTreeChanges(dir: string, commit: string, paths?: readonly string[]): Promise<{ status: string; path: string }[]> {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitError(`Internal error: diff needs a commit id, got ${commit}.`, 'failed');
    if (paths && !paths.length) return [];
    const pathspec = paths ? paths.map((p) => `:(literal)${p}`) : ['.'];
    // git reads a work tree file through its filter driver when the stat cannot tell: none may run.
    const filtersOff = await this.filtersOff(dir);
    const diff = await this.run([...filtersOff, 'diff', '--name-status', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--relative', commit, '--', ...pathspec], { cwd: dir });
    const out: { status: string; path: string }[] = [];
    const parts = diff.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) out.push({ status: parts[i][0], path: parts[i + 1] });
    return out;
  }

  /**
   * `-c` settings that turn off every filter driver the configuration of `dir` defines (its clean,
   * smudge and process programs): git runs them on a work tree's files, and a repository's own
   * configuration may name any program. A file that a real filter (Git LFS, say) would have made
   * equal to the commit's then counts as changed, which costs a read, never a wrong result.
   */
  private async filtersOff(dir: string): Promise<string[]> {
    // Every setting's name (all scopes, includes followed): a failure here is thrown, not taken for "no filter".
    const keys = await this.run(['config', '--list', '--name-only'], { cwd: dir });
    const drivers = new Set<string>();
    for (const key of keys.split('\n')) {
      const m = /^filter\.(.+)\.[^.]+$/.exec(key);
      if (m) drivers.add(m[1]);
    }
    const off: string[] = [];
    for (const d of drivers) {
      // `-c` splits at the first '=': such a name cannot be given a value there.
      if (d.includes('='))
        throw new GitError(
          `Refused to compare the files of ${dir}: its git configuration defines a filter named "${d}", which cannot be turned off. Remove that filter from the repository's configuration.`,
          'refused',
        );
      off.push(...['clean', 'smudge', 'process'].flatMap((k) => ['-c', `filter.${d}.${k}=`]), '-c', `filter.${d}.required=false`);
    }
    return off;
  }

  /** The files among `paths` (relative to `dir`) that `commit` holds, with their bytes: one ls-tree, then one cat-file for them all. */
  async filesAt(dir: string, commit: string, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new GitError(`Internal error: ls-tree needs a commit id, got ${commit}.`, 'failed');
    const out = new Map<string, Uint8Array>();
    if (!paths.length) return out;
    // Without --full-tree, paths are relative to `dir`, both asked and answered.
    const listed = await this.run(['ls-tree', '-z', commit, '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: dir });
    const blobs: { path: string; id: string }[] = [];
    for (const rec of listed.split('\0')) {
      const tab = rec.indexOf('\t');
      const [mode, type, id] = rec.slice(0, tab).split(' ');
      if (type === 'blob' && mode !== '120000') blobs.push({ path: rec.slice(tab + 1), id });
    }
    if (!blobs.length) return out;
    const reader = this.blobReader(dir);
    try {
      const bytes = await Promise.all(blobs.map((b) => reader.read(b.id)));
      blobs.forEach((b, i) => out.set(b.path, bytes[i]));
    } finally {
      reader.close();
    }
    return out;
  }

  /**
   * The files under `dir` that git tracks (in its index), relative to `dir`; with `plainOnly`, only its plain entries:
   * not assumed unchanged, not skipped, not unmerged (git does not compare the others with the work tree).
   */
  async trackedFiles(dir: string, plainOnly = false): Promise<string[]> {
    const out = await this.run(['ls-files', '-z', ...(plainOnly ? ['-v'] : []), '--cached', '--', '.'], { cwd: dir });
    const listed = out.split('\0').filter(Boolean);
    // `-v` tags each path: H a plain entry (h assumed unchanged, S skipped, M unmerged, ...).
    return plainOnly ? listed.filter((r) => r.startsWith('H ')).map((r) => r.slice(2)) : listed;
  }

  /**
   * The index file of the work tree at `dir`, and the files under `dir` (relative paths) that may
   * differ from it: stat or mode not the index's, deleted, unmerged, added with intent. git compares
   * stats the strict way whatever the configuration says, runs no filter driver and writes nothing.
   * It runs in one thread (no preloadIndex): it is asked while this process lists the folder.
   */
  async indexChanges(dir: string): Promise<{ indexFile: string; changed: string[] }> {
    const strict = ['core.preloadIndex=false', 'core.checkStat=default', 'core.trustctime=true', 'core.ignoreStat=false'].flatMap((c) => ['-c', c]);
    const [indexFile, filtersOff] = await Promise.all([this.run(['rev-parse', '--git-path', 'index'], { cwd: dir }), this.filtersOff(dir)]);
    const changed = await this.run([...strict, ...filtersOff, '--no-optional-locks', 'diff-files', '--name-only', '-z', '--relative', '--no-ext-diff', '--no-textconv', '--', '.'], { cwd: dir });
    return { indexFile: nodePath.resolve(dir, indexFile.replace(/\r?\n$/, '')), changed: changed.split('\0').filter(Boolean) };
  }

  /** Who commits in `dir` (git's author identity: the environment, then the configuration), or undefined when git has none. */
  async identity(dir: string): Promise<{ name: string; email: string } | undefined> {
    try {
      const m = /^(.*?) <([^<>]*)> \d+ [+-]\d{4}$/.exec((await this.run(['var', 'GIT_AUTHOR_IDENT'], { cwd: dir })).trim());
      return m && m[1] && m[2] ? { name: m[1], email: m[2] } : undefined;
    } catch {
      return undefined; // "Author identity unknown"
    }
  }

  /** Stages every change of the work tree at `dir` and commits it with git's identity; returns the new commit id. */
  async commitAll(dir: string, message: string): Promise<string> {
    await this.run(['add', '--all', '--', '.'], { cwd: dir });
    await this.run(['commit', '--quiet', '--no-verify', '-m', message], { cwd: dir });
    const id = await this.resolveCommit(dir, 'HEAD');
    if (!id) throw new GitError(`git commit left no commit in ${dir}.`, 'failed');
    return id;
  }

  /** Pushes the local branch `branch` to the branch of the same name on origin, never forced; `remote` is origin's URL (its protocol is the only one allowed). */
  async pushBranch(dir: string, remote: string, branch: string): Promise<void> {
    if (branch.startsWith('-') || !/^[A-Za-z0-9._/-]+$/.test(branch)) throw new GitError(`Refused branch name ${branch}.`, 'refused');
    await this.run(['push', '--porcelain', '--no-verify', 'origin', `refs/heads/${branch}:refs/heads/${branch}`], { cwd: dir, remote, network: true });
  }
}

/** Files larger than this are read through git (they are rare in a library, and hashing them twice costs). */
const maxWorkTreeRead = 1 << 20;

/**
 * The bytes of `path` in the work tree of `dir` when they are exactly blob `id` (git's object
 * hash of them matches), else undefined. Reads only regular files, without blocking (a FIFO
 * put in the work tree is not waited on); the hash check makes a changed or replaced file
 * harmless: it is then read from the object store.
 */
export function workTreeBlob(dir: string, path: string, id: string): Uint8Array | undefined {
  if (path.startsWith('/') || path.split('/').includes('..')) return undefined;
  let fd: number | undefined;
  try {
    // A git path has no empty, '.' or '..' segment: joined as it is (path.join's normalising is a cost on every file read).
    fd = openSync(`${dir}${nodePath.sep}${nodePath.sep === '/' ? path : path.split('/').join(nodePath.sep)}`, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxWorkTreeRead) return undefined;
    const bytes = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, bytes, off, st.size - off, off);
      if (n <= 0) break;
      off += n;
    }
    if (off !== st.size) return undefined;
    const hash = createHash(id.length === 64 ? 'sha256' : 'sha1');
    hash.update(`blob ${st.size}\0`);
    hash.update(bytes);
    return hash.digest('hex') === id ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface Pending {
  id: string;
  resolve(bytes: Uint8Array): void;
  reject(e: Error): void;
}

/**
 * One `git cat-file --batch` process answering reads in order. Missing objects are never
 * fetched (no protocol is allowed); the process ends after a short idle time or on close().
 */
class CatFileReader implements GitBlobReader {
  private proc: ChildProcessWithoutNullStreams | undefined;
  private queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private idle: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** Ids asked for in this turn of the event loop, written to git together (one write for many reads). */
  private unsent: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly env: Record<string, string>,
    private readonly timeoutMs: number,
    private readonly workTree = false,
  ) {}

  read(id: string, path?: string): Promise<Uint8Array> {
    if (!/^[0-9a-f]{40,64}$/.test(id)) return Promise.reject(new GitError(`Not an object id: ${id}.`, 'failed'));
    if (this.workTree && path !== undefined) {
      const bytes = workTreeBlob(this.dir, path, id);
      if (bytes) return Promise.resolve(bytes);
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const proc = this.start();
      this.queue.push({ id, resolve, reject });
      if (this.idle) clearTimeout(this.idle);
      this.idle = undefined;
      if (!this.unsent.length) {
        setImmediate(() => {
          const ids = this.unsent;
          this.unsent = [];
          if (this.proc !== proc || !ids.length) return;
          this.armWatchdog();
          proc.stdin.write(ids.join(''));
        });
      }
      this.unsent.push(`${id}\n`);
    });
  }

  close(): void {
    this.stop(new GitError('The object reader was closed.', 'failed'));
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.proc) return this.proc;
    const args = gitArgs(['cat-file', '--batch'], []);
    const proc = spawn('git', args, { cwd: this.dir, env: { ...this.env, GIT_NO_LAZY_FETCH: '1' }, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.proc = proc;
    this.buf = Buffer.alloc(0);
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.drain();
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    proc.stdin.on('error', () => undefined);
    proc.on('error', (e) => this.stop(new GitError(`Could not run git cat-file: ${e.message}. Is git installed and on PATH?`, 'failed'), proc));
    proc.on('close', () => this.stop(new GitError(`git cat-file ended early${stderr ? `: ${redactCredentials(lastLines(stderr))}` : ''}.`, 'corrupt'), proc));
    return proc;
  }

  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.stop(new GitError(`git cat-file gave no answer for ${Math.round(this.timeoutMs / 1000)} s in ${this.dir}.`, 'timeout')), this.timeoutMs);
    this.watchdog.unref();
  }

  private drain(): void {
    while (this.queue.length) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      const head = this.queue[0];
      const parts = header.split(' ');
      if (parts[1] === 'missing' || parts[1] === 'ambiguous') {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift();
        head.reject(new GitError(`Object ${head.id} is not in the clone (${parts[1]}); sync the library again.`, 'corrupt'));
        continue;
      }
      const size = Number.parseInt(parts[2] ?? '', 10);
      if (!Number.isFinite(size)) {
        this.stop(new GitError(`git cat-file answered ${JSON.stringify(header.slice(0, 80))}.`, 'corrupt'));
        return;
      }
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = Uint8Array.prototype.slice.call(this.buf, nl + 1, nl + 1 + size);
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift();
      head.resolve(body);
    }
    if (!this.queue.length) {
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = undefined;
      this.idle = setTimeout(() => this.stop(), 2000);
      this.idle.unref();
    } else this.armWatchdog();
  }

  private stop(error?: Error, which?: ChildProcessWithoutNullStreams): void {
    if (which && which !== this.proc) return;
    const proc = this.proc;
    this.proc = undefined;
    if (this.idle) clearTimeout(this.idle);
    if (this.watchdog) clearTimeout(this.watchdog);
    this.idle = this.watchdog = undefined;
    const pending = this.queue;
    this.queue = [];
    this.unsent = [];
    for (const p of pending) p.reject(error ?? new GitError('git cat-file stopped.', 'failed'));
    if (proc) {
      proc.stdin.end();
      if (proc.exitCode === null) proc.kill();
    }
  }
}
