// Benchmark (not run by npm test): a generated git library of N assets served by git daemon — clone, list, cached list, list after a 1% change, and the plain folder.
// Usage: node --import tsx test/bench/gitLibrary.ts [N=10000]

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { openGitLibrary } from '../../src/core/library/gitLibrary';
import { librarySource } from '../../src/core/library/source';
import type { GitLibrarySource } from '../../src/core/library/source';
import { cachePaths, syncLibrary } from '../../src/core/library/sync';
import type { LibraryCacheDeps } from '../../src/core/library/sync';
import { silentLog } from '../../src/core/ports';
import { nodeFileSystem, nodePathOps } from '../../src/node/fileSystem';
import { NodeGit } from '../../src/node/git';
import { FileLocker } from '../../src/node/lock';
import { openFolderLibrary } from '../../src/node/openFolder';
import { cleanupTemp, commitAll, git, GitDaemon, makeBare, makeRepo, tempDir, testGitEnv, writeFiles } from '../unit/support/gitServer';
import { generateLibrary, promptAsset } from '../unit/support/libraryGen';
import { fullStages } from '../../src/core/checks/stages';

const n = Number(process.argv[2] ?? 10_000);
const rows: [string, string][] = [];

async function timed<T>(label: string, f: () => Promise<T> | T, note: (r: T) => string = () => ''): Promise<T> {
  const t = process.hrtime.bigint();
  const r = await f();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const extra = note(r);
  rows.push([label, `${(ms / 1000).toFixed(2)} s${extra ? `  (${extra})` : ''}`]);
  process.stderr.write(`${label}: ${(ms / 1000).toFixed(2)} s ${extra}\n`);
  return r;
}

async function main(): Promise<void> {
  const work = tempDir('bench-work');
  const files = generateLibrary(n);
  await timed(
    'generate + commit',
    () => makeRepo(work, files),
    () => `${Object.keys(files).length} files`,
  );
  const base = tempDir('bench-served');
  makeBare(work, path.join(base, 'lib.git'));
  const daemon = await GitDaemon.start(base);
  try {
    const deps: LibraryCacheDeps = {
      fs: nodeFileSystem,
      path: nodePathOps,
      git: new NodeGit({ env: testGitEnv }),
      locker: new FileLocker(),
      clock: { now: () => new Date() },
      log: silentLog,
    };
    const src = librarySource({ url: daemon.url('lib.git') }, { resolvePath: (p) => p }) as GitLibrarySource;
    const cacheDir = tempDir('bench-cache');
    const engine = 'bench';
    let parses = 0;
    const onParse = (): void => void parses++;
    const list = async (label: string): Promise<void> => {
      parses = 0;
      await timed(
        label,
        () => openGitLibrary(deps, src, { ...fullStages, cacheDir, sync: 'never', engine, onParse }),
        (o) => `${o.catalog.assets.length} assets, ${parses} files parsed, ${o.cache.hits} from the cache`,
      );
    };

    await timed('git: clone (partial, checkout)', () => syncLibrary(deps, src, cacheDir));
    await list('git: first list (parse everything)');
    await list('git: second list (index cache)');
    const idx = cachePaths(deps.path, cacheDir, src).index;
    rows.push(['index cache size', `${(statSync(idx).size / 1048576).toFixed(1)} MB`]);

    const changed = Math.max(1, Math.round(n / 100));
    for (let i = 0; i < changed; i++) writeFiles(work, promptAsset(i * 100, 1));
    commitAll(work, `Change ${changed} assets`);
    git(work, 'push', '-q', daemon.url('lib.git'), 'HEAD:main');
    await timed(
      `git: sync after changing ${changed} assets (1%)`,
      () => syncLibrary(deps, src, cacheDir),
      (r) => (r.changed ? 'moved' : 'unchanged'),
    );
    await list('git: list after the 1% change');
    await list('git: list again');

    await timed(
      'folder: first list',
      () => openFolderLibrary(work),
      (c) => `${c.assets.length} assets`,
    );
    await timed(
      'folder: second list',
      () => openFolderLibrary(work),
      (c) => `${c.assets.length} assets`,
    );
  } finally {
    await daemon.stop();
    cleanupTemp();
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\nGit library benchmark, N = ${n} assets (node ${process.version}, in one process)\n`);
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
}

void main();
