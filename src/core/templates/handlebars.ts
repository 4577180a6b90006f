// Handlebars bodies: block structure, stray braces and parse errors with exact ranges, and the variables, partials and helpers a template uses.

import Handlebars from 'handlebars';
import { capPerCode, diag } from '../diagnostics';
import type { Diagnostic, Fix, Range, RelatedInformation } from '../diagnostics';
import { maxDiagnosticsPerCode, maxNestingDepth, maxTemplateParseChars } from '../limits';
import type { PartialUse, VariableUse } from './types';
import type { TextDocument } from '../text/textDocument';
import { oversizedTemplate } from './literalBraces';

/** Helpers every Handlebars runtime has. */
export const handlebarsBuiltinHelpers: readonly string[] = ['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing'];

/** Block helpers that run their body in a new context (names inside resolve against it). */
const contextBlockHelpers = new Set(['each', 'with']);

/** Most times the body is re-parsed after blanking a tag the parser rejected (fewer for large bodies). */
const maxParseRetries = 50;

/** One `{{...}}` tag of a body, as found by the tokenizer (offsets are document offsets). */
export interface TemplateTag {
  kind: 'open' | 'close' | 'else' | 'mustache' | 'partial' | 'comment';
  /** [start, end) of the tag; for an unclosed tag, up to the end of its line. */
  start: number;
  end: number;
  /** False when the tag has no closing `}}`. */
  complete: boolean;
  /** The block, helper, variable or partial name right after the opening braces (`if` in `{{#if x}}`). */
  name?: string;
  nameStart?: number;
  nameEnd?: number;
  /** How an `open` tag opens its block: `#`, `^`, `#>` (partial block), `#*` (decorator), `{{{{` (raw). */
  opener?: string;
  /** Index (in `tags`) of the matching open or close tag. */
  pair?: number;
  /** Number of blocks around the tag. */
  depth: number;
  /** The first parameter when it is a string literal (`system` in `{{role "system"}}`). */
  firstString?: string;
}

export interface HandlebarsAnalysis {
  diagnostics: Diagnostic[];
  variables: VariableUse[];
  partials: PartialUse[];
  helpers: { name: string; range: Range }[];
  /** Inline partials the template defines itself (`{{#*inline "name"}}`). */
  inlinePartials: string[];
  tags: TemplateTag[];
  /** False when part of the body could not be parsed, so `variables` may miss uses. */
  complete: boolean;
  /**
   * True when the body hands its whole top-level context on (`{{json this}}`, `{{> partial}}`
   * at the top), so any input may be read without being named.
   */
  usesContext: boolean;
}

export interface HandlebarsOptions {
  /** Library-relative path for the diagnostics. */
  file: string;
  /** [start, end) of the body in the document (default: the whole text). */
  start?: number;
  end?: number;
  /** Helpers the runtime registers besides the built-ins (they are not variables). */
  helpers?: Iterable<string>;
}

interface LocalTag extends Omit<TemplateTag, 'start' | 'end' | 'nameStart' | 'nameEnd'> {
  start: number;
  end: number;
  nameStart?: number;
  nameEnd?: number;
  /** For unclosed tags: where the opening braces end. */
  braceEnd?: number;
  /** Raw blocks: `{{{{name}}}}` ... `{{{{/name}}}}`. */
  raw?: boolean;
  /** For `{{else}}` tags: index of the block they belong to. */
  owner?: number;
}

interface Scan {
  tags: LocalTag[];
  /** Stray `}}` runs in text: [start, end, index of the tag before it or -1]. */
  strayClosers: [number, number, number][];
  /** Comments that never end: [start of `{{!`, end of text). */
  openComments: [number, number][];
}

/**
 * Analyses the Handlebars body at [start, end) of `doc`: reports `unbalanced-brace`,
 * `unclosed-block`, `unmatched-closing-block` and `template-syntax` problems with exact
 * ranges, and lists the top-level variables, partials and helpers the body uses.
 * Never throws.
 */
