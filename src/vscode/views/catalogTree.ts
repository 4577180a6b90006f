// The Catalog view: library > group (kind, tag or owner) > asset > files, mapped from the in-memory catalogs; no I/O.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { installableFormats } from '../../core/install/targets';
import type { FleetService } from '../fleetService';
import { usageLine } from '../whereUsedText';
import { matchesAssetFilter } from '../../core/library/assetFilter';
import type { Asset, AssetKind, AssetStatus } from '../../core/library/types';
import { ownerName } from '../../core/library/owners';
import { ageText } from '../../core/library/sync';
import { plural } from '../../core/text/plural';
import { commandInfo, commands, schemes, treeItemContext } from '../constants';
import { Disposable, toDisposable } from '../lifecycle';
import type { LibraryService, WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { assetDescription, assetTooltipMarkdown, ownerGroupLabel } from './treeText';

export type GroupBy = 'kind' | 'tag' | 'owner';

/** The active filter; every field set must match. */
export interface CatalogFilter {
  text?: string;
  tag?: string;
  status?: AssetStatus;
  owner?: string;
}

export const kindOrder: AssetKind[] = ['prompt', 'eval', 'module', 'template'];
export const statusOrder: AssetStatus[] = ['approved', 'review', 'draft', 'deprecated'];

const kindLabels: Record<AssetKind, string> = { prompt: 'Prompts', eval: 'Eval suites', module: 'Modules', template: 'Templates' };
const kindIcons: Record<AssetKind, string> = { prompt: 'comment-discussion', eval: 'beaker', module: 'package', template: 'notebook-template' };
/** Icon colour per status (theme colours, so every theme gives them a fitting shade). */
const statusColors: Record<AssetStatus, string> = {
  approved: 'charts.green',
  review: 'charts.yellow',
  draft: 'charts.yellow',
  deprecated: 'disabledForeground',
};

/** What the Catalog and New Pilot say while the sample library is all there is. */
export const sampleNotice = {
  /** The view's message (TreeView.message: plain text at the top of the Catalog). */
  message: "Sample library: fictional assets of an example insurer, for a look around. Build pilots from your organisation's library.",
  /** The Catalog's first row, which runs Add Library. */
  row: "Sample library — add your organisation's library",
  /** New Pilot: the template step's placeholder, and the detail of each sample template. */
  wizard: "Sample library (fictional): add your organisation's library to build a real pilot",
} as const;

export function kindIcon(kind: AssetKind): string {
  return kindIcons[kind];
}

export function isFilterActive(filter: CatalogFilter): boolean {
  return !!(filter.text || filter.tag || filter.status || filter.owner);
}

/** The view's description: the active filter and a non-default grouping. */
export function describeView(filter: CatalogFilter, groupBy: GroupBy): string | undefined {
  const parts: string[] = [];
  if (filter.text) parts.push(`"${filter.text}"`);
  if (filter.tag) parts.push(`tag: ${filter.tag}`);
  if (filter.status) parts.push(`status: ${filter.status}`);
  if (filter.owner) parts.push(`owner: ${ownerName(filter.owner)}`);
  if (groupBy !== 'kind') parts.push(`by ${groupBy}`);
  return parts.length ? parts.join(' · ') : undefined;
}

export class LibraryNode {
  readonly type = 'library';
  constructor(readonly library: WindowLibrary) {}
}
export class GroupNode {
  readonly type = 'group';
  constructor(
    readonly parent: LibraryNode,
    readonly groupBy: GroupBy,
    /** The kind, tag or owner ('' = assets without tags or owners). */
    readonly key: string,
    readonly assets: Asset[],
  ) {}
}
export class AssetNode {
  readonly type = 'asset';
  constructor(
    readonly parent: GroupNode,
    readonly library: WindowLibrary,
    readonly asset: Asset,
  ) {}
}
export class FileNode {
  readonly type = 'file';
  constructor(
    readonly parent: AssetNode,
    /** Library-relative path. */
    readonly path: string,
  ) {}
}
export class MessageNode {
  readonly type = 'message';
  constructor(
    readonly parent: LibraryNode | undefined,
    readonly text: string,
    readonly tooltip?: string,
    readonly command?: vscode.Command,
    readonly icon?: vscode.ThemeIcon,
  ) {}
}
export type CatalogNode = LibraryNode | GroupNode | AssetNode | FileNode | MessageNode;

/** The URI a file of a library opens under: the file itself for folders, a read-only view of the clone for git libraries. */
export function libraryFileUri(library: WindowLibrary, path: string): vscode.Uri | undefined {
  if (!library.root) return undefined;
  if (library.source?.kind === 'git') return vscode.Uri.from({ scheme: schemes.library, authority: library.key, path: `/${path}` });
  return vscode.Uri.file(nodePath.join(library.root, ...path.split('/')));
}

/** The file an asset opens on: its entry, else its manifest, else its first file. */
export function mainFile(asset: Asset): string | undefined {
  return asset.entryFile ?? asset.manifest ?? asset.files[0];
}

function statusLabel(lib: WindowLibrary, now: Date): string {
  const parts: string[] = [];
  if (lib.status === 'syncing') parts.push('syncing...');
  else if (lib.status === 'loading' && !lib.catalog) parts.push('loading...');
  if (lib.catalog) parts.push(plural(lib.catalog.assets.length, 'asset'));
  if (lib.commit) parts.push(lib.commit.slice(0, 7));
  if (lib.offlineSince) parts.push(`offline since ${new Date(lib.offlineSince).toLocaleTimeString()}`);
  else if (lib.syncedAt && lib.status !== 'syncing') parts.push(`synced ${ageText(lib.syncedAt, now)}`);
  if (!lib.source?.kind || lib.source.kind === 'folder') parts.push(lib.origin === 'sample' ? 'sample' : lib.origin === 'workspace' ? 'workspace folder' : 'folder');
  if (lib.error && lib.status !== 'syncing') parts.push(lib.catalog ? 'last sync failed' : 'failed');
  return parts.join(' · ');
}

function libraryTooltip(lib: WindowLibrary): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(libraryName(lib));
  md.appendMarkdown('**\n\n');
  if (lib.catalog?.library.description) {
    md.appendText(lib.catalog.library.description);
    md.appendMarkdown('\n\n');
  }
  const src = lib.source;
  md.appendMarkdown('Source: ');
  md.appendText(src ? (src.kind === 'git' ? `${src.display}${src.ref ? ` (ref ${src.ref})` : ''}` : src.path) : 'invalid setting');
  md.appendMarkdown(`  \nFrom: ${lib.origin === 'settings' ? 'settings (genaiAssets.libraries)' : lib.origin === 'workspace' ? 'workspace folder' : 'the sample library shipped with the extension'}`);
  if (lib.commit) md.appendMarkdown(`  \nCommit: \`${lib.commit.slice(0, 12)}\``);
  if (lib.syncedAt) md.appendMarkdown(`  \nLast synced: ${new Date(lib.syncedAt).toLocaleString()}`);
  if (lib.offlineSince) md.appendMarkdown(`  \nOffline since: ${new Date(lib.offlineSince).toLocaleString()}`);
  if (lib.error) {
    md.appendMarkdown('\n\n$(error) ');
    md.appendText(lib.error);
  }
  md.supportThemeIcons = true;
  return md;
}

