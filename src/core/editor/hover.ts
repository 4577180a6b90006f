// Hovers: template variables, asset references, model ids and manifest fields, as Markdown with the range they cover.

import { findModel, modelAllowed, normaliseModelId } from '../checks/models';
import type { Position, Range } from '../diagnostics';
import type { InputDecl, ParsedFile } from '../formats/types';
import { indexById, parseReference, resolveReference } from '../library/references';
import type { Asset, Catalog, ModelInfo } from '../library/types';
import { codeSpan as code, escapeMarkdown as md } from '../text/markdown';
import { plural } from '../text/plural';
import type { TextDocument } from '../text/textDocument';
import { nearest } from '../yaml/yamlDocument';
import { fieldInfo } from './schemaInfo';
import { yamlNodeAt, yamlRegionOf } from './yamlContext';
import type { YamlPath } from './yamlContext';

/** A file as the editor has it, with what it is checked against. */
export interface EditorFile {
  /** The file parsed from the editor's current text. */
  file: ParsedFile;
  doc: TextDocument;
  /** The catalog (with the editor's unsaved texts) the file belongs to, when it is in a library. */
  catalog?: Catalog;
  /** The other loaded libraries, for `library:id@range` references and pilots. */
  libraries?: readonly Catalog[];
}

/** A link to a place in a library file, as the editor writes it (a URI), or undefined when it cannot. */
export type LinkTo = (catalog: Catalog | undefined, path: string, range?: Range) => string | undefined;

export interface HoverResult {
  /** Markdown; every library string in it is escaped. */
  markdown: string;
  range: Range;
}

function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

function number(n: number): string {
  return n.toLocaleString('en-US');
}

function valueText(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}

/** What the hover and completion providers leave to other tools. */
export interface FeatureOptions {
  /**
   * False when another tool already describes this file's fields from its JSON Schema (the
   * YAML extension reading our yamlValidation contributions): no field hovers or field and
   * value completions then, so nothing shows twice.
   */
  schemaFields?: boolean;
}

/** The hover at a position of a file, or undefined when there is nothing to say. */
export function hoverAt(ctx: EditorFile, pos: Position, linkTo: LinkTo = () => undefined, opts: FeatureOptions = {}): HoverResult | undefined {
  const { file, doc } = ctx;
  const offset = doc.offsetAt(pos);
  // 1. Template variables (uses in the body) and input declarations.
  const use = file.variables?.find((v) => contains(v.range, pos));
  if (use) return { markdown: variableHover(ctx, use.name, 'use', linkTo), range: use.range };
  const decl = file.inputs?.find((i) => contains(i.range, pos));
  if (decl) return { markdown: variableHover(ctx, decl.name, 'declaration', linkTo), range: decl.range };
  // 2. Eval test vars: the target prompt's input.
  for (const t of file.evalSuite?.tests ?? []) {
    const v = t.vars.find((x) => contains(x.range, pos));
    if (v) return { markdown: evalVarHover(ctx, v.name, linkTo), range: v.range };
  }
  // 3. Model ids in prompts and suites.
  const model = (file.models ?? file.evalSuite?.providers ?? []).find((m) => contains(m.range, pos));
  if (model) return { markdown: modelHover(ctx.catalog, model.id), range: model.range };
  // 4. YAML: references, model fields of manifests, field descriptions.
  const region = yamlRegionOf(file.format, doc);
  if (!region) return undefined;
  const hit = yamlNodeAt(doc, region, offset);
  if (!hit) return undefined;
  const range = doc.rangeOf(hit.start, hit.end);
  if (hit.on === 'value' && typeof hit.value === 'string') {
    const field = referenceField(file.format, hit.path);
    if (field) return { markdown: referenceHover(ctx, hit.value, field, linkTo), range };
    if (isModelField(file.format, hit.path)) return { markdown: modelHover(ctx.catalog, hit.value), range };
  }
  if (hit.on === 'key' && region.schema && opts.schemaFields !== false) {
    const info = fieldInfo(region.schema, hit.path);
    if (!info) return undefined;
    const key = hit.path[hit.path.length - 1];
    const lines = [`**${code(String(key))}**${info.types.length ? ` · ${info.types.join(' | ')}` : ''}`];
    if (info.description) lines.push('', md(info.description));
    if (info.enum?.length) lines.push('', `One of: ${info.enum.map((v) => code(valueText(v))).join(', ')}`);
    return { markdown: lines.join('\n'), range };
  }
  return undefined;
}

/** Which reference field a YAML path of a manifest is, if any. */
export function referenceField(format: ParsedFile['format'], path: YamlPath): 'targets' | 'dependsOn' | 'replacedBy' | 'template' | 'components' | undefined {
  if (format === 'asset-manifest') {
    if ((path[0] === 'targets' || path[0] === 'dependsOn') && path.length === 2 && typeof path[1] === 'number') return path[0];
    if (path[0] === 'replacedBy' && path.length === 1) return 'replacedBy';
  }
  if (format === 'pilot-manifest') {
    if (path[0] === 'template' && path.length === 1) return 'template';
    if (path[0] === 'components' && path.length === 2 && typeof path[1] === 'number') return 'components';
  }
  return undefined;
}

