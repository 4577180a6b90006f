// Picoschema (Dotprompt's compact schema notation) to JSON Schema, and the inputs an `input.schema` declares, with positions.

import { isMap, isScalar } from 'yaml';
import type { Node, Pair } from 'yaml';
import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import type { TextDocument } from '../text/textDocument';
import { valueAt } from '../yaml/yamlDocument';
import type { YamlPath, YamlSource } from '../yaml/yamlDocument';
import type { InputDecl, InputInsertion, InputType } from './types';
import { isObj } from '../guards';

export type JsonSchema = Record<string, unknown>;

/** Scalar type names of Picoschema (`any` means no constraint). */
export const scalarTypes = new Set(['any', 'boolean', 'integer', 'null', 'number', 'string']);
const jsonTypes = new Set([...scalarTypes, 'object', 'array']);
export const wildcard = '(*)';

export interface PicoschemaProblem {
  /** Path of the offending key inside the schema (keys as written). */
  path: YamlPath;
  message: string;
  /** The field written as Dotprompt takes it: its new key and value (`tags(array): string` for `tags: string[]`). */
  rewrite?: { key: string; value: string };
}

/** The `schema` diagnostic of a problem of the schema at `schemaPath` of `y`, with the rewrite as its fix. */
export function picoschemaDiagnostic(y: YamlSource, schemaPath: YamlPath, p: PicoschemaProblem): Diagnostic {
  const path = [...schemaPath, ...p.path];
  const fixes = p.rewrite
    ? [
        {
          title: `Write \`${p.rewrite.key}: ${p.rewrite.value}\``,
          edits: [
            { range: y.keyRange(path), newText: p.rewrite.key },
            { range: y.valueRange(path), newText: p.rewrite.value },
          ],
        },
      ]
    : [];
  return diag('schema', y.file, y.keyRange(path), `${p.message}.`, { fixes });
}

export interface PicoschemaResult {
  /** The JSON Schema, or null when the schema is empty. */
  schema: JsonSchema | null;
  problems: PicoschemaProblem[];
  /** Named schemas referenced but not resolved (registered by the application at run time). */
  unresolved: string[];
}

export interface PicoschemaOptions {
  /** Resolves a named schema (`Foo` in `foo: Foo`); undefined when unknown. */
  resolveSchema?: (name: string) => JsonSchema | undefined;
}

/** True when a schema value is already JSON Schema (a JSON `type` or a `properties` mapping at its top). */
export function isJsonSchema(value: unknown): boolean {
  if (!isObj(value)) return false;
  return (typeof value.type === 'string' && jsonTypes.has(value.type)) || isObj(value.properties);
}

/** The parts of a Picoschema property key: `name?(type, description)`. */
export function parsePropertyKey(key: string): { name: string; optional: boolean; type?: string; description?: string; malformed?: boolean } {
  const open = key.indexOf('(');
  const head = open >= 0 ? key.slice(0, open) : key;
  const optional = head.endsWith('?');
  const name = (optional ? head.slice(0, -1) : head).trim();
  if (open < 0) return { name, optional };
  const malformed = !key.trimEnd().endsWith(')');
  const inner = key.slice(open + 1, malformed ? undefined : key.trimEnd().length - 1);
  const [type, description] = splitDescription(inner);
  return { name, optional, type, description, malformed };
}

/** Splits `type, description` at the first comma. */
export function splitDescription(text: string): [string, string | undefined] {
  const comma = text.indexOf(',');
  if (comma < 0) return [text.trim(), undefined];
  return [text.slice(0, comma).trim(), text.slice(comma + 1).trim()];
}

/**
 * Converts a Picoschema value (or JSON Schema, passed through) to JSON Schema, as Dotprompt
 * does. Reads `type[]` as an array of `type` (Dotprompt's own sample prompts write it), and
 * reports it: the runtime refuses it. Never throws: problems are returned.
 */
export function picoschemaToJsonSchema(value: unknown, opts: PicoschemaOptions = {}): PicoschemaResult {
  const problems: PicoschemaProblem[] = [];
  const unresolved: string[] = [];
  const ctx = { problems, unresolved, opts };
  if (value === null || value === undefined || value === '') return { schema: null, problems, unresolved };
  let schema: JsonSchema | null;
  if (typeof value === 'string') schema = typeString(value, [], ctx);
  else if (isJsonSchema(value)) {
    const v = value as JsonSchema;
    schema = typeof v.type === 'string' ? v : { ...v, type: 'object' };
  } else schema = pico(value, [], ctx);
  return { schema, problems, unresolved };
}

