// Registers the editor features (live diagnostics, quick fixes, hover, completion, outline, definitions and links); nothing is read until a document needs it.

import * as vscode from 'vscode';
import type { CatalogStore } from '../catalogStore';
import type { Config } from '../config';
import type { DiagnosticsPublisher } from '../diagnostics';
import type { LibraryService } from '../libraryService';
import { YamlSchemas } from '../yamlSchemas';
import { AssetCodeActions } from './codeActions';
import { AssetDefinitions, AssetLinks } from './definitions';
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
  extensionUri: vscode.Uri,
): { live: LiveDiagnostics; disposables: vscode.Disposable[] } {
  const live = new LiveDiagnostics(store, publisher, config, log);
  const selector = editorSelector();
  // The manifests' schemas go to the YAML extension for files inside libraries only; where it describes a file's fields, our hovers and completions leave them out.
  const schemas = new YamlSchemas(extensionUri, libraries, log);
  schemas.start();
  const describedElsewhere = (uri: vscode.Uri): boolean => schemas.describes(uri);
  return {
    live,
    disposables: [
      live,
      schemas,
      vscode.languages.registerCodeActionsProvider(selector, new AssetCodeActions(publisher, config), AssetCodeActions.metadata),
      vscode.languages.registerHoverProvider(selector, new AssetHovers(live, libraries, describedElsewhere)),
      vscode.languages.registerCompletionItemProvider(selector, new AssetCompletions(live, libraries, describedElsewhere), ...AssetCompletions.triggerCharacters),
      vscode.languages.registerDocumentSymbolProvider(selector, new AssetSymbols(live), { label: 'GenAI Assets' }),
      vscode.languages.registerDefinitionProvider(selector, new AssetDefinitions(live, libraries)),
      vscode.languages.registerDocumentLinkProvider(selector, new AssetLinks(live, libraries)),
    ],
  };
}