/** True when a YAML path of a file names a model of the catalogue (not the prompts' own `model:`, which `file.models` covers). */
export function isModelField(format: ParsedFile['format'], path: YamlPath): boolean {
  if (format === 'asset-manifest') return path.length === 1 && path[0] === 'model';
  if (format === 'library-manifest') {
    if (path[0] === 'models' && path.length === 3 && (path[2] === 'id' || path[2] === 'replacedBy')) return true;
    return path[0] === 'policy' && path[1] === 'allowedModels' && path.length === 3;
  }
  return false;
}

function declarationOf(file: ParsedFile, name: string): InputDecl | undefined {
  return file.inputs?.find((i) => i.name === name);
}

function describeInput(i: InputDecl): string[] {
  const lines = [`**${code(i.name)}** · input · ${i.type === 'any' ? 'any type' : i.type}${i.required ? ', required' : ', optional'}`];
  if (i.description) lines.push('', md(i.description));
  if (i.default !== undefined) lines.push('', `Default: ${code(valueText(i.default))}`);
  return lines;
}

function variableHover(ctx: EditorFile, name: string, where: 'use' | 'declaration', linkTo: LinkTo): string {
  const { file } = ctx;
  if (file.templateLanguage === 'vscode-input') {
    const uses = file.variables?.filter((v) => v.name === name).length ?? 0;
    return [`**${code(name)}** · input asked for when the prompt runs`, '', `VS Code prompts for it (${code(`\${input:${name}}`)}); used ${plural(uses, 'time')} in this file.`].join('\n');
  }
  const decl = declarationOf(file, name);
  if (!decl) {
    if (!file.inputs) return `**${code(name)}** · template variable\n\nThis format declares no inputs, so the variable is not checked.`;
    const suggestion = nearest(
      name,
      file.inputs.map((i) => i.name),
    );
    return [`**${code(name)}** · not declared`, '', `No input of this prompt is named ${code(name)}${suggestion ? `; did you mean ${code(suggestion)}?` : '.'}`].join('\n');
  }
  const lines = describeInput(decl);
  const uses = file.variables?.filter((v) => v.name === name).length ?? 0;
  if (where === 'use') {
    const link = linkTo(ctx.catalog, file.path, decl.range);
    const line = `line ${decl.range.start.line + 1}`;
    lines.push('', `Declared on ${link ? `[${line}](${link})` : line} · used ${uses} time${uses === 1 ? '' : 's'}`);
  } else lines.push('', uses ? `Used ${uses} time${uses === 1 ? '' : 's'} in the template.` : 'Not used in the template.');
  return lines.join('\n');
}

/** The prompts an eval suite file targets (through its asset's `targets`). */
export function targetPrompts(catalog: Catalog | undefined, suitePath: string): { asset: Asset; file: ParsedFile }[] {
  if (!catalog) return [];
  const owner = catalog.assets.find((a) => a.kind === 'eval' && a.entryFile === suitePath);
  if (!owner) return [];
  const byId = indexById(catalog.assets);
  const out: { asset: Asset; file: ParsedFile }[] = [];
  for (const r of owner.references) {
    if (r.field !== 'targets' || (r.ref.library && r.ref.library !== catalog.library.name)) continue;
    const target = resolveReference(r.ref, byId).asset;
    const f = target?.entryFile ? catalog.files.get(target.entryFile) : undefined;
    if (target && f) out.push({ asset: target, file: f });
  }
  return out;
}

function evalVarHover(ctx: EditorFile, name: string, linkTo: LinkTo): string {
  const targets = targetPrompts(ctx.catalog, ctx.file.path);
  if (!targets.length) return `**${code(name)}** · test variable\n\nThis suite's asset targets no prompt of the library, so the variable is not checked.`;
  const parts: string[] = [];
  for (const { asset, file } of targets) {
    const decl = declarationOf(file, name);
    const head = `${md(asset.title)} (${code(`${asset.id}@${asset.version}`)})`;
    if (!decl) {
      parts.push(`${code(name)} is not an input of ${head}${file.inputs ? `; its inputs: ${file.inputs.map((i) => code(i.name)).join(', ') || 'none'}` : ''}.`);
      continue;
    }
    const link = linkTo(ctx.catalog, file.path, decl.range);
    parts.push([...describeInput(decl), '', `Input of ${head}${link ? ` · [declared here](${link})` : ''}`].join('\n'));
  }
  return parts.join('\n\n---\n\n');
}

function money(n: number): string {
  return `$${
    n < 1
      ? n
          .toFixed(n < 0.1 ? 3 : 2)
          .replace(/0+$/, '')
          .replace(/\.$/, '')
      : n.toFixed(2)
  }`;
}