interface Ctx {
  problems: PicoschemaProblem[];
  unresolved: string[];
  opts: PicoschemaOptions;
}

function pico(value: unknown, path: YamlPath, ctx: Ctx): JsonSchema {
  if (typeof value === 'string') return typeString(value, path, ctx);
  if (isObj(value)) return objectSchema(value, path, ctx);
  ctx.problems.push({
    path,
    message: `Picoschema expects a type name (such as \`string\`) or nested fields here, not ${describe(value)}`,
  });
  return {};
}

function typeString(text: string, path: YamlPath, ctx: Ctx): JsonSchema {
  const [type, description] = splitDescription(text);
  const withDescription = (s: JsonSchema): JsonSchema => (description ? { ...s, description } : s);
  if (scalarTypes.has(type)) return withDescription(type === 'any' ? {} : { type });
  const arrayOf = /^(.+)\[\]$/.exec(type);
  if (arrayOf) {
    const key = path[path.length - 1];
    const k = typeof key === 'string' && key !== wildcard ? parsePropertyKey(key) : undefined;
    const problem: PicoschemaProblem = { path, message: arrayShorthandMessage(type, key, description) };
    // `name: type[]` (not nested further): the fix writes `name(array): type`.
    if (k && !k.type && !k.malformed && !arrayOf[1].endsWith('[]')) problem.rewrite = { key: `${k.name}${k.optional ? '?' : ''}(array${description ? `, ${description}` : ''})`, value: arrayOf[1] };
    ctx.problems.push(problem);
    return withDescription({ type: 'array', items: typeString(arrayOf[1], path, ctx) });
  }
  if (!/^[A-Za-z_][\w.-]*$/.test(type)) {
    ctx.problems.push({ path, message: `\`${type}\` is not a Picoschema type; use string, number, integer, boolean, null, any, or a schema name` });
    return withDescription({});
  }
  const resolved = ctx.opts.resolveSchema?.(type);
  if (resolved) return withDescription({ ...resolved });
  ctx.unresolved.push(type);
  return withDescription({});
}

/**
 * `name: string[]` is not Picoschema: Dotprompt's runtime (npm `dotprompt`, and Genkit through it) fails
 * to render the prompt with "could not find schema with name 'string[]'". The spelling it takes is
 * `name(array): string` (`name(array, description): string`).
 */
export function arrayShorthandMessage(type: string, key: string | number | undefined, description?: string): string {
  const item = type.slice(0, -2);
  const k = typeof key === 'string' ? parsePropertyKey(key) : undefined;
  const refused = `\`${type}\` is not Picoschema: Dotprompt's runtime refuses it (could not find schema with name '${type}') and the prompt does not render`;
  if (key === undefined) return `${refused}; write it as JSON Schema (\`type: array\` with \`items: { type: ${item} }\`)`;
  const spelling = k && !k.type ? `${k.name}${k.optional ? '?' : ''}(array${description ? `, ${description}` : ''}): ${item}` : `name(array): ${item}`;
  return `${refused}; write \`${spelling}\``;
}

function objectSchema(obj: Record<string, unknown>, path: YamlPath, ctx: Ctx): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const schema: JsonSchema = { type: 'object', properties, required, additionalProperties: false };
  for (const [key, value] of Object.entries(obj)) {
    const keyPath = [...path, key];
    if (key === wildcard) {
      schema.additionalProperties = pico(value, keyPath, ctx);
      continue;
    }
    const k = parsePropertyKey(key);
    if (k.malformed) {
      ctx.problems.push({ path: keyPath, message: `Key \`${key}\` opens \`(\` without a closing \`)\`; write \`name(type, description)\`` });
      continue;
    }
    if (!k.optional) required.push(k.name);
    let prop: JsonSchema;
    if (!k.type) {
      prop = { ...pico(value, keyPath, ctx) };
      if (k.optional && typeof prop.type === 'string') prop.type = [prop.type, 'null'];
    } else {
      switch (k.type) {
        case 'array':
          prop = { type: k.optional ? ['array', 'null'] : 'array', items: pico(value, keyPath, ctx) };
          break;
        case 'object':
          prop = { ...pico(value, keyPath, ctx) };
          if (k.optional) prop.type = [prop.type, 'null'];
          break;
        case 'enum': {
          if (!Array.isArray(value)) {
            ctx.problems.push({ path: keyPath, message: `\`${key}\` is an enum, so its value must be a list of allowed values such as [a, b]` });
            prop = {};
            break;
          }
          const values = [...value];
          if (k.optional && !values.includes(null)) values.push(null);
          prop = { enum: values };
          break;
        }
        default:
          ctx.problems.push({ path: keyPath, message: `\`(${k.type})\` in \`${key}\` is not allowed; the type in parentheses must be object, array or enum` });
          prop = {};
      }
      if (k.description) prop.description = k.description;
    }
    properties[k.name] = prop;
  }
  if (!required.length) delete schema.required;
  return schema;
}

