// The common parsed form every format module produces: a pure function of (path, content).

import type { Diagnostic, Range } from '../diagnostics';
import type { PartialUse, VariableUse } from '../templates/types';
import type { formatModules } from './registry';

/** The id of a registered format (registry.ts), or 'text' for any other file. */
export type FormatId = (typeof formatModules)[number]['id'] | 'text';

/**
 * How much of a file a parse reads. `full`: everything, with positions and diagnostics.
 * `catalog`: only what the catalog is built from (see `catalogProjection`), read by the same
 * code with the costly parts skipped (schema validation, template analysis, test cases).
 */
export type CatalogLevel = 'full' | 'catalog';

/** The template language of a prompt body. */
export type TemplateLanguage = 'handlebars' | 'jinja2' | 'mustache' | 'literal-braces' | 'vscode-input' | 'none';

/** JSON types an input may take ('any' when not declared). */
export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' | 'any';

export interface InputDecl {
  name: string;
  type: InputType;
  required: boolean;
  description?: string;
  default?: unknown;
  /** Range of the declaring key. */
  range: Range;
  /** Range of the whole declaration (key and value), for removing it. */
  fullRange?: Range;
}

export interface ModelUse {
  /** The model id as written (e.g. `openai/gpt-4o-mini`, `gpt-4o`, `gemini-2.5-flash`). */
  id: string;
  range: Range;
  /** Parameters set for the call, by the name written, with their ranges (and values, where the format reads them: promptfoo's provider `config`). */
  parameters: { name: string; range: Range; value?: unknown }[];
}

export interface MessagePart {
  role: string;
  /** The template text of this message. */
  template: string;
}

/** One test case of an eval suite. */
export interface EvalTest {
  range: Range;
  description?: string;
  vars: { name: string; value: unknown; range: Range }[];
  /** True when the vars come from a file or generator the engine does not read. */
  opaqueVars?: boolean;
  /** Where a new var goes in this test case's `vars`: in `line`, `${name}` stands for the whole `name: value`; undefined for flow-style test cases. */
  newVar?: InputInsertion;
}

export interface EvalSuite {
  /** Prompts named by the suite itself (file:// paths or raw text), for information. */
  prompts: { value: string; range: Range }[];
  providers: ModelUse[];
  tests: EvalTest[];
  /** vars applied to every test (promptfoo defaultTest.vars). */
  defaultVars: string[];
  /**
   * Every var the suite's tests give (defaults, tests, scenarios), when all are known; undefined when
   * some come from a file or generator the parse does not read, or for a red-team suite.
   */
  givenVars?: string[];
}

/** Where inputs can be inserted in the file's own syntax (used by "declare input" fixes). */
export interface InputInsertion {
  /** Position where a new declaration line goes. */
  range: Range;
  /** Indentation for the new line. */
  indent: string;
  /** Template for one required declaration: `${name}` is replaced by the input's name; undefined where every new input is optional (a JSON Schema's properties). */
  line?: string;
  /** Template for one optional declaration; undefined where the format cannot mark an input optional. */
  optionalLine?: string;
  /** Text to add before the first declaration when the inputs block does not exist yet. */
  header?: string;
}

export interface ParsedFile {
  /** Library-relative path, '/' separated. */
  path: string;
  format: FormatId;
  /** sha256 (hex) of the file's bytes. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** False when the file could not be decoded as text. */
  text: boolean;
  /** File-local diagnostics: syntax, schema and template findings of the parse, then the file checks (checks/fileChecks.ts: variables, secrets). */
  diagnostics: Diagnostic[];

  /** Metadata from front matter or document, when the format has it. */
  meta: {
    name?: string;
    title?: string;
    description?: string;
    version?: string;
    tags?: string[];
  };
  templateLanguage?: TemplateLanguage;
  /** Declared inputs; undefined when the format declares none (no undefined-variable check then). */
  inputs?: InputDecl[];
  /** Where a new input declaration goes (for the declare-input fix). */
  inputInsertion?: InputInsertion;
  variables?: VariableUse[];
  /** Any input name may be passed (Dotprompt `(*)`): a variable is never undeclared. */
  anyInputName?: boolean;
  /** No input is declared at all, and the runtime then passes any input through (Prompty): an undeclared variable is information, not a warning. */
  inputsUndeclared?: boolean;
  /** The body may read inputs unseen (it passes its context on, or was not fully analysed; testData keys for evaluators): an input is never unused. */
  inputsMayBeUnused?: boolean;
  partials?: PartialUse[];
  /** Name under which this file is a partial (Dotprompt `_name.prompt`). */
  partialName?: string;
  models?: ModelUse[];
  /** Messages by role, for rendering and token estimates. */
  messages?: MessagePart[];
  /** Sample input sets (defaults, Prompty samples, testData rows). */
  samples?: Record<string, unknown>[];
  evalSuite?: EvalSuite;
  /** For manifests (library.yaml, asset.yaml, pilot.yaml): the plain value when it parsed. */
  document?: unknown;
  /** For manifests: ranges of top-level and nested fields by dotted path ("targets.0"). */
  ranges?: Record<string, Range>;
  /** For asset.yaml: sha256 of what an approval digest covers (manifests.ts approvalDigestContent: the parsed value without `approval`, as canonical JSON). */
  digestSha256?: string;
  /** Other files this file points at (Prompty `${file:...}`, promptfoo file:// prompts), relative to the file. */
  links?: { target: string; range: Range }[];
}
