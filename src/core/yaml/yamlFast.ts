// A fast reader for the common shape of YAML (block maps and sequences, one-line scalars, literal and folded block scalars, one-line flow sequences) that gives the nodes `yaml` gives, or gives up.

import { Document, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node, Schema } from 'yaml';

/** Thrown inside the reader when the text holds anything outside the subset it reads exactly. */
const giveUp = new Error('outside the simple subset');

/**
 * Characters that make the `yaml` library read a text in ways this reader does not follow:
 * tabs, carriage returns, control and other special characters (YAML 1.1 line breaks, BOM).
 */
const unsupportedChars = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

/** Characters a plain scalar may not start with (flow and block indicators, reserved ones). */
const indicators: ReadonlySet<string> = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

const nullPattern = /^(?:~|[Nn]ull|NULL)?$/;
const boolPattern = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const octPattern = /^0o[0-7]+$/;
const intPattern = /^[-+]?[0-9]+$/;
const hexPattern = /^0x[0-9a-fA-F]+$/;
const specialFloatPattern = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const expPattern = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const floatPattern = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Plain scalars that may resolve to something other than a string start with one of these. */
const maybeNotString = /^[-+.0-9~nNtTfF]/;

/** The value of a plain scalar under the YAML 1.2 core schema, as `yaml` resolves it. */
function resolvePlain(s: string): unknown {
  if (!maybeNotString.test(s) && s !== '') return s;
  if (nullPattern.test(s)) return null;
  if (boolPattern.test(s)) return s[0] === 't' || s[0] === 'T';
  if (octPattern.test(s)) return parseInt(s.substring(2), 8);
  if (intPattern.test(s)) return parseInt(s, 10);
  if (hexPattern.test(s)) return parseInt(s.substring(2), 16);
  if (specialFloatPattern.test(s)) throw giveUp;
  if (expPattern.test(s) || floatPattern.test(s)) return parseFloat(s);
  return s;
}

/**
 * The schema of every document read here: the one `parseDocument` makes for the options YamlSource
 * uses (YAML 1.2, core schema), made once. Schemas are not changed by reading.
 */
let sharedSchema: Schema | undefined;
/** Made on first use, not when the module loads (the extension loads the engine at activation; yaml is loaded when YAML is first read). */
const documentSchema = (): Schema => (sharedSchema ??= new Document(undefined, { uniqueKeys: false }).schema);

/**
 * Node makers. The classes of `yaml` mark each node with a symbol that their constructors set with
 * Object.defineProperty, slow when done for every node of ten thousand files; here the mark sits
 * on a prototype between the node and its class, so nodes are made as plain objects. isScalar,
 * isMap..., instanceof, toJSON and clone() see what they see on constructed nodes. Should a
 * version of `yaml` mark nodes differently, the constructors are used.
 */
interface NodeMakers {
  scalar(): Scalar;
  map(): YAMLMap;
  seq(): YAMLSeq;
  pair(key: unknown, value: unknown): Pair;
}

function nodeMakers(schema: Schema): NodeMakers {
  const byConstructor: NodeMakers = {
    scalar: () => new Scalar(null),
    map: () => new YAMLMap(schema),
    seq: () => new YAMLSeq(schema),
    pair: (key, value) => new Pair(key, value),
  };
  const mark = Symbol.for('yaml.node.type');
  const proto = (sample: object, extra: PropertyDescriptorMap = {}): object =>
    Object.create(Object.getPrototypeOf(sample) as object, { [mark]: { value: (sample as Record<symbol, unknown>)[mark] }, ...extra });
  const schemaProperty = { schema: { value: schema, configurable: true, enumerable: false, writable: true } };
  const scalarProto = proto(new Scalar(null));
  const mapProto = proto(new YAMLMap(schema), schemaProperty);
  const seqProto = proto(new YAMLSeq(schema), schemaProperty);
  const pairProto = proto(new Pair(null));
  // Constructor functions whose prototypes are the marked ones: `new` on them is V8's fastest way to make an object.
  const ScalarNode = function (this: Scalar) {
    this.value = null;
  } as unknown as new () => Scalar;
  ScalarNode.prototype = scalarProto as Scalar;
  const MapNode = function (this: YAMLMap) {
    this.items = [];
  } as unknown as new () => YAMLMap;
  MapNode.prototype = mapProto as YAMLMap;
  const SeqNode = function (this: YAMLSeq) {
    this.items = [];
  } as unknown as new () => YAMLSeq;
  SeqNode.prototype = seqProto as YAMLSeq;
  const PairNode = function (this: Pair, key: unknown, value: unknown) {
    this.key = key;
    this.value = value;
  } as unknown as new (key: unknown, value: unknown) => Pair;
  PairNode.prototype = pairProto as Pair;
  const fast: NodeMakers = {
    scalar: () => new ScalarNode(),
    map: () => new MapNode(),
    seq: () => new SeqNode(),
    pair: (key, value) => new PairNode(key, value),
  };
  const works = isScalar(fast.scalar()) && isMap(fast.map()) && isSeq(fast.seq()) && isPair(fast.pair(null, null)) && fast.scalar() instanceof Scalar && fast.map().schema === schema;
  return works ? fast : byConstructor;
}
let sharedMakers: NodeMakers | undefined;
/** The node makers, made on first use like the schema (a memo: what they make does not depend on when). */
const makers = (): NodeMakers => (sharedMakers ??= nodeMakers(documentSchema()));

