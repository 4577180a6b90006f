import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractJson, guardJson, repairMessage } from '../src/index.js';

const schema = {
  type: 'object',
  required: ['category', 'urgency'],
  additionalProperties: false,
  properties: {
    category: { type: 'string' },
    urgency: { enum: ['low', 'medium', 'high'] },
  },
};

test('takes the JSON out of a code fence or surrounding text', () => {
  assert.equal(extractJson('Here you are:\n```json\n{"a": 1}\n```'), '{"a": 1}');
  assert.equal(extractJson('Sure! {"a": {"b": 2}} Hope that helps.'), '{"a": {"b": 2}}');
  assert.equal(extractJson('No JSON here.'), undefined);
});

test('returns the typed value when the reply validates', () => {
  const r = guardJson<{ category: string; urgency: string }>('{"category": "claims-delay", "urgency": "high"}', schema);
  assert.deepEqual(r, { ok: true, value: { category: 'claims-delay', urgency: 'high' } });
});

test('lists every problem in words a model can act on', () => {
  const r = guardJson('{"urgency": "urgent", "extra": true}', schema);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.problems.sort(), [
    '`urgency` must be one of "low", "medium", "high"',
    'the reply has an unexpected field `extra`',
    'the reply is missing the field `category`',
  ]);
  assert.match(repairMessage(r.problems), /^Your last reply could not be used:\n- /);
});

test('reports JSON that does not parse', () => {
  const r = guardJson('{"category": "other",}', schema);
  assert.equal(r.ok, false);
});
