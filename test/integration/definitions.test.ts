// Go to Definition and document links in the sample library: a Dotprompt partial, a dependsOn reference, a promptfoo file:// prompt, a pilot's component.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import { api, repoRoot, resetSettings, settled, waitFor } from './helpers';

/** The position of `¦` in a snippet of the document's text. */
function at(doc: vscode.TextDocument, marked: string): vscode.Position {
  const i = doc.getText().indexOf(marked.replace('¦', ''));
  assert.ok(i >= 0, `${JSON.stringify(marked)} is in ${doc.uri.path}`);
  return doc.positionAt(i + marked.indexOf('¦'));
}

/** The file paths the definition providers give at a position (polled: the library loads on first use). */
async function definitionsAt(uri: vscode.Uri, pos: vscode.Position): Promise<string[]> {
  const targets = await waitFor(`a definition at ${uri.path}:${pos.line + 1}`, async () => {
    const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, pos);
    return found?.length ? found : undefined;
  });
  return targets.map((t) => ('targetUri' in t ? t.targetUri : t.uri).fsPath);
}

describe('go to definition and links', () => {
  let a: GenAiAssetsApi;
  let sample: string;
  const file = (rel: string) => vscode.Uri.file(path.join(sample, ...rel.split('/')));

  before(async () => {
    a = await api();
    await resetSettings();
    await settled(a);
    sample = path.join(repoRoot(), 'samples', 'library');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a partial {{> name}} leads to its _name.prompt; a dependsOn reference to the asset manifest', async () => {
    const prompt = await vscode.workspace.openTextDocument(file('prompts/claim-summary/claim-summary.prompt'));
    assert.deepEqual(await definitionsAt(prompt.uri, at(prompt, '{{> claims_st¦yle}}')), [file('prompts/claim-summary/_claims_style.prompt').fsPath]);
    const manifest = await vscode.workspace.openTextDocument(file('prompts/claim-summary/asset.yaml'));
    assert.deepEqual(await definitionsAt(manifest.uri, at(manifest, '  - pii-red¦action@^1.2')), [file('modules/pii-redaction/asset.yaml').fsPath]);
  });

  it("a promptfoo file:// prompt is a document link to the prompt; a pilot's component leads into the library", async () => {
    const suite = await vscode.workspace.openTextDocument(file('evals/claim-summary-evals/suite.yaml'));
    const links = await waitFor('the links of the suite', async () => {
      const l = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', suite.uri);
      const ours = l?.filter((x) => x.target?.scheme === 'file' && x.target.fsPath.startsWith(sample));
      return ours?.length ? ours : undefined;
    });
    assert.deepEqual(
      links.map((l) => [suite.getText(l.range), l.target!.fsPath]),
      [['../../prompts/claim-summary/claim-summary.prompt', file('prompts/claim-summary/claim-summary.prompt').fsPath]],
    );
    const pilot = await vscode.workspace.openTextDocument(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'pilots', 'demo-pilot', 'pilot.yaml'));
    assert.deepEqual(await definitionsAt(pilot.uri, at(pilot, '  - claim-sum¦mary@^2.1')), [file('prompts/claim-summary/asset.yaml').fsPath]);
  });
});
