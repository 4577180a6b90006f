// Live diagnostics: open asset files laid over their library's catalog on open, as you type (debounced, stale runs dropped) and on save.

import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { ParsedFile } from '../../core/formats/types';
import { parseFile } from '../../core/formats/parseFile';
import type { Catalog } from '../../core/library/types';
import type { CatalogStore, LoadedEntry } from '../catalogStore';
import { Config } from '../config';
import type { DiagnosticsPublisher } from '../diagnostics';
import { Disposable, toDisposable } from '../lifecycle';
import { belongsToCatalog, mayBeAssetFile, worthLoading } from './selector';

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

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Reads a file as text (undefined when it does not exist or is not UTF-8 text). */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
  if (uri.scheme !== 'file') return undefined;
  try {
    return decoder.decode(await fsp.readFile(uri.fsPath));
  } catch {
    // No file on disk (deleted, or never saved): the caller drops the overlay instead.
    return undefined;
  }
}

/**
 * Lays every open asset document over its entry of the catalog store as the user types; the
 * store's change reaches the DiagnosticsPublisher, which shows it. Hover, completion, outline and
 * quick fixes read the parsed document here.
 */
export class LiveDiagnostics extends Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Map<string, vscode.CancellationTokenSource>();
  /** The ParsedFile of each open document's current version (hover, completion and outline read it). */
  private readonly parsed = new Map<string, { version: number; file: ParsedFile }>();
  private readonly ran = this._register(new vscode.EventEmitter<LiveRun>());
  /** Fires after each check has published its diagnostics. */
  readonly onDidRun = this.ran.event;
  lastRun: LiveRun | undefined;
  private readonly runs = new Map<string, LiveRun>();

  constructor(
    private readonly store: CatalogStore,
    private readonly publisher: DiagnosticsPublisher,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length || this.config.diagnosticsRun(e.document.uri) !== 'onType') return;
        this.schedule(e.document, typingDelayMs);
      }),
    );
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => this.schedule(doc, 0)));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => void this.closed(doc)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affectsDiagnostics(e)) for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
      }),
    );
    this._register(
      toDisposable(() => {
        for (const t of this.timers.values()) clearTimeout(t);
        for (const c of this.pending.values()) c.cancel();
      }),
    );
    // Documents open before activation: checked once activation is over (the engine loads on first use, not in activate()).
    setTimeout(() => {
      if (this.isDisposed) return;
      for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
    }, 0);
  }

  /** The last check of one document (undefined until it was checked with its library). */
  lastRunOf(uri: vscode.Uri): LiveRun | undefined {
    return this.runs.get(uri.toString());
  }

  /**
   * The file, its entry and the parsed form of the document's current text: what hover,
   * completion and outline work on. Loads the document's library on first need.
   */
  async fileFor(doc: vscode.TextDocument): Promise<{ file: ParsedFile; entry: LoadedEntry; path: string; catalog: Catalog } | undefined> {
    if (!mayBeAssetFile(doc.uri)) return undefined;
    const place = await this.store.place(doc.uri);
    if (!place) return undefined;
    const entry = this.store.loaded(place.key) ?? ((await worthLoading(place, doc.getText())) ? await this.store.load(place, doc.getText()) : undefined);
    if (!entry) return undefined;
    const k = doc.uri.toString();
    const cached = this.parsed.get(k);
    let file = cached && cached.version === doc.version ? cached.file : undefined;
    if (!file) {
      file = entry.live.parseAlone(place.path, doc.getText());
      this.parsed.set(k, { version: doc.version, file });
    }
    if (!belongsToCatalog(entry, place.path, doc.getText()) && file.format === 'text') return undefined;
    return { file, entry, path: place.path, catalog: entry.live.catalog };
  }

  /** Checks a document after `delayMs` (0: at once), dropping a check scheduled or running for an older version. */
  schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!mayBeAssetFile(doc.uri) || this.config.diagnosticsRun(doc.uri) === 'off') return;
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
    const place = await this.store.place(doc.uri);
    if (!place || token.isCancellationRequested || doc.isClosed) return;
    await this.publisher.ready();
    let entry = this.store.loaded(place.key);
    if (!entry) {
      if (!(await worthLoading(place, doc.getText())) || token.isCancellationRequested) return;
      // The library is being read: show the file's own findings meanwhile.
      const alone = parseFile(place.path, encoder.encode(doc.getText()));
      if (alone.format !== 'text') this.publisher.publishAlone(doc.uri, alone.diagnostics, place.root);
      entry = await this.store.load(place, doc.getText());
      if (!entry || token.isCancellationRequested || doc.isClosed) return;
    }
    // A newer keystroke arrived while the library loaded: its own check runs.
    if (doc.version !== version) return;
    const text = doc.getText();
    if (!belongsToCatalog(entry, place.path, text)) return;
    entry.open.add(place.path);
    // The outline or a hover may have parsed this very version already: parse once.
    const cached = this.parsed.get(doc.uri.toString());
    const reuse = cached && cached.version === version && cached.file.path === place.path ? cached.file : undefined;
    const update = this.store.edit(entry, place.path, text, reuse);
    const published = this.publisher.lastPublish;
    const file = entry.live.file(place.path);
    if (file) this.parsed.set(doc.uri.toString(), { version, file });
    const run: LiveRun = {
      uri: doc.uri.toString(),
      version,
      totalMs: performance.now() - started,
      sinceEventMs: performance.now() - receivedAt,
      parseMs: update.timing.parseMs,
      assembleMs: update.timing.assembleMs,
      checksMs: update.timing.checksMs,
      publishMs: published.ms,
      published: published.files,
      affected: update.affected === 'all' ? 'all' : update.affected.size,
    };
    this.lastRun = run;
    this.runs.set(run.uri, run);
    this.log.trace(
      `Live diagnostics: ${place.path} v${version} in ${run.totalMs.toFixed(1)} ms (parse ${run.parseMs.toFixed(1)}, assets ${run.assembleMs.toFixed(1)}, checks ${run.checksMs.toFixed(1)} on ${run.affected} file(s), publish ${run.publishMs.toFixed(1)} for ${run.published}).`,
    );
    this.ran.fire(run);
  }

  private async closed(doc: vscode.TextDocument): Promise<void> {
    const k = doc.uri.toString();
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    this.pending.get(k)?.cancel();
    this.parsed.delete(k);
    this.runs.delete(k);
    if (!mayBeAssetFile(doc.uri)) return;
    const place = await this.store.place(doc.uri);
    const entry = place && this.store.loaded(place.key);
    if (place && entry && entry.open.has(place.path)) {
      entry.open.delete(place.path);
      // Back to the file as saved (the editor may have been closed without saving).
      const disk = await readText(doc.uri);
      if (disk !== undefined) this.store.edit(entry, place.path, disk);
      else this.store.revert(entry, place.path);
      this.store.releaseLater(entry);
    }
    this.publisher.closed(doc.uri);
  }
}
