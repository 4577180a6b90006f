// Libraries from git: Add Library (file:// repository made here), Sync, status bar, Show History, a refused ext:: URL, a failing remote, Remove; a history rewritten at the same URL.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import { acceptItem, api, assetRows, git, makeGitLibrary, resetSettings, rows, settled, waitFor, write } from './helpers';

describe('git libraries', () => {
  let a: GenAiAssetsApi;
  let repo: { dir: string; url: string };
  const name = 'it-lib';

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    repo = makeGitLibrary(name);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetSettings();
    await waitFor('the sample library to come back', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample' && a.libraries.libraries[0].status === 'ready');
    fs.rmSync(repo.dir, { recursive: true, force: true });
  });

  it('refuses an ext:: URL before anything runs, and leaves the settings unchanged', async () => {
    const marker = path.join(os.tmpdir(), `genai-ext-marker-${process.pid}`);
    const result = await vscode.commands.executeCommand<{ added: boolean; error?: string }>('genaiAssets.addLibrary', { name: 'evil', url: `ext::sh -c touch% ${marker}` });
    assert.equal(result.added, false);
    assert.match(result.error ?? '', /ext::' transport, which is refused/);
    assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets').get('libraries'), []);
    assert.equal(fs.existsSync(marker), false);
    assert.equal(
      a.libraries.libraries.some((l) => l.configuredName === 'evil'),
      false,
    );
  });

  it('adds a file:// git library: cloned, written to the settings, shown in the catalog', async () => {
    const result = await vscode.commands.executeCommand<{ added: boolean; name: string; assets: number; error?: string }>('genaiAssets.addLibrary', { name, url: repo.url });
    assert.equal(result.error, undefined);
    assert.deepEqual(result, { added: true, name, assets: 1 });
    assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets').get('libraries'), [{ name, url: repo.url }]);
    // Configured libraries replace the sample library (shown only when nothing is configured).
    const root = await waitFor('the git library as the only root', async () => {
      const r = await rows(a);
      return r.length === 1 && r[0].label === name && a.libraries.libraries[0].status === 'ready' ? r : undefined;
    });
    assert.match(root[0].item.contextValue ?? '', /^library;settings;git$/);
    assert.ok(fs.existsSync(path.join(a.libraries.libraries[0].root!, 'hello', 'asset.yaml')), 'the clone lives in the global storage');
    assert.ok(a.libraries.libraries[0].root!.startsWith(a.libraries.cacheDir));
    const shown = await assetRows(a);
    assert.deepEqual(
      shown.map((r) => [r.label, r.description, r.item.contextValue]),
      [['Hello', '1.0.0', 'asset;history']],
    );
    // Opening shows the clone's file read-only (the cache is never edited by accident).
    await vscode.commands.executeCommand('genaiAssets.openAsset', shown[0].node);
    const editor = await waitFor('the asset in an editor', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'genai-assets-library' ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.uri.path, '/hello/hello.prompt');
    assert.match(editor.document.getText(), /Say hello to \{\{name\}\}\.\n$/);
  });

  it('syncs a new commit: the new asset appears and the status bar shows the synced commit and its age', async () => {
    write(repo.dir, 'farewell/asset.yaml', 'kind: prompt\nversion: 0.2.0\nstatus: draft\ntitle: Farewell\nowners: [test-team]\nentry: farewell.prompt\n');
    write(repo.dir, 'farewell/farewell.prompt', '---\nmodel: openai/gpt-4o-mini\n---\nSay goodbye.\n');
    write(repo.dir, 'hello/hello.prompt', '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n---\nSay hello to {{name}}, warmly.\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-q', '-m', 'Add farewell; warmer hello');
    const head = git(repo.dir, 'rev-parse', 'HEAD').trim();
    const outcome = await vscode.commands.executeCommand<{ synced: number; failed: number; cancelled: boolean }>('genaiAssets.syncLibraries');
    assert.deepEqual(outcome, { synced: 1, failed: 0, cancelled: false });
    const shown = await waitFor('the new asset', async () => {
      const s = await assetRows(a);
      return s.length === 2 ? s : undefined;
    });
    assert.deepEqual(shown.map((r) => `${r.label} ${r.description}`).sort(), ['Farewell 0.2.0 · draft', 'Hello 1.0.0']);
    assert.equal(a.libraries.libraries[0].commit, head);
    assert.match(a.statusBar.text, new RegExp(`^\\$\\(repo\\) ${name} ${head.slice(0, 7)} · (just now|\\d+ minutes? ago)$`));
    assert.equal(a.statusBar.command, 'genaiAssets.syncLibraries');
    const [root] = await rows(a);
    assert.match(root.description ?? '', new RegExp(`^2 assets · ${head.slice(0, 7)} · synced (just now|\\d+ minutes? ago)$`));
  });

  it("Show History lists the asset's commits; choosing one opens its diff, read from git", async () => {
    const hello = (await assetRows(a)).find((r) => r.label === 'Hello')!;
    const done = vscode.commands.executeCommand<string[]>('genaiAssets.showHistory', hello.node);
    const qp = await waitFor('the history quick pick', () => (a.inputs.active && 'items' in a.inputs.active ? a.inputs.active : undefined));
    assert.deepEqual(
      qp.items.map((i) => i.label),
      ['Add farewell; warmer hello', 'Add the hello prompt'],
    );
    assert.match(qp.items[0].description ?? '', /^[0-9a-f]{7} · Test$/);
    await acceptItem(qp, qp.items[0]);
    assert.deepEqual(await done, ['hello/hello.prompt']);
    const tab = await waitFor('a diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(tab.original.scheme, 'genai-assets-history');
    const before = await vscode.workspace.openTextDocument(tab.original);
    const after = await vscode.workspace.openTextDocument(tab.modified);
    assert.match(before.getText(), /Say hello to \{\{name\}\}\.\n$/);
    assert.match(after.getText(), /Say hello to \{\{name\}\}, warmly\.\n$/);
  });

  it('keeps the last good catalog when the remote fails, and says so in the status bar', async () => {
    const moved = `${repo.dir}-moved`;
    fs.renameSync(repo.dir, moved);
    try {
      const outcome = await vscode.commands.executeCommand<{ synced: number; failed: number }>('genaiAssets.syncLibraries');
      assert.equal(outcome.failed, 1);
      assert.equal((await assetRows(a)).length, 2, 'the catalog of the last sync is still shown');
      assert.match(a.statusBar.text, new RegExp(`^\\$\\((warning|debug-disconnect)\\) ${name}(: sync failed| offline since .*)$`));
      assert.ok(a.libraries.libraries[0].error);
    } finally {
      fs.renameSync(moved, repo.dir);
    }
  });

  it('Remove Library takes it out of the settings; the catalog falls back to the sample library', async () => {
    const [root] = await rows(a);
    assert.equal(await vscode.commands.executeCommand('genaiAssets.removeLibrary', root.node), true);
    assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets').get('libraries'), []);
    await waitFor('the sample library', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample');
  });

  it('Add Library asks no name: the setting records the name library.yaml gives, so the catalog, the settings and Remove say the same', async () => {
    const own = makeGitLibrary('own-name');
    try {
      const result = await vscode.commands.executeCommand<{ added: boolean; name: string; assets: number; error?: string }>('genaiAssets.addLibrary', { path: own.dir });
      assert.deepEqual(result, { added: true, name: 'own-name', assets: 1 });
      assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets').get('libraries'), [{ name: 'own-name', path: own.dir }]);
      const root = await waitFor('the library in the catalog', async () => (await rows(a)).find((r) => r.node.type === 'library' && r.label === 'own-name'));
      assert.ok(root);
      // Remove finds it by the same name.
      assert.equal(await vscode.commands.executeCommand('genaiAssets.removeLibrary', 'own-name'), true);
      assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets').get('libraries'), []);
      await waitFor('the sample library', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample');
    } finally {
      fs.rmSync(own.dir, { recursive: true, force: true });
    }
  });

  it('with nothing to show the catalog is empty (its welcome offers Add Library, Use Sample Library, Open Settings); Use Sample Library brings the sample back', async () => {
    await vscode.workspace.getConfiguration('genaiAssets').update('sampleLibrary', 'never', vscode.ConfigurationTarget.Global);
    await waitFor('an empty catalog', () => a.libraries.libraries.length === 0 && a.libraries.state === 'empty');
    assert.deepEqual(await rows(a), []);
    assert.equal(a.statusBar.text, '$(library) No library');
    await vscode.commands.executeCommand('genaiAssets.useSampleLibrary');
    assert.equal(vscode.workspace.getConfiguration('genaiAssets').get('sampleLibrary'), 'always');
    const root = await waitFor('the sample library', async () => {
      const r = (await rows(a)).filter((x) => x.node.type === 'library');
      return r.length === 1 && a.libraries.state === 'ready' ? r : undefined;
    });
    assert.match(root[0].description ?? '', / · sample$/);
  });
});

/** The "GenAI Assets" log so far (its file is under the extension's log folder, or beside it, depending on the VS Code version). */
function logText(logUri: vscode.Uri): string {
  let text = '';
  for (const dir of [logUri.fsPath, path.dirname(logUri.fsPath)]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (/GenAI Assets\.log$/.test(f)) text += fs.readFileSync(path.join(dir, f), 'utf8');
  }
  return text;
}

/** Replaces the history of `dir`'s main branch with one unrelated root commit holding a library of `prompts`; returns that commit. */
function recreate(dir: string, name: string, prompts: string[]): string {
  git(dir, 'checkout', '-q', '--orphan', 'recreated');
  git(dir, 'rm', '-rq', '--cached', '.');
  for (const f of fs.readdirSync(dir)) if (f !== '.git') fs.rmSync(path.join(dir, f), { recursive: true, force: true });
  write(dir, 'library.yaml', `name: ${name}\ndescription: Re-created at the same URL.\npolicy:\n  requireApproval: false\n`);
  for (const p of prompts) {
    write(dir, `${p}/asset.yaml`, `kind: prompt\nversion: 2.0.0\nstatus: approved\ntitle: ${p[0].toUpperCase()}${p.slice(1)}\nowners: [test-team]\nentry: ${p}.prompt\n`);
    write(dir, `${p}/${p}.prompt`, '---\nmodel: openai/gpt-4o-mini\n---\nSay something.\n');
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Re-create the library');
  git(dir, 'branch', '-q', '-M', 'recreated', 'main');
  return git(dir, 'rev-parse', 'HEAD').trim();
}

describe('a git library whose remote history was rewritten', () => {
  let a: GenAiAssetsApi;
  let repo: { dir: string; url: string };
  const name = 'rw-lib';
  const moved = (): string => `${repo.dir}-moved`;

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    repo = makeGitLibrary(name);
  });

  after(async () => {
    if (fs.existsSync(moved())) fs.renameSync(moved(), repo.dir);
    await resetSettings();
    await waitFor('the sample library to come back', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample' && a.libraries.libraries[0].status === 'ready');
    fs.rmSync(repo.dir, { recursive: true, force: true });
  });

  it('Sync follows the re-created history: the new catalog, the new commit, and a log line that says so', async () => {
    const added = await vscode.commands.executeCommand<{ added: boolean; assets?: number; error?: string }>('genaiAssets.addLibrary', { name, url: repo.url });
    assert.deepEqual(added, { added: true, name, assets: 1 });
    await waitFor('the git library', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].status === 'ready' && a.libraries.libraries[0].configuredName === name);
    const old = a.libraries.libraries[0].commit!;
    const head = recreate(repo.dir, name, ['alpha', 'beta']);
    const outcome = await vscode.commands.executeCommand<{ synced: number; failed: number; cancelled: boolean }>('genaiAssets.syncLibraries');
    assert.deepEqual(outcome, { synced: 1, failed: 0, cancelled: false }, a.libraries.libraries[0].error);
    const lib = a.libraries.libraries[0];
    assert.equal(lib.commit, head);
    assert.equal(lib.error, undefined);
    assert.deepEqual((await assetRows(a)).map((r) => r.label).sort(), ['Alpha', 'Beta']);
    await waitFor('the sync in the log', () => logText(a.logUri).includes(`Synced ${name}: 2 assets at ${head.slice(0, 7)} (was ${old.slice(0, 7)})`));
  });

  it('Add Library of a URL whose clone is in the cache syncs it: re-added after a rewrite, it shows the new catalog', async () => {
    const [root] = await rows(a);
    assert.equal(await vscode.commands.executeCommand('genaiAssets.removeLibrary', root.node), true);
    await waitFor('the library to go', () => !a.libraries.libraries.some((l) => l.configuredName === name));
    const head = recreate(repo.dir, name, ['gamma']);
    const added = await vscode.commands.executeCommand<{ added: boolean; assets?: number; error?: string }>('genaiAssets.addLibrary', { name, url: repo.url });
    assert.deepEqual(added, { added: true, name, assets: 1 });
    const lib = await waitFor('the re-added library', () => a.libraries.libraries.find((l) => l.configuredName === name && l.status === 'ready'));
    assert.equal(lib.commit, head);
    assert.deepEqual(
      (await assetRows(a)).map((r) => r.label),
      ['Gamma'],
    );
  });

  it('Add Library of a URL whose sync fails is a failure with the reason, not "Added library", even with a clone in the cache', async () => {
    const [root] = await rows(a);
    assert.equal(await vscode.commands.executeCommand('genaiAssets.removeLibrary', root.node), true);
    await waitFor('the library to go', () => !a.libraries.libraries.some((l) => l.configuredName === name));
    fs.renameSync(repo.dir, moved());
    const added = await vscode.commands.executeCommand<{ added: boolean; error?: string }>('genaiAssets.addLibrary', { name, url: repo.url });
    assert.equal(added.added, false);
    assert.match(added.error ?? '', /^Library not added: file:\/\/.*(does not appear to be a git repository|Could not read from remote repository).*Check the URL/);
    assert.deepEqual(vscode.workspace.getConfiguration('genaiAssets').get('libraries'), []);
    const log = await waitFor('the failed sync in the log', () => {
      const t = logText(a.logUri);
      return t.lastIndexOf(`Sync of ${name} failed`) > t.lastIndexOf(`Added library ${name}`) ? t : undefined;
    });
    assert.match(log.slice(log.lastIndexOf(`Sync of ${name} failed`)), /^Sync of rw-lib failed after \d+ ms: file:\/\/.*It stays at [0-9a-f]{7} \(1 asset\), synced (just now|\d+ minutes? ago)\./);
  });
});
