// Parsing a large YAML document entry by entry, reusing the entries an edit did not touch (the editor re-parses after every keystroke).

import { isMap, isScalar, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { moved, parseAfterEdit, rememberParse } from './yamlEdit';
import type { YamlOptions as Options } from './yamlEdit';

/** Settings of the entry cache (tests lower the threshold to exercise it on small documents). */
export const chunkedParsing = {
  /** Documents shorter than this are parsed whole (fast enough, and no cache churn). */
  minChars: 16 * 1024,
  /** Entries kept, least recently used first out. */
  maxEntries: 4096,
  /** Set while typing (reusingEntries): a parse may start from the last parses, edited (yamlEdit.ts). */
  editing: false,
};

/** Parsed top-level entries by their exact text (the parse of a piece of text does not depend on where it sits; YamlSource is the one caller, always with the same options). */
const cache = new Map<string, Document.Parsed>();

/** Anchors, aliases, tags, directives and document markers tie entries together: such documents are parsed whole. */
const notSplittable = /(^|[\s[{,])[&*!][^\s,\]}]|^(%|---|\.\.\.)/m;

/**
 * The offsets where top-level entries start: lines that begin with a plain key at column 0.
 * Undefined when the document is not a block mapping of plain keys at column 0.
 */
function entryStarts(src: string): number[] | undefined {
  const starts: number[] = [];
  let p = 0;
  while (p < src.length) {
    const c = src[p];
    if (c !== ' ' && c !== '\t' && c !== '#' && c !== '\r' && c !== '\n') {
      // A top-level key that is not a plain scalar (quoted, flow, complex), or a top-level sequence or scalar.
      if ('-[{"\'?:|>@`'.includes(c)) return undefined;
      starts.push(p);
    }
    const nl = src.indexOf('\n', p);
    if (nl < 0) break;
    p = nl + 1;
  }
  return starts.length ? starts : undefined;
}

function parseEntry(text: string, options: Options): Document.Parsed | undefined {
  let doc = cache.get(text);
  if (doc) {
    cache.delete(text);
    cache.set(text, doc);
    return doc;
  }
  doc = parseDocument(text, options);
  const map = doc.contents;
  // Usable only as one clean `key: value` pair: anything else is decided by a parse of the whole document.
  if (doc.errors.length || doc.warnings.length || !isMap(map) || map.flow || map.items.length !== 1 || !isScalar(map.items[0].key)) return undefined;
  cache.set(text, doc);
  while (cache.size > chunkedParsing.maxEntries) cache.delete(cache.keys().next().value as string);
  return doc;
}

/**
 * `parseDocument(src, options)` for a large block mapping, assembled from its top-level entries:
 * each entry's parse is cached by its text, so after an edit only the entry that changed is
 * parsed again; the others are copied and moved to their new offsets. Anything unusual (errors
 * in an entry, anchors, tags, several documents, keys that are not plain) falls back to parsing
 * the whole text, so the result is always what parseDocument gives for the parts callers read:
 * the value, the nodes and their ranges.
 */
export function parseYamlDocument(src: string, options: Options): Document.Parsed {
  if (!chunkedParsing.editing) return parseEntries(src, options);
  const doc = parseAfterEdit(src, options) ?? parseEntries(src, options);
  rememberParse(src, doc);
  return doc;
}

function parseEntries(src: string, options: Options): Document.Parsed {
  if (src.length < chunkedParsing.minChars || notSplittable.test(src)) return parseDocument(src, options);
  const starts = entryStarts(src);
  if (!starts || starts.length < 2) return parseDocument(src, options);
  const pairs: Pair[] = [];
  let first: Document.Parsed | undefined;
  // A line counter would only count the lines of each entry: entries are parsed without one.
  const { lineCounter, ...entryOptions } = options;
  void lineCounter;
  for (let i = 0; i < starts.length; i++) {
    // The first entry takes the comments before it; each entry runs to the next one.
    const a = i === 0 ? 0 : starts[i];
    const b = i + 1 < starts.length ? starts[i + 1] : src.length;
    const entry = parseEntry(src.slice(a, b), entryOptions);
    if (!entry) return parseDocument(src, options);
    if (!first) first = entry;
    pairs.push(moved((entry.contents as YAMLMap).items[0], a) as Pair);
  }
  const doc = first!.clone() as Document.Parsed;
  const map = doc.contents as YAMLMap;
  map.items = pairs;
  const last = pairs[pairs.length - 1];
  const lastNode = (last.value ?? last.key) as Node | null;
  const end = lastNode?.range ? lastNode.range[2] : src.length;
  map.range = [(pairs[0].key as Node).range![0], end, end];
  doc.range = [0, src.length, src.length];
  return doc;
}

/**
 * Runs `f` with entry reuse for YAML documents of any size: the editor parses the same file
 * again after every keystroke, and only the entry being typed in changes.
 */
export function reusingEntries<T>(f: () => T): T {
  const saved = chunkedParsing.minChars;
  const editing = chunkedParsing.editing;
  chunkedParsing.minChars = 0;
  chunkedParsing.editing = true;
  try {
    return f();
  } finally {
    chunkedParsing.minChars = saved;
    chunkedParsing.editing = editing;
  }
}
