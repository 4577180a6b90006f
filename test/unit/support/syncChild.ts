// A separate process that syncs one git library (for kill and concurrency tests); prints one JSON line.
// Usage: node --import tsx syncChild.ts URL CACHE_DIR [REF]   (git runs with this process's environment)

import { GitError } from '../../../src/core/errors';
import { librarySource } from '../../../src/core/library/source';
import { syncLibrary } from '../../../src/core/library/sync';
import type { LibraryCacheDeps } from '../../../src/core/library/sync';
import { silentLog } from '../../../src/core/ports';
import { nodeFileSystem, nodePathOps } from '../../../src/node/fileSystem';
import { NodeGit } from '../../../src/node/git';
import { FileLocker } from '../../../src/node/lock';

async function main(): Promise<void> {
  const [url, cacheDir, ref] = process.argv.slice(2);
  const src = librarySource({ url, ref }, { resolvePath: (p) => p });
  if (src.kind !== 'git') throw new Error('not a git URL');
  const deps: LibraryCacheDeps = {
    fs: nodeFileSystem,
    path: nodePathOps,
    git: new NodeGit(),
    locker: new FileLocker({ staleMs: 5000 }),
    clock: { now: () => new Date() },
    log: silentLog,
  };
  try {
    const r = await syncLibrary(deps, src, cacheDir);
    process.stdout.write(JSON.stringify({ ok: true, cloned: r.cloned, commit: r.commit, lockedAt: r.lockedAt, releasedAt: r.releasedAt }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, failure: e instanceof GitError ? e.failure : 'other', message: (e as Error).message }) + '\n');
    process.exitCode = 2;
  }
}

void main();
