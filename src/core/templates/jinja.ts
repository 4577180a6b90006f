// Jinja2 bodies (Prompty's default): a tag scanner for block structure and braces, Jinja2's own grammar (jinja2Syntax.ts) for each tag and its variables.

import { capPerCode, diag } from '../diagnostics';
import { maxDiagnosticsPerCode } from '../limits';
import type { Diagnostic } from '../diagnostics';
import { oversizedAnalysis, oversizedTemplate, strayClosers } from './literalBraces';
import type { TemplateAnalysis, TemplateRegion } from './literalBraces';
import { analyzeTags } from './jinja2Syntax';
import { checkBlocks, scanTags } from './tagScanner';
import type { BlockLanguage, TemplateTag } from './tagScanner';

const simpleTags = new Set(['include', 'import', 'from', 'extends', 'print', 'do', 'break', 'continue', 'set']);

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
 * Jinja2's statements for checkBlocks: `{% set x %}...{% endset %}` (or `{% set x | filter("=") %}`) is a block, `{% set x = 1 %}`
 * is not; a tag only nunjucks has, or one an extension Prompty does not enable provides, gets a finding; an unclosed `{% raw %}`
 * is reported by the scanner, which reads its text as literal.
 */
const jinjaBlocks: BlockLanguage = {
  name: 'Jinja',
  simpleTags,
  setOpensBlock: (tag) => !/^\s*set\s[^=|'"]*=/.test(tag.inner),
  note(tag, file, range) {
    const name = tag.name!;
    if (nunjucksOnly[name]) {
      const msg = `\`{% ${name} %}\` is nunjucks syntax that Jinja2 lacks: Prompty's TypeScript runtime renders it, its Python runtime rejects it; ${nunjucksOnly[name]}.`;
      return diag('template-syntax', file, range, msg, { severity: 'warning' });
    }
    if (extensionTags[name]) {
      const hint = extensionTags[name] === 'loopcontrols' ? ' (filter the loop instead: `{% for x in xs if cond %}`)' : '';
      return diag('template-syntax', file, range, `\`{% ${name} %}\` needs Jinja2's \`${extensionTags[name]}\` extension, which Prompty does not enable; rewrite the template without it${hint}.`);
    }
    return undefined;
  },
  unclosedReported: new Set(['raw', 'verbatim']),
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
  for (const d of checkBlocks(region, src, tags, jinjaBlocks)) diagnostics.push(d);
  const structural = diagnostics.length > 0;
  // A lone `}}` or `%}` in the text is printed as it stands by Jinja2: likely a typo, not an error.
  const strays = strayClosers(region, text, ['}}', '%}']).map((d): Diagnostic => ({ ...d, severity: 'warning', message: `${d.message} (Jinja2 prints it as text.)` }));
  return { tags, diagnostics: capPerCode([...diagnostics, ...strays], maxDiagnosticsPerCode), structural };
}
