// Extension entry point: builds the services, registers views and commands, returns the API. The editor surface lives in src/vscode.

import * as vscode from 'vscode';
import type { Log } from './core/ports';
import { NodeGit } from './node/git';
import { registerCommands } from './vscode/commands/table';
import { QuickInputs } from './vscode/commands/services';
import type { Services } from './vscode/commands/services';
import { Config } from './vscode/config';
import { contextKeys, outputChannelName } from './vscode/constants';
import { WorkspaceValidator } from './vscode/diagnostics';
import { HistoryDocuments, LibraryDocuments } from './vscode/documents';
import { LibraryService } from './vscode/libraryService';
import { LibraryStatusBar } from './vscode/statusBar';
import { CatalogTreeProvider } from './vscode/views/catalogTree';
import type { CatalogNode } from './vscode/views/catalogTree';
import { PilotsTreeProvider } from './vscode/views/pilotsTree';
import { registerViews } from './vscode/views/register';

/** What activate() returns: for other extensions and for the integration tests, which drive the UI through it. */
export interface GenAiAssetsApi {
  readonly version: string;
  /** Milliseconds from the start to the end of activate(), measured with performance.now(). */
  readonly activationMs: number;
  /** Folder of the extension's log files (the "GenAI Assets" channel writes there). */
  readonly logUri: vscode.Uri;
  readonly libraries: LibraryService;
  readonly catalog: CatalogTreeProvider;
  readonly catalogView: vscode.TreeView<CatalogNode>;
  readonly pilots: PilotsTreeProvider;
  readonly statusBar: vscode.StatusBarItem;
  readonly diagnostics: vscode.DiagnosticCollection;
  /** The quick pick or input box the extension shows right now. */
  readonly inputs: QuickInputs;
}

export function activate(context: vscode.ExtensionContext): GenAiAssetsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(outputChannelName, { log: true });
  context.subscriptions.push(log);
  try {
    const coreLog: Log = { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) };
    const config = new Config();
    const git = new NodeGit();
    const libraries = new LibraryService(context, config, log, coreLog);
    const catalog = new CatalogTreeProvider(libraries);
    const pilots = new PilotsTreeProvider(log);
    const validator = new WorkspaceValidator(context.extensionUri, log);
    const history = new HistoryDocuments(git);
    const statusBar = new LibraryStatusBar(libraries);
    const { catalogView, disposables } = registerViews(libraries, catalog, pilots);
    const inputs = new QuickInputs();
    const services: Services = { context, config, log, git, libraries, catalog, catalogView, pilots, validator, history, inputs };
    context.subscriptions.push(libraries, catalog, pilots, validator, history, statusBar, new LibraryDocuments(libraries), ...disposables, ...registerCommands(services));
    void vscode.commands.executeCommand('setContext', contextKeys.hasConfiguredLibraries, config.libraries.length > 0);
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affectsLibraries(e)) void vscode.commands.executeCommand('setContext', contextKeys.hasConfiguredLibraries, config.libraries.length > 0);
      }),
    );
    const version = String((context.extension.packageJSON as { version?: string }).version);
    const activationMs = performance.now() - started;
    log.info(`GenAI Assets ${version} activated in ${activationMs.toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: no git on workspace content'}).`);
    return { version, activationMs, logUri: context.logUri, libraries, catalog, catalogView, pilots, statusBar: statusBar.item, diagnostics: validator.collection, inputs };
  } catch (e) {
    // VS Code only logs activation failures; say it where the user looks.
    const message = e instanceof Error ? e.message : String(e);
    log.error(`Activation failed: ${e instanceof Error && e.stack ? e.stack : message}`);
    void vscode.window.showErrorMessage(`GenAI Assets could not start: ${message}`, 'Show Log').then((c) => c && log.show());
    throw e;
  }
}

export function deactivate(): void {}
