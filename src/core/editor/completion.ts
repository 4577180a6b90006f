// Completion: input names inside template tags, asset ids and versions in references, model ids, and schema fields and values.

import * as semver from 'semver';
import { modelAllowed } from '../checks/models';
import type { Position, Range } from '../diagnostics';
import { formatModule } from '../formats/registry';
import type { ParsedFile } from '../formats/types';
import { indexById, newest, referenceTo } from '../library/references';
import type { Asset, AssetKind, Catalog } from '../library/types';
import type { SchemaName } from '../schemas';
import { codeSpan as code, escapeMarkdown as md } from '../text/markdown';
import { isModelField, modelHover, referenceField } from './hover';
import type { EditorFile, FeatureOptions } from './hover';
import { fieldsAt, schemasAt, valuesAt } from './schemaInfo';
import { bodyStartOf, yamlCursorAt, yamlRegionOf } from './yamlContext';
import type { YamlCursor, YamlPath } from './yamlContext';
import { dotpromptFiles } from '../formats/detect';

export type CompletionKind = 'variable' | 'field' | 'value' | 'reference' | 'version' | 'model' | 'partial';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown; library strings escaped. */
  documentation?: string;
  /** Text to insert (the label when absent). */
  insertText?: string;
  /** What the typed text is matched against (the label when absent). */
  filterText?: string;
  sortText?: string;
  deprecated?: boolean;
}

export interface CompletionResult {
  items: CompletionItem[];
  /** The text the chosen item replaces. */
  range: Range;
}

/** Completions at a position (ordered as they should be shown), or undefined when the position offers none. */
export function completionsAt(ctx: EditorFile, pos: Position, opts: FeatureOptions = {}): CompletionResult | undefined {
  const result = findCompletions(ctx, pos, opts.schemaFields !== false);
  if (result) result.items.sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : (a.sortText ?? a.label) > (b.sortText ?? b.label) ? 1 : 0));
  return result;
}

function findCompletions(ctx: EditorFile, pos: Position, schemaFields: boolean): CompletionResult | undefined {
  const { file, doc } = ctx;
  const offset = doc.offsetAt(pos);
  const template = templateContextAt(ctx, offset);
  if (template) return template;
  const region = yamlRegionOf(file.format, doc);
  if (!region?.schema) return undefined;
  const cursor = yamlCursorAt(doc, region, offset);
  if (!cursor) return undefined;
  if (cursor.kind === 'key') {
    const range = doc.rangeOf(cursor.prefixStart, cursor.wordEnd);
    return schemaFields ? { items: fieldItems(region.schema, cursor.path, cursor.siblings, doc.positionAt(cursor.prefixStart).character), range } : undefined;
  }
  const result = valueCompletions(ctx, region.schema, cursor, schemaFields);
  // Right after `key:` (completion triggered by the colon) the value needs its space.
  if (result && cursor.kind === 'value' && doc.text[cursor.prefixStart - 1] === ':') for (const i of result.items) i.insertText = ` ${i.insertText ?? i.label}`;
  return result;
}

function valueCompletions(ctx: EditorFile, schema: SchemaName, cursor: YamlCursor, schemaFields: boolean): CompletionResult | undefined {
  const { file, doc } = ctx;
  const range = doc.rangeOf(cursor.prefixStart, cursor.wordEnd);
  const valuePath: YamlPath = cursor.kind === 'item' ? [...cursor.path, 0] : cursor.path;
  const refField = referenceField(file.format, valuePath);
  if (refField) return referenceItems(ctx, refField, cursor.prefix, cursor.prefixStart, cursor.wordEnd);
  if (isModelField(file.format, valuePath) || promptModelField(file.format, valuePath)) return { items: modelItems(ctx.catalog), range };
  if (!schemaFields) return undefined;
  if (cursor.kind === 'item') {
    // A sequence of mappings (messages, tests): the item starts with a key.
    const itemIsObject = schemasAt(schema, valuePath).some((s) => s.type === 'object' || typeof s.properties === 'object');
    if (itemIsObject) return { items: fieldItems(schema, valuePath, [], doc.positionAt(cursor.prefixStart).character), range };
  }
  const values = valuesAt(schema, valuePath);
  if (!values.length) return undefined;
  return { items: values.map((v, i) => ({ label: String(v), kind: 'value' as const, sortText: String(i).padStart(3, '0') })), range };
}

/** A field naming the prompt's own model (`modelFields` of its format: Dotprompt's and GitHub Models' `model`, Prompty's `model` and `model.id`). */
function promptModelField(format: ParsedFile['format'], path: YamlPath): boolean {
  const fields = formatModule(format)?.yaml?.modelFields ?? [];
  return fields.some((f) => f.length === path.length && f.every((k, i) => path[i] === k));
}

