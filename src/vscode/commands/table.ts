// The command table: every contributed command id and the factory that builds it; registered in one loop. The command modules are
// not in the extension's bundle but in dist/commands.js (esbuild.mjs, editorHome): each entry reads its factory, and so loads that file,
// when its command first runs, never at activation.

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

/** Every command of package.json, by its key in constants.ts (the type makes a missing one a compile error): a function that gives its factory. */
export const commandTable: Record<CommandKey, () => CommandFactory> = {
  searchAssets: () => searchAssets,
  syncLibraries: () => syncLibraries,
  addLibrary: () => addLibrary,
  removeLibrary: () => removeLibrary,
  editLibraries: () => editLibraries,
  useSampleLibrary: () => useSampleLibrary,
  openSettings: () => openSettings,
  validateWorkspace: () => validateWorkspace,
  showLog: () => showLog,
  filterByText: () => filterByText,
  filterByTag: () => filterByTag,
  filterByStatus: () => filterByStatus,
  filterByOwner: () => filterByOwner,
  clearFilter: () => clearFilter,
  groupByKind: () => groupByKind,
  groupByTag: () => groupByTag,
  groupByOwner: () => groupByOwner,
  openAsset: () => openAssetCommand,
  copyReference: () => copyReference,
  revealInLibrary: () => revealInLibrary,
  showHistory: () => showHistory,
  previewPrompt: () => previewPrompt,
  showEvalSuites: () => showEvalSuites,
  refreshPilots: () => refreshPilots,
  newPilot: () => newPilot,
  verifyPilot: () => verifyPilot,
  updatePilot: () => updatePilot,
  addComponent: () => addComponent,
  openInLibrary: () => openInLibrary,
  addToPilot: () => addToPilot,
  compareWithLibrary: () => compareWithLibrary,
  showOutdated: () => showOutdated,
  proposeToLibrary: () => proposeToLibrary,
  installIntoWorkspace: () => installIntoWorkspace,
  changeInstallTools: () => changeInstallTools,
  updateInstalled: () => updateInstalled,
  showWhereUsed: () => showWhereUsed,
};

/**
 * Registers every command; each is built from the services when it first runs. An exception escaping a command is logged and shown,
 * never swallowed.
 */
export function registerCommands(services: Services): vscode.Disposable[] {
  return (Object.keys(commandTable) as CommandKey[]).map((key) => {
    let run: ReturnType<CommandFactory> | undefined;
    return vscode.commands.registerCommand(commands[key], async (...args: unknown[]) => {
      try {
        run ??= commandTable[key]()(services);
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
