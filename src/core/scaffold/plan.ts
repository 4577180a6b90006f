// Scaffold planning: resolves the template and components against policy (pure), then lists every file to write.

import * as semver from 'semver';
import { UserError } from '../errors';
import { approvalProblem } from '../library/digest';
import { gitMetadata, isGitName } from '../library/gitMetadata';
import type { FileSource, LibraryFileEntry } from '../library/fileSource';
import { indexById, newest, parseReference, referenceTo } from '../library/references';
import type { Asset, AssetKind, AssetStatus, Catalog } from '../library/types';
import { catalogDigest, lockDigest, serializeLockFile } from './lockFile';
import type { LockedComponent, LockFile } from './lockFile';
import { lockFileName } from './lockFile';
import { pilotFileName, serializePilotManifest } from './pilotFile';
import type { PilotManifest } from './pilotFile';
import { readmeSection, withReadmeSection } from './readme';
import type { ReadmeRow } from './readme';
import { decodeUtf8, looksBinary } from '../text/textDocument';
import { nearest } from '../yaml/yamlDocument';
import { builtinNames, isMarkupFile, makeView, RenderBudget, renderMustache, TemplateRenderError } from './render';
import { sha256Hex } from '../hash';

/** A refusal with every reason found (one per line in the message). */
export class ScaffoldError extends UserError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ScaffoldError';
  }
}

export type SelectionReason = 'requested' | 'dependency' | 'eval';

export interface SelectedComponent {
  asset: Asset;
  /** The reference written to pilot.yaml (`id@range`). */
  reference: string;
  reason: SelectionReason;
  /** For dependencies: the asset that needs it; for eval suites: the prompt they target. */
  via?: string;
}

export interface ResolveOptions {
  /** Add the eval suites that target the chosen prompts (default true). */
  includeEvals?: boolean;
  /** Components a pilot already has (for `add`): kept at their versions, never chosen again. */
  existing?: readonly { id: string; version: string }[];
  /** Assets that are not components but whose `dependsOn` the pilot needs (the template). */
  requiredBy?: readonly Asset[];
}

interface Constraint {
  range?: string;
  /** Who asks: 'requested', or `id@version` of the asset that depends on it, or 'eval'. */
  from: string;
}

const kindsInLayout: AssetKind[] = ['prompt', 'eval', 'module'];

/** The statuses a pilot may be built from (policy.scaffoldStatuses). */
export function allowedStatuses(catalog: Pick<Catalog, 'library'>): AssetStatus[] {
  return catalog.library.policy.scaffoldStatuses;
}

function listStatuses(s: readonly string[]): string {
  return s.length ? s.join(', ') : '(none)';
}

function describeVersions(assets: readonly Asset[]): string {
  const sorted = [...assets].filter((a) => semver.valid(a.version)).sort((a, b) => semver.compare(a.version, b.version));
  return sorted.length ? sorted.map((a) => `${a.version} (${a.status})`).join(', ') : 'no version with a valid semver';
}

function fromText(c: Constraint): string {
  if (c.from === 'requested') return 'requested';
  if (c.from === 'eval') return 'eval suite of a chosen prompt';
  if (c.from === 'template') return 'template';
  return `needed by ${c.from}`;
}

function satisfies(version: string, range: string | undefined): boolean {
  return range === undefined || semver.satisfies(version, range, { includePrerelease: true });
}

/**
 * Chooses the newest version of `id` whose status the policy allows and that satisfies every
 * constraint; otherwise explains why not and what to pick instead.
 */
