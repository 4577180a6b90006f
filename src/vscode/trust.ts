// Workspace trust rules, free of the vscode API so that they can be unit-tested: where git may run, and which setting values count.

/** Where a library of the window comes from (settings: the user's own; workspace: a folder of the workspace; sample: the bundled one). */
export type TrustOrigin = 'settings' | 'workspace' | 'sample';

/** git may run on a library's folder unless the folder is workspace content and the workspace is not trusted. */
export function gitMayRunOn(origin: TrustOrigin, workspaceTrusted: boolean): boolean {
  return workspaceTrusted || origin !== 'workspace';
}

/** What `WorkspaceConfiguration.inspect` returns, as far as these rules need it. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value of a setting that only the user may give (the library list, the sync interval):
 * the user's own settings, else the default. Values from workspace or folder settings never
 * count, whatever VS Code does with the setting's scope, so a repository cannot make the
 * extension clone or sync a URL of its choosing.
 */
export function userOnlyValue<T>(inspected: InspectedSetting<T> | undefined): T | undefined {
  if (!inspected) return undefined;
  return inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue;
}
