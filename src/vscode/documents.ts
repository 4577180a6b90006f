// Read-only documents: files of a git library's clone (as the catalog shows them) and files as of one commit (history diffs).

import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { Git } from '../core/ports';
import { schemes } from './constants';
import { Disposable } from './lifecycle';
import type { LibraryService } from './libraryService';

const decoder = new TextDecoder('utf-8');

/** `genai-assets-library://<library key>/<path>`: a file of a git library, read-only so the clone is never edited by accident. */
export class LibraryDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly service: LibraryService) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(schemes.library, this));
    // After a sync the clone moved: open documents show the new content.
    this._register(
      service.onDidChange(() => {
        for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === schemes.library) this.changed.fire(doc.uri);
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const lib = this.service.findLibrary(uri.authority);
    if (!lib) return `This library is no longer configured (${uri.authority}).`;
    const file = this.service.filePath(lib, uri.path.replace(/^\/+/, ''));
    if (!file) return `${uri.path} leads outside the library; it is not read.`;
    try {
      return decoder.decode(await fsp.readFile(file));
    } catch (e) {
      return `Could not read ${file}: ${(e as Error).message}. Sync the library again.`;
    }
  }
}

/** Query of a history URI: which repository, commit and path. */
interface HistoryQuery {
  dir: string;
  /** A commit id, or '' for "no such file" (the left side of a file added in the commit). */
  commit: string;
  path: string;
}

/** `genai-assets-history:/<path>?<json>`: a file as of one commit, read from the repository with git. */
export class HistoryDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly trees = new Map<string, Promise<Map<string, string>>>();

  /** `allowed(dir)`: whether git may read the repository at `dir` (a library's history root); any other URI is refused. */
  constructor(
    private readonly git: Git,
    private readonly allowed: (dir: string) => boolean,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(schemes.history, this));
  }

  static uri(dir: string, commit: string, path: string): vscode.Uri {
    const q: HistoryQuery = { dir, commit, path };
    return vscode.Uri.from({ scheme: schemes.history, path: `/${path}`, query: JSON.stringify(q) });
  }

  /** Blob ids by repository path at a commit (cached: commits do not change). */
  blobsAt(dir: string, commit: string): Promise<Map<string, string>> {
    if (!this.allowed(dir)) return Promise.reject(new Error(`${dir} is not the repository of a library of this window; its history is not read.`));
    const key = `${dir}\n${commit}`;
    let hit = this.trees.get(key);
    if (!hit) {
      hit = this.git.lsTree(dir, commit).then((entries) => new Map(entries.filter((e) => e.type === 'blob').map((e) => [e.path, e.id])));
      hit.catch(() => this.trees.delete(key));
      this.trees.set(key, hit);
    }
    return hit;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let q: HistoryQuery;
    try {
      q = JSON.parse(uri.query) as HistoryQuery;
    } catch {
      return '';
    }
    if (!q.commit || typeof q.dir !== 'string' || typeof q.path !== 'string') return '';
    if (!this.allowed(q.dir)) return `This history document names ${q.dir}, which is not the repository of a library of this window; it is not read.`;
    const id = (await this.blobsAt(q.dir, q.commit)).get(q.path);
    if (!id) return '';
    const reader = this.git.blobReader(q.dir);
    try {
      return decoder.decode(await reader.read(id));
    } finally {
      reader.close();
    }
  }
}
