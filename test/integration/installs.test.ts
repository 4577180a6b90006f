// Install into Workspace inside VS Code (the tool pick and confirmations answered by the test, the engine real), the In This Workspace view's markers
// after a local edit and an upstream change of a git library (a bare repository behind a file:// URL), and Update Installed Assets with its diffs.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import type { InstallIntoResult, InstallUpdateResult } from '../../src/vscode/commands/installs';
import type { WhereUsedResult } from '../../src/vscode/commands/whereUsed';
import type { PromptAnswer, PromptView } from '../../src/vscode/multiStepInput';
import type { AssetNode } from '../../src/vscode/views/catalogTree';
import type { InstalledNode, InstallsInfo } from '../../src/vscode/views/pilotsTree';
import { api, assetRows, git, repoRoot, resetSettings, settled, tooltipText, waitFor, write } from './helpers';

type Step = (view: PromptView) => PromptAnswer;

/** Plays the user: each prompt gets the next step's answer; a step's failed assertion cancels the flow and is reported. */
function script(a: GenAiAssetsApi, steps: Step[]): { views: PromptView[]; check(): void } {
  const views: PromptView[] = [];
  const errors: unknown[] = [];
  let next = 0;
  a.prompter.answerWith((view) => {
    views.push(view);
    const step = steps[next++];
    if (!step) {
      errors.push(new Error(`no answer scripted for prompt ${views.length}: ${JSON.stringify(view)}`));
      return 'cancel';
    }
    try {
      return step(view);
    } catch (e) {
      errors.push(e);
      return 'cancel';
    }
  });
  return {
    views,
    check() {
      if (errors.length) throw errors[0];
      assert.equal(next, steps.length, `${steps.length - next} scripted answers were not asked for (last prompt: ${JSON.stringify(views.at(-1))})`);
    },
  };
}

const labels = (v: PromptView) => (v.items ?? []).map((i) => i.label.replace(/^\$\([\w-]+\)\s*/, ''));
const picked = (v: PromptView) => (v.items ?? []).filter((i) => i.picked).map((i) => i.label.replace(/^\$\([\w-]+\)\s*/, ''));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Lock {
  library: { name: string; url: string; commit: string };
  components: { id: string; version: string; target: string; files: { path: string; sha256: string }[] }[];
}

const manifest = (id: string, version: string, status: string, entry: string) => `id: ${id}\nkind: prompt\nversion: ${version}\nstatus: ${status}\nowners: [platform-team]\nentry: ${entry}\n`;

