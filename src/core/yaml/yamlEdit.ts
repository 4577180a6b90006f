// Re-parsing a YAML document after a keystroke inside one scalar: that scalar is parsed on its own and the rest of the previous parse is reused, moved past the edit.

import { isDocument, isMap, isPair, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Document, DocumentOptions, Node, ParseOptions, SchemaOptions } from 'yaml';

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** The symbol by which the yaml library tells its node kinds apart (a registered symbol: the same in every copy of the library). */
const nodeType = Symbol.for('yaml.node.type');

type Tagged = Record<symbol, unknown>;

/**
 * A shallow copy of a yaml node, pair or document: same prototype, kind and own fields (collections
 * keep their schema). Much faster than the constructors, which define the kind and the schema as
 * non-enumerable properties one call at a time.
 */
function copyOf<T extends object>(node: T): T {
  const copy = Object.create(Object.getPrototypeOf(node) as object) as Tagged & Record<string, unknown>;
  copy[nodeType] = (node as Tagged)[nodeType];
  if (isMap(node) || isSeq(node)) copy.schema = node.schema;
  for (const k in node) copy[k] = node[k];
  return copy as unknown as T;
}

/** The kind a pair carries, and whether copies made by copyOf and newPair are nodes to the library (found on first use, so that loading this module does not load the library). */
let copying: { pairKind: unknown; works: boolean } | undefined;
function copies(): { pairKind: unknown; works: boolean } {
  if (copying) return copying;
  const pairKind = (new Pair(null) as unknown as Tagged)[nodeType];
  const map = new YAMLMap();
  const pair = newPair(pairKind, 1, 2);
  const works = isScalar(copyOf(new Scalar(1))) && isMap(copyOf(map)) && isSeq(copyOf(new YAMLSeq())) && isPair(pair) && copyOf(map).schema === map.schema;
  return (copying = { pairKind, works });
}

/** A new pair (as `new Pair(key, value)` makes it). */
function newPair(kind: unknown, key: unknown, value: unknown): Pair {
  return { __proto__: Pair.prototype, [nodeType]: kind, key, value } as unknown as Pair;
}

/** A copy of a scalar or collection (its items not copied yet). */
function copyNode<T extends Node>(node: T): T {
  if (copies().works) return copyOf(node);
  if (isScalar(node)) return Object.assign(new Scalar(node.value), node) as unknown as T;
  if (isMap(node)) return Object.assign(new YAMLMap(node.schema), node) as unknown as T;
  return Object.assign(new YAMLSeq((node as unknown as YAMLSeq).schema), node) as unknown as T;
}

function pairOf(key: unknown, value: unknown): Pair {
  const { works, pairKind } = copies();
  return works ? newPair(pairKind, key, value) : new Pair(key, value);
}

/**
 * A copy of a node with every range moved by `delta` (parsed nodes are never changed in place:
 * a YamlSource may keep its document, and documents share the nodes an edit did not reach).
 */
export function moved(node: unknown, delta: number): unknown {
  if (!node || typeof node !== 'object') return node;
  if (isPair(node)) return pairOf(moved(node.key, delta), moved(node.value, delta));
  if (!(isScalar(node) || isMap(node) || isSeq(node))) return node;
  const copy = copyNode(node as Node);
  if (isMap(copy) || isSeq(copy)) (copy as YAMLSeq).items = (node as YAMLSeq).items.map((i) => moved(i, delta));
  const r = (node as Node).range;
  if (r) copy.range = [r[0] + delta, r[1] + delta, r[2] + delta];
  return copy;
}

/** The last documents parsed while typing, newest first (see `reusingEntries`). */
const recent: { src: string; doc: Document.Parsed }[] = [];
const recentMax = 4;
/** Edits longer than this (a paste, a replace-all) are parsed the usual way. */
const maxEditChars = 256;

/** How edits were taken the short way: a literal scalar's value edited directly, or a scalar parsed alone (tests read them). */
export const editCounts = { literal: 0, alone: 0 };

/** Keeps a clean parse of `src` as the base for the next edit of the same text. */
export function rememberParse(src: string, doc: Document.Parsed): void {
  if (doc.errors.length || doc.warnings.length) return;
  const i = recent.findIndex((r) => r.doc === doc);
  if (i >= 0) recent.splice(i, 1);
  recent.unshift({ src, doc });
  if (recent.length > recentMax) recent.length = recentMax;
}

/** Forgets every remembered parse (tests). */
export function forgetParses(): void {
  recent.length = 0;
}

/**
 * `parseDocument(src, options)` when `src` is a text parsed lately with one edit inside a single
 * scalar (the typing case: a letter typed into a message, a description, a name): the scalar alone
 * is parsed again and the nodes around it are reused, those after it moved by the edit's length.
 * Undefined whenever that cannot give exactly what a full parse gives (the edit touches a key,
 * a line break, indentation, a flow collection, a tag or anchor; the scalar would change kind or
 * extent; the previous parse had problems): the caller parses the usual way.
 */
