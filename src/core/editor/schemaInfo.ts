// Reading our JSON Schemas for the editor: the subschema at a YAML path, its fields, values and descriptions.

import { schemaOf } from '../schemas';
import type { SchemaName } from '../schemas';
import type { YamlPath } from './yamlContext';
import { isObj } from '../guards';

type Schema = Record<string, unknown>;

/** Follows a local `$ref` (`#/$defs/name`) within the root schema. */
function deref(root: Schema, s: Schema, depth = 0): Schema {
  const ref = s.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || depth > 8) return s;
  let cur: unknown = root;
  for (const seg of ref.slice(2).split('/')) cur = isObj(cur) ? cur[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  if (!isObj(cur)) return s;
  // Keywords next to $ref (a description, say) win over the target's.
  const { $ref: _ref, ...rest } = s;
  void _ref;
  return { ...deref(root, cur, depth + 1), ...rest };
}

/** The alternatives a schema stands for (anyOf/oneOf/allOf branches, flattened), dereferenced. */
function alternatives(root: Schema, s: Schema, depth = 0): Schema[] {
  const d = deref(root, s);
  const branches = [d.anyOf, d.oneOf, d.allOf].filter(Array.isArray).flat().filter(isObj);
  if (!branches.length || depth > 4) return [d];
  return [d, ...branches.flatMap((b) => alternatives(root, b, depth + 1))];
}

/** The subschemas that describe the value at `path` (several when the schema branches); empty when the path leaves it. */
export function schemasAt(name: SchemaName, path: YamlPath): Schema[] {
  const root = schemaOf(name) as Schema;
  let current: Schema[] = alternatives(root, root);
  for (const seg of path) {
    const next: Schema[] = [];
    for (const s of current) {
      if (typeof seg === 'number') {
        if (isObj(s.items)) next.push(...alternatives(root, s.items));
        continue;
      }
      const props = isObj(s.properties) ? s.properties : {};
      if (isObj(props[seg])) {
        next.push(...alternatives(root, props[seg] as Schema));
        continue;
      }
      let matched = false;
      if (isObj(s.patternProperties)) {
        for (const [pattern, sub] of Object.entries(s.patternProperties)) {
          try {
            if (isObj(sub) && new RegExp(pattern, 'u').test(seg)) {
              next.push(...alternatives(root, sub));
              matched = true;
            }
          } catch {
            // A pattern JavaScript cannot read: no match.
          }
        }
      }
      if (!matched && isObj(s.additionalProperties)) next.push(...alternatives(root, s.additionalProperties));
    }
    current = next;
    if (!current.length) break;
  }
  return current;
}

/** One field a mapping may hold. */
export interface SchemaField {
  name: string;
  description?: string;
  /** The JSON types it takes ('object', 'array', 'string'...), when the schema says. */
  types: string[];
  required: boolean;
  enum?: unknown[];
}

function typesOf(root: Schema, s: Schema): string[] {
  const out = new Set<string>();
  for (const a of alternatives(root, s)) {
    if (typeof a.type === 'string') out.add(a.type);
    else if (Array.isArray(a.type)) for (const t of a.type) if (typeof t === 'string') out.add(t);
    if (Array.isArray(a.enum)) for (const v of a.enum) out.add(v === null ? 'null' : typeof v);
    if (a.const !== undefined) out.add(a.const === null ? 'null' : typeof a.const);
  }
  return [...out];
}

/** The fields of the mapping at `path`, in the schema's order, with descriptions. */
export function fieldsAt(name: SchemaName, path: YamlPath): SchemaField[] {
  const root = schemaOf(name) as Schema;
  const out = new Map<string, SchemaField>();
  for (const s of schemasAt(name, path)) {
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    if (!isObj(s.properties)) continue;
    for (const [field, raw] of Object.entries(s.properties)) {
      if (!isObj(raw) || out.has(field)) continue;
      const d = deref(root, raw);
      const f: SchemaField = { name: field, types: typesOf(root, d), required: required.has(field) };
      const description = describeSchema(root, d);
      if (description) f.description = description;
      const values = enumOf(root, d);
      if (values.length) f.enum = values;
      out.set(field, f);
    }
  }
  return [...out.values()];
}

/** The values a scalar at `path` may take (enum, const, booleans), when the schema lists them. */
export function valuesAt(name: SchemaName, path: YamlPath): unknown[] {
  const root = schemaOf(name) as Schema;
  const out: unknown[] = [];
  for (const s of schemasAt(name, path)) for (const v of enumOf(root, s)) if (!out.includes(v)) out.push(v);
  return out;
}

function enumOf(root: Schema, s: Schema): unknown[] {
  const out: unknown[] = [];
  for (const a of alternatives(root, s)) {
    if (Array.isArray(a.enum)) out.push(...a.enum);
    if (a.const !== undefined) out.push(a.const);
    if (a.type === 'boolean' || (Array.isArray(a.type) && a.type.includes('boolean'))) out.push(true, false);
  }
  return [...new Set(out)];
}

function describeSchema(root: Schema, s: Schema): string | undefined {
  for (const a of alternatives(root, s)) if (typeof a.description === 'string' && a.description) return a.description;
  return undefined;
}

/** What the schema says about the field at `path`: description, types, allowed values; undefined when it knows nothing. */
export function fieldInfo(name: SchemaName, path: YamlPath): { description?: string; types: string[]; enum?: unknown[]; title?: string } | undefined {
  const root = schemaOf(name) as Schema;
  const found = schemasAt(name, path);
  if (!found.length) return undefined;
  const description = found.map((s) => describeSchema(root, s)).find((d) => !!d);
  const types = [...new Set(found.flatMap((s) => typesOf(root, s)))];
  const values = valuesAt(name, path);
  const info: { description?: string; types: string[]; enum?: unknown[]; title?: string } = { types };
  if (description) info.description = description;
  if (values.length && !(values.length === 2 && values.includes(true) && values.includes(false))) info.enum = values;
  if (path.length === 0 && typeof root.title === 'string') info.title = root.title;
  return info.description || info.types.length || info.enum ? info : undefined;
}