function choose(catalog: Catalog, byId: Map<string, Asset[]>, id: string, constraints: readonly Constraint[]): { asset?: Asset; problem?: string } {
  const statuses = allowedStatuses(catalog);
  const candidates = (byId.get(id) ?? []).filter((a) => a.kind !== 'template' || constraints.every((c) => c.from === 'template'));
  if (!candidates.length) {
    const templates = (byId.get(id) ?? []).filter((a) => a.kind === 'template');
    if (templates.length) return { problem: `\`${id}\` is a template, not a component (${constraints.map(fromText).join(', ')}); give it with --template instead.` };
    const hint = nearest(id, [...byId.keys()]);
    return { problem: `The library \`${catalog.library.name}\` has no asset \`${id}\` (${constraints.map(fromText).join(', ')})${hint ? `; did you mean \`${hint}\`?` : '.'}` };
  }
  for (const c of constraints) {
    if (c.range !== undefined && semver.validRange(c.range) === null) return { problem: `\`${id}@${c.range}\` (${fromText(c)}): \`${c.range}\` is not a semver range; write e.g. \`${id}@^1.2\`.` };
  }
  const allowed = candidates.filter((a) => semver.valid(a.version) && statuses.includes(a.status));
  const ok = allowed.filter((a) => constraints.every((c) => satisfies(a.version, c.range)));
  const best = newest(ok);
  if (best) return { asset: best };
  const suggestion = (): string => {
    const top = newest(allowed);
    return top ? ` Pick \`${referenceTo(top)}\` (${top.version}, ${top.status}) instead.` : '';
  };
  // One constraint that no allowed version meets on its own.
  for (const c of constraints.length ? constraints : [{ from: 'requested' } as Constraint]) {
    if (allowed.some((a) => satisfies(a.version, c.range))) continue;
    const inRange = candidates.filter((a) => semver.valid(a.version) && satisfies(a.version, c.range));
    const shown = c.range !== undefined ? `\`${id}@${c.range}\`` : `\`${id}\``;
    if (inRange.length) {
      const top = newest(inRange)!;
      let msg = `${shown} (${fromText(c)}) resolves to ${top.version}, which is ${top.status}; the library's policy allows only ${listStatuses(statuses)} for pilots.`;
      if (top.replacedBy) msg += ` Use its replacement \`${top.replacedBy}\` instead.`;
      else if (allowed.length) msg += suggestion();
      else msg += ` No version of it is ${listStatuses(statuses)}; ask its owners${top.owners.length ? ` (${top.owners.join(', ')})` : ''} to get one approved.`;
      return { problem: msg };
    }
    return {
      problem: `No version of \`${id}\` satisfies ${c.range !== undefined ? `\`${c.range}\`` : 'the reference'} (${fromText(c)}); the library has ${describeVersions(candidates)}.${suggestion()}`,
    };
  }
  const ranged = constraints.filter((c) => c.range !== undefined);
  return {
    problem: `No allowed version of \`${id}\` satisfies ${ranged.map((c) => `\`${c.range}\` (${fromText(c)})`).join(' and ')} together; allowed versions: ${describeVersions(allowed)}. Align the ranges (for example, update the asset that asks for the older one).`,
  };
}

function parseRefOrProblem(catalog: Catalog, raw: string, problems: string[]): { id: string; range?: string; raw: string } | undefined {
  const ref = parseReference(raw);
  if (!ref) {
    problems.push(`\`${raw}\` is not a reference; write \`id\`, \`id@range\` (e.g. \`summarize-ticket@^1.2\`) or \`library:id@range\`.`);
    return undefined;
  }
  if (ref.library !== undefined && ref.library !== catalog.library.name) {
    problems.push(`\`${raw}\` names the library \`${ref.library}\`, but the pilot is built from \`${catalog.library.name}\`; components come from one library.`);
    return undefined;
  }
  return { id: ref.id, range: ref.range, raw: ref.range !== undefined ? `${ref.id}@${ref.range}` : ref.id };
}

