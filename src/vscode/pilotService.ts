// Pilots and installs in VS Code: the library of each pilot or repository with installs, their checks (verify, outdated) for the In This Workspace view, Problems-panel diagnostics, and scaffold/update/add/install plans.

import * as nodePath from 'node:path';
import * as semver from 'semver';
import * as vscode from 'vscode';
import type { Diagnostic, Fix } from '../core/diagnostics';
import { UserError } from '../core/errors';
import { plural } from '../core/text/plural';
import { parseReference } from '../core/library/references';
import { redactCredentials } from '../core/library/source';
import type { LibrarySource } from '../core/library/source';
import type { Asset, AssetKind, Catalog } from '../core/library/types';
import { planAdd } from '../core/pilot/add';
import type { AddPlan } from '../core/pilot/add';
import { outdatedComponents } from '../core/pilot/outdated';
import type { OutdatedRow } from '../core/pilot/outdated';
import type { LoadedPilot } from '../core/scaffold/pilotFile';
import { findBaseFiles, planUpdate } from '../core/pilot/update';
import type { UpdatePlan } from '../core/pilot/update';
import { pilotFileChecks, verifyPilot } from '../core/pilot/verify';
import type { Git } from '../core/ports';
import { applyScaffold } from '../core/scaffold/apply';
import type { PilotChanges } from '../core/scaffold/apply';
import { assetRelative, planScaffold } from '../core/scaffold/plan';
import { componentFolder, relativeToFolder } from '../core/scaffold/lockFile';
import type { ScaffoldPlan, SelectedComponent } from '../core/scaffold/plan';
import { nodeFileSystem, nodePathOps, pilotFileReader, realPathOrSelf } from '../node/fileSystem';
import { GitFileMerger } from '../node/mergeFile';
import { writePilotChanges } from '../node/pilotWrite';
import type { PilotWriteOptions } from '../node/pilotWrite';
import { libraryRepository, openFolder, openedFolder } from '../app/openLibrary';
import { openPilot, pilotLibraryOf, recordedLibrary, recordedLocation } from '../app/pilotLibrary';
import type { PilotLibrary } from '../app/pilotLibrary';
import type { CatalogStore } from './catalogStore';
import type { DiagnosticsPublisher } from './diagnostics';
import { toVscodeDiagnostic } from './diagnostics';
import { Disposable } from './lifecycle';
import type { LibraryService, WindowLibrary } from './libraryService';
import { libraryName } from './libraryService';
import { sha256Hex } from '../core/hash';
import { outdatedInstalls, planInstallUpdate, readInstalled, verifyInstalls } from '../core/install/installs';
import type { InstallPlan, InstallUpdatePlan } from '../core/install/installs';
import type { InstallTarget } from '../core/install/targets';
import { assetDigest } from '../core/library/digest';
import { installLockFileName } from '../core/scaffold/lockFile';
import { installsLibrary, planInstallInto, readInstalls } from '../app/installs';
import type { LoadedInstalls } from '../app/installs';

/** Where a component stands: the library status of its locked version, or what keeps it from having one. */
export type ComponentStanding = OutdatedRow['status'] | 'not installed' | 'unknown';

/** One component of a pilot as the In This Workspace view shows it. */
export interface ComponentStatus {
  id: string;
  kind?: AssetKind;
  /** The locked version (undefined: listed in pilot.yaml, not installed). */
  version?: string;
  /** The reference in pilot.yaml. */
  reference?: string;
  standing: ComponentStanding;
  wanted: string | null;
  latest: string | null;
  /** Pilot files of the component that differ from the lock or are missing. */
  modifiedFiles: string[];
  /** A newer allowed version exists (within the range or not), or the library moved past the locked one. */
  outdated: boolean;
  deprecated: boolean;
  /** The locked version's status is no longer allowed for pilots (deprecated aside), or it was withdrawn. */
  notAllowed: boolean;
  replacedBy?: string;
  /** The component's files, pilot-relative. */
  files: string[];
  /** The library's asset at the locked version, else its newest version. */
  asset?: Asset;
  /** Installs: the tool the asset was installed for. */
  target?: InstallTarget;
}

