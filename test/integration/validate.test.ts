// Validate Workspace on the fixture workspace with known problems (Problems panel contents), and the Pilots view.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';
import { api, repoRoot, tooltipText, waitFor } from './helpers';

describe('Validate Workspace and Pilots', () => {
  let a: GenAiAssetsApi;
  let fixture: vscode.Uri;
  const problems = (rel: string): vscode.Uri => vscode.Uri.joinPath(fixture, 'known-problems', ...rel.split('/'));

  before(async () => {
    a = await api();
    // The suite runs in this fixture workspace (scripts/runIntegration.mjs opens it).
    fixture = vscode.Uri.file(path.join(repoRoot(), 'test', 'fixtures', 'vscode', 'problems-workspace'));
    assert.equal(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, fixture.fsPath, 'the integration workspace is test/fixtures/vscode/problems-workspace');
  });

  it("publishes the engine's diagnostics with exact ranges, severities and linked codes", async () => {
    const summary = await vscode.commands.executeCommand<{ libraries: string[]; errors: number; warnings: number }>('genaiAssets.validateWorkspace');
    assert.deepEqual(summary.libraries, ['known-problems']);
    assert.ok(summary.errors >= 2 && summary.warnings >= 2);
    const prompt = vscode.languages.getDiagnostics(problems('greeting/greeting.prompt'));
    const byCode = new Map(prompt.map((d) => [typeof d.code === 'object' ? String(d.code.value) : String(d.code), d]));
    const undefinedVar = byCode.get('undefined-variable')!;
    assert.ok(undefinedVar, `undefined-variable among ${[...byCode.keys()].join(', ')}`);
    assert.deepEqual([undefinedVar.range.start.line, undefinedVar.range.start.character, undefinedVar.range.end.line, undefinedVar.range.end.character], [6, 15, 6, 19]);
    assert.equal(undefinedVar.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(undefinedVar.source, 'genai-assets');
    assert.match(undefinedVar.message, /'nmae' is used but not declared/, 'code spans show as quotes (diagnostics are plain text)');
    const target = (undefinedVar.code as { target: vscode.Uri }).target;
    assert.equal(target.fsPath, path.join(repoRoot(), 'README.md'));
    assert.match(target.fragment, /^L\d+$/);
    const unused = byCode.get('unused-variable')!;
    assert.deepEqual([unused.range.start.line, unused.range.start.character, unused.range.end.character], [4, 4, 8]);
    assert.deepEqual(unused.tags, [vscode.DiagnosticTag.Unnecessary]);

    const manifest = vscode.languages.getDiagnostics(problems('greeting/asset.yaml'));
    const owners = manifest.find((d) => typeof d.code === 'object' && d.code.value === 'approved-without-owners');
    assert.ok(owners);
    assert.equal(owners.severity, vscode.DiagnosticSeverity.Error);
    const dup = vscode.languages.getDiagnostics(problems('broken-manifest/asset.yaml')).find((d) => typeof d.code === 'object' && d.code.value === 'duplicate-key');
    assert.ok(dup);
    assert.deepEqual([dup.range.start.line, dup.range.start.character, dup.range.end.line, dup.range.end.character], [4, 0, 4, 5]);
  });

  it('replaces the published diagnostics on the next run (no duplicates)', async () => {
    await vscode.commands.executeCommand('genaiAssets.validateWorkspace');
    const codes = vscode.languages.getDiagnostics(problems('greeting/greeting.prompt')).map((d) => (typeof d.code === 'object' ? d.code.value : d.code));
    assert.deepEqual(
      codes.filter((c) => c === 'undefined-variable'),
      ['undefined-variable'],
    );
  });

  it('keeps its results current without a second run: a manifest added on disk shows its problems, and they go with it', async () => {
    await vscode.commands.executeCommand('genaiAssets.validateWorkspace');
    const dir = path.join(fixture.fsPath, 'known-problems', 'added-by-validate-test');
    const manifest = vscode.Uri.file(path.join(dir, 'asset.yaml'));
    const ours = () => vscode.languages.getDiagnostics(manifest).filter((d) => d.source === 'genai-assets');
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(manifest.fsPath, 'kind: prompt\nversion: 1.0.0\nstatus: approved\nentry: missing.prompt\n');
      const found = await waitFor("the added manifest's problems in the Problems panel", () => (ours().length ? ours() : undefined));
      assert.ok(
        found.some((d) => typeof d.code === 'object' && d.code.value === 'approved-without-owners'),
        found.map((d) => d.message).join('\n'),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await waitFor('the problems gone with the file', () => ours().length === 0);
  });

  it("lists the workspace's pilots by their pilot.yaml: name and component count (the template in the tooltip)", async () => {
    await vscode.commands.executeCommand('genaiAssets.refreshPilots');
    const pilot = await waitFor('the demo pilot', () => a.pilots.getChildren().find((p) => p.type === 'pilot' && p.name === 'demo-pilot'));
    const item = a.pilots.getTreeItem(pilot);
    assert.equal(item.label, 'demo-pilot');
    assert.equal(item.description, '2 components');
    assert.match(tooltipText(item), /Template: claims-assistant-pilot@\^1\.1/);
    assert.equal(item.contextValue, 'pilot');
    assert.equal(item.command?.command, 'vscode.open');
    assert.equal((item.command?.arguments?.[0] as vscode.Uri).fsPath, path.join(fixture.fsPath, 'pilots', 'demo-pilot', 'pilot.yaml'));
  });
});
