// Token counting off the extension host's main thread: a worker loads the tokenizer (half a second of work) and counts there.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { Worker } from 'node:worker_threads';
import { countTokens } from '../../core/tokens';
import { Disposable, toDisposable } from '../lifecycle';

/** The tokenizer module, as the build ships it (dist/vendor/tokenizer.js holds it under this key). */
const tokenizerModule = 'gpt-tokenizer/encoding/o200k_base';

/** The worker: loads the tokenizer, then answers `{ id, texts }` with `{ id, counts }` (or `{ id, error }`). */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
let count;
try {
  const mod = require(workerData.modulePath);
  count = (mod[workerData.key] || mod).countTokens;
} catch (e) {
  count = undefined;
  parentPort.postMessage({ id: 0, error: String(e && e.message || e) });
}
parentPort.on('message', (m) => {
  if (!count) return parentPort.postMessage({ id: m.id, error: 'the tokenizer did not load' });
  try {
    parentPort.postMessage({ id: m.id, counts: m.texts.map((t) => count(t)) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

type Reply = { id: number; counts?: number[]; error?: string };

/**
 * Counts tokens with the o200k_base tokenizer in a worker thread, started on first use; typing and
 * live diagnostics never wait behind the tokenizer's load. When no worker can run (no shipped
 * tokenizer file, a worker error), it counts on the calling thread instead.
 */
export class TokenCounter extends Disposable {
  private worker: Worker | undefined;
  private failed = false;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (c: number[]) => void; texts: string[] }>();

  constructor(private readonly extensionPath: string) {
    super();
    this._register(toDisposable(() => void this.worker?.terminate()));
  }

  /** The token count of each text. */
  count(texts: string[]): Promise<number[]> {
    const worker = this.start();
    if (!worker) return Promise.resolve(texts.map((t) => countTokens(t)));
    const id = this.next++;
    return new Promise<number[]>((resolve) => {
      this.pending.set(id, { resolve, texts });
      worker.postMessage({ id, texts });
    });
  }

  /** Where the tokenizer is: the build's vendor chunk, else the package (development). */
  private modulePath(): { modulePath: string; key: string } | undefined {
    const shipped = nodePath.join(this.extensionPath, 'dist', 'vendor', 'tokenizer.js');
    if (fs.existsSync(shipped)) return { modulePath: shipped, key: tokenizerModule };
    try {
      return { modulePath: require.resolve(tokenizerModule, { paths: [this.extensionPath] }), key: tokenizerModule };
    } catch {
      return undefined;
    }
  }

  private start(): Worker | undefined {
    if (this.worker || this.failed || this.isDisposed) return this.worker;
    const where = this.modulePath();
    if (!where) {
      this.failed = true;
      return undefined;
    }
    try {
      const worker = new Worker(workerSource, { eval: true, workerData: where });
      worker.on('message', (m: Reply) => {
        if (m.error) {
          this.fallBack();
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        p.resolve(m.counts ?? []);
      });
      worker.on('error', () => this.fallBack());
      worker.on('exit', () => this.fallBack());
      worker.unref();
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  /** The worker cannot count: answer what is waiting on this thread, and from now on count here. */
  private fallBack(): void {
    if (this.failed) return;
    this.failed = true;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve(p.texts.map((t) => countTokens(t)));
    }
  }
}