/* ------------------------------------------------------------------ declared inputs */

export interface DeclaredInputs {
  /** undefined when the file declares no input schema (or one that cannot be read, like a named schema). */
  inputs?: InputDecl[];
  insertion?: InputInsertion;
  /** True when any input name is allowed (`(*)` in Picoschema, `additionalProperties` in JSON Schema). */
  openEnded: boolean;
  diagnostics: Diagnostic[];
}

/**
 * The inputs declared by `input.schema` of a Dotprompt front matter (Picoschema or JSON Schema),
 * with the ranges of their keys and whole declarations, defaults from `input.default`, and
 * where a new declaration goes. `y` is the front matter; `fmEnd` is where its YAML ends.
 */
export function declaredInputs(y: YamlSource, doc: TextDocument, fmEnd: number): DeclaredInputs {
  const out: DeclaredInputs = { openEnded: false, diagnostics: [] };
  const eol = doc.eol;
  const root = y.value;
  const input = isObj(root) ? root.input : undefined;
  const defaults = isObj(input) && isObj(input.default) ? input.default : {};
  const schemaPath: YamlPath = ['input', 'schema'];

  if (!isObj(input) || !('schema' in input) || input.schema === null || input.schema === undefined) {
    out.insertion = missingSchemaInsertion(y, doc, fmEnd, isObj(input) || (isObj(root) && 'input' in root));
    return out;
  }
  const schema = input.schema;
  if (typeof schema === 'string') {
    const [type] = splitDescription(schema);
    // A scalar input (`schema: string`) has no named fields; a named schema is defined in code.
    if (/\[\]$/.test(type)) out.diagnostics.push(diag('schema', y.file, y.valueRange(schemaPath), `${arrayShorthandMessage(type, undefined)}.`));
    if (scalarTypes.has(type) || /\[\]$/.test(type)) out.inputs = [];
    return out;
  }
  if (!isObj(schema)) return out;

  const result = picoschemaToJsonSchema(schema);
  for (const p of result.problems) out.diagnostics.push(picoschemaDiagnostic(y, schemaPath, p));

  if (isJsonSchema(schema)) {
    const type = schema.type;
    if (type !== undefined && type !== 'object') {
      out.inputs = [];
      return out;
    }
    const props = isObj(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
    const ap = schema.additionalProperties;
    out.openEnded = ap === true || isObj(ap);
    const propsPath = [...schemaPath, 'properties'];
    out.inputs = [];
    for (const [key, value] of Object.entries(props)) {
      const decl: InputDecl = {
        name: key,
        type: 'any',
        required: required.includes(key),
        range: y.keyRange([...propsPath, key]),
      };
      describeProperty(decl, value, defaults);
      const full = declarationRange(y, doc, [...propsPath, key]);
      if (full) decl.fullRange = doc.rangeOf(full[0], full[1]);
      out.inputs.push(decl);
    }
    // A property not listed in `required` is optional: that is the one declaration a new line can make.
    out.insertion = mapInsertion(y, doc, propsPath, (indent, last) => ({
      optionalLine: last && !isObj(last) ? '${name}: string' + eol : '${name}:' + eol + indent + '  type: string' + eol,
    }));
    if (!out.insertion && !('properties' in schema)) {
      const at = blockEnd(y, doc, schemaPath);
      const ind = childIndent(y, doc, schemaPath);
      if (at !== undefined && ind !== undefined) {
        out.insertion = { range: doc.rangeOf(at, at), indent: ind + '  ', optionalLine: '${name}:' + eol + ind + '    type: string' + eol, header: ind + 'properties:' + eol };
      }
    }
    return out;
  }

  // Picoschema: every key of the mapping is a field.
  out.inputs = [];
  for (const key of Object.keys(schema)) {
    if (key === wildcard) {
      out.openEnded = true;
      continue;
    }
    const decl = picoschemaField(key, schema[key], defaults, y.keyRange([...schemaPath, key]));
    const full = declarationRange(y, doc, [...schemaPath, key]);
    if (full) decl.fullRange = doc.rangeOf(full[0], full[1]);
    out.inputs.push(decl);
  }
  out.insertion = mapInsertion(y, doc, schemaPath, () => picoschemaLines(eol));
  return out;
}

/** InputType of a Picoschema type name. */
function inputType(t: string): InputType {
  if (t === 'any') return 'any';
  if (/\[\]$/.test(t)) return 'array';
  if (jsonTypes.has(t)) return t as InputType;
  return 'any';
}

export function jsonInputType(schema: Record<string, unknown>): InputType {
  const t = schema.type;
  const types = (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string' && x !== 'null');
  if (types.length === 1 && jsonTypes.has(types[0])) return types[0] as InputType;
  if (types.length === 0 && Array.isArray(t) && t.includes('null')) return 'null';
  return 'any';
}

function enumType(values: unknown): InputType {
  if (!Array.isArray(values)) return 'any';
  const kinds = new Set(values.filter((v) => v !== null).map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)));
  if (kinds.size === 1) {
    const k = [...kinds][0];
    if (k === 'string' || k === 'boolean' || k === 'integer' || k === 'number') return k;
  }
  if (kinds.size === 2 && kinds.has('integer') && kinds.has('number')) return 'number';
  return 'any';
}

