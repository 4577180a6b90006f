// Runs the CLI's main() on a worker thread (see runCliInWorker), so that a test can stop a run that hangs and say so.

import { parentPort } from 'node:worker_threads';
import { main } from '../../../../src/cli/main';

parentPort!.on('message', (job: { args: string[]; cwd: string; env: Record<string, string> }) => {
  let out = '';
  let err = '';
  main(job.args, { out: (t) => void (out += t), err: (t) => void (err += t), cwd: job.cwd, env: job.env, color: false }).then(
    (code) => parentPort!.postMessage({ code, out, err }),
    (e: unknown) => parentPort!.postMessage({ code: -1, out, err: `${err}${String(e)}` }),
  );
});
