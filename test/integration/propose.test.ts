// Propose to Library inside VS Code: the library pick and the id (answers given by the test), the review in a multi-diff editor,
// the modal before the push; then git on the bare library says what was pushed: one branch with one commit, main untouched.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { GenAiAssetsApi } from '../../src/extension';
import type { ProposeResult } from '../../src/vscode/commands/propose';
import type { PromptAnswer, PromptView } from '../../src/vscode/multiStepInput';
import type { PilotComponentNode } from '../../src/vscode/views/pilotsTree';
import { api, git, makeGitLibrary, repoRoot, resetSettings, settled, waitFor } from './helpers';

type Step = (view: PromptView) => PromptAnswer | Promise<PromptAnswer>;

/** Plays the user: each prompt gets the next step's answer; a step's failed assertion cancels the flow and is reported by check(). */
function script(a: GenAiAssetsApi, steps: Step[]): { check(): void } {
  const errors: unknown[] = [];
  let next = 0;
  a.prompter.answerWith(async (view) => {
    const step = steps[next++];
    if (!step) {
      errors.push(new Error(`no answer scripted for prompt ${next}: ${JSON.stringify(view)}`));
      return 'cancel';
    }
    try {
      return await step(view);
    } catch (e) {
      errors.push(e);
      return 'cancel';
    }
  });
  return {
    check() {
      if (errors.length) throw errors[0];
      assert.equal(next, steps.length, `${steps.length - next} scripted answers were not asked for`);
    },
  };
}

