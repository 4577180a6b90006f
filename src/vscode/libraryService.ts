// The libraries of this window: which ones (settings, workspace, sample), loading and syncing them, catalogs in memory, change events.

import { promises as fsp } from 'node:fs';
import { homedir } from 'node:os';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { GitError, UserError } from '../core/errors';
import { sha256Hex } from '../core/hash';
import { librarySource, redactCredentials } from '../core/library/source';
import type { LibrarySource, LibrarySpec } from '../core/library/source';
import { evalCoverage } from '../core/library/references';
import { joinInside } from '../core/library/paths';
import { ageText } from '../core/library/sync';
import type { Asset, Catalog } from '../core/library/types';
import type { Git, Log } from '../core/ports';
import { plural } from '../core/text/plural';
import { engineStamp } from '../app/engineStamp';
import { libraryRepository, openLibrary } from '../app/openLibrary';
import type { OpenedLibrary } from '../app/openLibrary';
import { Config } from './config';
import { LazyGit } from './lazyGit';
import { Disposable, toDisposable } from './lifecycle';
import { gitMayRunOn } from './trust';

export type LibraryOrigin = 'settings' | 'workspace' | 'sample';
/** pending: not loaded yet; loading/syncing: an operation runs; ready: a catalog is shown; error: none could be loaded. */
export type LibraryStatus = 'pending' | 'loading' | 'syncing' | 'ready' | 'error';

/** Where `git log` runs for a library: the repository folder, the revision, and the library's folder inside it. */
export interface HistoryRoot {
  dir: string;
  rev: string;
  /** The library root relative to the repository's top folder ('' when they are the same), '/' separated. */
  prefix: string;
}

/** A library of this window: how it is configured, its status, and the library as last opened (`opened`, the app layer's OpenedLibrary). */
export interface WindowLibrary {
  /** Stable, URI-safe identity (origin and a hash of the source). */
  readonly key: string;
  readonly origin: LibraryOrigin;
  /** The parsed source; undefined when the configured entry is invalid (see `error`). */
  readonly source?: LibrarySource;
  /** The configured name (settings), or the folder's name, until the catalog gives one. */
  readonly configuredName?: string;
  /** Index in `genaiAssets.libraries` (settings libraries only). */
  readonly settingsIndex?: number;
  status: LibraryStatus;
  /** The library as last opened; `catalog`, `root` and `commit` are its. */
  opened?: OpenedLibrary;
  catalog?: Catalog;
  /** Folder holding the library's files on disk (the clone's work tree for git libraries). */
  root?: string;
  commit?: string;
  /** Last successful sync (ISO), git libraries. */
  syncedAt?: string;
  /** Since when the remote could not be reached (ISO); the catalog shown is the last good one. */
  offlineSince?: string;
  /** Why the last load or sync failed. */
  error?: string;
  warnings: string[];
  history?: HistoryRoot;
  /** Eval suites whose `targets` resolve to each asset. */
  evalsByAsset: Map<Asset, Asset[]>;
}

/** The name to show for a library. */
export function libraryName(lib: WindowLibrary): string {
  return lib.catalog?.library.name ?? lib.configuredName ?? 'library';
}

export interface SyncOutcome {
  synced: number;
  failed: number;
  cancelled: boolean;
}

export type CatalogState = 'loading' | 'empty' | 'ready';

interface Operation<T> {
  run(): Promise<T>;
}

const unreachable = new Set(['unreachable', 'timeout']);

