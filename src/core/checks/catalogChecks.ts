// Checks over the whole catalog: ids, entries, links, references, eval inputs, partials, policy, models, tokens, approvals.

import picomatch from 'picomatch';
import { diag } from '../diagnostics';
import { isObj } from '../guards';
import type { Diagnostic, Fix, Range } from '../diagnostics';
import type { EvalTest, InputDecl, InputType, ModelUse, ParsedFile } from '../formats/types';
import { promptFileTargets } from '../formats/promptfoo';
import { dirOf, joinInside } from '../library/paths';
import { listingOf } from '../library/build';
import { approvalRequired, assetDigest } from '../library/digest';
import { newest, referenceTo, resolveReference, isValidRange } from '../library/references';
import type { Asset, Catalog, ModelInfo } from '../library/types';
import { nearest, nearestIn } from '../yaml/yamlDocument';
import { approximateRendering, countTokens, tokenizerOf, tokenUpperBound } from '../tokens';
import { templateParameterDiagnostics } from './templateParameters';
import { emptyRange } from '../text/textDocument';
import { CheckIndex } from './checkIndex';

/**
 * True for the files whose findings a (scoped) run computes; with the assets and files the
 * checks go through (for a scoped run, only those that can hold a finding in scope).
 */
type InScope = ((file: string | undefined) => boolean) & { assets: readonly Asset[]; files: Iterable<ParsedFile> };

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

function manifestRange(catalog: Catalog, asset: Asset, key: string): Range {
  const f = asset.manifest ? catalog.files.get(asset.manifest) : undefined;
  return f?.ranges?.[key] ?? f?.ranges?.[key.replace(/#value$/, '')] ?? emptyRange;
}

/** The folder name of a managed asset whose manifest's id differs from it; undefined when they match (a version folder may hold an asset named after its parent). */
function idFolderMismatch(catalog: Catalog, a: Asset): string | undefined {
  const doc = a.manifest ? (catalog.files.get(a.manifest)?.document as Record<string, unknown> | undefined) : undefined;
  if (!doc || typeof doc.id !== 'string') return undefined;
  const parts = a.path.split('/');
  const folder = parts[parts.length - 1] ?? '';
  const parent = parts[parts.length - 2];
  // Version folders (prompts/summarize/1.2.0/asset.yaml) may hold an asset named after their parent.
  if (!folder || doc.id === folder || (parent === doc.id && /^v?\d+(\.\d+){0,2}$/.test(folder))) return undefined;
  return folder;
}

function checkIds(catalog: Catalog, byId: Map<string, Asset[]>, out: Diagnostic[], inScope: InScope, scoped: boolean): void {
  /** Manifests told of a duplicate id that also differs from its folder (no id-mismatch of their own). */
  const duplicates = new Set<string>();
  // A scoped run reports on in-scope manifests only: the ids of the other assets need no look.
  const ids = scoped ? new Set(inScope.assets.filter((a) => a.managed && inScope(a.manifest)).map((a) => a.id)) : byId.keys();
  for (const id of ids) {
    const list = byId.get(id) ?? [];
    const managed = list.filter((a) => a.managed);
    const seen = new Map<string, Asset>();
    for (const a of managed) {
      const other = seen.get(a.version);
      if (other) {
        if (!inScope(a.manifest)) continue;
        // An id that also differs from its folder: one finding, whose fix (the folder's name) ends both.
        const folder = idFolderMismatch(catalog, a);
        if (folder !== undefined) duplicates.add(a.manifest!);
        const fix = folder !== undefined && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(folder) ? folder : undefined;
        const range = manifestRange(catalog, a, 'id#value');
        out.push(
          diag(
            'duplicate-id',
            a.manifest!,
            range === emptyRange ? manifestRange(catalog, a, 'kind') : range,
            `Another asset (${other.path}) already has id \`${id}\` at version ${a.version}; give one of them a different id or version.${folder !== undefined ? ` This one's folder is \`${folder}\`: an id equal to it ends both problems.` : ''}`,
            {
              related: [{ file: other.manifest!, range: manifestRange(catalog, other, 'id#value'), message: `The other asset with id \`${id}\`` }],
              fixes: fix && range !== emptyRange ? [{ title: `Set id to \`${fix}\``, edits: [{ range, newText: fix }] }] : undefined,
            },
          ),
        );
      } else seen.set(a.version, a);
    }
  }
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest) || duplicates.has(a.manifest)) continue;
    const folder = idFolderMismatch(catalog, a);
    if (folder === undefined) continue;
    const doc = catalog.files.get(a.manifest)?.document as Record<string, unknown>;
    const range = manifestRange(catalog, a, 'id#value');
    out.push(
      diag('id-mismatch', a.manifest, range, `The id \`${doc.id}\` differs from the folder name \`${folder}\`; rename one so they match, so people can find the asset by its folder.`, {
        fixes: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(folder) ? [{ title: `Set id to \`${folder}\``, edits: [{ range, newText: folder }] }] : undefined,
      }),
    );
  }
}

