// Cross-process lock files: pid, host and a heartbeat; a lock whose holder died or stopped beating is taken over.

import { randomBytes } from 'node:crypto';
import { closeSync, openSync, promises as fsp, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../core/errors';
import type { HeldLock, Locker } from '../core/ports';

export interface LockContent {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  token: string;
}

export interface FileLockerOptions {
  /** A lock not refreshed for this long is stale even when its pid looks alive (pid reuse, other host). Default 2 min. */
  staleMs?: number;
  /** How often a held lock is refreshed. Default staleMs / 4. */
  heartbeatMs?: number;
  /** Default wait before giving up. Default 10 min. */
  timeoutMs?: number;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): { content?: LockContent; mtimeMs: number } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    let content: LockContent | undefined;
    try {
      const v = JSON.parse(text) as LockContent;
      if (v && typeof v.pid === 'number' && typeof v.token === 'string') content = v;
    } catch {
      // A half-written or foreign file: judged by its age only.
    }
    return { content, mtimeMs: statMtime(path) ?? Date.now() };
  } catch {
    return undefined;
  }
}

function statMtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Lock files created with O_EXCL; stale ones are broken under a short-lived second lock so two waiters cannot both break them. */
export class FileLocker implements Locker {
  private readonly staleMs: number;
  private readonly heartbeatMs: number;
  private readonly timeoutMs: number;

  constructor(opts: FileLockerOptions = {}) {
    this.staleMs = opts.staleMs ?? 120_000;
    this.heartbeatMs = opts.heartbeatMs ?? Math.max(50, Math.floor(this.staleMs / 4));
    this.timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  }

  /** Why the lock at `path` is stale, or undefined when its holder is alive. */
  staleReason(path: string): string | undefined {
    const l = readLock(path);
    if (!l) return undefined;
    const age = Date.now() - l.mtimeMs;
    if (age > this.staleMs) return `not refreshed for ${Math.round(age / 1000)} s`;
    if (l.content && l.content.host === hostname() && !pidAlive(l.content.pid)) return `process ${l.content.pid} is gone`;
    if (!l.content && age > 5_000) return 'unreadable';
    return undefined;
  }

  async acquire(path: string, opts: { what: string; timeoutMs?: number; onWait?: (holder: string) => void }): Promise<HeldLock> {
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs);
    const content: LockContent = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
    let delay = 25;
    let told = false;
    for (;;) {
      if (this.tryCreate(path, content)) return this.held(path, content);
      if (this.staleReason(path)) this.breakStale(path);
      else {
        if (!told && opts.onWait) {
          const c = readLock(path)?.content;
          opts.onWait(c ? `process ${c.pid} on ${c.host} since ${c.since}` : 'another process');
          told = true;
        }
        if (Date.now() > deadline) {
          const c = readLock(path)?.content;
          throw new UserError(
            `${opts.what} is locked by ${c ? `process ${c.pid} on ${c.host} since ${c.since}` : 'another process'}; waited ${Math.round((opts.timeoutMs ?? this.timeoutMs) / 1000)} s. Let it finish, or if no such process runs, delete ${path}.`,
          );
        }
        await sleep(delay);
        delay = Math.min(500, Math.round(delay * 1.5));
      }
    }
  }

  private tryCreate(path: string, content: LockContent): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new UserError(`Could not create the lock file ${path}: ${(e as Error).message}. Check that the cache folder is writable.`);
    }
    try {
      writeSync(fd, JSON.stringify(content));
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** Removes a stale lock, holding `<path>.break` so that only one waiter judges and removes it. */
  private breakStale(path: string): void {
    const breaker = `${path}.break`;
    let fd: number;
    try {
      fd = openSync(breaker, 'wx');
    } catch {
      // Someone else is breaking it; a breaker left by a crash is itself removed when old.
      const m = statMtime(breaker);
      if (m !== undefined && Date.now() - m > 10_000) {
        try {
          unlinkSync(breaker);
        } catch {
          // gone already
        }
      }
      return;
    }
    try {
      closeSync(fd);
      if (this.staleReason(path)) unlinkSync(path);
    } catch {
      // Raced with its owner's release: nothing to do.
    } finally {
      try {
        unlinkSync(breaker);
      } catch {
        // gone already
      }
    }
  }

  private held(path: string, content: LockContent): HeldLock {
    const beat = setInterval(() => {
      const now = new Date();
      fsp.utimes(path, now, now).catch(() => undefined);
    }, this.heartbeatMs);
    beat.unref();
    let released = false;
    const releaseSync = (): void => {
      if (released) return;
      released = true;
      clearInterval(beat);
      process.off('exit', releaseSync);
      try {
        // Only our own lock: if it was broken and retaken, it is someone else's now.
        if (readLock(path)?.content?.token === content.token) unlinkSync(path);
      } catch {
        // gone already
      }
    };
    process.on('exit', releaseSync);
    return {
      release: async () => releaseSync(),
    };
  }
}
