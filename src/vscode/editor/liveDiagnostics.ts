// Live diagnostics: open asset files checked on open, as you type (debounced, stale runs dropped) and on save, with cross-file effects.

import * as vscode from 'vscode';
import { applyDiagnosticSettings, settingsProblems } from '../../core/editor/diagnosticSettings';
import type { Diagnostic } from '../../core/diagnostics';
import type { ParsedFile } from '../../core/formats/types';
import { parseFile } from '../../core/formats/parseFile';
import type { Catalog } from '../../core/library/types';
import { quoteCodeSpans } from '../../core/text/markdown';
import { Config } from '../config';
import { toRange, toVscodeDiagnostic } from '../diagnostics';
import type { WorkspaceValidator } from '../diagnostics';
import { Disposable, toDisposable } from '../lifecycle';
import type { LibraryService } from '../libraryService';
import { belongsToCatalog, EditorCatalogs, readText, worthLoading } from './catalogs';
import type { Placement, TrackedRoot } from './catalogs';
import { mayBeAssetFile } from './selector';

/** Delay between the last keystroke and a check. */
export const typingDelayMs = 200;

/** What the last check took (for the log, the tests and the figures). */
export interface LiveRun {
  uri: string;
  version: number;
  /** From the check's start (after the debounce) to the diagnostics handed to VS Code. */
  totalMs: number;
  /** From the change event (the keystroke reaching the extension) to the diagnostics handed to VS Code: the pause, any wait, and the check. */
  sinceEventMs: number;
  parseMs: number;
  assembleMs: number;
  checksMs: number;
  publishMs: number;
  /** How many files' diagnostics were re-published. */
  published: number;
  affected: number | 'all';
}

/** The engine's diagnostics published for one URI (code actions read their fixes here). */
export interface PublishedFile {
  root: TrackedRoot;
  path: string;
  engine: Diagnostic[];
  shown: vscode.Diagnostic[];
}

const encoder = new TextEncoder();

/**
 * Checks every open asset file with the engine and publishes the results in the
 * "genai-assets" collection (the one Validate Workspace fills), laid over what it published.
 */
export class LiveDiagnostics extends Disposable {
  readonly catalogs: EditorCatalogs;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Map<string, vscode.CancellationTokenSource>();
  private readonly published = new Map<string, PublishedFile>();
  /** The ParsedFile of each open document's current version (hover, completion and outline read it). */
  private readonly parsed = new Map<string, { version: number; file: ParsedFile }>();
  private codeHelp: ((code: string) => vscode.Uri | undefined) | undefined;
  private readonly ran = this._register(new vscode.EventEmitter<LiveRun>());
  /** Fires after each check has published its diagnostics. */
  readonly onDidRun = this.ran.event;
  lastRun: LiveRun | undefined;
  private readonly runs = new Map<string, LiveRun>();

