// Tests for Picoschema -> JSON Schema (Dotprompt's conformance vectors) and the inputs an input.schema declares.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { isJsonSchema, parsePropertyKey, picoschemaToJsonSchema } from '../../../../src/core/formats/picoschema';
import type { JsonSchema } from '../../../../src/core/formats/picoschema';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import type { Range } from '../../../../src/core/diagnostics';
import { corpusDir } from '../../paths';

interface Vector {
  name: string;
  template: string;
  schemas?: Record<string, JsonSchema>;
  tests: { desc: string; expect: { input?: { schema: unknown }; output?: { schema: unknown } } }[];
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

function frontMatter(template: string): Record<string, unknown> {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(template);
  assert.ok(m, 'vector has front matter');
  return parse(m[1]) as Record<string, unknown>;
}

describe('picoschema', () => {
  describe('Dotprompt conformance vectors (spec/picoschema.yaml)', () => {
    const vectors = parse(readFileSync(path.join(corpusDir, 'dotprompt', 'spec', 'picoschema.yaml'), 'utf8')) as Vector[];

    it('loads the vectors', () => {
      assert.ok(vectors.length >= 15);
    });

    for (const v of vectors) {
      it(v.name, () => {
        const fm = frontMatter(v.template);
        const resolveSchema = (name: string): JsonSchema | undefined => v.schemas?.[name];
        for (const t of v.tests) {
          for (const which of ['input', 'output'] as const) {
            const expected = t.expect[which];
            if (!expected) continue;
            const section = fm[which] as { schema: unknown };
            const result = picoschemaToJsonSchema(section.schema, { resolveSchema });
            assert.deepEqual(result.problems, []);
            assert.deepEqual(result.schema, expected.schema, `${v.name}: ${which}`);
          }
        }
      });
    }
  });

  describe('conversion', () => {
    it('reads `type[]` as an array of that type, and reports it with the spelling the runtime takes', () => {
      const { schema, problems } = picoschemaToJsonSchema({ tags: 'string[], the tags', 'ids?': 'integer[]' });
      assert.deepEqual(schema, {
        type: 'object',
        additionalProperties: false,
        properties: { tags: { type: 'array', items: { type: 'string' }, description: 'the tags' }, ids: { type: ['array', 'null'], items: { type: 'integer' } } },
        required: ['tags'],
      });
      assert.deepEqual(problems, [
        {
          path: ['tags'],
          message: "`string[]` is not Picoschema: Dotprompt's runtime refuses it (could not find schema with name 'string[]') and the prompt does not render; write `tags(array, the tags): string`",
          rewrite: { key: 'tags(array, the tags)', value: 'string' },
        },
        {
          path: ['ids?'],
          message: "`integer[]` is not Picoschema: Dotprompt's runtime refuses it (could not find schema with name 'integer[]') and the prompt does not render; write `ids?(array): integer`",
          rewrite: { key: 'ids?(array)', value: 'integer' },
        },
      ]);
    });

    it('reports problems with the path of the offending key', () => {
      const { problems } = picoschemaToJsonSchema({
        a: 'string',
        'b(string)': 'x',
        'c(enum)': 'RED',
        'd(array': 'string',
        e: 3,
        'f?': 'not a type!',
      });
      assert.deepEqual(
        problems.map((p) => p.path),
        [['b(string)'], ['c(enum)'], ['d(array'], ['e'], ['f?']],
      );
      assert.match(problems[0].message, /must be object, array or enum/);
    });

    it('lists named schemas it could not resolve without reporting them', () => {
      const result = picoschemaToJsonSchema({ foo: 'Foo', bar: 'Bar, described' });
      assert.deepEqual(result.unresolved, ['Foo', 'Bar']);
      assert.deepEqual(result.problems, []);
    });

    it('parses property keys', () => {
      assert.deepEqual(parsePropertyKey('name'), { name: 'name', optional: false });
      assert.deepEqual(parsePropertyKey('tags?(array, the tags, all of them)'), {
        name: 'tags',
        optional: true,
        type: 'array',
        description: 'the tags, all of them',
        malformed: false,
      });
    });

    it('recognises JSON Schema by its type or properties', () => {
      assert.equal(isJsonSchema({ type: 'object', properties: {} }), true);
      assert.equal(isJsonSchema({ properties: { a: { type: 'string' } } }), true);
      assert.equal(isJsonSchema({ name: 'string' }), false);
      assert.equal(isJsonSchema('string'), false);
    });
  });

  describe('declared inputs', () => {
    const parseText = (text: string, p = 'p.prompt') => parseAndCheck(p, new TextEncoder().encode(text));

    it('gives name, type, required, description, default and ranges for Picoschema fields', () => {
      const f = parseText(
        [
          '---',
          'input:',
          '  schema:',
          '    name: string, Who to greet',
          '    tags?(array, Labels): string',
          '    address(object):',
          '      city: string',
          '    color(enum): [RED, BLUE]',
          '    (*): any',
          '  default:',
          '    name: Ada',
          '---',
          '{{name}} {{tags}} {{address.city}} {{color}} {{extra}}',
          '',
        ].join('\n'),
      );
      assert.deepEqual(
        f.inputs?.map((i) => [i.name, i.type, i.required, i.description, i.default]),
        [
          ['name', 'string', true, 'Who to greet', 'Ada'],
          ['tags', 'array', false, 'Labels', undefined],
          ['address', 'object', true, undefined, undefined],
          ['color', 'string', true, undefined, undefined],
        ],
      );
      assert.deepEqual(f.inputs?.[1].range, r(4, 4, 4, 24));
      assert.deepEqual(f.inputs?.[2].fullRange, r(5, 0, 7, 0));
      // `(*)` allows any other input.
      assert.deepEqual(f.diagnostics, []);
      assert.deepEqual(f.samples, [{ name: 'Ada' }]);
    });

    it('reads JSON Schema properties and their required list', () => {
      const f = parseText(
        '---\ninput:\n  schema:\n    type: object\n    properties:\n      a: {type: string, description: first}\n      b:\n        type: [integer, "null"]\n    required: [a]\n---\n{{a}} {{b}}\n',
      );
      assert.deepEqual(
        f.inputs?.map((i) => [i.name, i.type, i.required, i.description]),
        [
          ['a', 'string', true, 'first'],
          ['b', 'integer', false, undefined],
        ],
      );
      assert.deepEqual(f.inputs?.[1].fullRange, r(6, 0, 8, 0));
    });

    it('has no inputs for a scalar or named input schema, or none at all', () => {
      assert.deepEqual(parseText('---\ninput:\n  schema: string\n---\n{{this}}\n').inputs, []);
      assert.equal(parseText('---\ninput:\n  schema: CustomerSchema\n---\n{{name}}\n').inputs, undefined);
      assert.equal(parseText('---\nmodel: m\n---\n{{name}}\n').inputs, undefined);
    });

    it('reports Picoschema mistakes in input and output schemas on their keys', () => {
      const f = parseText('---\ninput:\n  schema:\n    kind(string): x\noutput:\n  schema:\n    level(enum): high\n---\n{{kind}}\n');
      assert.deepEqual(
        f.diagnostics.map((d) => [d.code, d.range]),
        [
          ['schema', r(3, 4, 3, 16)],
          ['schema', r(6, 4, 6, 15)],
        ],
      );
    });
  });
});
