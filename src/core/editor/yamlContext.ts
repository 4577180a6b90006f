// Where a position is in a file's YAML (a manifest, or a prompt's front matter): the path of keys, on a key or a value.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import { splitFrontMatter } from '../formats/frontMatter';
import { formatModule } from '../formats/registry';
import type { FormatId } from '../formats/types';
import type { SchemaName } from '../schemas';
import type { TextDocument } from '../text/textDocument';

export type YamlPath = (string | number)[];

/** The YAML part of a file: [start, end) offsets of its text, and the schema it follows. */
export interface YamlRegion {
  start: number;
  end: number;
  schema?: SchemaName;
}

/** The YAML region of a file of a format: the whole text for YAML formats, the front matter for prompts; undefined when it has none. */
export function yamlRegionOf(format: FormatId, doc: TextDocument): YamlRegion | undefined {
  const yaml = formatModule(format)?.yaml;
  if (!yaml) return undefined;
  if (yaml.in === 'file') return { start: 0, end: doc.text.length, schema: yaml.schema };
  const fm = splitFrontMatter(doc, { commentPreamble: yaml.commentPreamble, leadingWhitespace: yaml.leadingWhitespace });
  if (!fm.present || fm.unterminated) return undefined;
  return { start: fm.yamlStart, end: fm.yamlEnd, schema: yaml.schema };
}

/** Offset where a file's body starts: after the front matter (0 without one, or for a format without YAML); undefined for the YAML formats, which have no body. */
export function bodyStartOf(format: FormatId, doc: TextDocument): number | undefined {
  const yaml = formatModule(format)?.yaml;
  if (!yaml) return 0;
  if (yaml.in === 'file') return undefined;
  const fm = splitFrontMatter(doc, { commentPreamble: yaml.commentPreamble, leadingWhitespace: yaml.leadingWhitespace });
  if (!fm.present) return 0;
  return fm.unterminated ? doc.text.length : fm.bodyStart;
}

/** A node of the parsed YAML under a position. */
export interface YamlHit {
  path: YamlPath;
  /** On the key of a pair, or on a (scalar) value. */
  on: 'key' | 'value';
  /** [start, end) offsets in the document's text of the key or value under the position. */
  start: number;
  end: number;
  /** The scalar value under the position, when on a value. */
  value?: unknown;
}

/** Parses the YAML of a region (tolerant: a document with errors still has nodes). */
export function parseRegion(doc: TextDocument, region: YamlRegion): ReturnType<typeof parseDocument> | undefined {
  try {
    return parseDocument(doc.text.slice(region.start, region.end), { prettyErrors: false, uniqueKeys: false, lineCounter: new LineCounter() });
  } catch {
    return undefined;
  }
}

/** The key or scalar value at `offset` (of the document's text) in the region's YAML. */
export function yamlNodeAt(doc: TextDocument, region: YamlRegion, offset: number): YamlHit | undefined {
  if (offset < region.start || offset > region.end) return undefined;
  const parsed = parseRegion(doc, region);
  if (!parsed) return undefined;
  const rel = offset - region.start;
  const inside = (n: Node | null | undefined): n is Node => !!n?.range && n.range[0] <= rel && rel <= n.range[1];
  const hit = (path: YamlPath, on: 'key' | 'value', n: Node): YamlHit => {
    const [a, b] = n.range!;
    const out: YamlHit = { path, on, start: region.start + a, end: trimEnd(doc.text, region.start + a, region.start + b) };
    if (on === 'value' && isScalar(n)) out.value = n.value;
    return out;
  };
  const walk = (node: unknown, path: YamlPath, depth: number): YamlHit | undefined => {
    if (depth > 64) return undefined;
    if (isMap(node)) {
      for (const item of node.items as Pair[]) {
        if (!isPair(item)) continue;
        const k = item.key as Node | null;
        const key = isScalar(k) ? String(k.value) : undefined;
        if (key === undefined) continue;
        if (k && inside(k) && (k.range![1] > rel || rel === k.range![0])) return hit([...path, key], 'key', k);
        const v = item.value as Node | null;
        if (inside(v)) {
          if (isScalar(v)) return hit([...path, key], 'value', v);
          return walk(v, [...path, key], depth + 1);
        }
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const it = node.items[i] as Node | null;
        if (!inside(it)) continue;
        if (isScalar(it)) return hit([...path, i], 'value', it);
        return walk(it, [...path, i], depth + 1);
      }
    }
    return undefined;
  };
  return walk(parsed.contents, [], 0);
}