export function parseAfterEdit(src: string, options: YamlOptions): Document.Parsed | undefined {
  for (const r of recent) {
    if (r.src === src) return r.doc;
    const doc = edited(r.src, r.doc, src, options);
    if (doc) return doc;
  }
  return undefined;
}

function edited(before: string, doc: Document.Parsed, src: string, options: YamlOptions): Document.Parsed | undefined {
  const contents = doc.contents as Node | null;
  if (!contents || !doc.range) return undefined;
  // The edit: [p, p + removed) of `before` became [p, p + inserted) of `src`.
  const [p, s] = commonEnds(before, src);
  const removed = before.length - s - p;
  const inserted = src.length - s - p;
  if (removed > maxEditChars || inserted > maxEditChars || (p === 0 && s === 0)) return undefined;
  if (!plainChars(before, p, p + removed) || !plainChars(src, p, p + inserted)) return undefined;
  const delta = inserted - removed;
  const path = editedScalar(contents, p, p + removed);
  if (!path) return undefined;
  const replacement = reparsedScalar(path[path.length - 1] as Scalar, before, src, p, removed, inserted, options);
  if (!replacement) return undefined;
  const r = doc.range;
  return withContents(doc, rebuilt(contents, new Set(path), replacement, p, delta) as Node, [r[0], r[1] + delta, r[2] + delta]);
}

/** Characters compared at a time while they agree (a comparison of two slices is a memory compare; a character loop is five times slower). */
const stride = 128;

/** The lengths of the longest common prefix of `a` and `b`, and of their longest common suffix not overlapping it. */
export function commonEnds(a: string, b: string): [number, number] {
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p + stride <= max && a.slice(p, p + stride) === b.slice(p, p + stride)) p += stride;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  const al = a.length;
  const bl = b.length;
  let s = 0;
  while (s + stride <= max - p && a.slice(al - s - stride, al - s) === b.slice(bl - s - stride, bl - s)) s += stride;
  while (s < max - p && a.charCodeAt(al - 1 - s) === b.charCodeAt(bl - 1 - s)) s++;
  return [p, s];
}