/** Resolves the template reference: the newest allowed template version in range. Throws ScaffoldError. */
export function resolveTemplate(catalog: Catalog, raw: string): { asset: Asset; reference: string } {
  const problems: string[] = [];
  const ref = parseRefOrProblem(catalog, raw, problems);
  if (!ref) throw new ScaffoldError(problems);
  const byId = indexById(catalog.assets);
  const all = byId.get(ref.id) ?? [];
  if (all.length && !all.some((a) => a.kind === 'template')) {
    const templates = [...new Set(catalog.assets.filter((a) => a.kind === 'template').map((a) => a.id))];
    throw new ScaffoldError([
      `\`${ref.id}\` is a ${all[0].kind}, not a template; give a template with --template${templates.length ? ` (this library has ${templates.map((t) => `\`${t}\``).join(', ')})` : ''}.`,
    ]);
  }
  const templatesById = indexById(catalog.assets.filter((a) => a.kind === 'template'));
  if (!all.length) {
    const hint = nearest(ref.id, [...templatesById.keys()]);
    const templates = [...templatesById.keys()];
    throw new ScaffoldError([
      `The library \`${catalog.library.name}\` has no template \`${ref.id}\`${hint ? `; did you mean \`${hint}\`?` : templates.length ? ` (templates: ${templates.map((t) => `\`${t}\``).join(', ')}).` : ' and no templates at all.'}`,
    ]);
  }
  const r = choose(catalog, templatesById, ref.id, [{ range: ref.range, from: 'template' }]);
  if (!r.asset) throw new ScaffoldError([r.problem!.replace(' (template)', '')]);
  return { asset: r.asset, reference: ref.range !== undefined ? ref.raw : referenceTo(r.asset) };
}

/**
 * Resolves component references: each to the newest version that its range and the policy
 * allow; `dependsOn` followed transitively (reported as dependencies); eval suites targeting
 * the chosen prompts added unless `includeEvals` is false. Throws ScaffoldError with every
 * problem found.
 */
