// Quick fixes for what Verify Pilot published: the core's fixes (Update to X, Replace with successor), the update itself on pilot.yaml, Compare with Library on an edited file.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { parseReference } from '../core/library/references';
import { commands } from './constants';
import { toRange } from './diagnostics';
import type { PilotService } from './pilotService';

/** The documents this provider serves: files on disk (pilot.yaml and the components' files; only what Verify Pilot published gets actions). */
export const pilotFilesSelector: vscode.DocumentSelector = { scheme: 'file' };

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
      const status = this.service.statusOf(hit.dir);
      if (hit.core.file !== 'pilot.yaml' && hit.core.code === 'component-modified') {
        // A locally edited file of a component: see the edits against the library's copy.
        const c = status?.components.find((x) => x.files.includes(hit.core.file));
        if (!c) continue;
        const action = new vscode.CodeAction(`Compare with ${c.id} in the Library`, vscode.CodeActionKind.QuickFix);
        action.command = { command: commands.compareWithLibrary, title: 'Compare with Library', arguments: [{ dir: hit.dir, ids: [c.id], file: hit.core.file }] };
        action.diagnostics = [d];
        out.push(action);
        continue;
      }
      const id = referenceIdAt(document.getText(d.range));
      const c = id ? status?.components.find((x) => x.id === id) : undefined;
      if (!c || hit.fixes.length) continue;
      // pilot.yaml is right and the files must move (a newer version within the range, a withdrawn version), or come back
      // from the library (a deleted file, the library's copy changed under the same version): the update does it.
      let title: string | undefined;
      if ((hit.core.code === 'component-outdated' || hit.core.code === 'unknown-reference') && c.wanted && c.wanted !== c.version) title = `Update to ${c.wanted}`;
      else if (hit.core.code === 'component-modified') title = `Update ${c.id} from the library`;
      if (!title) continue;
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.command = { command: commands.updatePilot, title: `${title} (${c.id})`, arguments: [{ dir: hit.dir, ids: [c.id] }] };
      action.diagnostics = [d];
      action.isPreferred = true;
      out.push(action);
    }
    return out;
  }
}

/** Reference of a component in pilot.yaml's text at a diagnostic's range (the command modules are loaded on first use: not from here). */
function referenceIdAt(text: string): string | undefined {
  return parseReference(text.trim().replace(/^['"]|['"]$/g, ''))?.id;
}
