// What command factories are built from: the extension's services, and tracked quick inputs.

import * as vscode from 'vscode';
import type { Git } from '../../core/ports';
import type { Config } from '../config';
import type { CatalogStore } from '../catalogStore';
import type { DiagnosticsPublisher } from '../diagnostics';
import type { FleetService } from '../fleetService';
import type { HistoryDocuments } from '../documents';
import type { LibraryService } from '../libraryService';
import type { PreviewPanels } from '../preview/previewPanel';
import type { PromptSources } from '../preview/promptSource';
import type { Prompter, QuickInputs } from '../multiStepInput';
import type { PilotService } from '../pilotService';
import type { PlannedDocuments } from '../plannedDocuments';
import type { CatalogTreeProvider } from '../views/catalogTree';
import type { PilotsTreeProvider } from '../views/pilotsTree';

export interface Services {
  context: vscode.ExtensionContext;
  config: Config;
  log: vscode.LogOutputChannel;
  git: Git;
  libraries: LibraryService;
  /** The catalogs of each library root (base as loaded, open documents over it). */
  catalogs: CatalogStore;
  catalog: CatalogTreeProvider;
  catalogView: vscode.TreeView<unknown>;
  pilots: PilotsTreeProvider;
  /** The Problems panel's publisher (Validate Workspace, the diagnostics settings). */
  diagnostics: DiagnosticsPublisher;
  history: HistoryDocuments;
  inputs: QuickInputs;
  /** Reports of open prompts (CodeLens, preview). */
  prompts: PromptSources;
  preview: PreviewPanels;
  /** Multi-step flows and their dialogs ask through it (tests answer in the user's place). */
  prompter: Prompter;
  pilotService: PilotService;
  planned: PlannedDocuments;
  /** Where-used: the locks of the repositories of genaiAssets.fleet. */
  fleet: FleetService;
}

/** A command: built once from the services, called with the arguments VS Code passes (tree node, or values from tests). */
export type CommandFactory = (services: Services) => (...args: unknown[]) => unknown;

/** Shows an error without blocking the command's result (a modal-free notification). */
export function showError(services: Services, message: string): void {
  services.log.error(message);
  void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => choice && services.log.show());
}
