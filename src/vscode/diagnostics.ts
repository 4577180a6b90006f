// Validate Workspace: runs the engine over the workspace's libraries and publishes every diagnostic in the Problems panel.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic, Range, Severity } from '../core/diagnostics';
import { quoteCodeSpans } from '../core/text/markdown';
import { plural } from '../core/text/plural';
import { openFolderLibrary } from '../node/openFolder';
import { Disposable } from './lifecycle';

/** LSP range to vscode.Range: both are 0-based lines and UTF-16 characters, end exclusive, so the numbers carry over 1:1. */
export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

const unnecessary = new Set(['unused-variable']);
const deprecated = new Set(['deprecated-reference', 'deprecated-model', 'component-deprecated']);

/**
 * One engine diagnostic as a vscode.Diagnostic: range 1:1, severity, source, and the code
 * linked to its row of the README's table (`codeHelp`). Diagnostics are plain text in VS Code,
 * so the messages' code spans (kept as written by the CLI) show as quotes.
 */
export function toVscodeDiagnostic(d: Diagnostic, root: string, codeHelp: (code: string) => vscode.Uri | undefined): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), quoteCodeSpans(d.message), toSeverity(d.severity));
  out.source = 'genai-assets';
  const target = codeHelp(d.code);
  out.code = target ? { value: d.code, target } : d.code;
  if (unnecessary.has(d.code)) out.tags = [vscode.DiagnosticTag.Unnecessary];
  if (deprecated.has(d.code)) out.tags = [vscode.DiagnosticTag.Deprecated];
  if (d.related?.length) {
    out.relatedInformation = d.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(nodePath.join(root, ...r.file.split('/'))), toRange(r.range)), quoteCodeSpans(r.message)),
    );
  }
  return out;
}

export interface ValidationSummary {
  libraries: string[];
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

/** Owns the "genai-assets" DiagnosticCollection that Validate Workspace fills. */
export class WorkspaceValidator extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection('genai-assets'));
  private readmeRows: Promise<{ readme?: vscode.Uri; rows: Map<string, number> }> | undefined;
  /** Applied to the engine's diagnostics before they are counted and published (the diagnostics settings). */
  adjust: (list: readonly Diagnostic[]) => Diagnostic[] = (list) => [...list];
  private readonly validated = this._register(new vscode.EventEmitter<void>());
  /** Fires after each run, once the collection holds its results (live diagnostics then lay open editors over them). */
  readonly onDidValidate = this.validated.event;
  /** True once Validate Workspace ran in this window. */
  hasRun = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** The README and the line of each code's row in its table (read once). vsce stores README.md as readme.md. */
  private codeRows(): Promise<{ readme?: vscode.Uri; rows: Map<string, number> }> {
    this.readmeRows ??= (async () => {
      for (const name of ['README.md', 'readme.md']) {
        const readme = vscode.Uri.joinPath(this.extensionUri, name);
        const text = await fsp.readFile(readme.fsPath, 'utf8').catch(() => undefined);
        if (text === undefined) continue;
        const rows = new Map<string, number>();
        text.split(/\r?\n/).forEach((l, i) => {
          const m = /^\|\s*`([a-z-]+)`\s*\|/.exec(l);
          if (m && !rows.has(m[1])) rows.set(m[1], i + 1);
        });
        return { readme, rows };
      }
      return { rows: new Map<string, number>() };
    })();
    return this.readmeRows;
  }

  /** Links a code to its row of the README's table (for diagnostics published by other collections, e.g. Verify Pilot). */
  async codeHelp(): Promise<(code: string) => vscode.Uri | undefined> {
    const { readme, rows } = await this.codeRows();
    return (code) => {
      const line = rows.get(code);
      return readme && line ? readme.with({ fragment: `L${line}` }) : undefined;
    };
  }

  /** Library roots in the workspace: every folder holding library.yaml; a workspace folder without one is validated as a library itself. */
  async libraryRoots(token?: vscode.CancellationToken): Promise<string[]> {
    const roots = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/library.{yaml,yml}'), '**/{node_modules,.git}/**', 500, token);
      if (!found.length) roots.add(folder.uri.fsPath);
      for (const f of found) roots.add(nodePath.dirname(f.fsPath));
    }
    return [...roots].sort();
  }

  /** Validates every library of the workspace and replaces the published diagnostics. */
  async validate(token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string }>): Promise<ValidationSummary> {
    const started = performance.now();
    const roots = await this.libraryRoots(token);
    const { readme, rows } = await this.codeRows();
    const codeHelp = (code: string): vscode.Uri | undefined => {
      const line = rows.get(code);
      return readme && line ? readme.with({ fragment: `L${line}` }) : undefined;
    };
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const summary: ValidationSummary = { libraries: [], files: 0, errors: 0, warnings: 0, infos: 0 };
    for (const root of roots) {
      if (token?.isCancellationRequested) break;
      progress?.report({ message: nodePath.basename(root) });
      let catalog;
      try {
        catalog = await openFolderLibrary(root);
      } catch (e) {
        this.log.error(`Validate Workspace: ${root}: ${(e as Error).message}`);
        continue;
      }
      summary.libraries.push(catalog.library.name);
      // A nested library reports its own files; the outer one does not repeat them.
      const nested = roots.filter((r) => r !== root && r.startsWith(root + nodePath.sep));
      for (const p of catalog.files.keys()) {
        const abs = nodePath.join(root, ...p.split('/'));
        if (nested.some((n) => abs.startsWith(n + nodePath.sep))) continue;
        summary.files++;
        if (!byFile.has(abs)) byFile.set(abs, []);
      }
      for (const d of this.adjust(catalog.diagnostics)) {
        const abs = nodePath.join(root, ...d.file.split('/'));
        if (nested.some((n) => abs.startsWith(n + nodePath.sep))) continue;
        const list = byFile.get(abs) ?? [];
        list.push(toVscodeDiagnostic(d, root, codeHelp));
        byFile.set(abs, list);
        if (d.severity === 'error') summary.errors++;
        else if (d.severity === 'warning') summary.warnings++;
        else summary.infos++;
      }
    }
    this.collection.clear();
    this.collection.set([...byFile].filter(([, list]) => list.length).map(([file, list]) => [vscode.Uri.file(file), list]));
    this.hasRun = true;
    this.validated.fire();
    this.log.info(
      `Validate Workspace: ${plural(summary.libraries.length, 'library', 'libraries')}, ${plural(summary.files, 'file')}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'info')} in ${Math.round(performance.now() - started)} ms.`,
    );
    return summary;
  }
}