function fieldItems(schema: Parameters<typeof fieldsAt>[0], path: YamlPath, siblings: string[], column: number): CompletionItem[] {
  const indent = ' '.repeat(column);
  return fieldsAt(schema, path)
    .filter((f) => !siblings.includes(f.name))
    .map((f, i) => {
      const nested = f.types.length === 1 && (f.types[0] === 'object' || f.types[0] === 'array');
      const insertText = !nested ? `${f.name}: ` : f.types[0] === 'object' ? `${f.name}:\n${indent}  ` : `${f.name}:\n${indent}  - `;
      const docs: string[] = [];
      if (f.description) docs.push(md(f.description));
      if (f.enum?.length) docs.push(`One of: ${f.enum.map((v) => code(String(v))).join(', ')}`);
      return {
        label: f.name,
        kind: 'field' as const,
        detail: `${f.required ? 'required · ' : ''}${f.types.join(' | ') || 'any'}`,
        documentation: docs.join('\n\n') || undefined,
        insertText,
        // Required fields first, then the schema's order.
        sortText: `${f.required ? 0 : 1}${String(i).padStart(3, '0')}`,
      };
    });
}

function modelItems(catalog: Catalog | undefined): CompletionItem[] {
  if (!catalog) return [];
  const { models, policy } = catalog.library;
  return models.map((m) => {
    const allowed = modelAllowed(policy.allowedModels, m.id, models);
    const facts: string[] = [];
    if (m.contextWindow) facts.push(`${Math.round(m.contextWindow / 1000)}k context`);
    if (m.pricing?.inputPerMTok !== undefined) facts.push(`$${m.pricing.inputPerMTok}/$${m.pricing.outputPerMTok ?? '?'} per MTok`);
    if (m.deprecated) facts.push('deprecated');
    if (!allowed) facts.push('not allowed by policy');
    return {
      label: m.id,
      kind: 'model' as const,
      detail: facts.join(' · ') || undefined,
      documentation: modelHover(catalog, m.id),
      deprecated: !!m.deprecated,
      sortText: `${m.deprecated || !allowed ? 1 : 0}${m.id}`,
    };
  });
}

/** Kinds an asset reference field may name. */
function kindsFor(field: string, ownKind: unknown): AssetKind[] | undefined {
  if (field === 'targets') return ['prompt'];
  if (field === 'template') return ['template'];
  if (field === 'components') return ['prompt', 'eval', 'module'];
  if (field === 'replacedBy' && typeof ownKind === 'string') return [ownKind as AssetKind];
  return undefined;
}

function referenceCatalog(ctx: EditorFile, library: string | undefined, field: string): Catalog | undefined {
  const all = [...(ctx.catalog ? [ctx.catalog] : []), ...(ctx.libraries ?? [])];
  if (field === 'template' || field === 'components') {
    const doc = ctx.file.document as { library?: { name?: unknown } } | undefined;
    const name = library ?? (typeof doc?.library?.name === 'string' ? doc.library.name : undefined);
    return all.find((c) => c.library.name === name) ?? (name === undefined ? ctx.catalog : undefined);
  }
  if (!library) return ctx.catalog;
  return all.find((c) => c.library.name === library);
}

function referenceItems(ctx: EditorFile, field: string, prefix: string, start: number, end: number): CompletionResult {
  const { doc } = ctx;
  const lib = /^([a-z0-9][a-z0-9._-]*):/.exec(prefix)?.[1];
  const rest = lib ? prefix.slice(lib.length + 1) : prefix;
  const catalog = referenceCatalog(ctx, lib, field);
  const at = rest.indexOf('@');
  if (!catalog) return { items: [], range: doc.rangeOf(start, end) };
  const byId = indexById(catalog.assets);
  if (at >= 0) {
    // Versions of one id: caret ranges of each minor line, then exact versions; newest first.
    const id = rest.slice(0, at);
    const versionStart = start + (lib ? lib.length + 1 : 0) + at + 1;
    const candidates = [...(byId.get(id) ?? [])].filter((a) => semver.valid(a.version)).sort((a, b) => semver.rcompare(a.version, b.version));
    const items: CompletionItem[] = [];
    const seen = new Set<string>();
    candidates.forEach((a, i) => {
      const v = semver.parse(a.version)!;
      const caret = `^${v.major}.${v.minor}`;
      if (!seen.has(caret)) {
        seen.add(caret);
        items.push({
          label: caret,
          kind: 'version',
          detail: `${a.version} · ${a.status}`,
          documentation: `Any ${v.major}.x version from ${v.major}.${v.minor}.0 on.`,
          sortText: `0${String(i).padStart(3, '0')}`,
          deprecated: a.status === 'deprecated',
        });
      }
      if (!seen.has(a.version)) {
        seen.add(a.version);
        items.push({ label: a.version, kind: 'version', detail: `exactly this version · ${a.status}`, sortText: `1${String(i).padStart(3, '0')}`, deprecated: a.status === 'deprecated' });
      }
    });
    return { items, range: doc.rangeOf(versionStart, end) };
  }
  const own = ctx.file.document as { kind?: unknown; id?: unknown } | undefined;
  const kinds = kindsFor(field, own?.kind);
  const ownAsset = ctx.catalog?.assets.find((a) => a.manifest === ctx.file.path);
  const items: CompletionItem[] = [];
  for (const [id, list] of byId) {
    const usable = list.filter((a) => a.managed || field === 'targets' || field === 'dependsOn');
    const pick = newest(usable.filter((a) => a.status === 'approved')) ?? newest(usable);
    if (!pick || (kinds && !kinds.includes(pick.kind)) || pick === ownAsset) continue;
    const reference = referenceTo(pick);
    items.push({
      label: id,
      kind: 'reference',
      detail: `${pick.title !== id ? `${pick.title} · ` : ''}${pick.kind} · ${pick.version} ${pick.status}`,
      documentation: referenceDoc(pick, list),
      insertText: (lib ? `${lib}:` : '') + reference,
      filterText: (lib ? `${lib}:` : '') + id,
      sortText: `${pick.status === 'approved' ? 0 : pick.status === 'deprecated' ? 2 : 1}${id}`,
      deprecated: pick.status === 'deprecated',
    });
  }
  return { items, range: doc.rangeOf(start, end) };
}

