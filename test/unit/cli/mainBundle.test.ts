// A warm `genai-assets list` of a git library loads dist/cli.js and dist/cli/warm.js and nothing else: the production bundles built into
// a folder of their own, the sample library committed to a git repository, listed twice over file:// with one cache folder.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, commitAll, git, tempDir, testGitEnv } from '../support/gitServer';
import { repoRoot, sampleLibrary } from '../paths';

describe('genai-assets as built (production bundles)', function () {
  this.timeout(180_000);
  after(cleanupTemp);

  it('a warm list of a git library loads only dist/cli.js and dist/cli/warm.js (no other command, no parser, no check); after another build it parses again', () => {
    const dist = path.join(tempDir('cli-bundle'), 'dist');
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', dist], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(build.status, 0, `build failed: ${build.stderr}`);

    const work = tempDir('cli-bundle-library');
    fs.cpSync(sampleLibrary, work, { recursive: true });
    git(work, 'init', '-q', '-b', 'main');
    commitAll(work, 'The sample library');
    // Every file the process compiled through require, written at exit (built-in modules are not in require.cache).
    const hook = path.join(tempDir('cli-bundle-hook'), 'loaded.cjs');
    fs.writeFileSync(hook, "process.on('exit', () => process.stderr.write('\\n__loaded=' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n");
    const env = { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: tempDir('cli-bundle-cache'), GENAI_ASSETS_CONFIG: '', NO_COLOR: '1' };
    const list = () => {
      const r = spawnSync(process.execPath, ['--require', hook, path.join(dist, 'cli.js'), 'list', '--library', `file://${work}`], { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      const loaded = JSON.parse(/__loaded=(.*)/.exec(r.stderr)![1]) as string[];
      return { out: r.stdout, loaded: loaded.filter((f) => f !== hook).map((f) => path.relative(dist, f).split(path.sep).join('/')) };
    };

    const cold = list();
    assert.match(cold.out, /\d+ assets\.\n$/);
    assert.ok(cold.loaded.length > 2, `the cold list parses: ${cold.loaded.join(', ')}`);
    const warm = list();
    assert.equal(warm.out, cold.out);
    // A module read at the top level of a warm module (a command's option help built from another module's constant, a stage read
    // rather than called) shows up here as its own file: find the reader with a stack trace of that file's require.
    assert.deepEqual(warm.loaded.sort(), ['cli.js', 'cli/warm.js'], `the warm list loaded ${warm.loaded.join(', ')}`);

    // Another build (its build-stamp.json: a watch rebuild may leave warm.js as it was) does not trust the caches this one wrote: the list parses again.
    fs.writeFileSync(path.join(dist, 'cli', 'build-stamp.json'), `${JSON.stringify({ built: 'another build' })}\n`);
    const rebuilt = list();
    assert.equal(rebuilt.out, cold.out);
    assert.ok(rebuilt.loaded.includes('cli/core.formats.dotprompt.js'), `after another build: ${rebuilt.loaded.join(', ')}`);
  });
});
