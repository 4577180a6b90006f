// promptfoo's own configuration schema (schemas/vendor/promptfoo/config-schema.json, draft-07, compiled ahead): its errors as findings at their place, and the assertion types it names.

import type { ErrorObject, ValidateFunction } from 'ajv';
import { diag } from '../diagnostics';
import type { Diagnostic, Fix } from '../diagnostics';
import { isObj } from '../guards';
import { maxDiagnosticsPerCode } from '../limits';
import { schemaOf } from '../schemas';
import { nearest, nearestField } from '../yaml/yamlDocument';
import type { YamlPath, YamlSource } from '../yaml/yamlDocument';

type Obj = Record<string, unknown>;

let validator: ValidateFunction | undefined;

/**
 * The validator of promptfoo's published schema, loaded on first use: its code, generated ahead by
 * scripts/schemaValidators.mjs, is ~800 KB and takes ~40 ms to load (compiling the schema at run
 * time took ~3 s), so only a run that meets a promptfoo file pays it.
 */
export function promptfooValidator(): ValidateFunction {
  if (!validator) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../../../schemas/vendor/promptfoo/validator.generated.cjs') as ValidateFunction & { default?: ValidateFunction };
    validator = mod.default ?? mod;
  }
  return validator;
}

/** promptfoo's schema (the editor's hovers and completion read it through schemaOf('promptfoo')). */
function schema(): Obj {
  return schemaOf('promptfoo') as Obj;
}

/** The root of the configuration's schema (`$ref: #/definitions/PromptfooConfigSchema`). */
function configSchema(): Obj | undefined {
  const s = schema();
  const defs = isObj(s.definitions) ? s.definitions : undefined;
  const root = defs && isObj(defs.PromptfooConfigSchema) ? defs.PromptfooConfigSchema : undefined;
  return root;
}

/**
 * Top-level keys promptfoo documents and reads that its schema does not list: `assertionTemplates`
 * holds assertions that tests name with `$ref: '#/assertionTemplates/name'` (promptfoo resolves
 * every `$ref` of the file before it reads it).
 */
const documentedKeys = new Set(['assertionTemplates']);

/** The keys of a provider given by type (promptfoo's ProviderTypeMap: the grader's `text` and `embedding` providers...). */
const providerTypes = new Set(['text', 'embedding', 'classification', 'moderation']);

/**
 * promptfoo checks a configuration against its schema and warns (`Invalid configuration file`), then
 * runs it: a value its schema rejects is a warning here too. Unknown assertion types stop the eval: errors.
 */
const warning = { severity: 'warning' } as const;

interface AssertionTypes {
  /** Every type the schema lists (base and special). */
  known: Set<string>;
  /** The base types, which also take a `not-` prefix. */
  base: Set<string>;
}
let assertionTypes: AssertionTypes | undefined;

/**
 * The assertion types promptfoo's schema names: the `type` of an assertion is any of its base
 * types (the enum holding `equals`), `not-` and a base type, one of its special types (`select-best`,
 * `human`...), or a red-team grader (`promptfoo:redteam:...`, a custom type the schema leaves open).
 */
export function promptfooAssertionTypes(): AssertionTypes {
  if (assertionTypes) return assertionTypes;
  const known = new Set<string>();
  const base = new Set<string>();
  const visit = (n: unknown, depth: number): void => {
    if (depth > 40 || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x, depth + 1);
      return;
    }
    const o = n as Obj;
    const props = isObj(o.properties) ? o.properties : undefined;
    const type = props && isObj(props.type) ? props.type : undefined;
    if (type && Array.isArray(type.anyOf)) {
      const enums = type.anyOf.filter(isObj).map((b) => (Array.isArray(b.enum) ? b.enum.filter((x): x is string => typeof x === 'string') : []));
      const baseEnum = enums.find((e) => e.includes('equals') && e.includes('contains'));
      if (baseEnum) {
        for (const e of enums) for (const t of e) known.add(t);
        for (const t of baseEnum) base.add(t);
      }
    }
    for (const v of Object.values(o)) visit(v, depth + 1);
  };
  visit(schema(), 0);
  assertionTypes = { known, base };
  return assertionTypes;
}

/** Whether promptfoo runs an assertion of this type. */
function knownAssertionType(t: string, types: AssertionTypes): boolean {
  if (types.known.has(t) || /^promptfoo:redteam:/.test(t)) return true;
  return t.startsWith('not-') && types.base.has(t.slice(4));
}

