// A catalog that follows the editor: unsaved texts laid over a loaded catalog, re-checked incrementally as they change.

import { filesAffectedBy, runCatalogChecks } from '../checks/catalogChecks';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { catalogCheckFindings, parseForCatalog, rebuildCatalogWith } from '../library/load';
import { reusingEntries } from '../yaml/yamlChunks';
import type { Catalog } from '../library/types';

/** What one change did: the new catalog, which files' findings may differ, and where the time went. */
export interface LiveUpdate {
  catalog: Catalog;
  /** Files whose cross-file findings were computed again (library-relative), or 'all'. */
  affected: ReadonlySet<string> | 'all';
  /** Files whose cross-file findings differ from before the change (the changed files' own parse aside). */
  changed: ReadonlySet<string>;
  timing: {
    /** Parsing the changed text (pure, per file). */
    parseMs: number;
    /** Rebuilding the catalog's assets from the parsed files (no I/O, no parsing). */
    assembleMs: number;
    /** Cross-file checks: only the affected files' ones unless `affected` is 'all'. */
    checksMs: number;
  };
}

const encoder = new TextEncoder();

/**
 * A loaded catalog (the base, as on disk) with the texts of open editors laid over it.
 * Each change re-parses only the changed file and re-runs only the cross-file checks whose
 * findings the change can reach (`filesAffectedBy`); every other ParsedFile and finding is reused.
 */
export class LiveCatalog {
  private baseCatalog: Catalog;
  private current: Catalog;
  private readonly overlays = new Map<string, ParsedFile>();
  /** Cross-file findings by file, kept between runs. */
  private checkFindings = new Map<string, Diagnostic[]>();
  /** Every finding of the current catalog by file. */
  private byFile = new Map<string, Diagnostic[]>();

  constructor(base: Catalog) {
    this.baseCatalog = base;
    this.current = base;
    this.checkFindings = groupByFile(checkFindingsOf(base));
    this.byFile = groupByFile(base.diagnostics);
  }

  get catalog(): Catalog {
    return this.current;
  }

  get base(): Catalog {
    return this.baseCatalog;
  }

  /** Paths that carry unsaved text. */
  get overlaid(): string[] {
    return [...this.overlays.keys()];
  }

  /** The parsed form of a file as the editor has it (overlay) or as loaded. */
  file(path: string): ParsedFile | undefined {
    return this.current.files.get(path);
  }

  /** True when the catalog knows the file (recognised, or a file of a managed asset). */
  has(path: string): boolean {
    return this.current.files.has(path);
  }

  /** Every finding on one file: its parse, the library listing and the cross-file checks. */
  diagnosticsFor(path: string): Diagnostic[] {
    return this.byFile.get(path) ?? [];
  }

  /** Files that have at least one finding now. */
  filesWithFindings(): string[] {
    return [...this.byFile.keys()];
  }

  /** Lays the editor's text of `path` over the catalog and re-checks what it reaches. */
  setText(path: string, text: string): LiveUpdate {
    const t0 = performance.now();
    // YAML entries the edit did not touch are reused from the previous parse (yamlChunks.ts).
    const parsed = reusingEntries(() => parseForCatalog(this.current, path, encoder.encode(text)));
    const parseMs = performance.now() - t0;
    this.overlays.set(path, parsed);
    return this.apply([parsed], [path], parseMs);
  }

  /** Lays a file parsed already (by `parseAlone`, for the same text) over the catalog: `setText` without parsing again. */
  setParsed(parsed: ParsedFile): LiveUpdate {
    this.overlays.set(parsed.path, parsed);
    return this.apply([parsed], [parsed.path], 0);
  }

  /** Drops the overlay of `path` (the editor closed without saving): back to the loaded file. */
  revert(path: string): LiveUpdate | undefined {
    if (!this.overlays.delete(path)) return undefined;
    const original = this.baseCatalog.files.get(path);
    if (original) return this.apply([original], [path], 0);
    return this.apply([], [path], 0, [path]);
  }

