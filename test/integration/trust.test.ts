// Workspace content cannot steer git: library URLs in workspace settings are ignored, and history documents only read the libraries' own repositories.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseGitUrl } from '../../src/core/library/source';
import { schemes } from '../../src/vscode/constants';
import type { GenAiAssetsApi } from '../../src/extension';
import { api, git, makeGitLibrary, resetSettings, settled, waitFor } from './helpers';

describe('workspace trust: workspace content does not steer git', () => {
  let a: GenAiAssetsApi;
  let repo: { dir: string; url: string };
  let settingsDir: string;
  let hadSettings: string | undefined;

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    repo = makeGitLibrary('from-workspace');
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    settingsDir = path.join(folder, '.vscode');
    const file = path.join(settingsDir, 'settings.json');
    hadSettings = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  });

  after(async () => {
    if (hadSettings === undefined) fs.rmSync(settingsDir, { recursive: true, force: true });
    else fs.writeFileSync(path.join(settingsDir, 'settings.json'), hadSettings);
    await waitFor('the workspace settings to be gone', () => vscode.workspace.getConfiguration('editor').get('tabSize') !== 7);
    await a.libraries.reload('trust test done');
    await settled(a);
    fs.rmSync(repo.dir, { recursive: true, force: true });
  });

  it('ignores genaiAssets.libraries and autoSync written in the workspace settings: nothing is cloned', async () => {
    fs.mkdirSync(settingsDir, { recursive: true });
    fs.writeFileSync(
      path.join(settingsDir, 'settings.json'),
      JSON.stringify({ 'genaiAssets.libraries': [{ name: 'from-workspace', url: repo.url }], 'genaiAssets.autoSync': 1, 'editor.tabSize': 7 }, null, 2),
    );
    // VS Code has read the file once a setting of it shows.
    await waitFor('VS Code to read the workspace settings', () => vscode.workspace.getConfiguration('editor').get('tabSize') === 7);
    await a.libraries.reload('workspace settings written');
    await settled(a);
    assert.deepEqual(
      a.libraries.libraries.map((l) => [l.origin, l.configuredName]),
      [['sample', 'sample library']],
    );
    const folder = parseGitUrl(repo.url).folderName;
    assert.equal(fs.existsSync(path.join(a.libraries.cacheDir, folder)), false, 'the workspace URL was not cloned');
    // A sync now touches no git library either.
    const outcome = await vscode.commands.executeCommand<{ synced: number; failed: number }>('genaiAssets.syncLibraries');
    assert.equal(outcome.failed, 0);
    assert.equal(fs.existsSync(path.join(a.libraries.cacheDir, folder)), false);
  });

  it('a history document that names a repository other than a library’s is not read', async () => {
    const commit = git(repo.dir, 'rev-parse', 'HEAD').trim();
    const uri = vscode.Uri.from({ scheme: schemes.history, path: '/hello/hello.prompt', query: JSON.stringify({ dir: repo.dir, commit, path: 'hello/hello.prompt' }) });
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /is not the repository of a library of this window; it is not read\./);
    assert.doesNotMatch(doc.getText(), /Say hello/);
  });

  it('a library document cannot climb out of its library with ..', async () => {
    const lib = a.libraries.libraries[0];
    const uri = vscode.Uri.from({ scheme: schemes.library, authority: lib.key, path: '/../../../../../../etc/hostname' });
    const doc = await vscode.workspace.openTextDocument(uri);
    // Either the `..` reaches the provider (refused) or the URI was normalised to a path inside the library (absent there).
    assert.match(doc.getText(), /leads outside the library; it is not read\.|^Could not read .*etc.hostname/);
    if (fs.existsSync('/etc/hostname')) assert.notEqual(doc.getText(), fs.readFileSync('/etc/hostname', 'utf8'));
  });
});
