// The live catalogs behind open editors: which library a document belongs to, loading it once, keeping it current.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { LiveCatalog } from '../../core/editor/liveCatalog';
import { formatOfPath, isYamlPath, sniffYamlFormat } from '../../core/formats/detect';
import { loadCatalog } from '../../core/library/load';
import type { Catalog } from '../../core/library/types';
import { plural } from '../../core/text/plural';
import { openFolderLibrary } from '../../node/openFolder';
import { schemes } from '../constants';
import { Disposable, toDisposable } from '../lifecycle';
import type { LibraryService, LoadedLibrary } from '../libraryService';
import { libraryFileUri } from '../views/catalogTree';

/** How a tracked root was found: a library of the Catalog view, a folder with (or standing for) a library, or one lone file. */
export type RootKind = 'library' | 'folder' | 'file';

/** A library (or lone file) some open editor belongs to, with its live catalog. */
export class TrackedRoot {
  /** Library-relative paths of the open documents of this root. */
  readonly open = new Set<string>();

  constructor(
    readonly key: string,
    readonly kind: RootKind,
    /** Absolute folder of the library on disk. */
    readonly root: string,
    readonly live: LiveCatalog,
    readonly library?: LoadedLibrary,
  ) {}

  /** The URI of a library-relative path (a read-only library document for git libraries). */
  uriOf(path: string): vscode.Uri {
    if (this.library) {
      const uri = libraryFileUri(this.library, path);
      if (uri) return uri;
    }
    return vscode.Uri.file(nodePath.join(this.root, ...path.split('/')));
  }
}

/** Where a document sits: its root (not loaded yet, perhaps) and its library-relative path. */
export interface Placement {
  key: string;
  kind: RootKind;
  root: string;
  path: string;
  library?: LoadedLibrary;
}

const decoder = new TextDecoder('utf-8');

/** A full catalog (with positions and diagnostics) of a loaded library, or undefined. */
function fullCatalog(lib: LoadedLibrary | undefined): Catalog | undefined {
  const c = lib?.catalog;
  return c && c.level !== 'catalog' ? c : undefined;
}

/**
 * Finds the library of each open document and keeps one LiveCatalog per library: the Catalog
 * view's catalog when it has loaded that library, else the folder read once (the nearest
 * folder holding library.yaml, or the workspace folder when it holds none), else the file alone.
 * Loaded catalogs follow syncs, reloads and changes on disk.
 */