/** Markdown about a model id: the catalogue's limits, prices and deprecation, and the policy's verdict. */
export function modelHover(catalog: Catalog | undefined, written: string): string {
  const id = normaliseModelId(written) ?? written;
  if (!catalog) return `**${code(written)}** · model\n\nNot in a library, so there is no model catalogue to look it up in.`;
  const { models, policy, name } = catalog.library;
  const info: ModelInfo | undefined = findModel(models, id);
  const lines: string[] = [];
  if (!info) {
    lines.push(`**${code(id)}** · model`, '', `Not in the model catalogue of ${md(name)}${models.length ? ` (${models.length} model${models.length === 1 ? '' : 's'})` : ''}.`);
  } else {
    lines.push(`**${code(info.id)}** · model catalogue of ${md(name)}`, '');
    const limits: string[] = [];
    if (info.contextWindow) limits.push(`context window ${number(info.contextWindow)} tokens`);
    if (info.maxOutputTokens) limits.push(`output up to ${number(info.maxOutputTokens)} tokens`);
    if (limits.length) lines.push(`${limits.join(' · ')}`.replace(/^./, (c) => c.toUpperCase()) + '  ');
    const p = info.pricing;
    if (p && (p.inputPerMTok !== undefined || p.outputPerMTok !== undefined)) {
      lines.push(
        `Price per million tokens: ${p.inputPerMTok !== undefined ? `${money(p.inputPerMTok)} input` : 'input not given'}, ${p.outputPerMTok !== undefined ? `${money(p.outputPerMTok)} output` : 'output not given'}  `,
      );
    }
    if (info.parameters?.length) lines.push(`Parameters: ${info.parameters.map((x) => code(x)).join(', ')}  `);
    if (info.deprecated) lines.push('', `**Deprecated**${info.replacedBy ? `: use ${code(info.replacedBy)} instead` : ''}.`);
  }
  if (!modelAllowed(policy.allowedModels, id, models)) lines.push('', `Not allowed by the library policy (allowed: ${policy.allowedModels.map((g) => code(g)).join(', ')}).`);
  return lines.join('\n').replace(/\s+$/, '');
}

/** The catalog a reference of a field names: a pilot's library (by `library.name`), `library:` of a reference, or the file's own. */
export function catalogFor(ctx: EditorFile, library: string | undefined, field: string): Catalog | undefined {
  if (field === 'template' || field === 'components') {
    // A pilot names its library in `library.name`.
    const doc = ctx.file.document as { library?: { name?: unknown } } | undefined;
    const name = library ?? (typeof doc?.library?.name === 'string' ? doc.library.name : undefined);
    const all = [...(ctx.catalog ? [ctx.catalog] : []), ...(ctx.libraries ?? [])];
    return all.find((c) => c.library.name === name) ?? (name === undefined ? ctx.catalog : undefined);
  }
  if (!library || library === ctx.catalog?.library.name) return ctx.catalog;
  return ctx.libraries?.find((c) => c.library.name === library);
}

/** Markdown about the asset a reference resolves to. */
function referenceHover(ctx: EditorFile, raw: string, field: string, linkTo: LinkTo): string {
  const ref = parseReference(raw);
  if (!ref) return `${code(raw)} is not a reference; write \`id\`, \`id@range\` or \`library:id@range\`.`;
  const catalog = catalogFor(ctx, ref.library, field);
  if (!catalog) return `**${code(raw)}** · reference\n\nThe library ${code(ref.library ?? 'of this pilot')} is not loaded in this window; add it to \`genaiAssets.libraries\` to see what this names.`;
  const byId = indexById(catalog.assets);
  const res = resolveReference(ref, byId);
  const others = res.candidates.filter((c) => c !== res.asset).map((c) => `${c.version} (${c.status})`);
  if (!res.asset) {
    if (!res.candidates.length) return `**${code(raw)}** · reference\n\nNo asset of ${md(catalog.library.name)} has the id ${code(ref.id)}.`;
    return `**${code(raw)}** · reference\n\nNo version of ${code(ref.id)} satisfies ${code(ref.range ?? '')}; available: ${others.join(', ')}.`;
  }
  const a = res.asset;
  const lines = [`**${md(a.title)}** · ${code(`${a.id}@${a.version}`)} · ${a.kind} · ${a.status}`];
  if (a.description) lines.push('', md(a.description));
  const facts: string[] = [];
  if (a.owners.length) facts.push(`Owners: ${a.owners.map(md).join(', ')}`);
  if (a.tags.length) facts.push(`Tags: ${a.tags.map(md).join(', ')}`);
  if (a.model) facts.push(`Model: ${code(a.model)}`);
  if (a.inputs.length) facts.push(`Inputs: ${a.inputs.map((i) => code(i.name)).join(', ')}`);
  if (facts.length) lines.push('', facts.join('  \n'));
  lines.push(
    '',
    `${code(raw)} resolves to ${a.version}${ref.range === undefined ? ' (the newest approved version)' : ` (the newest version in ${code(ref.range)})`}${others.length ? `; other versions: ${others.join(', ')}` : ''}.`,
  );
  if (a.status === 'deprecated') lines.push('', `**Deprecated**${a.replacedBy ? `: use ${code(a.replacedBy)} instead` : ''}.`);
  const where = a.manifest ?? a.entryFile;
  const link = where ? linkTo(catalog, where) : undefined;
  if (link && where) lines.push('', `[${md(where)}](${link})`);
  return lines.join('\n');
}