/* ------------------------------------------------------------------ positions */

/** Offset of the start of the line holding `offset`. */
function lineStartOf(t: string, offset: number): number {
  let a = offset;
  while (a > 0 && t[a - 1] !== '\n' && t[a - 1] !== '\r') a--;
  return a;
}

/** Offset after the line break of the line holding `offset`. */
function nextLineStart(t: string, offset: number): number {
  let e = offset;
  while (e < t.length && t[e] !== '\n' && t[e] !== '\r') e++;
  if (t[e] === '\r' && t[e + 1] === '\n') return e + 2;
  if (e < t.length) return e + 1;
  return e;
}

/**
 * [start, end) of a block mapping entry's whole lines (key line through the value's last
 * line, with the line break), for removing it; undefined for flow mappings.
 */
function declarationRange(y: YamlSource, doc: TextDocument, path: YamlPath): [number, number] | undefined {
  const pair = y.pair(path) as Pair<Node, Node | null> | undefined;
  const key = pair?.key;
  if (!key?.range) return undefined;
  const t = doc.text;
  const ks = y.start + key.range[0];
  const ls = lineStartOf(t, ks);
  if (!/^[ \t]*$/.test(t.slice(ls, ks))) return undefined;
  const v = pair?.value;
  let e = y.start + (v?.range ? v.range[1] : key.range[1]);
  while (e > ks && /\s/.test(t[e - 1])) e--;
  return [ls, Math.min(nextLineStart(t, e), y.end)];
}

/** Offset right after the last line of the block value at `path`. */
function blockEnd(y: YamlSource, doc: TextDocument, path: YamlPath): number | undefined {
  const full = declarationRange(y, doc, path);
  return full?.[1];
}

/** Indentation for children of the mapping key at `path` (existing children's, else the key's plus two spaces). */
function childIndent(y: YamlSource, doc: TextDocument, path: YamlPath): string | undefined {
  const node = y.node(path);
  const t = doc.text;
  if (isMap(node) && node.items.length) {
    const k = (node.items[0] as Pair<Node>).key;
    if (k?.range && !node.flow) {
      const ks = y.start + k.range[0];
      return t.slice(lineStartOf(t, ks), ks);
    }
    return undefined;
  }
  const pair = y.pair(path) as Pair<Node> | undefined;
  if (!pair?.key?.range) return undefined;
  const ks = y.start + pair.key.range[0];
  const ind = t.slice(lineStartOf(t, ks), ks);
  return /^[ \t]*$/.test(ind) ? ind + '  ' : undefined;
}