function checkEntries(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest)) continue;
    const range = manifestRange(catalog, a, 'entry#value');
    if (a.entry !== undefined) {
      if (a.entryFile) continue;
      const folder = a.path;
      const escaped = escapes(folder, a.entry);
      if (escaped) {
        out.push(diag('path-escape', a.manifest, range, `The entry \`${a.entry}\` leads outside the asset folder; an entry must be a file inside \`${folder || '.'}\`. It was not read.`));
      } else {
        const options = a.files.filter((p) => p !== a.manifest).map((p) => p.slice(folder ? folder.length + 1 : 0));
        const suggestion = nearest(a.entry, options);
        out.push(
          diag(
            'entry-missing',
            a.manifest,
            range,
            `The entry file \`${a.entry}\` does not exist in \`${folder || '.'}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '; create it or fix the path.'}`,
            {
              fixes: suggestion ? [{ title: `Use \`${suggestion}\``, edits: [{ range, newText: suggestion }] }] : undefined,
            },
          ),
        );
      }
    } else if ((a.kind === 'prompt' || a.kind === 'eval') && !a.entryFile) {
      out.push(
        diag(
          'entry-missing',
          a.manifest,
          manifestRange(catalog, a, 'kind#value'),
          `This ${a.kind} asset names no \`entry\` and its folder has no single ${a.kind === 'eval' ? 'eval suite' : 'prompt'} file to use; add \`entry: <file>\`.`,
        ),
      );
    }
  }
}

function escapes(folder: string, rel: string): boolean {
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[a-zA-Z]:/.test(rel)) return true;
  let depth = 0;
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '..') depth--;
    else if (seg && seg !== '.') depth++;
    if (depth < 0) return true;
  }
  void folder;
  return false;
}

/**
 * Links from a file to others (Prompty `${file:}`, promptfoo `file://` prompts, tests, functions): they
 * must stay inside the library and name a listed file (whatever its format: a `.txt` prompt, a
 * `.csv` of tests), a link that stays inside, or a folder; a glob must match at least one file.
 */
