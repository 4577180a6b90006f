// Extracts the JSON value from a model's reply, validates it against a JSON Schema, and words
// the problems as a repair message for one more attempt.

import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

export type GuardResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * The JSON text inside a reply: the body of a ```json fence if there is one, otherwise the span
 * from the first `{` or `[` to the last matching `}` or `]`.
 */
export function extractJson(reply: string): string | undefined {
  const fence = /```(?:json)?\s*\n([\s\S]*?)\n?```/i.exec(reply);
  if (fence) return fence[1].trim();
  const start = reply.search(/[{[]/);
  if (start < 0) return undefined;
  const close = reply[start] === '{' ? '}' : ']';
  const end = reply.lastIndexOf(close);
  return end > start ? reply.slice(start, end + 1) : undefined;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath ? `\`${e.instancePath.slice(1).replace(/\//g, '.')}\`` : 'the reply';
  if (e.keyword === 'required') return `${where} is missing the field \`${String(e.params.missingProperty)}\``;
  if (e.keyword === 'additionalProperties') return `${where} has an unexpected field \`${String(e.params.additionalProperty)}\``;
  if (e.keyword === 'enum') return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${e.message ?? 'is not valid'}`;
}

/** Parses and validates a reply; never throws on what the model wrote. */
export function guardJson<T>(reply: string, schema: object): GuardResult<T> {
  const text = extractJson(reply);
  if (text === undefined) return { ok: false, problems: ['the reply holds no JSON object or array'] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`the JSON does not parse: ${(e as Error).message}`] };
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, problems: (validate.errors ?? []).map(describe) };
}

/** A follow-up user message asking the model to fix the listed problems and reply with JSON only. */
export function repairMessage(problems: readonly string[]): string {
  return [
    'Your last reply could not be used:',
    ...problems.map((p) => `- ${p}`),
    'Reply again with only the corrected JSON, no code fence and no other text.',
  ].join('\n');
}
