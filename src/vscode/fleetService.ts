// Where-used in VS Code: the locks of the repositories of `genaiAssets.fleet`, read in the background (cancellable, cached on disk by readFleet), and each library's report.

import * as vscode from 'vscode';
import { whereUsed } from '../core/install/whereUsed';
import type { AssetUsage, RepositoryLocks, WhereUsedReport } from '../core/install/whereUsed';
import type { Catalog } from '../core/library/types';
import { plural } from '../core/text/plural';
import { readFleet } from '../app/whereUsed';
import { Config } from './config';
import { Disposable } from './lifecycle';
import type { LibraryService } from './libraryService';

/** The fleet as last read: the URLs, each repository's locks, when. */
export interface FleetRead {
  urls: readonly string[];
  repositories: RepositoryLocks[];
  at: Date;
}

/**
 * Reads the fleet once the libraries are loaded (never on activation's path), again when the
 * setting changes or on Refresh; a read under way is cancelled by the next. Reports are computed
 * per catalog on demand and kept while the catalog lives.
 */
export class FleetService extends Disposable {
  private last: FleetRead | undefined;
  private reading: { urls: string; controller: AbortController; promise: Promise<FleetRead | undefined> } | undefined;
  private reports = new WeakMap<Catalog, { report: WhereUsedReport; byId: Map<string, AssetUsage> }>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when a read of the fleet ends (with new results) or the setting empties it. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly config: Config,
    private readonly libraries: LibraryService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!Config.affectsFleet(e)) return;
        this.cancel();
        this.last = undefined;
        this.reports = new WeakMap();
        this.changed.fire();
        // A failed read is logged (read() says why); the next change or Show Where Used tries again.
        if (this.config.fleet.length) this.read().catch(() => undefined);
      }),
    );
    // The first read waits for the libraries: the catalog's tooltips are its first readers.
    this._register(
      libraries.onDidChange(() => {
        if (!this.last && !this.reading && this.config.fleet.length && !libraries.busy && libraries.libraries.some((l) => l.catalog)) this.read().catch(() => undefined);
      }),
    );
    this._register({ dispose: () => this.cancel() });
  }

  /** The fleet as last read (undefined: not read yet, or no fleet). */
  get current(): FleetRead | undefined {
    return this.last;
  }

  /** True while the fleet is being read. */
  get busy(): boolean {
    return !!this.reading;
  }

  /** Stops a read under way (its repositories not started yet are left out). */
  cancel(): void {
    this.reading?.controller.abort();
    this.reading = undefined;
  }

  /** Reads the fleet (the read under way when it is of the same URLs); undefined when there is no fleet or the read was cancelled. */
  read(opts: { fresh?: boolean; token?: vscode.CancellationToken; progress?: (done: number, total: number) => void } = {}): Promise<FleetRead | undefined> {
    const urls = this.config.fleet;
    if (!urls.length) return Promise.resolve(undefined);
    const key = urls.join('\n');
    if (this.reading && this.reading.urls === key && !opts.fresh) return this.reading.promise;
    this.cancel();
    const controller = new AbortController();
    opts.token?.onCancellationRequested(() => controller.abort());
    const started = performance.now();
    const promise = (async (): Promise<FleetRead | undefined> => {
      try {
        const repositories = await readFleet(urls, {
          cacheDir: this.libraries.cacheDir,
          signal: controller.signal,
          onRepository: (_r, done, total) => opts.progress?.(done, total),
        });
        if (controller.signal.aborted) return undefined;
        const failed = repositories.filter((r) => r.error);
        this.log.info(
          `Read the fleet: ${plural(repositories.length - failed.length, 'repository', 'repositories')} of ${urls.length} (${repositories.filter((r) => r.cached).length} unchanged since the last read) in ${Math.round(performance.now() - started)} ms.`,
        );
        for (const r of failed) this.log.warn(`Where-used could not read ${r.display}: ${r.error}`);
        this.last = { urls, repositories, at: new Date() };
        this.reports = new WeakMap();
        this.changed.fire();
        return this.last;
      } catch (e) {
        this.log.error(`Reading the fleet failed: ${e instanceof Error && e.stack ? e.stack : String(e)}`);
        throw e;
      } finally {
        if (this.reading?.controller === controller) this.reading = undefined;
      }
    })();
    this.reading = { urls: key, controller, promise };
    return promise;
  }

  /** Where the assets of `catalog` are used, from the fleet as last read (undefined: not read yet). */
  report(catalog: Catalog): WhereUsedReport | undefined {
    return this.computed(catalog)?.report;
  }

  /** The use of one asset (by id) of `catalog`, from the fleet as last read. */
  usage(catalog: Catalog, id: string): AssetUsage | undefined {
    return this.computed(catalog)?.byId.get(id);
  }

  private computed(catalog: Catalog): { report: WhereUsedReport; byId: Map<string, AssetUsage> } | undefined {
    if (!this.last) return undefined;
    let r = this.reports.get(catalog);
    if (!r) {
      const report = whereUsed(this.last.repositories, catalog);
      r = { report, byId: new Map(report.assets.map((a) => [a.id, a])) };
      this.reports.set(catalog, r);
    }
    return r;
  }
}