type DeclarationLines = Pick<InputInsertion, 'line' | 'optionalLine'>;

/** A Picoschema field, required (`name: string`) or optional (`name?: string`). */
function picoschemaLines(eol: string): DeclarationLines {
  return { line: '${name}: string' + eol, optionalLine: '${name}?: string' + eol };
}

/** Where a new entry goes in the block mapping at `path`: after its last entry, or on the line after its key when empty. */
function mapInsertion(y: YamlSource, doc: TextDocument, path: YamlPath, lines: (indent: string, lastValue: unknown) => DeclarationLines): InputInsertion | undefined {
  const node = y.node(path);
  const t = doc.text;
  if (isMap(node)) {
    if (node.flow || !node.items.length) return undefined;
    const last = node.items[node.items.length - 1] as Pair<Node>;
    const lastKey = isScalar(last.key) ? String(last.key.value) : undefined;
    if (lastKey === undefined) return undefined;
    const full = declarationRange(y, doc, [...path, lastKey]);
    const indent = childIndent(y, doc, path);
    if (!full || indent === undefined) return undefined;
    const lastValue = valueAt(y.value, [...path, lastKey]);
    return { range: doc.rangeOf(full[1], full[1]), indent, ...lines(indent, lastValue) };
  }
  if ((node === undefined || (isScalar(node) && node.value === null)) && y.pair(path)) {
    const pair = y.pair(path) as Pair<Node>;
    const ks = y.start + (pair.key?.range?.[0] ?? 0);
    const at = nextLineStart(t, ks);
    const indent = childIndent(y, doc, path);
    if (indent === undefined) return undefined;
    return { range: doc.rangeOf(at, at), indent, ...lines(indent, undefined) };
  }
  return undefined;
}

/** Insertion that creates `schema:` (and `input:` when needed) for a file that declares no input schema. */
function missingSchemaInsertion(y: YamlSource, doc: TextDocument, fmEnd: number, hasInput: boolean): InputInsertion | undefined {
  const eol = doc.eol;
  if (!hasInput) {
    if (!y.ok) return undefined;
    return { range: doc.rangeOf(fmEnd, fmEnd), indent: '    ', ...picoschemaLines(eol), header: 'input:' + eol + '  schema:' + eol };
  }
  const inputNode = y.node(['input']);
  if (isMap(inputNode) && inputNode.flow) return undefined;
  const ind = childIndent(y, doc, ['input']);
  if (ind === undefined) return undefined;
  if (y.pair(['input', 'schema'])) {
    // `schema:` with no value: add under it.
    return mapInsertion(y, doc, ['input', 'schema'], () => picoschemaLines(eol));
  }
  const at = blockEnd(y, doc, ['input']);
  if (at === undefined) return undefined;
  return { range: doc.rangeOf(at, at), indent: ind + '  ', ...picoschemaLines(eol), header: ind + 'schema:' + eol };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The input a Picoschema field declares (`name?(type, description)` key, and a `type, description` string or nested schema value). */
export function picoschemaField(key: string, value: unknown, defaults: Record<string, unknown>, range: Range): InputDecl {
  const k = parsePropertyKey(key);
  const decl: InputDecl = { name: k.name, type: 'any', required: !k.optional, range };
  if (k.type) {
    decl.type = k.type === 'array' ? 'array' : k.type === 'object' ? 'object' : k.type === 'enum' ? enumType(value) : 'any';
    if (k.description) decl.description = k.description;
  } else if (typeof value === 'string') {
    const [t, d] = splitDescription(value);
    decl.type = inputType(t);
    if (d) decl.description = d;
  } else if (isObj(value)) decl.type = 'object';
  if (k.name in defaults) decl.default = defaults[k.name];
  return decl;
}

/** Type, description and default of a JSON Schema property (a `type, description` string or a schema object). */
export function describeProperty(decl: InputDecl, value: unknown, defaults: Record<string, unknown>): void {
  if (typeof value === 'string') {
    const [t, d] = splitDescription(value);
    decl.type = inputType(t);
    if (d) decl.description = d;
  } else if (isObj(value)) {
    decl.type = jsonInputType(value);
    if (typeof value.description === 'string') decl.description = value.description;
  }
  if (decl.name in defaults) decl.default = defaults[decl.name];
}
