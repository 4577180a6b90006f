// Read-only documents of planned file contents (`genai-assets-planned:`): what an update would write, for diffs before applying.

import * as vscode from 'vscode';
import { decodeUtf8, looksBinary } from '../core/text/textDocument';
import { schemes } from './constants';
import { Disposable } from './lifecycle';

/** A set of planned files, by pilot-relative path (undefined: the file would not exist). */
export interface PlannedSet {
  readonly id: string;
  /** The document of `path` as planned. */
  uri(path: string): vscode.Uri;
}

/** How many sets are kept: diff editors opened from an earlier update may still ask for their content. */
const keptSets = 64;

/** Serves planned contents as read-only documents; the oldest sets are dropped beyond `keptSets`. */
export class PlannedDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly sets = new Map<string, Map<string, Uint8Array | undefined>>();
  private next = 1;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(schemes.planned, this));
  }

  /** Holds `files` and returns the URIs that show them. */
  add(label: string, files: Map<string, Uint8Array | undefined>): PlannedSet {
    const id = `${this.next++}-${label.replace(/[^\w-]/g, '_')}`;
    this.sets.set(id, files);
    for (const key of this.sets.keys()) {
      if (this.sets.size <= keptSets) break;
      this.sets.delete(key);
    }
    return { id, uri: (path) => vscode.Uri.from({ scheme: schemes.planned, path: `/${path}`, query: id }) };
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const files = this.sets.get(uri.query);
    if (!files) return '';
    const bytes = files.get(uri.path.replace(/^\/+/, ''));
    if (!bytes) return '';
    const text = looksBinary(bytes) ? undefined : decodeUtf8(bytes);
    return text ?? `(binary file, ${bytes.length} bytes: not shown)`;
  }
}