function checkLinks(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  let listed: ListedPaths | undefined;
  for (const f of inScope.files) {
    if (!f.links?.length || !inScope(f.path)) continue;
    for (const link of f.links) {
      const target = link.target.replace(/^file:\/\//, '');
      if (/^[a-z][\w+.-]*:\/\//i.test(target)) continue;
      const resolved = joinInside(dirOf(f.path), target);
      if (resolved === undefined) {
        out.push(diag('path-escape', f.path, link.range, `\`${link.target}\` leads outside the library; it was not read. Keep referenced files inside the library.`));
        continue;
      }
      listed ??= listedPaths(catalog);
      const found = findListed(listed, resolved);
      if (found === 'outside') {
        out.push(
          diag('path-escape', f.path, link.range, `\`${link.target}\` is a link that leads outside the library (or to nothing); it was not read. Replace it with a real file inside the library.`),
        );
      } else if (found === 'missing') {
        const glob = isGlob(resolved);
        out.push(
          diag(
            'entry-missing',
            f.path,
            link.range,
            glob
              ? `No file matches \`${link.target}\` (looked for \`${resolved}\`); add a matching file or fix the pattern.`
              : `\`${link.target}\` does not exist (looked for \`${resolved}\`); create it or fix the path.`,
          ),
        );
      }
    }
  }
}

/**
 * The prompt files of promptfoo suites (`file://prompt.txt`, `.json`, globs): a variable a file reads
 * that no test of a suite naming it gives is reported on the file, at the use, naming the suite (only
 * for suites whose vars are all known: none from a file, generator or red-team plugin).
 */
function checkPromptfooPrompts(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  // The findings land on prompt files that suites name: a run whose scope holds none (typing in any other file) has nothing to do.
  if (![...inScope.files].some((f) => f.format === 'promptfoo-prompt')) return;
  let paths: string[] | undefined;
  const seen = new Set<string>();
  for (const suite of catalog.files.values()) {
    if (suite.format !== 'promptfoo' || !suite.evalSuite?.givenVars) continue;
    const given = suite.evalSuite.givenVars;
    for (const { target, range } of promptFileTargets(suite)) {
      const resolved = joinInside(dirOf(suite.path), target);
      if (resolved === undefined) continue;
      let named = [resolved];
      if (isGlob(resolved)) {
        const match = picomatch(resolved, { dot: true });
        named = (paths ??= [...catalog.files.keys()]).filter((p) => match(p));
      }
      for (const p of named) {
        const prompt = catalog.files.get(p);
        if (prompt?.format !== 'promptfoo-prompt' || !inScope(p)) continue;
        for (const u of prompt.variables ?? []) {
          if (given.includes(u.name)) continue;
          const key = `${p}\0${suite.path}\0${u.name}\0${u.range.start.line}:${u.range.start.character}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const guess = nearest(u.name, given);
          out.push(
            diag(
              'undefined-variable',
              p,
              u.range,
              `\`${u.name}\` is not given by the vars of any test of \`${suite.path}\` (nor its \`defaultTest.vars\`), so promptfoo renders it empty${guess ? `; did you mean \`${guess}\`?` : "; add it to the tests' vars, or fix the name."}`,
              { related: [{ file: suite.path, range, message: 'The promptfoo suite that uses this prompt' }] },
            ),
          );
        }
      }
    }
  }
}

/** The library's listed paths: files and links leading inside (true), links leading out (false); and the folders holding them. */
interface ListedPaths {
  paths: Map<string, boolean>;
  folders: Set<string>;
}

function listedPaths(catalog: Catalog): ListedPaths {
  const paths = new Map<string, boolean>();
  for (const e of listingOf(catalog).entries) paths.set(e.path, e.type === 'file' || e.linkInside === true);
  // Files a rebuild added without a listing entry (an editor's new file) are listed too.
  for (const p of catalog.files.keys()) if (!paths.has(p)) paths.set(p, true);
  const folders = new Set<string>();
  for (const p of paths.keys()) for (let d = dirOf(p); d && !folders.has(d); d = dirOf(d)) folders.add(d);
  return { paths, folders };
}

function isGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

/** Whether a library-relative path (or glob) names something listed: a file, a folder, or a match of the glob. */
function findListed(listed: ListedPaths, path: string): 'found' | 'missing' | 'outside' {
  const at = listed.paths.get(path);
  if (at !== undefined) return at ? 'found' : 'outside';
  if (listed.folders.has(path) || path === '') return 'found';
  if (!isGlob(path)) return 'missing';
  const match = picomatch(path, { dot: true });
  for (const [p, inside] of listed.paths) if (inside && match(p)) return 'found';
  return 'missing';
}

/** `rel` resolved against the library-relative folder `base`; undefined when it is absolute or leaves the library. */

function checkReferences(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope): void {
  const byId = idx.byId;
  const nearestId = nearestIn(idx.ids());
  // Per id: the suggestion for an unknown one, the newest approved version of a known one.
  const suggestions = new Map<string, string | undefined>();
  const approvedOf = new Map<string, Asset | undefined>();
  for (const a of inScope.assets) {
    if (!inScope(a.manifest)) continue;
    for (const r of a.references) {
      if (!a.manifest) continue;
      const ref = r.ref;
      if (ref.library && ref.library !== catalog.library.name) continue; // another library: checked where it is loaded
      const candidates = byId.get(ref.id) ?? [];
      if (!candidates.length) {
        if (!suggestions.has(ref.id)) suggestions.set(ref.id, nearestId(ref.id));
        const suggestion = suggestions.get(ref.id);
        out.push(
          diag(
            'unknown-reference',
            a.manifest,
            r.rangeInManifest,
            `\`${r.field}\` names \`${ref.raw}\`, but no asset has the id \`${ref.id}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`,
            {
              fixes: suggestion ? [{ title: `Use \`${suggestion}\``, edits: [{ range: r.rangeInManifest, newText: ref.raw.replace(ref.id, suggestion) }] }] : undefined,
            },
          ),
        );
        continue;
      }
      if (ref.range !== undefined && !isValidRange(ref.range)) {
        out.push(diag('unsatisfied-version', a.manifest, r.rangeInManifest, `\`${ref.range}\` in \`${ref.raw}\` is not a semver range; write e.g. \`${ref.id}@^1.0\`.`));
        continue;
      }
      const res = idx.resolve(ref);
      if (!approvedOf.has(ref.id)) approvedOf.set(ref.id, newest(candidates.filter((c) => c.status === 'approved')));
      const latestApproved = approvedOf.get(ref.id);
      if (!res.asset) {
        const versions = candidates.map((c) => `${c.version} (${c.status})`).join(', ');
        const target = latestApproved ?? newest(candidates);
        out.push(
          diag('unsatisfied-version', a.manifest, r.rangeInManifest, `No version of \`${ref.id}\` satisfies \`${ref.range}\`; available: ${versions}.`, {
            fixes: target ? [{ title: `Use \`${referenceTo(target)}\``, edits: [{ range: r.rangeInManifest, newText: prefixed(ref.library, referenceTo(target)) }] }] : undefined,
          }),
        );
        continue;
      }
      const target = res.asset;
      if (target.status === 'deprecated' && r.field !== 'replacedBy') {
        const fixes: Fix[] = [];
        if (target.replacedBy) fixes.push({ title: `Replace with \`${target.replacedBy}\``, edits: [{ range: r.rangeInManifest, newText: target.replacedBy }] });
        out.push(
          diag(
            'deprecated-reference',
            a.manifest,
            r.rangeInManifest,
            `\`${ref.raw}\` resolves to ${target.id}@${target.version}, which is deprecated${target.replacedBy ? `; use \`${target.replacedBy}\` instead` : ''}.`,
            {
              fixes,
              related: target.manifest ? [{ file: target.manifest, range: manifestRange(catalog, target, 'status#value'), message: 'Deprecated here' }] : undefined,
            },
          ),
        );
      } else if (latestApproved && latestApproved !== target && latestApproved.version !== target.version && ref.range !== undefined && r.field !== 'replacedBy') {
        // Not a problem, but a fix is offered on deprecated/unsatisfied refs only; nothing to report here.
      }
    }
  }
}

function prefixed(lib: string | undefined, ref: string): string {
  return lib ? `${lib}:${ref}` : ref;
}

/** True when a value is of a declared input type (eval vars here, render inputs in `genai-assets mcp`). */
export const typeOk: Record<InputType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: isObj,
  array: (v) => Array.isArray(v),
  null: (v) => v === null,
  any: () => true,
};

/** A var name as a YAML key: plain when it can be, else quoted. */
function yamlKey(name: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(name) ? name : JSON.stringify(name);
}

/** A value for a new var, as flow YAML: the prompt's sample when it has a short one of the right type, else an empty one of the input's type. */
function sampleValue(input: InputDecl, samples: readonly Record<string, unknown>[] | undefined): string {
  for (const s of samples ?? []) {
    const v = s[input.name];
    if (v === undefined || !typeOk[input.type](v)) continue;
    const text = JSON.stringify(v);
    if (text !== undefined && text.length <= 60) return text;
  }
  const empty: Record<InputType, string> = { string: '""', number: '0', integer: '0', boolean: 'false', object: '{}', array: '[]', null: 'null', any: '""' };
  return empty[input.type];
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

function checkEvalVars(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope): void {
  for (const a of inScope.assets) {
    if (a.kind !== 'eval' || !a.entryFile || !inScope(a.entryFile)) continue;
    const suite = catalog.files.get(a.entryFile)?.evalSuite;
    if (!suite) continue;
    for (const r of a.references) {
      if (r.field !== 'targets') continue;
      if (r.ref.library && r.ref.library !== catalog.library.name) continue;
      const target = idx.resolve(r.ref).asset;
      if (!target || !target.entryFile) continue;
      const prompt = catalog.files.get(target.entryFile);
      if (!prompt?.inputs) continue;
      checkSuiteAgainst(a.entryFile, suite, prompt, target, out);
    }
  }
}

function checkSuiteAgainst(file: string, suite: NonNullable<ParsedFile['evalSuite']>, prompt: ParsedFile, target: Asset, out: Diagnostic[]): void {
  const inputs = new Map<string, InputDecl>(prompt.inputs!.map((i) => [i.name, i]));
  const related = (i: InputDecl | undefined) => [{ file: prompt.path, range: i?.range ?? emptyRange, message: i ? `\`${i.name}\` is declared here` : `Inputs of ${target.id}` }];
  const lacking = (test: EvalTest, name: string) => !test.opaqueVars && !suite.defaultVars.includes(name) && !test.vars.some((v) => v.name === name);
  // One fix per input, shared by its diagnostics: the var added to every test case that lacks it.
  const addVar = new Map<string, Fix[] | undefined>();
  const addVarFixes = (input: InputDecl): Fix[] | undefined => {
    if (addVar.has(input.name)) return addVar.get(input.name);
    const entry = `${yamlKey(input.name)}: ${sampleValue(input, prompt.samples)}`;
    const edits = suite.tests.flatMap((t) =>
      t.newVar && lacking(t, input.name) ? [{ range: t.newVar.range, newText: (t.newVar.header ?? '') + t.newVar.indent + t.newVar.line!.split('${name}').join(entry) }] : [],
    );
    const fixes = edits.length ? [{ title: `Add \`${input.name}\` to the tests' vars`, edits }] : undefined;
    addVar.set(input.name, fixes);
    return fixes;
  };
  for (const test of suite.tests) {
    if (test.opaqueVars) continue;
    for (const input of inputs.values()) {
      if (!input.required || input.default !== undefined || !lacking(test, input.name)) continue;
      out.push(
        diag('eval-vars-mismatch', file, test.range, `This test case does not give \`${input.name}\`, a required input of ${target.id}@${target.version}; add it under \`vars\`.`, {
          related: related(input),
          fixes: addVarFixes(input),
        }),
      );
    }
    for (const v of test.vars) {
      const input = inputs.get(v.name);
      if (!input) {
        const suggestion = nearest(v.name, [...inputs.keys()]);
        out.push(
          diag(
            'eval-vars-mismatch',
            file,
            v.range,
            `\`${v.name}\` is not an input of ${target.id}@${target.version}${suggestion ? `; did you mean \`${suggestion}\`?` : `; its inputs are ${[...inputs.keys()].join(', ') || 'none'}.`}`,
            {
              severity: 'warning',
              related: related(undefined),
            },
          ),
        );
        continue;
      }
      if (typeof v.value === 'string' && /^file:\/\//.test(v.value)) continue;
      if (!typeOk[input.type](v.value)) {
        out.push(
          diag(
            'eval-vars-mismatch',
            file,
            v.range,
            `\`${v.name}\` must be ${input.type === 'integer' || input.type === 'array' || input.type === 'object' ? 'an' : 'a'} ${input.type} for ${target.id}, but this test gives ${describeValue(v.value)}.`,
            {
              related: related(input),
            },
          ),
        );
      }
    }
  }
}

function checkPartials(catalog: Catalog, out: Diagnostic[], inScope: InScope, scoped: boolean): void {
  if (scoped && ![...inScope.files].some((f) => f.format === 'dotprompt' && f.partials?.length && inScope(f.path))) return;
  const byName = new Map<string, ParsedFile[]>();
  for (const f of catalog.files.values()) {
    if (f.format !== 'dotprompt') continue;
    const names = new Set<string>();
    if (f.partialName) names.add(f.partialName);
    const base = f.path.slice(f.path.lastIndexOf('/') + 1).replace(/\.prompt$/, '');
    names.add(base.replace(/^_/, ''));
    for (const n of names) {
      const list = byName.get(n);
      if (list) list.push(f);
      else byName.set(n, [f]);
    }
  }
  const resolve = (from: ParsedFile, name: string): ParsedFile | undefined => {
    const list = byName.get(name);
    if (!list) return undefined;
    const dir = dirOf(from.path);
    return (
      list.find((f) => dirOf(f.path) === dir && f.partialName === name) ??
      list.find((f) => dirOf(f.path) === dir) ??
      list.find((f) => dirOf(f.path) === (dir ? `${dir}/partials` : 'partials')) ??
      list.find((f) => !!f.partialName) ??
      list[0]
    );
  };
  const reported = new Set<string>();
  for (const f of inScope.files) {
    if (f.format !== 'dotprompt' || !f.partials || !inScope(f.path)) continue;
    for (const use of f.partials) {
      const target = resolve(f, use.name);
      if (!target) {
        out.push(diag('unknown-partial', f.path, use.range, `No partial \`${use.name}\` exists; create \`_${use.name}.prompt\` next to this file (or in a partials/ folder) or fix the name.`));
        continue;
      }
      // Cycle: does target lead back to f?
      const path = findCycle(target, f, resolve, new Set());
      if (path) {
        const key = `${f.path}|${use.name}`;
        if (reported.has(key)) continue;
        reported.add(key);
        out.push(
          diag('circular-partial', f.path, use.range, `Partial \`${use.name}\` includes this file again (${[f.path, ...path.map((p) => p.path)].join(' -> ')}); break the cycle.`, {
            related: [{ file: target.path, range: emptyRange, message: 'The partial of the cycle' }],
          }),
        );
      }
    }
  }
}

function findCycle(cur: ParsedFile, goal: ParsedFile, resolve: (from: ParsedFile, name: string) => ParsedFile | undefined, seen: Set<string>): ParsedFile[] | undefined {
  if (cur === goal) return [cur];
  if (seen.has(cur.path) || seen.size > 200) return undefined;
  seen.add(cur.path);
  for (const use of cur.partials ?? []) {
    const next = resolve(cur, use.name);
    if (!next) continue;
    const rest = findCycle(next, goal, resolve, seen);
    if (rest) return [cur, ...rest];
  }
  return undefined;
}

function checkPolicy(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope, scoped: boolean): void {
  const policy = catalog.library.policy;
  const covered = new Set<Asset>();
  /** Whether an asset satisfies a range, by asset and range (suites share targets). */
  const satisfies = new Map<Asset, Map<string, boolean>>();
  // Coverage is read for approved prompts in scope only: a scoped run follows only the targets naming them.
  const reported = (a: Asset): a is Asset & { manifest: string } => a.managed && a.status === 'approved' && !!a.manifest && inScope(a.manifest);
  const wanted = scoped ? new Set(inScope.assets.filter((a) => a.kind === 'prompt' && reported(a)).map((a) => a.id)) : undefined;
  // The suites that may cover them: every asset, or for a scoped run those naming a wanted id.
  const suites = !policy.requireEvalCoverage ? [] : wanted ? new Set([...wanted].flatMap((id) => idx.referrersOf(id))) : catalog.assets;
  for (const a of suites) {
    if (a.kind !== 'eval') continue;
    for (const r of a.references) {
      if (r.field !== 'targets' || (wanted && !wanted.has(r.ref.id))) continue;
      const t = idx.resolve(r.ref).asset;
      if (t) covered.add(t);
      // A suite that targets a range covers every version it satisfies.
      for (const c of idx.byId.get(r.ref.id) ?? []) {
        if (r.ref.range === undefined) {
          covered.add(c);
          continue;
        }
        let byRange = satisfies.get(c);
        if (!byRange) satisfies.set(c, (byRange = new Map()));
        let ok = byRange.get(r.ref.range);
        if (ok === undefined) byRange.set(r.ref.range, (ok = !!resolveReference({ ...r.ref }, new Map([[c.id, [c]]])).asset));
        if (ok) covered.add(c);
      }
    }
  }
  for (const a of inScope.assets) {
    if (!reported(a)) continue;
    const statusRange = manifestRange(catalog, a, 'status#value');
    if (policy.requireOwners && a.owners.length === 0) {
      out.push(diag('approved-without-owners', a.manifest, statusRange, `\`${a.id}\` is approved but names no owners; the library policy requires \`owners\` for approved assets.`));
    }
    if (policy.requireEvalCoverage && a.kind === 'prompt' && !covered.has(a)) {
      out.push(
        diag(
          'approved-without-eval',
          a.manifest,
          statusRange,
          `\`${a.id}\` is an approved prompt with no eval suite targeting it; the library policy requires one (an eval asset with \`targets: [${referenceTo(a)}]\`).`,
        ),
      );
    }
  }
}

/** Normalised parameter name: case and separators dropped, common aliases merged. */
export function normaliseParameter(name: string): string {
  const n = name.toLowerCase().replace(/[_\-\s]/g, '');
  return parameterAliases.get(n) ?? n;
}
const parameterAliases = new Map([
  ['maxoutputtokens', 'maxtokens'],
  ['maxcompletiontokens', 'maxtokens'],
  ['maxtokenstosample', 'maxtokens'],
  ['stopsequences', 'stop'],
]);

/**
 * A model id in our `provider/model` form: promptfoo's `openai:chat:gpt-4o` becomes `openai/gpt-4o`;
 * undefined for providers that are not models (scripts, HTTP endpoints, files).
 */
export function normaliseModelId(id: string): string | undefined {
  const t = id.trim();
  if (/^(file|python|exec|js|golang|ruby|http|https|webhook|echo|sequence|browser|websocket|mcp|simulated-user):/i.test(t) || t.includes('://')) return undefined;
  const m = /^([a-z][\w.-]*):(?:(?:chat|completion|completions|messages|responses|embedding|embeddings):)?(.+)$/i.exec(t);
  return m ? `${m[1]}/${m[2]}` : t;
}

/**
 * The catalogue entry for a model id as written (full id, or the part after the provider); a dated
 * snapshot (`claude-sonnet-4-20250514`, `gpt-4o-2024-08-06`) finds its model when the catalogue lists only the alias.
 */
export function findModel(models: readonly ModelInfo[], id: string): ModelInfo | undefined {
  const exact = models.find((m) => m.id === id);
  if (exact) return exact;
  const tail = id.includes('/') ? id.slice(id.indexOf('/') + 1) : id;
  const byTail = (t: string) => models.find((m) => m.id.slice(m.id.indexOf('/') + 1) === t || m.id === t);
  const undated = tail.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  return byTail(tail) ?? (undated !== tail ? byTail(undated) : undefined);
}

/** Compiled policy globs (a library has a handful; every model use of every file is checked against them). */
const globMatchers = new Map<string, (s: string) => boolean>();
function globMatcher(glob: string): (s: string) => boolean {
  let m = globMatchers.get(glob);
  if (!m) {
    if (globMatchers.size > 256) globMatchers.clear();
    m = picomatch(glob, { dot: true });
    globMatchers.set(glob, m);
  }
  return m;
}

/** True when the model id matches one of the policy's globs (unprefixed ids match on their name part). */
export function modelAllowed(allowed: readonly string[], id: string, models: readonly ModelInfo[]): boolean {
  if (!allowed.length) return true;
  const known = findModel(models, id);
  const candidates = [id, ...(known ? [known.id] : [])];
  return allowed.some((glob) => {
    const isMatch = globMatcher(glob);
    return candidates.some((c) => isMatch(c) || (!c.includes('/') && isMatch(`*/${c}`)) || (!glob.includes('/') && isMatch(c.slice(c.indexOf('/') + 1))));
  });
}

function modelUses(catalog: Catalog, inScope: InScope): { file: string; use: ModelUse }[] {
  const uses: { file: string; use: ModelUse }[] = [];
  for (const f of inScope.files) {
    if (!inScope(f.path)) continue;
    for (const m of f.models ?? f.evalSuite?.providers ?? []) uses.push({ file: f.path, use: m });
  }
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest)) continue;
    const doc = catalog.files.get(a.manifest)?.document as Record<string, unknown> | undefined;
    if (doc && typeof doc.model === 'string') uses.push({ file: a.manifest, use: { id: doc.model, range: manifestRange(catalog, a, 'model#value'), parameters: [] } });
  }
  return uses;
}