export class EditorCatalogs extends Disposable {
  private readonly roots = new Map<string, Promise<TrackedRoot | undefined>>();
  private readonly ready = new Map<string, TrackedRoot>();
  private readonly placements = new Map<string, Promise<Placement | undefined>>();
  /** Workspace folders known to hold no library.yaml anywhere (each one stands for a library). */
  private readonly bareFolders = new Map<string, Promise<boolean>>();
  private readonly rebased = this._register(new vscode.EventEmitter<{ root: TrackedRoot; changed: ReadonlySet<string> }>());
  /** Fires when a root's catalog was replaced (reloaded, synced, changed on disk), with the files whose findings changed. */
  readonly onDidRebase = this.rebased.event;
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly dropTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly libraries: LibraryService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(libraries.onDidChange(() => this.followLibraries()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.bareFolders.clear()));
    this._register(
      toDisposable(() => {
        for (const w of this.watchers.values()) w.dispose();
        for (const t of this.dropTimers.values()) clearTimeout(t);
      }),
    );
  }

  /** Every root loaded so far. */
  get tracked(): TrackedRoot[] {
    return [...this.ready.values()];
  }

  /** Where a document's file sits, without loading anything (cached per URI). */
  place(uri: vscode.Uri): Promise<Placement | undefined> {
    const k = uri.toString();
    let p = this.placements.get(k);
    if (!p) {
      p = this.findPlacement(uri).catch((e) => {
        this.log.warn(`Live diagnostics: cannot place ${uri.toString(true)}: ${(e as Error).message}`);
        return undefined;
      });
      this.placements.set(k, p);
    }
    return p;
  }

  /** The loaded root of a placement (loading it on first need). */
  load(place: Placement, text?: string): Promise<TrackedRoot | undefined> {
    const timer = this.dropTimers.get(place.key);
    if (timer) {
      clearTimeout(timer);
      this.dropTimers.delete(place.key);
    }
    let r = this.roots.get(place.key);
    if (!r) {
      r = this.open(place, text).then(
        (root) => {
          if (root) this.ready.set(place.key, root);
          else this.roots.delete(place.key);
          return root;
        },
        (e) => {
          this.log.error(`Live diagnostics: could not load the library at ${place.root}: ${(e as Error).message}`);
          this.roots.delete(place.key);
          return undefined;
        },
      );
      this.roots.set(place.key, r);
    }
    return r;
  }

  /** The loaded root with this key, if it is loaded already. */
  loaded(key: string): TrackedRoot | undefined {
    return this.ready.get(key);
  }

  /** Forgets a root whose documents are all closed (after a grace period, so reopening is instant). */
  release(root: TrackedRoot, graceMs = 60_000): void {
    if (root.open.size) return;
    clearTimeout(this.dropTimers.get(root.key));
    this.dropTimers.set(
      root.key,
      setTimeout(() => {
        this.dropTimers.delete(root.key);
        if (root.open.size) return;
        this.roots.delete(root.key);
        this.ready.delete(root.key);
        this.watchers.get(root.key)?.dispose();
        this.watchers.delete(root.key);
        for (const [uri, p] of this.placements) void p.then((x) => x?.key === root.key && this.placements.delete(uri));
      }, graceMs),
    );
  }

  private async findPlacement(uri: vscode.Uri): Promise<Placement | undefined> {
    if (uri.scheme === schemes.library) {
      const lib = this.libraries.findLibrary(uri.authority);
      if (!lib?.root) return undefined;
      return { key: `lib:${lib.key}`, kind: 'library', root: lib.root, path: uri.path.replace(/^\/+/, ''), library: lib };
    }
    if (uri.scheme !== 'file') return undefined;
    const file = uri.fsPath;
    // A library of the Catalog view that holds the file (the deepest one).
    const owners = this.libraries.libraries.filter((l) => l.root && fullCatalog(l) && file.startsWith(l.root + nodePath.sep)).sort((a, b) => b.root!.length - a.root!.length);
    if (owners[0]?.root) return { key: `lib:${owners[0].key}`, kind: 'library', root: owners[0].root, path: relative(owners[0].root, file), library: owners[0] };
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const stop = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    // The nearest folder holding library.yaml (not above the workspace folder).
    let dir = nodePath.dirname(file);
    for (let i = 0; i < 64; i++) {
      for (const name of ['library.yaml', 'library.yml']) {
        if (await fsp.stat(nodePath.join(dir, name)).catch(() => undefined)) return { key: `dir:${dir}`, kind: 'folder', root: dir, path: relative(dir, file) };
      }
      if (dir === stop) break;
      const parent = nodePath.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    // A workspace folder with no library.yaml anywhere is a library itself (as Validate Workspace reads it).
    if (folder && stop && (await this.isBare(folder))) return { key: `dir:${stop}`, kind: 'folder', root: stop, path: relative(stop, file) };
    return { key: `file:${file}`, kind: 'file', root: nodePath.dirname(file), path: nodePath.basename(file) };
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

  private async open(place: Placement, text?: string): Promise<TrackedRoot | undefined> {
    const started = performance.now();
    let catalog: Catalog;
    if (place.kind === 'library' && place.library) {
      catalog = fullCatalog(place.library) ?? (await openFolderLibrary(place.root));
    } else if (place.kind === 'folder') {
      catalog = await openFolderLibrary(place.root);
      this.watch(place);
    } else {
      // A lone file: a catalog of that one file (its own checks, the default policy).
      const bytes = text !== undefined ? new TextEncoder().encode(text) : await fsp.readFile(nodePath.join(place.root, place.path)).catch(() => new Uint8Array());
      catalog = await loadCatalog({ root: place.root, fallbackName: nodePath.basename(place.root), source: { list: async () => [{ path: place.path, type: 'file' }], read: async () => bytes } });
    }
    this.log.info(`Live diagnostics: ${place.kind === 'file' ? `${place.path} (alone)` : `library at ${place.root}`}: ${plural(catalog.files.size, 'file')} in ${Math.round(performance.now() - started)} ms.`);
    return new TrackedRoot(place.key, place.kind, place.root, new LiveCatalog(catalog), place.library);
  }

  /** Reloads a folder root when files change on disk that no editor holds (saves of open files are already known). */
  private watch(place: Placement): void {
    if (this.watchers.has(place.key)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(place.root), '**/*'));
    let timer: NodeJS.Timeout | undefined;
    const changed = (uri: vscode.Uri, kind: 'change' | 'create' | 'delete'): void => {
      const root = this.ready.get(place.key);
      if (uri.path.includes('/.git/') || uri.path.includes('/node_modules/')) return;
      if (root && kind === 'change') {
        const rel = relative(place.root, uri.fsPath);
        // An open document's save: its text is laid over the catalog already.
        if (root.open.has(rel)) return;
        const name = nodePath.basename(rel);
        if (!root.live.has(rel) && !formatOfPath(name) && !isYamlPath(name)) return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(place), 500);
    };
    watcher.onDidChange((u) => changed(u, 'change'));
    watcher.onDidCreate((u) => changed(u, 'create'));
    watcher.onDidDelete((u) => changed(u, 'delete'));
    this.watchers.set(place.key, vscode.Disposable.from(watcher, toDisposable(() => clearTimeout(timer))));
  }

  private async reload(place: Placement): Promise<void> {
    const root = this.ready.get(place.key);
    if (!root) return;
    try {
      const update = root.live.rebase(await openFolderLibrary(place.root));
      this.rebased.fire({ root, changed: update.changed });
    } catch (e) {
      this.log.warn(`Live diagnostics: reloading ${place.root} failed: ${(e as Error).message}`);
    }
  }

  /** Lays the editors over the new catalog when the Catalog view reloaded or synced a library. */
  private followLibraries(): void {
    for (const root of this.ready.values()) {
      if (root.kind !== 'library' || !root.library) continue;
      const current = this.libraries.findLibrary(root.library.key);
      const catalog = fullCatalog(current);
      if (!catalog || catalog === root.live.base) continue;
      const update = root.live.rebase(catalog);
      this.rebased.fire({ root, changed: update.changed });
    }
  }
}