/** The Markdown tooltip of an asset (see assetTooltipMarkdown); `usage`: the where-used line, when repositories of the fleet use it. */
export function assetTooltip(asset: Asset, lib: WindowLibrary, usage?: string): vscode.MarkdownString {
  return new vscode.MarkdownString(assetTooltipMarkdown(asset, lib.evalsByAsset.get(asset) ?? [], libraryName(lib), lib.commit, usage));
}

/** Status decoration of asset rows: the label's colour by status, and the error count as a badge. */
export class AssetDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== schemes.asset) return undefined;
    const q = new URLSearchParams(uri.query);
    const status = q.get('status') as AssetStatus | null;
    const errors = Number(q.get('errors') ?? 0);
    const d = new vscode.FileDecoration();
    if (status === 'deprecated') {
      d.color = new vscode.ThemeColor('list.deemphasizedForeground');
      d.tooltip = 'Deprecated';
    } else if (status === 'draft' || status === 'review') {
      d.tooltip = status === 'draft' ? 'Draft' : 'In review';
    }
    if (errors > 0) {
      d.badge = errors > 99 ? '99' : String(errors);
      d.color = new vscode.ThemeColor('list.errorForeground');
      d.tooltip = plural(errors, 'error');
    }
    return d.badge || d.color || d.tooltip ? d : undefined;
  }
}

/** How often texts of ages ("synced 2 minutes ago") are refreshed; `ageText` is never finer than a minute. */
export const ageRefreshMs = 60_000;

