// Every id the extension shares with package.json: commands (with titles), views, settings and context keys.
// Plain data, no `vscode` import: test/unit/vscode/contributes.test.ts checks package.json against it in Node.

export const extensionId = 'genai-assets.genai-asset-library';
/** Category of every command in the palette. */
export const category = 'GenAI Assets';
/** Name of the LogOutputChannel. */
export const outputChannelName = 'GenAI Assets';

export const viewContainerId = 'genaiAssets';
export const views = {
  catalog: 'genaiAssets.catalog',
  pilots: 'genaiAssets.pilots',
} as const;

/** Command ids. */
export const commands = {
  searchAssets: 'genaiAssets.searchAssets',
  syncLibraries: 'genaiAssets.syncLibraries',
  addLibrary: 'genaiAssets.addLibrary',
  removeLibrary: 'genaiAssets.removeLibrary',
  editLibraries: 'genaiAssets.editLibraries',
  useSampleLibrary: 'genaiAssets.useSampleLibrary',
  openSettings: 'genaiAssets.openSettings',
  validateWorkspace: 'genaiAssets.validateWorkspace',
  showLog: 'genaiAssets.showLog',
  filterByText: 'genaiAssets.filterByText',
  filterByTag: 'genaiAssets.filterByTag',
  filterByStatus: 'genaiAssets.filterByStatus',
  filterByOwner: 'genaiAssets.filterByOwner',
  clearFilter: 'genaiAssets.clearFilter',
  groupByKind: 'genaiAssets.groupByKind',
  groupByTag: 'genaiAssets.groupByTag',
  groupByOwner: 'genaiAssets.groupByOwner',
  openAsset: 'genaiAssets.openAsset',
  copyReference: 'genaiAssets.copyReference',
  revealInLibrary: 'genaiAssets.revealInLibrary',
  showHistory: 'genaiAssets.showHistory',
  previewPrompt: 'genaiAssets.previewPrompt',
  showEvalSuites: 'genaiAssets.showEvalSuites',
  refreshPilots: 'genaiAssets.refreshPilots',
  newPilot: 'genaiAssets.newPilot',
  verifyPilot: 'genaiAssets.verifyPilot',
  updatePilot: 'genaiAssets.updatePilot',
  addComponent: 'genaiAssets.addComponent',
  openInLibrary: 'genaiAssets.openInLibrary',
  addToPilot: 'genaiAssets.addToPilot',
  compareWithLibrary: 'genaiAssets.compareWithLibrary',
  showOutdated: 'genaiAssets.showOutdated',
  proposeToLibrary: 'genaiAssets.proposeToLibrary',
  installIntoWorkspace: 'genaiAssets.installIntoWorkspace',
  changeInstallTools: 'genaiAssets.changeInstallTools',
  updateInstalled: 'genaiAssets.updateInstalled',
  showWhereUsed: 'genaiAssets.showWhereUsed',
} as const;

export type CommandKey = keyof typeof commands;
export type CommandId = (typeof commands)[CommandKey];

/** What package.json declares for each command: title and, for buttons, a codicon. */
export const commandInfo: Record<CommandKey, { title: string; icon?: string }> = {
  searchAssets: { title: 'Search Assets...', icon: '$(search)' },
  syncLibraries: { title: 'Sync Libraries', icon: '$(sync)' },
  addLibrary: { title: 'Add Library...', icon: '$(add)' },
  removeLibrary: { title: 'Remove Library...' },
  editLibraries: { title: 'Edit Libraries...' },
  useSampleLibrary: { title: 'Use Sample Library' },
  openSettings: { title: 'Open Settings' },
  validateWorkspace: { title: 'Validate Workspace', icon: '$(checklist)' },
  showLog: { title: 'Show Log' },
  filterByText: { title: 'Filter Catalog by Text...' },
  filterByTag: { title: 'Filter Catalog by Tag...' },
  filterByStatus: { title: 'Filter Catalog by Status...' },
  filterByOwner: { title: 'Filter Catalog by Owner...' },
  clearFilter: { title: 'Clear Catalog Filter', icon: '$(clear-all)' },
  groupByKind: { title: 'Group Catalog by Kind' },
  groupByTag: { title: 'Group Catalog by Tag' },
  groupByOwner: { title: 'Group Catalog by Owner' },
  openAsset: { title: 'Open Asset' },
  copyReference: { title: 'Copy Reference', icon: '$(copy)' },
  revealInLibrary: { title: 'Reveal in Library' },
  showHistory: { title: 'Show History' },
  previewPrompt: { title: 'Preview Prompt', icon: '$(open-preview)' },
  showEvalSuites: { title: 'Show Eval Suites Covering the Prompt...' },
  refreshPilots: { title: 'Refresh Pilots and Installed Assets', icon: '$(refresh)' },
  newPilot: { title: 'New Pilot from Approved Components...', icon: '$(add)' },
  verifyPilot: { title: 'Verify Pilot', icon: '$(pass)' },
  updatePilot: { title: 'Update Pilot Components...', icon: '$(arrow-circle-up)' },
  addComponent: { title: 'Add Component to Pilot...', icon: '$(diff-added)' },
  openInLibrary: { title: 'Open in Library', icon: '$(library)' },
  addToPilot: { title: 'Add to Pilot...' },
  compareWithLibrary: { title: 'Compare with Library', icon: '$(diff)' },
  showOutdated: { title: 'Show Outdated Components...' },
  proposeToLibrary: { title: 'Propose to Library...' },
  installIntoWorkspace: { title: 'Install into Workspace...', icon: '$(desktop-download)' },
  changeInstallTools: { title: 'Change Install Tools...' },
  updateInstalled: { title: 'Update Installed Assets...', icon: '$(arrow-circle-up)' },
  showWhereUsed: { title: 'Show Where Used' },
};

