// The tag scanner shared by the Jinja2 (Prompty) and Nunjucks (promptfoo) readers: `{{ }}`, `{% %}` and `{# #}` tags with
// exact offsets, unclosed braces and comments, `raw`/`verbatim` bodies; and the block structure of the statement tags, given each language's tags.

import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { nearest } from '../yaml/yamlDocument';
import type { TemplateRegion } from './literalBraces';

/** One `{{ }}`, `{% %}` or `{# #}` tag of a template body, by offsets relative to the region. */
export interface TemplateTag {
  kind: 'output' | 'statement' | 'comment';
  start: number;
  end: number;
  /** Inner text without delimiters and whitespace-control marks. */
  inner: string;
  innerStart: number;
  /** First word of a statement (`if`, `endfor`, ...). */
  name?: string;
}

/** The tags of a body, the brace problems found on the way, and the spans of text between tags (where stray closers are looked for). */
export function scanTags(region: TemplateRegion): { tags: TemplateTag[]; diagnostics: Diagnostic[]; text: [number, number][] } {
  const { doc, file, start } = region;
  const src = doc.text.slice(region.start, region.end);
  const diagnostics: Diagnostic[] = [];
  const tags: TemplateTag[] = [];
  const text: [number, number][] = [];
  const range = (a: number, b: number) => doc.rangeOf(start + a, start + b);
  let pos = 0;
  let textStart = 0;
  while (pos < src.length) {
    const open = nextOpener(src, pos);
    if (open < 0) break;
    const kind = src[open + 1];
    if (kind === '#') {
      const close = src.indexOf('#}', open + 2);
      text.push([textStart, open]);
      if (close < 0) {
        diagnostics.push(diag('unbalanced-brace', file, range(open, open + 2), 'The comment `{#` is never closed with `#}`; close it, or the rest of the template is ignored.'));
        pos = textStart = src.length;
        break;
      }
      tags.push({ kind: 'comment', start: open, end: close + 2, inner: src.slice(open + 2, close), innerStart: open + 2 });
      pos = textStart = close + 2;
      continue;
    }
    const closer = kind === '{' ? '}}' : '%}';
    const close = findCloser(src, open + 2, closer);
    text.push([textStart, open]);
    if (close.at < 0) {
      diagnostics.push(
        diag(
          'unbalanced-brace',
          file,
          range(open, open + 2),
          `\`${src.slice(open, open + 2)}\` is never closed with \`${closer}\`${close.next >= 0 ? ' before the next tag' : ''}; add \`${closer}\` or remove the braces.`,
        ),
      );
      pos = textStart = close.next >= 0 ? close.next : src.length;
      continue;
    }
    let a = open + 2;
    let b = close.at;
    if (src[a] === '-' || src[a] === '+') a++;
    if (src[b - 1] === '-' || src[b - 1] === '+') b--;
    const inner = src.slice(a, b);
    const tag: TemplateTag = { kind: kind === '{' ? 'output' : 'statement', start: open, end: close.at + 2, inner, innerStart: a };
    if (tag.kind === 'statement') tag.name = /^\s*([A-Za-z_]\w*)/.exec(inner)?.[1] ?? '';
    tags.push(tag);
    pos = textStart = tag.end;
    if (tag.name === 'raw' || tag.name === 'verbatim') {
      const endRe = new RegExp(`\\{%[-+]?\\s*end${tag.name}\\s*[-+]?%\\}`, 'g');
      endRe.lastIndex = tag.end;
      const m = endRe.exec(src);
      if (!m) {
        diagnostics.push(diag('unclosed-block', file, range(tag.start, tag.end), `\`{% ${tag.name} %}\` is never closed; add \`{% end${tag.name} %}\` where the literal text ends.`));
        pos = textStart = src.length;
        break;
      }
      tags.push({ kind: 'statement', start: m.index, end: m.index + m[0].length, inner: m[0].slice(2, -2), innerStart: m.index + 2, name: `end${tag.name}` });
      pos = textStart = m.index + m[0].length;
    }
  }
  text.push([textStart, src.length]);
  return { tags, diagnostics, text };
}

function nextOpener(src: string, from: number): number {
  for (let i = src.indexOf('{', from); i >= 0 && i < src.length - 1; i = src.indexOf('{', i + 1)) {
    const c = src[i + 1];
    if (c === '{' || c === '%' || c === '#') return i;
  }
  return -1;
}

/** Offset of the closing delimiter, skipping quoted strings; or -1 and the next opener. */
function findCloser(src: string, from: number, closer: string): { at: number; next: number } {
  const attempt = (honourQuotes: boolean): { at: number; next: number } => {
    let quote: string | undefined;
    for (let i = from; i < src.length; i++) {
      const c = src[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (honourQuotes && (c === '"' || c === "'")) quote = c;
      else if (c === closer[0] && src[i + 1] === closer[1]) return { at: i, next: -1 };
      else if (c === '{' && (src[i + 1] === '{' || src[i + 1] === '%')) return { at: -1, next: i };
    }
    return { at: -1, next: -1 };
  };
  const first = attempt(true);
  // An unbalanced quote would swallow the rest of the file: retry without quotes.
  return first.at < 0 && first.next < 0 ? attempt(false) : first;
}

/** Index of the last item that matches, or -1. */
export function findLastIndex<T>(items: T[], pred: (t: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i])) return i;
  return -1;
}

