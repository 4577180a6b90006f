// Dotprompt (*.prompt, partials _name.prompt): YAML front matter with Picoschema inputs, and a Handlebars body split into messages by role.

import { diag } from '../diagnostics';
import type { Diagnostic, TextEdit } from '../diagnostics';
import { validatorFor } from '../schemas';
import { analyzeHandlebars } from '../templates/handlebars';
import type { TemplateTag } from '../templates/handlebars';
import type { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import { splitFrontMatter } from './frontMatter';
import { declaredInputs, picoschemaDiagnostic, picoschemaToJsonSchema } from './picoschema';
import type { DeclaredInputs } from './picoschema';
import type { CatalogLevel, InputInsertion, MessagePart, ModelUse, ParsedFile } from './types';
import { isObj } from '../guards';
import type { FormatModule } from './registry';

/** Dotprompt: `*.prompt`, front matter after an optional `#` comment preamble. */
export const dotpromptFormat: FormatModule<'dotprompt'> = {
  id: 'dotprompt',
  label: 'Dotprompt',
  files: [{ suffix: '.prompt' }],
  parse: parseDotprompt,
  yaml: { in: 'front-matter', schema: 'dotprompt', commentPreamble: true, modelFields: [['model']] },
  preview: true,
};

/** Helpers Dotprompt registers on top of the Handlebars built-ins. */
export const dotpromptHelpers: readonly string[] = ['json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals'];

/**
 * The name under which a `.prompt` file is a partial: `_name.prompt` (and `_name.variant.prompt`)
 * is `name`; a file in a `partials/` folder is its base name without extension.
 */
export function dotpromptPartialName(path: string): string | undefined {
  const segs = path.split('/');
  const base = segs[segs.length - 1];
  if (!/\.prompt$/i.test(base)) return undefined;
  const stem = base.slice(0, -'.prompt'.length);
  if (stem.startsWith('_') && stem.length > 1) return stem.slice(1).split('.')[0] || undefined;
  if (segs.length >= 2 && segs[segs.length - 2] === 'partials') return stem.split('.')[0] || undefined;
  return undefined;
}

/** Parses a Dotprompt file into `file`: front matter, inputs, models, body analysis and variable checks. */
export function parseDotprompt(file: ParsedFile, doc: TextDocument, level: CatalogLevel = 'full'): void {
  const full = level === 'full';
  file.templateLanguage = 'handlebars';
  const partialName = dotpromptPartialName(file.path);
  if (partialName) file.partialName = partialName;
  const eol = doc.eol;
  const fm = splitFrontMatter(doc, { commentPreamble: true });

  if (fm.present && fm.unterminated) {
    const line = doc.positionAt(fm.openStart).line + 1;
    file.diagnostics.push(
      diag(
        'yaml-syntax',
        file.path,
        doc.rangeOf(fm.openStart, fm.openStart + 3),
        `The front matter opened by \`---\` on line ${line} is never closed; add a \`---\` line between the YAML and the template.`,
      ),
    );
    file.variables = [];
    file.partials = [];
    file.messages = [];
    return;
  }

  let declared: DeclaredInputs | undefined;
  file.models = [];
  if (fm.present) {
    const y = new YamlSource(doc, file.path, fm.yamlStart, fm.yamlEnd);
    file.diagnostics.push(...y.diagnostics);
    if (y.ok) {
      const value = y.value ?? {};
      if (full) file.diagnostics.push(...y.validate(validatorFor('dotprompt'), { value, what: 'the front matter' }));
      if (isObj(value)) {
        readMeta(file, value);
        if (typeof value.model === 'string' && value.model) {
          const model: ModelUse = {
            id: value.model,
            range: y.valueRange(['model']),
            parameters: isObj(value.config) ? y.keys(['config']).map((k) => ({ name: k.key, range: k.range })) : [],
          };
          file.models.push(model);
        }
        const input = value.input;
        if (isObj(input) && isObj(input.default)) file.samples = [input.default];
        declared = declaredInputs(y, doc, fm.yamlEnd);
        file.diagnostics.push(...declared.diagnostics);
        const output = value.output;
        if (full && isObj(output) && output.schema !== undefined) {
          for (const p of picoschemaToJsonSchema(output.schema).problems) file.diagnostics.push(picoschemaDiagnostic(y, ['output', 'schema'], p));
        }
      }
    }
  } else {
    const insertion: InputInsertion = {
      range: doc.rangeOf(0, 0),
      indent: '    ',
      header: `---${eol}input:${eol}  schema:${eol}`,
      line: '${name}: string' + eol + '---' + eol,
      optionalLine: '${name}?: string' + eol + '---' + eol,
    };
    file.inputInsertion = insertion;
  }

  if (declared?.inputs) file.inputs = declared.inputs;
  if (!full) return;
  const bodyStart = fm.present ? fm.bodyStart : 0;
  const hb = analyzeHandlebars(doc, { file: file.path, start: bodyStart, end: doc.text.length, helpers: dotpromptHelpers });
  file.diagnostics.push(...hb.diagnostics);
  file.variables = hb.variables;
  const inline = new Set(hb.inlinePartials);
  file.partials = hb.partials.filter((p) => !inline.has(p.name));
  file.messages = splitMessages(doc, bodyStart, hb.tags);
  file.diagnostics.push(...roleBlocks(doc, file.path, hb.tags));

  if (declared?.insertion) file.inputInsertion = declared.insertion;
  // `(*)` / additionalProperties: any name may be passed.
  if (declared?.openEnded) file.anyInputName = true;
  // A body that passes its whole context on, or that did not fully parse, may read inputs unseen.
  if (hb.usesContext || !hb.complete) file.inputsMayBeUnused = true;
}

export function readMeta(file: ParsedFile, v: Record<string, unknown>): void {
  if (typeof v.name === 'string') file.meta.name = v.name;
  if (typeof v.description === 'string') file.meta.description = v.description;
  if (typeof v.version === 'string' || typeof v.version === 'number') file.meta.version = String(v.version);
}

/**
 * Splits the body into messages at top-level `{{role "x"}}` markers and `{{#role "x"}}…{{/role}}`
 * blocks; text before the first marker is a user message. Empty messages are dropped.
 */
function splitMessages(doc: TextDocument, bodyStart: number, tags: TemplateTag[]): MessagePart[] {
  const out: MessagePart[] = [];
  let role = 'user';
  let before = 'user';
  let segStart = bodyStart;
  const flush = (end: number): void => {
    const template = doc.text.slice(segStart, end).trim();
    if (template) out.push({ role, template });
  };
  for (const t of tags) {
    if (!t.complete || t.depth !== 0 || t.name !== 'role') continue;
    if (t.kind === 'mustache' && t.firstString) {
      flush(t.start);
      role = t.firstString;
      segStart = t.end;
    } else if (t.kind === 'open' && t.opener === '#' && t.firstString && t.pair !== undefined) {
      flush(t.start);
      before = role;
      role = t.firstString;
      segStart = t.end;
    } else if (t.kind === 'close' && t.pair !== undefined && tags[t.pair].firstString) {
      flush(t.start);
      role = before;
      segStart = t.end;
    }
  }
  flush(doc.text.length);
  return out;
}

/**
 * `{{#role "x"}}...{{/role}}`: Dotprompt's `role` helper takes no block, so the runtime switches to
 * role `x` and drops the text inside (checked against the `dotprompt` package). The fix, for a block
 * at the top of the body with a literal role, writes a `{{role "x"}}` marker instead of the opening
 * tag and removes the closing tag, or turns it into a marker of the role before the block when text
 * follows it.
 */
function roleBlocks(doc: TextDocument, file: string, tags: TemplateTag[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const t = doc.text;
  let role = 'user';
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i];
    if (!tag.complete || tag.name !== 'role') continue;
    if (tag.depth === 0 && tag.kind === 'mustache' && tag.firstString) role = tag.firstString;
    if (tag.kind !== 'open' || tag.opener !== '#') continue;
    const name = tag.firstString;
    const shown = name ? `{{#role "${name}"}}` : '{{#role}}';
    const message = `\`${shown}…{{/role}}\` sends nothing: Dotprompt's \`role\` helper takes no block, so the runtime drops the text inside it; write \`{{role "${name ?? 'user'}"}}\` on a line before the text instead.`;
    const close = tag.pair !== undefined ? tags[tag.pair] : undefined;
    const fixes = [];
    if (name && tag.depth === 0 && close?.complete) {
      const before = role;
      role = name;
      const edits: TextEdit[] = [{ range: doc.rangeOf(tag.start, tag.end), newText: `{{role "${name}"}}` }];
      // Text after the block (before the next top-level role tag) was in the previous role.
      const next = tags.find((x, j) => j > tag.pair! && x.depth === 0 && x.name === 'role' && (x.kind === 'mustache' || x.kind === 'open'));
      const after = t.slice(close.end, next ? next.start : t.length);
      if (after.trim()) edits.push({ range: doc.rangeOf(close.start, close.end), newText: `{{role "${before}"}}` });
      else {
        const [a, b] = lineOf(t, close.start, close.end);
        edits.push({ range: doc.rangeOf(a, b), newText: '' });
      }
      fixes.push({ title: `Write \`{{role "${name}"}}\` instead of the block`, edits });
    }
    out.push(diag('dotprompt-role-block', file, doc.rangeOf(tag.start, tag.end), message, { fixes }));
  }
  return out;
}

/** [start, end) of a tag, widened to its whole line (with the line break) when nothing else is on that line. */
function lineOf(t: string, start: number, end: number): [number, number] {
  let a = start;
  while (a > 0 && (t[a - 1] === ' ' || t[a - 1] === '\t')) a--;
  let b = end;
  while (b < t.length && (t[b] === ' ' || t[b] === '\t')) b++;
  const atLineStart = a === 0 || t[a - 1] === '\n' || t[a - 1] === '\r';
  const atLineEnd = b === t.length || t[b] === '\n' || t[b] === '\r';
  if (!atLineStart || !atLineEnd) return [start, end];
  if (t[b] === '\r' && t[b + 1] === '\n') return [a, b + 2];
  if (b < t.length) return [a, b + 1];
  return [a, b];
}