/**
 * File names (a `resourceFilename` regular expression of package.json's menus) that Propose to Library is offered on:
 * prompt files (Dotprompt, Prompty, GitHub Models, VS Code prompt files) and VS Code instructions files.
 */
export const proposableFileName = String.raw`\.(prompt|prompty)$|\.prompt\.(yml|yaml|md)$|\.instructions\.md$`;

/**
 * The lock files, which package.json gives the lock schema (jsonValidation) and the In This Workspace view watches. The engine names
 * them in core/scaffold/lockFile.ts; written here too so that activation reads no engine module (a test holds the two equal).
 */
export const lockFiles = { pilot: 'pilot.lock.json', installs: 'genai-assets.lock.json' } as const;

/** Submenus of the catalog's title bar. */
export const submenus = {
  filter: 'genaiAssets.catalog.filter',
  groupBy: 'genaiAssets.catalog.groupBy',
} as const;

/**
 * Languages package.json contributes, with the ids Google's Dotprompt extension (google.dotprompt-vscode) and
 * Microsoft's Prompty extension (ms-toolsai.prompty) use, so that either can be installed beside this one.
 */
export const languages = {
  dotprompt: { id: 'dotprompt', extension: '.prompt', scopeName: 'source.genai-assets.dotprompt' },
  prompty: { id: 'prompty', extension: '.prompty', scopeName: 'source.genai-assets.prompty' },
} as const;

export const settingsSection = 'genaiAssets';
/** Full setting ids (as in package.json). */
export const settings = {
  libraries: 'genaiAssets.libraries',
  autoSync: 'genaiAssets.autoSync',
  sampleLibrary: 'genaiAssets.sampleLibrary',
  /** When open files are checked: 'onType' (default), 'onSave' or 'off'. */
  diagnosticsRun: 'genaiAssets.diagnostics.run',
  /** Codes and families of codes not to show. */
  diagnosticsDisabledCodes: 'genaiAssets.diagnostics.disabledCodes',
  /** Severity (or 'off') by code or family. */
  diagnosticsSeverityOverrides: 'genaiAssets.diagnostics.severityOverrides',
  /** Offers the maintainers' quick fixes (recompute an approval digest). */
  maintainerMode: 'genaiAssets.maintainerMode',
  /** The repositories (git URLs) whose locks where-used reads. */
  fleet: 'genaiAssets.fleet',
} as const;

/** Context keys set with `setContext`, used in `when` clauses of package.json. */
export const contextKeys = {
  /** 'loading' | 'empty' | 'ready': which welcome content the catalog shows. */
  catalogState: 'genaiAssets.catalogState',
  catalogFiltered: 'genaiAssets.catalogFiltered',
  /** 'kind' | 'tag' | 'owner'. */
  catalogGroupBy: 'genaiAssets.catalogGroupBy',
  syncing: 'genaiAssets.syncing',
  hasConfiguredLibraries: 'genaiAssets.hasConfiguredLibraries',
  /** genaiAssets.fleet lists repositories (Show Where Used is offered on catalog rows). */
  hasFleet: 'genaiAssets.hasFleet',
} as const;

/** contextValue of tree items (menus match them with `viewItem`). */
export const treeItemContext = {
  library: 'library',
  group: 'group',
  /** Assets: `asset`, plus `;history` when the library has a git history, then `;installable` for what Install into Workspace installs. */
  asset: 'asset',
  assetWithHistory: 'asset;history',
  installable: 'installable',
  assetFile: 'assetFile',
  message: 'message',
  pilot: 'pilot',
  /** Components of a pilot: `pilotComponent`, plus `;updatable` (outdated, edited or deprecated), `;inLibrary` (the library has it) and `;modified` (local edits). */
  pilotComponent: 'pilotComponent',
  /** A repository with installed assets (its genai-assets.lock.json). */
  installs: 'installs',
  /** An installed asset: `installedAsset`, plus `;updatable`, `;inLibrary` and `;modified` as for pilot components. */
  installedAsset: 'installedAsset',
} as const;

/** View types of the extension's webview panels. */
export const webviews = {
  /** The prompt preview (src/vscode/preview/previewPanel.ts). */
  preview: 'genaiAssets.preview',
} as const;

/** URI schemes of the extension's read-only documents and decorations. */
export const schemes = {
  /** Files of a git library, read-only, as of the catalog's commit. */
  library: 'genai-assets-library',
  /** A file as of one commit (Show History diffs). */
  history: 'genai-assets-history',
  /** Asset rows of the catalog, for their status decoration. */
  asset: 'genai-assets-asset',
  /** A pilot file as an update would write it (the right side of Update Pilot Components diffs). */
  planned: 'genai-assets-planned',
} as const;
