// Activation loads no engine: the production bundles built into a folder of their own, dist/extension.js required and activate() run
// with the benchmark's stub vscode (test/bench/activation.cjs); only the entry bundle may be loaded by the end of activate().

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, tempDir } from './support/gitServer';
import { repoRoot } from './paths';

describe('activation (built extension, stub vscode)', function () {
  this.timeout(180_000);
  after(cleanupTemp);

  it('activate() runs without loading dist/engine.js or a vendor library: the engine loads at the first library read', () => {
    const dist = path.join(tempDir('activation'), 'dist');
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', dist], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(build.status, 0, `build failed: ${build.stderr}`);
    assert.ok(fs.existsSync(path.join(dist, 'engine.js')), 'the build has an engine bundle of its own');
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'test', 'bench', 'activation.cjs'), path.join(dist, 'extension.js')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { activateMs: number | null; activateError?: string; loadedFiles: string[] };
    assert.equal(result.activateError, undefined);
    // A module of the engine read during activation (a constant, a class constructed) shows up here as engine.js: find it with a
    // stack trace of the require of './engine.js' (the getter named in the trace is the engine module that was read).
    assert.deepEqual(result.loadedFiles, ['extension.js'], `activate() loaded ${result.loadedFiles.filter((f) => f !== 'extension.js').join(', ')}`);
  });
});