/** Statements that open a block, with the tag that closes it: Jinja2's and Nunjucks' together (each reader reports the other's its own way). */
export const blockTags: Readonly<Record<string, string>> = {
  if: 'endif',
  for: 'endfor',
  macro: 'endmacro',
  call: 'endcall',
  filter: 'endfilter',
  block: 'endblock',
  with: 'endwith',
  autoescape: 'endautoescape',
  trans: 'endtrans',
  switch: 'endswitch',
  raw: 'endraw',
  verbatim: 'endverbatim',
  set: 'endset',
};
/** Statements that belong inside a block, and the blocks they may stand in (both languages, as blockTags). */
export const middleTags: Readonly<Record<string, string[]>> = {
  elif: ['if'],
  elseif: ['if'],
  else: ['if', 'for'],
  case: ['switch'],
  default: ['switch'],
  pluralize: ['trans'],
};

/** What checkBlocks needs to know of a language's statement tags besides the block and middle statements both share (blockTags, middleTags). */
export interface BlockLanguage {
  /** In messages: "Jinja", "Nunjucks". */
  name: string;
  /** Statements that open no block. */
  simpleTags: ReadonlySet<string>;
  /** True when this `{% set %}` opens a block (`{% set x %}...{% endset %}`). */
  setOpensBlock(tag: TemplateTag): boolean;
  /** A finding on a tag before its structure is checked (a tag the language lacks or needs an extension for). */
  note?(tag: TemplateTag, file: string, range: Range): Diagnostic | undefined;
  /** Blocks whose missing closing tag the scanner reports already (`raw`). */
  unclosedReported?: ReadonlySet<string>;
}

/** The block structure of a template's statement tags: unknown tags, closers without openers, blocks never closed, middles outside their block. */
export function checkBlocks(region: TemplateRegion, src: string, tags: TemplateTag[], lang: BlockLanguage): Diagnostic[] {
  const { doc, file, start } = region;
  const { simpleTags } = lang;
  const knownTags = [...Object.keys(blockTags), ...Object.values(blockTags), ...Object.keys(middleTags), ...simpleTags];
  const out: Diagnostic[] = [];
  const range = (t: TemplateTag) => doc.rangeOf(start + t.start, start + t.end);
  const stack: TemplateTag[] = [];
  const show = (t: TemplateTag) => src.slice(t.start, t.end).replace(/\s+/g, ' ');
  for (const tag of tags) {
    if (tag.kind !== 'statement' || !tag.name) continue;
    const name = tag.name;
    const note = lang.note?.(tag, file, range(tag));
    if (note) out.push(note);
    if (name === 'set') {
      if (lang.setOpensBlock(tag)) stack.push(tag);
      continue;
    }
    if (blockTags[name]) {
      stack.push(tag);
      continue;
    }
    const parents = middleTags[name];
    if (parents) {
      const top = stack[stack.length - 1];
      if (!top || !parents.includes(top.name!)) {
        out.push(
          diag('unmatched-closing-block', file, range(tag), `\`{% ${name} %}\` stands outside any ${parents.map((p) => `\`{% ${p} %}\``).join(' or ')} block; move it inside one or remove it.`),
        );
      }
      continue;
    }
    if (name.startsWith('end')) {
      const opener = name.slice(3);
      if (blockTags[opener] !== name) {
        const suggestion = nearest(name, Object.values(blockTags));
        out.push(diag('template-syntax', file, range(tag), `Unknown tag \`${name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`));
        continue;
      }
      const at = findLastIndex(stack, (t) => t.name === opener);
      if (at < 0) {
        out.push(diag('unmatched-closing-block', file, range(tag), `\`${show(tag)}\` closes no \`{% ${opener} %}\`; remove it or add the opening tag.`));
        continue;
      }
      for (const inner of stack.splice(at).slice(1).reverse()) {
        out.push(diag('unclosed-block', file, range(inner), `\`${show(inner)}\` is never closed: add \`{% ${blockTags[inner.name!]} %}\` before \`{% ${name} %}\`.`));
      }
      continue;
    }
    if (!simpleTags.has(name)) {
      const suggestion = nearest(name, knownTags);
      out.push(
        diag(
          'template-syntax',
          file,
          range(tag),
          `Unknown tag \`${name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : `; ${lang.name} statements are if, for, set, macro, block, include...`}`,
        ),
      );
    }
  }
  for (const open of stack.reverse().filter((t) => !lang.unclosedReported?.has(t.name!))) {
    out.push(diag('unclosed-block', file, range(open), `\`${show(open)}\` is never closed; add \`{% ${blockTags[open.name!]} %}\` where the block ends.`));
  }
  return out;
}
