// Validate Workspace: every library of the workspace through the engine, diagnostics into the Problems panel.

import * as vscode from 'vscode';
import type { ValidationSummary } from '../diagnostics';
import type { CommandFactory } from './services';

export const validateWorkspace: CommandFactory = (services) => async (): Promise<ValidationSummary> => {
  const summary = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Validating the workspace' }, (progress) =>
    services.diagnostics.validateWorkspace(undefined, progress),
  );
  const found = summary.errors + summary.warnings + summary.infos;
  const text = `Validated ${summary.files} file${summary.files === 1 ? '' : 's'} in ${summary.libraries.length} librar${summary.libraries.length === 1 ? 'y' : 'ies'}: ${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}.`;
  if (found) {
    void vscode.window.showInformationMessage(text, 'Open Problems').then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
  } else vscode.window.setStatusBarMessage(`$(check) ${text}`, 5000);
  return summary;
};
