// Mustache bodies (Prompty `template: mustache`): variables through the mustache parser, sections and braces through our own tag scanner.

import * as mustacheModule from 'mustache';
import { capPerCode, diag } from '../diagnostics';
import { maxDiagnosticsPerCode } from '../limits';
import type { Diagnostic } from '../diagnostics';
import type { VariableUse } from './types';
import { oversizedAnalysis, oversizedTemplate, rootName, strayClosers } from './literalBraces';
import type { TemplateAnalysis, TemplateRegion } from './literalBraces';

/** One Mustache tag, by offsets relative to the region. */
export interface MustacheTag {
  /** `name` for `{{x}}`, else the sigil: `#`, `^`, `/`, `>`, `!`, `&`, `{`, `=`. */
  type: string;
  name: string;
  start: number;
  end: number;
  nameStart: number;
}

interface MustacheApi {
  Writer: new () => { parse(template: string): unknown };
}
// mustache ships CommonJS and an ES module with only a default export: accept either shape.
// Read on first use: the library loads lazily in the bundles.
const mustacheApi = (): MustacheApi => (mustacheModule as unknown as { default?: MustacheApi }).default ?? (mustacheModule as unknown as MustacheApi);

/** A token of mustache.js: [type, value, start, end, subtokens?, ...]. */
type MustacheToken = [string, string, number, number, MustacheToken[]?, ...unknown[]];

/**
 * Analyses a Mustache template at [start, end) of the document: variables read at top
 * level (names inside a `{{#section}}` may come from the section's own value, so they are
 * returned as `contextual`), sections opened and never closed or closed and never opened,
 * and stray braces.
 */
export function analyzeMustache(region: TemplateRegion): TemplateAnalysis {
  const tooLarge = oversizedTemplate(region.doc, region.file, region.start, region.end, 'Mustache');
  if (tooLarge) return oversizedAnalysis(tooLarge);
  const src = region.doc.text.slice(region.start, region.end);
  const scan = scanMustache(region);
  const out: TemplateAnalysis = { variables: [], contextual: [], diagnostics: scan.diagnostics };
  let tokens: MustacheToken[] | undefined;
  try {
    // A fresh writer: the shared one would cache every template for the life of the process.
    tokens = new (mustacheApi().Writer)().parse(src) as MustacheToken[];
  } catch (e) {
    if (!scan.structural) out.diagnostics.push(parseError(region, src, scan.tags, e));
  }
  const add = (name: string, at: number, contextual: boolean) => {
    if (name === '.' || !/^[^\s{}]+$/.test(name)) return;
    const root = rootName(name);
    const use: VariableUse = { name: root, range: region.doc.rangeOf(region.start + at, region.start + at + root.length) };
    (contextual ? out.contextual : out.variables).push(use);
  };
  // With broken tags mustache.js may still succeed, reading `{{a}\n{{b}}` as one odd name: trust the scanner then.
  if (tokens && !scan.structural) {
    const walk = (list: MustacheToken[], inSection: boolean, depth: number) => {
      if (depth > 200) return;
      for (const t of list) {
        const [type, value, start, end] = t;
        if (type === 'name' || type === '&' || type === '#' || type === '^') {
          const inner = src.slice(start, end);
          const at = inner.indexOf(value, type === 'name' ? 0 : inner.indexOf(type) + 1);
          add(value, start + Math.max(0, at), inSection);
        }
        if ((type === '#' || type === '^') && Array.isArray(t[4])) walk(t[4], inSection || type === '#', depth + 1);
      }
    };
    walk(tokens, false, 0);
  } else {
    const sections: string[] = [];
    for (const t of scan.tags) {
      if (t.type === '/') {
        const at = sections.lastIndexOf(t.name);
        if (at >= 0) sections.splice(at);
        continue;
      }
      if (['name', '&', '{', '#', '^'].includes(t.type))
        add(
          t.name,
          t.nameStart,
          sections.some((s) => s.startsWith('#')),
        );
      if (t.type === '#' || t.type === '^') sections.push(t.type + t.name);
    }
  }
  return out;
}

