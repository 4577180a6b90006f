// Where an open prompt lives (which library, which catalog) and its report for the CodeLens and the preview, cached by document version.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { formatOfPath } from '../../core/formats/detect';
import { parseFile } from '../../core/formats/parseFile';
import type { Catalog } from '../../core/library/types';
import { finishPromptReport, partialFiles, preparePromptReport, tokenTexts } from '../../core/render/promptReport';
import type { PromptReport } from '../../core/render/promptReport';
import { promptFormats } from '../../core/render/render';
import { schemes } from '../constants';
import type { CatalogStore } from '../catalogStore';
import { Disposable } from '../lifecycle';
import type { LibraryService, WindowLibrary } from '../libraryService';
import { countTokens } from '../../core/tokens';
import type { Tokenizer } from '../../core/tokens';
import { TokenCounter } from './tokenCounter';

/** Milliseconds without an edit before the tokenizer first loads. */
export const tokenizerPauseMs = 1000;

/** Where a prompt document lives. */
export interface PromptLocation {
  /** Path relative to the library root, '/' separated (the file name alone outside a library). */
  path: string;
  /** Absolute root of the library on disk. */
  root?: string;
  catalog?: Catalog;
  /** The window's library holding it; undefined for a library.yaml folder found around a workspace file. */
  library?: WindowLibrary;
}

/** True for files the CodeLens and the preview treat as prompts (Dotprompt, Prompty, GitHub Models, VS Code prompt files). */
export function isPromptPath(fsPathOrName: string): boolean {
  const format = formatOfPath(fsPathOrName.replace(/\\/g, '/'));
  return !!format && promptFormats.has(format);
}

export function isPromptDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== schemes.library) return false;
  return isPromptPath(doc.uri.path);
}

function inside(root: string, file: string): string | undefined {
  const rel = nodePath.relative(root, file);
  if (!rel || rel.startsWith('..') || nodePath.isAbsolute(rel)) return undefined;
  return rel.split(nodePath.sep).join('/');
}

/**
 * Finds the library of a prompt and builds its report. Files of the window's libraries use
 * their loaded catalog; a file outside them uses its root's catalog in the catalog store (the
 * nearest folder holding a library.yaml), as on disk. Nothing is loaded until asked; tokens are
 * counted in a worker thread.
 */
export class PromptSources extends Disposable {
  private readonly reports = new Map<string, { key: string; result: Promise<{ report: PromptReport; location: PromptLocation }> }>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a catalog that reports depend on changed (a library loaded or synced, a library folder read again). */
  readonly onDidChange = this.changed.event;
  private generation = 0;
  /** The last finished report of each document (for the default sample), whatever its version. */
  private readonly settled = new Map<string, { version: number; generation: number; value: { report: PromptReport; location: PromptLocation } }>();

  private readonly tokens: TokenCounter;
  /** Resolves when the tokenizer may start loading (its first load waits for a pause in typing). */
  private tokenizerGate: Promise<void> | undefined;
  private lastEdit = 0;