export function resolveComponents(catalog: Catalog, raws: readonly string[], opts: ResolveOptions = {}): SelectedComponent[] {
  const includeEvals = opts.includeEvals ?? true;
  const problems: string[] = [];
  const byId = indexById(catalog.assets);
  const existing = new Map((opts.existing ?? []).map((e) => [e.id, e.version]));
  const requested: { id: string; range?: string; raw: string }[] = [];
  for (const raw of raws) {
    const ref = parseRefOrProblem(catalog, raw, problems);
    if (!ref) continue;
    if (existing.has(ref.id)) {
      problems.push(`\`${ref.id}\` is already in the pilot (${existing.get(ref.id)}); use \`genai-assets update\` to move it to another version.`);
      continue;
    }
    requested.push(ref);
  }
  if (problems.length) throw new ScaffoldError(problems);

  const assetAt = (id: string, version: string) => (byId.get(id) ?? []).find((a) => a.version === version);
  let chosen = new Map<string, Asset>();
  let evals = new Map<string, { version: string; via: string }>();
  let constraintsSeen = new Map<string, Constraint[]>();
  let settled = false;
  for (let round = 0; round < 32 && !settled; round++) {
    problems.length = 0;
    const constraints = new Map<string, Constraint[]>();
    const add = (id: string, c: Constraint) => {
      const list = constraints.get(id);
      if (list) list.push(c);
      else constraints.set(id, [c]);
    };
    for (const r of requested) add(r.id, { range: r.range, from: 'requested' });
    for (const [id, e] of evals) if (!constraints.has(id)) add(id, { range: e.version, from: 'eval' });
    const dependents: Asset[] = [...chosen.values(), ...(opts.requiredBy ?? [])];
    for (const [id, v] of existing) {
      const a = assetAt(id, v);
      if (a) dependents.push(a);
    }
    for (const a of dependents) {
      for (const r of a.references) {
        if (r.field !== 'dependsOn') continue;
        if (r.ref.library !== undefined && r.ref.library !== catalog.library.name) {
          problems.push(`\`${a.id}@${a.version}\` depends on \`${r.ref.raw}\` from another library; pilots are built from one library.`);
          continue;
        }
        add(r.ref.id, { range: r.ref.range, from: `${a.id}@${a.version}` });
      }
    }
    const next = new Map<string, Asset>();
    for (const [id, cs] of constraints) {
      const fixed = existing.get(id);
      if (fixed !== undefined) {
        for (const c of cs) {
          if (!satisfies(fixed, c.range))
            problems.push(`\`${id}\` is at ${fixed} in the pilot, but ${c.from} needs \`${id}@${c.range}\`; update it first (\`genai-assets update PILOT ${id}@${c.range}\`).`);
        }
        continue;
      }
      const r = choose(catalog, byId, id, cs);
      if (r.asset) next.set(id, r.asset);
      else problems.push(r.problem!);
    }
    let nextEvals = evals;
    if (includeEvals) {
      nextEvals = new Map();
      const prompts = [...next.values()].filter((a) => a.kind === 'prompt');
      const statuses = allowedStatuses(catalog);
      const suites = new Map<string, { asset: Asset; via: string }>();
      for (const e of catalog.assets) {
        if (e.kind !== 'eval' || !statuses.includes(e.status) || !semver.valid(e.version) || existing.has(e.id)) continue;
        const target = e.references.find((r) => r.field === 'targets' && prompts.some((p) => p.id === r.ref.id && satisfies(p.version, r.ref.range)));
        if (!target) continue;
        const cur = suites.get(e.id);
        if (!cur || semver.gt(e.version, cur.asset.version)) suites.set(e.id, { asset: e, via: target.ref.id });
      }
      for (const [id, s] of suites) if (!requested.some((r) => r.id === id)) nextEvals.set(id, { version: s.asset.version, via: s.via });
    }
    const same = (a: Map<string, Asset>, b: Map<string, Asset>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    const sameEvals = nextEvals.size === evals.size && [...nextEvals].every(([k, v]) => evals.get(k)?.version === v.version);
    settled = same(chosen, next) && sameEvals;
    chosen = next;
    evals = nextEvals;
    constraintsSeen = constraints;
  }
  if (!settled && !problems.length) problems.push('The dependencies of the chosen components do not settle on one set of versions; pin the components with exact ranges.');
  if (problems.length) throw new ScaffoldError([...new Set(problems)]);

  const out: SelectedComponent[] = [];
  for (const r of requested) {
    const a = chosen.get(r.id);
    if (a && !out.some((o) => o.asset.id === r.id)) out.push({ asset: a, reference: r.range !== undefined ? r.raw : referenceTo(a), reason: 'requested' });
  }
  const rest = [...chosen.values()].filter((a) => !out.some((o) => o.asset.id === a.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const a of rest.filter((x) => !evals.has(x.id))) {
    const cs = (constraintsSeen.get(a.id) ?? []).filter((c) => c.from !== 'requested');
    const ranged = cs.filter((c) => c.range !== undefined);
    const reference = ranged.length === 1 ? `${a.id}@${ranged[0].range}` : referenceTo(a);
    out.push({ asset: a, reference, reason: 'dependency', via: cs[0]?.from });
  }
  for (const a of rest.filter((x) => evals.has(x.id))) out.push({ asset: a, reference: referenceTo(a), reason: 'eval', via: evals.get(a.id)!.via });
  return out;
}

/** Refusal reason for a pilot name, or undefined when it is fine (kebab-case, as pilot.yaml requires). */
export function checkPilotName(name: string): string | undefined {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) return `The pilot name \`${name}\` must be kebab-case: lowercase letters and digits separated by single hyphens (e.g. \`ticket-triage\`).`;
  if (name.length > 100) return 'The pilot name is longer than 100 characters.';
  return undefined;
}

/** Why a single rendered path segment is refused, or undefined when it is a safe file or folder name. */
export function checkSegment(seg: string): string | undefined {
  if (seg === '.' || seg === '..') return `is \`${seg}\`, which would leave its folder`;
  if (/[/\\]/.test(seg)) return 'contains a path separator';
  if (/[\u0000-\u001f<>:"|?*]/.test(seg)) return 'contains a character that file names may not hold (control characters or <>:"|?*)';
  if (seg.length > 255) return 'is longer than 255 characters';
  if (isGitName(seg)) return 'is a name git reads as `.git` (its own data, which can run programs)';
  return undefined;
}

/** Checks a folder from a template layout (after rendering); returns the normalised folder ('' = the pilot root) or a reason. */
export function checkLayoutFolder(value: string): { folder?: string; problem?: string } {
  if (/^[/\\]/.test(value) || /^[a-zA-Z]:/.test(value)) return { problem: 'is an absolute path; layouts name folders inside the pilot' };
  if (value.includes('\\')) return { problem: "contains a backslash; use '/' between folders" };
  const segs = value.split('/').filter((s) => s !== '' && s !== '.');
  for (const s of segs) {
    const why = checkSegment(s);
    if (why) return { problem: `has a part that ${why}` };
  }
  return { folder: segs.join('/') };
}

/** Stands for a path separator that came from a value (never allowed in a rendered name). */
const valueSeparator = '\uE000';

/** The view with every '/' and '\' in string values replaced by a marker, for rendering paths. */
function separatorFreeView(view: Record<string, unknown>): Record<string, unknown> {
  const map = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/[/\\]/g, valueSeparator);
    if (Array.isArray(v)) return v.map(map);
    if (v && typeof v === 'object') {
      const o = Object.create(null) as Record<string, unknown>;
      for (const [k, x] of Object.entries(v)) o[k] = map(x);
      return o;
    }
    return v;
  };
  return map(view) as Record<string, unknown>;
}

