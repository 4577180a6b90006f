// Splits `---` front matter from a body, with offsets into the document text.

import type { TextDocument } from '../text/textDocument';

export interface FrontMatterSplit {
  /** True when the file starts (after an optional preamble) with a `---` line. */
  present: boolean;
  /** True when the opening `---` has no closing `---`. */
  unterminated: boolean;
  /** Offset of the opening `---` line. */
  openStart: number;
  /** [yamlStart, yamlEnd): the YAML between the fences. */
  yamlStart: number;
  yamlEnd: number;
  /** Offset of the closing fence line. */
  closeStart: number;
  /** Offset where the body starts (after the closing fence's line break). */
  bodyStart: number;
}

/**
 * Finds front matter. With `commentPreamble`, leading `#` comment lines and blank lines
 * (license headers, as in Dotprompt's examples) may stand before the opening fence, as
 * Dotprompt's parser allows. With `leadingWhitespace`, any whitespace may (Prompty's
 * Python and Rust runtimes strip it before looking for `---`).
 */
export function splitFrontMatter(doc: TextDocument, opts: { commentPreamble?: boolean; leadingWhitespace?: boolean } = {}): FrontMatterSplit {
  const t = doc.text;
  let pos = 0;
  if (opts.commentPreamble) {
    let p = 0;
    while (p < t.length) {
      const e = lineEnd(t, p);
      const line = t.slice(p, e);
      if (!/^\s*(#.*)?$/.test(line)) break;
      p = nextLine(t, e);
    }
    if (t.startsWith('---', p)) pos = p;
  }
  if (opts.leadingWhitespace && pos === 0) {
    const p = /^\s*/.exec(t)![0].length;
    if (t.startsWith('---', p)) pos = p;
  }
  const none: FrontMatterSplit = { present: false, unterminated: false, openStart: 0, yamlStart: 0, yamlEnd: 0, closeStart: 0, bodyStart: 0 };
  if (!isFence(t, pos)) return none;
  const openEnd = lineEnd(t, pos);
  const yamlStart = nextLine(t, openEnd);
  let p = yamlStart;
  while (p < t.length) {
    const e = lineEnd(t, p);
    if (isFence(t, p) && e - p >= 3) {
      return { present: true, unterminated: false, openStart: pos, yamlStart, yamlEnd: p, closeStart: p, bodyStart: nextLine(t, e) };
    }
    p = nextLine(t, e);
  }
  return { present: true, unterminated: true, openStart: pos, yamlStart, yamlEnd: t.length, closeStart: t.length, bodyStart: t.length };
}

function isFence(t: string, p: number): boolean {
  if (!t.startsWith('---', p)) return false;
  const e = lineEnd(t, p);
  return /^---\s*$/.test(t.slice(p, e));
}

function lineEnd(t: string, p: number): number {
  let e = p;
  while (e < t.length && t[e] !== '\n' && t[e] !== '\r') e++;
  return e;
}

function nextLine(t: string, e: number): number {
  if (t[e] === '\r' && t[e + 1] === '\n') return e + 2;
  if (e < t.length) return e + 1;
  return e;
}
