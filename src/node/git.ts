// The Git port over simple-git: protocol allowlist, no prompts, no injectable options, timeouts, plain-language errors.

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { simpleGit } from 'simple-git';
import type { SimpleGitOptions } from 'simple-git';
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
  return [
    'protocol.allow=never',
    ...allProtocols.map((p) => `protocol.${p}.allow=${allowed.includes(p) ? 'always' : 'never'}`),
    ...deniedTransports.map((p) => `protocol.${p}.allow=never`),
  ];
}

/** `-c` options for a command on the local clone only: no transport allowed (so no lazy fetch either). */
function localOnly(): string[] {
  return protocolConfig([]).flatMap((c) => ['-c', c]);
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
  if (/authentication failed|could not read (username|password)|terminal prompts disabled|permission denied \(publickey|http basic: access denied|returned error: 40[13]|invalid username or password|host key verification failed|access denied/.test(t)) return 'auth';
  if (/could not resolve host|connection refused|connection timed out|network is unreachable|unable to connect|no route to host|could not connect|connection reset|early eof|the remote end hung up|failed to connect|temporary failure in name resolution|unable to access|operation timed out|couldn't connect/.test(t)) return 'unreachable';
  if (/repository .*not found|no such repository|does not appear to be a git repository|not found|no such file or directory|not a git repository|access denied|does not exist/.test(t)) return 'not-found';
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

/** Git through simple-git. Every argument that comes from a user sits after `--` or is validated first. */
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

  private async run(args: string[], opts: RunOptions): Promise<string> {
    const protocols = protocolOf(opts.remote);
    const controller = new AbortController();
    const deadline = opts.network ? this.networkTimeoutMs : this.localTimeoutMs;
    const timer = setTimeout(() => controller.abort(), deadline);
    const options: Partial<SimpleGitOptions> = {
      baseDir: opts.cwd,
      binary: 'git',
      maxConcurrentProcesses: 4,
      trimmed: false,
      config: [...protocolConfig(protocols), 'advice.detachedHead=false'],
      abort: controller.signal,
      // Stricter, not looser: we set the protocol allowlist ourselves. The environment is the
      // user's own (credential helpers, askpass, ssh): it is passed on as it is.
      unsafe: {
        allowUnsafeProtocolOverride: true,
        allowUnsafeAskPass: true,
        allowUnsafeSshCommand: true,
        allowUnsafeConfigPaths: true,
        allowUnsafeConfigEnvCount: true,
        allowUnsafeEditor: true,
        allowUnsafePager: true,
        allowUnsafeGitProxy: true,
        allowUnsafeDiffExternal: true,
        allowUnsafeTemplateDir: true,
      },
    };
    if (opts.network) options.timeout = { block: this.idleTimeoutMs };
    const env = await this.envFor(protocols);
    try {
      return await simpleGit(options).env(env).raw(args);
    } catch (e) {
      throw this.toGitError(e, args, opts, controller.signal.aborted, deadline);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A read-only command on the local clone, run directly (no network: no protocol allowed, no
   * lazy fetch): what listing a library runs, without loading simple-git.
   */
  private runLocal(args: string[], cwd: string): Promise<string> {
    const full = [...localOnly(), ...args];
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        full,
        { cwd, env: { ...this.env, GIT_NO_LAZY_FETCH: '1' }, encoding: 'utf8', maxBuffer: 1 << 30, timeout: this.localTimeoutMs, windowsHide: true },
        (e, stdout, stderr) => {
          if (!e) return resolve(stdout);
          const killed = (e as { killed?: boolean }).killed === true;
          reject(this.toGitError(new Error(stderr || e.message), args, { cwd }, killed, this.localTimeoutMs));
        },
      );
    });
  }

  private toGitError(e: unknown, args: string[], opts: RunOptions, aborted: boolean, deadline: number): GitError {
    const raw = e instanceof Error ? e.message : String(e);
    const text = redactCredentials(raw);
    const plugin = (e as { task?: unknown; plugin?: string } | undefined)?.plugin;
    const what = `git ${args.find((a) => !a.startsWith('-')) ?? ''}`.trim();
    const remote = opts.remote ? redactCredentials(opts.remote) : undefined;
    if (aborted || plugin === 'abort') {
      return new GitError(`${what} ${remote ? `of ${remote} ` : ''}was stopped after ${Math.round(deadline / 1000)} s; check the network and try again.`, 'timeout');
    }
    if (plugin === 'timeout') {
      return new GitError(`${what} ${remote ? `of ${remote} ` : ''}was stopped: no answer for ${Math.round(this.idleTimeoutMs / 1000)} s. The host may be unreachable or stalled; check the network and try again.`, 'timeout');
    }
    if (plugin === 'unsafe') return new GitError(`${what} was refused before it ran: ${text}`, 'refused');
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
      // Local and read-only: run directly (opening a cached library needs no simple-git).
      const out = await this.runLocal(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], dir);
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

  async fastForward(dir: string, rev: string, opts: { remote?: string }): Promise<void> {
    if (rev.startsWith('-')) throw new GitError(`Refused revision ${rev}.`, 'refused');
    await this.run(['merge', '--ff-only', '--no-edit', '--progress', rev], { cwd: dir, remote: opts.remote, network: opts.remote !== undefined });
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
    const out = await this.runLocal(['ls-tree', '-r', '-z', '--full-tree', commit, ...only], dir);
    const entries: GitTreeEntry[] = [];
    for (const rec of out.split('\0')) {
      if (!rec) continue;
      const tab = rec.indexOf('\t');
      const [mode, type, id] = rec.slice(0, tab).split(' ');
      if (type !== 'blob' && type !== 'tree' && type !== 'commit') continue;
      entries.push({ mode, type, id, path: rec.slice(tab + 1) });
    }
    return entries;
  }

  async diffTree(dir: string, from: string, to: string): Promise<GitTreeChange[]> {
    for (const c of [from, to]) if (!/^[0-9a-f]{40,64}$/.test(c)) throw new GitError(`Internal error: diff-tree needs commit ids, got ${c}.`, 'failed');
    const out = await this.runLocal(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to], dir);
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

  async log(dir: string, rev: string, path: string, max: number): Promise<GitLogEntry[]> {
    if (rev.startsWith('-')) throw new GitError(`Refused revision ${rev}.`, 'refused');
    const n = Math.max(1, Math.min(1000, Math.floor(max)));
    const out = await this.run(['log', `--max-count=${n}`, '--no-color', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e', rev, '--', ...(path === '' ? [] : [`:(literal)${path}`])], { cwd: dir });
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
    const args = [...localOnly(), 'cat-file', '--batch'];
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
