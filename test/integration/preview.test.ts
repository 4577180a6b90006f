// The prompt CodeLens (tokens and cost, eval coverage, Preview) and the preview panel: rendered messages, escaping, CSP, live updates.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFile } from '../../src/core/formats/parseFile';
import { suitesLensTitle, tokensLensTitle } from '../../src/core/render/lensText';
import { escapeHtml } from '../../src/core/render/previewHtml';
import { buildPromptReport, partialFiles } from '../../src/core/render/promptReport';
import type { GenAiAssetsApi } from '../../src/extension';
import { openFolderLibrary } from '../../src/node/openFolder';
import { evalCost, evalCostLines, evalCostTitle, suitePromptRefs } from '../../src/core/render/evalCost';
import { acceptItem, api, repoRoot, settled, waitFor } from './helpers';

const ours = new Set(['genaiAssets.previewPrompt', 'genaiAssets.showEvalSuites']);

/** Our resolved lenses on a document, in order. */
async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
  return all.filter((l) => l.command && (ours.has(l.command.command) || /eval suite/.test(l.command.title)));
}

/** Every tag of a page with its attributes (double-quoted values), to check what a browser would build. */
function tags(html: string): { name: string; attrs: Map<string, string> }[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1].toLowerCase(),
    attrs: new Map([...m[2].matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)].map((a) => [a[1].toLowerCase(), a[2] ?? ''])),
  }));
}