const labels = (v: PromptView) => (v.items ?? []).map((i) => i.label.replace(/^\$\([\w-]+\)\s*/, ''));
const bareGit = (dir: string, ...args: string[]) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8' });
const heads = (dir: string) => bareGit(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads').trim().split('\n');
const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');

/** A library as a bare repository behind a file:// URL (what a team's server holds), made from makeGitLibrary's work tree. */
function bareLibrary(name: string): { bare: string; url: string; work: string; main: string } {
  const work = makeGitLibrary(name).dir;
  const bare = `${work}.git`;
  git(os.tmpdir(), 'clone', '-q', '--bare', work, bare);
  return { bare, url: pathToFileURL(bare).href, work, main: bareGit(bare, 'rev-parse', 'refs/heads/main').trim() };
}

describe('Propose to Library', () => {
  let a: GenAiAssetsApi;
  let target: ReturnType<typeof bareLibrary>;
  let other: ReturnType<typeof bareLibrary>;
  let folder: string;
  /** A real instructions file (awesome-copilot), copied outside the workspace. */
  let instructions: string;
  const identity = { GIT_AUTHOR_NAME: 'Propose Tester', GIT_AUTHOR_EMAIL: 'propose.tester@example.com', GIT_COMMITTER_NAME: 'Propose Tester', GIT_COMMITTER_EMAIL: 'propose.tester@example.com' };
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    target = bareLibrary('propose-lib');
    other = bareLibrary('other-lib');
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-propose-it-'));
    instructions = path.join(folder, 'caveman-mode.instructions.md');
    fs.copyFileSync(path.join(repoRoot(), 'test', 'fixtures', 'real', 'awesome-copilot', 'instructions', 'caveman-mode.instructions.md'), instructions);
    // The extension host's git takes its identity from the environment, as it would from the user's git config.
    for (const [k, v] of Object.entries(identity)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    await vscode.workspace.getConfiguration('genaiAssets').update(
      'libraries',
      [
        { name: 'propose-lib', url: target.url },
        { name: 'other-lib', url: other.url },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await a.libraries.reload('propose test libraries');
    await settled(a);
    await waitFor('both libraries ready', () => a.libraries.libraries.length === 2 && a.libraries.libraries.every((l) => l.status === 'ready'));
  });

  afterEach(async () => {
    a.prompter.answerWith(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await resetSettings();
    await a.libraries.reload('propose test done');
    await waitFor('the sample library to come back', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample' && a.libraries.libraries[0].status === 'ready');
    for (const dir of [target.work, target.bare, other.work, other.bare, folder]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a new instructions file: library picked, id checked, files and manifest reviewed in a multi-diff, one commit on propose/<id>-<date>, main untouched', async () => {
    const branch = `propose/terse-answers-${today()}`;
    const s = script(a, [
      (v) => {
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.canGoBack], ['pick', 1, 2, false]);
        assert.deepEqual(labels(v), ['propose-lib', 'other-lib']);
        assert.match(v.title ?? '', /Propose to Library: caveman-mode\.instructions\.md/);
        return { pick: ['propose-lib'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.canGoBack, v.value, v.placeholder], ['input', 2, 2, true, '', 'caveman-mode']);
        assert.match(v.prompt ?? '', /id in propose-lib .*Leave empty for `caveman-mode`/);
        return { value: 'Terse Answers' };
      },
      (v) => {
        assert.match(v.validationMessage ?? '', /`Terse Answers` is not kebab-case/);
        return { value: 'terse-answers' };
      },
      async (v) => {
        assert.deepEqual([v.kind, v.modal, v.message, v.choices], ['message', true, `Push branch ${branch} to propose-lib?`, ['Push']]);
        assert.match(v.detail ?? '', /^Proposes new prompt terse-answers 0\.1\.0 \(commit [0-9a-f]{12}\):\nadd terse-answers\/asset\.yaml\nadd terse-answers\/caveman-mode\.instructions\.md\n/);
        assert.match(v.detail ?? '', /Only this branch is pushed; propose-lib's main branch is not changed\./);
        // Under review: one multi-diff editor holding the new files, the manifest among them; nothing is on the remote yet.
        const tab = await waitFor('the review editor', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Proposal: ')));
        assert.equal(tab.label, 'Proposal: terse-answers 0.1.0 to propose-lib (2 files)');
        // Its right side: the read-only documents of the proposed files, the generated manifest with them.
        const shown = await waitFor('the proposed manifest in the review', () =>
          vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'genai-assets-planned' && d.uri.path === '/terse-answers/asset.yaml' && d.getText()),
        );
        assert.match(shown.getText(), /^id: terse-answers\nkind: prompt\nversion: 0\.1\.0\nstatus: draft\n/);
        assert.deepEqual(heads(target.bare), ['refs/heads/main']);
        return { choice: 'Push' };
      },
      (v) => {
        // A file:// remote has no pull request page: the notification names the branch and offers no button.
        assert.deepEqual([v.kind, v.modal, v.choices], ['message', false, []]);
        assert.match(v.message ?? '', new RegExp(`^Pushed branch ${branch} to propose-lib\\. Open a pull request`));
        return 'cancel';
      },
    ]);
    const result = await vscode.commands.executeCommand<ProposeResult>('genaiAssets.proposeToLibrary', vscode.Uri.file(instructions), [vscode.Uri.file(instructions)]);
    s.check();
    assert.equal(result.outcome, 'pushed', result.message);
    assert.deepEqual(
      { ...result, commit: undefined },
      { outcome: 'pushed', library: 'propose-lib', branch, commit: undefined, pullRequestUrl: undefined, files: ['terse-answers/asset.yaml', 'terse-answers/caveman-mode.instructions.md'] },
    );

    // The remote: main where it was, the branch with exactly one commit on top of it, by the user.
    assert.deepEqual(heads(target.bare), ['refs/heads/main', `refs/heads/${branch}`]);
    assert.equal(bareGit(target.bare, 'rev-parse', 'refs/heads/main').trim(), target.main);
    assert.equal(bareGit(target.bare, 'rev-list', `main..${branch}`).trim(), result.commit);
    assert.equal(bareGit(target.bare, 'rev-parse', `${branch}^`).trim(), target.main);
    assert.equal(
      bareGit(target.bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', branch).trim(),
      'Propose Tester <propose.tester@example.com>|Propose Tester <propose.tester@example.com>|Propose terse-answers 0.1.0',
    );
    assert.equal(bareGit(target.bare, 'diff-tree', '-r', '--name-status', '--no-commit-id', branch).trim(), 'A\tterse-answers/asset.yaml\nA\tterse-answers/caveman-mode.instructions.md');
    assert.equal(bareGit(target.bare, 'show', `${branch}:terse-answers/caveman-mode.instructions.md`), fs.readFileSync(instructions, 'utf8'));
    const manifest = parse(bareGit(target.bare, 'show', `${branch}:terse-answers/asset.yaml`)) as Record<string, unknown>;
    assert.deepEqual(
      [manifest.id, manifest.kind, manifest.version, manifest.status, manifest.owners, manifest.entry],
      ['terse-answers', 'prompt', '0.1.0', 'draft', ['Propose Tester <propose.tester@example.com>'], 'caveman-mode.instructions.md'],
    );
    // The library not chosen is untouched.
    assert.deepEqual(heads(other.bare), ['refs/heads/main']);
  });

  it('cancelled at review: nothing is pushed, no branch anywhere', async () => {
    const before = heads(target.bare);
    const s = script(a, [
      () => ({ pick: ['other-lib'] }),
      // Empty: the id from the file's name.
      () => ({ value: '' }),
      (v) => {
        assert.equal(v.message, `Push branch propose/caveman-mode-${today()} to other-lib?`);
        return 'cancel';
      },
    ]);
    const result = await vscode.commands.executeCommand<ProposeResult>('genaiAssets.proposeToLibrary', vscode.Uri.file(instructions));
    s.check();
    assert.deepEqual(result, { outcome: 'cancelled', library: 'other-lib', files: ['caveman-mode/asset.yaml', 'caveman-mode/caveman-mode.instructions.md'] });
    assert.deepEqual(heads(other.bare), ['refs/heads/main']);
    assert.equal(bareGit(other.bare, 'rev-parse', 'refs/heads/main').trim(), other.main);
    assert.deepEqual(heads(target.bare), before);
  });

  it('a modified pilot component (its row in the Pilots view, a file of it in the editor): its change replayed onto the pilot’s library, version bumped, pushed', async () => {
    // The pilot-library fixture as a git library, and a pilot made from it with the CLI; then an edit of a component's file.
    const lib = path.join(folder, 'pilot-library');
    fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'vscode', 'pilot-library'), lib, { recursive: true });
    git(lib, 'init', '-q', '-b', 'main');
    git(lib, 'add', '-A');
    git(lib, 'commit', '-q', '-m', 'The pilot library');
    const bare = `${lib}.git`;
    git(folder, 'clone', '-q', '--bare', lib, bare);
    const main = bareGit(bare, 'rev-parse', 'refs/heads/main').trim();
    const pilot = path.join(folder, 'demo-pilot');
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot(), 'dist', 'cli.js'),
        'scaffold',
        '--library',
        pathToFileURL(bare).href,
        '--template',
        'starter@^1.0',
        '--with',
        'greet@^1.0',
        '--name',
        'demo',
        '--set',
        'team=support',
        '--out',
        pilot,
      ],
      { env: { ...process.env, XDG_CACHE_HOME: path.join(folder, 'cli-cache') }, encoding: 'utf8' },
    );
    const prompt = path.join(pilot, 'prompts', 'greet', 'greet.prompt');
    const edited = fs.readFileSync(prompt, 'utf8') + 'Never use more than twenty words.\n';
    fs.writeFileSync(prompt, edited);
    await vscode.window.showTextDocument(vscode.Uri.file(prompt));

    const branch = `propose/greet-${today()}`;
    // From the Pilots view: a component row (what the tree passes to its context menu), cancelled at review.
    const row: PilotComponentNode = {
      type: 'component',
      pilot: { type: 'pilot', manifest: vscode.Uri.file(path.join(pilot, 'pilot.yaml')), folder: vscode.Uri.file(pilot), name: 'demo', components: ['greet@^1.0'], errors: 0 },
      component: { id: 'greet', modifiedFiles: ['prompts/greet/greet.prompt'] } as PilotComponentNode['component'],
    };
    const cancel = script(a, [
      (v) => {
        assert.deepEqual([v.kind, v.message], ['message', `Push branch ${branch} to pilot-fixtures?`]);
        return 'cancel';
      },
    ]);
    const cancelled = await vscode.commands.executeCommand<ProposeResult>('genaiAssets.proposeToLibrary', row);
    cancel.check();
    assert.deepEqual(cancelled, { outcome: 'cancelled', library: 'pilot-fixtures', files: ['prompts/greet/asset.yaml', 'prompts/greet/greet.prompt'] });
    assert.deepEqual(heads(bare), ['refs/heads/main']);

    const s = script(a, [
      // No library pick and no id: the pilot's library and the component's id.
      (v) => {
        assert.deepEqual([v.kind, v.modal, v.message], ['message', true, `Push branch ${branch} to pilot-fixtures?`]);
        assert.match(v.detail ?? '', /^Proposes 1\.1\.0 → prompt greet 1\.1\.1 \(commit [0-9a-f]{12}\):\nchange prompts\/greet\/asset\.yaml\nchange prompts\/greet\/greet\.prompt\n/);
        return { choice: 'Push' };
      },
      () => 'cancel',
    ]);
    // As the editor's context menu calls it: the file's Uri.
    const result = await vscode.commands.executeCommand<ProposeResult>('genaiAssets.proposeToLibrary', vscode.Uri.file(prompt));
    s.check();
    assert.equal(result.outcome, 'pushed', result.message);
    assert.deepEqual([result.library, result.branch, result.files], ['pilot-fixtures', branch, ['prompts/greet/asset.yaml', 'prompts/greet/greet.prompt']]);
    assert.deepEqual(heads(bare), ['refs/heads/main', `refs/heads/${branch}`]);
    assert.equal(bareGit(bare, 'rev-parse', 'refs/heads/main').trim(), main);
    assert.equal(bareGit(bare, 'rev-list', `main..${branch}`).trim(), result.commit);
    assert.equal(bareGit(bare, 'show', `${branch}:prompts/greet/greet.prompt`), edited);
    const manifest = parse(bareGit(bare, 'show', `${branch}:prompts/greet/asset.yaml`)) as Record<string, unknown>;
    assert.deepEqual([manifest.version, manifest.status], ['1.1.1', 'review']);
    // The pilot itself is left as the user edited it.
    assert.equal(fs.readFileSync(prompt, 'utf8'), edited);
  });

  it('refused by the library’s policy: the findings in a modal error, nothing pushed', async () => {
    // The same real file with its front matter broken (an unclosed quote): a yaml-syntax error.
    const broken = path.join(folder, 'broken.instructions.md');
    fs.writeFileSync(broken, fs.readFileSync(instructions, 'utf8').replace("applyTo: '**'", "applyTo: '**"));
    const s = script(a, [
      () => ({ pick: ['other-lib'] }),
      () => ({ value: '' }),
      (v) => {
        assert.deepEqual([v.kind, v.modal], ['message', true]);
        assert.match(v.message ?? '', /^Propose to Library: The library's policy refuses `broken` 0\.1\.0: 1 error\(s\) on the proposed files:$/);
        assert.match(v.detail ?? '', /broken\/broken\.instructions\.md:\d+:\d+ error yaml-syntax /);
        assert.match(v.detail ?? '', /Fix .*broken\.instructions\.md and propose again/);
        return 'cancel';
      },
    ]);
    const result = await vscode.commands.executeCommand<ProposeResult>('genaiAssets.proposeToLibrary', vscode.Uri.file(broken));
    s.check();
    assert.equal(result.outcome, 'refused');
    assert.deepEqual(heads(other.bare), ['refs/heads/main']);
  });

  it('a file an install wrote: proposed to the library it was installed from, as a change of that asset (no library asked)', async () => {
    // A library with a real instructions asset, served bare; installed for Copilot into a repository with the CLI; then edited.
    const lib = path.join(folder, 'inst-library');
    fs.mkdirSync(path.join(lib, 'instructions', 'caveman-mode'), { recursive: true });
    fs.writeFileSync(path.join(lib, 'library.yaml'), 'name: inst-lib\npolicy:\n  requireApproval: false\n');
    fs.writeFileSync(
      path.join(lib, 'instructions', 'caveman-mode', 'asset.yaml'),
      'id: caveman-mode\nkind: prompt\nversion: 1.0.0\nstatus: approved\ntitle: Caveman mode\nowners: [dev-experience]\nentry: caveman-mode.instructions.md\n',
    );
    fs.copyFileSync(instructions, path.join(lib, 'instructions', 'caveman-mode', 'caveman-mode.instructions.md'));
    git(lib, 'init', '-q', '-b', 'main');
    git(lib, 'add', '-A');
    git(lib, 'commit', '-q', '-m', 'The instructions library');
    const bare = `${lib}.git`;
    git(folder, 'clone', '-q', '--bare', lib, bare);
    const repo = path.join(folder, 'consumer');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    execFileSync(process.execPath, [path.join(repoRoot(), 'dist', 'cli.js'), 'install', 'caveman-mode', '--library', pathToFileURL(bare).href, '--into', repo, '--for', 'copilot'], {
      env: { ...process.env, XDG_CACHE_HOME: path.join(folder, 'cli-cache') },
      encoding: 'utf8',
    });
    const installed = path.join(repo, '.github', 'instructions', 'caveman-mode.instructions.md');
    fs.appendFileSync(installed, '\nAnswer in ten words or fewer.\n');

    const s = script(a, [
      (v) => {
        assert.equal(v.message, `Push branch propose/caveman-mode-${today()} to inst-lib?`);
        return 'cancel';
      },
    ]);
    const result = await vscode.commands.executeCommand<ProposeResult>('genaiAssets.proposeToLibrary', vscode.Uri.file(installed));
    s.check();
    assert.deepEqual(result, { outcome: 'cancelled', library: 'inst-lib', files: ['instructions/caveman-mode/asset.yaml', 'instructions/caveman-mode/caveman-mode.instructions.md'] });
    assert.deepEqual(heads(bare), ['refs/heads/main']);
  });
});
