// UI smoke steps for libraries (used by scripts/uiSmoke.mjs): Add Library of a folder (no name asked: the catalog names
// it from its library.yaml), then the Catalog with the workspace's own library beside the configured one; a git library
// whose remote history is rewritten, followed by the next sync.
//
// Each step waits for what a user would see and saves a screenshot.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../codeServer.mjs';
import { runCommand } from './workbench.mjs';

/** A git repository at `dir` holding a one-prompt library whose prompt is `id` (made again from nothing: a rewritten history). */
function makeLibraryRepo(dir, id) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, id), { recursive: true });
  fs.writeFileSync(path.join(dir, 'library.yaml'), 'name: team-prompts\npolicy:\n  requireApproval: false\n');
  fs.writeFileSync(path.join(dir, id, 'asset.yaml'), `kind: prompt\nversion: 1.0.0\nstatus: approved\ntitle: ${id}\nowners: [team]\nentry: ${id}.prompt\n`);
  fs.writeFileSync(path.join(dir, id, `${id}.prompt`), '---\nmodel: openai/gpt-4o-mini\n---\nSay hello.\n');
  const git = (...args) => spawnSync('git', ['-c', 'user.name=Smoke', '-c', 'user.email=smoke@example.com', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', `Add ${id}`);
}

/** Adds test/fixtures/vscode/pilot-library through the Add Library input and shows the Catalog; then a git library rewritten and synced. Returns the screenshot files. */
export async function runLibrariesSmoke(page, screenshotDir, log = () => {}) {
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
  await palette('GenAI Assets: Add Library...');
  await page.locator('.quick-input-widget', { hasText: 'where is it' }).first().waitFor({ timeout: 10_000 });
  await input.fill(path.join(repoRoot, 'test', 'fixtures', 'vscode', 'pilot-library'));
  await shot('add-library');
  await page.keyboard.press('Enter');
  await page
    .locator('.notifications-toasts', { hasText: 'Added library pilot-fixtures' })
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => log('no "Added library" notification'));

  // The Catalog: the configured library and, beside it, the workspace's own (samples/library holds library.yaml).
  await page.locator('.activitybar a[aria-label^="GenAI Assets"]').first().click();
  const rows = page.locator('.pane-body .monaco-list-row');
  await rows.filter({ hasText: 'pilot-fixtures' }).first().waitFor({ timeout: 30_000 });
  await rows
    .filter({ hasText: 'larkspur-genai' })
    .first()
    .waitFor({ timeout: 15_000 })
    .catch(() => log('the workspace library is not shown beside the configured one'));
  await shot('catalog-workspace-and-configured');

  // A git library whose remote history is rewritten (made again at the same URL): the next sync follows it.
  const remote = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-smoke-remote-'));
  try {
    makeLibraryRepo(remote, 'alpha');
    await palette('GenAI Assets: Add Library...');
    await page.locator('.quick-input-widget', { hasText: 'where is it' }).first().waitFor({ timeout: 10_000 });
    await input.fill(`file://${remote}`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'branch, tag or commit' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    // The Catalog filtered to the library's prompt (the tree draws only the rows in view).
    const filterBy = async (text) => {
      await palette('GenAI Assets: Filter Catalog by Text...');
      await page.locator('.quick-input-widget', { hasText: 'Filter Catalog by Text' }).first().waitFor({ timeout: 10_000 });
      await input.fill(text);
      await page.keyboard.press('Enter');
    };
    await page.locator('.notifications-toasts', { hasText: 'Added library team-prompts' }).first().waitFor({ timeout: 60_000 });
    await filterBy('alpha');
    await rows.filter({ hasText: 'alpha' }).first().waitFor({ timeout: 30_000 });
    makeLibraryRepo(remote, 'gamma');
    await palette('GenAI Assets: Sync Libraries');
    await filterBy('gamma');
    await rows
      .filter({ hasText: 'gamma' })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => log('the rewritten library did not show its new asset'));
    await shot('library-history-rewritten');
  } finally {
    fs.rmSync(remote, { recursive: true, force: true });
  }
  return shots;
}