/** True when [a, b) of `text` holds no line break and no control character that YAML treats specially. */
function plainChars(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0x85 || c === 0xfeff || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/**
 * The nodes from the root down to the scalar value (never a key) of block collections that holds
 * [a, b], the scalar last; undefined when no such scalar holds it.
 */
function editedScalar(node: Node, a: number, b: number): Node[] | undefined {
  const path: Node[] = [];
  let cur: unknown = node;
  for (;;) {
    if (isScalar(cur)) return cur.range && cur.range[0] <= a && b <= cur.range[1] && !cur.tag && !cur.anchor ? [...path, cur] : undefined;
    if (!(isMap(cur) || isSeq(cur)) || cur.flow || cur.tag || cur.anchor) return undefined;
    path.push(cur);
    let next: unknown;
    for (const item of cur.items as unknown[]) {
      if (isPair(item)) {
        const k = item.key as Node | null;
        if (k?.range && k.range[0] <= b && a <= k.range[2]) return undefined;
        const v = item.value as Node | null;
        if (v?.range && v.range[0] <= a && b <= v.range[2]) next = v;
      } else {
        const v = item as Node | null;
        if (v?.range && v.range[0] <= a && b <= v.range[2]) next = v;
      }
      if (next) break;
    }
    if (!next) return undefined;
    cur = next;
  }
}

/**
 * The edited scalar parsed alone, as the value of a one-key document, and placed where it sits;
 * undefined unless that parse is clean, of the same kind and covers exactly the edited text.
 */
function reparsedScalar(scalar: Scalar, before: string, src: string, p: number, removed: number, inserted: number, options: YamlOptions): Scalar | undefined {
  const delta = inserted - removed;
  const [r0, r1, r2] = scalar.range!;
  const block = scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED;
  if (block) {
    // Inside a content line, after its first character: the header, the indentation and which lines are empty stay as they were.
    const headerEnd = before.indexOf('\n', r0);
    if (headerEnd < 0 || p <= headerEnd || /[0-9]/.test(before.slice(r0, headerEnd))) return undefined;
    const lineStart = before.lastIndexOf('\n', p - 1) + 1;
    let first = lineStart;
    while (before.charCodeAt(first) === 0x20) first++;
    if (first >= p) return undefined;
    // A literal scalar's lines are its value's lines, without their indentation: the edit falls on the same line of the value.
    const value = scalar.type === Scalar.BLOCK_LITERAL ? literalEdited(scalar.value, before, headerEnd, lineStart, p, removed, src.slice(p, p + inserted)) : undefined;
    if (value !== undefined) {
      editCounts.literal++;
      return replaced(scalar, value, value, undefined, [r0, r1 + delta, r2 + delta]);
    }
  } else if (scalar.type === Scalar.PLAIN || scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE) {
    // One line, with nothing after it but spaces: the line break that ends it is part of the text parsed alone.
    if (before.slice(r0, r1).includes('\n')) return undefined;
    const lineEnd = src.indexOf('\n', r1 + delta);
    if (!/^[ \t]*\r?$/.test(src.slice(r1 + delta, lineEnd < 0 ? src.length : lineEnd))) return undefined;
  } else return undefined;
  const text = src.slice(r0, r1 + delta);
  const prefix = 'k: ';
  const alone = parseDocument(block ? prefix + text : `${prefix}${text}\n`, { ...options, lineCounter: undefined });
  const map = alone.contents;
  if (alone.errors.length || alone.warnings.length || !isMap(map) || map.items.length !== 1) return undefined;
  const value = map.items[0].value;
  if (!isScalar(value) || value.type !== scalar.type || value.tag || value.anchor || value.comment || value.commentBefore) return undefined;
  const vr = value.range!;
  // Same extent: from where it starts to where its value ends, and as much after it (an emptied value ends elsewhere).
  if (text.length === 0 || vr[0] !== prefix.length || vr[1] !== prefix.length + text.length || vr[2] - vr[1] !== r2 - r1) return undefined;
  editCounts.alone++;
  return replaced(scalar, value.value, value.source, value.format, [r0, r1 + delta, r2 + delta]);
}

/** A copy of `scalar` with another value, raw source, number format and range (its comments and style kept). */
function replaced(scalar: Scalar, value: unknown, source: string | undefined, format: string | undefined, range: [number, number, number]): Scalar {
  const next = copyNode(scalar);
  next.value = value;
  next.source = source;
  if (format) next.format = format;
  else delete next.format;
  next.range = range;
  return next;
}

/**
 * The value of a literal block scalar after an edit of [p, p + removed) into `inserted` on the
 * content line starting at `lineStart`: the line's place in the value is found by counting lines,
 * and checked against the source line (its text must be the value's line plus indentation).
 * Undefined when the check fails (line breaks written as \r\n, for one).
 */
function literalEdited(value: unknown, before: string, headerEnd: number, lineStart: number, p: number, removed: number, inserted: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  let at = 0;
  for (let i = headerEnd + 1; i < lineStart; i = before.indexOf('\n', i) + 1) {
    at = value.indexOf('\n', at) + 1;
    if (at === 0) return undefined;
  }
  let end = value.indexOf('\n', at);
  if (end < 0) end = value.length;
  const lineEnd = before.indexOf('\n', lineStart);
  const sourceLine = before.slice(lineStart, lineEnd < 0 ? before.length : lineEnd);
  const indent = sourceLine.length - (end - at);
  if (indent < 0 || !sourceLine.endsWith(value.slice(at, end)) || !/^ *$/.test(sourceLine.slice(0, indent))) return undefined;
  const q = at + (p - lineStart - indent);
  if (q <= at) return undefined;
  return value.slice(0, q) + inserted + value.slice(q + removed);
}

/**
 * A copy of `node` with the edited scalar (the last of `path`) replaced: the nodes on the way to it
 * copied, the nodes before the edit shared, the nodes after it moved by `delta`.
 */
function rebuilt(node: unknown, path: Set<unknown>, replacement: Scalar, p: number, delta: number): unknown {
  if (!node || typeof node !== 'object') return node;
  if (isPair(node)) return pairOf(rebuilt(node.key, path, replacement, p, delta), rebuilt(node.value, path, replacement, p, delta));
  if (!path.has(node)) {
    const r = (node as Node).range;
    // Ending at the edit or before it: unchanged. Starting at it or after it (not around it): moved.
    return r && r[0] >= p && r[2] > p ? moved(node, delta) : node;
  }
  if (isScalar(node)) return replacement;
  const r = (node as Node).range!;
  const copy = copyNode(node as YAMLSeq);
  copy.items = (node as YAMLSeq).items.map((i) => rebuilt(i, path, replacement, p, delta));
  copy.range = [r[0], r[1] + delta, r[2] + delta];
  return copy;
}

/** A document like `doc` (its schema, options, directives, comments) with other contents and range, without cloning anything else. */
function withContents(doc: Document.Parsed, contents: Node, range: [number, number, number]): Document.Parsed {
  if (copies().works) {
    const copy = copyOf(doc);
    Object.assign(copy, { contents, range, errors: [], warnings: [] });
    if (isDocument(copy)) return copy;
  }
  const old = doc.contents;
  (doc as { contents: unknown }).contents = null;
  try {
    const copy = doc.clone() as Document.Parsed;
    (copy as { contents: unknown }).contents = contents;
    copy.range = range;
    return copy;
  } finally {
    (doc as { contents: unknown }).contents = old;
  }
}