function trimEnd(text: string, a: number, b: number): number {
  let e = b;
  while (e > a && /\s/.test(text[e - 1])) e--;
  return e;
}

/** Where the cursor is while typing YAML (read from the lines, so it works on text that does not parse yet). */
export interface YamlCursor {
  /**
   * 'key': a key of the mapping at `path`; 'value': the scalar value of the key `path` ends with;
   * 'item': a scalar item of the sequence at `path` (or a key of a mapping item, per the schema).
   */
  kind: 'key' | 'value' | 'item';
  path: YamlPath;
  /** What is typed so far, from `prefixStart` to the cursor. */
  prefix: string;
  prefixStart: number;
  /** End of the word under the cursor (what a completion replaces). */
  wordEnd: number;
  /** Keys already written in the mapping at `path` (for 'key'), to offer only the missing ones. */
  siblings: string[];
}

interface LineInfo {
  /** Columns of the `- ` markers, left to right. */
  dashes: number[];
  /** Column where the content starts (after the markers), -1 for a blank or comment line. */
  content: number;
  /** The key when the content is `key:` or `key: value`. */
  key?: string;
  /** Column of the value after `key: `, when there is one. */
  valueCol?: number;
  value?: string;
}

const keyPattern = /^((?:"[^"]*"|'[^']*'|[^\s#:'"{[][^:#]*?))\s*:(?=\s|$)/;

function lineInfo(line: string): LineInfo {
  let i = 0;
  const dashes: number[] = [];
  for (;;) {
    while (i < line.length && line[i] === ' ') i++;
    if (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ')) {
      dashes.push(i);
      i++;
      continue;
    }
    break;
  }
  if (i >= line.length || line[i] === '#') return { dashes, content: dashes.length ? i : -1 };
  const rest = line.slice(i);
  const m = keyPattern.exec(rest);
  if (!m) return { dashes, content: i };
  let key = m[1].trim();
  if ((key.startsWith('"') && key.endsWith('"')) || (key.startsWith("'") && key.endsWith("'"))) key = key.slice(1, -1);
  const after = i + m[0].length;
  let v = after;
  while (v < line.length && line[v] === ' ') v++;
  const value = line.slice(v).replace(/\s+#.*$/, '');
  return { dashes, content: i, key, valueCol: v < line.length ? v : undefined, value: value || undefined };
}

const wordChar = /[\w.@^~<>=*/:+-]/;

/**
 * The YAML context of an offset, from the lines of the region: which mapping or sequence the
 * cursor is in and whether a key or a value is being typed. Undefined inside comments and
 * block scalars (`|`, `>`), and outside the region.
 */
export function yamlCursorAt(doc: TextDocument, region: YamlRegion, offset: number): YamlCursor | undefined {
  if (offset < region.start || offset > region.end) return undefined;
  const text = doc.text;
  const pos = doc.positionAt(offset);
  const lineStart = offset - pos.character;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0 || lineEnd > region.end) lineEnd = Math.min(text.length, region.end);
  const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  const col = pos.character;
  const head = line.slice(0, col);
  if (/(^|\s)#/.test(head.replace(/"[^"]*"|'[^']*'/g, ''))) return undefined;
  let wordEndCol = col;
  while (wordEndCol < line.length && wordChar.test(line[wordEndCol])) wordEndCol++;
  const info = lineInfo(line);
  const lines = regionLines(text, region, lineStart);

  let kind: YamlCursor['kind'];
  let prefixCol: number;
  // The column of the node the cursor is in, to find its parents.
  let nodeCol: number;
  let ownKey: string | undefined;
  let flowItem = false;
  if (info.key !== undefined && info.valueCol !== undefined && col >= info.valueCol) {
    // `key: val|`, or `key: [a, b|]`.
    ownKey = info.key;
    nodeCol = info.content;
    const value = line.slice(info.valueCol, col);
    if (value.startsWith('[')) {
      flowItem = true;
      const lastSep = Math.max(value.lastIndexOf('['), value.lastIndexOf(','));
      prefixCol = info.valueCol + lastSep + 1;
      while (line[prefixCol] === ' ') prefixCol++;
      kind = 'item';
    } else {
      if (value.startsWith('|') || value.startsWith('>') || value.startsWith('{')) return undefined;
      prefixCol = info.valueCol + (value.startsWith('"') || value.startsWith("'") ? 1 : 0);
      kind = 'value';
    }
  } else if (info.key !== undefined && col > info.content + 0 && info.valueCol === undefined && col > line.indexOf(':', info.content)) {
    // `key: |` (cursor after the colon, no value yet).
    ownKey = info.key;
    nodeCol = info.content;
    prefixCol = col;
    kind = 'value';
  } else if (info.content >= 0 && col >= info.content) {
    // Typing at the start of the content: a key, or a sequence item.
    nodeCol = info.content;
    prefixCol = info.content;
    kind = info.dashes.length && info.dashes[info.dashes.length - 1] === info.content - 2 ? 'item' : 'key';
  } else {
    // A blank part of the line: the cursor's column says which mapping it belongs to.
    nodeCol = col;
    prefixCol = col;
    kind = 'key';
  }
  if (/[\s]/.test(line.slice(prefixCol, col)) && kind === 'key') return undefined;

  // Parents: walk up the lines with a smaller content column.
  const path: YamlPath = [];
  let target = nodeCol;
  // A sequence item's own markers on this line make it a child of the sequence; an item being typed is not inside its own marker.
  const dashesOnLine = info.dashes.filter((d) => d < nodeCol);
  if (kind === 'item' && !flowItem && dashesOnLine.length) target = dashesOnLine.pop()!;
  const index = (li: number, dashCol: number): number => {
    let n = 0;
    for (let j = li - 1; j >= 0; j--) {
      const l = lines[j];
      if (l.info.content < 0 && !l.info.dashes.length) continue;
      const first = l.info.dashes[0] ?? l.info.content;
      if (first < dashCol) break;
      if (l.info.dashes.includes(dashCol)) n++;
    }
    return n;
  };
  for (let d = dashesOnLine.length - 1; d >= 0; d--) {
    if (dashesOnLine[d] < target) {
      path.unshift(index(lines.length, dashesOnLine[d]));
      target = dashesOnLine[d];
    }
  }
  let blockParent = false;
  for (let li = lines.length - 1; li >= 0 && target > 0; li--) {
    const l = lines[li].info;
    if (l.content < 0 && !l.dashes.length) continue;
    if (l.key !== undefined && l.content < target) {
      if (l.value !== undefined && /^[|>]/.test(l.value)) blockParent = true;
      path.unshift(l.key);
      target = l.content;
    } else if (l.key === undefined && l.content < target && !l.dashes.length) {
      // A plain scalar line above us at a lower column: we are inside a multi-line scalar.
      return undefined;
    }
    for (let d = l.dashes.length - 1; d >= 0; d--) {
      if (l.dashes[d] < target) {
        path.unshift(index(li, l.dashes[d]));
        target = l.dashes[d];
      }
    }
  }
  if (blockParent) return undefined;
  if (ownKey !== undefined) path.push(ownKey);

  // Sibling keys of the mapping being typed in.
  const siblings: string[] = [];
  if (kind === 'key') {
    for (let li = lines.length - 1; li >= 0; li--) {
      const l = lines[li].info;
      if (l.content < 0 && !l.dashes.length) continue;
      if (l.content < nodeCol) {
        if (l.dashes.length && l.content === nodeCol && l.key) siblings.push(l.key);
        break;
      }
      if (l.content === nodeCol && l.key !== undefined) siblings.push(l.key);
      if (l.dashes.includes(nodeCol - 2) && l.content === nodeCol) break;
    }
    for (const l of regionLines(text, region, lineEnd + 1, true)) {
      if (l.info.content < 0 && !l.info.dashes.length) continue;
      if ((l.info.dashes[0] ?? l.info.content) < nodeCol || (l.info.dashes.length && l.info.dashes.includes(nodeCol - 2))) break;
      if (l.info.content === nodeCol && l.info.key !== undefined) siblings.push(l.info.key);
    }
  }
  return { kind, path, prefix: line.slice(prefixCol, col), prefixStart: lineStart + prefixCol, wordEnd: lineStart + wordEndCol, siblings };
}

/** The lines of the region before `until` (or from `from` to the region's end when `forward`). */
function regionLines(text: string, region: YamlRegion, at: number, forward = false): { info: LineInfo }[] {
  const out: { info: LineInfo }[] = [];
  const from = forward ? at : region.start;
  const to = forward ? region.end : at;
  if (from >= to) return out;
  for (const l of text.slice(from, to).split('\n')) out.push({ info: lineInfo(l.replace(/\r$/, '')) });
  if (!forward && out.length && text.slice(from, to).endsWith('\n')) out.pop();
  return out;
}
