// Literal `{{var}}` substitution (GitHub Models prompts), and the brace checks the brace-based template languages share.

import { capPerCode, diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { VariableUse } from './types';
import { maxDiagnosticsPerCode, maxTemplateChars } from '../limits';
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
  /** True when the body was not (fully) analysed, so `variables` may miss uses (no unused-variable then). */
  incomplete?: boolean;
}

/** Where to report: the document, the file's path, and the [start, end) offsets analysed. */
export interface TemplateRegion {
  doc: TextDocument;
  file: string;
  start: number;
  end: number;
}

/**
 * The one diagnostic for a body over `maxTemplateChars` (undefined within the limit): such a
 * body is not analysed, so that no template can make a check take seconds.
 */
export function oversizedTemplate(doc: TextDocument, file: string, start: number, end: number, language: string): Diagnostic | undefined {
  const n = end - start;
  if (n <= maxTemplateChars) return undefined;
  return diag(
    'file-too-large',
    file,
    doc.rangeOf(start, start),
    `The ${language} body is ${n.toLocaleString('en-US')} characters long, over the ${maxTemplateChars / 1024} KiB limit for template checks; its blocks, braces and variables were not checked. Split the template (partials, several prompts) or move large text out of it.`,
  );
}

/** An analysis that stops at the size check. */
export function oversizedAnalysis(d: Diagnostic): TemplateAnalysis {
  return { variables: [], contextual: [], diagnostics: [d], incomplete: true };
}

const identifier = /^[\p{L}_][\p{L}\p{N}_-]*(?:\.[\p{L}\p{N}_-]+)*$/u;

/**
 * Finds the `{{name}}` placeholders that GitHub Models replaces literally (exact text, no
 * expressions), a stray `{{` or `}}`, and placeholders written with spaces, which are
 * not substituted.
 */
export function analyzeLiteralBraces(region: TemplateRegion): TemplateAnalysis {
  const { doc, file, start, end } = region;
  const tooLarge = oversizedTemplate(doc, file, start, end, 'template');
  if (tooLarge) return oversizedAnalysis(tooLarge);
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
      out.diagnostics.push(diag('unbalanced-brace', file, doc.rangeOf(start + open, start + open + 2), '`{{` is never closed with `}}`; close the placeholder (`{{name}}`) or remove the braces.'));
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
  out.diagnostics = capPerCode([...out.diagnostics, ...strayClosers(region, text, ['}}'])], maxDiagnosticsPerCode);
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
  // Past the cap, strays are only counted (a file of nothing but `}}` stays cheap).
  let more = 0;
  const push = (d: () => Diagnostic): void => {
    if (out.length < maxDiagnosticsPerCode) out.push(d());
    else more++;
  };
  for (const [a, b] of segments) {
    for (let i = a; i < b; i++) {
      const c = src[i];
      if (c === '{') depth++;
      else if (c === '}') {
        if (src[i + 1] === '}' && i + 1 < b && closers.includes('}}') && depth < 2) {
          const at = i;
          push(() => {
            const range = doc.rangeOf(start + at, start + at + 2);
            const typo = /\{\s*([\p{L}_][\p{L}\p{N}_.]*)\s*$/u.exec(src.slice(Math.max(a, at - 80), at));
            const msg = typo ? `\`}}\` closes no \`{{\`: \`{${typo[1]}}}\` has a single opening brace; write \`{{${typo[1]}}}\`.` : '`}}` closes no `{{`; add the opening `{{` or remove the braces.';
            return diag('unbalanced-brace', file, range, msg);
          });
          depth = 0;
          i++;
        } else depth = Math.max(0, depth - 1);
      } else if (c === '%' && src[i + 1] === '}' && i + 1 < b && closers.includes('%}')) {
        const at = i;
        push(() => diag('unbalanced-brace', file, doc.rangeOf(start + at, start + at + 2), '`%}` closes no `{%`; add the opening `{% ... ` tag or remove it.'));
        i++;
      }
    }
  }
  if (more > 0) {
    const last = out[out.length - 1];
    out.push({
      code: last.code,
      severity: last.severity,
      file: last.file,
      range: last.range,
      message: `…and ${more} more stray closing braces after this one, not listed one by one; fix the ones above first.`,
    });
  }
  return out;
}
