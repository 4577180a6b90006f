// UI smoke steps for the GenAI Assets views (used by scripts/uiSmoke.mjs): activity bar, catalog, tooltip, Search Assets, Problems.
//
// Each step waits for what a user would see (selectors from shared/design/REAL_VSCODE.md) and saves a screenshot.
import * as path from 'node:path';
import { runCommand } from './workbench.mjs';

/**
 * Drives the workbench in `page` like a user: opens the GenAI Assets activity-bar item, waits for the catalog
 * rows, expands an asset, hovers it for its tooltip, runs "GenAI Assets: Search Assets..." from the palette,
 * opens the chosen asset, runs Validate Workspace and opens the Problems panel. Returns the screenshot files.
 */
export async function runCatalogSmoke(page, screenshotDir, log = () => {}) {
  const shots = [];
  const shot = async (name) => {
    const file = path.join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    log(`screenshot ${path.basename(file)}`);
  };
  const palette = (command) => runCommand(page, command);

  // 1. The activity-bar item opens the container with the Catalog and Pilots views.
  await page.locator('.activitybar a[aria-label^="GenAI Assets"]').first().click();
  const catalog = page.locator('.pane-body .monaco-list-row');
  await page.locator('.pane-header', { hasText: 'Catalog' }).first().waitFor({ timeout: 20_000 });
  await catalog.filter({ hasText: 'Prompts' }).first().waitFor({ timeout: 30_000 });
  // An asset row: its description starts with the version (approved ones show only that).
  const asset = catalog.filter({ hasText: /\b\d+\.\d+\.\d+\b/ }).first();
  await asset.waitFor({ timeout: 10_000 });
  await shot('catalog');

  // 2. Expand an asset to its files (the twistie, so nothing opens), then hover it for the tooltip.
  await asset.locator('.monaco-tl-twistie').click();
  await catalog.filter({ hasText: 'entry' }).first().waitFor({ timeout: 10_000 });
  await asset.hover();
  await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'visible', timeout: 10_000 });
  await shot('catalog-tooltip');
  await page.mouse.move(5, 5);

  // 3. Search Assets from the palette: the quick pick with every asset, filtered by typing.
  await palette('GenAI Assets: Search Assets...');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Search Assets' }).waitFor({ timeout: 15_000 });
  await page.locator('.quick-input-widget input').fill('claim');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'claim' }).first().waitFor({ timeout: 10_000 });
  await shot('search-assets');
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container .tab.active').first().waitFor({ timeout: 15_000 });
  await shot('asset-opened');

  // 4. Validate Workspace fills the Problems panel.
  await palette('GenAI Assets: Validate Workspace');
  await palette('View: Focus Problems');
  await page
    .locator('.markers-panel .monaco-list-row')
    .first()
    .waitFor({ timeout: 20_000 })
    .catch(() => log('the Problems panel shows no rows (the workspace may be clean)'));
  await shot('problems');
  return shots;
}