function checkModels(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope): void {
  const { policy, models } = catalog.library;
  // Thousands of uses name a handful of models: what is known of each id is worked out once per
  // library settings (kept by the index while they stay the same object: the editor checks again at every keystroke).
  const { byWritten, supportedBy } = idx.modelsUnder(catalog.library);
  // Ids typed letter by letter pass through here too: bounded.
  if (byWritten.size > 4096) byWritten.clear();
  for (const { file, use: written } of modelUses(catalog, inScope)) {
    if (!written.id || /[{}$]/.test(written.id)) continue;
    let known = byWritten.get(written.id);
    if (!byWritten.has(written.id)) {
      const normal = normaliseModelId(written.id);
      known = normal === undefined ? undefined : { id: normal, allowed: modelAllowed(policy.allowedModels, normal, models), info: findModel(models, normal) };
      byWritten.set(written.id, known);
    }
    if (known === undefined) continue;
    const use = { ...written, id: known.id };
    if (!known.allowed) {
      out.push(diag('model-not-allowed', file, use.range, `The model \`${use.id}\` is not allowed by the library policy (allowed: ${policy.allowedModels.join(', ')}); pick an allowed model.`));
    }
    const info = known.info;
    if (!info) continue;
    if (info.deprecated) {
      const fixes: Fix[] = info.replacedBy ? [{ title: `Replace with \`${info.replacedBy}\``, edits: [{ range: use.range, newText: info.replacedBy }] }] : [];
      out.push(diag('deprecated-model', file, use.range, `The model \`${use.id}\` is deprecated in the model catalogue${info.replacedBy ? `; use \`${info.replacedBy}\`` : ''}.`, { fixes }));
    }
    if (info.parameters && info.parameters.length) {
      let supported = supportedBy.get(info);
      if (!supported) supportedBy.set(info, (supported = new Set(info.parameters.map(normaliseParameter))));
      for (const p of use.parameters) {
        if (supported.has(normaliseParameter(p.name))) continue;
        out.push(
          diag('model-parameter-unsupported', file, p.range, `\`${info.id}\` does not take the parameter \`${p.name}\` (it takes ${info.parameters.join(', ')}); remove it or pick another model.`),
        );
      }
    }
  }
}

