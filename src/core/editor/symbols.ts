// Document symbols (Outline, breadcrumbs): the YAML tree of manifests and front matter, inputs, messages and tests.

import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { Range } from '../diagnostics';
import { formatModule } from '../formats/registry';
import type { ParsedFile } from '../formats/types';
import type { TextDocument } from '../text/textDocument';
import { bodyStartOf, parseRegion, yamlRegionOf } from './yamlContext';

export type SymbolKind = 'module' | 'object' | 'array' | 'property' | 'string' | 'number' | 'boolean' | 'null' | 'variable' | 'event' | 'namespace';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolKind;
  /** The whole node. */
  range: Range;
  /** The part to reveal and select: the key, the heading, the role marker. */
  selectionRange: Range;
  children: DocumentSymbol[];
}

/** Keys whose value names a sequence item (a message's role, a test's description, a model's id). */
const itemNameKeys = ['id', 'name', 'role', 'description', 'label', 'type', 'key'];
const maxDepth = 12;
const maxSymbols = 5000;

/** The symbols of a file: its YAML (whole file or front matter), and the messages or headings of its body. */
export function documentSymbols(file: ParsedFile, doc: TextDocument): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const region = yamlRegionOf(file.format, doc);
  const inputRanges = new Set((file.inputs ?? []).map((i) => key(i.range)));
  let count = 0;
  if (region) {
    const parsed = parseRegion(doc, region);
    const range = (a: number, b: number): Range => doc.rangeOf(region.start + a, region.start + trimmed(doc.text, region.start + a, region.start + b) - region.start);
    const walk = (node: unknown, depth: number, path: (string | number)[]): DocumentSymbol[] => {
      const syms: DocumentSymbol[] = [];
      if (depth > maxDepth || count > maxSymbols) return syms;
      if (isMap(node)) {
        for (const item of node.items as Pair[]) {
          if (!isPair(item)) continue;
          const k = item.key as Node | null;
          if (!isScalar(k) || !k.range) continue;
          const v = item.value as Node | null;
          const name = String(k.value);
          const keyRange = range(k.range[0], k.range[1]);
          const end = v?.range ? v.range[1] : k.range[1];
          const sym: DocumentSymbol = { name: name || '""', kind: kindOf(v), range: range(k.range[0], end), selectionRange: keyRange, children: [] };
          const d = detailOf(v);
          if (d) sym.detail = d;
          if (inputRanges.has(key(keyRange))) sym.kind = 'variable';
          count++;
          sym.children = walk(v, depth + 1, [...path, name]);
          syms.push(sym);
        }
      } else if (isSeq(node)) {
        node.items.forEach((it, i) => {
          const n = it as Node | null;
          if (!n?.range) return;
          const r = range(n.range[0], n.range[1]);
          const label = itemLabel(n);
          const sym: DocumentSymbol = { name: label ?? `${i + 1}`, kind: kindOf(n), range: r, selectionRange: r, children: [] };
          if (isMap(n)) {
            const first = (n.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && itemNameKeys.includes(String((p.key as { value: unknown }).value)));
            const fk = first?.key as Node | undefined;
            if (fk?.range) sym.selectionRange = range(fk.range[0], fk.range[1]);
            if (label) sym.detail = `${i + 1}`;
          } else if (isScalar(n)) {
            sym.name = String(n.value);
          }
          count++;
          sym.children = isScalar(n) ? [] : walk(n, depth + 1, [...path, i]);
          syms.push(sym);
        });
      }
      return syms;
    };
    const children = parsed ? walk(parsed.contents, 0, []) : [];
    if (region.start === 0 && region.end === doc.text.length) out.push(...children);
    else if (children.length) {
      const r = doc.rangeOf(region.start, region.end);
      out.push({ name: 'front matter', kind: 'namespace', range: r, selectionRange: doc.rangeOf(region.start, region.start), children });
    }
  }
  const bodyStart = bodyStartOf(file.format, doc);
  if (bodyStart !== undefined && bodyStart < doc.text.length) out.push(...bodySymbols(file, doc, bodyStart));
  return out;
}