/**
 * Renders a template file's path (relative to the template) as one Mustache text, so that a
 * section may span folders (`{{#ci}}.github/ci.yml{{/ci}}`). The path's own '/' separate
 * folders; a value may not add any. A path that renders with an empty part is skipped (a
 * conditional file); one with a part that could leave its folder is refused.
 */
export function renderTemplatePath(rel: string, pathView: Record<string, unknown>, file: string, problems: string[], warnings: string[], budget?: RenderBudget): string | undefined {
  let rendered: string;
  try {
    rendered = renderMustache(rel, pathView, `${file} (file name)`, { budget }).text;
  } catch (e) {
    problems.push((e as Error).message);
    return undefined;
  }
  const shownName = rendered.split(valueSeparator).join('/');
  if (rendered.includes(valueSeparator)) {
    problems.push(
      `Template file \`${rel}\` would be named \`${shownName}\` with these parameters: a value puts a path separator into the name, which is refused (no value may choose folders, and no path may leave the pilot folder).`,
    );
    return undefined;
  }
  const segs = rendered.split('/');
  if (segs.some((s) => s === '')) {
    warnings.push(`Template file \`${rel}\` was skipped: its name renders empty with these parameters.`);
    return undefined;
  }
  for (const s of segs) {
    const why = checkSegment(s);
    if (why) {
      problems.push(`Template file \`${rel}\` would be named \`${shownName}\` with these parameters; its part \`${s}\` ${why}, so it is refused (no path may leave the pilot folder).`);
      return undefined;
    }
  }
  return segs.join('/');
}

export interface PlannedFile {
  /** Path inside the pilot, '/' separated. */
  path: string;
  data: Uint8Array;
  origin: 'template' | 'component' | 'pilot';
  /** For component files: the component's id. */
  component?: string;
}

export interface ScaffoldRequest {
  catalog: Catalog;
  /** Reads the library's files (the same version as the catalog). */
  source: FileSource;
  /** The library as recorded in pilot.yaml and the lock (url: git URL, or folder relative to the pilot). */
  library: { name: string; url: string; ref?: string; commit: string };
  name: string;
  template: Asset;
  /** The template reference written to pilot.yaml. */
  templateReference: string;
  components: readonly SelectedComponent[];
  /** Checked parameter values (see checkParameters). */
  parameters: Record<string, unknown>;
}

export interface ScaffoldPlan {
  files: PlannedFile[];
  manifest: PilotManifest;
  lock: LockFile;
  /** Folder of each component inside the pilot, by id. */
  folders: Map<string, string>;
  /** Things worth telling (unknown names in templates, files skipped because a name rendered empty). */
  warnings: string[];
}

