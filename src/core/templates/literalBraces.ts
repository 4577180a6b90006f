// Literal `{{var}}` substitution (GitHub Models prompts), and the brace checks the brace-based template languages share.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { VariableUse } from '../formats/types';
import type { TextDocument } from '../text/textDocument';

/** What a template analyzer finds in one stretch of a document. */
export interface TemplateAnalysis {
  /** Top-level variables the template reads, in order, with the range of each name. */
  variables: VariableUse[];
  /**
   * Names read where the enclosing context may supply them (inside a Mustache section):
   * they count as uses of declared inputs, but an undeclared one is not an error.
   */
  contextual: VariableUse[];
  diagnostics: Diagnostic[];
}

/** Where to report: the document, the file's path, and the [start, end) offsets analysed. */
export interface TemplateRegion {
  doc: TextDocument;
  file: string;
  start: number;
  end: number;
}

const identifier = /^[\p{L}_][\p{L}\p{N}_-]*(?:\.[\p{L}\p{N}_-]+)*$/u;

/**
 * Finds the `{{name}}` placeholders that GitHub Models replaces literally (exact text, no
 * expressions), a stray `{{` or `}}`, and placeholders written with spaces, which are
 * not substituted.
 */
export function analyzeLiteralBraces(region: TemplateRegion): TemplateAnalysis {
  const { doc, file, start, end } = region;
  const src = doc.text.slice(start, end);
  const out: TemplateAnalysis = { variables: [], contextual: [], diagnostics: [] };
  const text: [number, number][] = [];
  let pos = 0;
  let textStart = 0;
  while (pos < src.length) {
    let open = src.indexOf('{{', pos);
    if (open < 0) break;
    // In `{{{x}}}` the outer braces stay literal text around `{{x}}`.
    while (src[open + 2] === '{') open++;
    // A placeholder is one line without braces inside; anything else leaves this `{{` unclosed.
    let close = -1;
    for (let i = open + 2; i < src.length; i++) {
      const c = src[i];
      if (c === '}' && src[i + 1] === '}') {
        close = i;
        break;
      }
      if (c === '{' || c === '\n' || c === '\r') break;
    }
    if (close < 0) {
      out.diagnostics.push(
        diag(
          'unbalanced-brace',
          file,
          doc.rangeOf(start + open, start + open + 2),
          '`{{` is never closed with `}}`; close the placeholder (`{{name}}`) or remove the braces.',
        ),
      );
      text.push([textStart, open]);
      pos = open + 2;
      textStart = pos;
      continue;
    }
    text.push([textStart, open]);
    const inner = src.slice(open + 2, close);
    const name = inner.trim();
    if (identifier.test(name)) {
      const nameAt = open + 2 + inner.indexOf(name);
      out.variables.push({ name: rootName(name), range: doc.rangeOf(start + nameAt, start + nameAt + rootName(name).length) });
      if (name !== inner) {
        const range = doc.rangeOf(start + open, start + close + 2);
        out.diagnostics.push(
          diag('template-syntax', file, range, `GitHub Models replaces only the exact text \`{{${name}}}\`; remove the spaces inside the braces or the value is never filled in.`, {
            severity: 'warning',
            fixes: [{ title: `Write \`{{${name}}}\``, edits: [{ range, newText: `{{${name}}}` }] }],
          }),
        );
      }
    }
    pos = close + 2;
    textStart = pos;
  }
  text.push([textStart, src.length]);
  out.diagnostics.push(...strayClosers(region, text, ['}}']));
  return out;
}

/** The part of a dotted name that the template reads from its inputs (`user.name` -> `user`). */
export function rootName(name: string): string {
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * Stray closing delimiters in the literal text of a template: `%}` always, and `}}` when
 * no single `{` of the surrounding text (a JSON example, say) is open to pair with it,
 * as in `{name}}` or `name}}`. `segments` are [start, end) offsets relative to the region.
 */
export function strayClosers(region: TemplateRegion, segments: [number, number][], closers: ('}}' | '%}')[]): Diagnostic[] {
  const { doc, file, start } = region;
  const src = doc.text.slice(region.start, region.end);
  const out: Diagnostic[] = [];
  let depth = 0;
  for (const [a, b] of segments) {
    for (let i = a; i < b; i++) {
      const c = src[i];
      if (c === '{') depth++;
      else if (c === '}') {
        if (src[i + 1] === '}' && i + 1 < b && closers.includes('}}') && depth < 2) {
          const range = doc.rangeOf(start + i, start + i + 2);
          const typo = /\{\s*([\p{L}_][\p{L}\p{N}_.]*)\s*$/u.exec(src.slice(Math.max(a, i - 80), i));
          const msg = typo
            ? `\`}}\` closes no \`{{\`: \`{${typo[1]}}}\` has a single opening brace; write \`{{${typo[1]}}}\`.`
            : '`}}` closes no `{{`; add the opening `{{` or remove the braces.';
          out.push(diag('unbalanced-brace', file, range, msg));
          depth = 0;
          i++;
        } else depth = Math.max(0, depth - 1);
      } else if (c === '%' && src[i + 1] === '}' && i + 1 < b && closers.includes('%}')) {
        out.push(diag('unbalanced-brace', file, doc.rangeOf(start + i, start + i + 2), '`%}` closes no `{%`; add the opening `{% ... ` tag or remove it.'));
        i++;
      }
    }
  }
  return out;
}
