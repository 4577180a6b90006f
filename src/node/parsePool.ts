// A FileParser that spreads parsing over worker threads (the second core) once a load has enough files to pay for starting them.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as nodePath from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FormatId, ParsedFile } from '../core/formats/types';
import { parseAtLevel } from '../core/library/load';
import type { CatalogLevel, FileParser } from '../core/library/load';
import type { ParseJob, ParseResult } from './parseWorker';

export interface ParsePoolOptions {
  /** Worker threads (default: $GENAI_ASSETS_PARSE_THREADS, else one less than the cores; 0 parses in this thread only). */
  threads?: number;
  /**
   * Files parsed in this thread before workers start, by level: a small load (or one served
   * mostly by the index cache) never pays for starting them.
   */
  startAfter?: Partial<Record<CatalogLevel, number>>;
  /** Files sent to one worker at a time. */
  batch?: number;
  /** The worker script (default: parseWorker.js beside this bundle, or parseWorker.ts under tsx). */
  script?: string;
}

/** tsx's CommonJS loader, for a worker started from the TypeScript sources (named here so bundlers leave it alone). */
const tsxLoader = ['tsx', 'cjs'].join('/');

interface Pending {
  job: ParseJob;
  resolve: (f: ParsedFile) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered. */
  inFlight: Map<number, Pending>;
  /** Jobs gathered for the next message. */
  queue: Pending[];
}

/** The worker script next to this module: parseWorker.js in a bundle, parseWorker.ts when run from the sources. */
function defaultScript(): string | undefined {
  for (const name of ['parseWorker.js', 'parseWorker.ts']) {
    const p = nodePath.join(__dirname, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Parses files on worker threads while this thread reads the next ones. The first files of a
 * load are parsed here; workers start when more keep coming. This thread also parses whenever
 * every worker already has enough work queued, so all cores stay busy. A worker that fails
 * hands its jobs back to this thread: results never depend on where a file was parsed.
 */
export class ParsePool implements FileParser {
  private readonly threads: number;
  private readonly startAfter: Record<CatalogLevel, number>;
  private readonly batch: number;
  private readonly script: string | undefined;
  private slots: Slot[] | undefined;
  private broken = false;
  private seen = 0;
  private nextId = 0;
  private flushScheduled = false;
  /** Files parsed on workers and here (for reports and tests). */
  readonly counts = { workers: 0, inline: 0 };

  constructor(opts: ParsePoolOptions = {}) {
    // GENAI_ASSETS_PARSE_THREADS sets the number of workers (0: parse in this thread only).
    const fromEnv = process.env.GENAI_ASSETS_PARSE_THREADS;
    const threads = opts.threads ?? (fromEnv !== undefined && /^\d+$/.test(fromEnv) ? Number(fromEnv) : availableParallelism() - 1);
    this.threads = Math.max(0, threads);
    if (this.threads === 0) this.broken = true;
    this.startAfter = { catalog: 1500, full: 150, ...opts.startAfter };
    this.batch = Math.max(1, opts.batch ?? 16);
    this.script = opts.script ?? defaultScript();
  }

  parse(path: string, bytes: Uint8Array, level: CatalogLevel, hint?: FormatId): Promise<ParsedFile> {
    this.seen++;
    const slots = this.broken || !this.script || this.seen <= this.startAfter[level] ? undefined : this.start();
    // The least busy worker, unless every worker has two batches waiting: then this thread parses.
    const slot = slots?.reduce((a, b) => (a.inFlight.size + a.queue.length <= b.inFlight.size + b.queue.length ? a : b));
    if (!slot || slot.inFlight.size + slot.queue.length >= this.batch * 2) return Promise.resolve(this.inline(path, bytes, level, hint));
    return new Promise((resolve) => {
      slot.queue.push({ job: { id: this.nextId++, path, bytes, level, hint }, resolve });
      if (slot.queue.length >= this.batch) this.flush(slot);
      else this.scheduleFlush();
    });
  }

  /** Stops the workers (pending jobs are finished in this thread). */
  async close(): Promise<void> {
    const slots = this.slots ?? [];
    this.slots = undefined;
    this.broken = true;
    for (const s of slots) this.fail(s);
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }

  private inline(path: string, bytes: Uint8Array, level: CatalogLevel, hint?: FormatId): ParsedFile {
    this.counts.inline++;
    return parseAtLevel(path, bytes, level, hint);
  }

  private start(): Slot[] | undefined {
    if (this.slots) return this.slots;
    try {
      this.slots = Array.from({ length: this.threads }, () => this.spawn(this.script!));
    } catch {
      this.broken = true;
      return undefined;
    }
    return this.slots;
  }

  private spawn(script: string): Slot {
    // From the sources (tests, tsx), the worker registers tsx's loader before loading the TypeScript module.
    const worker = script.endsWith('.ts') ? new Worker(`require(${JSON.stringify(require.resolve(tsxLoader))}); require(${JSON.stringify(script)});`, { eval: true }) : new Worker(script);
    // An idle worker must not keep the process alive (a pool may be left open): it is referenced only while it has jobs.
    worker.unref();
    const slot: Slot = { worker, inFlight: new Map(), queue: [] };
    worker.on('message', (results: ParseResult[]) => {
      for (const r of results) {
        const p = slot.inFlight.get(r.id);
        if (!p) continue;
        slot.inFlight.delete(r.id);
        if (r.file) {
          this.counts.workers++;
          p.resolve(r.file);
        } else p.resolve(this.inline(p.job.path, p.job.bytes, p.job.level, p.job.hint));
      }
      if (!slot.inFlight.size && !slot.queue.length) worker.unref();
    });
    const onFailure = (): void => {
      this.broken = true;
      this.fail(slot);
    };
    worker.on('error', onFailure);
    worker.on('exit', onFailure);
    return slot;
  }

  /** Hands a worker's jobs back to this thread. */
  private fail(slot: Slot): void {
    const jobs = [...slot.inFlight.values(), ...slot.queue];
    slot.inFlight.clear();
    slot.queue = [];
    for (const p of jobs) p.resolve(this.inline(p.job.path, p.job.bytes, p.job.level, p.job.hint));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const s of this.slots ?? []) if (s.queue.length) this.flush(s);
    });
  }

  private flush(slot: Slot): void {
    const batch = slot.queue;
    slot.queue = [];
    for (const p of batch) slot.inFlight.set(p.job.id, p);
    slot.worker.ref();
    try {
      slot.worker.postMessage(batch.map((p) => p.job));
    } catch {
      this.broken = true;
      this.fail(slot);
    }
  }
}
