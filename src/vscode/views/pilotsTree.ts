// The In This Workspace view (id genaiAssets.pilots): pilot folders of the workspace (found by their pilot.yaml) and repositories with installed assets
// (found by their genai-assets.lock.json), with their components' version, status and markers.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { parseFile } from '../../core/formats/parseFile';
import { assetRelative } from '../../core/scaffold/plan';
import { plural } from '../../core/text/plural';
import { lockFiles, treeItemContext } from '../constants';
import { Disposable } from '../lifecycle';
import type { LibraryService } from '../libraryService';
import type { ComponentStatus, InstallsStatus, PilotService, PilotStatus } from '../pilotService';
import { kindIcon } from './catalogTree';
import { componentDescription, componentTooltipMarkdown, installedDescription, needsAttention, pilotDescription } from './treeText';

/** One pilot as read from its pilot.yaml. */
export interface PilotInfo {
  readonly type: 'pilot';
  manifest: vscode.Uri;
  folder: vscode.Uri;
  name: string;
  template?: string;
  library?: string;
  components: string[];
  /** Problems of the manifest (yaml or schema errors), counted. */
  errors: number;
}

/** A component of a pilot (a child of its pilot). */
export interface PilotComponentNode {
  readonly type: 'component';
  pilot: PilotInfo;
  component: ComponentStatus;
}

/** A repository (a folder of the workspace) with installed assets, found by its genai-assets.lock.json. */
export interface InstallsInfo {
  readonly type: 'installs';
  lock: vscode.Uri;
  folder: vscode.Uri;
  name: string;
}

/** An installed asset (for one tool) of a repository. */
export interface InstalledNode {
  readonly type: 'installed';
  installs: InstallsInfo;
  component: ComponentStatus;
}

export type PilotTreeNode = PilotInfo | PilotComponentNode | InstallsInfo | InstalledNode;

/** Reads one pilot.yaml; never throws (a broken manifest still lists the pilot, with its error count). */
export function readPilot(manifest: vscode.Uri, bytes: Uint8Array): PilotInfo {
  const file = parseFile(nodePath.basename(manifest.fsPath), bytes);
  const doc = (file.document && typeof file.document === 'object' ? file.document : {}) as Record<string, unknown>;
  const folder = vscode.Uri.joinPath(manifest, '..');
  const lib = doc.library && typeof doc.library === 'object' ? (doc.library as Record<string, unknown>) : undefined;
  const info: PilotInfo = {
    type: 'pilot',
    manifest,
    folder,
    name: typeof doc.name === 'string' ? doc.name : nodePath.basename(folder.fsPath),
    components: Array.isArray(doc.components) ? doc.components.filter((c): c is string => typeof c === 'string') : [],
    errors: file.diagnostics.filter((d) => d.severity === 'error').length,
  };
  if (typeof doc.template === 'string') info.template = doc.template;
  if (lib && typeof lib.name === 'string') info.library = lib.name;
  return info;
}

/** Where tools read installed assets (the watcher of installed files; see core/install/targets.ts). */
const installedLocations = ['.github/**', '.claude/**', '.cursor/**', 'AGENTS.md', 'CLAUDE.md'];

