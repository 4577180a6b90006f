// The Problems panel: the one publisher of the "genai-assets" collection (open documents, what edits reach, Validate Workspace), fed by the catalog store.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic, Range, Severity } from '../core/diagnostics';
import { applyDiagnosticSettings, settingsProblems } from '../core/editor/diagnosticSettings';
import { quoteCodeSpans } from '../core/text/markdown';
import { plural } from '../core/text/plural';
import type { CatalogChange, CatalogEntry, CatalogStore, LoadedEntry } from './catalogStore';
import { Config } from './config';
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

/** The engine's diagnostics published for one URI (code actions read their fixes here). */
export interface PublishedFile {
  entry: LoadedEntry;
  path: string;
  engine: Diagnostic[];
  shown: vscode.Diagnostic[];
}

/** What the last publish of a change took (live diagnostics report it with each check). */
export interface PublishRun {
  /** How many files' diagnostics were set. */
  files: number;
  ms: number;
}

const validationHolder = 'validate-workspace';

/**
 * Owns the "genai-assets" DiagnosticCollection and decides what it shows: the open documents of
 * each catalog entry, the files an edit changed or reached that are shown already, and every file
 * of the roots Validate Workspace covers, which then follow edits, reloads and syncs. The
 * diagnostics settings (disabled codes, severity overrides) are applied here, once, for everyone.
 */
