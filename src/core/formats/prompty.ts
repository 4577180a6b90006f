// Prompty (.prompty, v2 and the older v1): front matter with inputs, model and template format; the body split into role messages.

import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { Range } from '../diagnostics';
import { analyzeJinja } from '../templates/jinja';
import type { TemplateAnalysis, TemplateRegion } from '../templates/literalBraces';
import { analyzeMustache } from '../templates/mustache';
import type { TextDocument } from '../text/textDocument';
import type { YamlPath, YamlSource } from '../yaml/yamlDocument';
import { readFrontMatter } from './markdownPrompt';
import type { CatalogLevel, InputDecl, InputInsertion, InputType, MessagePart, ModelUse, ParsedFile } from './types';
import type { VariableUse } from '../templates/types';
import { afterLine } from '../text/edits';
import { isObj } from '../guards';
import type { FormatModule } from './registry';

/** Prompty: `*.prompty`, front matter and a body of role lines. */
export const promptyFormat: FormatModule<'prompty'> = {
  id: 'prompty',
  label: 'Prompty',
  files: [{ suffix: '.prompty' }],
  parse: parsePrompty,
  yaml: { in: 'front-matter', schema: 'prompty', leadingWhitespace: true, modelFields: [['model'], ['model', 'id']] },
  preview: true,
};

type Obj = Record<string, unknown>;

/** Role lines of a Prompty body: `system:`, `user[name="Alice"]:`, `# assistant:`. */
const roleLine = /^\s*#?\s*(system|user|assistant|developer|function)(\[(?:\s*\w+\s*=\s*"?[^"\]]*"?\s*,?)*\])?\s*:\s*$/i;

/** Parses a .prompty file into `file`. */
export function parsePrompty(file: ParsedFile, doc: TextDocument, level: CatalogLevel = 'full'): void {
  const full = level === 'full';
  const fm = readFrontMatter(file, doc, 'prompty', level, { leadingWhitespace: true });
  const v: Obj = fm.value ?? {};
  const y = fm.yaml;
  const frontMatterOk = !fm.split.present || fm.value !== undefined;
  const bodyStart = !fm.split.present ? 0 : fm.split.unterminated ? doc.text.length : fm.split.bodyStart;
  const v1 = isV1(v);

  readMeta(file, v);

  // Body: template analysis and messages.
  const format = templateFormat(v);
  const region: TemplateRegion = { doc, file: file.path, start: bodyStart, end: doc.text.length };
  let analysis: TemplateAnalysis | undefined;
  if (format === 'mustache') {
    file.templateLanguage = 'mustache';
    if (full) analysis = analyzeMustache(region);
  } else if (format === 'jinja2' || format === 'jinja' || format === 'nunjucks') {
    file.templateLanguage = 'jinja2';
    if (full) analysis = analyzeJinja(region);
  } else {
    file.templateLanguage = 'none';
  }
  if (full) file.messages = splitMessages(doc.text.slice(bodyStart));
  const variables: VariableUse[] = analysis ? [...analysis.variables] : [];
  if (analysis) file.diagnostics.push(...analysis.diagnostics);

  if (y && fm.value) {
    file.models = readModels(y, v);
    file.links = readLinks(y, v);
    variables.push(...toolBindings(y, v));
  } else {
    file.models = [];
  }

  if (!frontMatterOk) {
    file.variables = variables;
    return;
  }
  const declared = readInputs(doc, fm.split.present ? { y, yamlEnd: fm.split.yamlEnd } : undefined, v, v1);
  if (declared.inputs) {
    const names = new Set(declared.inputs.map((i) => i.name));
    if (analysis) variables.push(...analysis.contextual.filter((u) => names.has(u.name)));
    // A `thread` input the body does not place is appended after its messages by the runtime: used all the same.
    for (const name of threadInputs(v)) {
      const decl = declared.inputs.find((i) => i.name === name);
      if (decl && !variables.some((u) => u.name === name)) variables.push({ name, range: decl.range });
    }
    variables.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  }
  file.variables = variables;
  file.inputs = declared.inputs;
  if (declared.insertion) file.inputInsertion = declared.insertion;
  if (Object.keys(declared.sample).length) file.samples = [declared.sample];
  // A body that was not analysed (too large) may use inputs unseen.
  if (analysis?.incomplete) file.inputsMayBeUnused = true;
  // A prompt that declares no inputs takes whatever it is given (the runtime validates inputs only against declared ones).
  if (declared.undeclared) file.inputsUndeclared = true;
}

