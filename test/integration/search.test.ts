// Search Assets (the quick pick across libraries), Copy Reference, Open Asset and Reveal in Library.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Catalog } from '../../src/core/library/types';
import type { GenAiAssetsApi } from '../../src/extension';
import { openFolderLibrary } from '../../src/node/openFolder';
import { acceptItem, api, assetRows, repoRoot, settled, waitFor } from './helpers';

describe('search and asset actions', () => {
  let a: GenAiAssetsApi;
  let expected: Catalog;

  before(async () => {
    a = await api();
    expected = await openFolderLibrary(path.join(repoRoot(), 'samples', 'library'));
    await settled(a);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Search Assets lists every asset of every library with id, version, status, kind, tags and description, and opens the chosen one', async () => {
    const done = vscode.commands.executeCommand<string | undefined>('genaiAssets.searchAssets');
    const qp = await waitFor('the Search Assets quick pick', () => (a.inputs.active && 'items' in a.inputs.active ? a.inputs.active : undefined));
    assert.equal(qp.matchOnDescription, true);
    assert.equal(qp.matchOnDetail, true);
    assert.equal(qp.items.length, expected.assets.length);
    assert.match(qp.title ?? '', new RegExp(`^Search Assets \\(${expected.assets.length} in 1 library\\)$`));
    const asset = expected.assets.find((x) => x.kind === 'prompt' && x.tags.length && x.description && x.entryFile)!;
    const item = qp.items.find((i) => i.label.endsWith(` ${asset.title}`))!;
    assert.ok(item, `an item for ${asset.title}`);
    assert.equal(item.label, `$(comment-discussion) ${asset.title}`);
    assert.equal(item.description, `${asset.id} · ${asset.version} · ${asset.status}`);
    assert.ok(item.detail?.startsWith(`prompt · ${expected.library.name} · tags: ${asset.tags.join(', ')} · `));
    assert.ok(item.detail?.includes(asset.description.slice(0, 30)));
    // Typing filters on id, title, tags and description; then the item is chosen.
    qp.value = asset.id;
    await acceptItem(qp, item);
    assert.equal(await done, asset.id);
    const editor = await waitFor('the asset to open', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.fsPath, path.join(repoRoot(), 'samples', 'library', ...asset.entryFile!.split('/')));
  });

  it('Copy Reference puts id@^major.minor on the clipboard', async () => {
    const shown = await assetRows(a);
    const asset = expected.assets.find((x) => /^\d+\.\d+\.\d+$/.test(x.version) && x.version !== '0.0.0')!;
    const row = shown.find((r) => r.label === asset.title)!;
    await vscode.env.clipboard.writeText('');
    const [major, minor] = asset.version.split('.');
    const ref = await vscode.commands.executeCommand<string>('genaiAssets.copyReference', row.node);
    assert.equal(ref, `${asset.id}@^${major}.${minor}`);
    assert.equal(await vscode.env.clipboard.readText(), `${asset.id}@^${major}.${minor}`);
  });

  it('Open Asset opens the entry file; Reveal in Library opens the manifest from the library folder', async () => {
    const shown = await assetRows(a);
    const asset = expected.assets.find((x) => x.managed && x.entryFile && x.manifest)!;
    const row = shown.find((r) => r.label === asset.title)!;
    assert.equal(row.item.command?.command, 'genaiAssets.openAsset');
    await vscode.commands.executeCommand('genaiAssets.openAsset', row.node);
    await waitFor('the entry file in the editor', () => vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(asset.entryFile!.split('/').join(path.sep)));
    await vscode.commands.executeCommand('genaiAssets.revealInLibrary', row.node);
    const editor = await waitFor('the manifest in the editor', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(asset.manifest!.split('/').join(path.sep)) ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(editor.document.uri.scheme, 'file');
    assert.equal(editor.document.uri.fsPath, path.join(repoRoot(), 'samples', 'library', ...asset.manifest!.split('/')));
  });
});