  constructor(
    libraries: LibraryService,
    private readonly validator: WorkspaceValidator,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.catalogs = this._register(new EditorCatalogs(libraries, log));
    validator.adjust = (list) => applyDiagnosticSettings(list, config.diagnosticSettings);
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length || this.config.diagnosticsRun !== 'onType') return;
        this.schedule(e.document, typingDelayMs);
      }),
    );
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => this.schedule(doc, 0)));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => void this.closed(doc)));
    this._register(this.catalogs.onDidRebase((e) => this.rebased(e.root, e.changed)));
    this._register(validator.onDidValidate(() => this.afterValidation()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!Config.affectsDiagnostics(e)) return;
        this.reportSettingsProblems();
        if (this.config.diagnosticsRun === 'off') this.clearLive();
        else for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
        // Validate Workspace's results follow the settings too.
        if (this.validator.hasRun) this.validator.validate().catch((err) => this.log.warn(`Validate Workspace after a settings change failed: ${(err as Error).message}`));
      }),
    );
    this._register(
      toDisposable(() => {
        for (const t of this.timers.values()) clearTimeout(t);
        for (const c of this.pending.values()) c.cancel();
      }),
    );
    // After a sync, the Problems panel's workspace results are brought up to date in the background.
    let syncing = libraries.isSyncing;
    this._register(
      libraries.onDidChange(() => {
        const now = libraries.isSyncing;
        if (syncing && !now && this.validator.hasRun) {
          this.validator.validate().catch((e) => this.log.warn(`Validation after the sync failed: ${(e as Error).message}`));
        }
        syncing = now;
      }),
    );
    // Documents open before activation: checked once activation is over (the engine loads on first use, not in activate()).
    setTimeout(() => {
      if (this.isDisposed) return;
      this.reportSettingsProblems();
      for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
    }, 0);
  }

  /** The last check of one document (undefined until it was checked with its library). */
  lastRunOf(uri: vscode.Uri): LiveRun | undefined {
    return this.runs.get(uri.toString());
  }

  /** The engine's published diagnostics of a URI, with the root they come from. */
  publishedFor(uri: vscode.Uri): PublishedFile | undefined {
    return this.published.get(uri.toString());
  }

  /**
   * The file, its root and the parsed form of the document's current text: what hover,
   * completion and outline work on. Loads the document's library on first need.
   */
  async fileFor(doc: vscode.TextDocument): Promise<{ file: ParsedFile; root: TrackedRoot; path: string; catalog: Catalog } | undefined> {
    if (!mayBeAssetFile(doc.uri)) return undefined;
    const place = await this.catalogs.place(doc.uri);
    if (!place) return undefined;
    const root = this.catalogs.loaded(place.key) ?? ((await worthLoading(place, doc.getText())) ? await this.catalogs.load(place, doc.getText()) : undefined);
    if (!root) return undefined;
    const k = doc.uri.toString();
    const cached = this.parsed.get(k);
    let file = cached && cached.version === doc.version ? cached.file : undefined;
    if (!file) {
      file = root.live.parseAlone(place.path, doc.getText());
      this.parsed.set(k, { version: doc.version, file });
    }
    if (!belongsToCatalog(root, place.path, doc.getText()) && file.format === 'text') return undefined;
    return { file, root, path: place.path, catalog: root.live.catalog };
  }

  /** Checks a document after `delayMs` (0: at once), dropping a check scheduled or running for an older version. */
  schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (this.config.diagnosticsRun === 'off' || !mayBeAssetFile(doc.uri)) return;
    const k = doc.uri.toString();
    clearTimeout(this.timers.get(k));
    this.pending.get(k)?.cancel();
    const receivedAt = performance.now();
    const start = (): void => {
      this.timers.delete(k);
      const cts = new vscode.CancellationTokenSource();
      this.pending.set(k, cts);
      void this.check(doc, cts.token, receivedAt)
        .catch((e) => this.log.error(`Live diagnostics failed for ${doc.uri.toString(true)}: ${e instanceof Error && e.stack ? e.stack : String(e)}`))
        .finally(() => {
          if (this.pending.get(k) === cts) this.pending.delete(k);
          cts.dispose();
        });
    };
    if (delayMs <= 0) start();
    else this.timers.set(k, setTimeout(start, delayMs));
  }

  private async check(doc: vscode.TextDocument, token: vscode.CancellationToken, receivedAt: number): Promise<void> {
    const started = performance.now();
    const version = doc.version;
    const place = await this.catalogs.place(doc.uri);
    if (!place || token.isCancellationRequested || doc.isClosed) return;
    this.codeHelp ??= await this.validator.codeHelp();
    let root = this.catalogs.loaded(place.key);
    if (!root) {
      if (!(await worthLoading(place, doc.getText())) || token.isCancellationRequested) return;
      // The library is being read: show the file's own findings meanwhile.
      this.publishAlone(doc, place);
      root = await this.catalogs.load(place, doc.getText());
      if (!root || token.isCancellationRequested || doc.isClosed) return;
    }
    // A newer keystroke arrived while the library loaded: its own check runs.
    if (doc.version !== version) return;
    const text = doc.getText();
    if (!belongsToCatalog(root, place.path, text)) return;
    root.open.add(place.path);
    // The outline or a hover may have parsed this very version already: parse once.
    const cached = this.parsed.get(doc.uri.toString());
    const update = cached && cached.version === version && cached.file.path === place.path ? root.live.setParsed(cached.file) : root.live.setText(place.path, text);
    const file = root.live.file(place.path);
    if (file) this.parsed.set(doc.uri.toString(), { version, file });
    const p0 = performance.now();
    const count = this.republish(root, update.affected, update.changed, place.path);
    const publishMs = performance.now() - p0;
    const run: LiveRun = {
      uri: doc.uri.toString(),
      version,
      totalMs: performance.now() - started,
      sinceEventMs: performance.now() - receivedAt,
      parseMs: update.timing.parseMs,
      assembleMs: update.timing.assembleMs,
      checksMs: update.timing.checksMs,
      publishMs,
      published: count,
      affected: update.affected === 'all' ? 'all' : update.affected.size,
    };
    this.lastRun = run;
    this.runs.set(run.uri, run);
    this.log.trace(
      `Live diagnostics: ${place.path} v${version} in ${run.totalMs.toFixed(1)} ms (parse ${run.parseMs.toFixed(1)}, assets ${run.assembleMs.toFixed(1)}, checks ${run.checksMs.toFixed(1)} on ${run.affected} file(s), publish ${publishMs.toFixed(1)} for ${count}).`,
    );
    this.ran.fire(run);
  }

  /** The file's own findings, parsed alone (while its library loads). */
  private publishAlone(doc: vscode.TextDocument, place: Placement): void {
    const file = parseFile(place.path, encoder.encode(doc.getText()));
    if (file.format === 'text') return;
    this.validator.collection.set(doc.uri, this.toShown(applyDiagnosticSettings(file.diagnostics, this.config.diagnosticSettings), undefined, place.root));
  }

  /**
   * Publishes what a change reached: the changed file; the open files and the files already
   * shown in the Problems panel among those checked again; and any file whose findings the
   * change altered (the eval suites of a prompt whose inputs changed). A file nobody looks at
   * is not put in the Problems panel for findings the edit did not touch.
   */
  private republish(root: TrackedRoot, affected: ReadonlySet<string> | 'all', changed: ReadonlySet<string>, edited?: string): number {
    const reached = (p: string): boolean => affected === 'all' || affected.has(p);
    const targets = new Set<string>(changed);
    if (edited) targets.add(edited);
    for (const p of root.open) if (reached(p)) targets.add(p);
    for (const f of this.published.values()) if (f.root === root && reached(f.path)) targets.add(f.path);
    if (this.validator.hasRun) {
      for (const p of root.live.filesWithFindings()) if (reached(p) && this.validator.collection.has(root.uriOf(p))) targets.add(p);
    }
    for (const p of targets) this.set(root, p);
    return targets.size;
  }

  /** Publishes a file's current findings (as the settings show them). */
  private set(root: TrackedRoot, path: string): void {
    const uri = root.uriOf(path);
    const engine = applyDiagnosticSettings(root.live.diagnosticsFor(path), this.config.diagnosticSettings);
    const shown = this.toShown(engine, root);
    this.validator.collection.set(uri, shown);
    this.published.set(uri.toString(), { root, path, engine, shown });
  }

  private toShown(engine: readonly Diagnostic[], root: TrackedRoot | undefined, folder = root?.root ?? ''): vscode.Diagnostic[] {
    const help = this.codeHelp ?? (() => undefined);
    return engine.map((d) => {
      const v = toVscodeDiagnostic(d, folder, help);
      // Related files of a git library open as its read-only documents.
      if (root && d.related?.length) v.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(root.uriOf(r.file), toRange(r.range)), quoteCodeSpans(r.message)));
      return v;
    });
  }

  private async closed(doc: vscode.TextDocument): Promise<void> {
    const k = doc.uri.toString();
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    this.pending.get(k)?.cancel();
    this.parsed.delete(k);
    this.runs.delete(k);
    if (!mayBeAssetFile(doc.uri)) return;
    const place = await this.catalogs.place(doc.uri);
    const root = place && this.catalogs.loaded(place.key);
    if (place && root && root.open.has(place.path)) {
      root.open.delete(place.path);
      // Back to the file as saved (the editor may have been closed without saving).
      const disk = await readText(doc.uri);
      const update = disk !== undefined ? root.live.setText(place.path, disk) : root.live.revert(place.path);
      if (update) this.republish(root, update.affected, update.changed);
      this.catalogs.release(root);
    }
    // Without Validate Workspace, the Problems panel follows the open editors.
    if (!this.validator.hasRun && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === k)) {
      this.validator.collection.delete(doc.uri);
      this.published.delete(k);
    }
  }

  /** Validate Workspace published the files as saved: the open editors' findings go over its results again. */
  private afterValidation(): void {
    this.published.clear();
    for (const root of this.catalogs.tracked) for (const p of root.open) this.set(root, p);
  }

  /** After a reload or sync: every open or shown file of the root again. */
  private rebased(root: TrackedRoot, changed: ReadonlySet<string>): void {
    this.republish(root, 'all', changed);
  }

  private clearLive(): void {
    for (const [uri, f] of this.published) if (f.root.open.has(f.path)) this.validator.collection.delete(vscode.Uri.parse(uri));
    this.published.clear();
  }

  private reportSettingsProblems(): void {
    for (const p of settingsProblems(this.config.diagnosticSettings)) this.log.warn(p);
  }
}