/** Names of the inputs of kind `thread` (v2: conversation history, in a list, a map or `inputSchema.properties`). */
function threadInputs(v: Obj): string[] {
  const decls = v.inputs ?? (isObj(v.inputSchema) ? v.inputSchema.properties : undefined);
  const entries: [unknown, unknown][] = Array.isArray(decls) ? decls.map((p) => [isObj(p) ? p.name : undefined, p]) : isObj(decls) ? Object.entries(decls) : [];
  return entries.filter(([name, p]) => typeof name === 'string' && isObj(p) && p.kind === 'thread').map(([name]) => name as string);
}

/** The older format: `sample`, top-level authors/tags/version, or model.configuration/parameters/api. */
export function isV1(v: Obj): boolean {
  const model = v.model;
  if ('sample' in v || 'authors' in v || 'base' in v) return true;
  if (isObj(model) && ('configuration' in model || 'parameters' in model || 'api' in model)) return true;
  return false;
}

export function readMeta(file: ParsedFile, v: Obj): void {
  const metadata = isObj(v.metadata) ? v.metadata : {};
  if (typeof v.name === 'string') file.meta.name = v.name;
  if (typeof v.displayName === 'string') file.meta.title = v.displayName;
  if (typeof v.description === 'string') file.meta.description = v.description;
  const version = v.version ?? metadata.version;
  if (typeof version === 'string' || typeof version === 'number') file.meta.version = String(version);
  const tags = Array.isArray(v.tags) ? v.tags : Array.isArray(metadata.tags) ? metadata.tags : undefined;
  if (tags) file.meta.tags = tags.filter((t): t is string => typeof t === 'string');
}

/** `template: mustache`, `template: { format: jinja2 }`, `template: { format: { kind: mustache } }`; default jinja2. */
export function templateFormat(v: Obj): string {
  let kind: unknown = v.template;
  if (isObj(kind)) {
    const f = kind.format;
    kind = isObj(f) ? f.kind : f;
  }
  if (kind === undefined || kind === null) return 'jinja2';
  return String(kind).trim().toLowerCase();
}

/** Splits the template text into messages at role lines; text before the first one is `system`. */
export function splitMessages(body: string): MessagePart[] {
  const out: MessagePart[] = [];
  let role = 'system';
  let lines: string[] = [];
  let sawRole = false;
  const flush = () => {
    while (lines.length && !lines[0].trim()) lines.shift();
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    if (lines.length || sawRole) out.push({ role, template: lines.join('\n') });
    lines = [];
  };
  for (const line of body.split(/\r\n|\r|\n/)) {
    const m = roleLine.exec(line);
    if (m) {
      if (lines.some((l) => l.trim()) || sawRole) flush();
      else lines = [];
      role = m[1].toLowerCase();
      sawRole = true;
      continue;
    }
    lines.push(line);
  }
  if (lines.some((l) => l.trim()) || sawRole) flush();
  return out;
}

export const kindToType: Record<string, InputType> = {
  string: 'string',
  str: 'string',
  text: 'string',
  number: 'number',
  float: 'number',
  double: 'number',
  integer: 'integer',
  int: 'integer',
  boolean: 'boolean',
  bool: 'boolean',
  object: 'object',
  dict: 'object',
  array: 'array',
  list: 'array',
  thread: 'array',
  null: 'null',
};

export function typeOfValue(x: unknown): InputType | undefined {
  if (x === undefined) return undefined;
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  if (typeof x === 'string' || typeof x === 'boolean' || typeof x === 'object') return typeof x as InputType;
  return 'any';
}

interface Declared {
  inputs?: InputDecl[];
  /** No inputs are declared anywhere (no inputs, inputSchema or sample): the prompt takes any input. */
  undeclared?: boolean;
  insertion?: InputInsertion;
  sample: Obj;
}

/**
 * The declared inputs in any of Prompty's shapes (v2 list, map of properties, map of
 * examples, `inputSchema.properties`; v1 `inputs` map or the keys of `sample`), with where
 * a new one goes in the same style. Inputs loaded from a `${file:...}` are unknown.
 */
