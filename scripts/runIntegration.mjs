// `npm run test:integration`: runs test/integration inside a real VS Code (code-server + Debian Chromium) and exits with its code.
//
// Options: --skip-build (dist/ is already built; the tests are bundled anyway), --headed (show the browser, needs a display).
// Env: WORKSPACE (folder to open, default test/fixtures/vscode/problems-workspace: the suite's fixture workspace), INTEGRATION_TIMEOUT (seconds, default 300),
// INTEGRATION_GREP (run only the tests whose full title matches this regular expression).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';
import { buildExtension, buildIntegrationTests, testEntry } from './lib/build.mjs';
import { onInterrupt, openWorkbench, readTail, startCodeServer } from './lib/workbench.mjs';

const started = Date.now();
const skipBuild = process.argv.includes('--skip-build');
const headed = process.argv.includes('--headed');
const workspace = path.resolve(repoRoot, process.env.WORKSPACE ?? 'test/fixtures/vscode/problems-workspace');
const timeoutSeconds = Number(process.env.INTEGRATION_TIMEOUT ?? 300);
const log = (line) => console.error(`integration: ${line}`);

let server;
let workbench;
const stopAll = async () => {
  await workbench?.close();
  await server?.stop();
};
onInterrupt(async (signal) => {
  log(`${signal}: stopping code-server and the browser`);
  await stopAll();
});

async function main() {
  if (!skipBuild) await buildExtension();
  await buildIntegrationTests();
  const reportFile = path.join(repoRoot, '.cache', `integration-report-${process.pid}.txt`);
  fs.rmSync(reportFile, { force: true });
  server = await startCodeServer({
    workspace,
    extensionPath: repoRoot,
    testsPath: testEntry.replace(/\.js$/, ''),
    env: { GENAI_ASSETS_TEST_REPORT: reportFile, ...(process.env.INTEGRATION_GREP ? { GENAI_ASSETS_TEST_GREP: process.env.INTEGRATION_GREP } : {}) },
    log,
  });
  log(`code-server ${server.baseUrl} (pid ${server.pid}) is up after ${seconds(started)} s; opening ${path.relative(repoRoot, workspace) || '.'}`);

  const browserErrors = [];
  workbench = await openWorkbench({
    url: server.url,
    headless: !headed,
    onConsole: (type, text) => {
      if (type === 'error') browserErrors.push(text);
    },
  });

  let timer;
  const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000)));
  const outcome = await Promise.race([workbench.exitCode.then((code) => ({ code })), server.exited.then((result) => ({ serverDied: result })), timedOut.then(() => ({ timeout: true }))]);
  clearTimeout(timer);

  const report = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '';
  fs.rmSync(reportFile, { force: true });
  if (report) process.stdout.write(report);

  if ('code' in outcome) {
    if (!report) log('the tests ran but wrote no report (did test/integration/index.ts run?)');
    log(`VS Code exited with ${outcome.code} after ${seconds(started)} s`);
    if (outcome.code !== 0) showDiagnostics(browserErrors);
    return outcome.code === 0 ? 0 : 1;
  }
  if ('serverDied' in outcome) log(`code-server stopped during the tests (${outcome.serverDied.signal ?? `exit ${outcome.serverDied.code}`})`);
  else log(`no result within ${timeoutSeconds} s (INTEGRATION_TIMEOUT); the tests hang or the extension host did not start`);
  showDiagnostics(browserErrors);
  return 1;
}

function showDiagnostics(browserErrors) {
  if (browserErrors.length > 0) log(`browser console errors:\n${browserErrors.slice(-20).join('\n')}`);
  if (server) log(`code-server's log ends with:\n${readTail(server.logFile, 30)}`);
  if (workbench?.blocked.length) log(`requests to other hosts were blocked: ${[...new Set(workbench.blocked)].slice(0, 10).join(' ')}`);
}

function seconds(since) {
  return ((Date.now() - since) / 1000).toFixed(1);
}

let code;
try {
  code = await main();
} catch (error) {
  log(error.message);
  code = 1;
} finally {
  await stopAll();
}
process.exit(code);
