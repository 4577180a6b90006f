// Builds what a VS Code run loads: the extension (through esbuild.mjs) and the integration tests (into dist-test/).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { repoRoot } from '../codeServer.mjs';

export const testSourceDir = path.join(repoRoot, 'test', 'integration');
export const testOutDir = path.join(repoRoot, 'dist-test');
/** The module both runners hand to VS Code as extensionTestsPath (it exports `run()`). */
export const testEntry = path.join(testOutDir, 'index.js');

/** Runs `node esbuild.mjs` (the project's own build of dist/extension.js and dist/cli.js). */
export function buildExtension() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node esbuild.mjs failed (exit ${code})`))));
  });
}

/**
 * Bundles test/integration/index.ts and every test/integration/**\/*.test.ts into dist-test/ (CommonJS, one
 * file each, same layout). `vscode` comes from the extension host and `mocha` from the project's node_modules.
 */
export async function buildIntegrationTests() {
  const entryPoints = fs
    .readdirSync(testSourceDir, { recursive: true })
    .map((name) => String(name))
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => path.join(testSourceDir, name));
  fs.rmSync(testOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outbase: testSourceDir,
    outdir: testOutDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'warning',
    external: ['vscode', 'mocha'],
  });
}