/** Tags, section structure and brace problems of a Mustache body. */
export function scanMustache(region: TemplateRegion): { tags: MustacheTag[]; diagnostics: Diagnostic[]; structural: boolean } {
  const { doc, file, start } = region;
  const src = doc.text.slice(region.start, region.end);
  const range = (a: number, b: number) => doc.rangeOf(start + a, start + b);
  const diagnostics: Diagnostic[] = [];
  const tags: MustacheTag[] = [];
  const text: [number, number][] = [];
  let open = '{{';
  let close = '}}';
  let delimitersChanged = false;
  let pos = 0;
  let textStart = 0;
  // First occurrence of a string at or after a position, remembered so that many unclosed tags stay linear.
  const found = new Map<string, number>();
  const findFrom = (needle: string, from: number): number => {
    const last = found.get(needle);
    if (last !== undefined && (last === -1 || last >= from)) return last;
    const at = src.indexOf(needle, from);
    found.set(needle, at);
    return at;
  };
  while (pos < src.length) {
    const i = findFrom(open, pos);
    if (i < 0) break;
    text.push([textStart, i]);
    const j = i + open.length;
    const sigil = src[j];
    const type = sigil !== undefined && '#^/>!&{=<'.includes(sigil) ? (sigil === '<' ? '>' : sigil) : 'name';
    const closeSeq = type === '{' ? '}' + close : type === '=' ? '=' + close : close;
    const k = findFrom(closeSeq, j);
    const nextOpen = type === '!' ? -1 : findFrom(open, j);
    if (k < 0 || (nextOpen >= 0 && nextOpen < k)) {
      diagnostics.push(
        diag('unbalanced-brace', file, range(i, j), `\`${open}\` is never closed with \`${closeSeq}\`${nextOpen >= 0 ? ' before the next tag' : ''}; close the tag or remove the braces.`),
      );
      pos = textStart = nextOpen >= 0 ? nextOpen : src.length;
      continue;
    }
    const bodyStart = type === 'name' ? j : j + 1;
    const raw = src.slice(bodyStart, k);
    const name = raw.trim();
    const tag: MustacheTag = { type, name, start: i, end: k + closeSeq.length, nameStart: bodyStart + raw.indexOf(name) };
    tags.push(tag);
    pos = textStart = tag.end;
    if (type === '=') {
      const parts = name.split(/\s+/);
      if (parts.length === 2 && parts[0] && parts[1]) {
        [open, close] = parts;
        found.clear();
        delimitersChanged = true;
      } else {
        diagnostics.push(diag('template-syntax', file, range(tag.start, tag.end), 'A delimiter change needs two delimiters, as in `{{=<% %>=}}`.'));
      }
    }
  }
  text.push([textStart, src.length]);
  for (const d of checkSections(region, src, tags)) diagnostics.push(d);
  const structural = diagnostics.length > 0;
  if (!delimitersChanged) for (const d of strayClosers(region, text, ['}}'])) diagnostics.push(d);
  return { tags, diagnostics: capPerCode(diagnostics, maxDiagnosticsPerCode), structural };
}

function checkSections(region: TemplateRegion, src: string, tags: MustacheTag[]): Diagnostic[] {
  const { doc, file, start } = region;
  const out: Diagnostic[] = [];
  const range = (t: MustacheTag) => doc.rangeOf(start + t.start, start + t.end);
  const show = (t: MustacheTag) => src.slice(t.start, t.end);
  const stack: MustacheTag[] = [];
  for (const t of tags) {
    if (t.type === '#' || t.type === '^') stack.push(t);
    else if (t.type === '/') {
      let at = -1;
      for (let i = stack.length - 1; i >= 0; i--) {
        if (stack[i].name === t.name) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        out.push(diag('unmatched-closing-block', file, range(t), `\`${show(t)}\` closes no section; remove it or add \`{{#${t.name}}}\` where the section starts.`));
        continue;
      }
      for (const inner of stack.splice(at).slice(1).reverse()) {
        out.push(diag('unclosed-block', file, range(inner), `\`${show(inner)}\` is never closed: add \`{{/${inner.name}}}\` before \`${show(t)}\`.`));
      }
    }
  }
  for (const t of stack.reverse()) {
    out.push(diag('unclosed-block', file, range(t), `\`${show(t)}\` is never closed; add \`{{/${t.name}}}\` where the section ends.`));
  }
  return out;
}

function parseError(region: TemplateRegion, src: string, tags: MustacheTag[], e: unknown): Diagnostic {
  const msg = ((e as Error)?.message ?? String(e)).trim();
  const m = / at (\d+)\s*$/.exec(msg);
  let a = m ? Math.min(src.length, Number(m[1])) : src.length;
  let b = a;
  const tag = tags.find((t) => t.start <= a && a < t.end);
  if (tag) {
    a = tag.start;
    b = tag.end;
  }
  return diag('template-syntax', region.file, region.doc.rangeOf(region.start + a, region.start + b), `Mustache syntax error: ${msg.replace(/ at \d+\s*$/, '')}. Fix the tag.`);
}
