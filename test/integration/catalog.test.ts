// The Catalog view on the sample library: rows, descriptions, icons, tooltips, context values; filters and grouping.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Catalog } from '../../src/core/library/types';
import { openFolderLibrary } from '../../src/node/openFolder';
import type { GenAiAssetsApi } from '../../src/extension';
import type { PromptView } from '../../src/vscode/multiStepInput';
import { api, assetRows, repoRoot, resetSettings, rows, settled, tooltipText, waitFor } from './helpers';

describe('catalog view', () => {
  let a: GenAiAssetsApi;
  /** The sample library as the engine reads it: what the view must show. */
  let expected: Catalog;

  before(async () => {
    a = await api();
    expected = await openFolderLibrary(path.join(repoRoot(), 'samples', 'library'));
    await vscode.commands.executeCommand('genaiAssets.catalog.focus');
    await settled(a, 'the sample library to load once the catalog is shown');
  });

  /** The sample library's row (below the notice that it is the sample). */
  const libraryRow = async () => (await rows(a)).find((r) => r.node.type === 'library')!;

  afterEach(async () => {
    await vscode.commands.executeCommand('genaiAssets.clearFilter');
    await vscode.commands.executeCommand('genaiAssets.groupByKind');
  });

  it('loads when the view is shown; with nothing configured and no library.yaml in the workspace, the root is the bundled sample library', async () => {
    assert.equal(a.catalogView.visible, true);
    assert.deepEqual(
      a.libraries.libraries.map((l) => [l.origin, l.root]),
      [['sample', path.join(repoRoot(), 'samples', 'library')]],
    );
    const root = (await rows(a)).filter((r) => r.node.type === 'library');
    assert.equal(root.length, 1);
    assert.equal(root[0].label, expected.library.name);
    assert.equal(root[0].description, `${expected.assets.length} assets · sample`);
    assert.equal(root[0].item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(root[0].item.contextValue ?? '', /^library/);
  });

  it('groups by kind (Prompts, Eval suites, Modules, Templates) and shows every asset with title, its version (and status unless approved), a kind icon and a context value', async () => {
    const lib = await libraryRow();
    const groups = await rows(a, lib.node);
    const kinds = ['prompt', 'eval', 'module', 'template'].filter((k) => expected.assets.some((x) => x.kind === k));
    const labels: Record<string, string> = { prompt: 'Prompts', eval: 'Eval suites', module: 'Modules', template: 'Templates' };
    assert.deepEqual(
      groups.map((g) => g.label),
      kinds.map((k) => labels[k]),
    );
    const icons: Record<string, string> = { prompt: 'comment-discussion', eval: 'beaker', module: 'package', template: 'notebook-template' };
    for (const [i, k] of kinds.entries()) {
      const assetsOfKind = expected.assets.filter((x) => x.kind === k);
      assert.equal(groups[i].description, String(assetsOfKind.length));
      const shown = await rows(a, groups[i].node);
      assert.deepEqual(shown.map((r) => r.label).sort(), assetsOfKind.map((x) => x.title).sort());
      for (const r of shown) {
        const asset = assetsOfKind.find((x) => x.title === r.label)!;
        assert.equal(r.description, asset.status === 'approved' ? asset.version : `${asset.version} · ${asset.status}`, 'the status in words only when not approved');
        // Install into Workspace is offered on what a coding tool reads from a repository (here the VS Code prompt file).
        assert.match(r.item.contextValue ?? '', asset.format === 'vscode-prompt' ? /^asset(;history)?;installable$/ : /^asset(;history)?$/);
        assert.equal((r.item.iconPath as vscode.ThemeIcon).id, icons[k]);
        assert.equal(r.item.resourceUri?.scheme, 'genai-assets-asset');
        assert.equal(new URLSearchParams(r.item.resourceUri!.query).get('status'), asset.status);
        assert.equal(r.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
      }
    }
  });

  it('colours the icon by status and gives a Markdown tooltip with id, owners, tags, model, inputs, eval suites and commit', async () => {
    const shown = await assetRows(a);
    const colours = new Set<string>();
    for (const r of shown) colours.add(`${new URLSearchParams(r.item.resourceUri!.query).get('status')}=${((r.item.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor | undefined)?.id}`);
    for (const c of colours) assert.match(c, /^(approved=charts\.green|draft=charts\.yellow|review=charts\.yellow|deprecated=disabledForeground)$/);
    const prompt = expected.assets.find((x) => x.kind === 'prompt' && x.status === 'approved' && x.owners.length && x.inputs.length)!;
    assert.ok(prompt, 'the sample has an approved prompt with owners and inputs');
    const row = shown.find((r) => r.label === prompt.title)!;
    const tip = tooltipText(row.item);
    assert.ok(row.item.tooltip instanceof vscode.MarkdownString);
    assert.ok(tip.includes(`\`${prompt.id}\``), 'id');
    for (const o of prompt.owners) assert.ok(tip.includes(o), `owner ${o} in ${tip}`);
    for (const t of prompt.tags) assert.ok(tip.includes(t), `tag ${t}`);
    if (prompt.model) assert.ok(tip.includes(prompt.model), 'model');
    for (const i of prompt.inputs) assert.ok(tip.includes(i.name), `input ${i.name}`);
    assert.match(tip, /Eval suites: /);
    assert.match(tip, /Library: /);
  });

  it("lists an asset's files under it, the entry first, each opening the file", async () => {
    const shown = await assetRows(a);
    const asset = expected.assets.find((x) => x.managed && x.entryFile && x.files.length > 1)!;
    const row = shown.find((r) => r.label === asset.title)!;
    const files = await rows(a, row.node);
    assert.equal(files.length, asset.files.length);
    assert.equal(files[0].description, 'entry');
    assert.equal(files[0].label, asset.entryFile!.slice(asset.path.length + 1));
    assert.equal(files[0].item.contextValue, 'assetFile');
    assert.equal(files[0].item.command?.command, 'vscode.open');
    assert.equal(files[0].item.resourceUri?.fsPath, path.join(repoRoot(), 'samples', 'library', ...asset.entryFile!.split('/')));
  });

  it('filters by status, tag, owner and text, shows the filter in the view description, and clears it', async () => {
    await vscode.commands.executeCommand('genaiAssets.filterByStatus', 'approved');
    let shown = await assetRows(a);
    assert.equal(shown.length, expected.assets.filter((x) => x.status === 'approved').length);
    assert.ok(shown.every((r) => new URLSearchParams(r.item.resourceUri!.query).get('status') === 'approved' && !r.description!.includes(' · ')));
    assert.equal(a.catalogView.description, 'status: approved');

    const tag = expected.assets.flatMap((x) => x.tags)[0];
    await vscode.commands.executeCommand('genaiAssets.filterByTag', tag);
    shown = await assetRows(a);
    assert.deepEqual(
      shown.map((r) => r.label).sort(),
      expected.assets
        .filter((x) => x.status === 'approved' && x.tags.includes(tag))
        .map((x) => x.title)
        .sort(),
    );
    assert.equal(a.catalogView.description, `tag: ${tag} · status: approved`);

    await vscode.commands.executeCommand('genaiAssets.clearFilter');
    const owner = expected.assets.flatMap((x) => x.owners)[0];
    await vscode.commands.executeCommand('genaiAssets.filterByOwner', owner);
    shown = await assetRows(a);
    assert.equal(shown.length, expected.assets.filter((x) => x.owners.includes(owner)).length);

    await vscode.commands.executeCommand('genaiAssets.clearFilter');
    const target = expected.assets[0];
    await vscode.commands.executeCommand('genaiAssets.filterByText', target.id);
    shown = await assetRows(a);
    assert.ok(shown.some((r) => r.label === target.title));
    assert.equal(a.catalogView.description, `"${target.id}"`);

    await vscode.commands.executeCommand('genaiAssets.filterByText', 'no-asset-has-this-word');
    const lib = await libraryRow();
    const children = await rows(a, lib.node);
    assert.equal(children.length, 1);
    assert.equal(children[0].label, 'No asset matches the filter. Click to clear it.');
    assert.equal(children[0].item.command?.command, 'genaiAssets.clearFilter');

    await vscode.commands.executeCommand('genaiAssets.clearFilter');
    assert.equal(a.catalogView.description, undefined);
    assert.equal((await assetRows(a)).length, expected.assets.length);
  });

  it('groups by tag and by owner (an asset under each of its tags; untagged ones last), then back by kind', async () => {
    await vscode.commands.executeCommand('genaiAssets.groupByTag');
    const lib = await libraryRow();
    let groups = await rows(a, lib.node);
    const tags = [...new Set(expected.assets.flatMap((x) => x.tags))].sort((x, y) => x.localeCompare(y));
    const untagged = expected.assets.some((x) => !x.tags.length);
    assert.deepEqual(
      groups.map((g) => g.label),
      [...tags, ...(untagged ? ['(no tag)'] : [])],
    );
    for (const g of groups.slice(0, tags.length)) {
      assert.equal(Number(g.description), expected.assets.filter((x) => x.tags.includes(g.label)).length);
      assert.equal((g.item.iconPath as vscode.ThemeIcon).id, 'tag');
    }
    assert.equal(a.catalogView.description, 'by tag');

    await vscode.commands.executeCommand('genaiAssets.groupByOwner');
    groups = await rows(a, lib.node);
    // Owners by display name (`Name <email>` shows Name), the full owner in the tooltip.
    const owners = [...new Set(expected.assets.flatMap((x) => x.owners))].sort((x, y) => x.localeCompare(y));
    assert.ok(
      owners.some((o) => o.includes('<')),
      'the sample has an owner written Name <email>',
    );
    assert.deepEqual(
      groups.map((g) => g.label).filter((l) => l !== '(no owner)'),
      owners.map((o) => o.replace(/\s*<[^>]*>$/, '')),
    );
    const named = groups.find((g) => g.label !== '(no owner)' && owners.find((o) => o.includes('<') && o.startsWith(g.label)))!;
    assert.match(String(named.item.tooltip), /<[^>]+@[^>]+>$/);

    await vscode.commands.executeCommand('genaiAssets.groupByKind');
    groups = await rows(a, lib.node);
    assert.equal(groups[0].label, 'Prompts');
    await waitFor('the description to clear', () => a.catalogView.description === undefined);
  });
  it('says at the top that the sample library is shown, with Add Library, and so does New Pilot; both go once a real library is configured', async () => {
    assert.match(a.catalogView.message ?? '', /^Sample library: fictional assets/);
    const [notice, lib] = await rows(a);
    assert.equal(notice.label, "Sample library — add your organisation's library");
    assert.equal(notice.item.command?.command, 'genaiAssets.addLibrary');
    assert.equal(lib.label, expected.library.name);

    // New Pilot: the template step says its templates come from the sample library.
    const seen: PromptView[] = [];
    a.prompter.answerWith((v) => {
      seen.push(v);
      return 'cancel';
    });
    try {
      assert.equal(await vscode.commands.executeCommand('genaiAssets.newPilot'), undefined);
    } finally {
      a.prompter.answerWith(undefined);
    }
    assert.equal(seen[0]?.kind, 'pick');
    assert.match(seen[0].placeholder ?? '', /sample library/i);
    assert.ok(seen[0].items?.length && seen[0].items.every((i) => /sample library/i.test(i.detail ?? '')), JSON.stringify(seen[0].items));

    // A real library configured: the notice and the message are gone.
    try {
      const library = path.join(repoRoot(), 'test', 'fixtures', 'vscode', 'pilot-library');
      await vscode.workspace.getConfiguration('genaiAssets').update('libraries', [{ path: library }], vscode.ConfigurationTarget.Global);
      const root = await waitFor('the configured library as the only root', async () => {
        const r = await rows(a);
        return r.length === 1 && a.libraries.libraries[0]?.origin === 'settings' && a.libraries.libraries[0].status === 'ready' ? r : undefined;
      });
      assert.equal(root[0].node.type, 'library');
      assert.ok(!a.catalogView.message, `no message: ${a.catalogView.message}`);
    } finally {
      await resetSettings();
      await waitFor('the sample library back', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample' && a.libraries.libraries[0].status === 'ready');
    }
  });
});
