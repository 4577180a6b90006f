// Catalog commands: filters and grouping, and the asset actions (Open, Copy Reference, Reveal in Library, Show History).

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { parseOwner } from '../../core/library/owners';
import { referenceTo } from '../../core/library/references';
import type { AssetStatus } from '../../core/library/types';
import { plural } from '../../core/text/plural';
import { HistoryDocuments } from '../documents';
import { libraryName } from '../libraryService';
import type { CatalogFilter, GroupBy } from '../views/catalogTree';
import { mainFile, statusOrder } from '../views/catalogTree';
import { assetArgument, openAsset } from './search';
import type { CommandFactory, Services } from './services';
import { showError } from './services';

interface ValueItem extends vscode.QuickPickItem {
  value: string | undefined;
}

/** Values of one field across every loaded asset, with counts, most used first. */
function valuesOf(services: Services, field: 'tags' | 'owners'): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const lib of services.libraries.libraries) for (const a of lib.catalog?.assets ?? []) for (const v of new Set(a[field])) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Sets one field of the filter from the argument (tests, scripts) or a quick pick; `null`/'' clears that field. */
function filterBy(field: 'tag' | 'status' | 'owner'): CommandFactory {
  return (services) => async (arg?: unknown) => {
    const tree = services.catalog;
    let value: string | undefined;
    if (typeof arg === 'string' || arg === null) value = arg || undefined;
    else {
      await services.libraries.ensureLoaded();
      const current = tree.filter[field];
      const any: ValueItem = { label: `$(close) Any ${field}`, value: undefined, description: current ? `clears "${current}"` : undefined };
      let items: ValueItem[];
      if (field === 'status') {
        const counts = new Map<string, number>();
        for (const lib of services.libraries.libraries) for (const a of lib.catalog?.assets ?? []) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
        items = statusOrder.map((s) => ({ label: s, value: s, description: plural(counts.get(s) ?? 0, 'asset'), picked: s === current }));
      } else {
        items = valuesOf(services, field === 'tag' ? 'tags' : 'owners').map((v) => {
          const owner = field === 'owner' ? parseOwner(v.value) : undefined;
          return { label: owner?.name ?? v.value, value: v.value, description: [owner?.email, plural(v.count, 'asset')].filter(Boolean).join(' · ') };
        });
        if (!items.length) {
          void vscode.window.showInformationMessage(`No asset of the loaded libraries names ${field === 'tag' ? 'tags' : 'owners'}.`);
          return tree.filter;
        }
      }
      const picked = await services.inputs.pick([any, ...items], {
        title: `Filter Catalog by ${field[0].toUpperCase()}${field.slice(1)}`,
        placeholder: current ? `Now: ${current}` : `Show only assets with this ${field}`,
      });
      if (!picked) return tree.filter;
      value = picked.value;
    }
    const next: CatalogFilter = { ...tree.filter };
    if (field === 'status') next.status = value as AssetStatus | undefined;
    else next[field] = value;
    tree.setFilter(next);
    return tree.filter;
  };
}

export const filterByTag = filterBy('tag');
export const filterByStatus = filterBy('status');
export const filterByOwner = filterBy('owner');

export const filterByText: CommandFactory = (services) => async (arg?: unknown) => {
  const tree = services.catalog;
  let text: string | undefined;
  if (typeof arg === 'string' || arg === null) text = arg ?? '';
  else {
    text = await services.inputs.input({
      title: 'Filter Catalog by Text',
      prompt: 'Words that must all appear in the id, title, description, tags, owners, kind, status or model (empty clears the text filter)',
      value: tree.filter.text ?? '',
    });
    if (text === undefined) return tree.filter;
  }
  tree.setFilter({ ...tree.filter, text });
  return tree.filter;
};

export const clearFilter: CommandFactory = (services) => () => {
  services.catalog.setFilter({});
  return services.catalog.filter;
};

function groupBy(group: GroupBy): CommandFactory {
  return (services) => () => {
    services.catalog.setGroupBy(group);
    return group;
  };
}
export const groupByKind = groupBy('kind');
export const groupByTag = groupBy('tag');
export const groupByOwner = groupBy('owner');