/** What the last check of a repository's installed assets (its genai-assets.lock.json) found. */
export interface InstallsStatus {
  dir: string;
  installs?: LoadedInstalls;
  library?: PilotStatus['library'];
  /** One per installed component (an asset for one tool), in lock order. */
  components: ComponentStatus[];
  /** What verifyInstalls found. */
  diagnostics: Diagnostic[];
  problem?: string;
}

/** What the last check of a pilot found. */
export interface PilotStatus {
  dir: string;
  pilot?: LoadedPilot;
  library?: { name: string; loaded?: WindowLibrary; catalog: Catalog; root: string };
  components: ComponentStatus[];
  /** The diagnostics of verifyPilot (and, after Verify Pilot, of the pilot's own files). */
  diagnostics: Diagnostic[];
  /** Why the pilot could not be checked (no lock, library not available...). */
  problem?: string;
}

/** A verify diagnostic as published, with its core fixes (for the code actions). */
interface Published {
  diagnostic: vscode.Diagnostic;
  fixes: Fix[];
  core: Diagnostic;
}

function sameRange(a: vscode.Range, b: vscode.Range): boolean {
  return a.isEqual(b);
}

/** The id of each component reference in pilot.yaml, for pilots without a usable lock. */
function listedComponents(refs: readonly string[]): ComponentStatus[] {
  return refs.map((raw) => {
    const ref = parseReference(raw);
    return { id: ref?.id ?? raw, reference: raw, standing: 'not installed', wanted: null, latest: null, modifiedFiles: [], outdated: false, deprecated: false, notAllowed: false, files: [] };
  });
}

/**
 * Opens the libraries of pilots, checks pilots and publishes what Verify Pilot finds in the
 * "genai-assets-pilots" collection. The checks' results are kept for the In This Workspace view, which
 * maps them without I/O.
 */
