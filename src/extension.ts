// Extension entry point: builds the services, registers views and commands, returns the API. The editor surface lives in src/vscode.

import * as vscode from 'vscode';
import type { Log } from './core/ports';
import { registerCommands } from './vscode/commands/table';
import type { Services } from './vscode/commands/services';
import { Config } from './vscode/config';
import { contextKeys, outputChannelName } from './vscode/constants';
import { CatalogStore } from './vscode/catalogStore';
import { DiagnosticsPublisher } from './vscode/diagnostics';
import { HistoryDocuments, LibraryDocuments } from './vscode/documents';
import { FleetService } from './vscode/fleetService';
import { EvalCostCodeLensProvider, evalSuiteSelector, PromptCodeLensProvider, promptDocumentSelector } from './vscode/editor/codeLens';
import type { LiveDiagnostics } from './vscode/editor/liveDiagnostics';
import { registerEditorFeatures } from './vscode/editor/register';
import { LazyGit } from './vscode/lazyGit';
import { LibraryService } from './vscode/libraryService';
import { Prompter, QuickInputs } from './vscode/multiStepInput';
import { PilotCodeActions, pilotFilesSelector } from './vscode/pilotCodeActions';
import { PilotService } from './vscode/pilotService';
import { PlannedDocuments } from './vscode/plannedDocuments';
import { PreviewPanels } from './vscode/preview/previewPanel';
import { PromptSources } from './vscode/preview/promptSource';
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
  /** Prompt previews; `preview.lastHtml` is the last page rendered. */
  readonly preview: PreviewPanels;
  /** Pilot checks, Verify Pilot's diagnostics (`pilotService.collection`), plans. */
  readonly pilotService: PilotService;
  /** How multi-step flows ask; `prompter.answerWith(fn)` lets a test give the user's answers (the engine runs for real). */
  readonly prompter: Prompter;
  /** Live diagnostics of open asset files (`editor.lastRun`: what the last check took). */
  readonly editor: LiveDiagnostics;
  /** Where-used: the fleet as last read (`fleet.current`), the reports. */
  readonly fleet: FleetService;
}

export function activate(context: vscode.ExtensionContext): GenAiAssetsApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(outputChannelName, { log: true });
  context.subscriptions.push(log);
  try {
    const coreLog: Log = { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) };
    const config = new Config();
    const git = new LazyGit();
    const libraries = new LibraryService(context, config, log, coreLog);
    const catalogs = new CatalogStore(libraries, log);
    const diagnostics = new DiagnosticsPublisher(context.extensionUri, catalogs, config, log);
    const fleet = new FleetService(config, libraries, log);
    const catalog = new CatalogTreeProvider(libraries, fleet);
    const pilotService = new PilotService(libraries, catalogs, git, diagnostics, log);
    const pilots = new PilotsTreeProvider(log, pilotService, libraries);
    // History documents are served only for the repositories of this window's libraries (never for a folder a URI names).
    const history = new HistoryDocuments(git, (dir) => libraries.libraries.some((l) => l.history?.dir === dir));
    const statusBar = new LibraryStatusBar(libraries);
    const { catalogView, disposables } = registerViews(libraries, catalog, pilots);
    const inputs = new QuickInputs();
    const prompts = new PromptSources(libraries, catalogs, context.extensionPath);
    const preview = new PreviewPanels(context.extensionUri, prompts, git, log);
    const prompter = new Prompter(inputs);
    const planned = new PlannedDocuments();
    const services: Services = { context, config, log, git, libraries, catalogs, catalog, catalogView, pilots, diagnostics, history, inputs, prompts, preview, prompter, pilotService, planned, fleet };
    context.subscriptions.push(libraries, catalogs, diagnostics, fleet, catalog, pilots, history, statusBar, new LibraryDocuments(libraries), ...disposables, ...registerCommands(services));
    context.subscriptions.push(pilotService, planned, vscode.languages.registerCodeActionsProvider(pilotFilesSelector, new PilotCodeActions(pilotService), PilotCodeActions.metadata));
    const editorFeatures = registerEditorFeatures(libraries, catalogs, diagnostics, config, log, context.extensionUri);
    context.subscriptions.push(...editorFeatures.disposables);
    const codeLens = new PromptCodeLensProvider(prompts);
    context.subscriptions.push(prompts, preview, codeLens, vscode.languages.registerCodeLensProvider(promptDocumentSelector, codeLens));
    const evalCostLens = new EvalCostCodeLensProvider(prompts);
    context.subscriptions.push(evalCostLens, vscode.languages.registerCodeLensProvider(evalSuiteSelector, evalCostLens));
    void vscode.commands.executeCommand('setContext', contextKeys.hasConfiguredLibraries, config.libraries.length > 0);
    void vscode.commands.executeCommand('setContext', contextKeys.hasFleet, config.fleet.length > 0);
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affectsLibraries(e)) void vscode.commands.executeCommand('setContext', contextKeys.hasConfiguredLibraries, config.libraries.length > 0);
        if (Config.affectsFleet(e)) void vscode.commands.executeCommand('setContext', contextKeys.hasFleet, config.fleet.length > 0);
      }),
    );
    const version = String((context.extension.packageJSON as { version?: string }).version);
    const activationMs = performance.now() - started;
    log.info(`GenAI Assets ${version} activated in ${activationMs.toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: no git on workspace content'}).`);
    return {
      version,
      activationMs,
      logUri: context.logUri,
      libraries,
      catalog,
      catalogView,
      pilots,
      statusBar: statusBar.item,
      diagnostics: diagnostics.collection,
      inputs,
      preview,
      pilotService,
      prompter,
      editor: editorFeatures.live,
      fleet,
    };
  } catch (e) {
    // VS Code only logs activation failures; say it where the user looks.
    const message = e instanceof Error ? e.message : String(e);
    log.error(`Activation failed: ${e instanceof Error && e.stack ? e.stack : message}`);
    void vscode.window.showErrorMessage(`GenAI Assets could not start: ${message}`, 'Show Log').then((c) => c && log.show());
    throw e;
  }
}

export function deactivate(): void {}
