// Creates the Catalog and In This Workspace (genaiAssets.pilots) tree views, loads on first sight, and keeps the view description, the sample library's notice and context keys current.

import * as vscode from 'vscode';
import { contextKeys, views } from '../constants';
import type { LibraryService } from '../libraryService';
import type { CatalogNode, CatalogTreeProvider } from './catalogTree';
import { AssetDecorations, describeView, isFilterActive, sampleNotice } from './catalogTree';
import type { PilotsTreeProvider, PilotTreeNode } from './pilotsTree';

export interface RegisteredViews {
  catalogView: vscode.TreeView<CatalogNode>;
  pilotsView: vscode.TreeView<PilotTreeNode>;
  disposables: vscode.Disposable[];
}

export function registerViews(libraries: LibraryService, catalog: CatalogTreeProvider, pilots: PilotsTreeProvider): RegisteredViews {
  const catalogView = vscode.window.createTreeView(views.catalog, { treeDataProvider: catalog, showCollapseAll: true });
  const pilotsView = vscode.window.createTreeView(views.pilots, { treeDataProvider: pilots });
  const disposables: vscode.Disposable[] = [catalogView, pilotsView, vscode.window.registerFileDecorationProvider(new AssetDecorations())];

  let lastState = '';
  const updateState = (): void => {
    const state = libraries.state;
    if (state !== lastState) void vscode.commands.executeCommand('setContext', contextKeys.catalogState, (lastState = state));
    void vscode.commands.executeCommand('setContext', contextKeys.syncing, libraries.isSyncing);
    catalogView.message = libraries.onlySample ? sampleNotice.message : undefined;
  };
  const updateFilter = (): void => {
    catalogView.description = describeView(catalog.filter, catalog.groupBy);
    void vscode.commands.executeCommand('setContext', contextKeys.catalogFiltered, isFilterActive(catalog.filter));
    void vscode.commands.executeCommand('setContext', contextKeys.catalogGroupBy, catalog.groupBy);
  };
  disposables.push(libraries.onDidChange(updateState), catalog.onDidChangeFilter(updateFilter));
  updateState();
  updateFilter();

  // Nothing is read before a view is seen.
  const loadIfVisible = (): void => {
    if (catalogView.visible) void libraries.ensureLoaded();
  };
  const scanIfVisible = (): void => {
    if (pilotsView.visible) void pilots.ensureScanned();
  };
  disposables.push(catalogView.onDidChangeVisibility(loadIfVisible), pilotsView.onDidChangeVisibility(scanIfVisible));
  loadIfVisible();
  scanIfVisible();
  return { catalogView, pilotsView, disposables };
}
