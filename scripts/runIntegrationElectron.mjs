// `npm run test:integration:electron`: the same in-host suite in desktop VS Code via @vscode/test-electron.
//
// For machines that can download VS Code (these cannot: use `npm run test:integration`). On a Linux machine
// without a display, run it under `xvfb-run -a`. Env: VSCODE_VERSION (default: the newest stable),
// WORKSPACE (folder to open, default test/fixtures/vscode/problems-workspace: the suite's fixture workspace). Option: --skip-build.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { cacheDir, repoRoot } from './codeServer.mjs';
import { buildExtension, buildIntegrationTests, testEntry } from './lib/build.mjs';

const log = (line) => console.error(`integration (electron): ${line}`);
const workspace = path.resolve(repoRoot, process.env.WORKSPACE ?? 'test/fixtures/vscode/problems-workspace');

let code;
try {
  if (!process.argv.includes('--skip-build')) await buildExtension();
  await buildIntegrationTests();
  fs.mkdirSync(cacheDir, { recursive: true });
  code = await runTests({
    version: process.env.VSCODE_VERSION,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testEntry.replace(/\.js$/, ''),
    // Desktop VS Code pipes the extension host's console to this terminal, so no report file is needed.
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${path.join(cacheDir, 'electron', 'user-data')}`,
      `--extensions-dir=${path.join(cacheDir, 'electron', 'extensions')}`,
    ],
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  log(`failed: ${message}`);
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/.test(message)) {
    log('VS Code cannot be downloaded from this machine; run `npm run test:integration` (code-server) instead.');
  }
  code = 1;
}
process.exit(code);