describe('Install into Workspace and the In This Workspace view', () => {
  let a: GenAiAssetsApi;
  let work: string;
  let url: string;
  let repo: string;
  let instructions: string;
  let prompt: string;
  const temps: string[] = [];
  const text = (rel: string) => fs.readFileSync(path.join(repo, ...rel.split('/')), 'utf8');
  const lock = () => JSON.parse(text('genai-assets.lock.json')) as Lock;

  /** The repository's row of the view and its installed assets, as the view renders them. */
  function view(): { root: vscode.TreeItem; rows: Record<string, { description: string; context: string; tooltip: string }> } | undefined {
    const node = a.pilots.getChildren().find((n): n is InstallsInfo => n.type === 'installs' && n.folder.fsPath === repo);
    if (!node) return undefined;
    const out: Record<string, { description: string; context: string; tooltip: string }> = {};
    for (const child of a.pilots.getChildren(node) as InstalledNode[]) {
      const item = a.pilots.getTreeItem(child);
      out[`${child.component.id} ${child.component.target}`] = { description: String(item.description), context: item.contextValue ?? '', tooltip: tooltipText(item) };
    }
    return { root: a.pilots.getTreeItem(node), rows: out };
  }

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    // The library: real instructions from awesome-copilot and the sample's VS Code prompt file, in a bare repository served by file://.
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-install-lib-'));
    temps.push(work);
    instructions = fs.readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'real', 'awesome-copilot', 'instructions', 'langchain-python.instructions.md'), 'utf8');
    prompt = fs.readFileSync(path.join(repoRoot(), 'samples', 'library', 'prompts', 'adjuster-email-reply', 'adjuster-email-reply.prompt.md'), 'utf8');
    git(work, 'init', '-q', '-b', 'main');
    write(work, 'library.yaml', 'name: it-installs\npolicy:\n  scaffoldStatuses: [approved]\n  requireApproval: false\n');
    write(work, 'instructions/langchain-python/asset.yaml', manifest('langchain-python', '1.0.0', 'approved', 'langchain-python.instructions.md'));
    write(work, 'instructions/langchain-python/langchain-python.instructions.md', instructions);
    write(work, 'prompts/email-reply/asset.yaml', manifest('email-reply', '1.0.0', 'approved', 'email-reply.prompt.md'));
    write(work, 'prompts/email-reply/email-reply.prompt.md', prompt);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'Library');
    const bare = path.join(work, '..', `${path.basename(work)}.git`);
    temps.push(bare);
    git(work, 'clone', '-q', '--bare', work, bare);
    git(work, 'remote', 'add', 'origin', bare);
    url = pathToFileURL(bare).href;
    await vscode.workspace.getConfiguration('genaiAssets').update('libraries', [{ url }], vscode.ConfigurationTarget.Global);
    await waitFor('the git library in the catalog', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].catalog?.library.name === 'it-installs' && !a.libraries.busy, 60_000);
    // The repository to install into: a folder of the workspace (removed after).
    repo = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'it-installed-repo');
    fs.rmSync(repo, { recursive: true, force: true });
    fs.mkdirSync(repo);
    write(repo, 'README.md', '# A repository that installs from the library\n');
  });

  afterEach(async () => {
    a.prompter.answerWith(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
    await resetSettings();
    await settled(a, 'the sample library to come back');
    await vscode.commands.executeCommand('genaiAssets.refreshPilots');
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  it('Install into Workspace: the tools picked once (remembered), what is written and converted shown before writing, files where each tool reads them, the lock written', async () => {
    const row = (await assetRows(a)).find((r) => (r.node as AssetNode).asset.id === 'langchain-python');
    assert.ok(row, 'the instructions row');
    assert.match(row.item.contextValue ?? '', /^asset;history;installable$/, 'offers Install into Workspace');
    const s = script(a, [
      (v) => {
        assert.deepEqual([v.kind, v.canSelectMany], ['pick', true]);
        assert.deepEqual(labels(v), ['Copilot (VS Code)', 'Claude Code', 'Cursor', 'AGENTS.md']);
        assert.deepEqual(picked(v), ['Copilot (VS Code)'], 'Copilot preselected the first time');
        return { pick: ['Copilot (VS Code)', 'Cursor'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.modal, v.choices], ['message', true, ['Install', 'Change Tools...']]);
        assert.equal(v.message, 'Install langchain-python 1.0.0 into it-installed-repo for Copilot (VS Code) and Cursor?');
        assert.match(v.detail ?? '', /langchain-python 1\.0\.0 for copilot → \.github\/instructions\/langchain-python\.instructions\.md/);
        assert.match(v.detail ?? '', /langchain-python 1\.0\.0 for cursor → \.cursor\/rules\/langchain-python\.mdc/);
        assert.match(v.detail ?? '', /Converted: langchain-python for cursor: applyTo `\*\*\/\*\.py` -> globs: \*\*\/\*\.py/);
        assert.match(v.detail ?? '', /3 files written, genai-assets\.lock\.json included\./);
        assert.ok(!fs.existsSync(path.join(repo, 'genai-assets.lock.json')), 'nothing written before the answer');
        return { choice: 'Install' };
      },
      (v) => {
        assert.equal(v.kind, 'message');
        assert.match(v.message ?? '', /^Installed langchain-python 1\.0\.0 into it-installed-repo for Copilot \(VS Code\) and Cursor: .*Converted: /);
        return 'cancel';
      },
    ]);
    const node = row.node as AssetNode;
    const result = await vscode.commands.executeCommand<InstallIntoResult | undefined>('genaiAssets.installIntoWorkspace', { asset: node.asset, library: node.library, into: repo });
    await waitFor('the closing message', () => s.views.length === 3);
    s.check();
    assert.ok(result);
    assert.deepEqual(result.targets, ['copilot', 'cursor']);
    assert.deepEqual(result.written.sort(), ['.cursor/rules/langchain-python.mdc', '.github/instructions/langchain-python.instructions.md', 'genai-assets.lock.json']);
    assert.equal(text('.github/instructions/langchain-python.instructions.md'), instructions, 'copied as it is where VS Code reads instructions');
    assert.match(
      text('.cursor/rules/langchain-python.mdc'),
      /^---\ndescription: Instructions for using LangChain with Python\nglobs: \*\*\/\*\.py\nalwaysApply: false\n---\n# LangChain Python Instructions/,
    );
    const l = lock();
    assert.equal(l.library.name, 'it-installs');
    assert.equal(l.library.commit, git(work, 'rev-parse', 'HEAD').trim());
    assert.deepEqual(
      l.components.map((c) => `${c.id}@${c.version} ${c.target}`),
      ['langchain-python@1.0.0 copilot', 'langchain-python@1.0.0 cursor'],
    );
    assert.equal(l.components[0].files[0].sha256, sha256(instructions));

    // The tools are remembered: the next install asks no tool; Cursor has no prompt files, so it is refused until the tools change.
    const t = script(a, [
      (v) => {
        assert.deepEqual([v.kind, v.modal, v.choices], ['message', true, ['Change Tools...']]);
        assert.equal(v.message, 'email-reply cannot be installed for Copilot (VS Code) and Cursor. Nothing was written.');
        assert.match(v.detail ?? '', /`email-reply` \(vscode-prompt\) cannot be installed for Cursor: Cursor has no prompt files \(install it for copilot or claude\)\./);
        return { choice: 'Change Tools...' };
      },
      (v) => {
        assert.deepEqual(picked(v), ['Copilot (VS Code)', 'Cursor'], 'the remembered tools preselected');
        return { pick: ['Copilot (VS Code)'] };
      },
      (v) => {
        assert.equal(v.message, 'Install email-reply 1.0.0 into it-installed-repo for Copilot (VS Code)?');
        return { choice: 'Install' };
      },
      () => 'cancel',
    ]);
    const second = await vscode.commands.executeCommand<InstallIntoResult | undefined>('genaiAssets.installIntoWorkspace', { asset: 'email-reply', into: repo });
    assert.deepEqual(second?.targets, ['copilot']);
    await waitFor('the closing message', () => t.views.length === 4);
    t.check();
    assert.equal(text('.github/prompts/email-reply.prompt.md'), prompt);
    assert.deepEqual(
      lock().components.map((c) => `${c.id} ${c.target}`),
      ['langchain-python copilot', 'langchain-python cursor', 'email-reply copilot'],
    );
  });

  it('In This Workspace: the installed assets with their tool and version; a local edit marks one modified, an upstream change outdated, a deprecation deprecated', async () => {
    await vscode.commands.executeCommand('genaiAssets.refreshPilots');
    let shown = await waitFor('the installs in the view, checked', () => {
      const v = view();
      return v && Object.keys(v.rows).length === 3 && Object.values(v.rows).every((r) => r.description.includes('1.0.0')) ? v : undefined;
    });
    assert.equal(shown.root.label, 'it-installed-repo');
    assert.equal(shown.root.description, '3 installed assets');
    assert.equal(shown.root.contextValue, 'installs');
    assert.deepEqual(Object.fromEntries(Object.entries(shown.rows).map(([k, r]) => [k, r.description])), {
      'langchain-python copilot': 'copilot · 1.0.0',
      'langchain-python cursor': 'cursor · 1.0.0',
      'email-reply copilot': 'copilot · 1.0.0',
    });
    assert.match(shown.rows['langchain-python cursor'].tooltip, /Installed for: cursor \(\.cursor\/rules\/langchain-python\.mdc\)/);

    // A local edit, saved in the editor: the asset is marked modified.
    const doc = await vscode.workspace.openTextDocument(path.join(repo, '.github', 'prompts', 'email-reply.prompt.md'));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(5, 0, 5, '# Draft a reply to a customer'.length), '# Draft a reply to a customer of ours');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    shown = await waitFor('the modified marker', () => {
      const v = view();
      return v?.rows['email-reply copilot']?.description === 'copilot · 1.0.0 · modified' ? v : undefined;
    });
    assert.match(shown.rows['email-reply copilot'].context, /^installedAsset;updatable;inLibrary;modified$/);
    assert.equal(shown.root.description, '1 needs attention');

    // Upstream: a new version of the prompt (its last line changed) and the instructions deprecated; Sync brings them.
    write(work, 'prompts/email-reply/asset.yaml', manifest('email-reply', '1.1.0', 'approved', 'email-reply.prompt.md'));
    write(work, 'prompts/email-reply/email-reply.prompt.md', prompt.replace('Reply with the email text only.', 'Reply with the email text only, without a subject line.'));
    write(work, 'instructions/langchain-python/asset.yaml', manifest('langchain-python', '1.0.0', 'deprecated', 'langchain-python.instructions.md'));
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'email-reply 1.1.0; langchain-python deprecated');
    git(work, 'push', '-q', 'origin', 'main');
    const outcome = await vscode.commands.executeCommand<{ synced: number; failed: number }>('genaiAssets.syncLibraries');
    assert.equal(outcome.failed, 0);
    shown = await waitFor(
      'the outdated and deprecated markers',
      () => {
        const v = view();
        return v?.rows['email-reply copilot']?.description.includes('1.1.0') && v.rows['langchain-python copilot'].description.includes('deprecated') ? v : undefined;
      },
      30_000,
    );
    assert.deepEqual(Object.fromEntries(Object.entries(shown.rows).map(([k, r]) => [k, r.description])), {
      'langchain-python copilot': 'copilot · 1.0.0 · deprecated',
      'langchain-python cursor': 'cursor · 1.0.0 · deprecated',
      'email-reply copilot': 'copilot · 1.0.0 → 1.1.0 · modified',
    });
    assert.equal(shown.root.description, '3 need attention');
  });

  it('Update Installed Assets: the assets needing attention preselected, a diff per file (now ↔ after the three-way merge), applied on confirmation; local edits kept', async () => {
    let diffShown: vscode.TabInputTextDiff | undefined;
    const s = script(a, [
      (v) => {
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.canSelectMany], ['pick', 1, 2, true]);
        assert.deepEqual(labels(v), ['langchain-python', 'email-reply']);
        assert.deepEqual(picked(v), ['langchain-python', 'email-reply']);
        assert.equal(v.items![1].description, '1.0.0 → 1.1.0');
        return { pick: ['email-reply'] };
      },
      (v) => {
        assert.deepEqual([v.step, v.totalSteps], [2, 2]);
        const rows = Object.fromEntries(v.items!.filter((i) => !i.label.startsWith('$(check)')).map((i) => [i.label, i.description]));
        assert.deepEqual(rows, { '.github/prompts/email-reply.prompt.md': 'merged: local edits kept', 'genai-assets.lock.json': 'rewritten' });
        return { pick: ['.github/prompts/email-reply.prompt.md'] };
      },
      (v) => {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        if (tab instanceof vscode.TabInputTextDiff) diffShown = tab;
        assert.equal(v.step, 2);
        return { pick: ['Apply these changes...'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.modal, v.choices], ['message', true, ['Update']]);
        assert.equal(v.message, 'Update email-reply (copilot) 1.0.0 → 1.1.0 in it-installed-repo?');
        assert.match(v.detail ?? '', /^2 files written, 0 removed; genai-assets\.lock\.json is rewritten\./);
        return { choice: 'Update' };
      },
      (v) => {
        assert.equal(v.message, 'Updated email-reply (copilot) 1.0.0 → 1.1.0 in it-installed-repo.');
        return 'cancel';
      },
    ]);
    const node = a.pilots.getChildren().find((n): n is InstallsInfo => n.type === 'installs' && n.folder.fsPath === repo);
    const result = await vscode.commands.executeCommand<InstallUpdateResult | undefined>('genaiAssets.updateInstalled', node);
    await waitFor('the closing message', () => s.views.length === 5);
    s.check();
    assert.ok(diffShown, 'a diff editor was shown');
    assert.equal(diffShown.original.fsPath, path.join(repo, '.github', 'prompts', 'email-reply.prompt.md'));
    assert.equal(diffShown.modified.scheme, 'genai-assets-planned');
    assert.ok(result);
    assert.deepEqual(result.updated, ['email-reply:copilot']);
    assert.deepEqual(result.conflicts, []);
    const merged = text('.github/prompts/email-reply.prompt.md');
    assert.match(merged, /# Draft a reply to a customer of ours\n/, 'the local edit kept');
    assert.match(merged, /Reply with the email text only, without a subject line\.\n$/, 'the upstream change taken');
    assert.equal(lock().components.find((c) => c.id === 'email-reply')!.version, '1.1.0');
    const shown = await waitFor('the updated row', () => {
      const v = view();
      return v?.rows['email-reply copilot']?.description === 'copilot · 1.1.0 · modified' ? v : undefined;
    });
    assert.doesNotMatch(shown.rows['email-reply copilot'].description, /→/);
  });

  it('Where used: with genaiAssets.fleet set to two repositories (bare, file://) holding locks, the catalog tooltip says "Used by N repositories (M outdated)"; Show Where Used shows the table', async () => {
    // Repository A: this workspace's repository as it is now (email-reply 1.1.0, edited; langchain-python for two tools).
    const served = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-fleet-'));
    temps.push(served);
    const publish = (name: string, from: string): string => {
      git(from, 'init', '-q', '-b', 'main');
      git(from, 'add', '-A');
      git(from, 'commit', '-q', '-m', `${name} at work`);
      const bare = path.join(served, `${name}.git`);
      git(served, 'clone', '-q', '--bare', from, bare);
      git(bare, 'config', 'uploadpack.allowFilter', 'true');
      git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
      return pathToFileURL(bare).href;
    };
    const copyA = path.join(served, 'a');
    fs.cpSync(repo, copyA, { recursive: true });
    const urlA = publish('a', copyA);
    // Repository B: email-reply installed at 1.0.0 and left there (outdated), untouched.
    const copyB = path.join(served, 'b');
    write(copyB, '.github/prompts/email-reply.prompt.md', prompt);
    const l = lock();
    const locked = l.components.find((c) => c.id === 'email-reply')!;
    write(
      copyB,
      'genai-assets.lock.json',
      JSON.stringify(
        { library: l.library, components: [{ ...locked, version: '1.0.0', reference: 'email-reply@^1.0', files: [{ path: '.github/prompts/email-reply.prompt.md', sha256: sha256(prompt) }] }] },
        null,
        2,
      ) + '\n',
    );
    const urlB = publish('b', copyB);
    await vscode.workspace.getConfiguration('genaiAssets').update('fleet', [urlA, urlB], vscode.ConfigurationTarget.Global);
    try {
      const tooltip = async (id: string) => tooltipText((await assetRows(a)).find((r) => (r.node as AssetNode).asset.id === id)!.item);
      const text = await waitFor(
        'the where-used line in the tooltip',
        async () => {
          const t = await tooltip('email-reply');
          return t.includes('Used by') ? t : undefined;
        },
        60_000,
      );
      assert.match(text, /Used by 2 repositories \(1 outdated\)/);
      assert.match(await tooltip('langchain-python'), /Used by 1 repository \(0 outdated\)/);
      assert.equal(a.fleet.current?.repositories.filter((r) => !r.error).length, 2);

      const result = await vscode.commands.executeCommand<WhereUsedResult | undefined>('genaiAssets.showWhereUsed', { library: a.libraries.libraries[0] });
      assert.ok(result);
      assert.equal(result.library, 'it-installs');
      const usage = result.report.assets.find((x) => x.id === 'email-reply')!;
      assert.deepEqual(usage.counts, { repositories: 2, outdated: 1, modified: 1, deprecated: 0 });
      assert.match(result.markdown, /^\| `email-reply` \| prompt \| 1\.1\.0 \| 2 \| 1 \| 1 \| 0 \|$/m);
      assert.match(result.markdown, /^\| `langchain-python` \| prompt \| - \(deprecated\) \| 1 \| \d \| 0 \| 1 \|$/m);
      // The table in the Markdown preview.
      await waitFor('the where-used preview', () =>
        vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label.includes('where-used-it-installs'))),
      );
    } finally {
      await vscode.workspace.getConfiguration('genaiAssets').update('fleet', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
