// UI smoke steps for first contact (used by scripts/uiSmoke.mjs): the Get Started walkthrough, a Dotprompt and a Prompty
// file of the sample library as they are highlighted (our grammars: front matter, template tags, role lines), and the
// CodeLens of an eval suite (what one run costs).
//
// Each step waits for what a user would see and saves a screenshot.
import * as path from 'node:path';
import { runCommand } from './workbench.mjs';

/** Opens the walkthrough from the Command Palette, then claim-summary.prompt, policy-faq-bot.prompty and an eval suite. Returns the screenshot files. */
export async function runGettingStartedSmoke(page, screenshotDir, log = () => {}) {
  const shots = [];
  const shot = async (name) => {
    const file = path.join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    log(`screenshot ${path.basename(file)}`);
  };
  const input = page.locator('.quick-input-widget input');
  const palette = (command) => runCommand(page, command);

  await page.keyboard.press('Escape');
  await palette('View: Close All Editors');

  // 1. The walkthrough: Welcome: Open Walkthrough... lists the extensions' walkthroughs; ours by its title.
  await palette('Welcome: Open Walkthrough...');
  const title = 'Get Started with the GenAI Asset Library';
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await input.fill(title);
  await page.keyboard.press('Enter');
  await page.locator('.gettingStartedContainer', { hasText: 'Add your library' }).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(1000); // the step's markdown media renders in a webview
  await shot('walkthrough');
  await palette('View: Close All Editors');

  // 2. Highlighting: a Dotprompt and a Prompty file (language mode in the status bar).
  for (const [name, language, shotName] of [
    ['claim-summary.prompt', 'Dotprompt', 'highlight-dotprompt'],
    ['policy-faq-bot.prompty', 'Prompty', 'highlight-prompty'],
  ]) {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
    await page
      .locator('.statusbar-item', { hasText: language })
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(() => log(`the status bar does not show the ${language} language mode`));
    await page.waitForTimeout(500); // tokenization
    await shot(shotName);
  }
  await palette('View: Close All Editors');

  // 3. An eval suite's CodeLens: what one run costs before it runs.
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('policy-qa-evals/promptfooconfig.yaml');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'promptfooconfig.yaml' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page
    .locator('.codelens-decoration', { hasText: 'calls per provider' })
    .first()
    .waitFor({ timeout: 20_000 })
    .catch(() => log('the eval-cost CodeLens did not show'));
  await shot('eval-cost-lens');
  await palette('View: Close All Editors');
  return shots;
}