export const openAssetCommand: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await assetArgument(services, arg, 'Open Asset');
  if (!target) return undefined;
  const editor = await openAsset(target.asset, target.library);
  return editor?.document.uri.toString();
};

export const copyReference: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await assetArgument(services, arg, 'Copy Reference');
  if (!target) return undefined;
  const ref = referenceTo(target.asset);
  await vscode.env.clipboard.writeText(ref);
  vscode.window.setStatusBarMessage(`$(check) Copied ${ref}`, 4000);
  return ref;
};

/** Opens the asset's file from the library's folder or clone on disk, and shows it in the Explorer when it is in the workspace. */
export const revealInLibrary: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await assetArgument(services, arg, 'Reveal in Library');
  if (!target) return undefined;
  const { asset, library } = target;
  const file = asset.manifest ?? mainFile(asset);
  const abs = file && services.libraries.filePath(library, file);
  if (!abs) {
    showError(services, `${libraryName(library)} has no folder on this machine yet; sync it first.`);
    return undefined;
  }
  const uri = vscode.Uri.file(abs);
  await vscode.window.showTextDocument(uri, { preview: false });
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  return uri.toString();
};

interface CommitItem extends vscode.QuickPickItem {
  commit: string;
}

/**
 * The asset's git history in a quick pick; choosing a commit opens what it changed in the
 * asset: a diff for one file, the multi-file changes editor for several.
 */
export const showHistory: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await assetArgument(services, arg, 'Show History');
  if (!target) return undefined;
  const { asset, library } = target;
  const h = library.history;
  if (!h) {
    const why =
      library.origin === 'workspace' && !vscode.workspace.isTrusted
        ? 'git does not run on workspace content in Restricted Mode; trust the workspace to see the history.'
        : 'the library is not in a git repository.';
    void vscode.window.showInformationMessage(`No history for ${asset.id}: ${why}`);
    return undefined;
  }
  const rel = [h.prefix, asset.path].filter(Boolean).join('/');
  let entries;
  try {
    entries = await services.git.log(h.dir, h.rev, rel, 200);
  } catch (e) {
    showError(services, `Could not read the history of ${asset.id}: ${(e as Error).message}`);
    return undefined;
  }
  if (!entries.length) {
    void vscode.window.showInformationMessage(`No commit of ${libraryName(library)} touches ${asset.path || asset.id} yet.`);
    return undefined;
  }
  const items: CommitItem[] = entries.map((e) => ({
    label: e.subject || '(no message)',
    description: `${e.commit.slice(0, 7)} · ${e.author}`,
    detail: new Date(e.date).toLocaleString(),
    commit: e.commit,
  }));
  const picked = await services.inputs.pick(items, {
    title: `History of ${asset.title} (${asset.id})`,
    placeholder: 'Choose a commit to see what it changed',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  return openCommitChanges(services, h.dir, picked.commit, rel, asset.id);
};

/** Opens the changes a commit made under `rel` (a file or folder of the repository). */
async function openCommitChanges(services: Services, dir: string, commit: string, rel: string, what: string): Promise<string[]> {
  const parent = await services.git.resolveCommit(dir, `${commit}^`);
  const after = await services.history.blobsAt(dir, commit);
  const before = parent ? await services.history.blobsAt(dir, parent) : new Map<string, string>();
  const inside = (p: string): boolean => rel === '' || p === rel || p.startsWith(rel + '/');
  const paths = [...new Set([...after.keys(), ...before.keys()])].filter((p) => inside(p) && after.get(p) !== before.get(p)).sort();
  const short = commit.slice(0, 7);
  const pair = (p: string): [vscode.Uri, vscode.Uri] => [HistoryDocuments.uri(dir, parent ?? '', p), HistoryDocuments.uri(dir, after.has(p) ? commit : '', p)];
  if (!paths.length) {
    void vscode.window.showInformationMessage(`Commit ${short} changed no file of ${what} (it may only have moved it).`);
    return [];
  }
  if (paths.length === 1) {
    const [left, right] = pair(paths[0]);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${nodePath.posix.basename(paths[0])} (${short})`, { preview: true });
  } else {
    await vscode.commands.executeCommand(
      'vscode.changes',
      `${what} (${short})`,
      paths.map((p) => {
        const [left, right] = pair(p);
        return [right, left, right];
      }),
    );
  }
  return paths;
}
