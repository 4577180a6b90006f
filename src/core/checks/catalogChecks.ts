// The cross-file check stage: every family of checks (ids, entries, links, evals, references, partials, policy, models) over a catalog, and which files an edit can reach.

import picomatch from 'picomatch';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { promptFileTargets } from '../formats/promptfoo';
import { dirOf, joinInside } from '../library/paths';
import type { Asset, Catalog } from '../library/types';
import { CheckIndex } from './checkIndex';
import { manifestRange } from './scope';
import type { InScope } from './scope';
import { checkIds } from './ids';
import { templateParameterDiagnostics } from './templateParameters';
import { checkEntries } from './entries';
import { checkLinks, isGlob } from './links';
import { checkEvalVars, checkPromptfooPrompts } from './evals';
import { checkReferences } from './references';
import { checkPartials } from './partials';
import { checkApprovals, checkPolicy } from './policy';
import { checkModels, checkTokenBudget } from './models';

/**
 * Runs every cross-file check over a loaded catalog. With `scope`, only the findings that land
 * on those files (library-relative paths) are computed: the result equals the full run's
 * findings filtered to the scope, for a fraction of the work (the editor's typing path).
 * `index` is an index of the catalog's assets kept by the caller (one is made otherwise).
 */
export function runCatalogChecks(catalog: Catalog, scope?: ReadonlySet<string>, index?: CheckIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const idx = index?.assets === catalog.assets ? index : new CheckIndex(catalog.assets);
  const has = scope ? (f: string | undefined) => f !== undefined && scope.has(f) : () => true;
  // A scoped run goes through the assets whose manifest or entry is in scope (in catalog order) and the files in scope.
  const inScope: InScope = Object.assign(has, {
    assets: scope ? idx.holding(scope) : catalog.assets,
    files: scope ? [...scope].flatMap((p) => catalog.files.get(p) ?? []) : { [Symbol.iterator]: () => catalog.files.values() },
  });
  const scoped = scope !== undefined;
  checkIds(catalog, idx.byId, out, inScope, scoped);
  checkEntries(catalog, out, inScope);
  checkLinks(catalog, out, inScope);
  checkPromptfooPrompts(catalog, out, inScope);
  checkReferences(catalog, idx, out, inScope);
  checkEvalVars(catalog, idx, out, inScope);
  checkPartials(catalog, out, inScope, scoped);
  checkPolicy(catalog, idx, out, inScope, scoped);
  checkModels(catalog, idx, out, inScope);
  checkTokenBudget(catalog, out, inScope);
  checkApprovals(catalog, out, inScope);
  out.push(...templateParameterDiagnostics(inScope.assets, (a) => manifestRange(catalog, a, 'parameters')));
  return out;
}

/** An edit of some files of a catalog, as the checks see it. */
export interface FileEdit {
  /** The paths changed. */
  paths: readonly string[];
  /** The parsed form each changed path had before (undefined: it was not among the files). */
  before: ReadonlyMap<string, ParsedFile | undefined>;
  /** The assets owning a changed file, before and after the edit (every other asset is the same in both). */
  assetsBefore: readonly Asset[];
  assetsAfter: readonly Asset[];
}

/**
 * The files whose cross-file findings may differ after `edit`, which gave `catalog` (the same
 * files listed, the same assets but those owning a changed file); 'all' when the change reaches
 * every file (the library manifest). `index` is an index of the catalog's assets kept by the
 * caller (one is made otherwise). What each check reads:
 * - a file's own findings (entry, links, models, token budget) read the file and library.yaml (links also
 *   read which files exist: a file added or removed reaches every file with links);
 * - a promptfoo suite's prompt files' findings read the suites naming them (their vars);
 * - an asset's manifest findings (id, references, policy, approval) read its own files, the
 *   assets it references, the assets sharing its id and the eval suites targeting it, and
 *   for unknown references the set of every id;
 * - an eval suite's findings read the entry files of the prompts it targets;
 * - partial findings read every Dotprompt file.
 */
export function filesAffectedBy(catalog: Catalog, edit: FileEdit, index?: CheckIndex): Set<string> | 'all' {
  const changed = edit.paths;
  if (changed.some((p) => p === 'library.yaml' || p === 'library.yml')) return 'all';
  const idx = index?.assets === catalog.assets ? index : new CheckIndex(catalog.assets);
  const out = new Set<string>(changed);
  // A promptfoo suite's vars reach the prompt files it names (their undefined variables).
  for (const p of changed) {
    for (const f of [edit.before.get(p), catalog.files.get(p)]) {
      if (f?.format !== 'promptfoo') continue;
      for (const { target } of promptFileTargets(f)) {
        const resolved = joinInside(dirOf(f.path), target);
        if (resolved === undefined) continue;
        if (!isGlob(resolved)) out.add(resolved);
        else {
          const match = picomatch(resolved, { dot: true });
          for (const q of catalog.files.keys()) if (match(q)) out.add(q);
        }
      }
    }
  }
  // Links (promptfoo `file://`, Prompty `${file:}`) are looked up among the library's files: a file that appears or goes reaches every file with links.
  if (changed.some((p) => (edit.before.get(p) === undefined) !== !catalog.files.has(p))) for (const f of catalog.files.values()) if (f.links?.length) out.add(f.path);
  const ids = new Set<string>();
  const add = (a: Asset): void => {
    if (a.manifest) out.add(a.manifest);
    if (a.entryFile) out.add(a.entryFile);
  };
  // The ids of the assets that own a changed file, before and after.
  const idsOf: [string[], string[]] = [[], []];
  [edit.assetsBefore, edit.assetsAfter].forEach((owners, side) => {
    for (const a of owners) {
      add(a);
      ids.add(a.id);
      idsOf[side].push(a.id);
      // Eval coverage and references of the changed asset reach the assets it names.
      for (const r of a.references) ids.add(r.ref.id);
    }
  });
  // The assets with those ids and those naming them (the owners' earlier forms were added above).
  for (const id of ids) {
    for (const a of idx.byId.get(id) ?? []) add(a);
    for (const a of idx.referrersOf(id)) add(a);
  }
  // Unknown references suggest the nearest id: a new or vanished id reaches every reference.
  const [was, now] = idsOf.map((l) => l.sort());
  const sameIds = was.length === now.length && was.every((id, i) => id === now[i]);
  if (!sameIds) for (const a of catalog.assets) if (a.references.length) add(a);
  // Partials resolve by name across every Dotprompt file (any of them can be included by its name): when what a
  // changed file includes, or the name it is included by, changes, every file that uses partials is reached.
  const graphOf = (f: ParsedFile | undefined): string => (f?.format === 'dotprompt' ? JSON.stringify([f.partialName ?? null, (f.partials ?? []).map((u) => u.name)]) : '');
  if (changed.some((p) => graphOf(edit.before.get(p)) !== graphOf(catalog.files.get(p)))) {
    for (const f of catalog.files.values()) if (f.format === 'dotprompt' && (f.partials?.length || f.partialName)) out.add(f.path);
  }
  return out;
}