function readInputs(doc: TextDocument, fm: { y: YamlSource | undefined; yamlEnd: number } | undefined, v: Obj, v1: boolean): Declared {
  const eol = doc.eol;
  const sample: Obj = {};
  const y = fm?.y;
  if (!fm || !y) {
    // No front matter: declaring an input creates it.
    return {
      inputs: [],
      undeclared: true,
      sample,
      insertion: { range: doc.rangeOf(0, 0), indent: '  ', header: `---${eol}inputs:${eol}`, ...declarationLines(true, 'kind', '  ', eol, `---${eol}`) },
    };
  }
  const path: YamlPath | undefined = 'inputs' in v ? ['inputs'] : isObj(v.inputSchema) && 'properties' in v.inputSchema ? ['inputSchema', 'properties'] : undefined;
  const v1Sample = isObj(v.sample) ? v.sample : undefined;
  let result: Declared;
  if (path) {
    const value = path.length === 1 ? v.inputs : (v.inputSchema as Obj).properties;
    if (typeof value === 'string') return { sample }; // ${file:...}: declared elsewhere
    result = declaredAt(doc, y, path, value, v1);
  } else if (typeof v.sample === 'string' && v.sample.trim()) {
    // `sample: ${file:chat.json}` (or a file name): the inputs are the keys of that file, which is not read here.
    return { sample };
  } else if (v1Sample) {
    result = { inputs: [], sample };
    for (const [name, val] of Object.entries(v1Sample)) {
      const pair = y.pair(['sample', name]);
      result.inputs!.push({ name, type: typeOfValue(val) ?? 'any', required: true, range: y.keyRange(['sample', name]), fullRange: pairRemoval(doc, y, pair) });
    }
    // The keys of `sample` are the inputs, every one required: nothing to mark optional here.
    result.insertion = insertionInMap(doc, y, ['sample'], () => ({ line: `\${name}: ""${eol}` }));
  } else {
    const key = v1 ? 'type' : 'kind';
    result = {
      inputs: [],
      undeclared: true,
      sample,
      insertion: {
        range: doc.rangeOf(fm.yamlEnd, fm.yamlEnd),
        indent: '  ',
        header: `inputs:${eol}`,
        ...declarationLines(!v1, key, '  ', eol),
      },
    };
  }
  for (const [k, val] of Object.entries(result.sample)) sample[k] = val;
  if (v1Sample) for (const [k, val] of Object.entries(v1Sample)) sample[k] = val;
  return { ...result, sample };
}

function declaredAt(doc: TextDocument, y: YamlSource, path: YamlPath, value: unknown, v1: boolean): Declared {
  const eol = doc.eol;
  const node = y.node(path);
  const inputs: InputDecl[] = [];
  const sample: Obj = {};
  const declare = (name: string, p: Obj | undefined, shorthand: unknown, range: Range, fullRange: Range | undefined) => {
    const kind = p ? (p.kind ?? p.type) : undefined;
    const example = p ? (p.default ?? p.example ?? p.sample) : shorthand;
    const type = (typeof kind === 'string' ? (kindToType[kind.toLowerCase()] ?? 'any') : undefined) ?? typeOfValue(example) ?? 'any';
    const decl: InputDecl = { name, type, required: p && typeof p.required === 'boolean' ? p.required : p?.default === undefined, range };
    if (p && typeof p.description === 'string') decl.description = p.description;
    if (p && p.default !== undefined) decl.default = p.default;
    if (fullRange) decl.fullRange = fullRange;
    inputs.push(decl);
    if (example !== undefined) sample[name] = example;
  };
  const usesType = (items: unknown[]) => v1 || (items.some((p) => isObj(p) && 'type' in p) && !items.some((p) => isObj(p) && 'kind' in p));
  if (Array.isArray(value) && isSeq(node)) {
    value.forEach((p, i) => {
      if (!isObj(p) || typeof p.name !== 'string') return;
      const item = node.items[i] as Node | undefined;
      declare(p.name, p, undefined, y.valueRange([...path, i, 'name']), item?.range ? lineRemoval(doc, y.start + item.range[0], y.start + item.range[1]) : undefined);
    });
    if (node.flow) return { inputs, sample };
    const key = usesType(value) ? 'type' : 'kind';
    const last = node.items[node.items.length - 1] as Node | undefined;
    const first = node.items[0] as Node | undefined;
    if (!last?.range || !first?.range) return { inputs, sample };
    const indent = leadingIndent(doc.text, y.start + first.range[0]);
    return {
      inputs,
      sample,
      insertion: { range: doc.rangeOf(afterLine(doc.text, y.start + last.range[1]), afterLine(doc.text, y.start + last.range[1])), indent, ...declarationLines(true, key, indent, eol) },
    };
  }
  if (isObj(value) && isMap(node)) {
    const entries = Object.entries(value);
    for (const [name, p] of entries) {
      const pair = y.pair([...path, name]);
      declare(name, isObj(p) ? p : undefined, isObj(p) ? undefined : p, y.keyRange([...path, name]), pairRemoval(doc, y, pair));
    }
    const shorthand = entries.length > 0 && entries.every(([, p]) => !isObj(p));
    const key = usesType(entries.map(([, p]) => p)) ? 'type' : 'kind';
    // Shorthand entries (`name: example`) cannot say optional: an optional one is written in full beside them.
    const lines = (indent: string): DeclarationLines => {
      const full = declarationLines(false, key, indent, eol);
      return shorthand ? { line: `\${name}: ""${eol}`, optionalLine: full.optionalLine } : full;
    };
    return { inputs, sample, insertion: insertionInMap(doc, y, path, lines) };
  }
  if (value === null || value === undefined) {
    // `inputs:` with nothing under it.
    const keyNode = y.pair(path)?.key as Node | undefined;
    if (!keyNode?.range) return { inputs, sample };
    const at = afterLine(doc.text, y.start + keyNode.range[1]);
    const indent = leadingIndent(doc.text, y.start + keyNode.range[0]) + '  ';
    const key = v1 ? 'type' : 'kind';
    return { inputs, sample, insertion: { range: doc.rangeOf(at, at), indent, ...declarationLines(!v1, key, indent, eol) } };
  }
  return { inputs, sample };
}

