// The CLI on a worker thread with a deadline and a heap limit: a run that hangs or exhausts memory fails the test quickly.

import { Worker } from 'node:worker_threads';

export interface ThreadRun {
  code: number;
  out: string;
  err: string;
  ms: number;
}

/** One worker running the CLI's main() (loaded through tsx, like the tests), reused until a run fails. */
export class CliThread {
  private worker: Worker | undefined;

  constructor(private readonly heapMb = 512) {}

  private start(): Worker {
    const entry = JSON.stringify(require.resolve('./cliWorker.ts'));
    // tsx's loaders for require() and for import() (the command table imports each command's module when it runs).
    this.worker = new Worker(`require('tsx/cjs/api').register(); import('tsx/esm/api').then((tsx) => { tsx.register(); require(${entry}); });`, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
    this.worker.unref();
    return this.worker;
  }

  /** Runs `genai-assets args` in `cwd`; rejects when it takes longer than `deadlineMs` or the worker dies (heap limit). */
  run(args: string[], cwd: string, env: Record<string, string>, deadlineMs: number): Promise<ThreadRun> {
    const w = this.worker ?? this.start();
    const t0 = Date.now();
    return new Promise<ThreadRun>((resolve, reject) => {
      const done = (f: () => void) => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        f();
      };
      const fail = (why: string) =>
        done(() => {
          this.worker = undefined;
          void w.terminate();
          reject(new Error(`genai-assets ${args.join(' ')}: ${why}`));
        });
      const onMessage = (r: { code: number; out: string; err: string }) => done(() => resolve({ ...r, ms: Date.now() - t0 }));
      const onError = (e: Error) => fail(`the worker failed after ${Date.now() - t0} ms (${e.message})`);
      const onExit = (code: number) => fail(`the worker exited (${code}) after ${Date.now() - t0} ms`);
      const timer = setTimeout(() => fail(`still running after ${deadlineMs} ms`), deadlineMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ args, cwd, env });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
