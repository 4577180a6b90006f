// Go to Definition and document links: thin adapters from VS Code to src/core/editor/definitions over the live catalogs.

import * as vscode from 'vscode';
import { definitionAt, fileLinks } from '../../core/editor/definitions';
import type { DefinitionLink } from '../../core/editor/definitions';
import { toRange } from '../diagnostics';
import type { LoadedEntry } from '../catalogStore';
import type { LibraryService } from '../libraryService';
import type { LiveDiagnostics } from './liveDiagnostics';
import { catalogFileUri, editorFile } from './languageFeatures';

const start = new vscode.Range(0, 0, 0, 0);

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The URI a link leads to, when the file is there (a link's path may name a file the library lacks). */
async function targetUri(libraries: LibraryService, entry: LoadedEntry, link: DefinitionLink): Promise<vscode.Uri | undefined> {
  const uri = catalogFileUri(libraries, entry, link.target.catalog, link.target.path);
  if (!uri) return undefined;
  // Partials and manifests come from the catalog; a linked file is only named by the text.
  return link.kind !== 'file' || (await exists(uri)) ? uri : undefined;
}

/** F12 / Ctrl+click: a partial's file, a referenced asset's manifest (also a pilot's components), a file a suite or Prompty file names. */
export class AssetDefinitions implements vscode.DefinitionProvider {
  constructor(
    private readonly live: LiveDiagnostics,
    private readonly libraries: LibraryService,
  ) {}

  async provideDefinition(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.LocationLink[] | undefined> {
    const found = await editorFile(this.live, this.libraries, doc);
    if (!found || token.isCancellationRequested) return undefined;
    const link = definitionAt(found.ctx, { line: pos.line, character: pos.character });
    if (!link) return undefined;
    const uri = await targetUri(this.libraries, found.entry, link);
    if (!uri) return undefined;
    const range = link.target.range ? toRange(link.target.range) : start;
    return [{ originSelectionRange: toRange(link.range), targetUri: uri, targetRange: range, targetSelectionRange: range }];
  }
}

/** Underlines the paths a promptfoo suite (`file://`) or a Prompty file (`${file:}`) names, when the file exists. */
export class AssetLinks implements vscode.DocumentLinkProvider {
  constructor(
    private readonly live: LiveDiagnostics,
    private readonly libraries: LibraryService,
  ) {}

  async provideDocumentLinks(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentLink[] | undefined> {
    const found = await editorFile(this.live, this.libraries, doc);
    if (!found || token.isCancellationRequested) return undefined;
    const out: vscode.DocumentLink[] = [];
    for (const link of fileLinks(found.ctx)) {
      const uri = await targetUri(this.libraries, found.entry, link);
      if (!uri) continue;
      const l = new vscode.DocumentLink(toRange(link.range), uri);
      l.tooltip = `Open ${link.target.path}`;
      out.push(l);
    }
    return out;
  }
}