function referenceDoc(pick: Asset, all: Asset[]): string {
  const lines = [`**${md(pick.title)}** · ${code(`${pick.id}@${pick.version}`)} · ${pick.status}`];
  if (pick.description) lines.push('', md(pick.description));
  if (pick.owners.length) lines.push('', `Owners: ${pick.owners.map(md).join(', ')}`);
  if (all.length > 1) lines.push('', `Versions: ${all.map((a) => `${a.version} (${a.status})`).join(', ')}`);
  return lines.join('\n');
}

/** Completion of input names (and Dotprompt partials) inside a template tag of the body. */
function templateContextAt(ctx: EditorFile, offset: number): CompletionResult | undefined {
  const { file, doc } = ctx;
  const lang = file.templateLanguage;
  if (!lang || lang === 'none') return undefined;
  const bodyStart = bodyStartOf(file.format, doc);
  if (bodyStart !== undefined && offset < bodyStart) return undefined;
  const text = doc.text;
  const from = Math.max(bodyStart ?? 0, offset - 2000);
  const head = text.slice(from, offset);
  let wordEnd = offset;
  while (wordEnd < text.length && /[\w-]/.test(text[wordEnd])) wordEnd++;
  let prefix: string;
  let partial = false;
  if (lang === 'vscode-input') {
    const m = /\$\{input:([\w-]*)$/.exec(head);
    if (!m) return undefined;
    prefix = m[1];
  } else {
    const open = Math.max(head.lastIndexOf('{{'), lang === 'jinja2' ? head.lastIndexOf('{%') : -1);
    if (open < 0) return undefined;
    const inside = head.slice(open + 2);
    if (/\}\}|%\}/.test(inside) || /^\s*!/.test(inside) || (lang === 'jinja2' && head.slice(open, open + 2) === '{#')) return undefined;
    const m = /([A-Za-z_@][\w]*)?$/.exec(inside);
    prefix = m?.[1] ?? '';
    // `user.na|`: a field of a variable, not a variable.
    if (inside.slice(0, inside.length - prefix.length).endsWith('.')) return undefined;
    partial = lang === 'handlebars' && /^~?>\s*[\w/.-]*$/.test(inside);
  }
  const range = doc.rangeOf(offset - prefix.length, wordEnd);
  if (partial) return { items: partialItems(ctx), range };
  const items: CompletionItem[] = [];
  if (file.inputs) {
    file.inputs.forEach((i, n) => {
      const docs: string[] = [];
      if (i.description) docs.push(md(i.description));
      if (i.default !== undefined) docs.push(`Default: ${code(JSON.stringify(i.default) ?? '')}`);
      items.push({
        label: i.name,
        kind: 'variable',
        detail: `input · ${i.type === 'any' ? 'any type' : i.type}${i.required ? ', required' : ', optional'}`,
        documentation: docs.join('\n\n') || undefined,
        sortText: String(n).padStart(4, '0'),
      });
    });
  } else {
    // No declared inputs (VS Code prompt files, GitHub Models without test data): the names used elsewhere in the file.
    const names = [...new Set((file.variables ?? []).map((v) => v.name))].filter((n) => n !== prefix);
    for (const n of names) items.push({ label: n, kind: 'variable', detail: 'used in this file' });
  }
  return { items, range };
}

function partialItems(ctx: EditorFile): CompletionItem[] {
  const out = new Map<string, CompletionItem>();
  for (const f of ctx.catalog ? dotpromptFiles(ctx.catalog.files) : []) {
    if (!f.partialName || f.path === ctx.file.path) continue;
    if (!out.has(f.partialName)) out.set(f.partialName, { label: f.partialName, kind: 'partial', detail: f.path });
  }
  return [...out.values()];
}