function checkTokenBudget(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  const { policy, models } = catalog.library;
  for (const f of inScope.files) {
    if (!f.messages || !f.messages.length || !inScope(f.path)) continue;
    const model = f.models?.[0] ? findModel(models, f.models[0].id) : undefined;
    const limits: { budget: number; what: string }[] = [];
    if (policy.maxPromptTokens) limits.push({ budget: policy.maxPromptTokens, what: `the library's maxPromptTokens (${policy.maxPromptTokens})` });
    if (model?.contextWindow) limits.push({ budget: model.contextWindow, what: `the context window of ${model.id} (${model.contextWindow})` });
    if (!limits.length) continue;
    const text = approximateRendering(f);
    const minBudget = Math.min(...limits.map((l) => l.budget));
    if (tokenUpperBound(text) <= minBudget) continue; // cannot exceed: skip the tokenizer
    // The model's own tokenizer; for a model without a public one, the conservative estimate (an overestimate).
    const written = f.models?.[0]?.id;
    const tokenizer = tokenizerOf(written === undefined ? undefined : (model?.id ?? normaliseModelId(written) ?? written), model);
    const tokens = countTokens(text, tokenizer);
    const over = limits.filter((l) => tokens > l.budget);
    if (!over.length) continue;
    const range = f.models?.[0]?.range ?? emptyRange;
    const counted =
      tokenizer === 'estimate'
        ? `an estimated ${tokens} tokens (no public tokenizer for the model: 1 token per 3 letters or spaces, 1 per other sign, an overestimate)`
        : `about ${tokens} tokens (${tokenizer})`;
    out.push(diag('token-budget', f.path, range, `The rendered prompt is ${counted}, over ${over.map((o) => o.what).join(' and ')}; shorten it or split it.`));
  }
}

function checkApprovals(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest)) continue;
    if (!a.approval) {
      if (!approvalRequired(catalog, a)) continue;
      const range = manifestRange(catalog, a, 'status#value');
      out.push(
        diag(
          'approval-missing',
          a.manifest,
          range,
          `\`${a.id}\` is approved but has no approval, and the library's policy requires one (requireApproval); have it reviewed and run \`genai-assets approve ${a.id}@${a.version}\`, or set its status back to review. Scaffold, add and update refuse it until then.`,
        ),
      );
      continue;
    }
    const digest = assetDigest(a, catalog.files);
    if (!digest || digest === a.approval.digest) continue;
    const range = manifestRange(catalog, a, 'approval.digest#value');
    out.push(
      diag(
        'approval-digest-mismatch',
        a.manifest,
        range,
        `The content of \`${a.id}\` changed since ${a.approval.by || 'someone'} approved it on ${a.approval.date || 'an unknown date'}; have it reviewed again and re-approve it (\`genai-assets approve ${a.id}@${a.version}\`).`,
        {
          fixes: [{ title: 'Recompute the approval digest (maintainers)', edits: [{ range, newText: digest }], maintainersOnly: true }],
        },
      ),
    );
  }
}
