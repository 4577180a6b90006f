// UI smoke steps for the prompt CodeLens and preview (used by scripts/uiSmoke.mjs): lenses on a prompt, the preview panel, the sample picker.
//
// Each step waits for what a user would see and saves a screenshot.
import * as path from 'node:path';
import { runCommand } from './workbench.mjs';

/**
 * Opens claim-summary.prompt of the workspace (the sample library) with Quick Open, waits for the
 * CodeLens line (tokens and cost, eval suites, Preview), clicks Preview, waits for the rendered messages
 * in the webview beside the editor, then picks another sample set in the page and waits for its text.
 * Returns the screenshot files.
 */
export async function runPreviewSmoke(page, screenshotDir, log = () => {}) {
  const shots = [];
  const shot = async (name) => {
    const file = path.join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    log(`screenshot ${path.basename(file)}`);
  };

  const input = page.locator('.quick-input-widget input');
  // A clean editor area: close the bottom panel the catalog steps opened.
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Hide Panel');

  // 1. Quick Open the prompt: the CodeLens line shows above the front matter.
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('claim-summary.prompt');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'claim-summary.prompt' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const lenses = page.locator('.editor-group-container .codelens-decoration');
  await lenses.filter({ hasText: 'eval suite' }).first().waitFor({ timeout: 30_000 });
  await lenses.filter({ hasText: 'tokens' }).first().waitFor({ timeout: 10_000 });
  await shot('prompt-codelens');

  // 2. The Preview lens opens the webview beside the editor with the rendered messages.
  await lenses.locator('a', { hasText: 'Preview' }).first().click();
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('h3.role', { hasText: 'system' }).first().waitFor({ timeout: 30_000 });
  await frame.locator('section.history li, section.history p.empty').first().waitFor({ timeout: 20_000 });
  await shot('preview');

  // 3. Another sample set from the page's picker re-renders the messages.
  const select = frame.locator('select#sample');
  const options = await select.locator('option').allTextContents();
  const other = options.findIndex((o) => /motor/i.test(o));
  await select.selectOption(String(other >= 0 ? other : Math.min(1, options.length - 1)));
  if (other >= 0) await frame.locator('pre.text', { hasText: 'motor policy' }).first().waitFor({ timeout: 15_000 });
  await frame.locator('section.cost table').first().scrollIntoViewIfNeeded();
  await shot('preview-cost');

  // 4. The bottom of the page: eval suites, dependencies and the asset's history.
  await frame.locator('section.history').first().scrollIntoViewIfNeeded();
  await shot('preview-history');
  return shots;
}
