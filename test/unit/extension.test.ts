// Activation loads no engine and no command: the production bundles built into a folder of their own, dist/extension.js required and
// activate() run with the benchmark's stub vscode (test/bench/activation.cjs); only the entry bundle may be loaded by the end of
// activate(). The command modules are in dist/commands.js (loaded when a command first runs), each module of src/ in one bundle only.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, tempDir } from './support/gitServer';
import { repoRoot } from './paths';

describe('activation (built extension, stub vscode)', function () {
  this.timeout(180_000);
  after(cleanupTemp);

  it('activate() runs without loading dist/engine.js, dist/commands.js or a vendor library: the engine loads at the first library read', () => {
    const dist = path.join(tempDir('activation'), 'dist');
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--outdir', dist], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(build.status, 0, `build failed: ${build.stderr}`);
    assert.ok(fs.existsSync(path.join(dist, 'engine.js')), 'the build has an engine bundle of its own');
    assert.ok(fs.existsSync(path.join(dist, 'commands.js')), 'the build has a bundle of the command modules');
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'test', 'bench', 'activation.cjs'), path.join(dist, 'extension.js')], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { activateMs: number | null; activateError?: string; loadedFiles: string[] };
    assert.equal(result.activateError, undefined);
    // A module of the engine read during activation (a constant, a class constructed) shows up here as engine.js, a command module's
    // export read (a factory called at registration) as commands.js: find it with a stack trace of the require of './engine.js' or
    // './commands.js' (the getter named in the trace is the module that was read).
    assert.deepEqual(result.loadedFiles, ['extension.js'], `activate() loaded ${result.loadedFiles.filter((f) => f !== 'extension.js').join(', ')}`);
  });

  it('puts each module in one bundle: the command modules in dist/commands.js, which reads the rest of the editor layer from dist/extension.js', () => {
    // A development build: its source maps list the modules each bundle holds.
    const dist = path.join(tempDir('bundles'), 'dist');
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--outdir', dist], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(build.status, 0, `build failed: ${build.stderr}`);
    const modulesOf = (bundle: string): string[] =>
      (JSON.parse(fs.readFileSync(path.join(dist, `${bundle}.map`), 'utf8')) as { sources: string[] }).sources
        .filter((s) => !/^[\w-]+:/.test(s)) // the stand-ins (stand-in:src/..., stand-in:node:...)
        .map((s) => path.relative(repoRoot, path.resolve(dist, s)).split(path.sep).join('/'))
        .filter((f) => f.startsWith('src/'));
    const extension = modulesOf('extension.js');
    const commands = modulesOf('commands.js');
    const engine = modulesOf('engine.js');
    assert.ok(extension.includes('src/vscode/commands/table.ts'), 'the command table is in dist/extension.js (activation registers the commands)');
    assert.deepEqual(
      extension.filter((m) => m.startsWith('src/vscode/commands/') && m !== 'src/vscode/commands/table.ts'),
      [],
      'command modules in dist/extension.js',
    );
    const commandFiles = fs
      .readdirSync(path.join(repoRoot, 'src', 'vscode', 'commands'))
      .filter((f) => f.endsWith('.ts') && f !== 'table.ts')
      .map((f) => `src/vscode/commands/${f}`);
    assert.deepEqual([...commands].sort(), commandFiles.sort(), 'dist/commands.js holds the command modules and nothing else');
    for (const m of commands) assert.ok(!engine.includes(m) && !extension.includes(m), `${m} is in two bundles`);
    // What dist/commands.js reads from dist/extension.js is there.
    const read = new Set([...fs.readFileSync(path.join(dist, 'commands.js'), 'utf8').matchAll(/editorModules\["([^"]+)"\]/g)].map((m) => m[1]));
    assert.ok(read.has('src/vscode/views/catalogTree.ts'), 'the command modules read the catalog tree (its node classes) from dist/extension.js');
    const exposed = /var editorModules = \{([^}]*)\}/.exec(fs.readFileSync(path.join(dist, 'extension.js'), 'utf8'))?.[1] ?? '';
    for (const m of read) {
      assert.ok(extension.includes(m), `${m} (read by dist/commands.js) is not in dist/extension.js`);
      assert.ok(exposed.includes(JSON.stringify(m)), `${m} (read by dist/commands.js) is not in dist/extension.js's editorModules`);
    }
  });
});