const simpleEscapes: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

/** What the fast reader gives: the document, its plain value and its repeated keys. */
export interface SimpleYaml {
  doc: Document.Parsed;
  /** What `doc.toJS()` gives. */
  value: unknown;
  /** Scalar keys that repeat an earlier key of the same mapping (same type and text; `<<` never counts), in document order. */
  repeated: Node[];
}

/**
 * Reads YAML `src` into a document whose nodes (classes, values, styles, `flow`, ranges) are
 * those `parseDocument(src, { uniqueKeys: false })` gives, with its value, when the text keeps
 * to a simple subset of YAML that has no problem to report; undefined otherwise (the caller
 * then parses with `yaml`). A test holds the two to the same results over every YAML file it
 * can find and many damaged copies of them.
 */
export function parseSimpleYaml(src: string): SimpleYaml | undefined {
  if (unsupportedChars.test(src)) return undefined;
  try {
    return new SimpleReader(src).read();
  } catch (e) {
    if (e === giveUp) return undefined;
    throw e;
  }
}

class SimpleReader {
  /** Start offset of each line. */
  private readonly starts: number[] = [];
  /** Offset of each line's end (its `\n`, or the text's end). */
  private readonly ends: number[] = [];
  /**
   * Column of each line's first non-space character; -1 for an empty line or a comment before
   * the content, -2 for a comment at column 0, -3 for an indented comment after content (`yaml`
   * counts those in node ranges: the reader gives up on them, unless they sit in a block scalar).
   */
  private readonly indents: number[] = [];
  /** The line the reader is at. */
  private line = 0;
  private readonly doc: Document.Parsed;
  /** The plain value of the node read last. */
  private v: unknown;
  private readonly repeated: Node[] = [];

  constructor(private readonly src: string) {
    let p = 0;
    let content = false;
    while (p <= src.length) {
      let e = src.indexOf('\n', p);
      if (e < 0) e = src.length;
      let i = p;
      while (i < e && src.charCodeAt(i) === 32) i++;
      let indent: number;
      if (i === e) {
        // A line of spaces only: how `yaml` counts it in ranges is not followed here.
        if (e > p) throw giveUp;
        indent = -1;
      } else if (src.charCodeAt(i) === 35 /* # */) {
        indent = i === p ? -2 : content ? -3 : -1;
      } else {
        // Document markers and directives.
        if (i === p && (src.startsWith('---', p) || src.startsWith('...', p) || src.charCodeAt(p) === 37)) throw giveUp;
        content = true;
        indent = i - p;
      }
      this.starts.push(p);
      this.ends.push(e);
      this.indents.push(indent);
      if (e === src.length) break;
      p = e + 1;
    }
    this.doc = new Document(undefined, { uniqueKeys: false, schema: documentSchema() }) as unknown as Document.Parsed;
  }

  read(): SimpleYaml {
    const first = this.nextContent(0);
    if (first < 0) throw giveUp;
    this.line = first;
    const indent = this.indents[first];
    const root = this.isDash(first, this.starts[first] + indent) ? this.seq(first, indent, false) : this.map(first, indent);
    if (this.nextContent(this.line) >= 0) throw giveUp;
    const range = root.range!;
    this.doc.contents = root as unknown as Document.Parsed['contents'];
    this.doc.range = [range[0], range[1], this.src.length];
    const repeated = this.repeated.length > 1 ? this.repeated.sort((a, b) => a.range![0] - b.range![0]) : this.repeated;
    return { doc: this.doc, value: this.v, repeated };
  }

