// Registers the editor features (live diagnostics, quick fixes, hover, completion, outline); nothing is read until a document needs it.

import * as vscode from 'vscode';
import type { Config } from '../config';
import type { WorkspaceValidator } from '../diagnostics';
import type { LibraryService } from '../libraryService';
import { AssetCodeActions } from './codeActions';
import { AssetCompletions, AssetHovers, AssetSymbols } from './languageFeatures';
import { LiveDiagnostics } from './liveDiagnostics';
import { editorSelector } from './selector';

/** Builds the live diagnostics and registers every provider on the recognised files. */
export function registerEditorFeatures(libraries: LibraryService, validator: WorkspaceValidator, config: Config, log: vscode.LogOutputChannel): { live: LiveDiagnostics; disposables: vscode.Disposable[] } {
  const live = new LiveDiagnostics(libraries, validator, config, log);
  return {
    live,
    disposables: [
      live,
      vscode.languages.registerCodeActionsProvider(editorSelector, new AssetCodeActions(live, config), AssetCodeActions.metadata),
      vscode.languages.registerHoverProvider(editorSelector, new AssetHovers(live, libraries)),
      vscode.languages.registerCompletionItemProvider(editorSelector, new AssetCompletions(live, libraries), ...AssetCompletions.triggerCharacters),
      vscode.languages.registerDocumentSymbolProvider(editorSelector, new AssetSymbols(live), { label: 'GenAI Assets' }),
    ],
  };
}
