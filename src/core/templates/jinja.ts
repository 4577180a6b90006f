// Jinja2 bodies (Prompty's default): a tag scanner for block structure and braces, Jinja2's own grammar (jinja2Syntax.ts) for each tag and its variables.

import { capPerCode, diag } from '../diagnostics';
import { maxDiagnosticsPerCode } from '../limits';
import type { Diagnostic } from '../diagnostics';
import { nearest } from '../yaml/yamlDocument';
import { oversizedAnalysis, oversizedTemplate, strayClosers } from './literalBraces';
import type { TemplateAnalysis, TemplateRegion } from './literalBraces';
import { analyzeTags } from './jinja2Syntax';
import { findLastIndex, scanTags } from './tagScanner';
import type { TemplateTag } from './tagScanner';

/** Statements that open a block, with the tag that closes it. */
const blockTags: Record<string, string> = {
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
/** Statements that belong inside a block, and the blocks they may stand in. */
const middleTags: Record<string, string[]> = {
  elif: ['if'],
  elseif: ['if'],
  else: ['if', 'for'],
  case: ['switch'],
  default: ['switch'],
  pluralize: ['trans'],
};
const simpleTags = new Set(['include', 'import', 'from', 'extends', 'print', 'do', 'break', 'continue', 'set']);
const knownTags = [...Object.keys(blockTags), ...Object.values(blockTags), ...Object.keys(middleTags), ...simpleTags];

/** nunjucks' tags that Jinja2 lacks: Prompty's TypeScript runtime (nunjucks) renders them, its Python runtime (Jinja2) rejects them. */
const nunjucksOnly: Record<string, string> = {
  elseif: 'write `{% elif %}`',
  switch: 'write `{% if %}`/`{% elif %}`',
  case: 'write `{% elif %}`',
  default: 'write `{% else %}`',
  endswitch: 'write `{% endif %}`',
  verbatim: 'write `{% raw %}`',
  endverbatim: 'write `{% endraw %}`',
};
/** Tags of Jinja2 extensions that neither runtime enables. */
const extensionTags: Record<string, string> = {
  break: 'loopcontrols',
  continue: 'loopcontrols',
  do: 'do',
  trans: 'i18n',
  pluralize: 'i18n',
  endtrans: 'i18n',
};

/**
 * Analyses a Jinja2 template at [start, end) of the document as a plain `jinja2.Environment()`
 * (Prompty's Python runtime) reads it: the variables it reads undeclared, scoped as Jinja2 scopes
 * them (what `jinja2.meta.find_undeclared_variables` returns, with ranges), and
 * `template-syntax`, `unclosed-block`, `unmatched-closing-block` and `unbalanced-brace`
 * diagnostics with exact ranges. test/unit/core/templates/jinjaOracle.test.ts checks it against Jinja2.
 */
export function analyzeJinja(region: TemplateRegion): TemplateAnalysis {
  const tooLarge = oversizedTemplate(region.doc, region.file, region.start, region.end, 'Jinja');
  if (tooLarge) return oversizedAnalysis(tooLarge);
  const src = region.doc.text.slice(region.start, region.end);
  const scan = scanJinja(region);
  const out: TemplateAnalysis = { variables: [], contextual: [], diagnostics: scan.diagnostics };
  const { undeclared, errors } = analyzeTags(src, scan.tags);
  const at = (offset: number) => region.start + offset;
  const syntax = errors.map((e) => diag('template-syntax', region.file, region.doc.rangeOf(at(e.tag.start), at(e.tag.end)), `Jinja syntax error: ${e.message.replace(/\.$/, '')}. Fix the tag.`));
  out.diagnostics.push(...capPerCode(syntax, maxDiagnosticsPerCode));
  out.variables = undeclared.map((u) => ({ name: u.name, range: region.doc.rangeOf(at(u.at), at(u.at + u.name.length)) }));
  return out;
}

/** Tags, structure and brace problems of a Jinja body. */
export function scanJinja(region: TemplateRegion): { tags: TemplateTag[]; diagnostics: Diagnostic[]; structural: boolean } {
  const src = region.doc.text.slice(region.start, region.end);
  const { tags, diagnostics, text } = scanTags(region);
  for (const d of checkBlocks(region, src, tags)) diagnostics.push(d);
  const structural = diagnostics.length > 0;
  // A lone `}}` or `%}` in the text is printed as it stands by Jinja2: likely a typo, not an error.
  const strays = strayClosers(region, text, ['}}', '%}']).map((d): Diagnostic => ({ ...d, severity: 'warning', message: `${d.message} (Jinja2 prints it as text.)` }));
  return { tags, diagnostics: capPerCode([...diagnostics, ...strays], maxDiagnosticsPerCode), structural };
}

function checkBlocks(region: TemplateRegion, src: string, tags: TemplateTag[]): Diagnostic[] {
  const { doc, file, start } = region;
  const out: Diagnostic[] = [];
  const range = (t: TemplateTag) => doc.rangeOf(start + t.start, start + t.end);
  const stack: TemplateTag[] = [];
  const show = (t: TemplateTag) => src.slice(t.start, t.end).replace(/\s+/g, ' ');
  for (const tag of tags) {
    if (tag.kind !== 'statement' || !tag.name) continue;
    const name = tag.name;
    if (nunjucksOnly[name]) {
      const msg = `\`{% ${name} %}\` is nunjucks syntax that Jinja2 lacks: Prompty's TypeScript runtime renders it, its Python runtime rejects it; ${nunjucksOnly[name]}.`;
      out.push(diag('template-syntax', file, range(tag), msg, { severity: 'warning' }));
    } else if (extensionTags[name]) {
      const hint = extensionTags[name] === 'loopcontrols' ? ' (filter the loop instead: `{% for x in xs if cond %}`)' : '';
      out.push(
        diag('template-syntax', file, range(tag), `\`{% ${name} %}\` needs Jinja2's \`${extensionTags[name]}\` extension, which Prompty does not enable; rewrite the template without it${hint}.`),
      );
    }
    if (name === 'set') {
      // `{% set x %}...{% endset %}` (or `{% set x | filter("=") %}`) is a block; `{% set x = 1 %}` is not.
      if (!/^\s*set\s[^=|'"]*=/.test(tag.inner)) stack.push(tag);
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
        diag('template-syntax', file, range(tag), `Unknown tag \`${name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '; Jinja statements are if, for, set, macro, block, include...'}`),
      );
    }
  }
  // An unclosed `{% raw %}` is reported by the scanner, which reads its text as literal.
  for (const open of stack.reverse().filter((t) => t.name !== 'raw' && t.name !== 'verbatim')) {
    out.push(diag('unclosed-block', file, range(open), `\`${show(open)}\` is never closed; add \`{% ${blockTags[open.name!]} %}\` where the block ends.`));
  }
  return out;
}