/** Tree data provider over LibraryService's catalogs, with filter and grouping state. */
export class CatalogTreeProvider extends Disposable implements vscode.TreeDataProvider<CatalogNode> {
  private readonly changed = this._register(new vscode.EventEmitter<CatalogNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private filterValue: CatalogFilter = {};
  private group: GroupBy = 'kind';
  private readonly filterChanged = this._register(new vscode.EventEmitter<void>());
  /** Fires when the filter or the grouping changes. */
  readonly onDidChangeFilter = this.filterChanged.event;

  constructor(
    private readonly service: LibraryService,
    private readonly fleet?: FleetService,
  ) {
    super();
    // A reload sends about three events a library (its list, each library's start and end): the rows are drawn again once for a burst.
    let pending: NodeJS.Timeout | undefined;
    this._register(
      service.onDidChange(() => {
        pending ??= setTimeout(() => {
          pending = undefined;
          this.refresh();
        }, 50);
      }),
    );
    this._register(toDisposable(() => clearTimeout(pending)));
    // A new read of the fleet changes the tooltips' "used by" lines.
    if (fleet) this._register(fleet.onDidChange(() => this.refresh()));
    // "synced 3 minutes ago" moves on without events: the rows of git libraries are read again every minute.
    const timer = setInterval(() => {
      if (service.libraries.some((l) => l.syncedAt && l.status !== 'syncing')) this.refresh();
    }, ageRefreshMs);
    this._register(toDisposable(() => clearInterval(timer)));
  }

  get filter(): Readonly<CatalogFilter> {
    return this.filterValue;
  }

  get groupBy(): GroupBy {
    return this.group;
  }

  setFilter(filter: CatalogFilter): void {
    const clean: CatalogFilter = {};
    if (filter.text?.trim()) clean.text = filter.text.trim();
    if (filter.tag) clean.tag = filter.tag;
    if (filter.status) clean.status = filter.status;
    if (filter.owner) clean.owner = filter.owner;
    this.filterValue = clean;
    this.filterChanged.fire();
    this.refresh();
  }

  setGroupBy(group: GroupBy): void {
    this.group = group;
    this.filterChanged.fire();
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: CatalogNode): CatalogNode[] {
    if (!node) {
      const libraries = this.service.libraries.map((l): CatalogNode => new LibraryNode(l));
      if (!this.service.onlySample) return libraries;
      const add = { command: commands.addLibrary, title: commandInfo.addLibrary.title };
      return [new MessageNode(undefined, sampleNotice.row, sampleNotice.message, add, new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))), ...libraries];
    }
    switch (node.type) {
      case 'library':
        return this.libraryChildren(node);
      case 'group':
        return node.assets.map((a) => new AssetNode(node, node.parent.library, a));
      case 'asset':
        return [...node.asset.files].sort(fileOrder(node.asset)).map((f) => new FileNode(node, f));
      default:
        return [];
    }
  }

  getParent(node: CatalogNode): CatalogNode | undefined {
    return node.type === 'library' ? undefined : node.parent;
  }

  getTreeItem(node: CatalogNode): vscode.TreeItem {
    switch (node.type) {
      case 'library':
        return this.libraryItem(node);
      case 'group':
        return this.groupItem(node);
      case 'asset':
        return this.assetItem(node);
      case 'file':
        return this.fileItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.contextValue = treeItemContext.message;
        if (node.tooltip) item.tooltip = node.tooltip;
        if (node.command) item.command = node.command;
        item.iconPath = node.icon ?? new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  private libraryChildren(node: LibraryNode): CatalogNode[] {
    const lib = node.library;
    if (!lib.catalog) {
      if (lib.error) return [new MessageNode(node, lib.error, lib.error, { command: commands.showLog, title: 'Show Log' }, new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')))];
      return [new MessageNode(node, lib.status === 'syncing' ? 'Syncing...' : 'Loading...', undefined, undefined, new vscode.ThemeIcon('loading~spin'))];
    }
    const assets = lib.catalog.assets.filter((a) => matchesAssetFilter(a, this.filterValue));
    if (!assets.length) {
      if (isFilterActive(this.filterValue)) {
        return [new MessageNode(node, 'No asset matches the filter. Click to clear it.', undefined, { command: commands.clearFilter, title: 'Clear Filter' }, new vscode.ThemeIcon('filter'))];
      }
      return [new MessageNode(node, 'This library has no assets yet.', 'Assets are folders with an asset.yaml, or recognised prompt and eval files.')];
    }
    const groups = new Map<string, Asset[]>();
    const add = (key: string, a: Asset): void => {
      const list = groups.get(key);
      if (list) list.push(a);
      else groups.set(key, [a]);
    };
    for (const a of assets) {
      if (this.group === 'kind') add(a.kind, a);
      else {
        const keys = this.group === 'tag' ? a.tags : a.owners;
        if (!keys.length) add('', a);
        for (const k of new Set(keys)) add(k, a);
      }
    }
    const keys = [...groups.keys()].sort((x, y) => {
      if (this.group === 'kind') return kindOrder.indexOf(x as AssetKind) - kindOrder.indexOf(y as AssetKind);
      if (x === '' || y === '') return x === '' ? 1 : -1;
      return x.localeCompare(y);
    });
    return keys.map((k) => new GroupNode(node, this.group, k, groups.get(k)!.sort(assetOrder)));
  }

  private libraryItem(node: LibraryNode): vscode.TreeItem {
    const lib = node.library;
    const item = new vscode.TreeItem(libraryName(lib), vscode.TreeItemCollapsibleState.Expanded);
    item.id = `lib/${lib.key}`;
    item.description = statusLabel(lib, new Date());
    item.tooltip = libraryTooltip(lib);
    item.iconPath =
      lib.status === 'syncing' || (lib.status === 'loading' && !lib.catalog)
        ? new vscode.ThemeIcon('sync~spin')
        : lib.error
          ? new vscode.ThemeIcon(lib.catalog ? 'warning' : 'error', new vscode.ThemeColor(lib.catalog ? 'list.warningForeground' : 'errorForeground'))
          : new vscode.ThemeIcon(lib.source?.kind === 'git' ? 'repo' : 'library');
    const parts: string[] = [treeItemContext.library];
    if (lib.origin === 'settings') parts.push('settings');
    if (lib.source?.kind === 'git') parts.push('git');
    item.contextValue = parts.join(';');
    return item;
  }

  private groupItem(node: GroupNode): vscode.TreeItem {
    const label = node.groupBy === 'kind' ? kindLabels[node.key as AssetKind] : node.groupBy === 'owner' ? ownerGroupLabel(node.key) : node.key || '(no tag)';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    if (node.groupBy === 'owner' && node.key && label !== node.key) item.tooltip = node.key;
    item.id = `lib/${node.parent.library.key}/${node.groupBy}:${node.key}`;
    item.description = String(node.assets.length);
    item.iconPath = new vscode.ThemeIcon(node.groupBy === 'kind' ? kindIcons[node.key as AssetKind] : node.groupBy === 'tag' ? 'tag' : 'person');
    item.contextValue = treeItemContext.group;
    return item;
  }

  private assetItem(node: AssetNode): vscode.TreeItem {
    const { asset, library } = node;
    const item = new vscode.TreeItem(asset.title, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `lib/${library.key}/${node.parent.groupBy}:${node.parent.key}/${asset.id}@${asset.version}/${asset.path}`;
    item.description = assetDescription(asset);
    item.iconPath = new vscode.ThemeIcon(kindIcons[asset.kind], new vscode.ThemeColor(statusColors[asset.status]));
    item.resourceUri = vscode.Uri.from({
      scheme: schemes.asset,
      authority: library.key,
      path: `/${asset.path || asset.id}`,
      query: new URLSearchParams({ status: asset.status, errors: String(asset.problems.errors) }).toString(),
    });
    item.tooltip = assetTooltip(asset, library, library.catalog && this.fleet ? usageLine(this.fleet.usage(library.catalog, asset.id)) : undefined);
    const context = library.history ? treeItemContext.assetWithHistory : treeItemContext.asset;
    item.contextValue = installableFormats.includes(asset.format) ? `${context};${treeItemContext.installable}` : context;
    item.command = { command: commands.openAsset, title: 'Open Asset', arguments: [node] };
    item.accessibilityInformation = { label: `${asset.title}, ${asset.kind} ${asset.version}, ${asset.status}` };
    return item;
  }

  private fileItem(node: FileNode): vscode.TreeItem {
    const asset = node.parent.asset;
    const folder = asset.managed ? asset.path : '';
    const label = folder && node.path.startsWith(folder + '/') ? node.path.slice(folder.length + 1) : nodePath.posix.basename(node.path);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    const uri = libraryFileUri(node.parent.library, node.path);
    item.id = `lib/${node.parent.library.key}/${node.parent.parent.groupBy}:${node.parent.parent.key}/${asset.id}@${asset.version}/${asset.path}/${node.path}`;
    if (uri) {
      item.resourceUri = uri;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    }
    item.iconPath = vscode.ThemeIcon.File;
    if (node.path === asset.entryFile) item.description = 'entry';
    item.contextValue = treeItemContext.assetFile;
    return item;
  }
}

function assetOrder(a: Asset, b: Asset): number {
  return a.title.localeCompare(b.title) || a.id.localeCompare(b.id) || a.version.localeCompare(b.version, undefined, { numeric: true });
}

/** Files of an asset: the entry first, then the manifest, then the rest by path. */
function fileOrder(asset: Asset): (a: string, b: string) => number {
  const rank = (p: string): number => (p === asset.entryFile ? 0 : p === asset.manifest ? 1 : 2);
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}