export class DiagnosticsPublisher extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection('genai-assets'));
  /** Published files by URI, and by entry and path. */
  private readonly byUri = new Map<string, PublishedFile>();
  private readonly byEntry = new Map<CatalogEntry, Map<string, PublishedFile>>();
  /** Entries Validate Workspace covers, with the folders of nested libraries (library-relative, '/' ended) they leave to those. */
  private validated = new Map<LoadedEntry, string[]>();
  private readmeRows: Promise<{ readme?: vscode.Uri; rows: Map<string, number> }> | undefined;
  private help: ((code: string) => vscode.Uri | undefined) | undefined;
  /** The last change published. */
  lastPublish: PublishRun = { files: 0, ms: 0 };

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: CatalogStore,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(store.onDidChange((e) => this.changed(e)));
    this._register(store.onDidUnload((entry) => this.unloaded(entry)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!Config.affectsDiagnostics(e)) return;
        this.reportSettingsProblems();
        this.clearOpen();
        this.republishAll();
      }),
    );
    setTimeout(() => !this.isDisposed && this.reportSettingsProblems(), 0);
  }

  /** Resolves once the codes can be linked to the README (call before the first publish). */
  async ready(): Promise<void> {
    this.help ??= await this.codeHelp();
  }

  /** Links a code to its row of the README's table (also for the diagnostics of other collections, e.g. Verify Pilot). */
  async codeHelp(): Promise<(code: string) => vscode.Uri | undefined> {
    const { readme, rows } = await this.codeRows();
    return (code) => {
      const line = rows.get(code);
      return readme && line ? readme.with({ fragment: `L${line}` }) : undefined;
    };
  }

  /** The engine's diagnostics as the diagnostics settings of `scope` (a file or folder; resource-scoped) show them: families and codes off, severities overridden. */
  adjusted(list: readonly Diagnostic[], scope: vscode.Uri | undefined): Diagnostic[] {
    return applyDiagnosticSettings(list, this.config.diagnosticSettings(scope));
  }

  /** The engine's published diagnostics of a URI, with the entry they come from. */
  publishedFor(uri: vscode.Uri): PublishedFile | undefined {
    return this.byUri.get(uri.toString());
  }

  /** A file's own findings, parsed alone (while its library is read). */
  publishAlone(uri: vscode.Uri, diagnostics: readonly Diagnostic[], root: string): void {
    this.collection.set(uri, this.toShown(this.adjusted(diagnostics, uri), undefined, root));
  }

  /** A document was closed: its diagnostics leave the Problems panel unless Validate Workspace covers its file. */
  closed(uri: vscode.Uri): void {
    const k = uri.toString();
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === k)) return;
    const pub = this.byUri.get(k);
    if (pub && this.covers(pub.entry, pub.path)) return;
    this.collection.delete(uri);
    if (pub) this.forget(pub);
  }

  /**
   * Validate Workspace: every library root of the workspace read (or taken from the store, up to
   * date), all their files published, and kept so from now on; returns what was found.
   */
  async validateWorkspace(token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string }>): Promise<ValidationSummary> {
    const started = performance.now();
    await this.ready();
    const roots = await this.store.workspaceRoots(token);
    const summary: ValidationSummary = { libraries: [], files: 0, errors: 0, warnings: 0, infos: 0 };
    const next = new Map<LoadedEntry, string[]>();
    for (const root of roots) {
      if (token?.isCancellationRequested) break;
      progress?.report({ message: nodePath.basename(root) });
      let entry: LoadedEntry;
      try {
        entry = await this.store.loadRoot(root);
      } catch (e) {
        this.log.error(`Validate Workspace: ${root}: ${(e as Error).message}`);
        continue;
      }
      // A nested library reports its own files; the outer one does not repeat them.
      next.set(
        entry,
        roots.filter((r) => r !== root && r.startsWith(root + nodePath.sep)).map((r) => `${nodePath.relative(root, r).split(nodePath.sep).join('/')}/`),
      );
      summary.libraries.push(entry.live.catalog.library.name);
    }
    const previous = this.validated;
    this.validated = next;
    for (const entry of next.keys()) this.store.hold(entry, validationHolder);
    // A new run replaces the last one: what only it showed goes, the open documents stay.
    for (const pub of [...this.byUri.values()]) {
      if (!next.has(pub.entry) && !pub.entry.open.has(pub.path)) {
        this.collection.delete(pub.entry.uriOf(pub.path));
        this.forget(pub);
      }
    }
    for (const entry of previous.keys()) if (!next.has(entry)) this.store.unhold(entry, validationHolder);
    for (const [entry, nested] of next) {
      const inScope = (p: string): boolean => !nested.some((n) => p.startsWith(n));
      for (const p of this.scopeOf(entry, 'all')) {
        if (entry.live.catalog.files.has(p)) summary.files++;
        this.set(entry, p);
      }
      const byFile = new Map<string, Diagnostic[]>();
      for (const d of entry.live.catalog.diagnostics) {
        if (!inScope(d.file)) continue;
        const list = byFile.get(d.file);
        if (list) list.push(d);
        else byFile.set(d.file, [d]);
      }
      for (const d of [...byFile].flatMap(([file, list]) => this.adjusted(list, entry.uriOf(file)))) {
        if (d.severity === 'error') summary.errors++;
        else if (d.severity === 'warning') summary.warnings++;
        else summary.infos++;
      }
    }
    this.log.info(
      `Validate Workspace: ${plural(summary.libraries.length, 'library', 'libraries')}, ${plural(summary.files, 'file')}: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'info')} in ${Math.round(performance.now() - started)} ms.`,
    );
    return summary;
  }

  /**
   * Publishes what a change reached: the edited file; the open files and the files already shown
   * among those checked again; every file of a validated root it reached; and any file whose
   * findings it altered (the eval suites of a prompt whose inputs changed). A file nobody looks
   * at is not put in the Problems panel for findings the change did not touch.
   */
  private changed(e: CatalogChange): void {
    const t0 = performance.now();
    const { entry, update } = e;
    const affected = update.affected;
    const reached = (p: string): boolean => affected === 'all' || affected.has(p);
    const targets = new Set<string>(update.changed);
    if (e.edited) targets.add(e.edited);
    for (const p of entry.open) if (reached(p)) targets.add(p);
    for (const p of this.byEntry.get(entry)?.keys() ?? []) if (reached(p)) targets.add(p);
    for (const p of this.scopeOf(entry, affected)) targets.add(p);
    for (const p of targets) this.set(entry, p);
    this.lastPublish = { files: targets.size, ms: performance.now() - t0 };
  }

  /** The files of a validated entry among `affected` ('all': every file and finding of its catalog). */
  private scopeOf(entry: LoadedEntry, affected: ReadonlySet<string> | 'all'): Set<string> {
    const out = new Set<string>();
    const nested = this.validated.get(entry);
    if (!nested) return out;
    const candidates = affected === 'all' ? [...entry.live.catalog.files.keys(), ...entry.live.filesWithFindings()] : affected;
    for (const p of candidates) if (!nested.some((n) => p.startsWith(n))) out.add(p);
    return out;
  }

  private covers(entry: LoadedEntry, path: string): boolean {
    const nested = this.validated.get(entry);
    return !!nested && !nested.some((n) => path.startsWith(n));
  }

  /** Publishes a file's current findings (as the settings show them). */
  private set(entry: LoadedEntry, path: string): void {
    const uri = entry.uriOf(path);
    const engine = this.adjusted(entry.live.diagnosticsFor(path), uri);
    const shown = this.toShown(engine, entry);
    this.collection.set(uri, shown);
    const pub: PublishedFile = { entry, path, engine, shown };
    this.byUri.set(uri.toString(), pub);
    let paths = this.byEntry.get(entry);
    if (!paths) this.byEntry.set(entry, (paths = new Map()));
    paths.set(path, pub);
  }

  private forget(pub: PublishedFile): void {
    const k = pub.entry.uriOf(pub.path).toString();
    if (this.byUri.get(k) === pub) this.byUri.delete(k);
    const paths = this.byEntry.get(pub.entry);
    if (paths?.get(pub.path) === pub) paths.delete(pub.path);
    if (paths && !paths.size) this.byEntry.delete(pub.entry);
  }

  private toShown(engine: readonly Diagnostic[], entry: LoadedEntry | undefined, folder = entry?.root ?? ''): vscode.Diagnostic[] {
    const help = this.help ?? (() => undefined);
    return engine.map((d) => {
      const v = toVscodeDiagnostic(d, folder, help);
      // Related files of a git library open as its read-only documents.
      if (entry && d.related?.length)
        v.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(entry.uriOf(r.file), toRange(r.range)), quoteCodeSpans(r.message)));
      return v;
    });
  }

  /** An entry was unloaded (nothing keeps it): what it published leaves the Problems panel. */
  private unloaded(entry: CatalogEntry): void {
    for (const pub of [...(this.byEntry.get(entry)?.values() ?? [])]) {
      this.collection.delete(pub.entry.uriOf(pub.path));
      this.forget(pub);
    }
    this.validated.delete(entry as LoadedEntry);
  }

  /** Every published file again (the diagnostics settings changed). */
  private republishAll(): void {
    for (const [entry, paths] of [...this.byEntry]) if (entry.live) for (const p of [...paths.keys()]) this.set(entry as LoadedEntry, p);
  }

  /** Live diagnostics were turned off (for a file's folder): the open documents' findings go, unless Validate Workspace covers them. */
  private clearOpen(): void {
    for (const pub of [...this.byUri.values()]) {
      if (!pub.entry.open.has(pub.path) || this.covers(pub.entry, pub.path) || this.config.diagnosticsRun(pub.entry.uriOf(pub.path)) !== 'off') continue;
      this.collection.delete(pub.entry.uriOf(pub.path));
      this.forget(pub);
    }
  }

  private reportSettingsProblems(): void {
    for (const p of settingsProblems(this.config.diagnosticSettings())) this.log.warn(p);
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
}