  constructor(
    private readonly libraries: LibraryService,
    private readonly catalogs: CatalogStore,
    extensionPath: string,
  ) {
    super();
    this.tokens = this._register(new TokenCounter(extensionPath));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && (this.lastEdit = Date.now())));
    this._register(
      libraries.onDidChange(() => {
        this.generation++;
        this.changed.fire();
      }),
    );
    this._register(
      catalogs.onDidChange((e) => {
        if (e.cause !== 'reload') return;
        this.generation++;
        this.changed.fire();
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.reports.delete(doc.uri.toString());
        this.settled.delete(doc.uri.toString());
      }),
    );
  }

  /** The library of a document: its root as the catalog store places it, with the library's catalog as loaded (or the folder's, as on disk). */
  async locate(uri: vscode.Uri): Promise<PromptLocation> {
    const place = await this.catalogs.place(uri);
    if (!place || place.kind === 'file') return { path: place?.path ?? (uri.scheme === schemes.library ? uri.path.replace(/^\/+/, '') : nodePath.basename(uri.fsPath)) };
    const library = this.catalogs.libraryAt(place.root);
    if (library) return { path: place.path, root: place.root, catalog: library.catalog, library };
    const catalog = await this.catalogs.baseAt(place.root).catch(() => undefined);
    return { path: place.path, root: place.root, catalog };
  }

  /**
   * The report of an open prompt with the given sample set (the preferred one when undefined);
   * the same object while neither the document nor the catalogs changed.
   */
  async report(doc: vscode.TextDocument, sampleIndex?: number): Promise<{ report: PromptReport; location: PromptLocation }> {
    // Start loading the window's libraries on first need; this report uses what is there now and is redone when they load.
    if (!this.libraries.started) void this.libraries.ensureLoaded();
    const id = doc.uri.toString();
    const location = await this.locate(doc.uri);
    const key = `${doc.version}|${sampleIndex ?? ''}|${this.generation}|${location.root ?? ''}`;
    const hit = this.reports.get(id);
    // The lenses of one document resolve at the same time: they share one computation.
    if (hit && hit.key === key) return hit.result;
    const text = doc.getText();
    const result = (async () => {
      const file = parseFile(location.path, Buffer.from(text, 'utf8'));
      const partials = await this.partialTexts(location, file);
      const prepared = preparePromptReport({ file, text, catalog: location.catalog, sampleIndex, partial: (name) => partials.get(name) });
      await this.whenTokenizerMayLoad();
      const report = finishPromptReport(prepared, await this.tokens.count(tokenTexts(prepared)));
      return { report, location };
    })();
    this.reports.set(id, { key, result });
    const generation = this.generation;
    result.then(
      (value) => {
        if (sampleIndex === undefined) this.settled.set(id, { version: doc.version, generation, value });
      },
      () => this.reports.get(id)?.result === result && this.reports.delete(id),
    );
    return result;
  }

  /**
   * The last finished report of a document with the preferred sample: `fresh` when it is of
   * the document's current version and catalogs; undefined when none was made yet.
   */
  latest(doc: vscode.TextDocument): { report: PromptReport; location: PromptLocation; fresh: boolean } | undefined {
    const hit = this.settled.get(doc.uri.toString());
    return hit && { ...hit.value, fresh: hit.version === doc.version && hit.generation === this.generation };
  }

  /**
   * The first count loads the tokenizer (in a worker, but about a second of CPU on a small
   * machine): it waits for a moment without edits (from the first request on), so typing and
   * live diagnostics do not share the CPU with it. Later counts do not wait.
   */
  private whenTokenizerMayLoad(): Promise<void> {
    this.tokenizerGate ??= new Promise<void>((resolve) => {
      // The pause counts from now too: a prompt just opened is often typed into at once.
      this.lastEdit = Math.max(this.lastEdit, Date.now());
      const tick = (): void => {
        const idle = Date.now() - this.lastEdit;
        if (idle >= tokenizerPauseMs || this.isDisposed) resolve();
        else setTimeout(tick, tokenizerPauseMs - idle);
      };
      tick();
    });
    return this.tokenizerGate;
  }

  /** Token counts of texts with a tokenizer: o200k_base in the worker, the others here (the estimate costs nothing; cl100k_base is rare). */
  async countTokens(texts: string[], tokenizer: Tokenizer): Promise<number[]> {
    if (tokenizer !== 'o200k_base') return texts.map((t) => countTokens(t, tokenizer));
    await this.whenTokenizerMayLoad();
    return this.tokens.count(texts);
  }

  /** Absolute path of a library-relative file of a location (undefined when it would leave the library). */
  filePath(location: PromptLocation, rel: string): string | undefined {
    if (!location.root) return undefined;
    const abs = nodePath.resolve(location.root, ...rel.split('/'));
    return inside(location.root, abs) !== undefined ? abs : undefined;
  }

  /** The URI to open a library-relative file of a location with (read-only documents for git libraries). */
  fileUri(location: PromptLocation, rel: string): vscode.Uri | undefined {
    if (location.library?.source?.kind === 'git') return vscode.Uri.from({ scheme: schemes.library, authority: location.library.key, path: `/${rel}` });
    const abs = this.filePath(location, rel);
    return abs ? vscode.Uri.file(abs) : undefined;
  }

  /** Texts of the Dotprompt partials the prompt reaches: the open document's text when one is open, else the file on disk. */
  private async partialTexts(location: PromptLocation, file: ReturnType<typeof parseFile>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [name, rel] of partialFiles(location.catalog, file)) {
      const abs = this.filePath(location, rel);
      if (!abs) continue;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === abs);
      const text = open ? open.getText() : await fsp.readFile(abs, 'utf8').catch(() => undefined);
      if (text !== undefined) out.set(name, text);
    }
    return out;
  }
}