type DeclarationLines = Pick<InputInsertion, 'line' | 'optionalLine'>;

/**
 * A new input, required and optional (`required: false`, in v1 and v2 alike): a v2 list item
 * (`- name: x`) or a map entry (`x:`), its type under `key` (v2 `kind`, v1 `type`); `tail` closes the front matter when it is new.
 */
function declarationLines(listItem: boolean, key: string, indent: string, eol: string, tail = ''): DeclarationLines {
  const head = listItem ? `- name: \${name}${eol}` : `\${name}:${eol}`;
  const body = `${indent}  ${key}: string${eol}`;
  return { line: head + body + tail, optionalLine: head + body + `${indent}  required: false${eol}` + tail };
}

/** Where a new key goes at the end of a block mapping. */
function insertionInMap(doc: TextDocument, y: YamlSource, path: YamlPath, lines: (indent: string) => DeclarationLines): InputInsertion | undefined {
  const node = y.node(path);
  if (!isMap(node) || node.flow || !node.items.length) return undefined;
  const firstKey = (node.items[0] as Pair).key as Node | undefined;
  const lastPair = node.items[node.items.length - 1] as Pair;
  const end = pairEnd(lastPair);
  if (!firstKey?.range || end === undefined) return undefined;
  const indent = leadingIndent(doc.text, y.start + firstKey.range[0]);
  const at = afterLine(doc.text, y.start + end);
  return { range: doc.rangeOf(at, at), indent, ...lines(indent) };
}

function pairEnd(pair: Pair): number | undefined {
  const val = pair.value as Node | null;
  if (val?.range) return val.range[1];
  const key = pair.key as Node | null;
  return key?.range ? key.range[1] : undefined;
}

function pairRemoval(doc: TextDocument, y: YamlSource, pair: Pair | undefined): Range | undefined {
  const key = pair?.key as Node | undefined;
  const end = pair ? pairEnd(pair) : undefined;
  if (!key?.range || end === undefined) return undefined;
  return lineRemoval(doc, y.start + key.range[0], y.start + end);
}

/**
 * The whole lines holding [start, end), for deleting a declaration; undefined when
 * other content shares those lines (flow style).
 */
