// Test harness for real git: isolated git environment, repositories, a git daemon and a stalling server on loopback.

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const scratch = mkdtempSync(path.join(tmpdir(), 'genai-git-test-'));
const home = path.join(scratch, 'home');
mkdirSync(home, { recursive: true });
writeFileSync(path.join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n');

/** An environment that keeps tests away from the user's git configuration and prompts. */
export const testGitEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
  GIT_AUTHOR_NAME: 'Ada Author',
  GIT_AUTHOR_EMAIL: 'ada@example.test',
  GIT_COMMITTER_NAME: 'Ada Author',
  GIT_COMMITTER_EMAIL: 'ada@example.test',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

const made: string[] = [];

/** A fresh temporary folder, removed by cleanupTemp(). */
export function tempDir(prefix = 'd'): string {
  const d = mkdtempSync(path.join(scratch, `${prefix}-`));
  made.push(d);
  return d;
}

export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
}

/** Runs git synchronously in `cwd` (20 s at most) and returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: testGitEnv, encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

/** Stages everything and commits; returns the new commit id. */
export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A work repository on branch main with `files` committed. */
export function makeRepo(dir: string, files: Record<string, string>, message = 'Initial library'): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFiles(dir, files);
  return commitAll(dir, message);
}

/** A bare copy of `work` at `bareDir` (served by the daemon), with partial clone allowed; `work` gets it as origin. */
export function makeBare(work: string, bareDir: string, opts: { allowFilter?: boolean } = {}): void {
  git(path.dirname(bareDir), 'clone', '-q', '--bare', work, bareDir);
  if (opts.allowFilter ?? true) git(bareDir, 'config', 'uploadpack.allowFilter', 'true');
  git(bareDir, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  git(bareDir, 'config', 'receive.denyCurrentBranch', 'ignore');
  try {
    git(work, 'remote', 'remove', 'origin');
  } catch {
    // none yet
  }
  git(work, 'remote', 'add', 'origin', bareDir);
}

/** Polls `cond` every 20-200 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(200, delay * 2);
  }
}

export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.setTimeout(500, () => done(false));
  });
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  try {
    rmSync(scratch, { recursive: true, force: true });
  } catch {
    // best effort
  }
});

/** Kills a child's whole process group and waits for it to exit. */
export async function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}

/** `git daemon` serving every repository under `base` on 127.0.0.1, pushes allowed. */
export class GitDaemon {
  private constructor(
    readonly base: string,
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {}

  static async start(base: string, port?: number): Promise<GitDaemon> {
    const p = port ?? (await freePort());
    const proc = spawn('git', ['daemon', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${p}`, '--reuseaddr', '--enable=receive-pack', '--informative-errors', base], {
      env: testGitEnv,
      detached: true,
      stdio: 'ignore',
    });
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    const d = new GitDaemon(base, p, proc);
    try {
      await waitFor(async () => proc.exitCode === null && (await accepts(p)), 10_000, `git daemon on port ${p}`);
    } catch (e) {
      await d.stop();
      throw e;
    }
    return d;
  }

  /** git://127.0.0.1:PORT/<name> */
  url(name: string): string {
    return `git://127.0.0.1:${this.port}/${name}`;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    await killGroup(this.proc, 'SIGTERM');
    running.delete(this.proc);
    await waitFor(async () => !(await accepts(this.port)), 5000, `port ${this.port} to close`);
  }
}

/** A TCP server that accepts connections and never answers: a remote that stalls. */
export class StallServer {
  readonly sockets = new Set<net.Socket>();
  connections = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(port?: number): Promise<StallServer> {
    const server = net.createServer();
    const stall = new StallServer(server, port ?? (await freePort()));
    server.on('connection', (s) => {
      stall.connections++;
      stall.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => stall.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(stall.port, '127.0.0.1', () => resolve());
    });
    return stall;
  }

  url(name: string): string {
    return `git://127.0.0.1:${this.port}/${name}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
