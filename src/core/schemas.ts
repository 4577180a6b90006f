// JSON Schema registry: every schema in schemas/, with its validator (compiled ahead by ajv, 2020-12).

import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import assetSchema from '../../schemas/asset.schema.json';
import dotpromptSchema from '../../schemas/dotprompt.schema.json';
import cliConfigSchema from '../../schemas/cli-config.schema.json';
import librarySchema from '../../schemas/library.schema.json';
import pilotSchema from '../../schemas/pilot.schema.json';
import pilotLockSchema from '../../schemas/pilot-lock.schema.json';
import ghModelsSchema from '../../schemas/gh-models.schema.json';
import promptySchema from '../../schemas/prompty.schema.json';
import skillSchema from '../../schemas/skill.schema.json';
import claudeAgentSchema from '../../schemas/claude-agent.schema.json';
import claudeCommandSchema from '../../schemas/claude-command.schema.json';
import cursorRuleSchema from '../../schemas/cursor-rule.schema.json';
import vscodeAgentSchema from '../../schemas/vscode-agent.schema.json';
import vscodeInstructionsSchema from '../../schemas/vscode-instructions.schema.json';
import vscodePromptSchema from '../../schemas/vscode-prompt.schema.json';
import type generatedValidators from '../../schemas/validators.generated.cjs';
import promptfooConfigSchema from '../../schemas/vendor/promptfoo/config-schema.json';

const schemas = {
  asset: assetSchema,
  dotprompt: dotpromptSchema,
  'cli-config': cliConfigSchema,
  library: librarySchema,
  pilot: pilotSchema,
  'pilot-lock': pilotLockSchema,
  prompty: promptySchema,
  'gh-models': ghModelsSchema,
  'vscode-prompt': vscodePromptSchema,
  'vscode-agent': vscodeAgentSchema,
  'vscode-instructions': vscodeInstructionsSchema,
  skill: skillSchema,
  'claude-command': claudeCommandSchema,
  'claude-agent': claudeAgentSchema,
  'cursor-rule': cursorRuleSchema,
} as const;

/**
 * Schemas a format's own project publishes, vendored under schemas/vendor/ (JSON Schema draft-07): the
 * editor reads them like ours; their validators live with their reader (formats/promptfooSchema.ts).
 */
const publishedSchemas = {
  promptfoo: promptfooConfigSchema,
} as const;

/** The name of one of our schemas (validatorFor compiles them). */
export type OwnSchemaName = keyof typeof schemas;

/** The name of any schema a format follows: ours, or one its project publishes. */
export type SchemaName = OwnSchemaName | keyof typeof publishedSchemas;

/** The names of our schemas. */
export const schemaNames = Object.keys(schemas) as OwnSchemaName[];

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** The shared ajv instance (JSON Schema 2020-12, all errors, formats). */
export function getAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true, validateSchema: true });
    addFormats(ajv);
  }
  return ajv;
}

let generated: typeof generatedValidators | undefined;

/**
 * The validator of one of our schemas. They are compiled ahead into schemas/validators.generated.cjs
 * (scripts/schemaValidators.mjs: the code ajv compiles with getAjv's options): compiling them here cost
 * every run, and every parse worker, a few hundred milliseconds. A schema missing there is compiled here.
 * That module (~300 KB of code, a file of its own in the build) is required on the first validation, not
 * when the engine loads: activating the extension does not parse it.
 */
export function validatorFor(name: OwnSchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    generated ??= require('../../schemas/validators.generated.cjs') as typeof generatedValidators;
    v = generated[name] ?? compileValidator(name);
    compiled.set(name, v);
  }
  return v;
}

/** One of our schemas compiled now with getAjv (what validatorFor falls back to; tests compare the two). */
export function compileValidator(name: OwnSchemaName): ValidateFunction {
  return getAjv().compile(schemas[name]);
}

/** The raw schema object (for hovers, completion and docs). */
export function schemaOf(name: SchemaName): unknown {
  return name in publishedSchemas ? publishedSchemas[name as keyof typeof publishedSchemas] : schemas[name as OwnSchemaName];
}
