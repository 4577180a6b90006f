// `npm run ui:smoke`: opens the workbench with the extension loaded in a headless Chromium and saves a screenshot.
//
// Writes screenshots/workbench.png and the screenshots of each flow. Env: WORKSPACE (folder to open, default samples/library),
// PORT (default: a free port), SMOKE=pilots (the drifted pilot of test/fixtures/vscode/problems-workspace instead of the sample library's flows).
// Options: --skip-build, --headed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './codeServer.mjs';
import { buildExtension } from './lib/build.mjs';
import { runCatalogSmoke } from './lib/catalogSmoke.mjs';
import { runEditorSmoke } from './lib/editorSmoke.mjs';
import { runGettingStartedSmoke } from './lib/gettingStartedSmoke.mjs';
import { runPilotSmoke } from './lib/pilotSmoke.mjs';
import { runLibrariesSmoke } from './lib/librariesSmoke.mjs';
import { runPilotActionsSmoke } from './lib/pilotActionsSmoke.mjs';
import { runPreviewSmoke } from './lib/previewSmoke.mjs';
import { onInterrupt, openWorkbench, startCodeServer, waitForWorkbench } from './lib/workbench.mjs';

const log = (line) => console.error(`ui:smoke: ${line}`);
const pilotsOnly = process.env.SMOKE === 'pilots';
const workspace = path.resolve(repoRoot, process.env.WORKSPACE ?? (pilotsOnly ? 'test/fixtures/vscode/problems-workspace' : 'samples/library'));
const screenshotDir = path.join(repoRoot, 'screenshots');

let server;
let workbench;
const stopAll = async () => {
  await workbench?.close();
  await server?.stop();
};
onInterrupt(stopAll);

let code = 0;
try {
  if (!process.argv.includes('--skip-build')) await buildExtension();
  server = await startCodeServer({
    port: process.env.PORT ? Number(process.env.PORT) : undefined,
    workspace,
    extensionPath: repoRoot,
    log,
  });
  workbench = await openWorkbench({ url: server.url, headless: !process.argv.includes('--headed') });
  await waitForWorkbench(workbench.page);
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, 'workbench.png');
  await workbench.page.screenshot({ path: file });
  console.log(`Screenshot: ${path.relative(repoRoot, file)}`);
  if (pilotsOnly) {
    for (const shot of await runPilotActionsSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
  } else {
    for (const shot of await runCatalogSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
    for (const shot of await runPreviewSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
    for (const shot of await runEditorSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
    for (const shot of await runGettingStartedSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
    for (const shot of await runPilotSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
    // Last: it changes the settings (a configured library).
    for (const shot of await runLibrariesSmoke(workbench.page, screenshotDir, log)) console.log(`Screenshot: ${path.relative(repoRoot, shot)}`);
  }
} catch (error) {
  log(error.message);
  code = 1;
  // What the workbench showed when the step failed, to tell a slow step from a broken one.
  const failure = path.join(screenshotDir, 'failure.png');
  if (workbench)
    await workbench.page.screenshot({ path: failure }).then(
      () => log(`the workbench when it failed: ${path.relative(repoRoot, failure)}`),
      () => undefined,
    );
} finally {
  await stopAll();
}
process.exit(code);