  /** The first line at or after `from` with content (not empty, not a column-0 comment); -1 if none. */
  private nextContent(from: number): number {
    for (let i = from; i < this.indents.length; i++) {
      const indent = this.indents[i];
      if (indent >= 0) return i;
      if (indent === -3) throw giveUp;
    }
    return -1;
  }

  /** After the line just read: its end, line break included. */
  private afterLine(line: number): number {
    return this.ends[line] < this.src.length ? this.ends[line] + 1 : this.ends[line];
  }

  /** True when a `-` at `at` starts a sequence item. */
  private isDash(line: number, at: number): boolean {
    return this.src.charCodeAt(at) === 45 && (at + 1 === this.ends[line] || this.src.charCodeAt(at + 1) === 32);
  }

  /**
   * Where the plain key that starts at `at` ends (its `:` follows), or -1 when the text from
   * `at` is not a plain key followed by `: ` or by `:` at the end of the line.
   */
  private keyEnd(line: number, at: number): number {
    const src = this.src;
    const end = this.ends[line];
    const c = src[at];
    if (indicators.has(c)) return -1;
    let colon = -1;
    for (let i = at; i < end; i++) {
      const ch = src.charCodeAt(i);
      if (ch === 58 /* : */ && (i + 1 === end || src.charCodeAt(i + 1) === 32)) {
        colon = i;
        break;
      }
    }
    if (colon < 0) return -1;
    if (colon - at > 1000) throw giveUp;
    for (let i = at; i < colon; i++) {
      const ch = src.charCodeAt(i);
      // Comments, flow brackets and quotes inside keys, and spaces before the colon.
      if (ch === 35 || ch === 91 || ch === 93 || ch === 123 || ch === 125 || ch === 34 || ch === 39) throw giveUp;
    }
    if (src.charCodeAt(colon - 1) === 32) throw giveUp;
    return colon;
  }

  /** A block mapping whose first key starts at column `col` of `line`; its keys are at that column. */
  private map(line: number, col: number): YAMLMap {
    const map = makers().map();
    const out: Record<string, unknown> = {};
    const src = this.src;
    let start = -1;
    let end = 0;
    for (;;) {
      const at = this.starts[line] + col;
      const colon = this.keyEnd(line, at);
      if (colon < 0) throw giveUp;
      if (start < 0) start = at;
      const keyText = src.slice(at, colon);
      const keyValue = resolvePlain(keyText);
      const key = scalar(keyValue, keyText, Scalar.PLAIN, at, colon, colon);
      let q = colon + 1;
      while (q < this.ends[line] && src.charCodeAt(q) === 32) q++;
      this.line = line;
      const value = this.value(line, q, col, true);
      // The value as doc.toJS builds it: a repeated key (or a name of Object.prototype) is defined over the earlier one.
      const name = keyValue === null ? '' : String(keyValue);
      if (name in out) {
        const text = String(keyValue);
        if (keyValue !== '<<' && map.items.some((p) => typeof (p.key as Scalar).value === typeof keyValue && String((p.key as Scalar).value) === text && (p.key as Scalar).value !== '<<'))
          this.repeated.push(key);
        Object.defineProperty(out, name, { value: this.v, writable: true, enumerable: true, configurable: true });
      } else out[name] = this.v;
      map.items.push(makers().pair(key, value));
      end = value.range![2];
      const next = this.nextContent(this.line);
      if (next < 0 || this.indents[next] < col) break;
      if (this.indents[next] > col) throw giveUp;
      line = next;
    }
    map.range = [start, end, end];
    this.v = out;
    return map;
  }

  /**
   * A block sequence whose items' dashes are at column `col`, the first on `line`.
   * `inMap`: the sequence is a map value at its key's column (a line at that column ends it).
   */
  private seq(line: number, col: number, inMap: boolean): YAMLSeq {
    const seq = makers().seq();
    const values: unknown[] = [];
    const src = this.src;
    const start = this.starts[line] + col;
    let end = 0;
    for (;;) {
      const dash = this.starts[line] + col;
      if (!this.isDash(line, dash)) {
        if (inMap) break;
        throw giveUp;
      }
      let q = dash + 1;
      while (q < this.ends[line] && src.charCodeAt(q) === 32) q++;
      this.line = line;
      let item: Node;
      if (q < this.ends[line] && this.keyEnd(line, q) >= 0) item = this.map(line, q - this.starts[line]);
      else {
        if (this.isDash(line, q)) throw giveUp;
        item = this.value(line, q, col, false);
      }
      seq.items.push(item);
      values.push(this.v);
      end = item.range![2];
      const next = this.nextContent(this.line);
      if (next < 0 || this.indents[next] < col) break;
      if (this.indents[next] > col) throw giveUp;
      line = next;
      if (!this.isDash(line, this.starts[line] + col)) {
        if (inMap) break;
        throw giveUp;
      }
    }
    seq.range = [start, end, end];
    this.v = values;
    return seq;
  }

