// YAML with positions: parsing with bounds, duplicate keys, path -> range, and JSON Schema checks.

import { distance } from 'fastest-levenshtein';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, YAMLMap, YAMLSeq } from 'yaml';
import type { Alias, Document, Node, Pair } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { maxDiagnosticsPerCode, maxNestingDepth, maxYamlAliasCount, maxYamlBytes, maxYamlValueNodes } from '../limits';
import { TextDocument } from '../text/textDocument';
import { parseSimpleYaml } from './yamlFast';
import type { SimpleYaml } from './yamlFast';

export type YamlPath = (string | number)[];

/** How a YamlSource reads its text. */
export interface YamlSourceOptions {
  /**
   * `fast` (the default): the common shape of YAML is read by the fast reader of yamlFast.ts, which
   * builds the nodes `yaml` builds, and anything else by `yaml`. `yaml`: everything by `yaml` (the
   * equality tests compare the two).
   */
  reader?: 'fast' | 'yaml';
}

/**
 * A YAML document that sits at [start, end) of a text document (a whole manifest,
 * or the front matter of a prompt), with its value and every problem found parsing it.
 */
export class YamlSource {
  readonly doc: Document.Parsed | undefined;
  /** The plain value (undefined when the YAML did not parse or was empty). */
  readonly value: unknown;
  readonly diagnostics: Diagnostic[] = [];
  /** True when the text parsed well enough to be trusted for further checks. */
  readonly ok: boolean;

  constructor(
    readonly text: TextDocument,
    readonly file: string,
    readonly start: number,
    readonly end: number,
    options: YamlSourceOptions = {},
  ) {
    const src = text.text.slice(start, end);
    // Limits of the checker, not errors of the YAML: reported as `file-too-large`, and the YAML is not checked.
    if (src.length > maxYamlBytes) {
      this.diagnostics.push(
        diag(
          'file-too-large',
          file,
          text.rangeOf(start, start),
          `The YAML is ${mib(src.length)} (${src.length.toLocaleString('en-US')} characters), over the ${mib(maxYamlBytes)} limit for YAML this checker parses; it was not checked. Split it into several files (promptfoo reads tests from \`file://\` references).`,
        ),
      );
      this.ok = false;
      return;
    }
    const depthAt = tooDeepAt(src);
    if (depthAt >= 0) {
      this.diagnostics.push(
        diag(
          'file-too-large',
          file,
          text.rangeOf(start + depthAt, start + depthAt + 1),
          `The YAML nests deeper than ${maxNestingDepth} levels here, the limit of this checker; it was not checked. Flatten the structure.`,
        ),
      );
      this.ok = false;
      return;
    }
    let doc: Document.Parsed;
    let fast: SimpleYaml | undefined;
    // The parser makes an Error object for every problem; capturing a stack trace for each made a
    // damaged 100 KB file take seconds. No stack is ever shown, so none is captured. `logLevel`
    // keeps the library from printing warnings on the process's stderr.
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      fast = options.reader === 'yaml' ? undefined : parseSimpleYaml(src);
      doc = fast?.doc ?? parseDocument(src, { prettyErrors: false, lineCounter: new LineCounter(), keepSourceTokens: false, logLevel: 'error', uniqueKeys: false });
    } catch (e) {
      this.diagnostics.push(diag('yaml-syntax', file, text.rangeOf(start, start), `YAML could not be parsed: ${(e as Error).message}`));
      this.ok = false;
      return;
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
    this.doc = doc;
    let hardError = false;
    let syntaxCount = 0;
    let previous: { code: string; pos: [number, number] } | undefined;
    for (const err of doc.errors) {
      const [a, b] = err.pos;
      const range = text.rangeOf(start + a, start + Math.max(b, a + 1 > src.length ? a : b));
      if (err.code === 'DUPLICATE_KEY') {
        this.diagnostics.push(diag('duplicate-key', file, this.duplicateKeyRange(a) ?? range, `${firstLine(err.message)}. Remove or rename one of them; YAML keeps only one value per key.`));
      } else {
        hardError = true;
        // The second error of one over-indented line says the same as the first.
        const sameCause = err.code === 'MULTILINE_IMPLICIT_KEY' && previous?.code === 'BLOCK_AS_IMPLICIT_KEY' && previous.pos[0] === a;
        previous = err;
        if (sameCause) continue;
        // One broken line often yields a cascade of errors: the first few say all there is to say.
        if (++syntaxCount > 5) continue;
        const message = `${firstLine(err.message)} (YAML ${err.code})`;
        const at = syntaxErrorAt(src, err.code, err.message, a);
        if (at) this.diagnostics.push(diag('yaml-syntax', file, text.rangeOf(start + at.start, start + at.end), `${message}: ${at.hint}`));
        else this.diagnostics.push(diag('yaml-syntax', file, range, `${message}.`));
      }
    }
    // Repeated keys, found here in one pass (the library's own check compares every key with every other one);
    // for a clean document of plain nodes, the same walk builds the value (what doc.toJS gives, in a fraction of its time).
    const plain = fast ?? (doc.errors.length ? undefined : plainValue(doc));
    if (plain === tooManyValues) {
      this.diagnostics.push(expansionTooLarge(file, text.rangeOf(start, start)));
      this.ok = false;
      return;
    }
    const repeated = plain ? plain.repeated : duplicateKeys(doc);
    for (const keyNode of repeated.slice(0, maxDiagnosticsPerCode)) {
      const a = keyNode.range![0];
      this.diagnostics.push(
        diag('duplicate-key', file, this.duplicateKeyRange(a) ?? text.rangeOf(start + a, start + a + 1), 'Map keys must be unique. Remove or rename one of them; YAML keeps only one value per key.'),
      );
    }
    if (repeated.length > maxDiagnosticsPerCode) {
      const a = repeated[maxDiagnosticsPerCode].range![0];
      this.diagnostics.push(diag('duplicate-key', file, text.rangeOf(start + a, start + a), `…and ${repeated.length - maxDiagnosticsPerCode} more repeated keys from here on, not listed one by one.`));
    }
    let value: unknown;
    if (plain) value = plain.value;
    else if (!hardError) {
      try {
        value = doc.toJS({ maxAliasCount: maxYamlAliasCount });
      } catch (e) {
        hardError = true;
        const message = firstLine((e as Error).message);
        // An alias of no anchor (`description: *bold*`) is shown where it is.
        const unresolved = /^Unresolved alias .*: (.*)$/.exec(message);
        const alias = unresolved ? firstAlias(doc, unresolved[1]) : undefined;
        // `yaml` refuses aliases past maxAliasCount as a "resource exhaustion attack": a limit, not an error of the YAML.
        if (/excessive alias count/i.test(message)) this.diagnostics.push(expansionTooLarge(file, text.rangeOf(start, start)));
        else if (alias?.range)
          this.diagnostics.push(
            diag(
              'yaml-syntax',
              file,
              text.rangeOf(start + alias.range[0], start + alias.range[0] + 1),
              `\`*${alias.source}\` is an alias (\`*\` starts one in YAML), but no anchor \`&${alias.source}\` comes before it. To start a value with \`*\`, quote the value.`,
            ),
          );
        else this.diagnostics.push(diag('yaml-syntax', file, text.rangeOf(start, start), `YAML could not be expanded: ${message}.`));
      }
    }
    this.value = value;
    this.ok = !hardError;
  }