function lineRemoval(doc: TextDocument, start: number, end: number): Range | undefined {
  const t = doc.text;
  let a = start;
  while (a > 0 && t[a - 1] !== '\n' && t[a - 1] !== '\r') a--;
  if (!/^[ \t]*(-[ \t]+)?$/.test(t.slice(a, start))) return undefined;
  let e = end;
  while (e > start && /\s/.test(t[e - 1])) e--;
  let b = e;
  while (b < t.length && t[b] !== '\n' && t[b] !== '\r') b++;
  if (!/^[ \t]*(#.*)?$/.test(t.slice(e, b))) return undefined;
  return doc.rangeOf(a, afterLine(t, e));
}

function leadingIndent(t: string, offset: number): string {
  let a = offset;
  while (a > 0 && t[a - 1] !== '\n' && t[a - 1] !== '\r') a--;
  return /^[ \t]*/.exec(t.slice(a, offset))![0];
}

/** v2 `model: id` or `model: { id, options }`; v1 `model.configuration` (azure_deployment, model, name) and `model.parameters`. */
function readModels(y: YamlSource, v: Obj): ModelUse[] {
  const model = v.model;
  if (typeof model === 'string') return model.trim() ? [{ id: model.trim(), range: y.valueRange(['model']), parameters: [] }] : [];
  if (!isObj(model)) return [];
  const parameters: ModelUse['parameters'] = [];
  if (isObj(model.options)) {
    for (const k of y.keys(['model', 'options'])) {
      if (k.key === 'additionalProperties') parameters.push(...y.keys(['model', 'options', 'additionalProperties']).map((p) => ({ name: p.key, range: p.range })));
      else parameters.push({ name: k.key, range: k.range });
    }
  }
  if (isObj(model.parameters)) parameters.push(...y.keys(['model', 'parameters']).map((p) => ({ name: p.key, range: p.range })));
  if (typeof model.id === 'string' && model.id.trim()) return [{ id: model.id.trim(), range: y.valueRange(['model', 'id']), parameters }];
  const conf = model.configuration;
  if (isObj(conf)) {
    for (const key of ['azure_deployment', 'model', 'name']) {
      const id = conf[key];
      if (typeof id === 'string' && id.trim()) return [{ id: id.trim(), range: y.valueRange(['model', 'configuration', key]), parameters }];
    }
  }
  return [];
}

/**
 * Files the front matter points at: `${file:path}` anywhere, a v1 `sample` given as a file
 * name, and an OpenAPI tool's `specification`.
 */
function readLinks(y: YamlSource, v: Obj): { target: string; range: Range }[] {
  const out: { target: string; range: Range }[] = [];
  const src = y.text.text;
  const visit = (node: unknown, depth: number) => {
    if (depth > 64 || !node) return;
    if (isMap(node)) for (const p of node.items) visit(isPair(p) ? p.value : undefined, depth + 1);
    else if (isSeq(node)) for (const it of node.items) visit(it, depth + 1);
    else if (isScalar(node) && typeof node.value === 'string' && node.range) {
      for (const m of node.value.matchAll(/\$\{file:([^}]+)\}/g)) {
        const target = m[1].trim();
        const a = y.start + node.range[0];
        const at = src.slice(a, y.start + node.range[1]).indexOf(m[1]);
        out.push({ target, range: at >= 0 ? y.text.rangeOf(a + at, a + at + m[1].length) : y.trimmedRange(node.range[0], node.range[1]) });
      }
    }
  };
  visit(y.doc?.contents, 0);
  if (typeof v.sample === 'string' && !v.sample.startsWith('${') && v.sample.trim()) out.push({ target: v.sample.trim(), range: y.valueRange(['sample']) });
  if (Array.isArray(v.tools)) {
    v.tools.forEach((t, i) => {
      const spec = isObj(t) ? t.specification : undefined;
      if (typeof spec === 'string' && spec.trim() && !/^[a-z][\w+.-]*:/i.test(spec) && !spec.startsWith('${')) out.push({ target: spec.trim(), range: y.valueRange(['tools', i, 'specification']) });
    });
  }
  return out;
}

/** Inputs that tools bind to their parameters (`bindings: { unit: { input: preferred_unit } }`) count as used. */
function toolBindings(y: YamlSource, v: Obj): VariableUse[] {
  const out: VariableUse[] = [];
  if (!Array.isArray(v.tools)) return out;
  v.tools.forEach((t, i) => {
    if (!isObj(t) || !isObj(t.bindings)) return;
    for (const [param, b] of Object.entries(t.bindings)) {
      if (typeof b === 'string') out.push({ name: b, range: y.valueRange(['tools', i, 'bindings', param]) });
      else if (isObj(b) && typeof b.input === 'string') out.push({ name: b.input, range: y.valueRange(['tools', i, 'bindings', param, 'input']) });
    }
  });
  return out;
}
