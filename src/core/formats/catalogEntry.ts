// The catalog level of a file: what the catalog needs (format, metadata, manifest value, inputs, models), read fast without positions or diagnostics.

import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { maxTextFileBytes, maxYamlBytes } from '../limits';
import { decodeUtf8, looksBinary, TextDocument, emptyRange } from '../text/textDocument';
import { tooDeepAt, YamlSource } from '../yaml/yamlDocument';
import { formatOfPath, isYamlPath, sniffYamlFormat } from './detect';
import { dotpromptPartialName, readMeta as readDotpromptMeta } from './dotprompt';
import { splitFrontMatter } from './frontMatter';
import { typeOf as testDataType } from './ghModels';
import { firstHeading } from './markdownPrompt';
import { describeProperty, isJsonSchema, picoschemaField, scalarTypes, splitDescription, wildcard } from './picoschema';
import { isV1, kindToType, readMeta as readPromptyMeta, templateFormat, typeOfValue } from './prompty';
import type { FormatId, InputDecl, ModelUse, ParsedFile } from './types';
import { isObj } from '../guards';

type Obj = Record<string, unknown>;

/** An alias (`*name`) outside quotes: such YAML is read by the full parser, which bounds alias expansion. */
const aliasPattern = /(^|[\s[{,:-])\*[^\s,\]}]/;

/**
 * The value of the YAML in [start, end) of `doc`, as the full parser (YamlSource) would give it:
 * `ok` false where that parser reports a syntax error or a bound is crossed. js-yaml (core
 * schema, last duplicate key wins) reads the common case; anything it refuses, and YAML with
 * aliases or deep nesting, goes through YamlSource so that both levels agree.
 */
export function yamlValue(doc: TextDocument, path: string, start: number, end: number): { ok: boolean; value: unknown } {
  const src = doc.text.slice(start, end);
  if (src.length > maxYamlBytes || tooDeepAt(src) >= 0) return { ok: false, value: undefined };
  if (!aliasPattern.test(src)) {
    // js-yaml reports a problem by throwing: no stack trace is ever shown, so none is captured.
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      const value = loadYaml(src, { schema: CORE_SCHEMA, json: true });
      return { ok: true, value: value === undefined ? null : value };
    } catch {
      // Fall through to the full parser: it decides what counts as an error.
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
  }
  const y = new YamlSource(doc, path, start, end);
  return { ok: y.ok, value: y.ok ? (y.value ?? null) : undefined };
}

/**
 * Reads a file at the catalog level: the fields the catalog is built from (format, meta,
 * manifest `document`, partial name, inputs, models, eval providers), with zero ranges and no
 * diagnostics. Never throws. `parseFile` gives the same fields (with positions) and everything
 * else; a test holds the two to the same answers.
 */
export function parseCatalogEntry(path: string, bytes: Uint8Array, formatHint?: FormatId): ParsedFile {
  const file: ParsedFile = { path, format: formatHint ?? formatOfPath(path) ?? 'text', sha256: '', size: bytes.length, text: false, diagnostics: [], meta: {} };
  if (bytes.length > maxTextFileBytes || looksBinary(bytes)) return file;
  const text = decodeUtf8(bytes);
  if (text === undefined) return file;
  file.text = true;
  const doc = new TextDocument(text);
  if (!formatHint && file.format === 'text' && isYamlPath(path)) file.format = sniffYamlFormat(doc.text.slice(0, 4096)) ?? 'text';
  try {
    readers[file.format]?.(file, doc);
  } catch {
    // The full parse reports what went wrong; the catalog keeps what was read.
  }
  return file;
}

const readers: Partial<Record<FormatId, (file: ParsedFile, doc: TextDocument) => void>> = {
  'library-manifest': readManifest,
  'asset-manifest': readManifest,
  'pilot-manifest': readManifest,
  dotprompt: readDotprompt,
  prompty: readPrompty,
  'gh-models': readGhModels,
  'vscode-prompt': readMarkdown,
  'vscode-agent': readMarkdown,
  'vscode-instructions': readMarkdown,
  skill: readMarkdown,
  promptfoo: readPromptfoo,
};

