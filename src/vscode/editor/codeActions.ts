// Quick fixes for the engine's diagnostics: each fix, "fix all of this kind in the file", and source.fixAll for save.

import * as vscode from 'vscode';
import { applyDiagnosticSettings } from '../../core/editor/diagnosticSettings';
import { fixableCodes, fixAll, minimalEdit, quickFixes } from '../../core/editor/codeActions';
import type { Diagnostic, DiagnosticCode } from '../../core/diagnostics';
import { coveredByEvals } from '../../core/library/references';
import type { Config } from '../config';
import { toRange } from '../diagnostics';
import type { DiagnosticsPublisher, PublishedFile } from '../diagnostics';

/** A "fix all" action, resolved (computed) only when VS Code is about to show or apply it. */
class FixAllAction extends vscode.CodeAction {
  constructor(
    title: string,
    kind: vscode.CodeActionKind,
    readonly document: vscode.TextDocument,
    readonly codes: ReadonlySet<DiagnosticCode> | undefined,
  ) {
    super(title, kind);
  }
}

/** The engine diagnostic behind a shown one (same code, range and message). */
function engineOf(pub: PublishedFile, d: vscode.Diagnostic): Diagnostic | undefined {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  const i = pub.shown.findIndex((s) => s === d || (s.message === d.message && s.range.isEqual(d.range) && (typeof s.code === 'object' ? s.code.value : s.code) === code));
  return i >= 0 ? pub.engine[i] : undefined;
}

/**
 * Offers the engine's fixes as quick fixes: one action per fix, preferred when
 * it is the diagnostic's only one or its first declaration (optional first when eval suites cover
 * the prompt); a fix's edits may reach another file of the library.
 * Maintainer-only fixes (recompute an approval digest) need `genaiAssets.maintainerMode`.
 */
export class AssetCodeActions implements vscode.CodeActionProvider<vscode.CodeAction> {
  /** `source.fixAll.genaiAssets`: every unambiguous fix of the file (for `editor.codeActionsOnSave`). */
  static readonly fixAllKind = vscode.CodeActionKind.SourceFixAll.append('genaiAssets');
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, AssetCodeActions.fixAllKind] };

  constructor(
    private readonly published: DiagnosticsPublisher,
    private readonly config: Config,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const pub = this.published.publishedFor(document.uri);
    // Read-only documents (git libraries' files) take no edits.
    if (!pub || document.uri.scheme !== 'file') return [];
    const opts = { maintainer: this.config.maintainerMode, coveredByEvals: coveredByEvals(pub.entry.live.catalog, pub.path) };
    const out: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind): boolean => !context.only || context.only.contains(kind) || kind.contains(context.only);
    if (wants(vscode.CodeActionKind.QuickFix)) {
      const kinds = new Map<DiagnosticCode, vscode.Diagnostic[]>();
      for (const d of context.diagnostics) {
        if (d.source !== 'genai-assets') continue;
        const engine = engineOf(pub, d);
        if (!engine) continue;
        for (const fix of quickFixes([engine], opts)) {
          const action = new vscode.CodeAction(fix.title.replace(/`/g, ''), vscode.CodeActionKind.QuickFix);
          const edit = new vscode.WorkspaceEdit();
          for (const change of fix.changes) {
            const uri = change.file === pub.path ? document.uri : pub.entry.uriOf(change.file);
            for (const e of change.edits) edit.replace(uri, toRange(e.range), e.newText);
          }
          action.edit = edit;
          action.diagnostics = [d];
          action.isPreferred = fix.isPreferred;
          out.push(action);
        }
        kinds.set(engine.code, [...(kinds.get(engine.code) ?? []), d]);
      }
      // "Fix all of this kind" when the file has several unambiguous fixes of a code under the cursor.
      const fixable = fixableCodes(pub.engine, opts, 2);
      for (const [code, shown] of kinds) {
        const n = fixable.get(code);
        if (!n) continue;
        const action = new FixAllAction(`Fix all ${n} ${code} problems in this file`, vscode.CodeActionKind.QuickFix, document, new Set([code]));
        action.diagnostics = shown;
        out.push(action);
      }
    }
    if (context.only && wants(AssetCodeActions.fixAllKind) && fixableCodes(pub.engine, opts).size) {
      out.push(new FixAllAction('Fix all GenAI asset problems', AssetCodeActions.fixAllKind, document, undefined));
    }
    return out;
  }

  /** Computes a "fix all": rounds of fixes, the file checked again between rounds, as one minimal edit. */
  resolveCodeAction(action: vscode.CodeAction): vscode.CodeAction {
    if (!(action instanceof FixAllAction)) return action;
    const doc = action.document;
    const pub = this.published.publishedFor(doc.uri);
    if (!pub || doc.isClosed) return action;
    const settings = this.config.diagnosticSettings(doc.uri);
    const text = doc.getText();
    const result = fixAll(text, pub.engine, {
      maintainer: this.config.maintainerMode,
      coveredByEvals: coveredByEvals(pub.entry.live.catalog, pub.path),
      codes: action.codes,
      recheck: (t) => applyDiagnosticSettings(pub.entry.live.parseAlone(pub.path, t).diagnostics, settings),
    });
    const change = result && minimalEdit(text, result.text);
    if (change) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.newText);
      action.edit = edit;
    }
    return action;
  }
}