describe('prompt CodeLens and preview', () => {
  let a: GenAiAssetsApi;
  const sample = path.join(repoRoot(), 'samples', 'library');
  const claimSummary = (): vscode.Uri => vscode.Uri.file(path.join(sample, 'prompts', 'claim-summary', 'claim-summary.prompt'));
  const hostile = (): vscode.Uri => vscode.Uri.file(path.join(repoRoot(), 'test', 'fixtures', 'vscode', 'problems-workspace', 'preview', 'hostile-description.prompt'));

  before(async () => {
    a = await api();
    await settled(a, 'the sample library');
    assert.ok(
      a.libraries.libraries.some((l) => l.root === sample && l.catalog),
      'the sample library is loaded (nothing configured, no library.yaml at the workspace root)',
    );
  });

  it('an eval suite says what a run costs before it runs: tests × prompts × providers, the rendered calls counted with the provider’s tokenizer, priced from the catalogue, the assumptions in the tooltip', async () => {
    const rel = 'evals/policy-qa-evals/promptfooconfig.yaml';
    const uri = vscode.Uri.file(path.join(sample, ...rel.split('/')));
    await vscode.window.showTextDocument(uri);
    const catalog = await openFolderLibrary(sample);
    const suite = catalog.files.get(rel)!.evalSuite!;
    const prompts = suitePromptRefs(rel, suite).map((r) => ({ label: r.path!, text: fs.readFileSync(path.join(sample, r.path!), 'utf8'), file: catalog.files.get(r.path!) }));
    const expected = await evalCost(suite, prompts, catalog.library);
    assert.match(evalCostTitle(expected), /^\$\(graph\) \d+ calls per provider: anthropic:messages:claude-sonnet-4-20250514 ≈\$0\.\d+$/);
    const lens = await waitFor('the eval-cost lens', async () => {
      const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
      return all.find((l) => l.command?.title.startsWith('$(graph)'));
    });
    assert.equal(lens.range.start.line, 0);
    assert.equal(lens.command!.title, evalCostTitle(expected));
    // The tooltip (evalCostLines, unit-tested) does not come through executeCodeLensProvider for a lens without a command.
    assert.match(evalCostLines(expected).join('\n'), /tests × 1 prompt × 1 provider; repeats, retries and model-graded assertions/);
  });

  it('shows the tokens and cost of the prompt, its eval coverage and Preview, as the engine computes them', async () => {
    const uri = claimSummary();
    await vscode.window.showTextDocument(uri);
    const catalog = await openFolderLibrary(sample);
    const rel = 'prompts/claim-summary/claim-summary.prompt';
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    const file = parseFile(rel, Buffer.from(text));
    const partials = partialFiles(catalog, file);
    const expected = buildPromptReport({ file, text, catalog, partial: (n) => fs.readFileSync(path.join(sample, partials.get(n)!), 'utf8') });
    assert.match(tokensLensTitle(expected), /^\$\(symbol-numeric\) ~\d+ tokens · openai\/gpt-4o-mini ≤ \$0\.000\d+\/call$/);

    const shown = await waitFor('the lenses, resolved with the sample library', async () => {
      const l = await lenses(uri);
      return l.some((x) => x.command?.title === suitesLensTitle(expected)) ? l : undefined;
    });
    // VS Code does not keep the order in which a provider returns lenses on one line: compare them sorted.
    assert.deepEqual(
      shown.map((l) => [l.range.start.line, l.command!.title, l.command!.command]).sort(),
      [
        [0, tokensLensTitle(expected), 'genaiAssets.previewPrompt'],
        [0, '$(beaker) 1 eval suite covers this prompt', 'genaiAssets.showEvalSuites'],
        [0, '$(open-preview) Preview', 'genaiAssets.previewPrompt'],
      ].sort(),
    );
    const tokensLens = shown.find((l) => l.command!.title.startsWith('$(symbol-numeric)'))!;
    const previewLens = shown.find((l) => l.command!.title === '$(open-preview) Preview')!;
    const tip = tokensLens.command!.tooltip ?? '';
    for (const model of ['openai/gpt-4o-mini', 'openai/gpt-4o', 'openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4', 'anthropic/claude-3-5-sonnet'])
      assert.ok(tip.includes(`• ${model}`), `${model} in the tooltip`);
    assert.equal((previewLens.command!.arguments?.[0] as vscode.Uri).fsPath, uri.fsPath);
  });

  it('lists the covering suites in a quick pick; choosing one opens it', async () => {
    const result = vscode.commands.executeCommand<string>('genaiAssets.showEvalSuites', claimSummary());
    const qp = await waitFor('the eval suites quick pick', () => (a.inputs.active && 'items' in a.inputs.active && a.inputs.active.items.length ? a.inputs.active : undefined));
    assert.equal(qp.title, 'Eval suites covering claim-summary');
    assert.deepEqual(
      qp.items.map((i) => [i.label, i.description]),
      [['$(beaker) Claim summary regression suite', 'claim-summary-evals 2.1.0 · approved']],
    );
    await acceptItem(qp, qp.items[0]);
    assert.equal(await result, 'evals/claim-summary-evals/suite.yaml');
    await waitFor('the suite in the editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(sample, 'evals', 'claim-summary-evals', 'suite.yaml'));
  });

  it('renders the prompt beside the editor: messages by role with the fullest eval test, cost table, suites, dependencies and history', async () => {
    const uri = claimSummary();
    await vscode.window.showTextDocument(uri);
    const html = await vscode.commands.executeCommand<string>('genaiAssets.previewPrompt', uri);
    assert.ok(html, 'the command returns the page');
    const preview = a.preview.get(uri)!;
    assert.ok(preview, 'a panel for the document');
    await waitFor('the panel beside the editor', () => preview.panel.viewColumn === vscode.ViewColumn.Two);
    assert.deepEqual(
      preview.panel.webview.options.localResourceRoots?.map((u) => u.fsPath),
      [path.join(repoRoot(), 'media')],
    );
    assert.deepEqual(
      [...html.matchAll(/<h3 class="role">([^<]*)<\/h3>/g)].map((m) => m[1]),
      ['system', 'user'],
    );
    assert.ok(html.includes('Writing rules for every claims prompt:'), 'the partial is rendered in');
    assert.ok(html.includes('Summarise claim CLM-2025-018842 (home policy).'));
    assert.ok(html.includes('<option value="1" selected>claim-summary-evals: Escape of water, home policy, with adjuster notes</option>'));
    assert.match(html, /<tr class="prompt-model"><td><code>openai\/gpt-4o-mini<\/code><br><span class="flags">the prompt&#39;s model<\/span><\/td><td>~[\d,]+<\/td><td>\$[\d.]+<\/td><td>700<\/td>/);
    assert.ok(html.includes('data-open="evals/claim-summary-evals/suite.yaml">Claim summary regression suite (claim-summary-evals 2.1.0)</button>'));
    assert.ok(html.includes('data-open="modules/pii-redaction/asset.yaml">pii-redaction@^1.2</button>'));
    // The history comes from git (the sample library is inside this repository).
    const withHistory = await waitFor('the history', () => (a.preview.lastHtml && /<section class="history"[^>]*><h2>History<\/h2>\n<ol>/.test(a.preview.lastHtml) ? a.preview.lastHtml : undefined));
    assert.ok(withHistory.includes('data-command="history"'));
  });

  it('re-renders with another sample set', async () => {
    const uri = claimSummary();
    await a.preview.show(uri, 2);
    const html = a.preview.get(uri)!.html;
    assert.ok(html.includes('<option value="2" selected>'));
    assert.ok(html.includes('Summarise claim CLM-2025-020117 (motor policy).'));
    assert.ok(!html.includes('Adjuster&#39;s notes so far'), 'that test has no notes: the {{#if}} is false');
  });

  it('escapes every string of the file (description, body, sample values) under a strict CSP with a nonce', async () => {
    const uri = hostile();
    await vscode.window.showTextDocument(uri);
    const html = await vscode.commands.executeCommand<string>('genaiAssets.previewPrompt', uri);
    assert.ok(html.includes('Greets a person. &lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; See [the docs](javascript:alert(2)).'));
    assert.ok(html.includes('Be brief. &lt;/pre&gt;&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;'));
    assert.ok(html.includes('Say hello to Ada &lt;b&gt;Lovelace&lt;/b&gt;.'));
    const found = tags(html);
    assert.equal(found.length, [...html.matchAll(/<[a-zA-Z]/g)].length, 'every tag is well formed');
    for (const t of found) {
      assert.ok(!['img', 'svg', 'a', 'iframe', 'object', 'embed'].includes(t.name), `<${t.name}> in the page`);
      for (const [name, value] of t.attrs) {
        assert.ok(!name.startsWith('on'), `${name} on <${t.name}>`);
        assert.ok(!/javascript:/i.test(value), `javascript: in ${name}`);
      }
    }
    const scripts = found.filter((t) => t.name === 'script');
    assert.equal(scripts.length, 1);
    const nonce = scripts[0].attrs.get('nonce')!;
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.match(scripts[0].attrs.get('src')!, /media\/preview\.js$/);
    const csp = found.find((t) => t.name === 'meta' && t.attrs.get('http-equiv') === 'Content-Security-Policy')!.attrs.get('content')!;
    const cspSource = a.preview.get(uri)!.panel.webview.cspSource;
    assert.equal(csp, escapeHtml(`default-src 'none'; style-src ${cspSource}; script-src 'nonce-${nonce}'; img-src ${cspSource} data:;`));
  });

  it('updates as you type (debounced)', async () => {
    const uri = hostile();
    const doc = (await vscode.window.showTextDocument(uri)).document;
    await a.preview.show(uri);
    const line = [...Array(doc.lineCount).keys()].find((i) => doc.lineAt(i).text.startsWith('Say hello to'))!;
    const end = doc.lineAt(line).range.end;
    const typed = ' Thanks, {{name}}!';
    try {
      const started = Date.now();
      const insert = new vscode.WorkspaceEdit();
      insert.insert(uri, end, typed);
      assert.ok(await vscode.workspace.applyEdit(insert));
      await waitFor('the typed text in the preview', () => a.preview.get(uri)?.html.includes('Say hello to Ada &lt;b&gt;Lovelace&lt;/b&gt;. Thanks, Ada &lt;b&gt;Lovelace&lt;/b&gt;!'), 5000);
      const ms = Date.now() - started;
      assert.ok(ms < 3000, `updated in ${ms} ms`);
      const remove = new vscode.WorkspaceEdit();
      remove.delete(uri, new vscode.Range(end, end.translate(0, typed.length)));
      assert.ok(await vscode.workspace.applyEdit(remove));
      await waitFor('the text without the addition in the preview', () => a.preview.get(uri)?.html.includes('Say hello to Ada &lt;b&gt;Lovelace&lt;/b&gt;.</pre>'), 5000).catch((e: Error) => {
        const html = a.preview.get(uri)?.html ?? '';
        throw new Error(
          `${e.message}; the document: ${JSON.stringify(doc.getText().slice(-80))}; the preview: ${JSON.stringify(html.slice(html.indexOf('Say hello'), html.indexOf('Say hello') + 120))}`,
        );
      });
    } finally {
      // Leave the fixture as it is on disk, even when the test fails (a later closeAllEditors could save it).
      if (doc.isDirty) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
    }
    assert.equal(doc.isDirty, false);
  });
});
