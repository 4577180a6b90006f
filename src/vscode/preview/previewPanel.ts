// The prompt preview: a webview beside the editor that renders the prompt with sample inputs and updates as you type.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Git } from '../../core/ports';
import { previewBodyHtml, previewDocumentHtml, previewModel } from '../../core/render/previewHtml';
import type { PreviewHistory } from '../../core/render/previewHtml';
import type { PromptReport } from '../../core/render/promptReport';
import { commands, webviews } from '../constants';
import { Disposable, toDisposable } from '../lifecycle';
import { promptHistory } from './history';
import type { PromptLocation, PromptSources } from './promptSource';

/** Milliseconds between the last keystroke and the re-render. */
export const previewDebounceMs = 250;

/** Messages the page sends (media/preview.js). */
type PageMessage = { type: 'ready' } | { type: 'sample'; index: number } | { type: 'open'; file: string } | { type: 'command'; command: string };

/** One preview panel, following one prompt document. */
export class PromptPreview extends Disposable {
  readonly panel: vscode.WebviewPanel;
  /** The sample set chosen in the page's picker (undefined: the preferred one). */
  sampleIndex: number | undefined;
  /** The last full page (what a fresh webview would show), for the tests. */
  html = '';
  private report: PromptReport | undefined;
  private location: PromptLocation | undefined;
  private history: PreviewHistory = { state: 'loading' };
  private historyFor: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rendering: Promise<void> = Promise.resolve();
  /** The webview's script nonce: 16 random bytes from the global Web Crypto (node:crypto is not loaded at activation for it). */
  private readonly nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
  private ready = false;
  private shownBody = '';
  private readonly rendered = this._register(new vscode.EventEmitter<string>());
  /** Fires with the full page after each render. */
  readonly onDidRender = this.rendered.event;

  constructor(
    readonly uri: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private readonly sources: PromptSources,
    private readonly git: Git,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(
      webviews.preview,
      `Preview ${nodePath.posix.basename(uri.path)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [media] },
    );
    this.panel.iconPath = vscode.Uri.joinPath(media, 'activity.svg');
    this._register(this.panel);
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this._register(this.panel.webview.onDidReceiveMessage((m: PageMessage) => void this.onMessage(m)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === this.uri.toString() && e.contentChanges.length) this.schedule();
      }),
    );
    this._register(sources.onDidChange(() => this.schedule(true)));
    this._register(toDisposable(() => this.timer && clearTimeout(this.timer)));
  }

  /** Re-renders after the debounce (now when `refreshHistory`, which also reads the history again). */
  schedule(refreshHistory = false): void {
    if (refreshHistory) this.historyFor = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.render(), previewDebounceMs);
  }

  /** Renders the current text of the document (one render at a time, the latest wins). */
  render(): Promise<void> {
    this.rendering = this.rendering.then(() => this.renderNow()).catch((e: unknown) => this.log.error(`Preview of ${this.uri.fsPath}: ${e instanceof Error && e.stack ? e.stack : String(e)}`));
    return this.rendering;
  }

  private async renderNow(): Promise<void> {
    if (this.isDisposed) return;
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const { report, location } = await this.sources.report(doc, this.sampleIndex);
    this.report = report;
    this.location = location;
    const historyKey = `${location.root ?? ''}|${report.asset?.path ?? location.path}`;
    if (this.historyFor !== historyKey) {
      this.historyFor = historyKey;
      this.history = { state: 'loading' };
      void promptHistory(this.git, location, report).then((h) => {
        if (this.historyFor !== historyKey || this.isDisposed) return;
        this.history = h;
        this.publish();
      });
    }
    this.publish();
  }

  private publish(): void {
    if (!this.report || this.isDisposed) return;
    const model = previewModel(this.report, this.history);
    const webview = this.panel.webview;
    const page = {
      cspSource: webview.cspSource,
      nonce: this.nonce,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'preview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'preview.css')).toString(),
    };
    this.html = previewDocumentHtml(model, page);
    this.panel.title = `Preview ${model.title}`;
    const body = previewBodyHtml(model);
    if (!webview.html) {
      webview.html = this.html;
      this.shownBody = body;
    } else if (this.ready && body !== this.shownBody) {
      this.shownBody = body;
      void webview.postMessage({ type: 'update', body });
    }
    // Until the page is ready it is still loading: it asks for the latest body then.
    this.rendered.fire(this.html);
  }

  private async onMessage(m: PageMessage): Promise<void> {
    if (m.type === 'ready') {
      // A page (re)loaded: the first one, or the same page again after the panel was hidden; it shows
      // the HTML it was created with, so it always gets the latest body.
      this.ready = true;
      const body = this.report ? previewBodyHtml(previewModel(this.report, this.history)) : '';
      if (body) {
        this.shownBody = body;
        void this.panel.webview.postMessage({ type: 'update', body });
      }
    } else if (m.type === 'sample' && Number.isInteger(m.index) && m.index >= 0) {
      this.sampleIndex = m.index;
      await this.render();
    } else if (m.type === 'open' && typeof m.file === 'string') {
      // Only files the report names: the page never chooses a path on its own.
      const known = new Set([...(this.report?.suites.map((s) => s.file) ?? []), ...(this.report?.dependencies.flatMap((d) => (d.file ? [d.file] : [])) ?? [])]);
      const uri = known.has(m.file) && this.location ? this.sources.fileUri(this.location, m.file) : undefined;
      if (uri) await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.One });
    } else if (m.type === 'command' && m.command === 'history' && this.report?.asset && this.location?.library) {
      await vscode.commands.executeCommand(commands.showHistory, { asset: this.report.asset, library: this.location.library });
    }
  }
}

/** The preview panels of the window, one per prompt document. */
export class PreviewPanels extends Disposable {
  private readonly panels = new Map<string, PromptPreview>();
  /** The last page any preview rendered (the integration tests read it). */
  lastHtml: string | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sources: PromptSources,
    private readonly git: Git,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(toDisposable(() => [...this.panels.values()].forEach((p) => p.dispose())));
  }

  /** The preview of a document, if one is open. */
  get(uri: vscode.Uri): PromptPreview | undefined {
    return this.panels.get(uri.toString());
  }

  /** Opens (or reveals) the preview of a prompt document beside the editor and renders it. */
  async show(uri: vscode.Uri, sampleIndex?: number): Promise<PromptPreview> {
    const key = uri.toString();
    let preview = this.panels.get(key);
    if (preview) {
      preview.panel.reveal(vscode.ViewColumn.Beside, true);
    } else {
      preview = new PromptPreview(uri, this.extensionUri, this.sources, this.git, this.log);
      const created = preview;
      this.panels.set(key, created);
      created.onDidRender((html) => (this.lastHtml = html));
      created.panel.onDidDispose(() => {
        if (this.panels.get(key) === created) this.panels.delete(key);
      });
    }
    if (sampleIndex !== undefined) preview.sampleIndex = sampleIndex;
    await preview.render();
    return preview;
  }
}