function readManifest(file: ParsedFile, doc: TextDocument): void {
  const y = yamlValue(doc, file.path, 0, doc.text.length);
  if (!y.ok) return;
  const value = y.value ?? {};
  file.document = value;
  if (!isObj(value)) return;
  if (typeof value.title === 'string') file.meta.title = value.title;
  if (typeof value.description === 'string') file.meta.description = value.description;
  if (typeof value.version === 'string') file.meta.version = value.version;
  if (typeof value.name === 'string') file.meta.name = value.name;
  if (Array.isArray(value.tags)) file.meta.tags = value.tags.filter((t): t is string => typeof t === 'string');
}

function readDotprompt(file: ParsedFile, doc: TextDocument): void {
  file.templateLanguage = 'handlebars';
  const partialName = dotpromptPartialName(file.path);
  if (partialName) file.partialName = partialName;
  const fm = splitFrontMatter(doc, { commentPreamble: true });
  if (fm.present && fm.unterminated) return;
  file.models = [];
  if (!fm.present) return;
  const y = yamlValue(doc, file.path, fm.yamlStart, fm.yamlEnd);
  if (!y.ok) return;
  const value = y.value ?? {};
  if (!isObj(value)) return;
  readDotpromptMeta(file, value);
  if (typeof value.model === 'string' && value.model) file.models.push(model(value.model, isObj(value.config) ? Object.keys(value.config) : []));
  const input = value.input;
  if (isObj(input) && isObj(input.default)) file.samples = [input.default];
  const inputs = dotpromptInputs(value);
  if (inputs) file.inputs = inputs;
}

