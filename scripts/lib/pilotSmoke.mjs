// UI smoke steps for New Pilot (used by scripts/uiSmoke.mjs): the wizard on the sample library up to its review step,
// with the dependencies shown as headings and the files listed before anything is written; Escape writes nothing.
//
// Each step waits for what a user would see and saves a screenshot.
import * as path from 'node:path';
import { runCommand } from './workbench.mjs';

/** Runs New Pilot from Approved Components through every step to the review, then cancels. Returns the screenshot files. */
export async function runPilotSmoke(page, screenshotDir, log = () => {}) {
  const shots = [];
  const shot = async (name) => {
    const file = path.join(screenshotDir, `${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    log(`screenshot ${path.basename(file)}`);
  };
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  /** Waits for the step counter of the wizard (e.g. "5/8"), then returns. */
  const step = async (n) =>
    widget
      .locator('.quick-input-title, .quick-input-header', { hasText: `${n}/` })
      .first()
      .waitFor({ timeout: 15_000 });

  await page.keyboard.press('Escape');
  await runCommand(page, 'New Pilot from Approved Components');

  await step(1); // the template
  await page.keyboard.press('Enter');
  await step(2); // the name
  await input.fill('claims-triage');
  await page.keyboard.press('Enter');
  await step(3); // prompts
  await page.keyboard.press('Enter');
  await step(4); // eval suites
  await page.keyboard.press('Enter');
  await step(5); // modules: the dependencies as headings
  await page.waitForTimeout(500);
  await shot('new-pilot-modules');
  await page.keyboard.press('Enter');
  // Parameters (one step, a page each): the name follows the pilot's; the owner has no default.
  await step(6);
  await shot('new-pilot-parameter');
  for (let i = 0; i < 5; i++) {
    const placeholder = (await input.getAttribute('placeholder')) ?? '';
    const title = (await widget.locator('.quick-input-title').first().textContent()) ?? '';
    if (/Owner/.test(title) && !(await input.inputValue())) await input.fill('claims-ai@larkspur-mutual.example');
    log(`parameter page ${i + 1}: ${title.trim()}${placeholder ? ` (${placeholder})` : ''}`);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
  }
  await step(7); // the folder: beside the library first
  await page.waitForTimeout(300);
  await shot('new-pilot-folder');
  await page.keyboard.press('Enter');
  await step(8); // review: what will be written where
  await widget.locator('.monaco-list-row', { hasText: 'Create' }).first().waitFor({ timeout: 30_000 });
  await shot('new-pilot-review');
  await page.keyboard.press('Escape');
  return shots;
}