/**
 * The configuration as promptfoo reads it: every `$ref: '#/...'` replaced by what it points at
 * (promptfoo dereferences the file first). A `$ref` that leads nowhere or loops is left as is.
 */
function dereferenced(root: unknown): unknown {
  const at = (pointer: string): unknown => {
    let cur: unknown = root;
    for (const raw of pointer.slice(2).split('/')) {
      const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!cur || typeof cur !== 'object') return undefined;
      cur = (cur as Obj)[seg];
    }
    return cur;
  };
  // Every `$ref` expands a copy: a budget of nodes keeps a file of references to references (each
  // doubling the last) from growing without end; past it, `$ref`s are left as they are.
  let budget = 100_000;
  const walk = (n: unknown, depth: number): unknown => {
    if (depth > 64 || !n || typeof n !== 'object' || --budget < 0) return n;
    if (Array.isArray(n)) {
      let copy: unknown[] | undefined;
      n.forEach((x, i) => {
        const y = walk(x, depth + 1);
        if (y !== x) (copy ??= [...n])[i] = y;
      });
      return copy ?? n;
    }
    const o = n as Obj;
    if (typeof o.$ref === 'string' && o.$ref.startsWith('#/') && Object.keys(o).length === 1) {
      const target = at(o.$ref);
      return target === undefined ? n : walk(target, depth + 8);
    }
    let copy: Obj | undefined;
    for (const [k, v] of Object.entries(o)) {
      const y = walk(v, depth + 1);
      if (y !== v) (copy ??= { ...o })[k] = y;
    }
    return copy ?? n;
  };
  return walk(root, 0);
}

/** A JSON pointer's segments, decoded. */
function segments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON pointer into `root` as a YAML path (array indexes as numbers). */
function pathOf(pointer: string, root: unknown): YamlPath {
  const out: YamlPath = [];
  let cur: unknown = root;
  for (const s of segments(pointer)) {
    if (Array.isArray(cur) && /^\d+$/.test(s)) {
      out.push(Number(s));
      cur = cur[Number(s)];
    } else {
      out.push(s);
      cur = isObj(cur) ? cur[s] : undefined;
    }
  }
  return out;
}

/** How many levels of the value a run of schema path segments goes down (`properties/x`, `items`, `additionalProperties`). */
function descents(segs: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s === 'properties' || s === 'patternProperties') {
      n++;
      i++;
    } else if (s === 'items' || s === 'additionalProperties' || s === 'additionalItems' || s === 'contains' || s === 'propertyNames') {
      n++;
      if (s === 'items' && /^\d+$/.test(segs[i + 1] ?? '')) i++;
    } else if (s === 'anyOf' || s === 'oneOf' || s === 'allOf' || s === 'definitions' || s === '$defs' || s === 'dependencies') i++;
  }
  return n;
}

/**
 * The errors that explain why the value fails, out of all ajv gives for a schema of alternatives
 * (`anyOf`): at each choice between alternatives, only the errors of the alternative that went
 * furthest into the value (then the one whose errors are not all "wrong type", then the one with
 * fewest errors); a wrong-type error where another error says more about the same value is left out.
 */