/** Refuses to start further git steps once the token is cancelled (a running step finishes; clones are atomic). */
class CancellableGit implements Git {
  constructor(
    private readonly inner: Git,
    private readonly token: vscode.CancellationToken,
  ) {}
  private check(): void {
    if (this.token.isCancellationRequested) throw new GitError('The sync was cancelled.', 'failed');
  }
  clone: Git['clone'] = (...a) => (this.check(), this.inner.clone(...a));
  fetch: Git['fetch'] = (...a) => (this.check(), this.inner.fetch(...a));
  resolveCommit: Git['resolveCommit'] = (...a) => this.inner.resolveCommit(...a);
  symbolicRef: Git['symbolicRef'] = (...a) => this.inner.symbolicRef(...a);
  checkout: Git['checkout'] = (...a) => (this.check(), this.inner.checkout(...a));
  localCommitCount: Git['localCommitCount'] = (...a) => this.inner.localCommitCount(...a);
  repairWorkTree: Git['repairWorkTree'] = (...a) => this.inner.repairWorkTree(...a);
  lsTree: Git['lsTree'] = (...a) => this.inner.lsTree(...a);
  blobReader: Git['blobReader'] = (...a) => this.inner.blobReader(...a);
  log: Git['log'] = (...a) => this.inner.log(...a);
  workTreeRoot: Git['workTreeRoot'] = (...a) => this.inner.workTreeRoot(...a);
  getConfig: Git['getConfig'] = (...a) => this.inner.getConfig(...a);
  setOriginUrl: Git['setOriginUrl'] = (...a) => this.inner.setOriginUrl(...a);
}

function shortHash(text: string): string {
  return sha256Hex(text).slice(0, 12);
}

function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? nodePath.join(homedir(), p.slice(2)) : p;
}

/** Validates a library entry (URL or folder) without running anything; throws a UserError saying what is wrong. */
export function parseLibrarySpec(spec: LibrarySpec, where?: string): LibrarySource {
  return librarySource(spec, {
    where,
    resolvePath: (p) => {
      const abs = expandHome(p.trim());
      if (!nodePath.isAbsolute(abs)) throw new UserError(`${where ? `${where}: ` : ''}the folder "${p}" is not an absolute path; give the full path (or one starting with ~/).`);
      return nodePath.normalize(abs);
    },
    isAbsolutePath: (p) => nodePath.isAbsolute(p),
  });
}

/** A folder path as compared with another: normalised, without a trailing separator, case-folded where file names are. */
function sameFolderKey(p: string): string {
  const n = nodePath.resolve(p);
  return process.platform === 'win32' || process.platform === 'darwin' ? n.toLowerCase() : n;
}

/**
 * Holds the window's libraries. Nothing is read, cloned or indexed until `ensureLoaded()`
 * (a view became visible or a command needs a catalog). Operations run one at a time.
 */