export function analyzeHandlebars(doc: TextDocument, opts: HandlebarsOptions): HandlebarsAnalysis {
  const start = opts.start ?? 0;
  const end = opts.end ?? doc.text.length;
  const tooLarge = oversizedTemplate(doc, opts.file, start, end, 'Handlebars');
  if (tooLarge) return { diagnostics: [tooLarge], variables: [], partials: [], helpers: [], inlinePartials: [], tags: [], complete: false, usesContext: false };
  const body = doc.text.slice(start, end);
  const helperNames = new Set([...handlebarsBuiltinHelpers, ...(opts.helpers ?? [])]);
  const out: HandlebarsAnalysis = { diagnostics: [], variables: [], partials: [], helpers: [], inlinePartials: [], tags: [], complete: true, usesContext: false };
  const range = (a: number, b: number): Range => doc.rangeOf(start + a, start + b);
  const lineOf = (a: number): number => doc.positionAt(start + a).line + 1;
  const report = (code: Diagnostic['code'], a: number, b: number, message: string, extra: { fixes?: Fix[]; related?: RelatedInformation[] } = {}): void => {
    out.diagnostics.push(diag(code, opts.file, range(a, b), message, extra));
  };

  const scan = scanTemplate(body);
  const tags = scan.tags;
  const blanked = new Set<number>();

  // Stray braces and comments that never end.
  const cutShort = new Map<number, boolean>();
  const isCutShortComment = (k: number): boolean => {
    let v = cutShort.get(k);
    if (v === undefined) {
      const c = tags[k];
      const text = body.slice(c.start, c.end);
      v = c.kind === 'comment' && c.complete && !/^\{\{~?!--/.test(text) && text.slice(2).includes('{{');
      cutShort.set(k, v);
    }
    return v;
  };
  for (const [a, b, before] of scan.strayClosers) {
    const stray = body.slice(a, b);
    const remove: Fix = { title: `Remove the stray \`${stray}\``, edits: [{ range: range(a, b), newText: '' }] };
    // `{{! a {{b}} c }}` ends at the first `}}`: the comment's own `}}` is left over.
    if (before >= 0 && isCutShortComment(before)) {
      const prev = tags[before];
      const bang = body.indexOf('!', prev.start);
      report(
        'unbalanced-brace',
        a,
        b,
        `Stray \`${stray}\`: the \`{{! … }}\` comment on line ${lineOf(prev.start)} ends at the first \`}}\` inside it, so the rest shows as text; write comments that contain \`}}\` as \`{{!-- … --}}\`.`,
        {
          fixes: [
            {
              title: 'Turn the comment into `{{!-- … --}}`',
              edits: [
                { range: range(bang + 1, bang + 1), newText: '--' },
                { range: range(a, a), newText: '--' },
              ],
            },
            remove,
          ],
        },
      );
      continue;
    }
    report('unbalanced-brace', a, b, `Stray \`${stray}\` with no opening \`{{\`; remove it, or add the \`{{\` of the tag it should close.`, { fixes: [remove] });
  }
  for (const [a] of scan.openComments) {
    const bang = body.indexOf('!', a);
    const long = body.startsWith('--', bang + 1);
    const opener = body.slice(a, bang + (long ? 3 : 1));
    const closer = long ? '--}}' : '}}';
    report('unbalanced-brace', a, a + opener.length, `Comment \`${opener}\` is never closed with \`${closer}\`, so the rest of the template is ignored; add \`${closer}\` where the comment ends.`);
  }
  tags.forEach((t, i) => {
    if (t.complete || t.kind === 'comment') return;
    const braces = body.slice(t.start, t.braceEnd ?? t.start + 2);
    const text = tagText(body, t);
    const hasContent = /[^\s#^/>&*{~!]/.test(body.slice(t.start + braces.length, t.end));
    const shown = hasContent ? braces : text;
    const close = braces === '{{{' ? '}}}' : '}}';
    const contentEnd = tagTextEnd(body, t);
    const fixes: Fix[] = hasContent
      ? [{ title: `Close the tag with \`${close}\``, edits: [{ range: range(contentEnd, contentEnd), newText: close }] }]
      : [{ title: `Remove the stray \`${shown}\``, edits: [{ range: range(t.start, tagTextEnd(body, t)), newText: '' }] }];
    report(
      'unbalanced-brace',
      t.start,
      t.start + braces.length,
      hasContent
        ? `\`${text}\` has no closing \`${close}\`; close the tag, or write \`\\${braces}\` for literal braces.`
        : `Stray \`${shown}\` with no closing \`${close}\`; finish the tag or remove it (write \`\\${braces}\` for literal braces).`,
      { fixes },
    );
    blanked.add(i);
  });

  // Block structure.
  const stack: number[] = [];
  const inContext = new Set<number>(); // tags inside a block that changes the context
  let contextOpen = 0;
  const changesContext = (o: LocalTag): boolean => !!o.name && (contextBlockHelpers.has(o.name) || (o.opener === '#' && !helperNames.has(o.name)));
  const unclosedAtEnd: number[] = [];
  let tooDeep = false;
  tags.forEach((t, i) => {
    t.depth = stack.length;
    if (contextOpen > 0) inContext.add(i);
    if (t.kind === 'open') {
      if (stack.length === maxNestingDepth && !tooDeep) {
        tooDeep = true;
        report('template-syntax', t.start, tagTextEnd(body, t), `Blocks nest more than ${maxNestingDepth} levels deep here; flatten the template (the body was not checked further).`);
      }
      stack.push(i);
      if (changesContext(t)) contextOpen++;
      return;
    }
    if (t.kind === 'else') {
      if (stack.length) t.owner = stack[stack.length - 1];
      else if (t.complete) {
        report('template-syntax', t.start, t.end, `\`${body.slice(t.start, t.end)}\` appears outside any block; move it inside an \`{{#if}}\`…\`{{/if}}\` block or remove it.`);
        blanked.add(i);
      }
      return;
    }
    if (t.kind !== 'close') return;
    const name = t.name ?? '';
    let k = stack.length - 1;
    while (k >= 0 && tags[stack[k]].name !== name) k--;
    if (k >= 0) {
      // Blocks opened after the matching one are left open by this closing tag.
      for (let j = stack.length - 1; j > k; j--) {
        const o = tags[stack[j]];
        report(
          'unclosed-block',
          o.start,
          tagTextEnd(body, o),
          `Block \`${tagText(body, o)}\` is not closed before \`${tagText(body, t)}\` on line ${lineOf(t.start)}; add \`{{/${o.name ?? ''}}}\` before it.`,
          { related: [{ file: opts.file, range: range(t.start, t.end), message: 'The enclosing block closes here.' }] },
        );
        blanked.add(stack[j]);
      }
      const o = stack[k];
      for (let j = stack.length - 1; j >= k; j--) if (changesContext(tags[stack[j]])) contextOpen--;
      stack.length = k;
      tags[o].pair = i;
      t.pair = o;
      t.depth = stack.length;
      if (!tags[o].complete || !t.complete) {
        blanked.add(o);
        blanked.add(i);
      }
      return;
    }
    const text = tagText(body, t);
    const fixes: Fix[] = [];
    let message = `\`${text}\` closes a block that was never opened; remove it, or add the \`{{#${name}}}\` it should close.`;
    let related: RelatedInformation[] | undefined;
    if (stack.length) {
      const top = tags[stack[stack.length - 1]];
      message = `\`${text}\` does not match the open block \`${openerText(top)}\` (line ${lineOf(top.start)}); change it to \`{{/${top.name ?? ''}}}\`, or add the missing \`{{#${name}}}\`.`;
      related = [{ file: opts.file, range: range(top.start, tagTextEnd(body, top)), message: 'The innermost open block starts here.' }];
      if (t.nameStart !== undefined && t.nameEnd !== undefined && top.name) {
        fixes.push({ title: `Change to \`{{/${top.name}}}\``, edits: [{ range: range(t.nameStart, t.nameEnd), newText: top.name }] });
      }
    }
    fixes.push({ title: `Remove \`${text}\``, edits: [{ range: range(t.start, t.end), newText: '' }] });
    report('unmatched-closing-block', t.start, t.end, message, { fixes, related });
    blanked.add(i);
  });
  for (const o of stack) {
    const t = tags[o];
    report('unclosed-block', t.start, tagTextEnd(body, t), `Block \`${tagText(body, t)}\` is never closed; add \`${closerText(t)}\` where the block ends.`);
    if (t.complete) unclosedAtEnd.push(o);
    else blanked.add(o);
  }

  // Parse a repaired copy of the body: problems above are blanked out (same offsets), missing closers appended.
  // The characters are split out only once something is blanked: a clean body is parsed as it is.
  let chars: string[] | undefined;
  const blank = (a: number, b: number): void => {
    chars ??= body.split('');
    for (let p = a; p < b && p < chars.length; p++) if (chars[p] !== '\n' && chars[p] !== '\r') chars[p] = ' ';
  };
  for (const [a, b] of scan.strayClosers) blank(a, b);
  for (const [a, b] of scan.openComments) blank(a, b);
  for (const i of blanked) blank(tags[i].start, tags[i].end);
  let tail = '';
  for (let j = unclosedAtEnd.length - 1; j >= 0; j--) {
    const t = tags[unclosedAtEnd[j]];
    tail += t.raw ? `{{{{/${t.name}}}}}` : `{{/${t.name}}}`;
  }
  let ast: hbs.AST.Program | undefined;
  const reportedSyntax = new Set<number>();
  const retries = tooDeep ? -1 : Math.max(1, Math.min(maxParseRetries, Math.floor(maxTemplateParseChars / Math.max(1, body.length)) - 1));
  for (let attempt = 0; attempt <= retries; attempt++) {
    const text = (chars ? chars.join('') : body) + tail;
    const r = parseHandlebars(text);
    if (r.ast) {
      ast = r.ast;
      break;
    }
    const err = r.error!;
    const [a, b] = err.span;
    const ti = tags.findIndex((t, i) => !blanked.has(i) && t.start <= a && a < t.end);
    if (ti >= 0 && !reportedSyntax.has(ti)) {
      reportedSyntax.add(ti);
      const t = tags[ti];
      const advice = err.hint ?? `fix the tag (Handlebars expected ${err.expected} here)`;
      report('template-syntax', Math.min(a, body.length), Math.min(Math.max(b, a + 1), body.length), `${err.message} in \`${tagText(body, t)}\`; ${advice}.`);
    } else if (ti < 0) {
      const a2 = Math.min(a, body.length);
      report('template-syntax', a2, Math.min(Math.max(b, a2 + 1), body.length), `${err.message}; the template does not parse as Handlebars (expected ${err.expected}).`);
      break;
    }
    if (ti < 0) break;
    const opener = tags[ti].kind === 'close' ? tags[ti].pair : tags[ti].kind === 'open' ? ti : undefined;
    const group = [ti];
    if (opener !== undefined) {
      group.push(opener);
      if (tags[opener].pair !== undefined) group.push(tags[opener].pair!);
      tags.forEach((t, k) => {
        if (t.kind === 'else' && t.owner === opener) group.push(k);
      });
    }
    for (const k of group) {
      blanked.add(k);
      blank(tags[k].start, tags[k].end);
    }
  }

  if (ast) {
    const walker = new Walker(body, helperNames, (a, b) => range(a, b));
    try {
      walker.program(ast, []);
    } catch {
      // Only a pathologically nested expression can exhaust the stack; keep what was read.
      out.complete = false;
    }
    out.variables = walker.variables;
    out.partials = walker.partials;
    out.helpers = walker.helpers;
    out.inlinePartials = walker.inlinePartials;
    out.usesContext = walker.usesContext;
  } else out.complete = false;

  // Tags left out of the parse (unclosed, or rejected): read the names they hold from a closed copy of each.
  [...blanked]
    .sort((x, y) => x - y)
    .forEach((i) => {
      const t = tags[i];
      if (tooDeep || t.kind === 'close' || t.kind === 'comment' || t.raw) return;
      if (inContext.has(i)) return;
      const braces = body.slice(t.start, t.braceEnd ?? t.start + 2);
      let text = body.slice(t.start, t.end).replace(/\s+$/, '');
      if (!t.complete) {
        if (!/[^\s#^/>&*{~]/.test(text.slice(braces.length))) return;
        text += braces === '{{{' ? '}}}' : '}}';
      }
      let snippet = text;
      if (t.kind === 'open') snippet += `{{/${t.name ?? ''}}}`;
      else if (t.kind === 'else') {
        const m = /^(\{\{~?\s*)else(\s+)([^\s}~]+)/.exec(text);
        if (!m) return;
        snippet = `${m[1]}#${' '.repeat(3 + m[2].length)}${text.slice(m[0].length - m[3].length)}{{/${m[3]}}}`;
      }
      const r = parseHandlebars(snippet);
      if (!r.ast) {
        out.complete = false;
        return;
      }
      const walker = new Walker(snippet, helperNames, (a, b) => range(t.start + Math.min(a, text.length), t.start + Math.min(b, text.length)));
      try {
        walker.program(r.ast, []);
      } catch {
        out.complete = false;
      }
      out.variables.push(...walker.variables);
      out.partials.push(...walker.partials);
      out.helpers.push(...walker.helpers);
      out.usesContext ||= walker.usesContext;
    });
  out.variables.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);

  out.tags = tags.map((t) => {
    const g: TemplateTag = { kind: t.kind, start: start + t.start, end: start + t.end, complete: t.complete, depth: t.depth };
    if (t.name !== undefined) g.name = t.name;
    if (t.nameStart !== undefined) g.nameStart = start + t.nameStart;
    if (t.nameEnd !== undefined) g.nameEnd = start + t.nameEnd;
    if (t.opener !== undefined) g.opener = t.opener;
    if (t.pair !== undefined) g.pair = t.pair;
    if (t.firstString !== undefined) g.firstString = t.firstString;
    return g;
  });
  out.diagnostics = capPerCode(out.diagnostics, maxDiagnosticsPerCode);
  return out;
}

/** `{{#if}}`, `{{#> layout}}`, `{{{{raw}}}}`: how an opening tag is named in messages. */
function openerText(t: LocalTag): string {
  return t.raw ? `{{{{${t.name ?? ''}}}}}` : `{{${t.opener ?? '#'}${t.name ?? ''}}}`;
}

/** The closing tag an opening tag needs. */
function closerText(t: LocalTag): string {
  return t.raw ? `{{{{/${t.name ?? ''}}}}}` : `{{/${t.name ?? ''}}}`;
}

/** The tag as written, on one line (for messages). */
function tagText(body: string, t: LocalTag): string {
  const s = body.slice(t.start, tagTextEnd(body, t)).replace(/\s+/g, ' ');
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/** End of the part of a tag to underline: the whole tag, or an unclosed tag without trailing blanks. */
function tagTextEnd(body: string, t: LocalTag): number {
  let e = t.end;
  while (e > t.start && /\s/.test(body[e - 1])) e--;
  return e;
}

/* ------------------------------------------------------------------ tokenizer */

/**
 * Finds the tags of a Handlebars body the way Handlebars' lexer does (comments, raw blocks,
 * triple-stash, `\{{` escapes, strings inside tags), plus stray `}}` in text and tags
 * without a closing `}}`. Offsets are relative to `body`.
 */
function scanTemplate(body: string): Scan {
  const tags: LocalTag[] = [];
  const strayClosers: [number, number, number][] = [];
  const openComments: [number, number][] = [];
  const n = body.length;
  let depth = 0; // single-brace nesting in text ({"a": {"b": 1}} is not a stray `}}`)
  let i = 0;
  while (i < n) {
    const c = body[i];
    if (c === '{' && body[i + 1] === '{') {
      let bs = 0;
      while (i - bs - 1 >= 0 && body[i - bs - 1] === '\\') bs++;
      if (bs === 1) {
        // `\{{...}}` is literal text up to the next tag.
        let p = i + 2;
        let close = -1;
        while (p < n && !body.startsWith('{{', p)) {
          if (close < 0 && body.startsWith('}}', p)) close = p;
          p++;
        }
        i = close >= 0 ? close + 2 : p;
        continue;
      }
      i = scanTag(body, i, tags, openComments);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth > 0) depth--;
      else if (body[i + 1] === '}') {
        let e = i;
        while (e < n && body[e] === '}') e++;
        strayClosers.push([i, e, tags.length - 1]);
        i = e;
        continue;
      }
    }
    i++;
  }
  return { tags, strayClosers, openComments };
}

/** Reads the tag starting at `i` (which holds `{{`), appends it, and returns where scanning resumes. */
function scanTag(body: string, i: number, tags: LocalTag[], openComments: [number, number][]): number {
  const n = body.length;
  // Raw block: {{{{name}}}} ... {{{{/name}}}}
  if (body.startsWith('{{{{', i)) {
    const next = body.indexOf('{{', i + 4);
    const found = body.slice(i + 4, next < 0 ? n : next).indexOf('}}}}');
    const close = found < 0 ? -1 : i + 4 + found;
    if (close >= 0) {
      const inner = body.slice(i + 4, close);
      const isClose = inner.trimStart().startsWith('/');
      const m = /^\s*\/?\s*([^\s}]+)/.exec(inner);
      const name = m?.[1] ?? '';
      const nameStart = m ? i + 4 + m[0].length - name.length : undefined;
      const tag: LocalTag = {
        kind: isClose ? 'close' : 'open',
        start: i,
        end: close + 4,
        complete: true,
        name,
        nameStart,
        nameEnd: nameStart !== undefined ? nameStart + name.length : undefined,
        depth: 0,
        raw: true,
      };
      if (!isClose) tag.opener = '{{{{';
      tags.push(tag);
      if (isClose) return close + 4;
      // The content is literal up to the matching closer.
      const re = new RegExp(`\\{\\{\\{\\{\\/\\s*${escapeRegExp(name)}\\s*\\}\\}\\}\\}`, 'g');
      re.lastIndex = close + 4;
      const m2 = re.exec(body);
      if (!m2) return n;
      return m2.index;
    }
  }
  let p = i + 2;
  if (body[p] === '~') p++;
  // Comments.
  if (body[p] === '!') {
    const long = body.startsWith('!--', p);
    const re = long ? /--~?\}\}/g : /\}\}/g;
    re.lastIndex = long ? p + 3 : p + 1;
    const m = re.exec(body);
    if (!m) {
      openComments.push([i, n]);
      tags.push({ kind: 'comment', start: i, end: n, complete: false, depth: 0, braceEnd: p + 1 });
      return n;
    }
    tags.push({ kind: 'comment', start: i, end: m.index + m[0].length, complete: true, depth: 0 });
    return m.index + m[0].length;
  }
  const triple = body[p] === '{';
  let kind: LocalTag['kind'] = 'mustache';
  let opener: string | undefined;
  let q = p;
  if (triple) q++;
  else if (body[p] === '#') {
    kind = 'open';
    opener = '#';
    q++;
    if (body[q] === '>' || body[q] === '*') {
      opener += body[q];
      q++;
    }
  } else if (body[p] === '^') {
    q++;
    if (/^\s*~?\}\}/.test(body.slice(q, q + 40))) kind = 'else';
    else {
      kind = 'open';
      opener = '^';
    }
  } else if (body[p] === '/') {
    kind = 'close';
    q++;
  } else if (body[p] === '>') {
    kind = 'partial';
    q++;
  } else if (body[p] === '&' || body[p] === '*') q++;
  else if (/^\s*else(?=[\s~}])/.test(body.slice(p, p + 12))) kind = 'else';
  // Name right after the opening characters.
  let s = q;
  while (s < n && (body[s] === ' ' || body[s] === '\t' || body[s] === '\r' || body[s] === '\n')) s++;
  let e = s;
  while (e < n && !/[\s}~()"'=|]/.test(body[e]) && !body.startsWith('{{', e)) e++;
  const name = e > s ? body.slice(s, e) : undefined;
  if ((kind === 'open' || kind === 'close') && name === undefined && findClose(body, e) < 0) kind = 'mustache';
  // Find the closing braces, skipping strings and [literal] segments.
  const close = findClose(body, e);
  const tag: LocalTag = { kind, start: i, end: 0, complete: close >= 0, depth: 0 };
  if (name !== undefined) {
    tag.name = name;
    tag.nameStart = s;
    tag.nameEnd = e;
  }
  if (opener) tag.opener = opener;
  if (close >= 0) {
    let end = close + 2;
    if (triple && body[end] === '}') end++;
    tag.end = end;
    const fs = /^\s+(["'])((?:\\.|(?!\1).)*)\1/.exec(body.slice(e, close));
    if (fs) tag.firstString = fs[2];
    tags.push(tag);
    return end;
  }
  // No closing braces: the tag is taken to end with its line (or the next tag).
  const next = nextOpen(body, e);
  const limit = next < 0 ? n : next;
  let lineEnd = i;
  while (lineEnd < limit && body[lineEnd] !== '\n' && body[lineEnd] !== '\r') lineEnd++;
  tag.end = lineEnd;
  tag.braceEnd = triple ? i + 3 : i + 2;
  tags.push(tag);
  return next < 0 ? n : next;
}

/** Offset of the `}}` that closes a tag whose inside starts at `p`, or -1 (none before the next `{{`). */
function findClose(body: string, p: number): number {
  const n = body.length;
  let q = p;
  while (q < n) {
    const c = body[q];
    if (c === '"' || c === "'") {
      // A string may hold `}}`; one that runs into the next `{{` is not a string.
      let r = q + 1;
      while (r < n && body[r] !== c && !(body[r] === '{' && body[r + 1] === '{')) {
        if (body[r] === '\\') r++;
        r++;
      }
      if (r < n && body[r] === c) {
        q = r + 1;
        continue;
      }
    } else if (c === '[') {
      let r = q + 1;
      while (r < n && body[r] !== ']' && !((body[r] === '{' && body[r + 1] === '{') || (body[r] === '}' && body[r + 1] === '}'))) r++;
      if (r < n && body[r] === ']') {
        q = r + 1;
        continue;
      }
    } else if (c === '}' && body[q + 1] === '}') return q;
    else if (c === '{' && body[q + 1] === '{') return -1;
    q++;
  }
  return -1;
}

function nextOpen(body: string, p: number): number {
  return body.indexOf('{{', p);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/* ------------------------------------------------------------------ parser */

interface ParseFailure {
  message: string;
  expected: string;
  /** Advice that replaces the list of expected tokens. */
  hint?: string;
  /** [start, end) offsets of the offending token in the parsed text. */
  span: [number, number];
}

interface JisonLexer {
  yylloc?: { first_line: number; first_column: number; last_line: number; last_column: number };
  match?: string;
}

const tokenNames: Record<string, string> = {
  CLOSE: '`}}`',
  CLOSE_UNESCAPED: '`}}}`',
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  DATA: 'an `@` variable',
  OPEN_SEXPR: '`(`',
  CLOSE_SEXPR: '`)`',
  EQUALS: '`=`',
  OPEN_ENDBLOCK: 'a closing `{{/…}}`',
  INVERSE: '`{{else}}`',
  EOF: 'the end of the template',
};
/** Most useful first: what a user most likely meant. */
const tokenOrder = Object.keys(tokenNames);

/** Parses with Handlebars; on failure, the message and the offending token's offsets. */
function parseHandlebars(text: string): { ast?: hbs.AST.Program; error?: ParseFailure } {
  try {
    return { ast: Handlebars.parseWithoutProcessing(text) };
  } catch (e) {
    return { error: describeParseError(e as Error & Record<string, unknown>, text) };
  }
}

function describeParseError(e: Error & Record<string, unknown>, text: string): ParseFailure {
  const starts = lineStarts(text);
  const at = (line: number, col: number): number => Math.min(text.length, (starts[line - 1] ?? text.length) + col);
  const msg = String(e.message ?? e);
  // Errors raised while building the AST (Handlebars.Exception) carry the node's location.
  if (typeof e.lineNumber === 'number' && typeof e.column === 'number') {
    const a = at(e.lineNumber, e.column);
    const b = typeof e.endLineNumber === 'number' && typeof e.endColumn === 'number' ? at(e.endLineNumber, e.endColumn) : a + 1;
    return { message: msg.replace(/ - \d+:\d+$/, ''), expected: 'a valid expression', span: [a, Math.max(b, a + 1)] };
  }
  const lexer = (Handlebars as unknown as { Parser?: { lexer?: JisonLexer } }).Parser?.lexer;
  const loc = lexer?.yylloc;
  const lines = msg.split('\n');
  const last = lines[lines.length - 1];
  const m = /^Expecting (.*), got '([^']+)'$/.exec(last);
  let expected = 'a valid tag';
  let got = '';
  if (m) {
    const listed = new Set(m[1].split(', ').map((t) => t.replace(/'/g, '')));
    const names = tokenOrder.filter((t) => listed.has(t)).map((t) => tokenNames[t]);
    expected = names.length ? names.slice(0, 4).join(', ') : 'a valid tag';
    got = m[2];
  }
  if (loc) {
    let a = at(loc.first_line, loc.first_column);
    let b = at(loc.last_line, loc.last_column);
    if (/^Lexical error/.test(msg)) {
      a = b;
      b = a + 1;
    }
    const token = text.slice(a, b);
    const what = got === 'EOF' || a >= text.length ? 'the end of the template' : `\`${token.replace(/\s+/g, ' ')}\``;
    let hint: string | undefined;
    if (/^[<>!=&|+*-]/.test(token)) hint = 'Handlebars has no operators such as `>=` or `==`; pass the values to a helper (for example `ifEquals`) instead';
    else if (/^\}{3,}$/.test(token) && (got === 'CLOSE_UNESCAPED' || got === 'CLOSE_RAW_BLOCK')) {
      hint = `Handlebars reads \`${token}\` as the end of a \`${'{'.repeat(token.length)}…${token}\` tag; put a space between \`}}\` and the following \`}\``;
    }
    return { message: `Handlebars cannot parse ${what}`, expected, hint, span: [a, Math.max(b, a + 1)] };
  }
  return { message: `Handlebars cannot parse the template: ${lines[0]}`, expected, span: [0, 1] };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf('\r') < 0) {
    // Line feeds only (the common case): indexOf finds them much faster than a loop over every character.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

/* ------------------------------------------------------------------ AST walk */

interface Scope {
  blockParams: Set<string>;
  changesContext: boolean;
}

type Expr = hbs.AST.Expression | hbs.AST.PathExpression | hbs.AST.SubExpression | hbs.AST.Literal;

/** Walks a parsed body and collects top-level variables, partials and helpers with ranges. */
class Walker {
  readonly variables: VariableUse[] = [];
  readonly partials: PartialUse[] = [];
  readonly helpers: { name: string; range: Range }[] = [];
  readonly inlinePartials: string[] = [];
  usesContext = false;
  private readonly starts: number[];

  constructor(
    private readonly text: string,
    private readonly helperNames: Set<string>,
    private readonly toRange: (a: number, b: number) => Range,
  ) {
    this.starts = lineStarts(text);
  }

  private offset(p: hbs.AST.Position): number {
    return Math.min(this.text.length, (this.starts[p.line - 1] ?? this.text.length) + p.column);
  }

  private locRange(loc: hbs.AST.SourceLocation): [number, number] {
    return [this.offset(loc.start), this.offset(loc.end)];
  }

  program(p: hbs.AST.Program | undefined, scopes: Scope[]): void {
    if (!p) return;
    for (const s of p.body) this.statement(s, scopes);
  }

  private statement(node: hbs.AST.Statement, scopes: Scope[]): void {
    switch (node.type) {
      case 'MustacheStatement':
      case 'Decorator': {
        const m = node as hbs.AST.MustacheStatement;
        this.call(m.path, m.params, m.hash, scopes, false);
        break;
      }
      case 'BlockStatement':
      case 'DecoratorBlock': {
        const b = node as hbs.AST.BlockStatement;
        const isHelper = this.call(b.path, b.params, b.hash, scopes, node.type === 'DecoratorBlock');
        const name = b.path.type === 'PathExpression' ? b.path.original : '';
        if (node.type === 'DecoratorBlock' && name === 'inline' && b.params[0]?.type === 'StringLiteral') {
          this.inlinePartials.push((b.params[0] as hbs.AST.StringLiteral).value);
        }
        let changes = false;
        if (node.type === 'BlockStatement') {
          if (name === 'with') changes = !isThis(b.params[0]);
          else if (contextBlockHelpers.has(name)) changes = true;
          else if (!isHelper) changes = true; // {{#items}}…{{/items}} iterates or enters `items`
        }
        const params = new Set((b.program as (hbs.AST.Program & { blockParams?: string[] }) | undefined)?.blockParams ?? []);
        this.program(b.program, [...scopes, { blockParams: params, changesContext: changes }]);
        this.program(b.inverse, scopes);
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = node as hbs.AST.PartialStatement;
        const nameNode = p.name as hbs.AST.PathExpression | hbs.AST.SubExpression | hbs.AST.StringLiteral;
        if (nameNode.type === 'SubExpression') this.value(nameNode, scopes);
        else if (node.type === 'PartialStatement') {
          const isData = nameNode.type === 'PathExpression' && nameNode.data;
          const name = nameNode.type === 'StringLiteral' ? nameNode.value : String((nameNode as { original?: unknown }).original ?? '');
          if (!isData && name) {
            const [a, b] = this.locRange(nameNode.loc);
            this.partials.push({ name, range: this.toRange(a, b) });
          }
        }
        // Without a context argument, a partial sees the current context.
        if (!p.params?.length && !scopes.some((s) => s.changesContext)) this.usesContext = true;
        for (const e of p.params ?? []) this.value(e, scopes);
        for (const pair of p.hash?.pairs ?? []) this.value(pair.value, scopes);
        if (node.type === 'PartialBlockStatement') this.program((node as hbs.AST.PartialBlockStatement).program, scopes);
        break;
      }
      default:
        break;
    }
  }

  /** A mustache, block or subexpression head; returns true when it is a helper call. */
  private call(path: hbs.AST.PathExpression | hbs.AST.Literal, params: Expr[], hash: hbs.AST.Hash | undefined, scopes: Scope[], forceHelper: boolean): boolean {
    const hasArgs = params.length > 0 || (hash?.pairs?.length ?? 0) > 0;
    let isHelper = false;
    if (path.type === 'PathExpression') {
      const p = path as hbs.AST.PathExpression;
      const simple = !p.data && p.depth === 0 && p.parts.length === 1 && !/^(\.|this\b)/.test(p.original);
      isHelper = forceHelper || hasArgs || (simple && this.helperNames.has(p.parts[0]));
      if (isHelper) {
        const [a, b] = this.locRange(p.loc);
        this.helpers.push({ name: p.original, range: this.toRange(a, b) });
      } else this.path(p, scopes);
    }
    for (const e of params) this.value(e, scopes);
    for (const pair of hash?.pairs ?? []) this.value(pair.value, scopes);
    return isHelper;
  }

  private value(e: Expr, scopes: Scope[]): void {
    if (e.type === 'PathExpression') this.path(e as hbs.AST.PathExpression, scopes);
    else if (e.type === 'SubExpression') {
      const s = e as hbs.AST.SubExpression;
      this.call(s.path, s.params, s.hash, scopes, true);
    }
  }

  private path(p: hbs.AST.PathExpression, scopes: Scope[]): void {
    let name: string | undefined;
    const contextDepth = scopes.filter((s) => s.changesContext).length;
    if (p.data) {
      if (p.parts[0] === 'root' && p.parts.length > 1) name = p.parts[1];
      else if (p.parts[0] === 'root') this.usesContext = true;
    } else if (p.parts.length === 0) {
      if (p.depth >= contextDepth) this.usesContext = true;
    } else {
      const scoped = /^(\.|this\b)/.test(p.original);
      const head = p.parts[0];
      const isBlockParam = !scoped && scopes.some((s) => s.blockParams.has(head));
      if (!isBlockParam && p.depth >= contextDepth) name = head;
    }
    if (!name) return;
    const [a, b] = this.locRange(p.loc);
    const [ha, hb] = headSpan(this.text, a, b, p, name);
    this.variables.push({ name, range: this.toRange(ha, hb) });
  }
}

function isThis(e: Expr | undefined): boolean {
  return !!e && e.type === 'PathExpression' && !(e as hbs.AST.PathExpression).data && (e as hbs.AST.PathExpression).parts.length === 0;
}

/** [start, end) of the first segment (`name` in `../name.x`, `x` in `@root.x`) inside a path. */
function headSpan(text: string, a: number, b: number, p: hbs.AST.PathExpression, name: string): [number, number] {
  let i = a;
  if (text[i] === '@') {
    i++;
    if (p.parts[0] === 'root') i += 5; // `root` and its separator
  }
  for (;;) {
    if (text.startsWith('../', i)) i += 3;
    else if (text.startsWith('./', i)) i += 2;
    else if (text.startsWith('this.', i) || text.startsWith('this/', i)) i += 5;
    else break;
  }
  if (text[i] === '[') {
    const e = text.indexOf(']', i);
    if (e >= 0 && e < b) return [i, e + 1];
  }
  if (text.startsWith(name, i) && i + name.length <= b) return [i, i + name.length];
  return [a, b];
}
