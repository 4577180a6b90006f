// Settings: resource-scoped diagnostics settings per folder, Open Settings in a remote window (code-server is one), the workspace library beside configured ones, Edit Libraries.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import { acceptItem, api, resetSettings, rows, settled, waitFor, write } from './helpers';

/** A folder library made for a test (one prompt), returned with its folder. */
function folderLibrary(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `genai-${name}-`));
  write(dir, 'library.yaml', `name: ${name}\npolicy:\n  requireApproval: false\n`);
  write(dir, 'hello/asset.yaml', 'kind: prompt\nversion: 1.0.0\nstatus: draft\ntitle: Hello\nentry: hello.prompt\n');
  write(dir, 'hello/hello.prompt', '---\nmodel: openai/gpt-4o-mini\n---\nSay hello.\n');
  return dir;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'genai-assets');
}

/** The labels of the quick pick the extension shows, once it shows one with `label`. */
async function pickWith(a: GenAiAssetsApi, label: string): Promise<vscode.QuickPick<vscode.QuickPickItem>> {
  return waitFor(`a quick pick offering "${label}"`, () => {
    const qp = a.inputs.active;
    return qp && 'items' in qp && qp.items.some((i) => i.label === label) ? qp : undefined;
  });
}

describe('settings and the library list', () => {
  let a: GenAiAssetsApi;
  let workspace: string;
  const made: string[] = [];

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetSettings();
    fs.rmSync(path.join(workspace, 'library.yaml'), { force: true });
    await a.libraries.reload('the test removed its workspace library');
    await waitFor('the sample library alone again', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample' && a.libraries.libraries[0].status === 'ready');
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('the diagnostics settings are resource-scoped: a folder setting turns a code off for the files of that folder', async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const hadVscodeFolder = fs.existsSync(path.join(workspace, '.vscode'));
    const uri = vscode.Uri.file(path.join(workspace, 'known-problems', 'greeting', 'greeting.prompt'));
    await vscode.window.showTextDocument(uri);
    const before = await waitFor('the known problems of greeting.prompt', () => {
      const list = ours(uri);
      return list.length ? list : undefined;
    });
    const code = String(typeof before[0].code === 'object' ? before[0].code.value : before[0].code);
    const section = vscode.workspace.getConfiguration('genaiAssets', folder.uri);
    try {
      // A window-scoped setting cannot be written to a folder's settings: VS Code refuses it.
      await section.update('diagnostics.disabledCodes', [code], vscode.ConfigurationTarget.WorkspaceFolder);
      assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets', uri).inspect('diagnostics.disabledCodes')?.workspaceFolderValue, [code]);
      await waitFor(`${code} to leave greeting.prompt`, () => !ours(uri).some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === code));
    } finally {
      await section.update('diagnostics.disabledCodes', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
      if (!hadVscodeFolder) fs.rmSync(path.join(workspace, '.vscode'), { recursive: true, force: true });
    }
    await waitFor(`${code} to come back`, () => ours(uri).some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === code));
  });

  it('Open Settings in a remote window opens the Remote tab of the settings editor (where machine-scoped settings are)', async () => {
    assert.ok(vscode.env.remoteName, 'code-server is a remote window');
    const opened = await vscode.commands.executeCommand<{ command: string; query: string }>('genaiAssets.openSettings');
    assert.deepEqual(opened, { command: 'workbench.action.openRemoteSettings', query: '@ext:genai-assets.genai-asset-library' });
    await waitFor('the settings editor', () => /settings/i.test(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? ''));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("adding a library keeps the workspace's own library in the catalog (a folder named by both is shown once)", async () => {
    write(workspace, 'library.yaml', 'name: workspace-lib\npolicy:\n  requireApproval: false\n');
    await a.libraries.reload('the test made the workspace a library');
    await waitFor('the workspace library', () => a.libraries.libraries.some((l) => l.origin === 'workspace' && l.status === 'ready'));
    const other = folderLibrary('it-other');
    made.push(other);
    const result = await vscode.commands.executeCommand<{ added: boolean; error?: string }>('genaiAssets.addLibrary', { name: 'it-other', path: other });
    assert.equal(result.error, undefined);
    const shown = await waitFor('both libraries', async () => {
      const r = await rows(a);
      return a.libraries.libraries.every((l) => l.status === 'ready') && r.length === 2 ? r : undefined;
    });
    assert.deepEqual(
      shown.map((r) => [r.label, r.item.contextValue]),
      [
        ['it-other', 'library;settings'],
        ['workspace-lib', 'library'],
      ],
    );
    // The workspace folder itself in the settings: one row, the configured one.
    await vscode.workspace.getConfiguration('genaiAssets').update('libraries', [{ name: 'mine', path: workspace }], vscode.ConfigurationTarget.Global);
    await waitFor('the workspace folder shown once', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'settings' && a.libraries.libraries[0].status === 'ready');
    await resetSettings();
    fs.rmSync(path.join(workspace, 'library.yaml'), { force: true });
    await a.libraries.reload('the test removed its workspace library');
    await waitFor('the sample library alone', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample');
  });

  it('Edit Libraries reorders and removes configured libraries, writing the remote settings', async () => {
    const x = folderLibrary('it-x');
    const y = folderLibrary('it-y');
    made.push(x, y);
    await vscode.workspace.getConfiguration('genaiAssets').update(
      'libraries',
      [
        { name: 'it-x', path: x },
        { name: 'it-y', path: y },
      ],
      vscode.ConfigurationTarget.Global,
    );
    const done = vscode.commands.executeCommand<{ name?: string }[]>('genaiAssets.editLibraries');
    let qp = await pickWith(a, 'it-y');
    assert.ok(qp.items.some((i) => i.label.includes('Add Library')));
    await acceptItem(
      qp,
      qp.items.find((i) => i.label === 'it-y')!,
    );
    qp = await pickWith(a, 'Move Up');
    assert.deepEqual(
      qp.items.map((i) => i.label),
      ['Move Up', 'Remove', 'Back'],
    );
    await acceptItem(qp, qp.items[0]);
    await waitFor('it-y first', () => vscode.workspace.getConfiguration('genaiAssets').get<{ name: string }[]>('libraries')?.[0]?.name === 'it-y');
    qp = await pickWith(a, 'it-x');
    await acceptItem(
      qp,
      qp.items.find((i) => i.label === 'it-x')!,
    );
    qp = await pickWith(a, 'Remove');
    await acceptItem(
      qp,
      qp.items.find((i) => i.label === 'Remove')!,
    );
    await waitFor('it-x removed', () => vscode.workspace.getConfiguration('genaiAssets').get<unknown[]>('libraries')?.length === 1);
    await pickWith(a, 'it-y');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.deepEqual(await done, [{ name: 'it-y', path: y }]);
    // code-server is a remote window: the machine-scoped list went to the machine's settings, not the browser user's.
    const userData = path.resolve(a.libraries.cacheDir, '..', '..', '..', '..');
    const machine = path.join(userData, 'Machine', 'settings.json');
    assert.ok(fs.existsSync(machine), `${machine} exists`);
    assert.match(fs.readFileSync(machine, 'utf8'), /"genaiAssets\.libraries"[\s\S]*it-y/);
  });
});