function key(r: Range): string {
  return `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
}

function trimmed(text: string, a: number, b: number): number {
  let e = b;
  while (e > a && /\s/.test(text[e - 1])) e--;
  return e;
}

function kindOf(v: Node | null | undefined): SymbolKind {
  if (isMap(v)) return 'object';
  if (isSeq(v)) return 'array';
  if (isScalar(v)) {
    const x = v.value;
    if (typeof x === 'number') return 'number';
    if (typeof x === 'boolean') return 'boolean';
    if (x === null) return 'null';
    return 'string';
  }
  return 'property';
}

function detailOf(v: Node | null | undefined): string | undefined {
  if (isScalar(v)) {
    const s = v.value === null ? '' : String(v.value);
    const line = s.split(/\r?\n/)[0];
    return line.length > 60 ? `${line.slice(0, 57)}...` : line || undefined;
  }
  if (isSeq(v)) return `${v.items.length} item${v.items.length === 1 ? '' : 's'}`;
  return undefined;
}

/** A name for a sequence item that is a mapping: its role, id, name or description. */
function itemLabel(n: Node): string | undefined {
  if (!isMap(n)) return undefined;
  for (const k of itemNameKeys) {
    const p = (n.items as Pair[]).find((x) => isPair(x) && isScalar(x.key) && String((x.key as { value: unknown }).value) === k);
    const v = p?.value as Node | undefined;
    if (isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number') && String(v.value).trim()) {
      const s = String(v.value).split(/\r?\n/)[0];
      return s.length > 60 ? `${s.slice(0, 57)}...` : s;
    }
  }
  return undefined;
}

/** Prompty role lines (`system:`, `user[name="x"]:`). */
const promptyRole = /^[ \t]*#?[ \t]*(system|user|assistant|developer|function)(\[[^\]\n]*\])?[ \t]*:[ \t]*$/gim;
/** Dotprompt role markers: `{{role "system"}}` and `{{#role "user"}}` (a block, to its `{{/role}}`). */
const dotpromptRole = /\{\{~?(#?)\s*role\s+["']([\w-]+)["']\s*~?\}\}/g;
const dotpromptRoleEnd = /\{\{~?\/\s*role\s*~?\}\}/g;

/** Symbols of a prompt's body: messages by role (Dotprompt, Prompty), headings (Markdown prompts). */
function bodySymbols(file: ParsedFile, doc: TextDocument, start: number): DocumentSymbol[] {
  const text = doc.text;
  const body = text.slice(start);
  const marks: { role: string; at: number; end: number; blockEnd?: number }[] = [];
  if (file.format === 'prompty') {
    for (const m of body.matchAll(promptyRole)) marks.push({ role: m[1].toLowerCase(), at: start + m.index!, end: start + m.index! + m[0].length });
  } else if (file.format === 'dotprompt') {
    for (const m of body.matchAll(dotpromptRole)) {
      const mark: (typeof marks)[number] = { role: m[2], at: start + m.index!, end: start + m.index! + m[0].length };
      if (m[1]) {
        dotpromptRoleEnd.lastIndex = mark.end;
        const close = dotpromptRoleEnd.exec(text);
        if (close) mark.blockEnd = close.index + close[0].length;
      }
      marks.push(mark);
    }
  } else if (formatModule(file.format)?.markdownBody) {
    return headings(doc, start);
  } else return [];
  const end = trimmed(text, start, text.length);
  const out: DocumentSymbol[] = [];
  // Text before the first marker is a message of the format's default role.
  const firstAt = marks.length ? marks[0].at : end;
  if (text.slice(start, firstAt).trim()) {
    const a = start + (text.slice(start, firstAt).length - text.slice(start, firstAt).trimStart().length);
    const r = doc.rangeOf(a, trimmed(text, a, firstAt));
    out.push({ name: file.format === 'prompty' ? 'system' : 'user', detail: 'message', kind: 'event', range: r, selectionRange: doc.rangeOf(a, a), children: [] });
  }
  marks.forEach((m, i) => {
    const next = i + 1 < marks.length ? marks[i + 1].at : end;
    const stop = m.blockEnd !== undefined && m.blockEnd <= next ? m.blockEnd : next;
    out.push({ name: m.role, detail: 'message', kind: 'event', range: doc.rangeOf(m.at, Math.max(m.end, trimmed(text, m.at, stop))), selectionRange: doc.rangeOf(m.at, m.end), children: [] });
  });
  return out;
}

/** ATX headings of a Markdown body, nested by level (code fences skipped). */
function headings(doc: TextDocument, start: number): DocumentSymbol[] {
  const text = doc.text;
  const found: { level: number; title: string; at: number; lineEnd: number }[] = [];
  let fence: string | undefined;
  let pos = start;
  while (pos < text.length) {
    let e = text.indexOf('\n', pos);
    if (e < 0) e = text.length;
    const line = text.slice(pos, e).replace(/\r$/, '');
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
    } else if (!fence) {
      const h = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
      if (h && h[2]) found.push({ level: h[1].length, title: h[2], at: pos, lineEnd: pos + line.length });
    }
    pos = e + 1;
  }
  const end = trimmed(text, start, text.length);
  const root: DocumentSymbol[] = [];
  const stack: { level: number; sym: DocumentSymbol }[] = [];
  found.forEach((h, i) => {
    // A section runs to the next heading of the same or a higher level.
    let stop = end;
    for (let j = i + 1; j < found.length; j++) {
      if (found[j].level <= h.level) {
        stop = found[j].at;
        break;
      }
    }
    const sym: DocumentSymbol = { name: h.title, kind: 'string', range: doc.rangeOf(h.at, Math.max(h.lineEnd, trimmed(text, h.at, stop))), selectionRange: doc.rangeOf(h.at, h.lineEnd), children: [] };
    while (stack.length && stack[stack.length - 1].level >= h.level) stack.pop();
    if (stack.length) stack[stack.length - 1].sym.children.push(sym);
    else root.push(sym);
    stack.push({ level: h.level, sym });
  });
  return root;
}