  /**
   * The value that starts at `q` of `line` (after `key:` or `- ` and spaces), in a block
   * collection at column `parent`. Leaves `this.line` after the lines it read.
   */
  private value(line: number, q: number, parent: number, inMap: boolean): Node {
    const src = this.src;
    const eol = this.ends[line];
    this.line = line + 1;
    if (q === eol) {
      const next = this.nextContent(line + 1);
      if (next >= 0) {
        const indent = this.indents[next];
        const at = this.starts[next] + indent;
        if (indent > parent) return this.isDash(next, at) ? this.seq(next, indent, false) : this.map(next, indent);
        if (indent === parent && inMap && this.isDash(next, at)) return this.seq(next, indent, true);
      }
      this.v = null;
      return scalar(null, '', Scalar.PLAIN, q, q, q);
    }
    const c = src.charCodeAt(q);
    if (c === 124 /* | */ || c === 62 /* > */) return this.blockScalar(line, q, parent);
    let node: Node;
    let close: number;
    if (c === 91 /* [ */) [node, close] = this.flowSeq(line, q);
    else if (c === 123 /* { */) {
      if (src.charCodeAt(q + 1) !== 125) throw giveUp;
      const m = makers().map();
      m.flow = true;
      node = m;
      close = q + 2;
      this.v = {};
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      const [value, after] = quoted(src, q, eol);
      node = scalar(value, value, c === 34 ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, q, after, after);
      close = after;
      this.v = value;
    } else {
      // A plain scalar on this line: to a comment or the end of the line.
      if (indicators.has(src[q]) && !(c === 45 && q + 1 < eol && src.charCodeAt(q + 1) !== 32)) throw giveUp;
      let e = eol;
      for (let i = q; i < eol; i++) {
        const ch = src.charCodeAt(i);
        if (ch === 35 /* # */ && src.charCodeAt(i - 1) === 32) {
          e = i;
          break;
        }
        // `a: b: c` is an error (a mapping inside a one-line value).
        if (ch === 58 && (i + 1 === eol || src.charCodeAt(i + 1) === 32)) throw giveUp;
      }
      while (src.charCodeAt(e - 1) === 32) e--;
      const text = src.slice(q, e);
      const after = this.afterLine(line);
      this.continuesNot(line, parent);
      const value = resolvePlain(text);
      this.v = value;
      return scalar(value, text, Scalar.PLAIN, q, e, after);
    }
    // After a quoted scalar or a flow collection: spaces, then a comment or the end of the line.
    let p = close;
    while (p < eol && src.charCodeAt(p) === 32) p++;
    if (p < eol && (p === close || src.charCodeAt(p) !== 35)) throw giveUp;
    this.continuesNot(line, parent);
    node.range = [node.range ? node.range[0] : q, close, this.afterLine(line)];
    return node;
  }

  /**
   * Gives up when a line after a one-line value continues it: the next line with content (past empty
   * lines and column-0 comments) is more indented than the collection the value is in.
   */
  private continuesNot(line: number, parent: number): void {
    const next = this.nextContent(line + 1);
    if (next >= 0 && this.indents[next] > parent) throw giveUp;
  }