export function explainingErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const errs = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'allOf' && e.keyword !== 'if');
  const depth = (e: ErrorObject) => segments(e.instancePath).length;
  // Choice points: (value path, schema path up to `anyOf`) -> branch -> errors.
  const choices = new Map<string, { dataDepth: number; prefix: number; branches: Map<string, ErrorObject[]> }>();
  for (const e of errs) {
    const segs = segments(e.schemaPath.replace(/^#/, ''));
    const inst = segments(e.instancePath);
    for (let k = 0; k < segs.length - 1; k++) {
      if (segs[k] !== 'anyOf' && segs[k] !== 'oneOf') continue;
      const dataDepth = inst.length - descents(segs.slice(k + 2, -1));
      if (dataDepth < 0) continue;
      const key = `${inst.slice(0, dataDepth).join('/')}|${segs.slice(0, k + 1).join('/')}`;
      let c = choices.get(key);
      if (!c) choices.set(key, (c = { dataDepth, prefix: k, branches: new Map() }));
      const b = c.branches.get(segs[k + 1]);
      if (b) b.push(e);
      else c.branches.set(segs[k + 1], [e]);
    }
  }
  const dropped = new Set<ErrorObject>();
  const ordered = [...choices.values()].sort((a, b) => a.dataDepth - b.dataDepth || a.prefix - b.prefix);
  for (const c of ordered) {
    const live = [...c.branches.values()].map((list) => list.filter((e) => !dropped.has(e))).filter((list) => list.length);
    if (live.length < 2) continue;
    // The value has none of the types the alternatives take: all of them say so (one finding lists the types).
    if (live.every((list) => list.every((e) => e.keyword === 'type' && depth(e) === c.dataDepth))) continue;
    const score = (list: ErrorObject[]) => ({
      deepest: Math.max(...list.map(depth)),
      onlyType: list.every((e) => e.keyword === 'type' && depth(e) === c.dataDepth) ? 1 : 0,
      count: list.length,
    });
    let best = live[0];
    let bestScore = score(best);
    for (const list of live.slice(1)) {
      const s = score(list);
      if (s.deepest > bestScore.deepest || (s.deepest === bestScore.deepest && (s.onlyType < bestScore.onlyType || (s.onlyType === bestScore.onlyType && s.count < bestScore.count)))) {
        best = list;
        bestScore = s;
      }
    }
    for (const list of live) if (list !== best) for (const e of list) dropped.add(e);
  }
  // An alternative told apart by a constant (`type: assert-set`) that the value does not have is not the one meant: its errors go.
  for (const e of errs) {
    if (e.keyword !== 'const' || !/\/properties\/type\/const$/.test(e.schemaPath)) continue;
    const branch = e.schemaPath.slice(0, -'/properties/type/const'.length);
    const at = e.instancePath.slice(0, -'/type'.length);
    for (const o of errs) if (o.instancePath === at && o.schemaPath.startsWith(branch + '/') && !o.schemaPath.slice(branch.length + 1).includes('/')) dropped.add(o);
    dropped.add(e);
  }
  const kept = errs.filter((e) => !dropped.has(e));
  // A wrong type where another error looks into the same value (or deeper) says less than that one.
  return kept.filter((e) => e.keyword !== 'type' || !kept.some((o) => o !== e && ((o.keyword !== 'type' && o.instancePath === e.instancePath) || o.instancePath.startsWith(e.instancePath + '/'))));
}

/** A schema with its local `$ref` followed. */
function deref(n: unknown, depth = 0): Obj | undefined {
  if (!isObj(n)) return undefined;
  if (typeof n.$ref !== 'string' || !n.$ref.startsWith('#/') || depth > 8) return n;
  let t: unknown = schema();
  for (const seg of segments(n.$ref.slice(1))) t = t && typeof t === 'object' ? (t as Obj)[seg] : undefined;
  return deref(t, depth + 1);
}

/** The object schemas (with `properties`) that may describe the value at `path`, every alternative followed. */
export function objectSchemasAt(path: YamlPath): Obj[] {
  const expand = (n: unknown, depth = 0): Obj[] => {
    const d = deref(n);
    if (!d || depth > 6) return [];
    const branches = [d.anyOf, d.oneOf, d.allOf].filter(Array.isArray).flat();
    return [d, ...branches.flatMap((b) => expand(b, depth + 1))];
  };
  let current = expand(configSchema());
  for (const seg of path) {
    const next: Obj[] = [];
    for (const sc of current) {
      if (typeof seg === 'number') {
        if (sc.items !== undefined) next.push(...expand(sc.items));
      } else if (isObj(sc.properties) && seg in sc.properties) next.push(...expand(sc.properties[seg]));
      else if (isObj(sc.additionalProperties)) next.push(...expand(sc.additionalProperties));
    }
    current = next;
    if (!current.length) break;
  }
  return current.filter((sc) => isObj(sc.properties));
}

/** The fields the schema knows for the object at `path` that lacks `prop`: of the alternatives, the one sharing most fields with the object. */
export function knownFieldsAt(path: YamlPath, value: unknown, prop: string): string[] {
  const keys = isObj(value) ? Object.keys(value).filter((k) => k !== prop) : [];
  let best: string[] = [];
  let bestScore = -1;
  for (const sc of objectSchemasAt(path)) {
    const props = Object.keys(sc.properties as Obj);
    if (props.includes(prop)) continue;
    const score = keys.filter((k) => props.includes(k)).length * 1000 + (nearestField(prop, props) ? 500 : 0) + props.length;
    if (score > bestScore) {
      best = props;
      bestScore = score;
    }
  }
  return best;
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Checks a promptfoo configuration against promptfoo's published schema and its assertion types:
 * `unknown-field` warnings (with the nearest known name as a fix), `schema` errors at the value at
 * fault, and unknown assertion types (`contians`: did you mean `contains`?).
 */
export function promptfooSchemaDiagnostics(y: YamlSource, value: unknown, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const config = dereferenced(value);
  const validate = promptfooValidator();
  if (!validate(config) && validate.errors) {
    const seen = new Set<string>();
    // Explaining is quadratic in the errors at one place at worst: a file broken everywhere is explained by its first 2,000.
    const explaining = explainingErrors(validate.errors.slice(0, 2000));
    // The types the alternatives at one place take, for one finding that lists them all.
    const typesAt = new Map<string, string[]>();
    for (const e of explaining) {
      if (e.keyword !== 'type') continue;
      const t = (e.params as { type: string | string[] }).type;
      const list = typesAt.get(e.instancePath) ?? [];
      for (const x of Array.isArray(t) ? t : [t]) if (!list.includes(x)) list.push(x);
      typesAt.set(e.instancePath, list);
    }
    for (const e of explaining) {
      const semantic =
        e.keyword === 'type'
          ? `type:${e.instancePath}`
          : e.keyword === 'additionalProperties'
            ? `field:${e.instancePath}:${String((e.params as { additionalProperty: string }).additionalProperty)}`
            : '';
      if (semantic) {
        if (seen.has(semantic)) continue;
        seen.add(semantic);
      }
      const d = schemaDiagnostic(y, config, e.keyword === 'type' ? { ...e, params: { type: typesAt.get(e.instancePath) ?? [] } } : e, file);
      if (!d) continue;
      const key = `${d.code}:${d.range.start.line}:${d.range.start.character}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
      if (out.length >= 2 * maxDiagnosticsPerCode) break;
    }
  }
  out.push(...assertionTypeDiagnostics(y, value, file));
  // In the order of the file (ajv gives them in the order of the schema).
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function schemaDiagnostic(y: YamlSource, config: unknown, e: ErrorObject, file: string): Diagnostic | undefined {
  const path = pathOf(e.instancePath, config);
  const where = path.length ? `\`${path.join('.')}\`` : 'The configuration';
  const value = path.reduce<unknown>((cur, seg) => (cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined), config);
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      if (!path.length && documentedKeys.has(prop)) return undefined;
      // A provider by type (`provider: { embedding: ..., text: ... }`): promptfoo reads it; its schema does not list it.
      if (path[path.length - 1] === 'provider' && isObj(value) && Object.keys(value).every((k) => providerTypes.has(k))) return undefined;
      const known = knownFieldsAt(path, value, prop);
      if (!path.length) for (const k of documentedKeys) known.push(k);
      const suggestion = nearestField(prop, known);
      const range = y.keyRange([...path, prop]);
      const inWhat = path.length ? ` in ${where}` : '';
      const msg = suggestion
        ? `Unknown field \`${prop}\`${inWhat}; did you mean \`${suggestion}\`?`
        : `Unknown field \`${prop}\`${inWhat}: promptfoo's configuration schema does not define it${known.length ? `; known fields: ${known.slice(0, 14).join(', ')}` : ''}. promptfoo ignores it.`;
      return diag('unknown-field', file, range, msg, { fixes: suggestion ? [{ title: `Rename \`${prop}\` to \`${suggestion}\``, edits: [{ range, newText: suggestion }] }] : undefined });
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      // promptfoo reads a YAML configuration without `prompts` (a red-team suite generates its own).
      if (!path.length && missing === 'prompts' && isObj(config) && 'redteam' in config) return undefined;
      return diag('schema', file, path.length ? y.keyRange(path) : y.headRange(), `${where} is missing the required field \`${missing}\`; add it.`, warning);
    }
    case 'type': {
      // `vars: file://vars.yaml`, `assert: file://asserts.yaml`: promptfoo loads the value from the file.
      if (typeof value === 'string' && /^file:\/\//.test(value.trim())) return undefined;
      const t = (e.params as { type: string | string[] }).type;
      const names = (Array.isArray(t) ? t : [t]).map((x) => (x === 'array' ? 'list' : x === 'object' ? 'mapping' : x));
      const wanted = names.length > 1 ? `${names.slice(0, -1).map(article).join(', ')} or ${article(names[names.length - 1])}` : article(names[0] ?? 'value');
      return diag('schema', file, y.valueRange(path), `${where} must be ${wanted}, not ${describe(value)}.`, warning);
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const suggestion =
        typeof value === 'string'
          ? nearest(
              value,
              allowed.filter((a): a is string => typeof a === 'string'),
            )
          : undefined;
      const range = y.valueRange(path);
      const fixes: Fix[] | undefined = suggestion ? [{ title: `Use \`${suggestion}\``, edits: [{ range, newText: suggestion }] }] : undefined;
      const list =
        allowed.length > 12
          ? `${allowed
              .slice(0, 12)
              .map((v) => JSON.stringify(v))
              .join(', ')}…`
          : allowed.map((v) => JSON.stringify(v)).join(', ');
      return diag('schema', file, range, `${where} must be one of ${list}${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`, { ...warning, fixes });
    }
    case 'const':
      return diag('schema', file, y.valueRange(path), `${where} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}.`, warning);
    default:
      return diag('schema', file, y.valueRange(path), `${where} ${e.message ?? 'is invalid'} (promptfoo's configuration schema).`, warning);
  }
}

/** Unknown assertion types in tests, defaultTest, scenarios and assert-sets: promptfoo stops the eval on them. */
function assertionTypeDiagnostics(y: YamlSource, value: unknown, file: string): Diagnostic[] {
  if (!isObj(value)) return [];
  const out: Diagnostic[] = [];
  let types: AssertionTypes | undefined;
  const checkAsserts = (asserts: unknown, at: YamlPath, depth: number): void => {
    if (Array.isArray(asserts) && depth <= 8) asserts.forEach((a, i) => checkAssertion(a, [...at, i], depth));
  };
  const checkAssertion = (a: unknown, at: YamlPath, depth: number): void => {
    if (isObj(a) && a.type === undefined && !('$ref' in a)) {
      // The schema leaves `type` optional; promptfoo cannot run an assertion without one.
      out.push(
        diag(
          'schema',
          file,
          y.keyRange(at),
          `\`${at.join('.')}\` is missing the required field \`type\`: promptfoo needs to know which assertion to run (e.g. \`contains\`, \`equals\`, \`llm-rubric\`); add it.`,
        ),
      );
      return;
    }
    if (!isObj(a) || typeof a.type !== 'string') return;
    if (a.type === 'assert-set') {
      checkAsserts(a.assert, [...at, 'assert'], depth + 1);
      return;
    }
    types ??= promptfooAssertionTypes();
    if (!types.known.size || knownAssertionType(a.type, types)) return;
    const negated = a.type.startsWith('not-');
    const guess = nearest(negated ? a.type.slice(4) : a.type, [...(negated ? types.base : types.known)]);
    const suggestion = guess && (negated ? `not-${guess}` : guess);
    const range = y.valueRange([...at, 'type']);
    out.push(
      diag(
        'schema',
        file,
        range,
        `Unknown assertion type \`${a.type}\`${suggestion ? `; did you mean \`${suggestion}\`?` : "; see promptfoo's list of assertion types (e.g. `contains`, `equals`, `llm-rubric`, `javascript`)."}`,
        { fixes: suggestion ? [{ title: `Use \`${suggestion}\``, edits: [{ range, newText: suggestion }] }] : undefined },
      ),
    );
  };
  const checkTest = (t: unknown, at: YamlPath): void => {
    if (isObj(t)) checkAsserts(t.assert, [...at, 'assert'], 0);
  };
  const checkTests = (tests: unknown, at: YamlPath): void => {
    if (Array.isArray(tests)) tests.forEach((t, i) => checkTest(t, [...at, i]));
  };
  checkTests(value.tests, ['tests']);
  checkTest(value.defaultTest, ['defaultTest']);
  if (isObj(value.assertionTemplates)) for (const [k, v] of Object.entries(value.assertionTemplates)) if (isObj(v)) checkAssertion(v, ['assertionTemplates', k], 0);
  if (Array.isArray(value.scenarios)) {
    value.scenarios.forEach((s, i) => {
      if (!isObj(s)) return;
      checkTests(s.config, ['scenarios', i, 'config']);
      checkTests(s.tests, ['scenarios', i, 'tests']);
    });
  }
  return out;
}
