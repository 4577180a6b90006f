// A catalog that follows the editor: unsaved texts laid over a loaded catalog, re-checked incrementally as they change.

import { CheckIndex } from '../checks/checkIndex';
import { filesAffectedBy, runCatalogChecks } from '../checks/catalogChecks';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { parseAndCheck } from '../checks/fileChecks';
import { formatHintAmong, formatHintIn, listingOf } from '../library/build';
import { CatalogBuilder } from '../library/catalogBuilder';
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
    /** Rebuilding the catalog's assets from the parsed files, and their problem counts (no I/O, no parsing). */
    assembleMs: number;
    /** Cross-file checks: only the affected files' ones unless `affected` is 'all'. */
    checksMs: number;
  };
}

const encoder = new TextEncoder();

/**
 * A loaded catalog (the base, as on disk) with the texts of open editors laid over it: the
 * editor's incremental state, all of it here. Each change re-parses only the changed file,
 * builds again only the assets owning it (a CatalogBuilder: the catalog's files and assets,
 * changed in place), re-runs only the cross-file checks whose findings the change can reach
 * (`filesAffectedBy`, over a CheckIndex of the assets kept across edits) and counts again only
 * the problems of the assets whose findings may differ; every other ParsedFile, asset and
 * finding is reused. The catalogs it gives share its files and assets: an earlier one follows
 * later edits, so read `catalog` again after a change rather than keeping one.
 */
export class LiveCatalog {
  private baseCatalog: Catalog;
  private current: Catalog;
  private readonly overlays = new Map<string, ParsedFile>();
  /** The catalog as edited, and an index of its assets for the checks; made at the first edit (or format hint). */
  private edited: { builder: CatalogBuilder; index: CheckIndex } | undefined;
  /** Cross-file findings by file, kept between runs. */
  private checkFindings: Map<string, Diagnostic[]>;
  /** The listing's findings by file (links leading out, git metadata): edits do not change them. */
  private listingFindings: Map<string, Diagnostic[]>;

  constructor(base: Catalog) {
    this.baseCatalog = base;
    this.current = base;
    this.checkFindings = groupByFile(checkFindingsOf(base));
    this.listingFindings = groupByFile(listingOf(base).findings);
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

  /** Every finding on one file: the library listing's, its parse's and the cross-file checks'. */
  diagnosticsFor(path: string): Diagnostic[] {
    return [...(this.listingFindings.get(path) ?? []), ...(this.current.files.get(path)?.diagnostics ?? []), ...(this.checkFindings.get(path) ?? [])];
  }

  /** Files that have at least one finding now. */
  filesWithFindings(): string[] {
    const out = new Set(this.listingFindings.keys());
    for (const f of this.current.files.values()) for (const d of f.diagnostics) out.add(d.file);
    for (const p of this.checkFindings.keys()) out.add(p);
    return [...out];
  }

  /** Lays the editor's text of `path` over the catalog and re-checks what it reaches. */
  setText(path: string, text: string): LiveUpdate {
    const t0 = performance.now();
    const parsed = this.parseAlone(path, text);
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
    // An eval asset's entry is a promptfoo suite whatever its name (the index finds the assets naming the path).
    return parseAndCheck(path, encoder.encode(text), formatHintAmong(this.state().index.holding([path]), path));
  }

  /** Replaces the base (the library was reloaded or synced) and lays the overlays over it again. */
  rebase(base: Catalog): LiveUpdate {
    const t0 = performance.now();
    this.baseCatalog = base;
    this.edited = undefined;
    this.listingFindings = groupByFile(listingOf(base).findings);
    const previous = this.checkFindings;
    let checksMs = 0;
    if (!this.overlays.size) {
      this.current = base;
      this.checkFindings = groupByFile(checkFindingsOf(base));
    } else {
      const builder = new CatalogBuilder(base);
      builder.edit([...this.overlays.values()]);
      const index = new CheckIndex(builder.assets);
      this.edited = { builder, index };
      const catalog = builder.catalog(() => this.allCheckFindings());
      const c0 = performance.now();
      this.checkFindings = groupByFile(runCatalogChecks(catalog, undefined, index));
      checksMs = performance.now() - c0;
      this.current = catalog;
      index.replace(builder.countProblems((p) => this.diagnosticsFor(p)));
    }
    const changed = differences(previous, this.checkFindings, 'all');
    return { catalog: this.current, affected: 'all', changed, timing: { parseMs: 0, assembleMs: performance.now() - t0 - checksMs, checksMs } };
  }

  /** The catalog as edited with its index, made from the base when first needed. */
  private state(): { builder: CatalogBuilder; index: CheckIndex } {
    if (!this.edited) {
      const builder = new CatalogBuilder(this.baseCatalog);
      this.edited = { builder, index: new CheckIndex(builder.assets) };
    }
    return this.edited;
  }

  private apply(files: ParsedFile[], paths: string[], parseMs: number, removed?: string[]): LiveUpdate {
    const t0 = performance.now();
    const state = this.state();
    const { builder } = state;
    const edit = builder.edit(files, removed);
    // The index follows the assets built again (or is made again with the list).
    if (edit.assets === 'all') state.index = new CheckIndex(builder.assets);
    else state.index.replace(edit.assets);
    const index = state.index;
    const catalog = builder.catalog(() => this.allCheckFindings());
    const c0 = performance.now();
    const affected =
      edit.assets === 'all' ? 'all' : filesAffectedBy(catalog, { paths, before: edit.previous, assetsBefore: edit.assets.map((r) => r.before), assetsAfter: edit.assets.map((r) => r.after) }, index);
    let previous = this.checkFindings;
    if (affected === 'all') {
      this.checkFindings = groupByFile(runCatalogChecks(catalog, undefined, index));
    } else {
      const fresh = groupByFile(runCatalogChecks(catalog, affected, index));
      // Only the affected files' lists change: keep their old ones to compare.
      previous = new Map([...affected].map((f) => [f, this.checkFindings.get(f) ?? []]));
      for (const f of affected) {
        const list = fresh.get(f);
        if (list) this.checkFindings.set(f, list);
        else this.checkFindings.delete(f);
      }
    }
    const checksMs = performance.now() - c0;
    this.current = catalog;
    // The problem counts of the assets owning a file whose findings may differ: a changed file (its parse) or an affected one.
    index.replace(builder.countProblems((p) => this.diagnosticsFor(p), affected === 'all' ? undefined : new Set([...paths, ...affected])));
    const assembleMs = performance.now() - t0 - checksMs;
    const changed = differences(previous, this.checkFindings, affected);
    return { catalog, affected, changed, timing: { parseMs, assembleMs, checksMs } };
  }

  /** Every cross-file finding of the current catalog. */
  private allCheckFindings(): Diagnostic[] {
    return [...this.checkFindings.values()].flat();
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

/** The cross-file findings of a catalog: those of its check stage, or computed again. */
function checkFindingsOf(catalog: Catalog): readonly Diagnostic[] {
  return catalog.checkFindings ?? runCatalogChecks(catalog);
}

/** Parses and checks a file's new text the way the catalog reads it (an eval asset's entry is a promptfoo suite whatever its name). */
export function parseForCatalog(catalog: Catalog, path: string, text: string): ParsedFile {
  return parseAndCheck(path, encoder.encode(text), formatHintIn(catalog, path));
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