export class LibraryService extends Disposable {
  private list: WindowLibrary[] = [];
  private loaded: Promise<void> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;
  private syncingNow = false;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires whenever a library's status or catalog changes, or the list of libraries changes. */
  readonly onDidChange = this.changed.event;
  private readonly git: Git;
  private autoSyncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly config: Config,
    private readonly log: vscode.LogOutputChannel,
    private readonly coreLog: Log,
  ) {
    super();
    this.git = new LazyGit();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (Config.affectsLibraries(e) && this.loaded) void this.reload('the library settings changed');
        if (Config.affectsAutoSync(e)) this.scheduleAutoSync();
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.loaded && void this.reload('the workspace folders changed')));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.loaded && void this.reload('the workspace is now trusted')));
    this._register(toDisposable(() => this.autoSyncTimer && clearInterval(this.autoSyncTimer)));
  }

  get libraries(): readonly WindowLibrary[] {
    return this.list;
  }

  /** True once loading was asked for (before that nothing has been read). */
  get started(): boolean {
    return this.loaded !== undefined;
  }

  /** True while a load, sync or add runs or waits. */
  get busy(): boolean {
    return this.running > 0;
  }

  get isSyncing(): boolean {
    return this.syncingNow;
  }

  /** What the catalog view should offer: a loading message, the welcome buttons, or the tree. */
  get state(): CatalogState {
    if (!this.loaded || (this.running > 0 && this.list.length === 0)) return 'loading';
    return this.list.length === 0 ? 'empty' : 'ready';
  }

  /** True when the sample library is all this window shows (no library of the settings or the workspace). */
  get onlySample(): boolean {
    return this.list.length > 0 && this.list.every((l) => l.origin === 'sample');
  }

  /** The folder of the bundled sample library. */
  get sampleLibraryPath(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'samples', 'library').fsPath;
  }

  /** The clone cache (the extension's global storage). */
  get cacheDir(): string {
    return nodePath.join(this.context.globalStorageUri.fsPath, 'libraries');
  }

  /** Loads the libraries on first need; later calls wait for the same load. */
  ensureLoaded(): Promise<void> {
    if (!this.loaded) {
      this.loaded = this.enqueue({ run: () => this.loadAll('first use') });
      this.scheduleAutoSync();
    }
    return this.loaded;
  }

  /** Recomputes the list of libraries and loads them again (no network unless a clone is missing). */
  reload(why: string): Promise<void> {
    this.loaded = this.enqueue({ run: () => this.loadAll(why) });
    return this.loaded;
  }

  /** Reads one library again (its files changed on disk); no network unless its clone is missing. */
  async reloadLibrary(key: string): Promise<void> {
    await this.enqueue({
      run: async () => {
        const current = this.list.find((l) => l.key === key);
        if (current) await this.loadOne(current, 'if-missing', new vscode.CancellationTokenSource().token);
      },
    });
  }

  findLibrary(key: string): WindowLibrary | undefined {
    return this.list.find((l) => l.key === key);
  }

  /** The library holding an asset object of one of the catalogs. */
  libraryOf(asset: Asset): WindowLibrary | undefined {
    return this.list.find((l) => l.catalog?.assets.includes(asset));
  }

  /** Absolute path of a library-relative file. */
  filePath(lib: WindowLibrary, file: string): string | undefined {
    // A path that climbs out of the library (`../`) names nothing: no URI reads outside it.
    const inside = joinInside('', file);
    return lib.root && inside ? nodePath.join(lib.root, ...inside.split('/')) : undefined;
  }

  /**
   * Syncs every library: git libraries fetch and move to their ref (cloned if missing),
   * folder libraries are read again. Cancellation stops before the next git step.
   */
  sync(opts: { token?: vscode.CancellationToken; progress?: vscode.Progress<{ message?: string; increment?: number }>; only?: WindowLibrary[] } = {}): Promise<SyncOutcome> {
    return this.enqueue({
      run: async () => {
        if (!this.loaded) {
          // First use is a sync: plan the list and sync it directly (no separate load).
          this.list = await this.plan();
          this.loaded = Promise.resolve();
          this.scheduleAutoSync();
        }
        const token = opts.token ?? new vscode.CancellationTokenSource().token;
        const targets = (opts.only ?? this.list).filter((l) => l.source);
        const outcome: SyncOutcome = { synced: 0, failed: 0, cancelled: false };
        this.syncingNow = true;
        this.fire();
        try {
          for (const [i, lib] of targets.entries()) {
            if (token.isCancellationRequested) {
              outcome.cancelled = true;
              break;
            }
            opts.progress?.report({ message: `${libraryName(lib)} (${i + 1}/${targets.length})`, increment: targets.length ? 100 / targets.length : 100 });
            const { ok } = await this.loadOne(lib, 'always', token);
            if (token.isCancellationRequested && lib.source?.kind === 'git') outcome.cancelled = true;
            if (ok) outcome.synced++;
            else outcome.failed++;
          }
        } finally {
          this.syncingNow = false;
          this.fire();
        }
        return outcome;
      },
    });
  }

  /**
   * Adds a library to `genaiAssets.libraries`: validated first (nothing runs for a refused URL),
   * a git library is cloned before the setting is written, so a bad URL leaves settings unchanged.
   */
  addLibrary(spec: LibrarySpec, token?: vscode.CancellationToken): Promise<WindowLibrary> {
    const source = parseLibrarySpec(spec, spec.name ? `library "${spec.name}"` : undefined);
    const existing = this.config.libraries;
    if (spec.name && existing.some((l) => l.name === spec.name)) {
      throw new UserError(`A library named "${spec.name}" is already configured; choose another name or remove that one first.`);
    }
    return this.enqueue({
      run: async () => {
        const lib = this.entry('settings', source, spec.name, existing.length);
        if (source.kind === 'folder') {
          const st = await fsp.stat(source.path).catch(() => undefined);
          if (!st?.isDirectory()) throw new UserError(`${source.path} is not a folder; give the library's root folder.`);
        }
        // A sync, not only a clone when missing: a clone left in the cache by an earlier add may be behind, or of a history since rewritten.
        const loaded = await this.loadOne(lib, 'always', token ?? new vscode.CancellationTokenSource().token, false);
        if (!loaded.ok) throw new UserError(loaded.reason ?? (token?.isCancellationRequested ? 'Adding was cancelled.' : 'The library could not be loaded; see the "GenAI Assets" log.'));
        // The entry is named as the catalog names the library (library.yaml), so Remove and Edit Libraries list that name.
        const written: LibrarySpec = {};
        const name = spec.name ?? lib.catalog?.library.name;
        if (name && (spec.name || !existing.some((l) => l.name === name))) written.name = name;
        if (source.kind === 'git') written.url = spec.url!.trim();
        else written.path = source.path;
        if (spec.ref) written.ref = spec.ref.trim();
        await this.config.setLibraries([...existing, written]);
        this.log.info(`Added library ${libraryName(lib)} (${source.kind === 'git' ? source.display : source.path}).`);
        return lib;
      },
    });
  }

  /** Removes the entry at `index` of `genaiAssets.libraries` (its clone stays in the cache for a later re-add). */
  async removeLibrary(index: number): Promise<void> {
    const list = this.config.libraries;
    if (index < 0 || index >= list.length) throw new UserError('That library is no longer in genaiAssets.libraries.');
    const [removed] = list.splice(index, 1);
    await this.config.setLibraries(list);
    this.log.info(`Removed library ${removed.name ?? (removed.url !== undefined ? redactCredentials(removed.url) : removed.path)} from the settings.`);
  }

  private fire(): void {
    this.changed.fire();
  }

  private enqueue<T>(op: Operation<T>): Promise<T> {
    this.running++;
    const next = this.tail.then(
      () => op.run(),
      () => op.run(),
    );
    this.tail = next.catch(() => undefined);
    return next.finally(() => {
      this.running--;
      this.fire();
    });
  }

  private entry(origin: LibraryOrigin, source: LibrarySource | undefined, name: string | undefined, settingsIndex?: number, error?: string): WindowLibrary {
    const identity = source ? (source.kind === 'git' ? `${source.key}#${source.ref ?? ''}` : source.path) : `invalid:${settingsIndex}`;
    const lib: WindowLibrary = {
      key: `${origin}-${shortHash(`${name ?? ''}|${identity}`)}`,
      origin,
      source,
      configuredName: name ?? (source?.kind === 'folder' ? nodePath.basename(source.path) : source?.folderName.replace(/-[0-9a-f]{16}$/, '')),
      settingsIndex,
      status: error ? 'error' : 'pending',
      warnings: [],
      evalsByAsset: new Map(),
    };
    if (error) lib.error = error;
    return lib;
  }

  /**
   * Which libraries this window shows: the settings, then the workspace folders holding library.yaml
   * (a maintainer's own library stays in view after adding another; a folder the settings already
   * name is shown once, as configured), then the sample as configured.
   */
  private async plan(): Promise<WindowLibrary[]> {
    const out: WindowLibrary[] = [];
    this.config.libraries.forEach((spec, i) => {
      const where = spec.name ? `genaiAssets.libraries: "${spec.name}"` : `genaiAssets.libraries[${i}]`;
      try {
        out.push(this.entry('settings', parseLibrarySpec(spec, where), spec.name, i));
      } catch (e) {
        out.push(this.entry('settings', undefined, spec.name ?? `entry ${i + 1}`, i, (e as Error).message));
      }
    });
    const configuredFolders = new Set(out.map((l) => (l.source?.kind === 'folder' ? sameFolderKey(l.source.path) : undefined)).filter(Boolean));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file' || configuredFolders.has(sameFolderKey(folder.uri.fsPath))) continue;
      for (const name of ['library.yaml', 'library.yml']) {
        if (await fsp.stat(nodePath.join(folder.uri.fsPath, name)).catch(() => undefined)) {
          out.push(this.entry('workspace', { kind: 'folder', path: folder.uri.fsPath }, folder.name));
          break;
        }
      }
    }
    const sample = this.config.sampleLibrary;
    if (sample === 'always' || (sample === 'auto' && out.length === 0)) {
      out.push(this.entry('sample', { kind: 'folder', name: 'sample', path: this.sampleLibraryPath }, 'sample library'));
    }
    return out;
  }

  private async loadAll(why: string): Promise<void> {
    const started = performance.now();
    const previous = new Map(this.list.map((l) => [l.key, l]));
    const next = await this.plan();
    // Keep what is already shown for unchanged libraries until their new load is done.
    for (const lib of next) {
      const old = previous.get(lib.key);
      if (old?.catalog && !lib.error)
        Object.assign(lib, {
          opened: old.opened,
          catalog: old.catalog,
          root: old.root,
          commit: old.commit,
          syncedAt: old.syncedAt,
          offlineSince: old.offlineSince,
          history: old.history,
          evalsByAsset: old.evalsByAsset,
          status: 'ready',
        });
    }
    this.list = next;
    this.fire();
    const token = new vscode.CancellationTokenSource().token;
    for (const lib of next) {
      if (lib.source) await this.loadOne(lib, 'if-missing', token);
    }
    const assets = next.reduce((n, l) => n + (l.catalog?.assets.length ?? 0), 0);
    this.log.info(`Loaded ${next.length} librar${next.length === 1 ? 'y' : 'ies'} (${plural(assets, 'asset')}) in ${Math.round(performance.now() - started)} ms (${why}).`);
  }

  /**
   * Loads (or syncs) one library into `lib`; not ok when it failed (with the reason) or a sync was
   * cancelled. A sync that failed is not ok even when the last good catalog is still shown. With
   * `publish` false, the list is not touched.
   */
  private async loadOne(lib: WindowLibrary, mode: 'if-missing' | 'always', token: vscode.CancellationToken, publish = true): Promise<{ ok: boolean; reason?: string }> {
    const source = lib.source;
    if (!source) return { ok: false, reason: lib.error };
    lib.status = mode === 'always' && source.kind === 'git' ? 'syncing' : 'loading';
    if (publish) this.fire();
    const started = performance.now();
    try {
      // A configured name is the catalog's name when library.yaml gives none (src/app applies it).
      const opened = await openLibrary(source, { cacheDir: this.cacheDir, sync: mode, git: new CancellableGit(this.git, token), log: this.coreLog, engine: this.engineStamp() });
      lib.opened = opened;
      lib.catalog = opened.catalog;
      lib.root = opened.root;
      lib.warnings = opened.warnings;
      if (!opened.git) {
        lib.history = await this.folderHistory(lib, opened.root);
      } else {
        const { state, sync } = opened.git;
        const commit = opened.commit!;
        lib.commit = commit;
        lib.syncedAt = state.syncedAt;
        lib.history = { dir: opened.root, rev: commit, prefix: '' };
        const lastError = state.lastError;
        const stale = !!lastError && (!state.syncedAt || lastError.at > state.syncedAt);
        if (stale && unreachable.has(lastError.failure)) lib.offlineSince ??= lastError.at;
        else if (!stale) lib.offlineSince = undefined;
        // A sync that failed is logged below as an error; its stale-catalog warning would say it twice.
        if (!(stale && mode === 'always')) for (const w of opened.warnings) this.log.warn(w.replace('Run `genai-assets sync`', 'Run "GenAI Assets: Sync Libraries"'));
        lib.evalsByAsset = evalCoverage(opened.catalog);
        // A cancelled sync is the user's choice, not a failure: the previous commit stays, without an error.
        const cancelled = token.isCancellationRequested && mode === 'always';
        lib.error = stale && !cancelled ? `The last sync failed: ${lastError.message}` : undefined;
        lib.status = 'ready';
        const ms = Math.round(performance.now() - started);
        if (cancelled) {
          this.log.info(`Sync of ${libraryName(lib)} cancelled; it stays at ${commit.slice(0, 7)}.`);
          return { ok: false };
        }
        if (stale && mode === 'always') {
          // The catalog shown stays the last good one.
          this.log.error(
            `Sync of ${libraryName(lib)} failed after ${ms} ms: ${lastError.message.replace(/\.?$/, '.')} It stays at ${commit.slice(0, 7)} (${opened.catalog.assets.length} asset${opened.catalog.assets.length === 1 ? '' : 's'}), synced ${ageText(state.syncedAt, new Date())}.`,
          );
          return { ok: false, reason: lastError.message };
        }
        const previous = sync?.changed && sync.previous ? ` (was ${sync.previous.slice(0, 7)})` : '';
        this.log.info(`${mode === 'always' ? 'Synced' : 'Loaded'} ${libraryName(lib)}: ${plural(opened.catalog.assets.length, 'asset')} at ${commit.slice(0, 7)}${previous} in ${ms} ms.`);
        return { ok: true };
      }
      lib.evalsByAsset = evalCoverage(lib.catalog);
      lib.error = undefined;
      lib.status = 'ready';
      this.log.info(`Loaded ${libraryName(lib)}: ${plural(lib.catalog.assets.length, 'asset')} in ${Math.round(performance.now() - started)} ms.`);
      return { ok: true };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      lib.error = message;
      if (e instanceof GitError && unreachable.has(e.failure)) lib.offlineSince ??= new Date().toISOString();
      lib.status = lib.catalog ? 'ready' : 'error';
      this.log.error(`${libraryName(lib)}: ${message}`);
      if (!(e instanceof UserError)) this.log.error(e instanceof Error && e.stack ? e.stack : message);
      return { ok: false, reason: message };
    } finally {
      if (publish) this.fire();
    }
  }

  /** The repository holding a folder library; never for workspace content in an untrusted workspace. */
  private async folderHistory(lib: WindowLibrary, root: string): Promise<HistoryRoot | undefined> {
    if (!gitMayRunOn(lib.origin, vscode.workspace.isTrusted)) return undefined;
    const repo = await libraryRepository(this.git, root);
    return repo && { dir: repo.dir, rev: 'HEAD', prefix: repo.prefix };
  }

  /** The parsers' build (the extension's version and bundle), so an index cache or snapshot written by another build is rebuilt. */
  engineStamp(): string {
    return engineStamp('vscode', String((this.context.extension.packageJSON as { version?: string }).version ?? '0'));
  }

  private scheduleAutoSync(): void {
    if (this.autoSyncTimer) clearInterval(this.autoSyncTimer);
    this.autoSyncTimer = undefined;
    const minutes = this.config.autoSyncMinutes;
    if (!minutes || !this.loaded) return;
    this.autoSyncTimer = setInterval(() => {
      if (this.syncingNow || !this.list.some((l) => l.source?.kind === 'git')) return;
      this.log.info(`Auto-sync (every ${minutes} min).`);
      void this.sync({ only: this.list.filter((l) => l.source?.kind === 'git') });
    }, minutes * 60_000);
  }
}
