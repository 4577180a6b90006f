// The catalogs of this window, one entry per library root: the base as loaded, the open editors' unsaved texts over it, one watcher and one reload rule.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { openFolder } from '../app/openLibrary';
import { LiveCatalog } from '../core/editor/liveCatalog';
import type { LiveUpdate } from '../core/editor/liveCatalog';
import { formatOfPath, isYamlPath } from '../core/formats/detect';
import type { ParsedFile } from '../core/formats/types';
import { fullStages } from '../core/checks/stages';
import { loadCatalog } from '../core/library/load';
import type { Catalog } from '../core/library/types';
import { plural } from '../core/text/plural';
import { LibraryRoots, relative } from './libraryRoots';
import type { Placement, RootKind } from './libraryRoots';
import { Disposable, toDisposable } from './lifecycle';
import type { LibraryService, WindowLibrary } from './libraryService';
import { libraryFileUri } from './views/catalogTree';

export type { Placement, RootKind } from './libraryRoots';

/** One library root: its library (when the Catalog view shows it), its live catalog once loaded, and who keeps it. */
export class CatalogEntry {
  /** Library-relative paths of the documents open in editors. */
  readonly open = new Set<string>();
  /** Who keeps the entry loaded besides the open documents (Validate Workspace). */
  readonly holders = new Set<string>();
  /** The base catalog with the open documents' texts laid over it; undefined until loaded. */
  live: LiveCatalog | undefined;

