// Registers the editor features (live diagnostics, quick fixes, hover, completion, outline); nothing is read until a document needs it.

import * as vscode from 'vscode';
import type { CatalogStore } from '../catalogStore';
import type { Config } from '../config';
import type { DiagnosticsPublisher } from '../diagnostics';
import type { LibraryService } from '../libraryService';
import { AssetCodeActions } from './codeActions';
import { AssetCompletions, AssetHovers, AssetSymbols } from './languageFeatures';
import { LiveDiagnostics } from './liveDiagnostics';
import { editorSelector } from './selector';

/** Builds the live diagnostics over the catalog store and registers every provider on the recognised files. */
export function registerEditorFeatures(
  libraries: LibraryService,
  store: CatalogStore,
  publisher: DiagnosticsPublisher,
  config: Config,
  log: vscode.LogOutputChannel,
): { live: LiveDiagnostics; disposables: vscode.Disposable[] } {
  const live = new LiveDiagnostics(store, publisher, config, log);
  const selector = editorSelector();
  return {
    live,
    disposables: [
      live,
      vscode.languages.registerCodeActionsProvider(selector, new AssetCodeActions(publisher, config), AssetCodeActions.metadata),
      vscode.languages.registerHoverProvider(selector, new AssetHovers(live, libraries)),
      vscode.languages.registerCompletionItemProvider(selector, new AssetCompletions(live, libraries), ...AssetCompletions.triggerCharacters),
      vscode.languages.registerDocumentSymbolProvider(selector, new AssetSymbols(live), { label: 'GenAI Assets' }),
    ],
  };
}
