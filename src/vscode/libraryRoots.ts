// Where library roots are: the root a document's file belongs to, and the library roots of the workspace.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { schemes } from './constants';
import { Disposable } from './lifecycle';
import type { LibraryService } from './libraryService';

/** How a root was found: a library of the Catalog view, a folder with (or standing for) a library, or one lone file. */
export type RootKind = 'library' | 'folder' | 'file';

/** Where a document sits: the key and folder of its root (loaded or not) and its library-relative path. */
export interface Placement {
  /** The root folder, or the file's path for a lone file. */
  key: string;
  kind: RootKind;
  root: string;
  path: string;
}

const manifestNames = ['library.yaml', 'library.yml'];

/** A path relative to a root, '/' separated. */
export function relative(root: string, file: string): string {
  return nodePath.relative(root, file).split(nodePath.sep).join('/');
}

/**
 * Finds roots as Validate Workspace and the editor both read them: a library of the Catalog view
 * holding the file, else the nearest folder holding library.yaml, else a workspace folder with no
 * library.yaml anywhere (it stands for a library), else the file alone.
 */
export class LibraryRoots extends Disposable {
  /** Workspace folders known to hold no library.yaml anywhere. */
  private readonly bareFolders = new Map<string, Promise<boolean>>();

  constructor(private readonly libraries: LibraryService) {
    super();
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.bareFolders.clear()));
  }

  /** The root of a document's file (nothing is loaded). */
  async place(uri: vscode.Uri): Promise<Placement | undefined> {
    if (uri.scheme === schemes.library) {
      const lib = this.libraries.findLibrary(uri.authority);
      if (!lib?.root) return undefined;
      return { key: lib.root, kind: 'library', root: lib.root, path: uri.path.replace(/^\/+/, '') };
    }
    if (uri.scheme !== 'file') return undefined;
    const file = uri.fsPath;
    // A library of the Catalog view that holds the file (the deepest one).
    const owner = this.libraries.libraries.filter((l) => l.root && l.catalog && file.startsWith(l.root + nodePath.sep)).sort((a, b) => b.root!.length - a.root!.length)[0];
    if (owner?.root) return { key: owner.root, kind: 'library', root: owner.root, path: relative(owner.root, file) };
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const stop = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    // The nearest folder holding library.yaml (not above the workspace folder).
    let dir = nodePath.dirname(file);
    for (let i = 0; i < 64; i++) {
      for (const name of manifestNames) {
        if (await fsp.stat(nodePath.join(dir, name)).catch(() => undefined)) return { key: dir, kind: 'folder', root: dir, path: relative(dir, file) };
      }
      if (dir === stop) break;
      const parent = nodePath.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    if (folder && stop && (await this.isBare(folder))) return { key: stop, kind: 'folder', root: stop, path: relative(stop, file) };
    return { key: file, kind: 'file', root: nodePath.dirname(file), path: nodePath.basename(file) };
  }

  /** Library roots in the workspace: every folder holding library.yaml; a workspace folder without one stands for a library itself. */
  async workspaceRoots(token?: vscode.CancellationToken): Promise<string[]> {
    const roots = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/library.{yaml,yml}'), '**/{node_modules,.git}/**', 500, token);
      if (!found.length) roots.add(folder.uri.fsPath);
      for (const f of found) roots.add(nodePath.dirname(f.fsPath));
    }
    return [...roots].sort();
  }

  private isBare(folder: vscode.WorkspaceFolder): Promise<boolean> {
    const k = folder.uri.toString();
    let p = this.bareFolders.get(k);
    if (!p) {
      p = Promise.resolve(vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/library.{yaml,yml}'), '**/{node_modules,.git}/**', 1)).then(
        (found) => found.length === 0,
        () => false,
      );
      this.bareFolders.set(k, p);
    }
    return p;
  }
}