  constructor(
    /** The root folder, or the file's path for a lone file. */
    readonly key: string,
    public kind: RootKind,
    /** Absolute folder of the library on disk. */
    readonly root: string,
    public library?: WindowLibrary,
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

/** An entry whose catalog is loaded. */
export type LoadedEntry = CatalogEntry & { live: LiveCatalog };

/** A change of an entry's catalog: an editor's text (`edit`) or a new base read from disk or synced (`reload`). */
export interface CatalogChange {
  entry: LoadedEntry;
  update: LiveUpdate;
  cause: 'edit' | 'reload';
  /** The file whose text changed (edits). */
  edited?: string;
}

/** What the store keeps per entry besides the entry itself. */
interface RootState {
  watcher?: vscode.Disposable;
  timer?: NodeJS.Timeout;
  dropTimer?: NodeJS.Timeout;
  /** The reload running now, and the rebase on the library's last catalog (settled() waits for both). */
  reloading?: Promise<void>;
  following?: Promise<void>;
  /** Counts reads of the base; a read that a newer one overtook is dropped. */
  generation: number;
  /** The library's catalog the base was taken from (library entries). */
  fromLibrary?: Catalog;
}

/** Milliseconds of quiet after a change on disk before a root is read again. */
export const reloadDelayMs = 500;
/** Milliseconds an entry stays loaded after its last document closed or its last use. */
export const keepLoadedMs = 60_000;

/** A full catalog (with positions and diagnostics) of a loaded library, or undefined. */
function fullCatalog(lib: WindowLibrary | undefined): Catalog | undefined {
  const c = lib?.catalog;
  return c && c.level !== 'catalog' ? c : undefined;
}

/**
 * A folder's catalog as on disk: the one place the store reads a library folder. Through the
 * folder's snapshot in the clone cache, as the CLI reads folders: a folder read before is not
 * read again, only its files that changed (src/node/folderSnapshot.ts).
 */
async function readFolder(root: string, libraries: LibraryService): Promise<Catalog> {
  return (await openFolder(root, { snapshot: { cacheDir: libraries.cacheDir, engine: libraries.engineStamp() } })).catalog;
}

/**
 * Holds one entry per library root of this window: the libraries of the Catalog view (their base is
 * the library's catalog, read again through LibraryService), the folders around open documents and
 * the roots Validate Workspace covers (read from disk), and lone files. Every folder root has one
 * watcher and one rule: 500 ms after a file in it is created, deleted, or a catalog file changes,
 * it is read again and the open documents' texts are laid over the new base. Entries that no open
 * document and no holder keep are unloaded a minute after their last use.
 */
export class CatalogStore extends Disposable {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly states = new Map<string, RootState>();
  private readonly loading = new Map<string, Promise<CatalogEntry>>();
  private readonly placements = new Map<string, Promise<Placement | undefined>>();
  private readonly roots: LibraryRoots;
  private readonly changed = this._register(new vscode.EventEmitter<CatalogChange>());
  /** Fires after an entry's catalog changed, with the files whose findings may differ. */
  readonly onDidChange = this.changed.event;
  private readonly unloaded = this._register(new vscode.EventEmitter<CatalogEntry>());
  /** Fires when an entry's catalog was unloaded (nothing kept it). */
  readonly onDidUnload = this.unloaded.event;

  constructor(
    private readonly libraries: LibraryService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(libraries.onDidChange(() => this.followLibraries()));
    this.roots = this._register(new LibraryRoots(libraries));
    this._register(toDisposable(() => this.states.forEach((s) => this.stopState(s))));
  }

  /** The loaded entry with this key, if it is loaded already. */
  loaded(key: string): LoadedEntry | undefined {
    const e = this.entries.get(key);
    return e?.live ? (e as LoadedEntry) : undefined;
  }

  /** The library of the Catalog view whose root is `root`. */
  libraryAt(root: string): WindowLibrary | undefined {
    return this.libraries.libraries.find((l) => l.root === root && l.catalog);
  }

  /** Where a document's file sits, without loading anything (cached per URI). */
  place(uri: vscode.Uri): Promise<Placement | undefined> {
    const k = uri.toString();
    let p = this.placements.get(k);
    if (!p) {
      p = this.roots.place(uri).catch((e) => {
        this.log.warn(`Cannot place ${uri.toString(true)} in a library: ${(e as Error).message}`);
        return undefined;
      });
      this.placements.set(k, p);
    }
    return p;
  }

  /** The loaded entry of a placement, loading it on first need (undefined when it cannot be read; the log says why). */
  load(place: Placement, text?: string): Promise<LoadedEntry | undefined> {
    return this.loadEntry(place, text).catch((e) => {
      this.log.error(`Could not read the library at ${place.root}: ${(e as Error).message}`);
      return undefined;
    });
  }

  /** The loaded entry of a library root folder (Validate Workspace), with any reload already due done; throws when it cannot be read. */
  async loadRoot(root: string): Promise<LoadedEntry> {
    const entry = await this.loadEntry({ key: root, kind: 'folder', root, path: '' });
    await this.settled(entry);
    return entry;
  }

  /** The catalog as on disk of a library folder (pilots, previews): the Catalog view's library there as loaded, else the folder's entry. */
  async baseAt(root: string): Promise<Catalog> {
    const lib = this.libraryAt(root);
    if (lib?.catalog) return lib.catalog;
    return (await this.loadEntry({ key: root, kind: 'folder', root, path: '' })).live.base;
  }

  /** Lays an editor's text of `path` (or `parsed`, that text parsed already) over the entry's catalog; listeners learn what it reached. */
  edit(entry: LoadedEntry, path: string, text: string, parsed?: ParsedFile): LiveUpdate {
    const update = parsed ? entry.live.setParsed(parsed) : entry.live.setText(path, text);
    this.changed.fire({ entry, update, cause: 'edit', edited: path });
    return update;
  }

  /** Drops the unsaved text of `path` (back to the file as loaded). */
  revert(entry: LoadedEntry, path: string): void {
    const update = entry.live.revert(path);
    if (update) this.changed.fire({ entry, update, cause: 'edit' });
  }

  /** Keeps an entry loaded for `holder` until `unhold`. */
  hold(entry: CatalogEntry, holder: string): void {
    entry.holders.add(holder);
  }

  unhold(entry: CatalogEntry, holder: string): void {
    if (entry.holders.delete(holder)) this.releaseLater(entry);
  }

  /** Unloads an entry that nothing keeps, after a grace period (so reopening is instant). */
  releaseLater(entry: CatalogEntry): void {
    const state = this.states.get(entry.key);
    if (!state || entry.open.size || entry.holders.size) return;
    clearTimeout(state.dropTimer);
    state.dropTimer = setTimeout(() => {
      state.dropTimer = undefined;
      if (entry.open.size || entry.holders.size || this.entries.get(entry.key) !== entry) return;
      this.unload(entry);
    }, keepLoadedMs);
  }

  /** Library roots in the workspace (Validate Workspace covers them). */
  workspaceRoots(token?: vscode.CancellationToken): Promise<string[]> {
    return this.roots.workspaceRoots(token);
  }

  /** Waits for a reload of the entry that is due or running (a change on disk not yet read). */
  async settled(entry: CatalogEntry): Promise<void> {
    const state = this.states.get(entry.key);
    if (!state) return;
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
      this.reload(entry);
    }
    await state.reloading;
    await state.following;
  }

  /** The loaded entry of a placement; each use starts its grace period again (unless something holds it). */
  private async loadEntry(place: Placement, text?: string): Promise<LoadedEntry> {
    let entry = this.loaded(place.key);
    if (!entry) {
      let p = this.loading.get(place.key);
      if (!p) {
        p = this.open(place, text).finally(() => this.loading.delete(place.key));
        this.loading.set(place.key, p);
      }
      entry = (await p) as LoadedEntry;
    }
    this.releaseLater(entry);
    return entry;
  }

  /** Reads a root's base catalog and makes its entry (a library of the Catalog view when one has that root). */
  private async open(place: Placement, text?: string): Promise<LoadedEntry> {
    const started = performance.now();
    const lib = place.kind === 'file' ? undefined : this.libraryAt(place.root);
    const kind: RootKind = lib ? 'library' : place.kind === 'file' ? 'file' : 'folder';
    const entry = this.entryFor(place.key, kind, place.root, lib);
    let catalog: Catalog;
    try {
      if (lib) {
        this.states.get(entry.key)!.fromLibrary = lib.catalog;
        catalog = fullCatalog(lib) ?? (await readFolder(place.root, this.libraries));
      } else if (kind === 'folder') {
        catalog = await readFolder(place.root, this.libraries);
      } else {
        // A lone file: a catalog of that one file (its own checks, the default policy).
        const bytes = text !== undefined ? new TextEncoder().encode(text) : await fsp.readFile(nodePath.join(place.root, place.path)).catch(() => new Uint8Array());
        catalog = await loadCatalog({
          root: place.root,
          fallbackName: nodePath.basename(place.root),
          source: { list: async () => [{ path: place.path, type: 'file' }], read: async () => bytes },
          ...fullStages,
        });
      }
    } catch (e) {
      // Nothing read: no watcher stays behind for a folder that is not a library of the Catalog view.
      if (!entry.live && entry.kind !== 'library') this.remove(entry);
      throw e;
    }
    entry.live ??= new LiveCatalog(catalog);
    this.log.info(
      `Catalogs: read ${kind === 'file' ? `${place.path} alone` : `the library at ${place.root}`}: ${plural(catalog.files.size, 'file')} in ${Math.round(performance.now() - started)} ms.`,
    );
    return entry as LoadedEntry;
  }

  /** The entry of a key, made (with its watcher for a folder on disk) when missing. */
  private entryFor(key: string, kind: RootKind, root: string, lib?: WindowLibrary): CatalogEntry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = new CatalogEntry(key, kind, root, lib);
      this.entries.set(key, entry);
      this.states.set(key, { generation: 0 });
    } else if (lib) {
      entry.kind = 'library';
      entry.library = lib;
    }
    const state = this.states.get(key)!;
    if (!state.watcher && (entry.kind === 'folder' || entry.library?.source?.kind === 'folder')) state.watcher = this.watch(entry);
    return entry;
  }

  /** The one watcher of a folder root: a created or deleted file, or a changed file the catalog may read, reloads it. */
  private watch(entry: CatalogEntry): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(entry.root), '**/*'));
    const changed = (uri: vscode.Uri, kind: 'change' | 'create' | 'delete'): void => {
      if (/\/(\.git|node_modules)(\/|$)/.test(uri.path)) return;
      if (kind === 'change') {
        const rel = relative(entry.root, uri.fsPath);
        const name = nodePath.basename(rel);
        const known = entry.live?.has(rel) || entry.library?.catalog?.files.has(rel);
        if (!known && !formatOfPath(name) && !isYamlPath(name)) return;
      }
      const state = this.states.get(entry.key);
      if (!state) return;
      clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        state.timer = undefined;
        this.reload(entry);
      }, reloadDelayMs);
    };
    watcher.onDidChange((u) => changed(u, 'change'));
    watcher.onDidCreate((u) => changed(u, 'create'));
    watcher.onDidDelete((u) => changed(u, 'delete'));
    return watcher;
  }

  /** Reads a root again: a library of the Catalog view through LibraryService (its view follows), any other folder here. */
  private reload(entry: CatalogEntry): void {
    const state = this.states.get(entry.key);
    if (!state || this.entries.get(entry.key) !== entry) return;
    const previous = state.reloading ?? Promise.resolve();
    const run = async (): Promise<void> => {
      // A change seen while the entry was first read: read it again once that read is done.
      await Promise.all([previous, this.loading.get(entry.key)?.catch(() => undefined)]);
      if (entry.kind === 'library' && entry.library) {
        // LibraryService reads it and fires onDidChange; followLibraries() then rebases the live catalog.
        await this.libraries.reloadLibrary(entry.library.key);
        await state.following;
      } else if (entry.kind === 'folder' && entry.live) {
        const generation = ++state.generation;
        const base = await readFolder(entry.root, this.libraries);
        if (generation !== state.generation || !entry.live || this.entries.get(entry.key) !== entry) return;
        this.changed.fire({ entry: entry as LoadedEntry, update: entry.live.rebase(base), cause: 'reload' });
      }
    };
    const p = run().catch((e) => this.log.warn(`Reading the library at ${entry.root} again failed: ${(e as Error).message}`));
    state.reloading = p;
    void p.finally(() => {
      if (state.reloading === p) state.reloading = undefined;
    });
  }

  /** Lays the editors over the library's new catalog (after a load, sync or reload of the Catalog view's library). */
  private async rebaseOnLibrary(entry: CatalogEntry): Promise<void> {
    const state = this.states.get(entry.key);
    const lib = entry.library;
    if (!state || !lib?.catalog || !entry.live || state.fromLibrary === lib.catalog) return;
    state.fromLibrary = lib.catalog;
    const generation = ++state.generation;
    const base = fullCatalog(lib) ?? (await readFolder(entry.root, this.libraries));
    if (generation !== state.generation || !entry.live || this.entries.get(entry.key) !== entry) return;
    this.changed.fire({ entry: entry as LoadedEntry, update: entry.live.rebase(base), cause: 'reload' });
  }

  /** Keeps one entry per library of the Catalog view (watched when it is a folder), and follows their catalogs. */
  private followLibraries(): void {
    const roots = new Set<string>();
    for (const lib of this.libraries.libraries) {
      if (!lib.root || !lib.catalog || roots.has(lib.root)) continue;
      roots.add(lib.root);
      const entry = this.entryFor(lib.root, 'library', lib.root, lib);
      const state = this.states.get(entry.key)!;
      if (entry.live && state.fromLibrary !== lib.catalog) {
        state.following = this.rebaseOnLibrary(entry).catch((e) => this.log.warn(`Reading the library at ${entry.root} again failed: ${(e as Error).message}`));
      }
    }
    // A library no longer shown: its folder stands for it while documents or Validate Workspace use it, else the entry goes.
    for (const entry of [...this.entries.values()]) {
      if (entry.kind !== 'library' || roots.has(entry.key) || this.libraries.libraries.some((l) => l.root === entry.key)) continue;
      if (entry.live && (entry.open.size || entry.holders.size)) {
        entry.kind = 'folder';
        entry.library = undefined;
        const state = this.states.get(entry.key)!;
        state.watcher ??= this.watch(entry);
        this.reload(entry);
      } else this.remove(entry);
    }
  }

  /** Unloads an entry's catalog; a folder or lone file entry goes altogether, a library's stays (watched) for its next use. */
  private unload(entry: CatalogEntry): void {
    if (entry.kind !== 'library') return this.remove(entry);
    entry.live = undefined;
    this.states.get(entry.key)!.fromLibrary = undefined;
    this.unloaded.fire(entry);
  }

  private remove(entry: CatalogEntry): void {
    const state = this.states.get(entry.key);
    if (state) this.stopState(state);
    this.entries.delete(entry.key);
    this.states.delete(entry.key);
    for (const [uri, p] of this.placements) void p.then((x) => x?.key === entry.key && this.placements.get(uri) === p && this.placements.delete(uri));
    if (entry.live) {
      entry.live = undefined;
      this.unloaded.fire(entry);
    }
  }

  private stopState(state: RootState): void {
    state.watcher?.dispose();
    clearTimeout(state.timer);
    clearTimeout(state.dropTimer);
    state.generation++;
  }
}
