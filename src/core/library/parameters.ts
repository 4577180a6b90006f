// A template's parameters: the JSON Schema it declares, values checked and coerced against it (every pattern runs in linear time).

import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import { maxParameterPatternChars } from '../limits';
import { nearest } from '../yaml/yamlDocument';
import { isObj } from '../guards';

/** One parameter of a template, as the schema describes it (for prompts and input boxes). */
export interface ParameterSpec {
  name: string;
  /** JSON Schema type(s), when given. */
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  required: boolean;
  /** The property's own schema. */
  schema: Record<string, unknown>;
}

export interface ParameterCheck {
  /** Values after coercion and defaults (only meaningful when `errors` and `missing` are empty). */
  values: Record<string, unknown>;
  /** Required parameters with no value and no default: ask for them, then check again. */
  missing: ParameterSpec[];
  /** Values the schema refuses, each with the schema's reason. */
  errors: string[];
}

/** The parameters a template declares, in schema order. */
export function parameterSpecs(schema: unknown): ParameterSpec[] {
  if (!isObj(schema) || !isObj(schema.properties)) return [];
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
  return Object.entries(schema.properties).map(([name, raw]) => {
    const s = isObj(raw) ? raw : {};
    const spec: ParameterSpec = { name, required: required.includes(name), schema: s };
    if (typeof s.type === 'string' || Array.isArray(s.type)) spec.type = s.type as string | string[];
    if (typeof s.title === 'string') spec.title = s.title;
    if (typeof s.description === 'string') spec.description = s.description;
    if ('default' in s) spec.default = s.default;
    if (Array.isArray(s.enum)) spec.enum = s.enum;
    else if ('const' in s) spec.enum = [s.const];
    return spec;
  });
}

/**
 * A value for a name parameter (a string whose key ends in "name", such as `projectName` or
 * `packageName`, with a `pattern`) taken from the pilot's name, in the first of its forms that
 * the pattern accepts: as given (kebab-case), snake_case, then camelCase. Undefined when the
 * parameter is no such name, or no form fits (the schema's default is used then).
 */
export function nameFromPilot(spec: ParameterSpec, pilotName: string): string | undefined {
  const pattern = spec.schema.pattern;
  if (!pilotName || !/name$/i.test(spec.name) || typeof pattern !== 'string' || !types(spec).includes('string')) return undefined;
  let re: LinearRegExp;
  try {
    re = linearRegExp(pattern, 'u');
  } catch {
    return undefined; // the schema check reports an unusable pattern; no suggestion is made from it
  }
  const forms = [pilotName, pilotName.replace(/-/g, '_'), pilotName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())];
  return forms.find((f) => re.test(f));
}

/** A compiled pattern as ajv uses it (`test`), matched by RE2 in time linear in the text. */
interface LinearRegExp {
  test(text: string): boolean;
  toString(): string;
}

/**
 * Compiles a `pattern` of a template's parameters for RE2, which never backtracks; a pattern RE2
 * cannot run (backreferences, lookaround) or a very long one is refused with a message.
 */
function linearRegExp(pattern: string, flags: string): LinearRegExp {
  if (pattern.length > maxParameterPatternChars) throw new Error(`the pattern \`${pattern.slice(0, 40)}…\` is longer than ${maxParameterPatternChars} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (e) {
    throw new Error(`the pattern \`${pattern}\` cannot be matched in linear time (${(e as Error).message}); write it without backreferences, lookahead or lookbehind`);
  }
  return { test: (text) => re.matcher(text).find(), toString: () => `/${pattern}/${flags}` };
}
linearRegExp.code = 'linearRegExp';

let parametersAjv: Ajv2020 | undefined;

/** The ajv that checks template parameters: like getAjv, but every pattern runs on RE2 (a library author's regular expressions must not hang scaffold). */
function getParametersAjv(): Ajv2020 {
  if (!parametersAjv) {
    parametersAjv = new Ajv2020({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true, validateSchema: true, code: { regExp: linearRegExp } });
    addFormats(parametersAjv);
  }
  return parametersAjv;
}

const compiledSchemas = new Map<string, ValidateFunction>();

/** Compiles a template's parameters schema (its `$id`/`$schema` dropped so templates never clash). */
function compileParameters(schema: Record<string, unknown>): ValidateFunction {
  const clean: Record<string, unknown> = { ...schema };
  delete clean.$id;
  delete clean.$schema;
  const key = JSON.stringify(clean);
  let v = compiledSchemas.get(key);
  if (!v) {
    v = getParametersAjv().compile(clean);
    if (compiledSchemas.size > 200) compiledSchemas.clear();
    compiledSchemas.set(key, v);
  }
  return v;
}

