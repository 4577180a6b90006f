// Shared by the integration tests: the extension's API, polling, tree access, throwaway git libraries, settings reset.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import type { CatalogNode } from '../../src/vscode/views/catalogTree';

export const extensionId = 'genai-assets.genai-asset-library';

/** The repository (the extension's development folder). */
export function repoRoot(): string {
  return vscode.extensions.getExtension(extensionId)!.extensionPath;
}

export async function api(): Promise<GenAiAssetsApi> {
  const ext = vscode.extensions.getExtension<GenAiAssetsApi>(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not installed`);
  return ext.activate();
}

/** Polls `probe` until it returns a truthy value (returned), or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ShownItem {
  node: CatalogNode;
  item: vscode.TreeItem;
  label: string;
  description?: string;
}

/** The rows under `parent` as the view renders them. */
export async function rows(a: GenAiAssetsApi, parent?: CatalogNode): Promise<ShownItem[]> {
  const nodes = (await a.catalog.getChildren(parent)) ?? [];
  return Promise.all(
    nodes.map(async (node) => {
      const item = await a.catalog.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { node, item, label, description: typeof item.description === 'string' ? item.description : undefined };
    }),
  );
}

/** Every asset row of every library (through the current grouping). */
export async function assetRows(a: GenAiAssetsApi): Promise<ShownItem[]> {
  const out: ShownItem[] = [];
  for (const lib of await rows(a)) for (const group of await rows(a, lib.node)) out.push(...(await rows(a, group.node)).filter((r) => r.item.contextValue?.startsWith('asset')));
  return out;
}

/** A tooltip's text with Markdown escapes undone (what the reader sees). */
export function tooltipText(item: vscode.TreeItem): string {
  const t = item.tooltip;
  const raw = typeof t === 'string' ? t : (t?.value ?? '');
  return raw
    .replace(/\\(.)/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;/g, ' ');
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

export function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A git repository holding a small library (one prompt), made for a test; returns its folder and file:// URL. */
export function makeGitLibrary(name: string): { dir: string; url: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `genai-${name}-`));
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, 'library.yaml', `name: ${name}\ndescription: A library made by an integration test.\npolicy:\n  requireApproval: false\n`);
  write(dir, 'hello/asset.yaml', 'kind: prompt\nversion: 1.0.0\nstatus: approved\ntitle: Hello\nowners: [test-team]\ntags: [greeting]\nentry: hello.prompt\n');
  write(dir, 'hello/hello.prompt', '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n---\nSay hello to {{name}}.\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Add the hello prompt');
  return { dir, url: pathToFileURL(dir).href };
}

/** Removes every library setting the tests write (user settings). */
export async function resetSettings(): Promise<void> {
  const c = vscode.workspace.getConfiguration('genaiAssets');
  await c.update('libraries', undefined, vscode.ConfigurationTarget.Global);
  await c.update('sampleLibrary', undefined, vscode.ConfigurationTarget.Global);
}

/** Waits until the library service is idle with at least one library shown. */
export async function settled(a: GenAiAssetsApi, what = 'the libraries to load'): Promise<void> {
  await a.libraries.ensureLoaded();
  await waitFor(what, () => !a.libraries.busy && a.libraries.libraries.length > 0 && a.libraries.libraries.every((l) => l.status === 'ready' || l.status === 'error'));
}

/**
 * Lets the extension host send pending quick-input changes (it batches them in a setTimeout(0))
 * before the next command: messages to the workbench keep their order, so a command sent
 * after this sees the change. An ordering step, not a wait for time to pass.
 */
export function flushQuickInput(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Makes `item` the active row of the quick pick and accepts it, as Enter would. */
export async function acceptItem<T extends vscode.QuickPickItem>(qp: vscode.QuickPick<T>, item: T): Promise<void> {
  await flushQuickInput();
  qp.activeItems = [item];
  await flushQuickInput();
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}