export class PilotService extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection('genai-assets-pilots'));
  private readonly statuses = new Map<string, PilotStatus>();
  private readonly running = new Map<string, Promise<PilotStatus>>();
  /** Component references of pilot.yaml as the view read them (shown when the lock cannot be read). */
  private readonly listed = new Map<string, readonly string[]>();
  /** Pilots whose diagnostics are in the Problems panel (Verify Pilot ran), with the URIs published. */
  private readonly published = new Map<string, Map<string, Published[]>>();
  private readonly changed = this._register(new vscode.EventEmitter<PilotStatus>());
  /** Fires after a pilot was checked. */
  readonly onDidCheck = this.changed.event;
  private readonly recheckTimers = new Map<string, NodeJS.Timeout>();
  private readonly installStatuses = new Map<string, InstallsStatus>();
  private readonly runningInstalls = new Map<string, Promise<InstallsStatus>>();
  private readonly installsChanged = this._register(new vscode.EventEmitter<InstallsStatus>());
  /** Fires after a repository's installs were checked. */
  readonly onDidCheckInstalls = this.installsChanged.event;

  constructor(
    private readonly libraries: LibraryService,
    private readonly catalogs: CatalogStore,
    private readonly git: Git,
    private readonly diagnostics: DiagnosticsPublisher,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // A saved file of a checked pilot may be edited (or restored): check that pilot again.
    this._register(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.uri.scheme !== 'file') return;
        this.recheckAround(doc.uri.fsPath);
      }),
    );
    this._register({ dispose: () => this.recheckTimers.forEach((t) => clearTimeout(t)) });
  }

  /** Checks again, after a short pause, the pilots and the repositories with installs that hold `file` (saved, or changed on disk). */
  recheckAround(file: string): void {
    const timers = this.recheckTimers;
    const due = [...[...this.statuses.keys()].map((dir) => ({ dir, installs: false })), ...[...this.installStatuses.keys()].map((dir) => ({ dir, installs: true }))];
    for (const { dir, installs } of due) {
      if (!file.startsWith(dir + nodePath.sep)) continue;
      const key = `${installs ? 'installs' : 'pilot'}:${dir}`;
      clearTimeout(timers.get(key));
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          void (installs ? this.checkInstalls(dir, { fresh: true }) : this.check(dir, { fresh: true }));
        }, 300),
      );
    }
  }

  /** The last check of the pilot in `dir`. */
  statusOf(dir: string): PilotStatus | undefined {
    return this.statuses.get(dir);
  }

  /**
   * The library's copies of one file of a pilot's component, for Compare with Library: as locked
   * (the version the pilot started from: read from the library when it still holds it unchanged,
   * else from its history) and at the newest version the pilot may move to (undefined when it is
   * the locked one or the library cannot give the file).
   */
  async libraryCopies(dir: string, id: string, file: string): Promise<{ locked?: { version: string; bytes: Uint8Array }; newest?: { version: string; bytes: Uint8Array }; why?: string }> {
    const pilot = await openPilot(dir, this.writeOptions());
    const c = pilot.lock.components.find((x) => x.id === id);
    if (!c) throw new UserError(`\`${id}\` is not locked in ${nodePath.join(dir, 'pilot.lock.json')}.`);
    const rel = relativeToFolder(componentFolder(c), file);
    const expected = c.files.find((f) => f.path === file)?.sha256;
    const lib = await this.libraryFor(pilot);
    try {
      const { catalog } = lib.opened;
      const read = async (asset: Asset | undefined): Promise<Uint8Array | undefined> => {
        const p = asset?.files.find((f) => assetRelative(asset, f) === rel);
        return p ? lib.source.read(p).catch(() => undefined) : undefined;
      };
      const versions = catalog.assets.filter((a) => a.id === c.id && a.kind === c.kind && semver.valid(a.version));
      let lockedBytes = await read(versions.find((a) => a.version === c.version));
      if (!lockedBytes || (expected && sha256Hex(lockedBytes) !== expected)) {
        lockedBytes = lib.history ? (await findBaseFiles(lib.history, pilot.lock, c, catalog)).files?.get(rel) : undefined;
      }
      const row = outdatedComponents(pilot, catalog).find((r) => r.id === id);
      const target = [row?.latest, row?.wanted].find((v): v is string => !!v && semver.valid(v) !== null && semver.gt(v, c.version));
      const newestBytes = target ? await read(versions.find((a) => a.version === target)) : undefined;
      return {
        locked: lockedBytes ? { version: c.version, bytes: lockedBytes } : undefined,
        newest: target && newestBytes ? { version: target, bytes: newestBytes } : undefined,
        why: lockedBytes ? undefined : `the library no longer holds \`${id}\` ${c.version} as locked, and its history does not either`,
      };
    } finally {
      lib.close();
    }
  }

  /** Opens a library of the Catalog view for pilot work (files, commit and history). */
  async openLoaded(lib: WindowLibrary): Promise<PilotLibrary> {
    if (!lib.opened || !lib.catalog || !lib.root) throw new UserError(`The library ${libraryName(lib)} is not loaded${lib.error ? ` (${lib.error})` : ''}; sync it and try again.`);
    // A folder library's repository is the one its history comes from (none where git may not run); a git library's reads get a reader of their own.
    const repository = lib.history && lib.source?.kind === 'folder' ? { dir: lib.history.dir, prefix: lib.history.prefix } : undefined;
    return pilotLibraryOf(lib.opened, this.git, { repository, ownReader: true });
  }

  /** Opens a folder named by a pilot that is not a library of the Catalog view. */
  private async openFolder(root: string): Promise<PilotLibrary> {
    const opened = openedFolder(await this.catalogs.baseAt(root));
    // git never runs on workspace content in Restricted Mode, nor on a folder that workspace content (a pilot.yaml) names.
    const repository = vscode.workspace.isTrusted ? await libraryRepository(this.git, root) : undefined;
    return pilotLibraryOf(opened, this.git, { repository });
  }

  /**
   * The library a pilot records: a library of the Catalog view at the same folder or git URL,
   * else one of the same name, else (for a folder) the folder itself.
   */
  async libraryFor(pilot: Pick<LoadedPilot, 'dir' | 'manifest'> & { lock?: LoadedPilot['lock'] }): Promise<PilotLibrary> {
    const { name } = pilot.manifest.library;
    const url = pilot.manifest.library.url ?? pilot.lock?.library.url;
    return this.recordedLibraryOf(name, url, `${nodePath.join(pilot.dir, 'pilot.yaml')} names`, () => recordedLibrary(pilot));
  }

  /** The library a repository's genai-assets.lock.json records (found as a pilot's is). */
  libraryForInstalls(installs: Pick<LoadedInstalls, 'dir' | 'lock'>): Promise<PilotLibrary> {
    return this.recordedLibraryOf(installs.lock.library.name, installs.lock.library.url, `${nodePath.join(installs.dir, installLockFileName)} records`, () => installsLibrary(installs));
  }

  private async recordedLibraryOf(name: string, url: string | undefined, namedBy: string, record: () => LibrarySource | undefined): Promise<PilotLibrary> {
    await this.libraries.ensureLoaded();
    const ready = this.libraries.libraries.filter((l) => l.catalog && l.root);
    let recorded: LibrarySource | undefined;
    try {
      recorded = record();
    } catch {
      // A URL the engine refuses names no library of this window: the name may still find one.
      recorded = undefined;
    }
    if (recorded?.kind === 'folder') {
      const real = await realPathOrSelf(recorded.path);
      for (const l of ready) {
        if (l.source?.kind === 'folder' && (await realPathOrSelf(l.catalog!.root)) === real) return this.openLoaded(l);
      }
      return this.openFolder(real);
    }
    if (recorded?.kind === 'git') {
      const key = recorded.key;
      const same = ready.find((l) => l.source?.kind === 'git' && l.source.key === key);
      if (same) return this.openLoaded(same);
    }
    const named = ready.find((l) => l.catalog!.library.name === name);
    if (named) return this.openLoaded(named);
    throw new UserError(
      `The library \`${name || '(unnamed)'}\`${url ? ` (${redactCredentials(url)})` : ''} that ${namedBy} is not one of this window's libraries. Add it with "GenAI Assets: Add Library..." and try again.`,
    );
  }

  /** The library of the Catalog view a pilot library is (undefined: opened only for the pilot, from the folder pilot.yaml names). */
  private loadedOf(lib: PilotLibrary): WindowLibrary | undefined {
    return this.libraries.libraries.find((l) => l.opened === lib.opened);
  }

  /**
   * Checks a pilot: its lock against its files and its library (verifyPilot, outdatedComponents).
   * With `ownFiles`, also the normal checks of the pilot's own files (as Verify Pilot does).
   * Never throws: what keeps a pilot from being checked is its `problem`.
   */
  check(dir: string, opts: { ownFiles?: boolean; listed?: readonly string[]; fresh?: boolean } = {}): Promise<PilotStatus> {
    const key = `${dir}\n${opts.ownFiles ? 'own' : ''}`;
    const current = this.running.get(key);
    if (current && !opts.fresh) return current;
    // A fresh check (after writing into the pilot) starts when the one running is done.
    const p: Promise<PilotStatus> = (current ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.runCheck(dir, { ownFiles: opts.ownFiles || this.published.has(dir), listed: opts.listed ?? this.listed.get(dir) }))
      .finally(() => {
        if (this.running.get(key) === p) this.running.delete(key);
      });
    this.running.set(key, p);
    return p;
  }

  private async runCheck(dir: string, opts: { ownFiles?: boolean; listed?: readonly string[] }): Promise<PilotStatus> {
    if (opts.listed) this.listed.set(dir, opts.listed);
    const started = performance.now();
    const status: PilotStatus = { dir, components: [], diagnostics: [] };
    let lib: PilotLibrary | undefined;
    try {
      const pilot = await openPilot(dir, this.writeOptions());
      status.pilot = pilot;
      status.components = pilot.lock.components.map((c) => ({
        id: c.id,
        kind: c.kind,
        version: c.version,
        standing: 'unknown',
        wanted: null,
        latest: null,
        modifiedFiles: [],
        outdated: false,
        deprecated: false,
        notAllowed: false,
        files: c.files.map((f) => f.path),
      }));
      const refs = new Map(pilot.manifest.components.map((raw) => [parseReference(raw)?.id, raw]));
      for (const c of status.components) c.reference = refs.get(c.id);
      for (const [id, raw] of refs) if (id && !status.components.some((c) => c.id === id)) status.components.push(...listedComponents([raw]));

      // Which files differ from the lock, from the reads verifyPilot makes.
      const read = pilotFileReader(dir);
      const seen = new Map<string, string | undefined>();
      const readPilotFile = async (p: string): Promise<Uint8Array | undefined> => {
        const bytes = await read(p);
        seen.set(p, bytes ? sha256Hex(bytes) : undefined);
        return bytes;
      };
      lib = await this.libraryFor(pilot);
      const { catalog, root } = lib.opened;
      status.library = { name: catalog.library.name, loaded: this.loadedOf(lib), catalog, root };
      const source = lib.source;
      const diags = await verifyPilot({ pilot, catalog, readPilotFile, readLibraryFile: (p) => source.read(p), history: lib.history, client: 'editor' });
      const rows = new Map(outdatedComponents(pilot, catalog).map((r) => [r.id, r]));
      const allowed = catalog.library.policy.scaffoldStatuses;
      for (const c of status.components) {
        const locked = pilot.lock.components.find((x) => x.id === c.id);
        const row = rows.get(c.id);
        if (!locked || !row) continue;
        c.standing = row.status;
        c.wanted = row.wanted;
        c.latest = row.latest;
        c.modifiedFiles = locked.files.filter((f) => seen.has(f.path) && seen.get(f.path) !== f.sha256).map((f) => f.path);
        const newer = (v: string | null) => v !== null && (!semver.valid(c.version ?? '') || semver.gt(v, c.version!));
        c.outdated = newer(row.latest) || newer(row.wanted) || row.status === 'superseded';
        c.deprecated = row.status === 'deprecated';
        c.notAllowed = row.status === 'withdrawn' || (row.status !== 'superseded' && row.status !== 'deprecated' && !allowed.includes(row.status));
        const versions = catalog.assets.filter((a) => a.id === c.id && a.kind === c.kind);
        c.asset = versions.find((a) => a.version === c.version) ?? versions.filter((a) => semver.valid(a.version)).sort((a, b) => semver.rcompare(a.version, b.version))[0];
        if (c.deprecated && c.asset?.replacedBy) c.replacedBy = c.asset.replacedBy;
      }
      status.diagnostics = diags;
      if (opts.ownFiles) status.diagnostics = [...pilotFileChecks((await openFolder(dir)).catalog), ...diags];
    } catch (e) {
      status.problem = e instanceof Error ? e.message : String(e);
      if (!status.pilot && opts.listed) status.components = listedComponents(opts.listed);
      if (!(e instanceof UserError)) this.log.error(`Checking the pilot in ${dir}: ${e instanceof Error && e.stack ? e.stack : status.problem}`);
    } finally {
      lib?.close();
    }
    this.statuses.set(dir, status);
    if (this.published.has(dir)) await this.publish(status);
    this.log.info(
      `Checked pilot ${status.pilot?.manifest.name ?? dir}: ${plural(status.components.length, 'component')}, ${plural(status.diagnostics.length, 'finding')}${status.problem ? ` (${status.problem})` : ''} in ${Math.round(performance.now() - started)} ms.`,
    );
    this.changed.fire(status);
    return status;
  }

  /** The last check of the installs of the repository in `dir`. */
  installsStatusOf(dir: string): InstallsStatus | undefined {
    return this.installStatuses.get(dir);
  }

  /** Forgets a repository whose genai-assets.lock.json is gone. */
  forgetInstalls(dir: string): void {
    this.installStatuses.delete(dir);
  }

  /**
   * Checks the installs of the repository in `dir`: which installed files differ from
   * genai-assets.lock.json, and where each asset stands in its library (verifyInstalls,
   * outdatedInstalls, as `genai-assets verify` and `outdated`). Never throws.
   */
  checkInstalls(dir: string, opts: { fresh?: boolean } = {}): Promise<InstallsStatus> {
    const current = this.runningInstalls.get(dir);
    if (current && !opts.fresh) return current;
    // A fresh check (after writing into the repository) starts when the one running is done.
    const p: Promise<InstallsStatus> = (current ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.runInstallsCheck(dir))
      .finally(() => {
        if (this.runningInstalls.get(dir) === p) this.runningInstalls.delete(dir);
      });
    this.runningInstalls.set(dir, p);
    return p;
  }

  private async runInstallsCheck(dir: string): Promise<InstallsStatus> {
    const started = performance.now();
    const status: InstallsStatus = { dir, components: [], diagnostics: [] };
    let lib: PilotLibrary | undefined;
    try {
      const installs = await readInstalls(dir, this.writeOptions());
      if (!installs) throw new UserError(`${nodePath.join(dir, installLockFileName)} is not there any more.`);
      status.installs = installs;
      const { lock } = installs;
      const read = pilotFileReader(dir);
      for (const c of lock.components) {
        const modifiedFiles: string[] = [];
        for (const f of c.files) {
          if (f.deleted) continue;
          const now = await readInstalled(read, f);
          if (now === undefined || sha256Hex(now) !== f.sha256) modifiedFiles.push(f.section !== undefined ? `${f.path} (section ${f.section})` : f.path);
        }
        status.components.push({
          id: c.id,
          kind: c.kind,
          version: c.version,
          reference: c.reference,
          target: c.target,
          standing: 'unknown',
          wanted: null,
          latest: null,
          modifiedFiles,
          outdated: false,
          deprecated: false,
          notAllowed: false,
          files: [...new Set(c.files.filter((f) => !f.deleted).map((f) => f.path))],
        });
      }
      lib = await this.libraryForInstalls(installs);
      const { catalog, root } = lib.opened;
      status.library = { name: catalog.library.name, loaded: this.loadedOf(lib), catalog, root };
      status.diagnostics = await verifyInstalls({ lock, lockText: installs.text, catalog, source: lib.source, readRepoFile: read });
      const allowed = catalog.library.policy.scaffoldStatuses;
      outdatedInstalls(lock, catalog).forEach((row, i) => {
        const c = status.components[i];
        const locked = lock.components[i];
        c.standing = row.status;
        c.wanted = row.wanted;
        c.latest = row.latest;
        const versions = catalog.assets.filter((a) => a.id === c.id && a.kind === c.kind);
        const current = versions.find((a) => a.version === c.version);
        const newer = (v: string | null) => v !== null && (!semver.valid(c.version ?? '') || semver.gt(v, c.version!));
        // The wanted version is the installed one with other content (changed in the library since): Update takes it, as planInstallUpdate moves it.
        const wanted = versions.find((a) => a.version === row.wanted);
        const changedUpstream = !!wanted && wanted.version === c.version && assetDigest(wanted, catalog.files) !== locked.digest;
        c.outdated = newer(row.latest) || newer(row.wanted) || row.status === 'superseded' || changedUpstream;
        c.deprecated = row.status === 'deprecated';
        c.notAllowed = row.status === 'withdrawn' || (row.status !== 'superseded' && row.status !== 'deprecated' && !allowed.includes(row.status));
        c.asset = current ?? versions.filter((a) => semver.valid(a.version)).sort((a, b) => semver.rcompare(a.version, b.version))[0];
        if (c.deprecated && c.asset?.replacedBy) c.replacedBy = c.asset.replacedBy;
      });
    } catch (e) {
      status.problem = e instanceof Error ? e.message : String(e);
      if (!(e instanceof UserError)) this.log.error(`Checking the installs in ${dir}: ${e instanceof Error && e.stack ? e.stack : status.problem}`);
    } finally {
      lib?.close();
    }
    this.installStatuses.set(dir, status);
    this.log.info(
      `Checked the installs in ${dir}: ${plural(status.components.length, 'installed asset')}, ${plural(status.diagnostics.length, 'finding')}${status.problem ? ` (${status.problem})` : ''} in ${Math.round(performance.now() - started)} ms.`,
    );
    this.installsChanged.fire(status);
    return status;
  }

  /** Plans installing `refs` for `targets` into the repository `dir` from a library of the Catalog view (nothing is written; refusals throw ScaffoldError). */
  async planInstall(dir: string, library: WindowLibrary, refs: readonly string[], targets: readonly InstallTarget[]): Promise<InstallPlan> {
    const lib = await this.openLoaded(library);
    try {
      return await planInstallInto(dir, lib, refs, targets, this.writeOptions());
    } finally {
      lib.close();
    }
  }

  /** Plans moving installed assets of `dir` to their wanted versions (all of them when `refs` is empty), merged three ways. */
  async planInstallUpdate(dir: string, refs: readonly string[]): Promise<{ installs: LoadedInstalls; plan: InstallUpdatePlan; library: string }> {
    const installs = await readInstalls(dir, this.writeOptions());
    if (!installs) throw new UserError(`${nodePath.join(dir, installLockFileName)} is not there: nothing is installed in ${dir}.`);
    const lib = await this.libraryForInstalls(installs);
    try {
      const plan = await planInstallUpdate({
        lock: installs.lock,
        catalog: lib.opened.catalog,
        source: lib.source,
        commit: lib.commit,
        history: lib.history,
        readRepoFile: pilotFileReader(dir),
        merger: new GitFileMerger({ diff3: true }),
        refs,
      });
      return { installs, plan, library: lib.opened.catalog.library.name };
    } finally {
      lib.close();
    }
  }

  /** Writes planned changes into a repository with installs (or about to have them): under its lock, as one switch; refused when a file the plan read changed since. */
  async applyInstallChanges(dir: string, changes: PilotChanges): Promise<void> {
    await writePilotChanges(dir, changes, { ...this.writeOptions(), anyFolder: true });
  }

  /** Verify Pilot: checks the pilot and its own files, and publishes everything found in the Problems panel. */
  async verify(dir: string): Promise<PilotStatus> {
    if (!this.published.has(dir)) this.published.set(dir, new Map());
    const status = await this.check(dir, { ownFiles: true });
    return status;
  }

  /** Replaces the pilot's diagnostics in the collection (range 1:1, codes linked to the README's table). */
  private async publish(status: PilotStatus): Promise<void> {
    const codeHelp = await this.diagnostics.codeHelp();
    const before = this.published.get(status.dir) ?? new Map<string, Published[]>();
    for (const uri of before.keys()) this.collection.delete(vscode.Uri.parse(uri));
    const next = new Map<string, Published[]>();
    // The diagnostics settings (disabled codes, severity overrides) apply here as in Validate Workspace.
    for (const d of this.diagnostics.adjusted(status.diagnostics, vscode.Uri.file(status.dir))) {
      const uri = vscode.Uri.file(nodePath.join(status.dir, ...d.file.split('/')));
      const list = next.get(uri.toString()) ?? [];
      list.push({ diagnostic: toVscodeDiagnostic(d, status.dir, codeHelp), fixes: d.fixes ?? [], core: d });
      next.set(uri.toString(), list);
    }
    for (const [uri, list] of next)
      this.collection.set(
        vscode.Uri.parse(uri),
        list.map((p) => p.diagnostic),
      );
    this.published.set(status.dir, next);
  }

  /** The published diagnostic matching `d` (same code, range and message) in `uri`, with its core fixes. */
  publishedAt(uri: vscode.Uri, d: vscode.Diagnostic): { core: Diagnostic; fixes: Fix[]; dir: string } | undefined {
    const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
    for (const [dir, byUri] of this.published) {
      const hit = byUri.get(uri.toString())?.find((p) => p.core.code === code && p.diagnostic.message === d.message && sameRange(p.diagnostic.range, d.range));
      if (hit) return { core: hit.core, fixes: hit.fixes, dir };
    }
    return undefined;
  }

  /** Plans moving components of a pilot to their wanted versions (all outdated ones when `refs` is empty). */
  async planUpdate(dir: string, refs: readonly string[]): Promise<{ pilot: LoadedPilot; plan: UpdatePlan; library: string }> {
    const pilot = await openPilot(dir, this.writeOptions());
    const lib = await this.libraryFor(pilot);
    try {
      const plan = await planUpdate({
        pilot,
        catalog: lib.opened.catalog,
        source: lib.source,
        commit: lib.commit,
        history: lib.history,
        readPilotFile: pilotFileReader(dir),
        pilotPathExists: async (p) => !!(await nodeFileSystem.stat(nodePath.join(dir, ...p.split('/')))),
        merger: new GitFileMerger(),
        refs,
      });
      return { pilot, plan, library: lib.opened.catalog.library.name };
    } finally {
      lib.close();
    }
  }

  /** Plans adding components (with their dependencies) to a pilot. */
  async planAdd(dir: string, refs: readonly string[], includeEvals = true): Promise<{ pilot: LoadedPilot; plan: AddPlan }> {
    const pilot = await openPilot(dir, this.writeOptions());
    const lib = await this.libraryFor(pilot);
    try {
      const plan = await planAdd({
        pilot,
        catalog: lib.opened.catalog,
        source: lib.source,
        commit: lib.commit,
        refs,
        includeEvals,
        readPilotFile: pilotFileReader(dir),
        pilotPathExists: async (p) => !!(await nodeFileSystem.stat(nodePath.join(dir, ...p.split('/')))),
      });
      return { pilot, plan };
    } finally {
      lib.close();
    }
  }

  /**
   * Writes planned changes into a pilot as the CLI does: under the pilot's lock, staged and
   * switched in with a journal; refused when a file the plan read changed since (plan again).
   */
  async applyChanges(dir: string, changes: PilotChanges): Promise<void> {
    await writePilotChanges(dir, changes, this.writeOptions());
  }

  /** Waits on another command and completions of interrupted updates go to the log. */
  private writeOptions(): PilotWriteOptions {
    return { onWait: (m) => this.log.info(m), onRecovered: (m) => this.log.info(m) };
  }

  /** Plans a new pilot (what would be written, nothing is): the template rendered and the components read from the library. */
  async planPilot(
    lib: WindowLibrary,
    req: { name: string; template: Asset; templateReference: string; components: readonly SelectedComponent[]; parameters: Record<string, unknown>; target: string },
  ): Promise<ScaffoldPlan> {
    const pilotLib = await this.openLoaded(lib);
    try {
      const { catalog } = pilotLib.opened;
      const recorded = await recordedLocation(pilotLib.opened, req.target);
      return await planScaffold({
        catalog,
        source: pilotLib.source,
        library: { name: catalog.library.name, url: recorded.url, ref: recorded.ref, commit: pilotLib.commit },
        name: req.name,
        template: req.template,
        templateReference: req.templateReference,
        components: req.components,
        parameters: req.parameters,
      });
    } finally {
      pilotLib.close();
    }
  }

  /** Writes a planned pilot into `target` (created whole or not at all). */
  async writePilot(target: string, plan: ScaffoldPlan, onProgress?: (message: string, increment?: number) => void): Promise<void> {
    let last = 0;
    await applyScaffold(nodeFileSystem, nodePathOps, target, plan.files, {
      onProgress: (done, total) => {
        const pct = Math.floor((done / total) * 100);
        if (pct - last >= 10 || done === total) {
          onProgress?.(`Writing files (${done}/${total})...`, pct - last);
          last = pct;
        }
      },
    });
  }
}
