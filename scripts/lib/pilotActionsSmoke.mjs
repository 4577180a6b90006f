// UI smoke steps for a pilot that drifted from its library (`SMOKE=pilots npm run ui:smoke`, which opens
// test/fixtures/vscode/problems-workspace): Verify Pilot, the quick fixes on pilot.yaml that run the update, and Compare
// with Library on a locally edited file, and Propose to Library in the context menus.
//
// Each step waits for what a user would see and saves a screenshot.
import * as path from 'node:path';
import { runCommand } from './workbench.mjs';

/** Shows the Pilots view, verifies drifted-pilot, shows the Update quick fix on pilot.yaml, then compares the edited utils.py with the library. Returns the screenshot files. */
export async function runPilotActionsSmoke(page, screenshotDir, log = () => {}) {
  const shots = [];
  const shot = async (name) => {
    const file = path.join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    log(`screenshot ${path.basename(file)}`);
  };
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const palette = (command) => runCommand(page, command, { timeout: 20_000 });
  const pick = async (text) => {
    const row = widget.locator('.monaco-list-row', { hasText: text }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
  };
  const open = async (name) => {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    await widget
      .locator('.monaco-list-row', { hasText: path.basename(name) })
      .first()
      .waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
  };

  await page.keyboard.press('Escape');
  // The Pilots view lists the workspace's pilots once the extension has started.
  await page.locator('.activitybar a[aria-label^="GenAI Assets"]').first().click();
  await page.locator('.pane-body .monaco-list-row', { hasText: 'drifted-pilot' }).first().waitFor({ timeout: 60_000 });
  await shot('pilots-view');
  // 1. Verify Pilot on drifted-pilot: its findings land on pilot.yaml and on the edited file.
  await palette('GenAI Assets: Verify Pilot');
  await pick('drifted-pilot').catch(() => log('no pilot pick (one pilot only)'));
  await open('drifted-pilot/pilot.yaml');
  const editor = page.locator('.editor-group-container .monaco-editor').first();
  await editor.locator('.squiggly-info, .squiggly-warning').first().waitFor({ timeout: 30_000 });
  // 2. The quick fix on the outdated component (line 9, `greet@^1.0`): Update to 1.1.0, which runs the update.
  await editor.locator('.view-lines').first().click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Control+.');
  await page.locator('.action-widget', { hasText: 'Update to' }).first().waitFor({ timeout: 15_000 });
  await shot('pilot-update-quickfix');
  await page.keyboard.press('Escape');
  // 3. Compare with Library: the locally edited utils.py against the library's copy as locked.
  await palette('GenAI Assets: Compare with Library');
  await pick('drifted-pilot').catch(() => log('no pilot pick (one pilot only)'));
  await page.locator('.editor-group-container .tab.active', { hasText: 'utils.py' }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await shot('pilot-compare-with-library');
  await palette('View: Close All Editors');
  // 4. Propose to Library in the context menus: on the component with local edits (text-utils) in the Pilots view, and in
  // the editor of a prompt file. The menu is only looked at (Escape): proposing pushes, which the integration test covers.
  const menuItem = page.locator('.monaco-menu .action-label', { hasText: 'Propose to Library...' }).first();
  const pilotRow = page.locator('.pane-body .monaco-list-row', { hasText: 'drifted-pilot' }).first();
  if ((await pilotRow.getAttribute('aria-expanded')) !== 'true') await pilotRow.click();
  const componentRow = page.locator('.pane-body .monaco-list-row', { hasText: 'text-utils' }).first();
  await componentRow.waitFor({ timeout: 30_000 });
  await componentRow.click({ button: 'right' });
  await menuItem.waitFor({ timeout: 15_000 });
  await shot('pilot-propose-menu');
  await page.keyboard.press('Escape');
  await open('drifted-pilot/prompts/greet/greet.prompt');
  await page.locator('.editor-group-container .monaco-editor .view-lines').first().click({ button: 'right' });
  await menuItem.waitFor({ timeout: 15_000 });
  await shot('editor-propose-menu');
  await page.keyboard.press('Escape');
  await palette('View: Close All Editors');
  return shots;
}
