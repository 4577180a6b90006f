// Library commands: Add Library (validated before anything runs), Remove Library, Edit Libraries, Sync Libraries, Use Sample Library, Open Settings, Show Log.

import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { looksLikeGitUrl, redactCredentials, validateRef } from '../../core/library/source';
import type { LibrarySpec } from '../../core/library/source';
import { commands, extensionId, settings, views } from '../constants';
import { applyEdit, describeEntry, editLabels, editsFor, settingsLocation } from '../libraryList';
import type { LibraryEdit } from '../libraryList';
import { libraryName, parseLibrarySpec } from '../libraryService';
import type { SyncOutcome } from '../libraryService';
import { LibraryNode } from '../views/catalogTree';
import type { CommandFactory, Services } from './services';
import { showError } from './services';

export type AddLibraryResult = { added: true; name: string; assets: number } | { added: false; error?: string };

/** A URL (git) or a path (folder), as typed; throws a UserError when refused (e.g. `ext::`). */
function specFromInput(value: string): LibrarySpec {
  const v = value.trim();
  return looksLikeGitUrl(v) || v.startsWith('-') ? { url: v } : { path: v };
}

/** Asks for the URL or folder, and a git library's ref; undefined when the user cancels. */
async function askForLibrary(services: Services): Promise<LibrarySpec | undefined> {
  const folderButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: 'Choose a Folder...' };
  const where = await services.inputs.input({
    title: 'Add Library: where is it?',
    prompt: 'A git URL (https:, ssh:, git:, file: or user@host:path) or the absolute path of a folder',
    placeholder: 'https://github.com/acme/genai-library.git',
    validate: (v) => {
      if (!v.trim()) return 'Give a git URL or a folder.';
      try {
        parseLibrarySpec(specFromInput(v));
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
    buttons: [
      {
        button: folderButton,
        run: async () => {
          const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use as Library' });
          return picked?.[0]?.fsPath;
        },
      },
    ],
  });
  if (where === undefined) return undefined;
  const spec = specFromInput(where);
  if (spec.url !== undefined) {
    const ref = await services.inputs.input({
      title: 'Add Library: branch, tag or commit',
      prompt: 'Leave empty to follow the default branch of the remote',
      placeholder: 'main',
      validate: (v) => {
        if (!v.trim()) return undefined;
        try {
          validateRef(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (ref === undefined) return undefined;
    if (ref.trim()) spec.ref = ref.trim();
  }
  // No name is asked: the catalog, references and Remove all use the library's own name (library.yaml), recorded when it is added.
  return spec;
}

/**
 * Add Library: from `{ url | path, name?, ref? }` (scripts, tests) or the inputs (where, and a git library's ref). The entry is
 * validated before anything runs (a refused URL such as `ext::` never reaches git); a git
 * library is cloned before the setting is written.
 */
export const addLibrary: CommandFactory =
  (services) =>
  async (arg?: unknown): Promise<AddLibraryResult> => {
    let spec: LibrarySpec | undefined;
    if (arg && typeof arg === 'object' && !(arg instanceof LibraryNode)) {
      const a = arg as Record<string, unknown>;
      spec = {};
      for (const k of ['name', 'url', 'path', 'ref'] as const) if (typeof a[k] === 'string') spec[k] = a[k] as string;
    } else {
      spec = await askForLibrary(services);
    }
    if (!spec) return { added: false };
    try {
      parseLibrarySpec(spec, spec.name ? `library "${spec.name}"` : undefined);
    } catch (e) {
      const message = `Library not added: ${(e as Error).message}`;
      showError(services, message);
      return { added: false, error: message };
    }
    try {
      const lib = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Adding library ${spec.name ?? (spec.url !== undefined ? redactCredentials(spec.url) : spec.path)}`, cancellable: true },
        (progress, token) => {
          progress.report({ message: spec.url ? 'cloning...' : 'reading...' });
          return services.libraries.addLibrary(spec, token);
        },
      );
      const assets = lib.catalog?.assets.length ?? 0;
      void vscode.window.showInformationMessage(`Added library ${libraryName(lib)} (${assets} asset${assets === 1 ? '' : 's'}).`);
      return { added: true, name: libraryName(lib), assets };
    } catch (e) {
      const message = `Library not added: ${(e as Error).message}`;
      showError(services, message);
      if (!(e instanceof UserError)) services.log.error((e as Error).stack ?? String(e));
      return { added: false, error: message };
    }
  };

interface LibraryItem extends vscode.QuickPickItem {
  index: number;
}

/** Remove Library: the tree's library node, an index or name, or a quick pick of `genaiAssets.libraries`. */
export const removeLibrary: CommandFactory = (services) => async (arg?: unknown) => {
  const configured = services.config.libraries;
  let index: number | undefined;
  if (arg instanceof LibraryNode) index = arg.library.settingsIndex;
  else if (typeof arg === 'number') index = arg;
  else if (typeof arg === 'string') index = configured.findIndex((l) => l.name === arg);
  else {
    if (!configured.length) {
      void vscode.window.showInformationMessage('No library is configured in genaiAssets.libraries; the catalog shows workspace folders holding library.yaml, or the sample library.');
      return false;
    }
    const picked = await services.inputs.pick<LibraryItem>(
      configured.map((l, i) => ({ label: l.name ?? `entry ${i + 1}`, description: l.url !== undefined ? redactCredentials(l.url) : l.path, detail: l.ref ? `ref ${l.ref}` : undefined, index: i })),
      { title: 'Remove Library', placeholder: 'The library to remove from genaiAssets.libraries' },
    );
    index = picked?.index;
  }
  if (index === undefined || index < 0) return false;
  try {
    await services.libraries.removeLibrary(index);
    return true;
  } catch (e) {
    showError(services, (e as Error).message);
    return false;
  }
};

/** Sync Libraries: every library, in a cancellable progress notification. */
export const syncLibraries: CommandFactory = (services) => async (): Promise<SyncOutcome> => {
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Syncing asset libraries', cancellable: true }, (progress, token) =>
    services.libraries.sync({ token, progress }),
  );
  if (outcome.cancelled) vscode.window.setStatusBarMessage('Library sync cancelled; the previous state is kept.', 5000);
  else if (outcome.failed) {
    const failed = services.libraries.libraries.filter((l) => l.error);
    const detail = failed.map((l) => `${libraryName(l)}: ${l.error}`).join(' ');
    void vscode.window.showWarningMessage(`${outcome.failed} librar${outcome.failed === 1 ? 'y' : 'ies'} could not be synced. ${detail}`, 'Show Log').then((c) => c && services.log.show());
  } else vscode.window.setStatusBarMessage(`$(check) Synced ${outcome.synced} librar${outcome.synced === 1 ? 'y' : 'ies'}`, 4000);
  return outcome;
};

/** Shows the bundled sample library next to the others (genaiAssets.sampleLibrary = always). */
export const useSampleLibrary: CommandFactory = (services) => async () => {
  await services.config.setSampleLibrary('always');
  await services.libraries.reload('the sample library was turned on');
  await vscode.commands.executeCommand(`${views.catalog}.focus`);
  return true;
};

/** What Open Settings ran: the settings editor command and its argument. */
export interface OpenedSettings {
  command: string;
  query: string;
}

/**
 * Open Settings: the settings editor filtered to this extension. In a remote window (code-server,
 * Remote-SSH, Codespaces) its Remote tab: the machine-scoped settings (the library list, auto-sync)
 * live there, and the User tab does not show them.
 */
export const openSettings: CommandFactory = () => async (): Promise<OpenedSettings> => {
  const query = `@ext:${extensionId}`;
  if (settingsLocation(vscode.env.remoteName).remote) {
    await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
    return { command: 'workbench.action.openRemoteSettings', query };
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', query);
  return { command: 'workbench.action.openSettings', query };
};

interface EntryItem extends vscode.QuickPickItem {
  index?: number;
  add?: true;
}

interface EditItem extends vscode.QuickPickItem {
  edit?: LibraryEdit;
}

const editButtons: Record<LibraryEdit, vscode.QuickInputButton> = {
  up: { iconPath: new vscode.ThemeIcon('arrow-up'), tooltip: editLabels.up },
  down: { iconPath: new vscode.ThemeIcon('arrow-down'), tooltip: editLabels.down },
  remove: { iconPath: new vscode.ThemeIcon('trash'), tooltip: editLabels.remove },
};

/**
 * Edit Libraries: a quick pick of `genaiAssets.libraries` to add, remove and reorder entries (buttons on
 * each row, or choose a row for its actions). Each edit is written at once with the user target, which
 * VS Code sends to the remote machine's settings in a remote window (the setting is machine-scoped).
 * Resolves with the list as it stands when the pick is closed.
 */
export const editLibraries: CommandFactory = (services) => async (): Promise<LibrarySpec[]> => {
  const where = settingsLocation(vscode.env.remoteName).label;
  for (;;) {
    const list = services.config.libraries;
    const addItem: EntryItem = { label: '$(add) Add Library...', description: 'a git URL or a folder', add: true };
    const entries: EntryItem[] = list.map((spec, index) => ({ ...describeEntry(spec, index), index, buttons: editsFor(list, index).map((e) => editButtons[e]) }));
    let pressed: LibraryEdit | undefined;
    const picked = await services.inputs.pick<EntryItem>([addItem, { label: `${settings.libraries} · ${where}`, kind: vscode.QuickPickItemKind.Separator }, ...entries], {
      title: `Edit Libraries (${list.length} configured)`,
      placeholder: list.length ? 'Choose a library to move or remove it, or add one' : 'No library is configured yet: add one',
      matchOnDescription: true,
      onButton: (_item, button) => {
        pressed = (Object.keys(editButtons) as LibraryEdit[]).find((e) => editButtons[e] === button);
        return pressed !== undefined;
      },
    });
    if (!picked) return services.config.libraries;
    if (picked.add) {
      await vscode.commands.executeCommand(commands.addLibrary);
      continue;
    }
    const index = picked.index!;
    let edit = pressed;
    if (!edit) {
      const choice = await services.inputs.pick<EditItem>([...editsFor(list, index).map((e) => ({ label: editLabels[e], edit: e })), { label: 'Back' }], {
        title: `Edit Libraries: ${picked.label}`,
        placeholder: picked.description,
      });
      if (!choice) return services.config.libraries;
      edit = choice.edit;
      if (!edit) continue;
    }
    try {
      await services.config.setLibraries(applyEdit(list, index, edit));
    } catch (e) {
      showError(services, `${settings.libraries} was not changed: ${(e as Error).message}`);
      return services.config.libraries;
    }
  }
};

export const showLog: CommandFactory = (services) => () => services.log.show();
