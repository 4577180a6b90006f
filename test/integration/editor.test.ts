// Editor intelligence inside VS Code: live diagnostics as you type (with timings), quick fixes, hover, completion, outline, cross-file updates.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import { api, git, makeGitLibrary, repoRoot, resetSettings, settled, waitFor, write } from './helpers';

/** Adds a line to the run's report (scripts/runIntegration.mjs prints it). */
function note(text: string): void {
  const report = process.env.GENAI_ASSETS_TEST_REPORT;
  if (report) fs.appendFileSync(report, `    (${text})\n`);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'genai-assets');
}

/**
 * Resolves with the time (performance.now()) when the diagnostics of `uri` first satisfy `probe`
 * (checked on every change event, so the time is exact), or rejects after `timeoutMs`.
 */
function diagnosticsWhen(uri: vscode.Uri, probe: (list: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (probe(ours(uri))) {
      resolve(performance.now());
      return;
    }
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; now: ${
            ours(uri)
              .map((d) => `${codeOf(d)} ${d.message}`)
              .join(' | ') || 'none'
          }`,
        ),
      );
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      if (!probe(ours(uri))) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(performance.now());
    });
  });
}

const has = (code: string, text?: string) => (list: vscode.Diagnostic[]) => list.some((d) => codeOf(d) === code && (!text || d.message.includes(text)));
const lacks = (code: string, text?: string) => (list: vscode.Diagnostic[]) => !has(code, text)(list);

function rangeOf(d: vscode.Diagnostic): number[] {
  return [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character];
}

/** Reverts every edited file (so closing asks nothing) and closes every editor. */
async function revertAndCloseAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file') continue;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('editor intelligence', () => {
  let a: GenAiAssetsApi;
  let lib: string;
  const file = (rel: string): vscode.Uri => vscode.Uri.file(path.join(lib, ...rel.split('/')));

  before(async () => {
    a = await api();
    // A library of our own outside the workspace (found by its library.yaml), free to edit and save.
    lib = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-editor-'));
    fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'editor', 'library'), lib, { recursive: true });
  });

  after(async () => {
    await revertAndCloseAll();
    fs.rmSync(lib, { recursive: true, force: true });
  });

  afterEach(async () => {
    await revertAndCloseAll();
  });

  it('typing an undeclared variable into a fixture prompt shows undefined-variable within a second, at its range; fixing it clears it', async () => {
    const uri = vscode.Uri.file(path.join(repoRoot(), 'test', 'fixtures', 'vscode', 'problems-workspace', 'known-problems', 'greeting', 'greeting.prompt'));
    const editor = await vscode.window.showTextDocument(uri);
    await diagnosticsWhen(uri, has('undefined-variable', "'nmae'"), "the fixture's own undefined-variable on open");
    await waitFor('the prompt checked with its library', () => a.editor.lastRunOf(uri));
    const line = 6;
    const end = editor.document.lineAt(line).text.length;
    const typed = diagnosticsWhen(uri, has('undefined-variable', "'place'"), 'undefined-variable for `place`');
    const t0 = performance.now();
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(line, end), ' Welcome to {{place}}.')));
    const t1 = await typed;
    const d = ours(uri).find((x) => x.message.includes("'place'"))!;
    assert.deepEqual(rangeOf(d), [line, end + 14, line, end + 19]);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(String((d.code as { target: vscode.Uri }).target.fragment), /^L\d+$/, 'the code links to its row of the README table');
    // Within a second of the keystroke reaching the extension (the test's own round trips to the window come on top).
    const inside = a.editor.lastRunOf(uri)!.sinceEventMs;
    note(
      `keystroke to undefined-variable in greeting.prompt: ${(t1 - t0).toFixed(0)} ms as the test sees it; ${inside.toFixed(0)} ms from the change event to the diagnostics handed to VS Code (200 ms of it the typing pause)`,
    );
    assert.ok(inside < 1000, `the diagnostics took ${inside.toFixed(0)} ms from the keystroke`);
    // Fixing the name clears it; the fixture's own problem stays.
    const cleared = diagnosticsWhen(uri, lacks('undefined-variable', "'place'"), 'the cleared diagnostic');
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(line, end + 14, line, end + 19), 'nmae')));
    await cleared;
    assert.ok(has('undefined-variable', "'nmae'")(ours(uri)));
  });

  it("changing a prompt's input updates the diagnostics of the eval suite that targets it (not open)", async () => {
    const prompt = file('summarize/summarize.prompt');
    const suite = file('summarize-evals/promptfooconfig.yaml');
    const editor = await vscode.window.showTextDocument(prompt);
    await waitFor('the prompt checked with its library', () => a.editor.lastRunOf(prompt));
    assert.ok(lacks('eval-vars-mismatch')(ours(suite)));
    const renamed = diagnosticsWhen(suite, has('eval-vars-mismatch', "does not give 'issue'"), 'eval-vars-mismatch on the suite');
    const text = editor.document.getText();
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(new vscode.Position(0, 0), editor.document.positionAt(text.length)), text.replace(/\bticket\b/g, 'issue'))));
    await renamed;
    const found = ours(suite);
    assert.ok(
      found.some((d) => d.message.includes("'ticket' is not an input of summarize")),
      found.map((d) => d.message).join('\n'),
    );
    const related = found.find((d) => d.message.includes("does not give 'issue'"))!.relatedInformation ?? [];
    assert.equal(related[0]?.location.uri.fsPath, prompt.fsPath, 'related information points at the prompt');
    // Undoing the rename clears the suite again.
    const back = diagnosticsWhen(suite, lacks('eval-vars-mismatch'), 'the suite clean again');
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(new vscode.Position(0, 0), editor.document.positionAt(editor.document.getText().length)), text)));
    await back;
  });

  it('checks the files of a git library opened from the catalog (read-only documents of its clone)', async () => {
    const repo = makeGitLibrary('editor-clone');
    write(repo.dir, 'broken/asset.yaml', 'kind: prompt\nversion: 1.0.0\nstatus: draft\nentry: broken.prompt\n');
    write(repo.dir, 'broken/broken.prompt', '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n---\nHello {{name}} from {{city}}.\n');
    git(repo.dir, 'add', '-A');
    git(repo.dir, 'commit', '-q', '-m', 'A prompt with a problem');
    try {
      const lib = await a.libraries.addLibrary({ name: 'editor-clone', url: repo.url });
      await settled(a, 'the git library');
      const uri = vscode.Uri.from({ scheme: 'genai-assets-library', authority: lib.key, path: '/broken/broken.prompt' });
      await vscode.window.showTextDocument(uri);
      await diagnosticsWhen(uri, has('undefined-variable', "'city'"), "undefined-variable in the clone's prompt");
      const d = ours(uri).find((x) => x.message.includes("'city'"))!;
      assert.deepEqual(rangeOf(d), [6, 22, 6, 26]);
      // A read-only document takes no edits: no quick fix is offered.
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
      assert.deepEqual(
        actions.filter((x) => /^Declare /.test(x.title)),
        [],
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await resetSettings();
      fs.rmSync(repo.dir, { recursive: true, force: true });
    }
  });

  it('the diagnostics settings turn families off and change severities, live', async () => {
    const uri = vscode.Uri.file(path.join(repoRoot(), 'test', 'fixtures', 'vscode', 'problems-workspace', 'known-problems', 'greeting', 'greeting.prompt'));
    await vscode.window.showTextDocument(uri);
    await diagnosticsWhen(uri, has('undefined-variable'), 'undefined-variable on open');
    const config = vscode.workspace.getConfiguration('genaiAssets');
    try {
      await config.update('diagnostics.severityOverrides', { variables: 'error', 'unused-variable': 'info' }, vscode.ConfigurationTarget.Global);
      await diagnosticsWhen(uri, (l) => l.find((d) => codeOf(d) === 'undefined-variable')?.severity === vscode.DiagnosticSeverity.Error, 'undefined-variable as an error');
      assert.equal(ours(uri).find((d) => codeOf(d) === 'unused-variable')?.severity, vscode.DiagnosticSeverity.Information, 'a code beats its family');
      await config.update('diagnostics.disabledCodes', ['variables'], vscode.ConfigurationTarget.Global);
      await diagnosticsWhen(uri, (l) => !l.some((d) => codeOf(d) === 'undefined-variable' || codeOf(d) === 'unused-variable'), 'the variables family off');
    } finally {
      await config.update('diagnostics.severityOverrides', undefined, vscode.ConfigurationTarget.Global);
      await config.update('diagnostics.disabledCodes', undefined, vscode.ConfigurationTarget.Global);
    }
    await diagnosticsWhen(uri, (l) => l.find((d) => codeOf(d) === 'undefined-variable')?.severity === vscode.DiagnosticSeverity.Warning, 'back to the defaults');
  });

  /** The quick fix titled `title` for the diagnostic `code` of `uri`, applied; returns the file's new text. */
  async function applyFix(uri: vscode.Uri, code: string, title: string | RegExp): Promise<string> {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await diagnosticsWhen(uri, has(code), `${code} in ${path.basename(uri.fsPath)}`);
    const d = ours(uri).find((x) => codeOf(x) === code)!;
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
    const action = actions.find((x) => (typeof title === 'string' ? x.title === title : title.test(x.title)));
    assert.ok(action?.edit, `quick fix "${title}" among ${actions.map((x) => x.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(action.edit));
    return doc.getText();
  }

  it('quick fixes: declare a missing input, remove an unused one, rename an unknown field', async () => {
    write(lib, 'fixes/p.prompt', '---\nmodel: openai/gpt-4o-mini\nconfg:\n  temperature: 0.2\ninput:\n  schema:\n    topic: string\n    spare: string\n---\nWrite about {{topic}} for {{audience}}.\n');
    const uri = file('fixes/p.prompt');
    let text = await applyFix(uri, 'undefined-variable', 'Declare as required input audience');
    assert.equal(
      text,
      '---\nmodel: openai/gpt-4o-mini\nconfg:\n  temperature: 0.2\ninput:\n  schema:\n    topic: string\n    spare: string\n    audience: string\n---\nWrite about {{topic}} for {{audience}}.\n',
    );
    await diagnosticsWhen(uri, lacks('undefined-variable'), 'undefined-variable gone');
    text = await applyFix(uri, 'unused-variable', 'Remove unused input spare');
    assert.ok(!text.includes('spare'), text);
    text = await applyFix(uri, 'unknown-field', 'Rename confg to config');
    assert.match(text, /^config:$/m);
    await diagnosticsWhen(uri, (l) => l.length === 0, 'a clean prompt');
  });

  it('quick fixes: replace a deprecated reference and a deprecated model, use the newest approved version, match the folder, add required fields', async () => {
    let text = await applyFix(file('notes/asset.yaml'), 'deprecated-reference', 'Replace with summarize@^1.2');
    assert.match(text, /^ {2}- summarize@\^1\.2$/m);
    text = await applyFix(file('legacy-summary/legacy.prompt'), 'deprecated-model', 'Replace with openai/gpt-4o-mini');
    assert.match(text, /^model: openai\/gpt-4o-mini$/m);
    write(lib, 'future-evals/asset.yaml', 'kind: eval\nversion: 1.0.0\nstatus: draft\ntargets:\n  - summarize@^3.0\n');
    text = await applyFix(file('future-evals/asset.yaml'), 'unsatisfied-version', 'Use summarize@^1.2');
    assert.match(text, /^ {2}- summarize@\^1\.2$/m);
    write(lib, 'moved/asset.yaml', 'id: old-name\nkind: module\nversion: 1.0.0\nstatus: draft\n');
    text = await applyFix(file('moved/asset.yaml'), 'id-mismatch', 'Set id to moved');
    assert.match(text, /^id: moved$/m);
    write(lib, 'bare/asset.yaml', 'title: Bare\n');
    text = await applyFix(file('bare/asset.yaml'), 'schema', /^Add the required fields/);
    assert.equal(text, 'title: Bare\nkind: prompt\nversion: 0.1.0\nstatus: draft\n');
  });

  it('a prompt that eval suites cover: "Declare as optional input" first and preferred, and applying it adds nothing in the suite; the suite offers to add the var (issue 16, item 4)', async () => {
    const covered = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-covered-'));
    fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'editor', 'eval-covered'), covered, { recursive: true });
    const at = (rel: string): vscode.Uri => vscode.Uri.file(path.join(covered, ...rel.split('/')));
    const prompt = at('triage/triage.prompt');
    const suite = at('triage-evals/promptfooconfig.yaml');
    /** The quick fixes VS Code shows for the first diagnostic `code` of `uri`, in its order, with the fix-all rows left out. */
    const shown = async (uri: vscode.Uri, code: string): Promise<vscode.CodeAction[]> => {
      await diagnosticsWhen(uri, has(code), `${code} in ${path.basename(uri.fsPath)}`);
      const d = ours(uri).find((x) => codeOf(x) === code)!;
      const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
      return all.filter((x) => !x.title.startsWith('Fix all'));
    };
    /** Waits for the check of the document's current version. */
    const checked = (doc: vscode.TextDocument) => waitFor(`${path.basename(doc.uri.fsPath)} v${doc.version} checked`, () => a.editor.lastRunOf(doc.uri)?.version === doc.version);
    try {
      const doc = await vscode.workspace.openTextDocument(prompt);
      await vscode.window.showTextDocument(doc);
      const original = doc.getText();
      await checked(doc);
      let actions = await shown(prompt, 'undefined-variable');
      assert.deepEqual(
        actions.map((x) => [x.title, x.isPreferred ?? false]),
        [
          ['Declare as optional input handlerName', true],
          ['Declare as required input handlerName', false],
        ],
      );
      assert.ok(lacks('eval-vars-mismatch')(ours(suite)), 'the suite is clean to begin with');
      assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
      assert.match(doc.getText(), /^ {4}handlerName\?: string$/m);
      await checked(doc);
      await diagnosticsWhen(prompt, lacks('undefined-variable'), 'undefined-variable gone');
      assert.deepEqual(
        ours(suite).map((d) => `${codeOf(d)} ${d.message}`),
        [],
        'no diagnostic in the suite',
      );

      // Declared required instead, each of the suite's three test cases lacks it; its fix adds the var to all three.
      const editor = await vscode.window.showTextDocument(doc);
      assert.ok(await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original)));
      await diagnosticsWhen(prompt, has('undefined-variable'), 'the prompt as it was');
      actions = await shown(prompt, 'undefined-variable');
      assert.ok(await vscode.workspace.applyEdit(actions.find((x) => x.title === 'Declare as required input handlerName')!.edit!));
      await checked(doc);
      await diagnosticsWhen(suite, (l) => l.filter((d) => codeOf(d) === 'eval-vars-mismatch').length === 3, 'three eval-vars-mismatch in the suite');
      const suiteDoc = await vscode.workspace.openTextDocument(suite);
      await vscode.window.showTextDocument(suiteDoc);
      actions = await shown(suite, 'eval-vars-mismatch');
      assert.deepEqual(
        actions.map((x) => [x.title, x.isPreferred ?? false]),
        [["Add handlerName to the tests' vars", true]],
      );
      assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
      assert.equal((suiteDoc.getText().match(/^ +handlerName: ""$/gm) ?? []).length, 2, suiteDoc.getText());
      assert.match(suiteDoc.getText(), /\{ ticket: My password expired\., handlerName: "" \}/);
      await diagnosticsWhen(suite, lacks('eval-vars-mismatch'), 'the suite clean again');

      // A prompt no suite covers: the required declaration stays first.
      await vscode.window.showTextDocument(at('solo/solo.prompt'));
      actions = await shown(at('solo/solo.prompt'), 'undefined-variable');
      assert.deepEqual(
        actions.map((x) => [x.title, x.isPreferred ?? false]),
        [
          ['Declare as required input handlerName', true],
          ['Declare as optional input handlerName', false],
        ],
      );
    } finally {
      await revertAndCloseAll();
      fs.rmSync(covered, { recursive: true, force: true });
    }
  });

  it('recomputing an approval digest is offered in maintainer mode only', async () => {
    write(
      lib,
      'approved/asset.yaml',
      'kind: module\nversion: 1.0.0\nstatus: approved\nowners: [team]\napproval:\n  by: reviewer\n  date: "2026-01-01"\n  digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\n',
    );
    const uri = file('approved/asset.yaml');
    await vscode.window.showTextDocument(uri);
    await diagnosticsWhen(uri, has('approval-digest-mismatch'), 'approval-digest-mismatch');
    const d = ours(uri).find((x) => codeOf(x) === 'approval-digest-mismatch')!;
    const titles = async () =>
      ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value)) ?? []).map((x) => x.title);
    assert.ok(!(await titles()).some((t) => /approval digest/.test(t)), 'hidden without maintainer mode');
    const config = vscode.workspace.getConfiguration('genaiAssets');
    await config.update('maintainerMode', true, vscode.ConfigurationTarget.Global);
    try {
      const text = await applyFix(uri, 'approval-digest-mismatch', /approval digest/);
      assert.match(text, /digest: sha256:[0-9a-f]{64}$/m);
      assert.ok(!text.includes('sha256:0000000000'));
      await diagnosticsWhen(uri, lacks('approval-digest-mismatch'), 'the digest matching');
    } finally {
      await config.update('maintainerMode', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('fix all of one kind in the file (resolved lazily), and source.fixAll for save', async () => {
    write(lib, 'many/p.prompt', '---\ninput:\n  schema:\n    a: string\n---\n{{a}} {{b}} {{c}} {{b}}\n');
    const uri = file('many/p.prompt');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await diagnosticsWhen(uri, (l) => l.filter((d) => codeOf(d) === 'undefined-variable').length === 3, 'three undefined-variable');
    const d = ours(uri)[0];
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value, 10)) ?? [];
    const all = actions.find((x) => /^Fix all \d+ undefined-variable problems in this file$/.test(x.title));
    assert.ok(all?.edit, actions.map((x) => x.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.equal(doc.getText(), '---\ninput:\n  schema:\n    a: string\n    b: string\n    c: string\n---\n{{a}} {{b}} {{c}} {{b}}\n');
    await diagnosticsWhen(uri, lacks('undefined-variable'), 'every variable declared');
    const source = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll', 10)) ?? [];
    assert.ok(!source.some((x) => x.title === 'Fix all GenAI asset problems'), 'nothing left to fix');
    write(lib, 'many/q.prompt', '---\ninput:\n  schema:\n    a: string\n---\n{{a}} {{z}}\n');
    const q = file('many/q.prompt');
    await vscode.window.showTextDocument(q);
    await diagnosticsWhen(q, has('undefined-variable'), 'undefined-variable in q');
    const fixAll = ((await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', q, new vscode.Range(0, 0, 0, 0), 'source.fixAll', 10)) ?? []).find(
      (x) => x.title === 'Fix all GenAI asset problems',
    );
    assert.equal(fixAll?.kind?.value, 'source.fixAll.genaiAssets');
    assert.ok(fixAll?.edit);
  });

  it('hover: variables, references, model ids and manifest fields', async () => {
    const prompt = file('summarize/summarize.prompt');
    const doc = await vscode.workspace.openTextDocument(prompt);
    const hover = async (uri: vscode.Uri, pos: vscode.Position): Promise<string> => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    };
    const at = (d: vscode.TextDocument, snippet: string, offset = 1) => d.positionAt(d.getText().indexOf(snippet) + offset);
    const variable = await hover(prompt, at(doc, '{{tone}}', 3));
    assert.match(variable, /\*\*`tone`\*\* · input · string, optional/);
    assert.match(variable, /Default: `"calm"`/);
    assert.match(variable, /Declared on \[line 8\]\(file:/);
    assert.match(await hover(prompt, at(doc, 'openai/gpt-4o-mini', 3)), /Context window 128,000 tokens/);
    const evalManifest = await vscode.workspace.openTextDocument(file('summarize-evals/asset.yaml'));
    const ref = await hover(evalManifest.uri, at(evalManifest, 'summarize@^1.2', 2));
    assert.match(ref, /`summarize@1\.2\.0` · prompt · approved/);
    assert.match(ref, /Owners: support\\-platform/);
    assert.ok(!ref.includes('<script>'), 'the hostile title is escaped');
    assert.match(await hover(evalManifest.uri, at(evalManifest, 'status', 1)), /Lifecycle status/);
  });

  it('completion: inputs in {{ }}, asset ids in references, model ids, schema values', async () => {
    write(lib, 'complete/p.prompt', '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    topic: string\n    tone?: string\n---\nAbout {{to}}\n');
    const uri = file('complete/p.prompt');
    const doc = await vscode.workspace.openTextDocument(uri);
    const labels = async (u: vscode.Uri, pos: vscode.Position, trigger?: string): Promise<string[]> => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', u, pos, trigger);
      return (list?.items ?? []).filter((i) => i.kind !== vscode.CompletionItemKind.Text).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    };
    const inTag = await labels(uri, doc.positionAt(doc.getText().indexOf('{{to}}') + 4));
    assert.ok(inTag.includes('topic') && inTag.includes('tone'), inTag.join(', '));
    write(lib, 'complete-evals/asset.yaml', 'kind: eval\nversion: 1.0.0\nstatus: draft\ntargets:\n  - su\n');
    const evalDoc = await vscode.workspace.openTextDocument(file('complete-evals/asset.yaml'));
    const ids = await labels(evalDoc.uri, new vscode.Position(4, 6));
    assert.ok(ids.includes('summarize') && !ids.includes('notes'), ids.join(', '));
    const models = await labels(uri, new vscode.Position(1, 'model: '.length), ' ');
    assert.ok(models.includes('openai/gpt-4o-mini') && models.includes('anthropic/claude-3-haiku'), models.join(', '));
    const statuses = await labels(evalDoc.uri, new vscode.Position(2, 'status: '.length), ' ');
    for (const s of ['draft', 'review', 'approved', 'deprecated']) assert.ok(statuses.includes(s), statuses.join(', '));
  });

  it('outline: the front matter with its inputs, and the messages', async () => {
    const uri = file('summarize/summarize.prompt');
    await vscode.workspace.openTextDocument(uri);
    const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
    const names = (list: vscode.DocumentSymbol[], depth = 0): string[] => list.flatMap((s) => [`${'  '.repeat(depth)}${s.name}`, ...names(s.children ?? [], depth + 1)]);
    const outline = names(symbols);
    assert.ok(outline.includes('front matter') && outline.includes('      ticket') && outline.includes('system') && outline.includes('user'), outline.join('\n'));
    const ticket = symbols[0].children.find((s) => s.name === 'input')!.children[0].children.find((s) => s.name === 'ticket')!;
    assert.equal(ticket.kind, vscode.SymbolKind.Variable);
  });

  it('measures keystroke to diagnostics for a typical prompt (~50 lines) and a 2,000-line file', async () => {
    const body = (lines: number): string => {
      const out: string[] = [];
      for (let i = 0; out.length < lines; i++) {
        if (i % 25 === 0) out.push(`{{#if tone}}Section ${i}: keep a {{tone}} tone.{{/if}}`);
        else if (i % 10 === 0) out.push(`Refer to {{topic}} again in paragraph ${i}.`);
        else out.push(`Line ${i}: write plainly and keep each answer short.`);
      }
      return out.join('\n');
    };
    const header = '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    topic: string\n    tone?: string\n---\n';
    for (const [name, lines] of [
      ['typical.prompt', 42],
      ['long.prompt', 1992],
    ] as const) {
      write(lib, `measure/${name}`, `${header}${body(lines)}\n`);
      const uri = file(`measure/${name}`);
      const editor = await vscode.window.showTextDocument(uri);
      await waitFor(`${name} checked`, () => a.editor.lastRunOf(uri));
      const figures: number[] = [];
      const inside: number[] = [];
      const compute: string[] = [];
      for (let round = 0; round < 3; round++) {
        const word = `unknownThing${round}`;
        const line = editor.document.lineCount - 2;
        const shown = diagnosticsWhen(uri, has('undefined-variable', `'${word}'`), `${word} reported`);
        const t0 = performance.now();
        await editor.edit((b) => b.insert(new vscode.Position(line, 0), `{{${word}}} `));
        figures.push((await shown) - t0);
        const r = a.editor.lastRunOf(uri)!;
        inside.push(r.sinceEventMs);
        compute.push(
          `${r.totalMs.toFixed(1)} ms = parse ${r.parseMs.toFixed(1)} + assets ${r.assembleMs.toFixed(1)} + checks ${r.checksMs.toFixed(1)} on ${r.affected} file(s) + publish ${r.publishMs.toFixed(1)}`,
        );
      }
      const lineCount = editor.document.lineCount;
      note(
        `${name} (${lineCount} lines): keystroke to updated diagnostics ${inside.map((f) => f.toFixed(0)).join(' / ')} ms from the change event to the diagnostics handed to VS Code (incl. the 200 ms typing pause); ${figures.map((f) => f.toFixed(0)).join(' / ')} ms as the test sees it (edit round trip and VS Code's 50 ms event debounce added); the check itself: ${compute.join('; ')}`,
      );
    }
  });
});
