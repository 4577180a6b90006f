// Dotprompt (*.prompt, partials _name.prompt): YAML front matter with Picoschema inputs, and a Handlebars body split into messages by role.

import { diag } from '../diagnostics';
import { validatorFor } from '../schemas';
import { analyzeHandlebars } from '../templates/handlebars';
import type { TemplateTag } from '../templates/handlebars';
import type { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import { splitFrontMatter } from './frontMatter';
import { declaredInputs, picoschemaToJsonSchema } from './picoschema';
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
          for (const p of picoschemaToJsonSchema(output.schema).problems) {
            file.diagnostics.push(diag('schema', file.path, y.keyRange(['output', 'schema', ...p.path]), `${p.message}.`));
          }
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
