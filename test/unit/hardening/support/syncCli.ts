// The CLI's `sync --library URL` in a process of its own, with a short idle limit for git: the process must end by itself.
// Usage: node --import tsx syncCli.ts URL CACHE_DIR IDLE_MS   (git runs with this process's environment)

import { runSync } from '../../../../src/cli/commands/sync';
import { NodeGit } from '../../../../src/node/git';

const [url, cacheDir, idleMs] = process.argv.slice(2);
void runSync(
  { library: url },
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env, color: false },
  { git: new NodeGit({ idleTimeoutMs: Number(idleMs) }), cacheDir },
).then((code) => {
  // As the CLI does: an exit code, and the process ends when nothing is left running.
  process.exitCode = code;
});