  /** A one-line flow sequence of scalars at `q`: the node (range set up to `]`) and the offset after `]`. */
  private flowSeq(line: number, q: number): [YAMLSeq, number] {
    const src = this.src;
    const eol = this.ends[line];
    const seq = makers().seq();
    seq.flow = true;
    const values: unknown[] = [];
    let p = q + 1;
    for (;;) {
      while (p < eol && src.charCodeAt(p) === 32) p++;
      if (p >= eol) throw giveUp;
      const c = src.charCodeAt(p);
      if (c === 93 /* ] */) break;
      let item: Scalar;
      if (c === 34 || c === 39) {
        const [value, after] = quoted(src, p, eol);
        item = scalar(value, value, c === 34 ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, p, after, after);
        p = after;
      } else {
        // `-` starts a plain scalar when a character of the scalar follows (`-2`).
        if (indicators.has(src[p]) && !(c === 45 && p + 1 < eol && !' ,[]{}'.includes(src[p + 1]))) throw giveUp;
        let e = p;
        while (e < eol) {
          const ch = src.charCodeAt(e);
          if (ch === 44 || ch === 93) break;
          // Colons, comments and nested collections inside a flow item.
          if (ch === 58 || ch === 35 || ch === 91 || ch === 123 || ch === 125) throw giveUp;
          e++;
        }
        let t = e;
        while (src.charCodeAt(t - 1) === 32) t--;
        const text = src.slice(p, t);
        item = scalar(resolvePlain(text), text, Scalar.PLAIN, p, t, t);
        p = t;
      }
      // An item's node runs over the spaces after it.
      while (p < eol && src.charCodeAt(p) === 32) p++;
      item.range![2] = p;
      seq.items.push(item);
      values.push(item.value);
      const d = src.charCodeAt(p);
      if (d === 44 /* , */) p++;
      else if (d !== 93) throw giveUp;
    }
    seq.range = [q, p + 1, p + 1];
    this.v = values;
    return [seq, p + 1];
  }

  /** A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose header is at `q`. */
  private blockScalar(line: number, q: number, parent: number): Scalar {
    const src = this.src;
    const eol = this.ends[line];
    const strip = q + 1 < eol && src.charCodeAt(q + 1) === 45;
    if (q + (strip ? 2 : 1) !== eol) throw giveUp;
    const literal = src.charCodeAt(q) === 124;
    // The content's indentation is that of its first non-empty line.
    let first = line + 1;
    while (first < this.indents.length && this.ends[first] === this.starts[first]) first++;
    if (first >= this.indents.length) throw giveUp;
    const indent = this.indents[first] >= 0 ? this.indents[first] : this.commentIndent(first);
    if (indent <= parent) throw giveUp;
    // Lines from line+1 while empty or indented at least as much; trailing empty lines are not part of it.
    let last = line;
    const lines: string[] = [];
    for (let i = line + 1; i < this.indents.length; i++) {
      const empty = this.ends[i] === this.starts[i];
      if (!empty) {
        const lineIndent = this.indents[i] >= 0 ? this.indents[i] : this.commentIndent(i);
        if (lineIndent < indent) break;
        last = i;
      }
      lines.push(empty ? '' : src.slice(this.starts[i] + indent, this.ends[i]));
    }
    lines.length = last - line;
    let value: string;
    if (literal) value = lines.join('\n');
    else {
      value = '';
      let pending = 0;
      let started = false;
      for (const l of lines) {
        if (l === '') {
          pending++;
          continue;
        }
        // More indented lines keep their line breaks: not followed here.
        if (l.charCodeAt(0) === 32) throw giveUp;
        if (started) value += pending ? '\n'.repeat(pending) : ' ';
        else value += '\n'.repeat(pending);
        started = true;
        pending = 0;
        value += l;
      }
    }
    if (!strip) value += '\n';
    const end = this.afterLine(last);
    this.line = last + 1;
    this.v = value;
    return scalar(value, value, literal ? Scalar.BLOCK_LITERAL : Scalar.BLOCK_FOLDED, q, end, end);
  }

  /** The indentation of a line that starts with `#` after its spaces. */
  private commentIndent(line: number): number {
    let i = this.starts[line];
    while (this.src.charCodeAt(i) === 32) i++;
    return i - this.starts[line];
  }
}

function scalar(value: unknown, source: string, type: Scalar.Type, a: number, b: number, c: number): Scalar {
  const s = makers().scalar();
  s.value = value;
  s.range = [a, b, c];
  (s as { source?: string }).source = source;
  s.type = type;
  return s;
}

/** A one-line quoted scalar at `q` ending before `eol`: its value and the offset after the closing quote. */
function quoted(src: string, q: number, eol: number): [string, number] {
  const quote = src[q];
  let out = '';
  let p = q + 1;
  for (;;) {
    if (p >= eol) throw giveUp;
    const ch = src[p];
    if (ch === quote) {
      if (quote === "'" && src[p + 1] === "'") {
        out += "'";
        p += 2;
        continue;
      }
      return [out, p + 1];
    }
    if (ch === '\\' && quote === '"') {
      const e = src[p + 1];
      const simple = simpleEscapes[e];
      if (simple !== undefined) {
        out += simple;
        p += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(p + 2, p + 6))) {
        out += String.fromCharCode(parseInt(src.slice(p + 2, p + 6), 16));
        p += 6;
        continue;
      }
      throw giveUp;
    }
    out += ch;
    p++;
  }
}
