// The FileMerger port over `git merge-file`: git's own three-way merge of one file, in a private temp folder.

import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { UserError } from '../core/errors';
import type { FileMerger, MergeLabels } from '../core/ports';
import { gitArgs } from './git';

/** Runs `git merge-file -p` on temporary copies; git's exit status is the number of conflicts. */
export class GitFileMerger implements FileMerger {
  /** `diff3`: conflicts show the base too (`|||||||` between ours and theirs), as installs write them. */
  constructor(private readonly opts: { timeoutMs?: number; env?: Record<string, string | undefined>; diff3?: boolean } = {}) {}

  async merge(base: Uint8Array, ours: Uint8Array, theirs: Uint8Array, labels: MergeLabels): Promise<{ data: Uint8Array; conflicts: number }> {
    const dir = await fsp.mkdtemp(nodePath.join(os.tmpdir(), 'genai-merge-'));
    try {
      const [o, b, t] = ['ours', 'base', 'theirs'].map((n) => nodePath.join(dir, n));
      await Promise.all([fsp.writeFile(o, ours), fsp.writeFile(b, base), fsp.writeFile(t, theirs)]);
      const label = (s: string) => s.replace(/[\r\n]+/g, ' ');
      const args = gitArgs(['merge-file', '-p', ...(this.opts.diff3 ? ['--diff3'] : []), '-L', label(labels.ours), '-L', label(labels.base), '-L', label(labels.theirs), o, b, t], []);
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.opts.env ?? process.env)) if (v !== undefined) env[k] = v;
      env.LC_ALL = 'C';
      return await new Promise((resolve, reject) => {
        // In the temp folder: no repository around the current folder (and its configuration) is involved.
        execFile('git', args, { cwd: dir, env, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: this.opts.timeoutMs ?? 60_000, windowsHide: true }, (err, stdout, stderr) => {
          const data = new Uint8Array(stdout);
          if (!err) return resolve({ data, conflicts: 0 });
          const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
          if (typeof code === 'number' && code > 0 && code < 128) return resolve({ data, conflicts: code });
          if (code === 'ENOENT') return reject(new UserError('git is not installed or not on PATH; it is needed to merge pilot files. Install git and try again.'));
          const why = Buffer.from(stderr).toString('utf8').trim().split('\n').pop() || err.message;
          reject(new UserError(`git merge-file failed: ${why}`));
        });
      });
    } finally {
      await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}