function types(spec: ParameterSpec | undefined): string[] {
  if (!spec) return [];
  if (spec.type === undefined) {
    if (spec.enum?.length) return [...new Set(spec.enum.map((e) => (e === null ? 'null' : Array.isArray(e) ? 'array' : typeof e)))];
    return [];
  }
  return Array.isArray(spec.type) ? spec.type : [spec.type];
}

/**
 * Turns a value typed on a command line (`--set key=value`) into the type the schema wants:
 * numbers, booleans (true/false/yes/no), arrays (JSON, or comma-separated), objects (JSON).
 * A value that does not convert stays a string, so the schema reports it.
 */
export function coerceParameter(spec: ParameterSpec | undefined, raw: string): unknown {
  const want = types(spec);
  if (!want.length || want.includes('string')) return raw;
  const t = raw.trim();
  for (const ty of want) {
    if ((ty === 'integer' || ty === 'number') && t !== '' && Number.isFinite(Number(t))) return Number(t);
    if (ty === 'boolean') {
      if (/^(true|yes|on|1)$/i.test(t)) return true;
      if (/^(false|no|off|0)$/i.test(t)) return false;
    }
    if (ty === 'null' && (t === '' || t === 'null')) return null;
    if (ty === 'array') {
      if (t.startsWith('[')) {
        try {
          const v: unknown = JSON.parse(t);
          if (Array.isArray(v)) return v;
        } catch {
          // not JSON: a comma-separated list below
        }
      }
      const itemSpec = isObj(spec?.schema.items) ? ({ name: '', required: false, schema: spec.schema.items, type: spec.schema.items.type } as ParameterSpec) : undefined;
      return t === '' ? [] : t.split(',').map((s) => coerceParameter(itemSpec, s.trim()));
    }
    if (ty === 'object' && t.startsWith('{')) {
      try {
        const v: unknown = JSON.parse(t);
        if (isObj(v)) return v;
      } catch {
        // left as a string: the schema says what is wrong
      }
    }
  }
  return raw;
}

/**
 * Checks parameter values against a template's `parameters` schema: values given as
 * strings (`raw`) are converted to the schema's types, defaults are applied, required
 * parameters without a value are returned as `missing`, and refused values come back with
 * the schema's reason. `templateName` goes into messages.
 */
export function checkParameters(schema: unknown, given: Record<string, unknown>, opts: { raw?: boolean; templateName?: string } = {}): ParameterCheck {
  const what = opts.templateName ? `template \`${opts.templateName}\`` : 'the template';
  const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (schema === undefined || schema === null) {
    const names = Object.keys(given);
    return {
      values: {},
      missing: [],
      errors: names.length
        ? [`${what} takes no parameters, but ${names.map((n) => `\`${n}\``).join(', ')} ${names.length === 1 ? 'was' : 'were'} given; remove ${names.length === 1 ? 'it' : 'them'}.`]
        : [],
    };
  }
  if (!isObj(schema)) return { values: {}, missing: [], errors: [`The parameters of ${what} are not a JSON Schema object; its owners must fix its asset.yaml.`] };
  let validate: ValidateFunction;
  try {
    validate = compileParameters(schema);
  } catch (e) {
    return { values: {}, missing: [], errors: [`The parameters schema of ${what} is invalid (${(e as Error).message}); its owners must fix its asset.yaml.`] };
  }
  const specs = parameterSpecs(schema);
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const [k, v] of Object.entries(given)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') return { values: {}, missing: [], errors: [`\`${k}\` cannot be a parameter name.`] };
    values[k] = opts.raw && typeof v === 'string' ? coerceParameter(byName.get(k), v) : v;
  }
  for (const s of specs) {
    if (!(s.name in values) && s.default !== undefined) values[s.name] = structuredClone(s.default);
  }
  const missing = specs.filter((s) => s.required && !(s.name in values));
  const plain = { ...values };
  const errors: string[] = [];
  if (!validate(plain)) {
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'required') continue;
      if (e.keyword === 'additionalProperties') {
        const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
        const hint = nearest(
          extra,
          specs.map((s) => s.name),
        );
        errors.push(`${what} has no parameter \`${extra}\`${hint ? `; did you mean \`${hint}\`?` : specs.length ? ` (it takes ${specs.map((s) => `\`${s.name}\``).join(', ')}).` : '.'}`);
        continue;
      }
      const name = e.instancePath
        .split('/')
        .filter(Boolean)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const shown = name.length ? `\`${name.join('.')}\`` : 'the parameters';
      let reason = e.message ?? 'is invalid';
      if (e.keyword === 'enum') reason = `must be one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
      const value = name.length ? plain[name[0]] : undefined;
      errors.push(`Parameter ${shown}${value !== undefined && name.length === 1 ? ` = ${JSON.stringify(value)}` : ''} is refused by ${what}: it ${reason}.`);
    }
  }
  return { values: plain, missing, errors: [...new Set(errors)] };
}
