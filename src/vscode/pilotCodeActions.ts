// Quick fixes on pilot.yaml for what Verify Pilot published: the core's fixes (Update to X, Replace with successor) and "Update to X" within the range.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { commands } from './constants';
import { toRange } from './diagnostics';
import { referenceIdAt } from './commands/pilots';
import type { PilotService } from './pilotService';

/** The documents this provider serves: pilot manifests on disk. */
export const pilotManifestSelector: vscode.DocumentSelector = { scheme: 'file', pattern: '**/pilot.{yaml,yml}' };

/**
 * Offers the fixes of the diagnostics that PilotService published (and only those, so a
 * generic provider of the engine's fixes never doubles them): edits of component references,
 * and, for a newer version within the range, the update itself (with its preview).
 */
export class PilotCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly service: PilotService) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== 'genai-assets') continue;
      const hit = this.service.publishedAt(document.uri, d);
      if (!hit) continue;
      hit.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        const uri = fix.file ? vscode.Uri.file(nodePath.join(hit.dir, ...fix.file.split('/'))) : document.uri;
        for (const e of fix.edits) edit.replace(uri, toRange(e.range), e.newText);
        action.edit = edit;
        action.diagnostics = [d];
        action.isPreferred = i === 0;
        out.push(action);
      });
      if (hit.core.code === 'component-outdated' && !hit.fixes.length) {
        // A newer version within the range: pilot.yaml is right, the files must move.
        const id = referenceIdAt(document.getText(d.range));
        const c = id && this.service.statusOf(hit.dir)?.components.find((x) => x.id === id);
        if (!c || !c.wanted) continue;
        const action = new vscode.CodeAction(`Update to ${c.wanted}`, vscode.CodeActionKind.QuickFix);
        action.command = { command: commands.updatePilot, title: `Update ${id} to ${c.wanted}`, arguments: [{ dir: hit.dir, ids: [id] }] };
        action.diagnostics = [d];
        action.isPreferred = true;
        out.push(action);
      }
    }
    return out;
  }
}
