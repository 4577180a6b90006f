// UI smoke steps for the editor features (used by scripts/uiSmoke.mjs): a prompt with a problem typed in, its squiggle,
// hover, quick-fix menu, Problems entry, completion and outline; the file is reverted at the end.
//
// Each step waits for what a user would see (selectors from shared/design/REAL_VSCODE.md) and saves a screenshot.
import * as path from 'node:path';
import { runCommand } from './workbench.mjs';

/**
 * Opens fraud-signal-extraction.prompt of the workspace (the sample library) with Quick Open, types a line
 * that uses an undeclared input, and waits for the warning squiggle; hovers it; opens the quick-fix menu
 * (Ctrl+.); opens the Problems panel; types `{{` for the input completion; shows the outline; then reverts
 * the file. Returns the screenshot files.
 */
export async function runEditorSmoke(page, screenshotDir, log = () => {}) {
  const shots = [];
  const shot = async (name) => {
    const file = path.join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    log(`screenshot ${path.basename(file)}`);
  };
  const input = page.locator('.quick-input-widget input');
  const palette = (command) => runCommand(page, command);

  // A clean window: no editors, no bottom panel.
  await page.keyboard.press('Escape');
  await palette('View: Close All Editors');
  await palette('View: Hide Panel').catch(() => undefined);

  // 1. Quick Open the prompt and type a line that reads an input the front matter does not declare.
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('fraud-signal-extraction.prompt');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'fraud-signal-extraction.prompt' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-group-container .monaco-editor').first();
  await editor.locator('.view-lines').first().waitFor({ timeout: 15_000 });
  await editor.locator('.view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Sign off as {{adjusterName}}.', { delay: 15 });
  const squiggle = editor.locator('.squiggly-warning').first();
  await squiggle.waitFor({ timeout: 15_000 });
  await shot('editor-squiggle');

  // 2. Hovering the squiggle: the diagnostic (code linked to the README table) and our hover on the variable.
  // The squiggle is drawn again when the last keystrokes' diagnostics arrive: a hover on the one drawn before shows nothing, so hover again.
  const hover = page.locator('.monaco-hover').filter({ hasText: 'undefined-variable' }).first();
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(5, 5);
    await squiggle.hover({ force: true });
    const shown = await hover.waitFor({ timeout: 4_000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 3) throw new Error('no hover with the undefined-variable diagnostic after hovering its squiggle three times');
  }
  await shot('editor-hover');
  await page.mouse.move(5, 5);

  // 3. The quick-fix menu at the cursor (inside the squiggle): "Declare `adjusterName` as optional input" (and as required).
  await page.keyboard.press('Home');
  for (let i = 0; i < 'Sign off as {{adj'.length; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget').first();
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
  await menu.filter({ hasText: /Declare .*adjusterName/ }).waitFor({ timeout: 10_000 });
  await shot('editor-quickfix');
  await page.keyboard.press('Escape');

  // 4. The Problems panel lists it with its code.
  await palette('View: Focus Problems');
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'adjusterName' }).first().waitFor({ timeout: 15_000 });
  await shot('editor-problems');

  // 5. Completion of the declared inputs inside {{ }}.
  await editor.locator('.view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' Quote {{cl', { delay: 15 });
  await page.keyboard.press('Control+Space');
  await page.locator('.suggest-widget.visible .monaco-list-row', { hasText: 'claimText' }).first().waitFor({ timeout: 10_000 });
  await shot('editor-completion');
  await page.keyboard.press('Escape');

  // 6. The outline: front matter with its inputs, and the messages by role.
  await palette('Explorer: Focus on Outline View');
  await page
    .locator('.monaco-list-row', { hasText: 'priorClaimsCount' })
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(() => log('the outline does not show the inputs (collapsed?)'));
  await shot('editor-outline');

  // Leave the sample library as it was.
  await editor.locator('.view-lines').first().click();
  await palette('File: Revert File');
  return shots;
}