/** The inputs of a Dotprompt front matter, as `declaredInputs` reads them (without their ranges). */
function dotpromptInputs(root: Obj): InputDecl[] | undefined {
  const input = root.input;
  const defaults = isObj(input) && isObj(input.default) ? input.default : {};
  if (!isObj(input) || !('schema' in input) || input.schema === null || input.schema === undefined) return undefined;
  const schema = input.schema;
  if (typeof schema === 'string') {
    const [type] = splitDescription(schema);
    return scalarTypes.has(type) || /\[\]$/.test(type) ? [] : undefined;
  }
  if (!isObj(schema)) return undefined;
  const out: InputDecl[] = [];
  if (isJsonSchema(schema)) {
    if (schema.type !== undefined && schema.type !== 'object') return [];
    const props = isObj(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
    for (const [key, value] of Object.entries(props)) {
      const decl: InputDecl = { name: key, type: 'any', required: required.includes(key), range: emptyRange };
      describeProperty(decl, value, defaults);
      out.push(decl);
    }
    return out;
  }
  for (const key of Object.keys(schema)) {
    if (key !== wildcard) out.push(picoschemaField(key, schema[key], defaults, emptyRange));
  }
  return out;
}

/** Front matter as `readFrontMatter` reads it: present, and its mapping when it parsed as one. */
function frontMatter(file: ParsedFile, doc: TextDocument): { present: boolean; parsed: boolean; value?: Obj; bodyStart: number } {
  const split = splitFrontMatter(doc);
  if (!split.present) return { present: false, parsed: false, bodyStart: 0 };
  if (split.unterminated) return { present: true, parsed: false, bodyStart: split.yamlStart };
  const y = yamlValue(doc, file.path, split.yamlStart, split.yamlEnd);
  if (!y.ok) return { present: true, parsed: true, bodyStart: split.bodyStart };
  const raw = y.value ?? {};
  return { present: true, parsed: true, value: isObj(raw) ? raw : undefined, bodyStart: split.bodyStart };
}

function readPrompty(file: ParsedFile, doc: TextDocument): void {
  const fm = frontMatter(file, doc);
  const v: Obj = fm.value ?? {};
  readPromptyMeta(file, v);
  const format = templateFormat(v);
  file.templateLanguage = format === 'mustache' ? 'mustache' : format === 'jinja2' || format === 'jinja' || format === 'nunjucks' ? 'jinja2' : 'none';
  file.models = fm.parsed && fm.value ? promptyModels(v) : [];
  if (fm.present && fm.value === undefined) return;
  const declared = promptyInputs(fm.present, v);
  if (declared.inputs) file.inputs = declared.inputs;
  if (Object.keys(declared.sample).length) file.samples = [declared.sample];
}

function promptyModels(v: Obj): ModelUse[] {
  const m = v.model;
  if (typeof m === 'string') return m.trim() ? [model(m.trim(), [])] : [];
  if (!isObj(m)) return [];
  const parameters: string[] = [];
  if (isObj(m.options)) {
    for (const k of Object.keys(m.options)) {
      const extra = m.options.additionalProperties;
      if (k === 'additionalProperties') parameters.push(...(isObj(extra) ? Object.keys(extra) : []));
      else parameters.push(k);
    }
  }
  if (isObj(m.parameters)) parameters.push(...Object.keys(m.parameters));
  if (typeof m.id === 'string' && m.id.trim()) return [model(m.id.trim(), parameters)];
  const conf = m.configuration;
  if (isObj(conf)) {
    for (const key of ['azure_deployment', 'model', 'name']) {
      const id = conf[key];
      if (typeof id === 'string' && id.trim()) return [model(id.trim(), parameters)];
    }
  }
  return [];
}

/** Prompty's declared inputs in any of its shapes, as `readInputs` in prompty.ts reads them (without ranges). */
function promptyInputs(present: boolean, v: Obj): { inputs?: InputDecl[]; sample: Obj } {
  const sample: Obj = {};
  if (!present) return { inputs: [], sample };
  const v1 = isV1(v);
  const v1Sample = isObj(v.sample) ? v.sample : undefined;
  const value = 'inputs' in v ? v.inputs : isObj(v.inputSchema) && 'properties' in v.inputSchema ? v.inputSchema.properties : undefined;
  const hasPath = 'inputs' in v || (isObj(v.inputSchema) && 'properties' in v.inputSchema);
  let inputs: InputDecl[] = [];
  if (hasPath) {
    if (typeof value === 'string') return { sample };
    const declare = (name: string, p: Obj | undefined, shorthand: unknown): void => {
      const kind = p ? (p.kind ?? p.type) : undefined;
      const example = p ? (p.default ?? p.example ?? p.sample) : shorthand;
      const type = (typeof kind === 'string' ? (kindToType[kind.toLowerCase()] ?? 'any') : undefined) ?? typeOfValue(example) ?? 'any';
      const decl: InputDecl = { name, type, required: p && typeof p.required === 'boolean' ? p.required : p?.default === undefined, range: emptyRange };
      if (p && typeof p.description === 'string') decl.description = p.description;
      if (p && p.default !== undefined) decl.default = p.default;
      inputs.push(decl);
      if (example !== undefined) sample[name] = example;
    };
    if (Array.isArray(value)) {
      for (const p of value) if (isObj(p) && typeof p.name === 'string') declare(p.name, p, undefined);
    } else if (isObj(value)) {
      for (const [name, p] of Object.entries(value)) declare(name, isObj(p) ? p : undefined, isObj(p) ? undefined : p);
    }
    void v1;
  } else if (v1Sample) {
    inputs = Object.entries(v1Sample).map(([name, val]) => ({ name, type: typeOfValue(val) ?? 'any', required: true, range: emptyRange }));
  }
  if (v1Sample) for (const [k, val] of Object.entries(v1Sample)) sample[k] = val;
  return { inputs, sample };
}

function readGhModels(file: ParsedFile, doc: TextDocument): void {
  const y = yamlValue(doc, file.path, 0, doc.text.length);
  if (!y.ok) return;
  const v = y.value ?? {};
  if (!isObj(v)) return;
  file.templateLanguage = 'literal-braces';
  if (typeof v.name === 'string') file.meta.name = v.name;
  if (typeof v.description === 'string') file.meta.description = v.description;
  file.models = [];
  if (typeof v.model === 'string' && v.model.trim()) file.models.push(model(v.model.trim(), isObj(v.modelParameters) ? Object.keys(v.modelParameters) : []));
  if (Array.isArray(v.testData) && v.testData.length) {
    file.samples = v.testData.filter(isObj);
    const seen = new Map<string, { types: Set<string>; rows: number }>();
    let objects = 0;
    for (const row of v.testData) {
      if (!isObj(row)) continue;
      objects++;
      for (const [name, val] of Object.entries(row)) {
        const entry = seen.get(name);
        if (entry) {
          entry.types.add(testDataType(val));
          entry.rows++;
        } else seen.set(name, { types: new Set([testDataType(val)]), rows: 1 });
      }
    }
    file.inputs = [...seen].map(([name, { types, rows }]) => ({ name, type: types.size === 1 ? ([...types][0] as InputDecl['type']) : 'any', required: rows === objects, range: emptyRange }));
  }
}

function readMarkdown(file: ParsedFile, doc: TextDocument): void {
  const isSkill = file.format === 'skill';
  const fm = frontMatter(file, doc);
  const v = fm.value ?? {};
  const heading = firstHeading(doc, fm.bodyStart);
  const name = typeof v.name === 'string' ? v.name : undefined;
  if (name) file.meta.name = name;
  file.meta.title = isSkill ? (heading ?? name) : (name ?? heading);
  if (file.meta.title === undefined) delete file.meta.title;
  if (typeof v.description === 'string') file.meta.description = v.description;
  const metadata = isObj(v.metadata) ? v.metadata : {};
  if (typeof metadata.version === 'string' || typeof metadata.version === 'number') file.meta.version = String(metadata.version);
  file.templateLanguage = 'vscode-input';
  const m = v.model;
  file.models = !fm.parsed
    ? []
    : typeof m === 'string'
      ? m.trim()
        ? [model(m.trim(), [])]
        : []
      : Array.isArray(m)
        ? m.flatMap((x) => (typeof x === 'string' && x.trim() ? [model(x.trim(), [])] : []))
        : [];
}

function readPromptfoo(file: ParsedFile, doc: TextDocument): void {
  const y = yamlValue(doc, file.path, 0, doc.text.length);
  if (!y.ok) return;
  const v = y.value ?? {};
  if (!isObj(v)) return;
  if (typeof v.description === 'string') file.meta.description = v.description;
  file.templateLanguage = 'none';
  const providers = [...promptfooProviders(v.providers), ...promptfooProviders(v.targets)];
  file.evalSuite = { prompts: [], providers, tests: [], defaultVars: [] };
  file.models = providers;
}

/** Providers as `readProviders` in promptfoo.ts reads them: `openai:gpt-4.1`, `{ id, config }`, `{ "openai:gpt-4.1": { config } }`. */
function promptfooProviders(providers: unknown): ModelUse[] {
  const one = (p: unknown): ModelUse[] => {
    if (typeof p === 'string') return p.trim() ? [model(p.trim(), [])] : [];
    if (!isObj(p)) return [];
    if (typeof p.id === 'string') return [model(p.id, isObj(p.config) ? Object.keys(p.config) : [])];
    const keys = Object.keys(p);
    if (keys.length === 1 && isObj(p[keys[0]])) {
      const inner = p[keys[0]] as Obj;
      return [model(typeof inner.id === 'string' ? inner.id : keys[0], isObj(inner.config) ? Object.keys(inner.config) : [])];
    }
    return [];
  };
  return Array.isArray(providers) ? providers.flatMap(one) : one(providers);
}

function model(id: string, parameters: string[]): ModelUse {
  return { id, range: emptyRange, parameters: parameters.map((name) => ({ name, range: emptyRange })) };
}
