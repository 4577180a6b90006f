// The Pilots view: pilot folders of the workspace, found by their pilot.yaml (name, template, component count).

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { parseFile } from '../../core/formats/parseFile';
import { treeItemContext } from '../constants';
import { Disposable } from '../lifecycle';

/** One pilot as read from its pilot.yaml. */
export interface PilotInfo {
  manifest: vscode.Uri;
  folder: vscode.Uri;
  name: string;
  template?: string;
  library?: string;
  components: string[];
  /** Problems of the manifest (yaml or schema errors), counted. */
  errors: number;
}

/** Reads one pilot.yaml; never throws (a broken manifest still lists the pilot, with its error count). */
export function readPilot(manifest: vscode.Uri, bytes: Uint8Array): PilotInfo {
  const file = parseFile(nodePath.basename(manifest.fsPath), bytes);
  const doc = (file.document && typeof file.document === 'object' ? file.document : {}) as Record<string, unknown>;
  const folder = vscode.Uri.joinPath(manifest, '..');
  const lib = doc.library && typeof doc.library === 'object' ? (doc.library as Record<string, unknown>) : undefined;
  const info: PilotInfo = {
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

/**
 * Lists the workspace's pilots. The scan (findFiles and reads) runs when the view is shown
 * and when a pilot.yaml changes; the tree maps its result.
 */
export class PilotsTreeProvider extends Disposable implements vscode.TreeDataProvider<PilotInfo> {
  private readonly changed = this._register(new vscode.EventEmitter<PilotInfo | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private pilots: PilotInfo[] = [];
  private scanning: Promise<void> | undefined;
  private scanned = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/pilot.{yaml,yml}'));
    const later = (): void => {
      if (!this.scanned) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.scan(), 300);
    };
    this._register(watcher.onDidCreate(later));
    this._register(watcher.onDidChange(later));
    this._register(watcher.onDidDelete(later));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(later));
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
  }

  get all(): readonly PilotInfo[] {
    return this.pilots;
  }

  /** Finds and reads every pilot.yaml of the workspace (one scan at a time). */
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
        this.scanned = true;
        this.changed.fire(undefined);
      } finally {
        this.scanning = undefined;
      }
    })();
    return this.scanning;
  }

  /** Scans on first need (the view became visible). */
  ensureScanned(): Promise<void> {
    return this.scanned ? Promise.resolve() : this.scan();
  }

  getChildren(node?: PilotInfo): PilotInfo[] {
    return node ? [] : this.pilots;
  }

  getTreeItem(p: PilotInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    item.id = p.manifest.toString();
    const count = `${p.components.length} component${p.components.length === 1 ? '' : 's'}`;
    item.description = p.template ? `${p.template} · ${count}` : count;
    item.iconPath = new vscode.ThemeIcon(p.errors ? 'warning' : 'rocket', p.errors ? new vscode.ThemeColor('list.warningForeground') : undefined);
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
    md.appendMarkdown('  \nComponents: ');
    md.appendText(p.components.length ? p.components.join(', ') : 'none');
    if (p.errors) md.appendMarkdown(`  \n${p.errors} error${p.errors === 1 ? '' : 's'} in pilot.yaml (run Validate Workspace)`);
    item.tooltip = md;
    item.resourceUri = p.manifest;
    item.command = { command: 'vscode.open', title: 'Open pilot.yaml', arguments: [p.manifest] };
    item.contextValue = treeItemContext.pilot;
    return item;
  }
}
