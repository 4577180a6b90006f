// Pilots inside VS Code: the New Pilot quick pick flow (answers given by the test, engine real), the Pilots view with markers,
// Verify Pilot in the Problems panel, the quick fixes on pilot.yaml, Update Pilot Components with its diffs, Add Component and Add to Pilot.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import type { NewPilotResult } from '../../src/vscode/commands/newPilot';
import type { UpdateResult, VerifyResult } from '../../src/vscode/commands/pilots';
import type { PromptAnswer, PromptView } from '../../src/vscode/multiStepInput';
import type { PilotComponentNode, PilotInfo } from '../../src/vscode/views/pilotsTree';
import { api, assetRows, repoRoot, resetSettings, settled, tooltipText, waitFor } from './helpers';

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
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

interface Lock {
  library: { name: string; url: string; commit: string };
  template: { id: string; version: string };
  components: { id: string; kind: string; version: string; digest: string; files: { path: string; sha256: string }[] }[];
}
const readLock = (dir: string): Lock => JSON.parse(fs.readFileSync(path.join(dir, 'pilot.lock.json'), 'utf8')) as Lock;

describe('pilots', () => {
  let a: GenAiAssetsApi;
  let fixtures: string;
  let drifted: string;
  let library: string;
  const temps: string[] = [];

  /** A copy of drifted-pilot outside the workspace, pointing at the fixture library by absolute path. */
  function driftedCopy(): string {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'genai-pilot-')), 'drifted-pilot');
    temps.push(path.dirname(dir));
    fs.cpSync(drifted, dir, { recursive: true });
    for (const f of ['pilot.yaml', 'pilot.lock.json']) {
      const file = path.join(dir, f);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('../../../pilot-library').join(library));
    }
    return dir;
  }

  before(async () => {
    a = await api();
    fixtures = path.join(repoRoot(), 'test', 'fixtures', 'vscode');
    drifted = path.join(fixtures, 'problems-workspace', 'pilots', 'drifted-pilot');
    library = path.join(fixtures, 'pilot-library');
    await settled(a);
  });

  afterEach(async () => {
    a.prompter.answerWith(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  it('New Pilot: template, name, prompts, eval suites, modules, parameters, folder and review through the multi-step quick pick, with Back and validation; writes the pilot and its lock', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-new-pilot-'));
    temps.push(parent);
    const s = script(a, [
      (v) => {
        // A steady count: template, name, prompts, evals, modules, parameters (one step), folder, review.
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.canGoBack], ['pick', 1, 8, false]);
        assert.deepEqual(labels(v), ['Claims assistant pilot (Python)']);
        return { pick: ['Claims assistant pilot (Python)'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.canGoBack, v.value], ['input', 2, 8, true, '']);
        return { value: 'Claims Triage' };
      },
      (v) => {
        assert.match(v.validationMessage ?? '', /must be kebab-case/);
        return { value: 'claims-triage' };
      },
      (v) => {
        assert.deepEqual([v.kind, v.step, v.canSelectMany], ['pick', 3, true]);
        // Only what the policy allows: no draft, review or deprecated prompt.
        assert.deepEqual(labels(v), ['claim-summary', 'complaint-classifier', 'policy-question-answering']);
        assert.ok(
          v.items!.every((i) => /^\d+\.\d+\.\d+ · /.test(i.description ?? '') && i.detail),
          'version, title and description',
        );
        return 'back';
      },
      (v) => {
        assert.deepEqual([v.step, v.value], [2, 'claims-triage']);
        return { value: 'claims-triage' };
      },
      () => ({ pick: ['claim-summary'] }),
      (v) => {
        assert.equal(v.step, 4);
        assert.deepEqual(picked(v), ['claim-summary-evals']);
        assert.match(v.items!.find((i) => i.label.endsWith('claim-summary-evals'))!.description!, /targets claim-summary \(chosen\)/);
        return { pick: picked(v) };
      },
      (v) => {
        assert.equal(v.step, 5);
        // Dependencies are named in the title, not checkboxes one could untick; the modules one may add are the items.
        assert.match(v.title ?? '', /: modules \(always added: (llm-retry 1\.0\.0, pii-redaction 1\.2\.0|pii-redaction 1\.2\.0, llm-retry 1\.0\.0)\)$/);
        assert.deepEqual(labels(v), ['json-output-guard']);
        assert.deepEqual(picked(v), []);
        assert.ok((v.placeholder ?? '').length <= 70, `a placeholder that fits: ${v.placeholder}`);
        return { pick: ['json-output-guard'] };
      },
      (v) => {
        // projectName follows the pilot's name, in the form its pattern accepts.
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.value], ['input', 6, 8, 'claims_triage']);
        assert.match(v.title ?? '', /Project name \(parameter 1 of 5\)/);
        assert.match(v.prompt ?? '', /Project name \(projectName\)/);
        return { value: 'Claims-Triage' };
      },
      (v) => {
        assert.match(v.validationMessage ?? '', /`projectName` = "Claims-Triage" is refused .*must match pattern/);
        return { value: 'claims_triage' };
      },
      (v) => {
        assert.deepEqual([v.step, v.value], [6, 'Claims assistant pilot']);
        return { value: 'Claims triage pilot' };
      },
      (v) => {
        assert.deepEqual([v.step, v.value], [6, '']);
        return { value: '' };
      },
      (v) => {
        assert.match(v.validationMessage ?? '', /Owner is required/);
        return { value: 'not-an-email' };
      },
      (v) => {
        assert.match(v.validationMessage ?? '', /must match format "email"/);
        return { value: 'claims-ai@larkspur-mutual.example' };
      },
      (v) => {
        assert.deepEqual([v.kind, v.step], ['pick', 6]);
        assert.deepEqual(labels(v), ['3.11', '3.12', '3.13']);
        assert.equal(v.items!.find((i) => i.label === '3.12')!.description, 'default');
        return { pick: ['3.13'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.step, labels(v)], ['pick', 6, ['Yes', 'No']]);
        return { pick: ['No'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.step, v.totalSteps], ['pick', 7, 8]);
        assert.ok(labels(v).includes('Browse...'));
        return { pick: ['Browse...'] };
      },
      (v) => {
        assert.equal(v.kind, 'openDialog');
        return { uris: [vscode.Uri.file(parent)] };
      },
      (v) => {
        // Review: what will be written where, nothing yet on disk; picking a file keeps the step open.
        assert.deepEqual([v.kind, v.step, v.totalSteps], ['pick', 8, 8]);
        assert.equal(labels(v)[0], 'Create');
        assert.match(v.items![0].description ?? '', new RegExp(`pilot claims-triage in .*claims-triage$`));
        assert.ok(labels(v).includes('pilot.yaml') && labels(v).includes('genai/modules/pii-redaction/asset.yaml'), labels(v).join(', '));
        assert.ok(v.headings!.includes('module pii-redaction 1.2.0 (dependency)'), v.headings!.join(', '));
        assert.deepEqual(fs.readdirSync(parent), [], 'nothing written before Create');
        return { pick: ['pilot.yaml'] };
      },
      (v) => {
        assert.match(v.validationMessage ?? '', /Nothing is written until you choose Create/);
        return { pick: ['Create'] };
      },
      (v) => {
        assert.equal(v.kind, 'message');
        assert.match(v.message ?? '', /^Created pilot claims-triage with 5 components in /);
        assert.deepEqual(v.choices, ['Open in New Window', 'Add to Workspace', 'Open in This Window']);
        return 'cancel';
      },
    ]);
    const result = await vscode.commands.executeCommand<NewPilotResult | undefined>('genaiAssets.newPilot');
    await waitFor('the offer to open the pilot', () => s.views.at(-1)?.kind === 'message').catch((e: unknown) => {
      s.check(); // a scripted step that failed says why
      throw e;
    });
    s.check();
    assert.ok(result, 'the command returned the new pilot');
    const dir = path.join(parent, 'claims-triage');
    assert.equal(result.folder, dir);
    assert.deepEqual(result.components.map((c) => `${c.id}:${c.reason}`).sort(), [
      'claim-summary-evals:requested',
      'claim-summary:requested',
      'json-output-guard:requested',
      'llm-retry:dependency',
      'pii-redaction:dependency',
    ]);

    // The files: the template rendered with the parameters, the components under the template's layout.
    for (const f of [
      'README.md',
      'pyproject.toml',
      'src/claims_triage/pipeline.py',
      'genai/prompts/claim-summary/claim-summary.prompt',
      'genai/evals/claim-summary-evals/asset.yaml',
      'genai/modules/pii-redaction/asset.yaml',
      'genai/modules/json-output-guard/asset.yaml',
    ]) {
      assert.ok(fs.existsSync(path.join(dir, ...f.split('/'))), `${f} written`);
    }
    assert.match(fs.readFileSync(path.join(dir, 'pyproject.toml'), 'utf8'), /name = "claims_triage"[\s\S]*requires-python = ">=3\.13"/);
    assert.match(fs.readFileSync(path.join(dir, 'README.md'), 'utf8'), /^# Claims triage pilot\n[\s\S]*Owner: claims-ai@larkspur-mutual\.example/);
    assert.deepEqual(fs.readdirSync(parent), ['claims-triage'], 'no temporary folder left beside it');

    // pilot.yaml and the lock: every file locked with the sha256 of what was written.
    const manifest = fs.readFileSync(path.join(dir, 'pilot.yaml'), 'utf8');
    assert.match(manifest, /^name: claims-triage$/m);
    assert.match(manifest, /^template: claims-assistant-pilot@\^1\.1$/m);
    assert.match(manifest, /projectName: claims_triage[\s\S]*ownerEmail: claims-ai@larkspur-mutual\.example[\s\S]*pythonVersion: ["']?3\.13["']?[\s\S]*includeCi: false/);
    const lock = readLock(dir);
    assert.equal(lock.library.name, 'larkspur-genai');
    assert.equal(path.resolve(dir, lock.library.url), path.join(repoRoot(), 'samples', 'library'));
    assert.match(lock.library.commit, /^([0-9a-f]{40}|sha256:[0-9a-f]{64})$/);
    assert.deepEqual(lock.template, { id: 'claims-assistant-pilot', version: '1.1.0' });
    assert.deepEqual(lock.components.map((c) => c.id).sort(), ['claim-summary', 'claim-summary-evals', 'json-output-guard', 'llm-retry', 'pii-redaction']);
    for (const c of lock.components) {
      assert.match(c.digest, /^sha256:[0-9a-f]{64}$/);
      assert.ok(c.files.length > 0);
      for (const f of c.files) assert.equal(sha256(path.join(dir, ...f.path.split('/'))), f.sha256, `${f.path} as locked`);
    }
    assert.deepEqual(result.files.sort(), listFiles(dir).sort());
  });

  it('New Pilot: Escape at any step cancels and writes nothing', async () => {
    const s = script(a, [() => ({ pick: ['Claims assistant pilot (Python)'] }), () => 'cancel']);
    const result = await vscode.commands.executeCommand('genaiAssets.newPilot');
    s.check();
    assert.equal(result, undefined);
    assert.equal(a.inputs.active, undefined, 'the quick input is gone');
  });

  it('Pilots view: each pilot with its components, short descriptions (the newer version as an arrow, markers in a word) and the details in tooltips', async () => {
    await vscode.commands.executeCommand('genaiAssets.refreshPilots');
    const pilot = a.pilots.getChildren().find((p): p is PilotInfo => p.type === 'pilot' && p.name === 'drifted-pilot');
    assert.ok(pilot, 'drifted-pilot is listed');
    const item = a.pilots.getTreeItem(pilot);
    assert.equal(item.description, '4 need attention');
    assert.match(tooltipText(item), /Template: starter@\^1\.0[\s\S]*Components \(4\)/);
    assert.equal(item.contextValue, 'pilot');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const children = a.pilots.getChildren(pilot) as PilotComponentNode[];
    const shown = children.map((c) => {
      const ti = a.pilots.getTreeItem(c);
      return [ti.label, ti.description, ti.contextValue];
    });
    assert.deepEqual(shown, [
      ['greet', '1.0.0 → 1.1.0', 'pilotComponent;updatable;inLibrary'],
      ['summarize', '1.4.0 → 2.0.0', 'pilotComponent;updatable;inLibrary'],
      ['old-greet', '0.9.0 · deprecated', 'pilotComponent;updatable;inLibrary'],
      ['text-utils', '1.2.0 · modified', 'pilotComponent;updatable;inLibrary;modified'],
    ]);
    assert.match(tooltipText(a.pilots.getTreeItem(children[2])), /Replaced by `greet@\^1\.1`/);
    assert.match(tooltipText(a.pilots.getTreeItem(children[1])), /Update available: 2\.0\.0/);
    const utils = a.pilots.getTreeItem(children[3]);
    assert.match(tooltipText(utils), /Edited locally: lib\/text-utils\/utils\.py/);
    assert.equal((utils.iconPath as vscode.ThemeIcon).id, 'package');
    assert.equal(utils.command?.command, 'vscode.open');
    assert.equal((utils.command?.arguments?.[0] as vscode.Uri).fsPath, path.join(drifted, 'lib', 'text-utils', 'utils.py'));
    const greet = a.pilots.getTreeItem(children[0]);
    assert.equal((greet.command?.arguments?.[0] as vscode.Uri).fsPath, path.join(drifted, 'prompts', 'greet', 'greet.prompt'), 'a prompt opens at its entry');
    assert.equal(a.pilots.getParent(children[0]), pilot);

    // A pilot without a lock still lists what pilot.yaml names, as not installed, and says why.
    const demo = a.pilots.getChildren().find((p): p is PilotInfo => p.type === 'pilot' && p.name === 'demo-pilot')!;
    assert.deepEqual(
      (a.pilots.getChildren(demo) as PilotComponentNode[]).map((c) => a.pilots.getTreeItem(c).description),
      ['not installed', 'not installed'],
    );
    assert.match(tooltipText(a.pilots.getTreeItem(demo)), /has pilot\.yaml but no pilot\.lock\.json/);
  });

  it('Verify Pilot publishes its diagnostics in the Problems panel: exact ranges, severities, codes linked to the README', async () => {
    const result = await vscode.commands.executeCommand<VerifyResult>('genaiAssets.verifyPilot', vscode.Uri.file(drifted));
    assert.deepEqual(result, { errors: 0, warnings: 3, infos: 2 });
    const manifest = vscode.Uri.file(path.join(drifted, 'pilot.yaml'));
    const diags = await waitFor('the pilot diagnostics', () => {
      const d = vscode.languages.getDiagnostics(manifest);
      return d.length >= 4 ? d : undefined;
    });
    const summary = diags.map((d) => [typeof d.code === 'object' ? d.code.value : d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity]).sort();
    assert.deepEqual(summary, [
      ['component-deprecated', 10, 4, 10, 18, vscode.DiagnosticSeverity.Warning],
      ['component-modified', 10, 4, 10, 18, vscode.DiagnosticSeverity.Warning],
      ['component-outdated', 8, 4, 8, 14, vscode.DiagnosticSeverity.Information],
      ['component-outdated', 9, 4, 9, 18, vscode.DiagnosticSeverity.Information],
    ]);
    const deprecated = diags.find((d) => typeof d.code === 'object' && d.code.value === 'component-deprecated')!;
    assert.equal(deprecated.source, 'genai-assets');
    assert.deepEqual(deprecated.tags, [vscode.DiagnosticTag.Deprecated]);
    const target = (deprecated.code as { target: vscode.Uri }).target;
    assert.equal(target.fsPath, path.join(repoRoot(), 'README.md'));
    assert.match(target.fragment, /^L\d+$/);
    const edited = vscode.languages.getDiagnostics(vscode.Uri.file(path.join(drifted, 'lib', 'text-utils', 'utils.py')));
    assert.deepEqual(
      edited.map((d) => [typeof d.code === 'object' ? d.code.value : d.code, d.range.start.line, d.range.end.line]),
      [['component-modified', 3, 7]],
    );
    // Published in the pilots' own collection; Validate Workspace's collection is left alone.
    assert.equal(a.pilotService.collection.get(manifest)?.length, 4);
    assert.deepEqual(a.diagnostics.get(manifest) ?? [], []);
  });

  it('pilot.yaml offers the fixes: "Update to 2.0.0" (range), "Replace with successor" (edit) and "Update to 1.1.0" (runs the update); applying one edits pilot.yaml', async () => {
    const dir = driftedCopy();
    await vscode.commands.executeCommand('genaiAssets.verifyPilot', vscode.Uri.file(dir));
    const uri = vscode.Uri.file(path.join(dir, 'pilot.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const diags = await waitFor('the diagnostics of the copy', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length >= 4 ? d : undefined;
    });
    const at = (line: number, code: string) => diags.find((d) => d.range.start.line === line && typeof d.code === 'object' && d.code.value === code)!;
    const actionsAt = async (d: vscode.Diagnostic) =>
      (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)).filter((x) => x.title !== undefined);

    const deprecatedActions = await actionsAt(at(10, 'component-deprecated'));
    const replace = deprecatedActions.filter((x) => x.title === 'Replace with successor greet@^1.1');
    assert.equal(replace.length, 1, `one "Replace with successor" among ${deprecatedActions.map((x) => x.title).join(', ')}`);
    assert.equal(replace[0].kind?.value, 'quickfix');

    const greetActions = await actionsAt(at(8, 'component-outdated'));
    const runUpdate = greetActions.filter((x) => x.title === 'Update to 1.1.0');
    assert.equal(runUpdate.length, 1);
    assert.equal(runUpdate[0].command?.command, 'genaiAssets.updatePilot');
    assert.deepEqual(runUpdate[0].command?.arguments, [{ dir, ids: ['greet'] }]);

    const summarizeActions = await actionsAt(at(9, 'component-outdated'));
    const update = summarizeActions.filter((x) => x.title === 'Update to 2.0.0');
    assert.equal(update.length, 1, `one "Update to 2.0.0" among ${summarizeActions.map((x) => x.title).join(', ')}`);
    assert.ok(update[0].edit);
    assert.equal(await vscode.workspace.applyEdit(update[0].edit), true);
    assert.equal(doc.lineAt(9).text, '  - summarize@^2.0');
    assert.equal(await vscode.workspace.applyEdit(replace[0].edit!), true);
    assert.equal(doc.lineAt(10).text, '  - greet@^1.1');
    await doc.save();
  });

  it('Pilot findings offer the action, not the CLI: Update on pilot.yaml, Compare with Library on an edited file (a diff against the locked copy), Show Outdated', async () => {
    const dir = driftedCopy();
    await vscode.commands.executeCommand('genaiAssets.verifyPilot', vscode.Uri.file(dir));
    const manifest = vscode.Uri.file(path.join(dir, 'pilot.yaml'));
    const diags = await waitFor('the diagnostics of the copy', () => {
      const d = vscode.languages.getDiagnostics(manifest);
      return d.length >= 4 ? d : undefined;
    });
    const file = vscode.Uri.file(path.join(dir, 'lib', 'text-utils', 'utils.py'));
    const edited = vscode.languages.getDiagnostics(file);
    for (const d of [...diags, ...edited]) assert.doesNotMatch(d.message, /genai-assets (update|verify)/, `no CLI command in "${d.message}"`);
    assert.match(diags.find((d) => d.range.start.line === 8)!.message, /Use Update \(a quick fix here, or the In This Workspace view\)/);
    assert.match(edited[0].message, /Compare with Library shows the edits/);

    // The edited file: Compare with Library, against the copy the pilot locked.
    await vscode.workspace.openTextDocument(file);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, edited[0].range, vscode.CodeActionKind.QuickFix.value);
    const compare = actions.find((x) => x.title === 'Compare with text-utils in the Library');
    assert.ok(compare, `Compare among ${actions.map((x) => x.title).join(', ')}`);
    assert.deepEqual(compare.command?.arguments, [{ dir, ids: ['text-utils'], file: 'lib/text-utils/utils.py' }]);
    const result = await vscode.commands.executeCommand(compare.command!.command, ...compare.command!.arguments!);
    assert.deepEqual(result, { file: 'lib/text-utils/utils.py', against: 'locked', version: '1.2.0' });
    const tab = await waitFor('the diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(tab.modified.fsPath, file.fsPath);
    const original = await vscode.workspace.openTextDocument(tab.original);
    assert.equal(original.getText(), fs.readFileSync(path.join(library, 'modules', 'text-utils', 'utils.py'), 'utf8'), "the library's copy as locked");
    assert.notEqual(original.getText(), fs.readFileSync(file.fsPath, 'utf8'));

    // Show Outdated: locked, wanted and newest versions; a pick would run the update.
    const s = script(a, [
      (v) => {
        assert.equal(v.kind, 'pick');
        const rows = Object.fromEntries(v.items!.map((i) => [i.label.replace(/^\$\([\w-]+\)\s*/, ''), i.description]));
        assert.deepEqual(rows, { greet: '1.0.0 → 1.1.0', summarize: '1.4.0 (newest 2.0.0)', 'old-greet': '0.9.0' });
        return 'cancel';
      },
    ]);
    const outdated = await vscode.commands.executeCommand('genaiAssets.showOutdated', { dir });
    s.check();
    assert.equal((outdated as unknown[]).length, 3);
  });

  it('Update Pilot Components: outdated ones preselected, a diff per file against the planned content, applied on confirmation; conflicts are named and opened', async () => {
    const dir = driftedCopy();
    // An edit that overlaps the library's change to the same line: a conflict.
    const prompt = path.join(dir, 'prompts', 'greet', 'greet.prompt');
    fs.writeFileSync(prompt, fs.readFileSync(prompt, 'utf8').replace('Be brief.', 'Be very brief.'));
    let diffShown: vscode.TabInputTextDiff | undefined;
    const s = script(a, [
      (v) => {
        assert.deepEqual([v.kind, v.step, v.totalSteps, v.canSelectMany], ['pick', 1, 2, true]);
        assert.deepEqual(labels(v), ['greet', 'summarize', 'old-greet', 'text-utils']);
        assert.deepEqual(picked(v), ['greet'], 'the outdated component within its range is preselected');
        assert.equal(v.items![0].description, '1.0.0 → 1.1.0');
        assert.match(v.items![1].detail ?? '', /2\.0\.0 is outside summarize@\^1\.0/);
        return { pick: ['greet'] };
      },
      (v) => {
        assert.deepEqual([v.step, v.totalSteps], [2, 2]);
        const rows = Object.fromEntries(v.items!.filter((i) => !i.label.startsWith('$(check)')).map((i) => [i.label, i.description]));
        assert.deepEqual(rows, {
          'README.md': 'rewritten',
          'pilot.lock.json': 'rewritten',
          'prompts/greet/asset.yaml': 'updated',
          'prompts/greet/greet.prompt': 'CONFLICT: markers to resolve',
        });
        return { pick: ['prompts/greet/asset.yaml'] };
      },
      (v) => {
        // The diff opened; the list is shown again.
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        if (tab instanceof vscode.TabInputTextDiff) diffShown = tab;
        assert.equal(v.step, 2);
        return { pick: ['Apply these changes...'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.modal, v.choices], ['message', true, ['Update']]);
        assert.equal(v.message, 'Update greet 1.0.0 → 1.1.0 in drifted-pilot?');
        assert.match(v.detail ?? '', /4 files written, 0 removed[\s\S]*1 file will have conflict markers to resolve: prompts\/greet\/greet\.prompt/);
        return { choice: 'Update' };
      },
      (v) => {
        assert.match(v.message ?? '', /1 file has conflict markers \(<<<<<<<\) to resolve: prompts\/greet\/greet\.prompt/);
        return 'cancel';
      },
    ]);
    const result = await vscode.commands.executeCommand<UpdateResult | undefined>('genaiAssets.updatePilot', vscode.Uri.file(dir));
    await waitFor('the closing message', () => s.views.at(-1)?.kind === 'message' && !s.views.at(-1)?.modal);
    s.check();
    assert.ok(diffShown, 'a diff editor was shown');
    assert.equal(diffShown.original.fsPath, path.join(dir, 'prompts', 'greet', 'asset.yaml'));
    assert.equal(diffShown.modified.scheme, 'genai-assets-planned');
    assert.ok(result);
    assert.deepEqual(result.updated, ['greet']);
    assert.deepEqual(result.conflicts, ['prompts/greet/greet.prompt']);
    const merged = fs.readFileSync(prompt, 'utf8');
    assert.match(merged, /<<<<<<<[\s\S]*Be very brief\.[\s\S]*=======[\s\S]*Be brief and friendly\.[\s\S]*>>>>>>>/, 'both sides kept inside markers');
    assert.equal(fs.readFileSync(path.join(dir, 'prompts', 'greet', 'asset.yaml'), 'utf8'), fs.readFileSync(path.join(library, 'prompts', 'greet', 'asset.yaml'), 'utf8'));
    const greet = readLock(dir).components.find((c) => c.id === 'greet')!;
    assert.equal(greet.version, '1.1.0');
    assert.equal(greet.files.find((f) => f.path === 'prompts/greet/greet.prompt')!.sha256, sha256(path.join(library, 'prompts', 'greet', 'greet.prompt')), "the lock records the library's bytes");
    await waitFor('the conflicted file in an editor', () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === prompt)));
  });

  it("Add Component to Pilot: the library's allowed components the pilot lacks; dependencies come along and are written, listed and locked", async () => {
    const dir = driftedCopy();
    const s = script(a, [
      (v) => {
        assert.equal(v.canSelectMany, true);
        assert.deepEqual(labels(v), ['json-tools', 'classify']);
        return { pick: ['classify'] };
      },
      (v) => {
        assert.deepEqual([v.kind, v.modal, v.message], ['message', true, 'Add 2 components to drifted-pilot?']);
        assert.equal(v.detail, 'classify 1.0.0 → prompts/classify/\njson-tools 1.0.0 (dependency of classify@1.0.0) → lib/json-tools/');
        return { choice: 'Add' };
      },
      () => 'cancel',
    ]);
    const result = await vscode.commands.executeCommand<{ added: string[] } | undefined>('genaiAssets.addComponent', { dir });
    s.check();
    assert.deepEqual(result, { added: ['classify', 'json-tools'] });
    assert.ok(fs.existsSync(path.join(dir, 'prompts', 'classify', 'classify.prompt')));
    assert.match(fs.readFileSync(path.join(dir, 'pilot.yaml'), 'utf8'), /- classify@\^1\.0\n {2}- json-tools@\^1\.0\n/);
    const lock = readLock(dir);
    assert.deepEqual(
      lock.components.map((c) => `${c.id}@${c.version}`),
      ['greet@1.0.0', 'summarize@1.4.0', 'old-greet@0.9.0', 'text-utils@1.2.0', 'classify@1.0.0', 'json-tools@1.0.0'],
    );
  });

  describe('with the pilot library in the catalog', () => {
    before(async () => {
      await vscode.workspace.getConfiguration('genaiAssets').update('libraries', [{ path: library }], vscode.ConfigurationTarget.Global);
      await waitFor('the pilot library in the catalog', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].catalog?.library.name === 'pilot-fixtures' && !a.libraries.busy);
    });

    after(async () => {
      await resetSettings();
      await waitFor('the sample library to come back', () => a.libraries.libraries.length === 1 && a.libraries.libraries[0].origin === 'sample' && a.libraries.libraries[0].status === 'ready');
    });

    it("the Catalog's Add to Pilot asks to add the asset (and its dependency) to the workspace pilot built from that library", async () => {
      await vscode.commands.executeCommand('genaiAssets.refreshPilots');
      const row = (await assetRows(a)).find((r) => r.label === 'Classify a message');
      assert.ok(row, 'the asset row');
      const before = fs.readFileSync(path.join(drifted, 'pilot.lock.json'), 'utf8');
      const s = script(a, [
        (v) => {
          assert.deepEqual([v.kind, v.modal, v.message], ['message', true, 'Add 2 components to drifted-pilot?']);
          assert.match(v.detail ?? '', /json-tools 1\.0\.0 \(dependency of classify@1\.0\.0\)/);
          return 'cancel';
        },
      ]);
      const result = await vscode.commands.executeCommand('genaiAssets.addToPilot', row.node);
      s.check();
      assert.equal(result, undefined);
      assert.equal(fs.readFileSync(path.join(drifted, 'pilot.lock.json'), 'utf8'), before, 'nothing written when the user says no');
    });

    it("Open in Library opens the component's manifest from the library", async () => {
      const pilot = a.pilots.getChildren().find((p): p is PilotInfo => p.type === 'pilot' && p.name === 'drifted-pilot')!;
      const summarize = (a.pilots.getChildren(pilot) as PilotComponentNode[]).find((c) => c.component.id === 'summarize')!;
      await vscode.commands.executeCommand('genaiAssets.openInLibrary', summarize);
      await waitFor('the manifest of summarize 1.4.0', () => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(library, 'prompts', 'summarize-v1', 'asset.yaml'));
    });
  });
});

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, p));
    else out.push(p);
  }
  return out;
}
