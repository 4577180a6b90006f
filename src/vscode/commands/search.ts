// Search Assets: one quick pick across every library; also how palette commands pick the asset they act on.

import * as vscode from 'vscode';
import { referenceTo } from '../../core/library/references';
import type { Asset } from '../../core/library/types';
import type { WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { AssetNode, kindIcon, libraryFileUri, mainFile } from '../views/catalogTree';
import type { CommandFactory, Services } from './services';

export interface AssetPickItem extends vscode.QuickPickItem {
  asset: Asset;
  library: WindowLibrary;
}

const copyButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy Reference' };

/** Items of every library: title with the kind's icon; id, version and status; kind, library, tags and description. */
export function assetPickItems(libraries: readonly WindowLibrary[]): AssetPickItem[] {
  const items: AssetPickItem[] = [];
  for (const library of libraries) {
    for (const asset of library.catalog?.assets ?? []) {
      const detail = [asset.kind, libraryName(library), asset.tags.length ? `tags: ${asset.tags.join(', ')}` : '', asset.description].filter(Boolean).join(' · ');
      items.push({
        label: `$(${kindIcon(asset.kind)}) ${asset.title}`,
        description: `${asset.id} · ${asset.version} · ${asset.status}`,
        detail,
        asset,
        library,
        buttons: [copyButton],
      });
    }
  }
  return items.sort((a, b) => a.asset.title.localeCompare(b.asset.title) || a.asset.id.localeCompare(b.asset.id));
}

/** The asset a command acts on: the tree node it was invoked on, or one the user picks. */
export async function assetArgument(services: Services, arg: unknown, title: string): Promise<{ asset: Asset; library: WindowLibrary } | undefined> {
  if (arg instanceof AssetNode) return { asset: arg.asset, library: arg.library };
  if (arg && typeof arg === 'object' && 'asset' in arg && 'library' in arg) return arg as { asset: Asset; library: WindowLibrary };
  await services.libraries.ensureLoaded();
  if (typeof arg === 'string') {
    // An id or id@version, for scripts and tests.
    const [id, version] = arg.split('@');
    for (const library of services.libraries.libraries) {
      const asset = library.catalog?.assets.find((a) => a.id === id && (!version || a.version === version));
      if (asset) return { asset, library };
    }
    return undefined;
  }
  const picked = await services.inputs.pick(assetPickItems(services.libraries.libraries), {
    title,
    placeholder: 'Type to search by id, title, tag or description',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked && { asset: picked.asset, library: picked.library };
}

/** Opens an asset's main file (its entry, else its manifest). */
export async function openAsset(asset: Asset, library: WindowLibrary): Promise<vscode.TextEditor | undefined> {
  const file = mainFile(asset);
  const uri = file ? libraryFileUri(library, file) : undefined;
  if (!uri) return undefined;
  return vscode.window.showTextDocument(uri, { preview: true });
}

export const searchAssets: CommandFactory = (services) => async () => {
  await services.libraries.ensureLoaded();
  const items = assetPickItems(services.libraries.libraries);
  const picked = await services.inputs.pick(items, {
    title: `Search Assets (${items.length} in ${services.libraries.libraries.length} librar${services.libraries.libraries.length === 1 ? 'y' : 'ies'})`,
    placeholder: 'Type to search by id, title, tag, kind, status or description',
    matchOnDescription: true,
    matchOnDetail: true,
    onButton: (item) => {
      const ref = referenceTo(item.asset);
      void vscode.env.clipboard.writeText(ref);
      vscode.window.setStatusBarMessage(`Copied ${ref}`, 3000);
    },
  });
  if (!picked) return undefined;
  await openAsset(picked.asset, picked.library);
  return picked.asset.id;
};
