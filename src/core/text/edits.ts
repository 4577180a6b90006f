// Applying text edits (LSP ranges) to a text: how quick fixes are carried out outside the editor.

import type { TextEdit } from '../diagnostics';
import { TextDocument } from './textDocument';

/**
 * Applies non-overlapping edits to `text` (ranges refer to the original text; BOM kept).
 * Throws when two edits overlap.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const doc = new TextDocument(text);
  const spans = edits.map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText })).sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) throw new Error('Overlapping edits cannot be applied together.');
  }
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += doc.text.slice(pos, s.start) + s.text;
    pos = s.end;
  }
  out += doc.text.slice(pos);
  return (doc.hadBom ? '\ufeff' : '') + out;
}

/** Offset of the start of the line after the one holding `offset` (trailing blanks and line breaks skipped back first). */
export function afterLine(t: string, offset: number): number {
  let e = offset;
  while (e > 0 && /[ \t\r\n]/.test(t[e - 1])) e--;
  while (e < t.length && t[e] !== '\n' && t[e] !== '\r') e++;
  if (t[e] === '\r' && t[e + 1] === '\n') return e + 2;
  return e < t.length ? e + 1 : e;
}