/** The name a repository with installs goes by in the view: its folder, as the workspace shows it. */
function installsName(folder: vscode.Uri): string {
  const rel = vscode.workspace.asRelativePath(folder, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  return rel === folder.fsPath || rel === '' ? nodePath.basename(folder.fsPath) : rel;
}

/** The colour of a component's icon: what needs attention most. */
function markerColor(c: ComponentStatus): vscode.ThemeColor | undefined {
  const color =
    c.notAllowed || c.standing === 'not installed'
      ? 'list.errorForeground'
      : c.deprecated
        ? 'list.warningForeground'
        : c.modifiedFiles.length
          ? 'gitDecoration.modifiedResourceForeground'
          : c.outdated
            ? 'charts.blue'
            : undefined;
  return color ? new vscode.ThemeColor(color) : undefined;
}

/**
 * Lists the workspace's pilots and repositories with installs, and their components. The scan
 * (findFiles and reads) and the checks (PilotService) run when the view is shown, when a
 * pilot.yaml, pilot.lock.json or genai-assets.lock.json changes, when a pilot or installed file
 * is saved or changed on disk (PilotService.recheckAround) and after the libraries change; the
 * tree maps their results, no I/O.
 */
export class PilotsTreeProvider extends Disposable implements vscode.TreeDataProvider<PilotTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<PilotTreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private pilots: PilotInfo[] = [];
  private children = new Map<string, PilotComponentNode[]>();
  private installs: InstallsInfo[] = [];
  private installed = new Map<string, InstalledNode[]>();
  private scanning: Promise<void> | undefined;
  private scanned = false;
  private timer: NodeJS.Timeout | undefined;
  private libraryTimer: NodeJS.Timeout | undefined;
  private librarySignature = '';
  private readonly catalogIds = new WeakMap<object, number>();
  private nextCatalogId = 1;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly service: PilotService,
    private readonly libraries: LibraryService,
  ) {
    super();
    const later = (): void => {
      if (!this.scanned) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.scan(), 300);
    };
    for (const pattern of ['**/pilot.{yaml,yml}', `**/${lockFiles.pilot}`, `**/${lockFiles.installs}`]) {
      const watcher = this._register(vscode.workspace.createFileSystemWatcher(pattern));
      this._register(watcher.onDidCreate(later));
      this._register(watcher.onDidChange(later));
      this._register(watcher.onDidDelete(later));
    }
    // Installed files changed on disk (a checkout, a pull, another tool): the repository holding them is checked again.
    const recheck = (uri: vscode.Uri): void => {
      if (this.scanned && uri.scheme === 'file') service.recheckAround(uri.fsPath);
    };
    for (const location of installedLocations) {
      const watcher = this._register(vscode.workspace.createFileSystemWatcher(`**/${location}`));
      this._register(watcher.onDidCreate(recheck));
      this._register(watcher.onDidChange(recheck));
      this._register(watcher.onDidDelete(recheck));
    }
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(later));
    // After a sync or reload of the libraries, versions and statuses may have moved.
    this._register(
      libraries.onDidChange(() => {
        if (!this.scanned) return;
        if (this.libraryTimer) clearTimeout(this.libraryTimer);
        // While a load or sync runs, its last change event (when it ends) arms the timer again.
        this.libraryTimer = setTimeout(() => {
          if (this.libraries.busy || this.signature() === this.librarySignature) return;
          void this.checkAll();
        }, 500);
      }),
    );
    this._register(service.onDidCheck((s) => this.applyStatus(s)));
    this._register(service.onDidCheckInstalls((s) => this.applyInstallsStatus(s)));
    this._register({
      dispose: () => {
        if (this.timer) clearTimeout(this.timer);
        if (this.libraryTimer) clearTimeout(this.libraryTimer);
      },
    });
  }

  /** Identifies the libraries' catalogs as now loaded (a new catalog object means a reload or sync). */
  private signature(): string {
    return this.libraries.libraries
      .map((l) => {
        let id = 0;
        if (l.catalog) {
          id = this.catalogIds.get(l.catalog) ?? this.nextCatalogId++;
          this.catalogIds.set(l.catalog, id);
        }
        return `${l.key}:${l.status}:${l.commit ?? ''}:${id}`;
      })
      .join('|');
  }

  get all(): readonly PilotInfo[] {
    return this.pilots;
  }

  /** The pilot whose folder is `dir` (an absolute path), when the workspace has it. */
  pilotAt(dir: string): PilotInfo | undefined {
    return this.pilots.find((p) => p.folder.fsPath === dir);
  }

  /** The last check of a pilot. */
  statusOf(p: PilotInfo): PilotStatus | undefined {
    return this.service.statusOf(p.folder.fsPath);
  }

  /** Finds and reads every pilot.yaml of the workspace, then checks every pilot (one scan at a time). */
  scan(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        const found = await vscode.workspace.findFiles('**/pilot.{yaml,yml}', '**/{node_modules,.git}/**', 1000);
        const pilots: PilotInfo[] = [];
        for (const uri of found) {
          try {
            pilots.push(readPilot(uri, await vscode.workspace.fs.readFile(uri)));
          } catch (e) {
            this.log.warn(`Could not read ${uri.fsPath}: ${(e as Error).message}`);
          }
        }
        pilots.sort((a, b) => a.name.localeCompare(b.name) || a.folder.fsPath.localeCompare(b.folder.fsPath));
        this.pilots = pilots;
        this.children = new Map(pilots.map((p) => [p.folder.fsPath, this.children.get(p.folder.fsPath) ?? []]));
        // A pilot's own lock is pilot.lock.json; a genai-assets.lock.json beside a pilot.yaml is not a repository's installs.
        const locks = await vscode.workspace.findFiles(`**/${lockFiles.installs}`, '**/{node_modules,.git}/**', 1000);
        const installs: InstallsInfo[] = locks
          .map((lock) => ({ type: 'installs' as const, lock, folder: vscode.Uri.joinPath(lock, '..') }))
          .filter((i) => !pilots.some((p) => p.folder.fsPath === i.folder.fsPath))
          .map((i) => ({ ...i, name: installsName(i.folder) }))
          .sort((a, b) => a.name.localeCompare(b.name) || a.folder.fsPath.localeCompare(b.folder.fsPath));
        for (const gone of this.installs) if (!installs.some((i) => i.folder.fsPath === gone.folder.fsPath)) this.service.forgetInstalls(gone.folder.fsPath);
        this.installs = installs;
        this.installed = new Map(installs.map((i) => [i.folder.fsPath, this.installed.get(i.folder.fsPath) ?? []]));
        this.scanned = true;
        this.changed.fire(undefined);
        await this.checkAll();
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  /**
   * Checks every pilot (against its lock and its library) and every repository's installs; the view
   * updates as each one is done. The checks are fresh: one already running may have read a catalog
   * or a lock from before the change that asked for this, so these start when it ends. The libraries
   * are recorded as they were when the checks started, so a change during the checks checks again.
   */
  async checkAll(): Promise<void> {
    this.librarySignature = this.signature();
    await Promise.all([
      ...this.pilots.map((p) => this.service.check(p.folder.fsPath, { listed: p.components, fresh: true })),
      ...this.installs.map((i) => this.service.checkInstalls(i.folder.fsPath, { fresh: true })),
    ]);
  }

  /** The repositories of the workspace with installed assets. */
  get allInstalls(): readonly InstallsInfo[] {
    return this.installs;
  }

  /** The repository with installs whose folder is `dir` (an absolute path), when the workspace has it. */
  installsAt(dir: string): InstallsInfo | undefined {
    return this.installs.find((i) => i.folder.fsPath === dir);
  }

  private applyInstallsStatus(s: InstallsStatus): void {
    const i = this.installsAt(s.dir);
    if (!i) return;
    this.installed.set(
      s.dir,
      s.components.map((component) => ({ type: 'installed', installs: i, component })),
    );
    this.changed.fire(i);
  }

  private applyStatus(s: PilotStatus): void {
    const p = this.pilotAt(s.dir);
    if (!p) return;
    this.children.set(
      s.dir,
      s.components.map((component) => ({ type: 'component', pilot: p, component })),
    );
    this.changed.fire(p);
  }

  /** Scans on first need (the view became visible). */
  ensureScanned(): Promise<void> {
    return this.scanned ? Promise.resolve() : this.scan();
  }

  getChildren(node?: PilotTreeNode): PilotTreeNode[] {
    if (!node) return [...this.pilots, ...this.installs];
    if (node.type === 'installs') return this.installed.get(node.folder.fsPath) ?? [];
    if (node.type === 'pilot') {
      const checked = this.children.get(node.folder.fsPath);
      if (checked?.length || this.statusOf(node)) return checked ?? [];
      return [];
    }
    return [];
  }

  getParent(node: PilotTreeNode): PilotTreeNode | undefined {
    return node.type === 'component' ? node.pilot : node.type === 'installed' ? node.installs : undefined;
  }

  getTreeItem(node: PilotTreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'pilot':
        return this.pilotItem(node);
      case 'component':
        return this.componentItem(node);
      case 'installs':
        return this.installsItem(node);
      case 'installed':
        return this.installedItem(node);
    }
  }

  private installsItem(i: InstallsInfo): vscode.TreeItem {
    const status = this.service.installsStatusOf(i.folder.fsPath);
    const count = status?.components.length ?? 0;
    const item = new vscode.TreeItem(i.name, count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = i.lock.toString();
    const attention = status?.components.filter(needsAttention).length ?? 0;
    item.description = attention ? pilotDescription(count, attention) : `${plural(count, 'installed asset')}`;
    const warn = !!status?.problem;
    item.iconPath = new vscode.ThemeIcon(warn ? 'warning' : 'package', warn || attention ? new vscode.ThemeColor('list.warningForeground') : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**Installed assets** in ');
    md.appendText(vscode.workspace.asRelativePath(i.folder));
    const lib = status?.installs?.lock.library;
    if (lib) {
      md.appendMarkdown('  \nLibrary: ');
      md.appendText(`${lib.name}${/^[0-9a-f]{40}/.test(lib.commit) ? ` @ ${lib.commit.slice(0, 12)}` : ''}`);
    }
    md.appendMarkdown(`  \n${plural(count, 'installed asset')} (${lockFiles.installs})`);
    if (attention) md.appendMarkdown(`  \n${pilotDescription(count, attention)}`);
    if (status?.problem) {
      md.appendMarkdown('\n\n$(warning) ');
      md.appendText(status.problem);
    }
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.resourceUri = i.lock;
    item.command = { command: 'vscode.open', title: `Open ${lockFiles.installs}`, arguments: [i.lock] };
    item.contextValue = treeItemContext.installs;
    return item;
  }

  private installedItem(node: InstalledNode): vscode.TreeItem {
    const c = node.component;
    const item = new vscode.TreeItem(c.id, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.installs.lock.toString()}#${c.target ?? ''}#${c.id}`;
    item.description = installedDescription(c);
    item.iconPath = new vscode.ThemeIcon(c.kind ? kindIcon(c.kind) : 'circle-outline', markerColor(c));
    item.tooltip = new vscode.MarkdownString(componentTooltipMarkdown(c));
    const file = c.files.find((f) => !c.modifiedFiles.includes(f)) ?? c.files[0];
    if (file) {
      const uri = vscode.Uri.joinPath(node.installs.folder, ...file.split('/'));
      item.resourceUri = uri;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    }
    const flags = [c.outdated || c.modifiedFiles.length || c.deprecated ? 'updatable' : undefined, c.asset ? 'inLibrary' : undefined, c.modifiedFiles.length ? 'modified' : undefined].filter(Boolean);
    item.contextValue = [treeItemContext.installedAsset, ...flags].join(';');
    return item;
  }

  private pilotItem(p: PilotInfo): vscode.TreeItem {
    const status = this.statusOf(p);
    const count = status?.pilot ? status.components.length : p.components.length;
    const item = new vscode.TreeItem(p.name, count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = p.manifest.toString();
    const attention = status?.pilot ? status.components.filter(needsAttention).length : 0;
    item.description = pilotDescription(count, attention);
    const warn = p.errors > 0 || !!status?.problem;
    item.iconPath = new vscode.ThemeIcon(warn ? 'warning' : 'rocket', warn || attention ? new vscode.ThemeColor('list.warningForeground') : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**');
    md.appendText(p.name);
    md.appendMarkdown('**\n\n');
    md.appendMarkdown('Folder: ');
    md.appendText(vscode.workspace.asRelativePath(p.folder));
    if (p.library) {
      md.appendMarkdown('  \nLibrary: ');
      md.appendText(p.library);
    }
    if (p.template) {
      md.appendMarkdown('  \nTemplate: ');
      md.appendText(p.template);
    }
    md.appendMarkdown(`  \nComponents (${count}): `);
    md.appendText(p.components.length ? p.components.join(', ') : 'none');
    if (attention) md.appendMarkdown(`  \n${pilotDescription(count, attention)}`);
    if (p.errors) md.appendMarkdown(`  \n${plural(p.errors, 'error')} in pilot.yaml (run Verify Pilot)`);
    if (status?.problem) {
      md.appendMarkdown('\n\n$(warning) ');
      md.appendText(status.problem);
    }
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.resourceUri = p.manifest;
    item.command = { command: 'vscode.open', title: 'Open pilot.yaml', arguments: [p.manifest] };
    item.contextValue = treeItemContext.pilot;
    return item;
  }

  private componentItem(node: PilotComponentNode): vscode.TreeItem {
    const c = node.component;
    const item = new vscode.TreeItem(c.id, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.pilot.manifest.toString()}#${c.id}`;
    item.description = componentDescription(c);
    item.iconPath = new vscode.ThemeIcon(c.kind ? kindIcon(c.kind) : 'circle-outline', markerColor(c));
    item.tooltip = new vscode.MarkdownString(componentTooltipMarkdown(c));
    const file = this.mainFile(node);
    if (file) {
      item.resourceUri = file;
      item.command = { command: 'vscode.open', title: 'Open', arguments: [file] };
    }
    const flags = [c.outdated || c.modifiedFiles.length || c.deprecated ? 'updatable' : undefined, c.asset ? 'inLibrary' : undefined, c.modifiedFiles.length ? 'modified' : undefined].filter(Boolean);
    item.contextValue = [treeItemContext.pilotComponent, ...flags].join(';');
    return item;
  }

  /** The component's main file in the pilot: its entry when the library says which, else its first file. */
  private mainFile(node: PilotComponentNode): vscode.Uri | undefined {
    const c = node.component;
    if (!c.files.length) return undefined;
    const a = c.asset;
    const entry = a?.entryFile ? assetRelative(a, a.entryFile) : undefined;
    const rel = (entry && c.files.find((f) => f === entry || f.endsWith('/' + entry))) ?? c.files.find((f) => !/(^|\/)asset\.ya?ml$/.test(f)) ?? c.files[0];
    return vscode.Uri.joinPath(node.pilot.folder, ...rel.split('/'));
  }
}