  private duplicateKeyRange(pos: number): Range | undefined {
    const src = this.text.text;
    let e = this.start + pos;
    while (e < this.end && src[e] !== ':' && src[e] !== '\n' && src[e] !== '\r') e++;
    return this.text.rangeOf(this.start + pos, e);
  }

  /** Range of [a, b) offsets of the YAML source. */
  range(a: number, b: number): Range {
    return this.text.rangeOf(this.start + a, this.start + b);
  }

  /** The node at a path (keys and sequence indexes), or undefined. */
  node(path: YamlPath): Node | undefined {
    if (!this.doc) return undefined;
    let cur: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(cur)) {
        const pair = findPair(cur.items as Pair[], seg);
        cur = pair?.value;
      } else if (isSeq(cur) && typeof seg === 'number') {
        cur = cur.items[seg];
      } else return undefined;
      if (cur === undefined || cur === null) return undefined;
    }
    return cur as Node;
  }

  /** The key/value pair at a path (its last segment is the key). */
  pair(path: YamlPath): Pair | undefined {
    if (!this.doc || path.length === 0) return undefined;
    const parent = path.length === 1 ? this.doc.contents : this.node(path.slice(0, -1));
    if (!isMap(parent)) return undefined;
    return findPair(parent.items as Pair[], path[path.length - 1]);
  }

  /** Range of the value at a path, falling back to its key, then to the nearest parent. */
  valueRange(path: YamlPath): Range {
    const n = this.node(path);
    if (n?.range) return this.trimmedRange(n.range[0], n.range[1]);
    return this.keyRange(path);
  }

  /** Range of the key at a path; for sequence items, the item; falls back to parents. */
  keyRange(path: YamlPath): Range {
    for (let i = path.length; i > 0; i--) {
      const sub = path.slice(0, i);
      const last = sub[sub.length - 1];
      if (typeof last === 'number') {
        const n = this.node(sub);
        if (n?.range) return this.trimmedRange(n.range[0], n.range[1]);
        continue;
      }
      const p = this.pair(sub);
      const k = p?.key as Node | undefined;
      if (k?.range) return this.range(k.range[0], k.range[1]);
    }
    return this.headRange();
  }

  /** Range of the first line of the YAML (for problems of the document as a whole). */
  headRange(): Range {
    const first = this.doc?.contents as Node | undefined | null;
    if (isMap(first) && first.items.length) {
      const k = (first.items[0] as Pair).key as Node | undefined;
      if (k?.range) return this.range(k.range[0], k.range[1]);
    }
    const pos = this.text.positionAt(this.start);
    return { start: pos, end: { line: pos.line, character: this.text.lineText(pos.line).length } };
  }

  /** Range of [a, b) trimmed of trailing whitespace and line breaks (YAML ranges include them). */
  trimmedRange(a: number, b: number): Range {
    const src = this.text.text;
    let e = this.start + b;
    while (e > this.start + a && isSpace(src.charCodeAt(e - 1))) e--;
    return this.text.rangeOf(this.start + a, e);
  }

  /** Keys of the mapping at a path, with their ranges. */
  keys(path: YamlPath): { key: string; range: Range }[] {
    const n = path.length ? this.node(path) : (this.doc?.contents as Node | undefined);
    if (!isMap(n)) return [];
    const out: { key: string; range: Range }[] = [];
    for (const item of n.items as Pair[]) {
      const k = item.key as Node | undefined;
      if (isScalar(k) && k.range) out.push({ key: String(k.value), range: this.range(k.range[0], k.range[1]) });
    }
    return out;
  }

  /**
   * Validates the value against a compiled JSON Schema and turns its errors into
   * `schema` errors and `unknown-field` warnings (with the nearest known name as a fix).
   */
  validate(validator: ValidateFunction, opts: { basePath?: YamlPath; value?: unknown; what?: string } = {}): Diagnostic[] {
    const basePath = opts.basePath ?? [];
    const value = opts.value !== undefined ? opts.value : valueAt(this.value, basePath);
    if (!this.ok) return [];
    const valid = validator(value);
    if (valid || !validator.errors) return [];
    return this.schemaDiagnostics(validator.errors, basePath, opts.what ?? 'this file');
  }

  schemaDiagnostics(errors: ErrorObject[], basePath: YamlPath, what: string): Diagnostic[] {
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    const all = pruneErrors(errors);
    // Each error is mapped to a range by walking the document: past the cap, they are only counted.
    const errs = all.slice(0, 2 * maxDiagnosticsPerCode);
    if (all.length > errs.length) {
      out.push(diag('schema', this.file, this.headRange(), `${cap(what)} breaks its schema in ${all.length} places; only the first ${errs.length} are listed. Fix those first.`));
    }
    for (const e of errs) {
      const path = [...basePath, ...pointerToPath(e.instancePath, valueAt(this.value, basePath))];
      const where = path.length ? `\`${path.join('.')}\`` : what;
      let d: Diagnostic | undefined;
      switch (e.keyword) {
        case 'additionalProperties': {
          const prop = String((e.params as { additionalProperty: string }).additionalProperty);
          const known = Object.keys(((e.parentSchema as { properties?: Record<string, unknown> }) ?? {}).properties ?? {});
          const suggestion = nearestField(prop, known);
          const range = this.keyRange([...path, prop]);
          const msg = suggestion
            ? `Unknown field \`${prop}\`${path.length ? ` in ${where}` : ''}; did you mean \`${suggestion}\`?`
            : `Unknown field \`${prop}\`${path.length ? ` in ${where}` : ''}; known fields: ${known.slice(0, 12).join(', ') || 'none'}.`;
          d = diag('unknown-field', this.file, range, msg, {
            fixes: suggestion ? [{ title: `Rename \`${prop}\` to \`${suggestion}\``, edits: [{ range, newText: suggestion }] }] : undefined,
          });
          break;
        }
        case 'required': {
          const missing = (e.params as { missingProperty: string }).missingProperty;
          d = diag('schema', this.file, path.length ? this.keyRange(path) : this.headRange(), `${cap(where)} is missing the required field \`${missing}\`; add it.`);
          break;
        }
        case 'enum': {
          const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
          d = diag('schema', this.file, this.valueRange(path), `${cap(where)} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`);
          break;
        }
        case 'const': {
          d = diag('schema', this.file, this.valueRange(path), `${cap(where)} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}.`);
          break;
        }
        case 'type': {
          const t = (e.params as { type: string | string[] }).type;
          d = diag('schema', this.file, this.valueRange(path), `${cap(where)} must be ${article(Array.isArray(t) ? t.join(' or ') : t)}, not ${describe(valueAt(this.value, path))}.`);
          break;
        }
        case 'pattern': {
          const desc = (e.parentSchema as { description?: string } | undefined)?.description;
          d = diag('schema', this.file, this.valueRange(path), `${cap(where)} does not match the pattern ${(e.params as { pattern: string }).pattern}${desc ? ` (${desc})` : ''}.`);
          break;
        }
        default:
          d = diag('schema', this.file, this.valueRange(path), `${cap(where)} ${e.message ?? 'is invalid'}.`);
      }
      const key = `${d.code}:${d.range.start.line}:${d.range.start.character}:${d.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(d);
      }
    }
    return out;
  }
}

/**
 * The value of a YAML text read as YamlSource reads it (within its size, nesting and alias bounds,
 * aliases expanded in one pass), or undefined when it does not parse or is over a bound. For
 * readers that show no diagnostics (previews, cost estimates).
 */
export function yamlValue(yaml: string): unknown {
  const y = new YamlSource(new TextDocument(yaml), '', 0, yaml.length);
  return y.ok ? y.value : undefined;
}

/** The first alias node of the document that names `source`. */
function firstAlias(doc: Document.Parsed, source: string): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.source !== source) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** Offsets of the line holding offset `i` of `src`: [start, end), the line break excluded. */
function lineAround(src: string, i: number): [number, number] {
  const s = src.lastIndexOf('\n', i - 1) + 1;
  let e = src.indexOf('\n', i);
  if (e < 0) e = src.length;
  return [s, e];
}

/**
 * Where a syntax error of `yaml` really is, with what to do, for the errors whose position is not
 * the offending characters: the `: ` inside a plain value (`yaml` points at the value's start), a
 * line indented more than its siblings (at the value before it), a value that starts with `*`
 * (at what follows the alias), an unclosed quote or flow collection (at the end of the text, or
 * at the next key): at its opening character. Undefined when the position is already right.
 */
export function syntaxErrorAt(src: string, code: string, message: string, pos: number): { start: number; end: number; hint: string } | undefined {
  if (code === 'BLOCK_AS_IMPLICIT_KEY') {
    const [, lineEnd] = lineAround(src, pos);
    for (let i = pos; i < lineEnd; i++) {
      if (src[i] === '#' && i > pos && (src[i - 1] === ' ' || src[i - 1] === '\t')) break;
      if (src[i] === ':' && (i + 1 === lineEnd || src[i + 1] === ' ' || src[i + 1] === '\t' || src[i + 1] === '\r')) {
        return { start: i, end: i + 1, hint: '`: ` inside a plain value starts a nested mapping, which YAML does not allow here. Quote the value ("...") or write it as a block scalar (|).' };
      }
    }
    // No `: ` on the value's line: the next line, indented deeper, is read as a key inside the value.
    let next = lineEnd + 1;
    while (next < src.length) {
      const [s, e] = lineAround(src, next);
      let c = s;
      while (c < e && (src[c] === ' ' || src[c] === '\t')) c++;
      if (c < e && src[c] !== '#' && src[c] !== '\r') {
        if (c === s) return undefined;
        return { start: s, end: c, hint: 'this line is indented more than the line above it, so YAML reads it as part of that value. Indent it like its siblings, or quote the value above.' };
      }
      next = e + 1;
    }
    return undefined;
  }
  if (code === 'UNEXPECTED_TOKEN' && /^Unexpected scalar at node end/.test(message)) {
    // `key: *bold* text`: `*bold*` is read as an alias, and the text after it is unexpected.
    const [lineStart] = lineAround(src, pos);
    const m = /(^|[\s[{,])\*[^\s,[\]{}]*\s+$/.exec(src.slice(lineStart, pos));
    if (!m) return undefined;
    const star = lineStart + m.index + m[1].length;
    return { start: star, end: star + 1, hint: '`*` starts an alias (*name) in YAML, so a plain value cannot start with it. Quote the value ("*...").' };
  }
  if (code === 'MISSING_CHAR' && /^Missing closing (["'])quote/.test(message)) {
    const quote = message.charAt('Missing closing '.length);
    for (let i = Math.min(pos, src.length) - 1; i >= 0; i--) {
      if (src[i] !== quote) continue;
      if (quote === '"') {
        let backslashes = 0;
        while (src[i - 1 - backslashes] === '\\') backslashes++;
        if (backslashes % 2) continue;
      } else if (src[i - 1] === "'") {
        i--;
        continue;
      }
      const [, lineEnd] = lineAround(src, i);
      let e = lineEnd;
      while (e > i + 1 && isSpace(src.charCodeAt(e - 1))) e--;
      return {
        start: i,
        end: e,
        hint: `this ${quote} opens a quoted value that is never closed. Close it with ${quote}${quote === '"' ? ' (write \\" for a quote inside it)' : " (write '' for a quote inside it)"}.`,
      };
    }
    return undefined;
  }
  if (code === 'BAD_INDENT' && /^Flow (sequence|map) in block collection must be sufficiently indented and end with an? [\]}]/.test(message)) {
    const [open, close] = message.startsWith('Flow sequence') ? ['[', ']'] : ['{', '}'];
    let depth = 0;
    for (let i = Math.min(pos, src.length) - 1; i >= 0; i--) {
      if (src[i] === close) depth++;
      else if (src[i] === open && depth-- === 0) {
        return { start: i, end: i + 1, hint: `this ${open} is never closed. End it with ${close} (a flow collection may go on over more lines, indented more than its key).` };
      }
    }
    return undefined;
  }
  return undefined;
}

/** Scalar keys that repeat an earlier key of the same mapping (the second and later ones), in document order. */
function duplicateKeys(doc: Document.Parsed): Node[] {
  const out: Node[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const n = stack.pop();
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const item of n.items) {
        const k = item.key as unknown;
        if (isScalar(k) && k.range && k.value !== '<<') {
          const id = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(id)) out.push(k);
          else seen.add(id);
        }
        stack.push(item.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) stack.push(item);
    }
  }
  return out.sort((a, b) => a.range![0] - b.range![0]);
}

/** Thrown inside plainValue when a node needs doc.toJS (merge keys, collection or alias keys, anchored keys, custom node classes, an alias to no anchor or to the node it sits in). */
const notPlain = new Error('not plain');
/** What plainValue gives when the value, aliases expanded, would hold more than maxYamlValueNodes values. */
const tooManyValues = Symbol('too many values');

/** The `file-too-large` diagnostic for a document whose aliases expand past the limit. */
function expansionTooLarge(file: string, range: Range): Diagnostic {
  return diag(
    'file-too-large',
    file,
    range,
    `With its aliases (*name) expanded, the YAML holds more than ${maxYamlValueNodes.toLocaleString('en-US')} values, the limit of this checker (an alias repeats everything its anchor holds); it was not checked. Use fewer aliases of large anchors.`,
  );
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/**
 * The value of a document (as `doc.toJS()` gives it) and its repeated keys (as duplicateKeys
 * gives them), in one walk; undefined when the document holds anything but plain maps,
 * sequences and scalars with scalar keys, anchors and aliases of values (then doc.toJS and
 * duplicateKeys decide). An alias gives the value of its anchor itself, as doc.toJS does (not a
 * copy); the values it stands for count toward maxYamlValueNodes once per alias, so that a
 * document that would expand past it (an alias bomb) gives `tooManyValues`, after work linear in
 * its size. (doc.toJS's own alias check walks the document again for aliases inside anchors: 5 s
 * instead of 0.5 s on a real 1.9 MB promptfoo red-team config.)
 */
function plainValue(doc: Document.Parsed): { value: unknown; repeated: Node[] } | typeof tooManyValues | undefined {
  // With a schema that resolves `<<` as a merge key, doc.toJS merges: leave that to it.
  if (doc.schema.tags.some((t) => t.tag === mergeTag && t.default)) return undefined;
  // The library's own toJSON methods: a node with another one is not plain.
  const scalarToJSON = Scalar.prototype.toJSON;
  const mapToJSON = YAMLMap.prototype.toJSON;
  const seqToJSON = YAMLSeq.prototype.toJSON;
  const repeated: Node[] = [];
  // Values so far, aliases expanded; and by anchor name, the value of its latest node and how many values it holds (undefined while it is read).
  let values = 0;
  const anchors = new Map<string, { value: unknown; values: number } | undefined>();
  const convert = (n: unknown): unknown => {
    if (n === null || n === undefined) return n;
    if (typeof n !== 'object') return n;
    const node = n as Node & { toJSON?: unknown; anchor?: string };
    if (++values > maxYamlValueNodes) throw tooManyValues;
    const name = node.anchor;
    if (!name) return convertNode(node);
    const before = values;
    anchors.set(name, undefined);
    const value = convertNode(node);
    anchors.set(name, { value, values: values - before + 1 });
    return value;
  };
  const convertNode = (node: Node & { toJSON?: unknown }): unknown => {
    if (isAlias(node)) {
      const anchor = anchors.get(node.source);
      if (!anchor) throw notPlain;
      values += anchor.values - 1;
      if (values > maxYamlValueNodes) throw tooManyValues;
      return anchor.value;
    }
    if (node.toJSON === scalarToJSON) return (node as Scalar).value;
    if (node.toJSON === mapToJSON) {
      const out: Record<string, unknown> = {};
      const items = (node as YAMLMap).items;
      for (let i = 0; i < items.length; i++) {
        const k = items[i].key as unknown;
        let key: string;
        if (k === null || k === undefined) key = k === null ? '' : 'undefined';
        else if (isScalar(k) && k.toJSON === scalarToJSON && !k.anchor && !(k as { addToJSMap?: unknown }).addToJSMap) {
          const v = k.value;
          if (v !== null && typeof v === 'object') throw notPlain;
          key = v === null ? '' : String(v);
        } else throw notPlain;
        const value = convert(items[i].value);
        if (key in out) {
          // A key seen before (or a name of Object.prototype): repeated when an earlier key has the same type and text.
          if (isRepeat(items, i)) repeated.push(k as Node);
          Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
        } else out[key] = value;
      }
      return out;
    }
    if (node.toJSON === seqToJSON) return (node as YAMLSeq).items.map(convert);
    throw notPlain;
  };
  try {
    const value = convert(doc.contents);
    return { value, repeated: repeated.sort((a, b) => a.range![0] - b.range![0]) };
  } catch (e) {
    if (e === notPlain) return undefined;
    if (e === tooManyValues) return tooManyValues;
    throw e;
  }
}
/** True when the scalar key of items[i] repeats an earlier scalar key of the map (same type and text; `<<` and keys without a range never count). */
function isRepeat(items: readonly Pair[], i: number): boolean {
  const k = items[i].key;
  if (!isScalar(k) || !k.range || k.value === '<<') return false;
  for (let j = 0; j < i; j++) {
    const e = items[j].key;
    if (isScalar(e) && e.range && e.value !== '<<' && typeof e.value === typeof k.value && String(e.value) === String(k.value)) return true;
  }
  return false;
}
const mergeTag = 'tag:yaml.org,2002:merge';

/** True for the characters `\s` matches in a regular expression. */
export function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function findPair(items: Pair[], seg: string | number): Pair | undefined {
  for (const item of items) {
    if (!isPair(item)) continue;
    const k = item.key as unknown;
    const kv = isScalar(k) ? k.value : k;
    if (kv === seg || String(kv) === String(seg)) return item;
  }
  return undefined;
}

/** True when `src` holds more than `n` opening brackets (`[` or `{`); counts without building a list of matches. */
function moreBracketsThan(src: string, n: number): boolean {
  let count = 0;
  for (let i = src.indexOf('['); i >= 0 && count <= n; i = src.indexOf('[', i + 1)) count++;
  for (let i = src.indexOf('{'); i >= 0 && count <= n; i = src.indexOf('{', i + 1)) count++;
  return count > n;
}
const deepIndentAfterBreak = new RegExp(`\\n[ -]{${maxNestingDepth * 2}}`);
const deepIndentAtStart = new RegExp(`^[ -]{${maxNestingDepth * 2}}`);

/** Whether a node can start after `prevSolid` (the last character that is not a space; '\n' at the start of a line's content), `depth` flow collections deep. */
function startsNode(prevSolid: string, depth: number): boolean {
  return prevSolid === '\n' || prevSolid === ':' || prevSolid === '-' || prevSolid === '?' || (depth > 0 && (prevSolid === '[' || prevSolid === '{' || prevSolid === ','));
}

/** The header of a block scalar (`key: |`, `- >-`, `key: !!str |2`), comments and trailing spaces cut off. */
const blockScalarHeader = /(?:^|[:?-] +|[!&]\S* +)[|>][1-9+-]{0,2}$/;

/**
 * When the line at [lineStart, lineEnd) opens a block scalar, the index where its text ends (the
 * start of the first later line that is neither blank nor indented more than this line); else -1.
 * Text in a block scalar (a red-team prompt with `{8765<Pink>2109>`, a code sample) nests nothing.
 */
function blockScalarEnd(src: string, lineStart: number, lineEnd: number): number {
  let e = lineEnd;
  for (let h = lineStart + 1; h < lineEnd; h++) {
    if (src[h] === '#' && src[h - 1] === ' ') {
      e = h;
      break;
    }
  }
  while (e > lineStart && isSpace(src.charCodeAt(e - 1))) e--;
  const last = src[e - 1];
  if (last !== '|' && last !== '>' && last !== '-' && last !== '+' && (last < '1' || last > '9')) return -1;
  let ind = lineStart;
  while (ind < e && src[ind] === ' ') ind++;
  if (!blockScalarHeader.test(src.slice(ind, e))) return -1;
  const indent = ind - lineStart;
  let next = lineEnd + 1;
  while (next < src.length) {
    let end = src.indexOf('\n', next);
    if (end < 0) end = src.length;
    let i = next;
    while (i < end && src[i] === ' ') i++;
    if (i < end && src[i] !== '\r' && i - next <= indent) return next;
    next = end + 1;
  }
  return src.length;
}

/**
 * Index of the first character where bracket or indentation nesting exceeds the limit, or -1. A
 * bracket counts where a flow collection can start (at the start of a line's content, after `: `,
 * `- `, `? `, or in a flow collection); inside block scalars, quotes and comments nothing counts.
 */
export function tooDeepAt(src: string): number {
  // Nesting past the limit needs more opening brackets than the limit, or a line indented past twice the limit.
  if (!deepIndentAtStart.test(src) && !deepIndentAfterBreak.test(src) && !moreBracketsThan(src, maxNestingDepth)) return -1;
  let depth = 0;
  let quote: string | undefined;
  /** The last character before this one on the line that is not a space ('\n' at the start of a line's content). */
  let prevSolid = '\n';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\n') quote = undefined;
      if (quote === undefined) prevSolid = c;
      continue;
    }
    if (c === '\n') {
      if (depth === 0) {
        const lineStart = src.lastIndexOf('\n', i - 1) + 1;
        const end = blockScalarEnd(src, lineStart, i);
        if (end >= 0) i = end - 1;
      }
      prevSolid = '\n';
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '"' || c === "'") {
      const prev = src[i - 1];
      if (prev === undefined || prev === ' ' || prev === '[' || prev === '{' || prev === ',' || prev === ':' || prev === '\n') quote = c;
    } else if (c === '#') {
      const prev = src[i - 1];
      if (prev === undefined || prev === ' ' || prev === '\n' || prev === '\t') {
        while (i < src.length && src[i] !== '\n') i++;
        i--;
        continue;
      }
    } else if ((c === '&' || c === '!') && startsNode(prevSolid, depth)) {
      // An anchor or a tag before a node (`key: &a [`): the node starts after it.
      while (i + 1 < src.length && !' \t\r\n[]{},'.includes(src[i + 1])) i++;
      continue;
    } else if (c === '[' || c === '{') {
      if (startsNode(prevSolid, depth) && ++depth > maxNestingDepth) return i;
    } else if (c === ']' || c === '}') {
      if (depth > 0) depth--;
    }
    prevSolid = c;
  }
  // Block nesting: count indentation levels of lines (block scalars' text aside).
  let lineStart = 0;
  const stack: number[] = [];
  while (lineStart < src.length) {
    let e = src.indexOf('\n', lineStart);
    if (e < 0) e = src.length;
    let ind = lineStart;
    while (ind < e && (src[ind] === ' ' || src[ind] === '-')) ind++;
    if (ind < e && src[ind] !== '#' && src[ind] !== '\r') {
      const level = ind - lineStart;
      while (stack.length && stack[stack.length - 1] >= level) stack.pop();
      stack.push(level);
      if (stack.length > maxNestingDepth * 2) return ind;
      const end = blockScalarEnd(src, lineStart, e);
      if (end >= 0) {
        lineStart = end;
        continue;
      }
    }
    lineStart = e + 1;
  }
  return -1;
}

/** Drops combinator summaries when a more precise error exists for the same place. */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const precise = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'not', 'allOf'].includes(e.keyword));
  const out = precise.length ? precise : errors;
  // Within anyOf/oneOf branches, type errors of other branches are noise: keep one per path+keyword.
  const byKey = new Map<string, ErrorObject>();
  for (const e of out) {
    const k = `${e.instancePath}|${e.keyword}|${e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : ''}`;
    if (!byKey.has(k)) byKey.set(k, e);
  }
  // Merge multiple type errors at one path into one.
  const result: ErrorObject[] = [];
  const typeAt = new Map<string, ErrorObject>();
  for (const e of byKey.values()) {
    if (e.keyword === 'type') {
      const prev = typeAt.get(e.instancePath);
      if (prev) {
        const a = ([] as string[]).concat((prev.params as { type: string | string[] }).type);
        const b = ([] as string[]).concat((e.params as { type: string | string[] }).type);
        (prev.params as { type: string[] }).type = [...new Set([...a, ...b])];
        continue;
      }
      typeAt.set(e.instancePath, { ...e, params: { ...e.params } });
      result.push(typeAt.get(e.instancePath)!);
      continue;
    }
    result.push(e);
  }
  return result;
}

function pointerToPath(pointer: string, root: unknown): YamlPath {
  if (!pointer) return [];
  const segs = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: YamlPath = [];
  let cur: unknown = root;
  for (const s of segs) {
    if (Array.isArray(cur) && /^\d+$/.test(s)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s] : undefined;
    }
  }
  return out;
}

/** The plain value at a path. */
export function valueAt(root: unknown, path: YamlPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** The nearest of `known` to `name`, when it is close enough to be a likely typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  if (!known.length) return undefined;
  const lower = name.toLowerCase();
  const ci = known.find((k) => k.toLowerCase() === lower);
  if (ci) return ci;
  return nearestByDistance(name, known);
}

/**
 * The known field an unknown one most likely means: the same name in another case or with other
 * separators (`allowed_tools`, `allowedTools` → `allowed-tools`), else the one field it is a whole
 * word of (`tools` → `allowed-tools`, not `hooks`, which is nearer by letters), else the one field
 * that is a whole word of it (`allowed-tools` → `tools`), else `nearest`.
 */
export function nearestField(name: string, known: readonly string[]): string | undefined {
  const words = (s: string) => s.split(/[-_\s]+|(?<=[a-z0-9])(?=[A-Z])/).map((w) => w.toLowerCase());
  const joined = words(name).join('');
  const same = known.filter((k) => words(k).join('') === joined);
  if (same.length) return same[0];
  const containing = known.filter((k) => words(k).includes(joined));
  if (containing.length === 1) return containing[0];
  const parts = words(name);
  const contained = known.filter((k) => parts.includes(words(k).join('')));
  if (contained.length === 1) return contained[0];
  return nearest(name, known);
}

/**
 * `nearest` for many names against one long list (e.g. every asset id): the list's lower-case
 * forms are worked out once, not once per name.
 */
export function nearestIn(known: readonly string[]): (name: string) => string | undefined {
  let byLower: Map<string, string> | undefined;
  return (name) => {
    if (!known.length) return undefined;
    if (!byLower) {
      byLower = new Map();
      // The first name of each lower-case form, as `find` gives it.
      for (const k of known) {
        const l = k.toLowerCase();
        if (!byLower.has(l)) byLower.set(l, k);
      }
    }
    const ci = byLower.get(name.toLowerCase());
    if (ci) return ci;
    return nearestByDistance(name, known);
  };
}

/**
 * The first of `known` at the least edit distance from `name` (what `closest` gives), when near
 * enough. `name` is never one of `known` here (the callers return an exact or case-insensitive
 * match first), so no name is nearer than 1: the search stops there. A name whose length differs
 * from `name` by at least the best distance so far cannot be nearer (a distance is at least the
 * difference of the lengths): it is not measured.
 */
function nearestByDistance(name: string, known: readonly string[]): string | undefined {
  // On long lists, only names whose length differs from `name` by little can be near enough to be suggested.
  const long = known.length > 64;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (let i = 0; i < known.length && bestDistance > 1; i++) {
    const k = known[i];
    const gap = Math.abs(k.length - name.length);
    if (long && gap > Math.max(2, Math.floor(k.length / 3))) continue;
    if (gap >= bestDistance) continue;
    const d = distance(name, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}
function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${String(v)}`;
}