function relative(root: string, file: string): string {
  return nodePath.relative(root, file).split(nodePath.sep).join('/');
}

/** True when the text of a path belongs in its library's catalog (recognised, in an asset folder, or known). */
export function belongsToCatalog(root: TrackedRoot, path: string, text: string): boolean {
  if (root.live.has(path)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (formatOfPath(name)) return true;
  if (root.live.catalog.assets.some((a) => a.managed && (a.path === '' || path.startsWith(`${a.path}/`)))) return true;
  return isYamlPath(name) && sniffYamlFormat(text.slice(0, 4096)) !== undefined;
}

/**
 * True when a document is worth reading its library for: a recognised name, YAML that reads as
 * a GitHub Models prompt or a promptfoo suite, or a file in a folder with an asset.yaml (an eval
 * suite's entry may have any name). A plain YAML file elsewhere (CI, Docker) loads nothing.
 */
export async function worthLoading(place: Placement, text: string): Promise<boolean> {
  const name = place.path.slice(place.path.lastIndexOf('/') + 1);
  if (formatOfPath(name) || sniffYamlFormat(text.slice(0, 4096))) return true;
  if (place.kind === 'file') return false;
  let dir = nodePath.dirname(nodePath.join(place.root, ...place.path.split('/')));
  for (let i = 0; i < 32 && (dir === place.root || dir.startsWith(place.root + nodePath.sep)); i++) {
    for (const m of ['asset.yaml', 'asset.yml']) if (await fsp.stat(nodePath.join(dir, m)).catch(() => undefined)) return true;
    if (dir === place.root) break;
    dir = nodePath.dirname(dir);
  }
  return false;
}

/** Reads a file as text (undefined when it does not exist or is not UTF-8 text). */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  if (uri.scheme !== 'file') return undefined;
  try {
    return decoder.decode(await fsp.readFile(uri.fsPath));
  } catch {
    return undefined;
  }
}
