// The command table: every contributed command id and the factory that builds it; registered in one loop.

import * as vscode from 'vscode';
import type { CommandKey } from '../constants';
import { commands } from '../constants';
import { clearFilter, copyReference, filterByOwner, filterByStatus, filterByTag, filterByText, groupByKind, groupByOwner, groupByTag, openAssetCommand, revealInLibrary, showHistory } from './catalog';
import { addLibrary, editLibraries, openSettings, removeLibrary, showLog, syncLibraries, useSampleLibrary } from './libraries';
import { changeInstallTools, installIntoWorkspace, updateInstalled } from './installs';
import { newPilot } from './newPilot';
import { addComponent, addToPilot, compareWithLibrary, openInLibrary, showOutdated, updatePilot, verifyPilot } from './pilots';
import { previewPrompt, showEvalSuites } from './preview';
import { proposeToLibrary } from './propose';
import { searchAssets } from './search';
import type { CommandFactory, Services } from './services';
import { validateWorkspace } from './validate';
import { showWhereUsed } from './whereUsed';

// The pilots' libraries need no refresh here: the catalog store reads a library folder again when its files change.
const refreshPilots: CommandFactory = (services) => () => services.pilots.scan();

/** Every command of package.json, by its key in constants.ts (the type makes a missing one a compile error). */
export const commandTable: Record<CommandKey, CommandFactory> = {
  searchAssets,
  syncLibraries,
  addLibrary,
  removeLibrary,
  editLibraries,
  useSampleLibrary,
  openSettings,
  validateWorkspace,
  showLog,
  filterByText,
  filterByTag,
  filterByStatus,
  filterByOwner,
  clearFilter,
  groupByKind,
  groupByTag,
  groupByOwner,
  openAsset: openAssetCommand,
  copyReference,
  revealInLibrary,
  showHistory,
  previewPrompt,
  showEvalSuites,
  refreshPilots,
  newPilot,
  verifyPilot,
  updatePilot,
  addComponent,
  openInLibrary,
  addToPilot,
  compareWithLibrary,
  showOutdated,
  proposeToLibrary,
  installIntoWorkspace,
  changeInstallTools,
  updateInstalled,
  showWhereUsed,
};

/** Registers every command; an exception escaping a command is logged and shown, never swallowed. */
export function registerCommands(services: Services): vscode.Disposable[] {
  return (Object.keys(commandTable) as CommandKey[]).map((key) => {
    const run = commandTable[key](services);
    return vscode.commands.registerCommand(commands[key], async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        services.log.error(`${commands[key]} failed: ${e instanceof Error && e.stack ? e.stack : message}`);
        void vscode.window.showErrorMessage(`GenAI Assets: ${message}`, 'Show Log').then((c) => c && services.log.show());
        return undefined;
      }
    });
  });
}
