// A FileParser that spreads parsing over worker threads (the second core) once a load has enough files to pay for starting them.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as nodePath from 'node:path';
import { Worker } from 'node:worker_threads';
import { fullStages } from '../core/checks/stages';
import type { FormatId, ParsedFile } from '../core/formats/types';
import type { CatalogLevel, FileParser } from '../core/library/load';
import type { LocatedJob } from '../core/library/fileSource';
import type { ChunkResult, ParseJob, ParseResult } from './parseWorker';

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
  resolve: (f: ParsedFile | Promise<ParsedFile>) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered. */
  inFlight: Map<number, Pending>;
  /** Jobs gathered for the next message. */
  queue: Pending[];
  /** Chunks of located jobs (parseMany) sent and not answered: their answer handlers. */
  chunks: Map<number, (files: (ParsedFile | null)[] | undefined) => void>;
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
  /** Set while parseMany runs: parse() then parses in this thread (it is this thread's share). */
  private inlineOnly = false;
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
    const slots = this.broken || this.inlineOnly || !this.script || this.seen <= this.startAfter[level] ? undefined : this.start();
    // The least busy worker, unless every worker has two batches waiting: then this thread parses.
    const slot = slots?.reduce((a, b) => (a.inFlight.size + a.queue.length <= b.inFlight.size + b.queue.length ? a : b));
    if (!slot || slot.inFlight.size + slot.queue.length >= this.batch * 2) return this.inline(path, bytes, level, hint);
    return new Promise((resolve) => {
      slot.queue.push({ job: { id: this.nextId++, path, bytes, level, hint }, resolve });
      if (slot.queue.length >= this.batch) this.flush(slot);
      else this.scheduleFlush();
    });
  }

  /**
   * Reads and parses `jobs`: workers take chunks and read the files themselves (their own `git
   * cat-file`, or the file system), while this thread does chunks of its own through `here`.
   * A chunk a worker could not finish, or a file it could not read, is done by `here`.
   */
  async parseMany(jobs: readonly LocatedJob[], level: CatalogLevel, here: (job: LocatedJob) => Promise<ParsedFile | undefined>): Promise<(ParsedFile | undefined)[]> {
    const out: (ParsedFile | undefined)[] = new Array(jobs.length);
    const chunk = level === 'catalog' ? 48 : 12;
    let next = 0;
    const take = (): [number, number] => {
      const start = next;
      next = Math.min(jobs.length, next + chunk);
      return [start, next];
    };
    const redo: number[] = [];
    this.seen += jobs.length;
    const slots = this.broken || !this.script || jobs.length < this.startAfter[level] ? undefined : this.start();
    let open = 0;
    let allDone: () => void = () => undefined;
    const workersDone = new Promise<void>((resolve) => (allDone = resolve));
    const feed = (slot: Slot): void => {
      while (slot.chunks.size < 3 && next < jobs.length && !this.broken) {
        const [start, end] = take();
        const id = this.nextId++;
        open++;
        slot.chunks.set(id, (files) => {
          for (let i = start; i < end; i++) {
            const f = files?.[i - start];
            if (f) {
              this.counts.workers++;
              out[i] = f;
            } else redo.push(i);
          }
          open--;
          if (!this.broken && this.slots?.includes(slot)) feed(slot);
          if (!open) allDone();
        });
        slot.worker.ref();
        try {
          slot.worker.postMessage({ chunk: id, level, jobs: jobs.slice(start, end) });
        } catch {
          this.broken = true;
          this.fail(slot);
        }
      }
    };
    for (const s of slots ?? []) feed(s);
    if (!open) allDone();
    this.inlineOnly = true;
    try {
      while (next < jobs.length) {
        const [start, end] = take();
        const part = await Promise.all(jobs.slice(start, end).map(here));
        for (let i = start; i < end; i++) out[i] = part[i - start];
        this.counts.inline += end - start;
        // Let the workers' answers in (reads that complete at once never leave the microtask queue).
        if (slots) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await workersDone;
      for (const i of redo) {
        out[i] = await here(jobs[i]);
        this.counts.inline++;
      }
    } finally {
      this.inlineOnly = false;
    }
    return out;
  }

  warmUp(): void {
    if (!this.broken && this.script) this.start();
  }

  /** Stops the workers (pending jobs are finished in this thread). */
  async close(): Promise<void> {
    const slots = this.slots ?? [];
    this.slots = undefined;
    this.broken = true;
    for (const s of slots) this.fail(s);
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }

  private async inline(path: string, bytes: Uint8Array, level: CatalogLevel, hint?: FormatId): Promise<ParsedFile> {
    this.counts.inline++;
    return fullStages.parser.parse(path, bytes, level, hint);
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
    const slot: Slot = { worker, inFlight: new Map(), queue: [], chunks: new Map() };
    worker.on('message', (results: ParseResult[] | ChunkResult) => {
      if (!Array.isArray(results)) {
        const done = slot.chunks.get(results.chunk);
        slot.chunks.delete(results.chunk);
        if (!slot.inFlight.size && !slot.queue.length && !slot.chunks.size) worker.unref();
        done?.(results.files);
        return;
      }
      for (const r of results) {
        const p = slot.inFlight.get(r.id);
        if (!p) continue;
        slot.inFlight.delete(r.id);
        if (r.file) {
          this.counts.workers++;
          p.resolve(r.file);
        } else p.resolve(this.inline(p.job.path, p.job.bytes, p.job.level, p.job.hint));
      }
      if (!slot.inFlight.size && !slot.queue.length && !slot.chunks.size) worker.unref();
    });
    const onFailure = (): void => {
      this.broken = true;
      this.fail(slot);
    };
    worker.on('error', onFailure);
    worker.on('exit', onFailure);
    // An idle worker must not keep the process alive (a pool may be left open): it is referenced only while it has
    // jobs. After the listeners: adding a 'message' listener references the worker's port again.
    worker.unref();
    return slot;
  }

  /** Hands a worker's jobs back to this thread. */
  private fail(slot: Slot): void {
    const jobs = [...slot.inFlight.values(), ...slot.queue];
    slot.inFlight.clear();
    slot.queue = [];
    const chunks = [...slot.chunks.values()];
    slot.chunks.clear();
    for (const done of chunks) done(undefined);
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
