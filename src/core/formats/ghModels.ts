// GitHub Models prompt files (*.prompt.yml): model, parameters, messages with literal {{var}} placeholders, testData rows.

import type { Node } from 'yaml';
import { diag } from '../diagnostics';
import { validatorFor } from '../schemas';
import { analyzeLiteralBraces } from '../templates/literalBraces';
import type { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import type { CatalogLevel, InputDecl, InputType, MessagePart, ParsedFile } from './types';
import type { VariableUse } from '../templates/types';
import { isObj } from '../guards';
import type { FormatModule } from './registry';

/** GitHub Models prompts: `*.prompt.yml`/`*.prompt.yaml`, or YAML with top-level `messages:` and `model:`. */
export const ghModelsFormat: FormatModule<'gh-models'> = {
  id: 'gh-models',
  label: 'GitHub Models prompt',
  files: [{ suffix: '.prompt.yml' }, { suffix: '.prompt.yaml' }],
  sniff: (head) => /^messages\s*:/m.test(head) && /^model\s*:/m.test(head),
  parse: parseGhModels,
  yaml: { in: 'file', schema: 'gh-models', modelFields: [['model']] },
  preview: true,
};

type Obj = Record<string, unknown>;

/**
 * Parses a GitHub Models prompt into `file`. The inputs are implied by the `testData` rows:
 * a placeholder that no row fills is an undefined variable; without test data nothing is
 * reported, and keys a row carries for evaluators (`expected`) are never "unused".
 */
export function parseGhModels(file: ParsedFile, doc: TextDocument, level: CatalogLevel = 'full'): void {
  const full = level === 'full';
  const y = new YamlSource(doc, file.path, 0, doc.text.length);
  file.diagnostics.push(...y.diagnostics);
  if (!y.ok) return;
  const value = y.value ?? {};
  if (full) file.diagnostics.push(...y.validate(validatorFor('gh-models'), { value, what: 'the prompt file' }));
  if (!isObj(value)) return;
  const v = value;
  // gh models run takes the model from its command line (or asks for one); only gh models eval needs it in the file.
  if (full && !('model' in v)) {
    const messages = y.keys([]).find((k) => k.key === 'messages');
    file.diagnostics.push(
      diag(
        'schema',
        file.path,
        messages?.range ?? doc.rangeOf(0, 0),
        'The prompt names no `model`: `gh models run` asks for one (or takes it on its command line), but `gh models eval` needs it; add `model:` with the model the prompt is written for.',
        {
          severity: 'warning',
        },
      ),
    );
  }
  file.templateLanguage = 'literal-braces';
  if (typeof v.name === 'string') file.meta.name = v.name;
  if (typeof v.description === 'string') file.meta.description = v.description;

  file.models = [];
  if (typeof v.model === 'string' && v.model.trim()) {
    const parameters = isObj(v.modelParameters) ? y.keys(['modelParameters']).map((k) => ({ name: k.key, range: k.range })) : [];
    file.models.push({ id: v.model.trim(), range: y.valueRange(['model']), parameters });
  }

  const messages: MessagePart[] = [];
  const variables: VariableUse[] = [];
  if (full && Array.isArray(v.messages)) {
    v.messages.forEach((m, i) => {
      if (!isObj(m) || typeof m.content !== 'string') return;
      messages.push({ role: typeof m.role === 'string' ? m.role.toLowerCase() : 'user', template: m.content });
      const node = y.node(['messages', i, 'content']) as Node | undefined;
      if (!node?.range) return;
      const found = analyzeLiteralBraces({ doc, file: file.path, start: y.start + node.range[0], end: y.start + node.range[1] });
      variables.push(...found.variables);
      file.diagnostics.push(...found.diagnostics);
    });
  }
  if (full) {
    file.messages = messages;
    file.variables = variables;
    checkResponseFormat(file, y, v);
  }

  if (Array.isArray(v.testData) && v.testData.length) {
    const rows = v.testData.filter(isObj);
    file.samples = rows;
    file.inputs = testDataInputs(y, v.testData);
    // testData rows also carry values for evaluators (expected, ...): an unused key is not a problem.
    file.inputsMayBeUnused = true;
  }
}

/** The union of the keys of the testData rows; required when every row has it. */
function testDataInputs(y: YamlSource, rows: unknown[]): InputDecl[] {
  const seen = new Map<string, { decl: InputDecl; types: Set<InputType>; rows: number }>();
  let objects = 0;
  rows.forEach((row, i) => {
    if (!isObj(row)) return;
    objects++;
    for (const [name, val] of Object.entries(row)) {
      const entry = seen.get(name);
      if (entry) {
        entry.types.add(typeOf(val));
        entry.rows++;
      } else {
        seen.set(name, { decl: { name, type: 'any', required: false, range: y.keyRange(['testData', i, name]) }, types: new Set([typeOf(val)]), rows: 1 });
      }
    }
  });
  return [...seen.values()].map(({ decl, types, rows: n }) => ({ ...decl, type: types.size === 1 ? [...types][0] : 'any', required: n === objects }));
}

/** The input type of a testData value. */
export function typeOf(x: unknown): InputType {
  if (x === null || x === undefined) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  if (typeof x === 'string' || typeof x === 'boolean' || typeof x === 'object') return typeof x as InputType;
  return 'any';
}

/** The last JSON text parsed and what it gave: while typing elsewhere in the file, the same schema text comes back at every keystroke. */
let lastJson: { text: string; result: { value: unknown } | { error: string } } | undefined;

/** JSON.parse of `text`, or its error message (the value is only read, never kept or changed). */
function parsedJson(text: string): { value: unknown } | { error: string } {
  if (lastJson?.text !== text) {
    let result: { value: unknown } | { error: string };
    try {
      result = { value: JSON.parse(text) as unknown };
    } catch (e) {
      result = { error: (e as Error).message };
    }
    lastJson = { text, result };
  }
  return lastJson.result;
}

/** responseFormat json_schema needs jsonSchema: JSON text of an object with `name` and `schema`. */
function checkResponseFormat(file: ParsedFile, y: YamlSource, v: Obj): void {
  const js = v.jsonSchema;
  if (v.responseFormat === 'json_schema' && js === undefined) {
    file.diagnostics.push(
      diag('schema', file.path, y.valueRange(['responseFormat']), '`responseFormat: json_schema` needs a `jsonSchema` field: JSON text of `{ "name": ..., "schema": { ... } }`; add it.'),
    );
    return;
  }
  if (js === undefined || js === null) return;
  let parsed: unknown = js;
  if (typeof js === 'string') {
    const json = parsedJson(js);
    if ('error' in json) {
      file.diagnostics.push(diag('schema', file.path, y.valueRange(['jsonSchema']), `\`jsonSchema\` is not valid JSON (${json.error}); fix the JSON text.`));
      return;
    }
    parsed = json.value;
  }
  if (!isObj(parsed)) {
    file.diagnostics.push(diag('schema', file.path, y.valueRange(['jsonSchema']), '`jsonSchema` must be a JSON object with `name` and `schema`.'));
    return;
  }
  const missing = ['name', 'schema'].filter((k) => !(k in parsed));
  if (missing.length && v.responseFormat === 'json_schema') {
    file.diagnostics.push(
      diag('schema', file.path, y.keyRange(['jsonSchema']), `\`jsonSchema\` is missing ${missing.map((m) => `\`${m}\``).join(' and ')}; GitHub Models needs both for \`responseFormat: json_schema\`.`),
    );
  }
}