/** The built-in values a template sees besides its parameters. */
export function templateView(req: Pick<ScaffoldRequest, 'name' | 'library' | 'template' | 'components' | 'parameters'>, folders?: Map<string, string>): Record<string, unknown> {
  const data: Record<string, unknown> = { ...req.parameters };
  if (!('name' in data)) data.name = req.name;
  data.pilot = {
    name: req.name,
    library: { name: req.library.name, url: req.library.url },
    template: { id: req.template.id, version: req.template.version },
    components: req.components.map((c) => ({
      id: c.asset.id,
      kind: c.asset.kind,
      version: c.asset.version,
      title: c.asset.title,
      description: c.asset.description,
      reference: c.reference,
      path: folders?.get(c.asset.id) ?? '',
    })),
  };
  return makeView(data);
}

/** The pilot folders per kind that a template's layout names (rendered with the view), checked. */
export function layoutFolders(template: Asset, view: Record<string, unknown>, budget?: RenderBudget): { folders: Record<string, string>; problems: string[] } {
  const folders: Record<string, string> = {};
  const problems: string[] = [];
  for (const kind of kindsInLayout) {
    const raw = template.layout?.[kind];
    if (raw === undefined) {
      folders[kind] = `genai-assets/${kind}`;
      continue;
    }
    if (typeof raw !== 'string') {
      problems.push(`The layout of template \`${template.id}\` gives a non-text folder for ${kind}; its owners must fix asset.yaml.`);
      continue;
    }
    let rendered: string;
    try {
      rendered = renderMustache(raw, view, `${template.manifest ?? template.path}: layout.${kind}`, { budget }).text;
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const r = checkLayoutFolder(rendered);
    if (r.problem) problems.push(`The layout of template \`${template.id}\` puts ${kind} components in \`${rendered}\`, which ${r.problem}; it is refused.`);
    else folders[kind] = r.folder!;
  }
  return { folders, problems };
}

/** Folder of a component inside the pilot: `<layout folder of its kind>/<id>`. */
export function componentDestination(folders: Record<string, string>, asset: Pick<Asset, 'id' | 'kind'>): string {
  const base = folders[asset.kind] ?? `genai-assets/${asset.kind}`;
  return base ? `${base}/${asset.id}` : asset.id;
}

/** Path of an asset's file relative to the asset (its folder, or its own name for a single-file asset). */
export function assetRelative(asset: Pick<Asset, 'path' | 'managed'>, file: string): string {
  if (!asset.managed) return file.slice(file.lastIndexOf('/') + 1);
  return asset.path && file.startsWith(asset.path + '/') ? file.slice(asset.path.length + 1) : file;
}

/**
 * The files of an asset that go into a pilot (scaffold, add and update all copy through this): every
 * file but git metadata, judged by the paths as they land in the pilot. A `.git` entry (under any
 * name git reads as `.git`) or a folder git takes for a git directory would make `git status` in
 * the pilot run the library's programs (core.fsmonitor, hooks). `skipped` lists what was left out.
 */
export function copiedFiles(asset: Pick<Asset, 'path' | 'managed' | 'files'>): { files: string[]; skipped: string[] } {
  const meta = gitMetadata(asset.files.map((f) => assetRelative(asset, f))).paths;
  if (!meta.size) return { files: [...asset.files], skipped: [] };
  const files: string[] = [];
  const skipped: string[] = [];
  for (const f of asset.files) (meta.has(assetRelative(asset, f)) ? skipped : files).push(f);
  return { files, skipped };
}

/** The warning for git metadata left out of a pilot. */
export function skippedGitNote(role: string, asset: Pick<Asset, 'id'>, skipped: readonly string[]): string {
  const shown =
    skipped
      .slice(0, 5)
      .map((f) => `\`${f}\``)
      .join(', ') + (skipped.length > 5 ? ` and ${skipped.length - 5} more` : '');
  return `${role} \`${asset.id}\`: ${shown} not copied: git metadata (a .git entry or a git directory) never goes into a pilot. \`genai-assets validate\` reports it in the library; its owners should remove it.`;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length) as R[];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/**
 * Checks that an asset's files can be used: no link (links are never followed), no
 * path-escape finding in its folder, and an approval that matches its content where it has
 * one or the policy asks for one (digest.ts approvalProblem). Returns the problems.
 */
export function assetFileProblems(catalog: Catalog, asset: Asset, entries: Map<string, LibraryFileEntry>, role: string): string[] {
  const problems: string[] = [];
  const inside = (p: string) => (asset.managed ? asset.path === '' || p.startsWith(asset.path + '/') : p === asset.path);
  for (const d of catalog.diagnostics) {
    if (d.code === 'path-escape' && inside(d.file)) problems.push(`${role} \`${asset.id}\` has a path that leads out of the library (${d.file}); it cannot be used until its owners fix it.`);
  }
  const approval = approvalProblem(catalog, asset, role);
  if (approval) problems.push(approval);
  for (const f of asset.files) {
    const e = entries.get(f);
    if (e?.type === 'symlink') problems.push(`${role} \`${asset.id}\` holds the link \`${f}\`; links are not followed when scaffolding. Its owners should replace it with a real file.`);
    else if (!e) problems.push(`${role} \`${asset.id}\`: the file \`${f}\` is not in the library any more; sync the library and try again.`);
  }
  return [...new Set(problems)];
}

/** Case-insensitive collisions between planned paths, and files that would also have to be folders. */
function collisions(files: readonly PlannedFile[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, PlannedFile>();
  const describe = (f: PlannedFile) => (f.origin === 'template' ? 'a template file' : f.origin === 'component' ? `a file of component \`${f.component}\`` : 'a file genai-assets writes');
  for (const f of files) {
    const key = f.path.toLowerCase();
    const other = seen.get(key);
    if (other) problems.push(`\`${f.path}\` would be written twice: by ${describe(other)} and by ${describe(f)}. Change the template's file names or its layout.`);
    else seen.set(key, f);
  }
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/').toLowerCase();
      const clash = seen.get(dir);
      if (clash) problems.push(`\`${clash.path}\` is ${describe(clash)}, but ${describe(f)} needs a folder of that name (\`${f.path}\`).`);
    }
  }
  return [...new Set(problems)];
}