  /**
   * Parses `text` as `path` would be parsed in this catalog, without changing anything (for
   * previews of quick fixes). Only the file's own findings: no cross-file checks.
   */
  parseAlone(path: string, text: string): ParsedFile {
    return parseForCatalog(this.current, path, encoder.encode(text));
  }

  /** Replaces the base (the library was reloaded or synced) and lays the overlays over it again. */
  rebase(base: Catalog): LiveUpdate {
    const t0 = performance.now();
    this.baseCatalog = base;
    let checksMs = 0;
    const catalog = this.overlays.size
      ? rebuildCatalogWith(base, [...this.overlays.values()], {
          checks: (next) => {
            const c0 = performance.now();
            const all = runCatalogChecks(next);
            checksMs = performance.now() - c0;
            return all;
          },
        })
      : base;
    this.current = catalog;
    const previous = this.checkFindings;
    this.checkFindings = groupByFile(checkFindingsOf(catalog));
    this.byFile = groupByFile(catalog.diagnostics);
    const changed = differences(previous, this.checkFindings, 'all');
    return { catalog, affected: 'all', changed, timing: { parseMs: 0, assembleMs: performance.now() - t0 - checksMs, checksMs } };
  }

  private apply(files: ParsedFile[], paths: string[], parseMs: number, removed?: string[]): LiveUpdate {
    const before = this.current;
    let previous = this.checkFindings;
    let affected: ReadonlySet<string> | 'all' = 'all';
    let checksMs = 0;
    const t0 = performance.now();
    const catalog = rebuildCatalogWith(before, files, {
      removed,
      checks: (next) => {
        const c0 = performance.now();
        affected = filesAffectedBy(before, next, paths);
        if (affected === 'all') {
          this.checkFindings = groupByFile(runCatalogChecks(next));
        } else {
          const fresh = groupByFile(runCatalogChecks(next, affected));
          // Only the affected files' lists change: keep their old ones to compare.
          previous = new Map([...affected].map((f) => [f, this.checkFindings.get(f) ?? []]));
          for (const f of affected) {
            const list = fresh.get(f);
            if (list) this.checkFindings.set(f, list);
            else this.checkFindings.delete(f);
          }
        }
        checksMs = performance.now() - c0;
        return [...this.checkFindings.values()].flat();
      },
    });
    this.current = catalog;
    this.byFile = groupByFile(catalog.diagnostics);
    const assembleMs = performance.now() - t0 - checksMs;
    const changed = differences(previous, this.checkFindings, affected);
    return { catalog, affected, changed, timing: { parseMs, assembleMs, checksMs } };
  }
}

/** A finding as one comparable string. */
function findingKey(d: Diagnostic): string {
  return JSON.stringify([d.code, d.severity, d.range, d.message, d.fixes ?? null, d.related ?? null]);
}

/** Files (of `scope`, or all) whose findings differ between two groupings. */
function differences(before: Map<string, Diagnostic[]>, after: Map<string, Diagnostic[]>, scope: ReadonlySet<string> | 'all'): Set<string> {
  const out = new Set<string>();
  const files = scope === 'all' ? new Set([...before.keys(), ...after.keys()]) : scope;
  for (const f of files) {
    const a = before.get(f) ?? [];
    const b = after.get(f) ?? [];
    if (a.length !== b.length || a.some((d, i) => d !== b[i] && findingKey(d) !== findingKey(b[i]))) out.add(f);
  }
  return out;
}

/** The cross-file findings of a catalog: kept by the loader, or computed again. */
function checkFindingsOf(catalog: Catalog): readonly Diagnostic[] {
  return catalogCheckFindings(catalog) ?? runCatalogChecks(catalog);
}

function groupByFile(list: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of list) {
    const l = out.get(d.file);
    if (l) l.push(d);
    else out.set(d.file, [d]);
  }
  return out;
}