/**
 * Plans a new pilot: renders the template's files (contents and names), copies the
 * components' files under the layout, and writes pilot.yaml, the README section and
 * pilot.lock.json. Nothing is written; throws ScaffoldError listing every refusal.
 */
export async function planScaffold(req: ScaffoldRequest): Promise<ScaffoldPlan> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const { catalog, template } = req;
  const nameProblem = checkPilotName(req.name);
  if (nameProblem) problems.push(nameProblem);
  const entries = new Map((await req.source.list()).map((e) => [e.path, e]));
  problems.push(...assetFileProblems(catalog, template, entries, 'Template'));
  for (const c of req.components) problems.push(...assetFileProblems(catalog, c.asset, entries, 'Component'));

  // Layout first: the view tells templates where each component lives.
  const budget = new RenderBudget();
  const preView = templateView(req);
  const layout = layoutFolders(template, preView, budget);
  problems.push(...layout.problems);
  const folders = new Map(req.components.map((c) => [c.asset.id, componentDestination(layout.folders, c.asset)]));
  const view = templateView(req, folders);
  if (problems.length) throw new ScaffoldError(problems);

  const files: PlannedFile[] = [];
  const pathView = separatorFreeView(view);
  // The template's files, rendered.
  const templateCopied = copiedFiles(template);
  if (templateCopied.skipped.length) warnings.push(skippedGitNote('Template', template, templateCopied.skipped));
  const templateFiles = templateCopied.files.filter((f) => f !== template.manifest);
  const rendered = await mapLimited(templateFiles, 8, async (f): Promise<PlannedFile | undefined> => {
    const rel = assetRelative(template, f);
    const path = renderTemplatePath(rel, pathView, f, problems, warnings, budget);
    if (path === undefined) return undefined;
    const bytes = await req.source.read(f);
    const text = looksBinary(bytes) ? undefined : decodeUtf8(bytes);
    if (text === undefined) return { path, data: bytes, origin: 'template' };
    try {
      const r = renderMustache(text, view, f, { html: isMarkupFile(path), budget });
      for (const n of r.unknownNames) warnings.push(`Template file \`${rel}\` uses \`{{${n}}}\`, which is neither a parameter nor a built-in (${builtinNames.join(', ')}); it rendered as nothing.`);
      return { path, data: new TextEncoder().encode(r.text), origin: 'template' };
    } catch (e) {
      if (e instanceof TemplateRenderError) {
        problems.push(e.message);
        return undefined;
      }
      throw e;
    }
  });
  for (const f of rendered) if (f) files.push(f);
  for (const reserved of [pilotFileName, lockFileName]) {
    if (files.some((f) => f.path.toLowerCase() === reserved))
      problems.push(`The template has a file that would be written as \`${reserved}\`, which genai-assets writes itself; its owners must rename it.`);
  }

  // The components' files, copied unchanged.
  const locked: LockedComponent[] = [];
  for (const c of req.components) {
    const dest = folders.get(c.asset.id)!;
    const copied = copiedFiles(c.asset);
    if (copied.skipped.length) warnings.push(skippedGitNote('Component', c.asset, copied.skipped));
    const own = await mapLimited(copied.files, 8, async (f) => {
      const rel = assetRelative(c.asset, f);
      const data = await req.source.read(f);
      return { path: dest ? `${dest}/${rel}` : rel, data, origin: 'component' as const, component: c.asset.id };
    });
    files.push(...own);
    const digest =
      lockDigest(c.asset, catalog.files) ??
      `sha256:${sha256Hex(
        own
          .map((o) => `${o.path}\0${sha256Hex(o.data)}\n`)
          .sort()
          .join(''),
      )}`;
    locked.push({ id: c.asset.id, kind: c.asset.kind, version: c.asset.version, digest, files: own.map((o) => ({ path: o.path, sha256: sha256Hex(o.data) })) });
  }

  const manifest: PilotManifest = {
    name: req.name,
    library: { name: req.library.name, url: req.library.url },
    template: req.templateReference,
    components: req.components.map((c) => c.reference),
    parameters: { ...req.parameters },
  };
  if (req.library.ref !== undefined) manifest.library.ref = req.library.ref;
  const lock: LockFile = {
    library: { name: req.library.name, url: req.library.url, commit: req.library.commit || catalogDigest(catalog) },
    template: { id: template.id, version: template.version },
    components: locked,
  };

  // README: the template's own, with the components section appended; else a new one.
  const rows: ReadmeRow[] = req.components.map((c) => ({
    id: c.asset.id,
    kind: c.asset.kind,
    version: c.asset.version,
    status: c.asset.status,
    owners: c.asset.owners,
    path: folders.get(c.asset.id)!,
  }));
  const section = readmeSection(rows, lock.library);
  const readme = files.find((f) => f.origin === 'template' && f.path.toLowerCase() === 'readme.md');
  if (readme) {
    const text = decodeUtf8(readme.data);
    if (text !== undefined) readme.data = new TextEncoder().encode(withReadmeSection(text, section));
    else warnings.push('The template README.md is not UTF-8 text; the components section was not added.');
  } else if (req.components.length) {
    files.push({ path: 'README.md', data: new TextEncoder().encode(`# ${req.name}\n\n${section}`), origin: 'pilot' });
  }
  files.push({ path: pilotFileName, data: new TextEncoder().encode(serializePilotManifest(manifest)), origin: 'pilot' });
  files.push({ path: lockFileName, data: new TextEncoder().encode(serializeLockFile(lock)), origin: 'pilot' });
  problems.push(...collisions(files));
  // Files from different sources (template and components) could still add up to a git directory.
  for (const d of gitMetadata(files.map((f) => f.path)).directories)
    problems.push(
      `The pilot would hold a git directory at \`${d || '.'}\` (HEAD with config, objects/ or refs/), made of the template's and components' files; git could run programs from it, so it is refused. The template's owners should rename those files.`,
    );
  if (problems.length) throw new ScaffoldError([...new Set(problems)]);
  return { files, manifest, lock, folders, warnings: [...new Set(warnings)] };
}
