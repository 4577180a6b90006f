import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import Mustache from 'mustache';
import { checkParameters, coerceParameter, parameterSpecs } from '../../../../src/core/library/parameters';
import { makeView, renderMustache, TemplateRenderError } from '../../../../src/core/scaffold/render';

const schema = {
  type: 'object',
  required: ['team', 'owner'],
  additionalProperties: false,
  properties: {
    team: { type: 'string', pattern: '^[a-z]+$', description: 'Team name' },
    owner: { type: 'string', format: 'email' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
    debug: { type: 'boolean', default: false },
    python: { enum: ['3.11', '3.12'], default: '3.12' },
    tags: { type: 'array', items: { type: 'string' } },
    ports: { type: 'array', items: { type: 'integer' } },
  },
};

describe('core/scaffold/render', () => {
  describe('checkParameters', () => {
    it('applies defaults and converts command-line strings to the schema types', () => {
      const r = checkParameters(schema, { team: 'support', owner: 'a@b.example', port: '9000', debug: 'yes', tags: 'a, b', ports: '[1,2]' }, { raw: true });
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.missing, []);
      assert.deepEqual(r.values, { team: 'support', owner: 'a@b.example', port: 9000, debug: true, tags: ['a', 'b'], ports: [1, 2], python: '3.12' });
    });

    it('returns required parameters without a value as missing, with their description', () => {
      const r = checkParameters(schema, { owner: 'a@b.example' }, { raw: true });
      assert.deepEqual(
        r.missing.map((m) => [m.name, m.description]),
        [['team', 'Team name']],
      );
      assert.deepEqual(r.errors, []);
    });

    it("refuses bad values with the schema's reason", () => {
      const r = checkParameters(schema, { team: 'Support!', owner: 'nope', port: '70000', python: '2.7' }, { raw: true, templateName: 'starter' });
      const text = r.errors.join('\n');
      assert.match(text, /Parameter `team` = "Support!" is refused by template `starter`: it must match pattern "\^\[a-z\]\+\$"/);
      assert.match(text, /`owner` = "nope" .* must match format "email"/);
      assert.match(text, /`port` = 70000 .* must be <= 65535/);
      assert.match(text, /`python` = "2.7" .* must be one of "3.11", "3.12"/);
    });

    it('refuses unknown parameters and suggests the nearest name', () => {
      const r = checkParameters(schema, { team: 'x', owner: 'a@b.example', prot: '1' }, { raw: true, templateName: 'starter' });
      assert.deepEqual(r.errors, ['template `starter` has no parameter `prot`; did you mean `port`?']);
    });

    it('a value that does not convert stays text, so the schema reports it', () => {
      assert.equal(
        coerceParameter(
          parameterSpecs(schema).find((p) => p.name === 'port'),
          'eighty',
        ),
        'eighty',
      );
      const r = checkParameters(schema, { team: 'x', owner: 'a@b.example', port: 'eighty' }, { raw: true });
      assert.match(r.errors[0], /`port` = "eighty" .* must be integer/);
    });

    it('a template without parameters refuses any, and an invalid schema is reported, not thrown', () => {
      assert.match(checkParameters(undefined, { a: '1' }).errors[0], /takes no parameters, but `a` was given/);
      assert.deepEqual(checkParameters(undefined, {}), { values: {}, missing: [], errors: [] });
      assert.match(checkParameters({ type: 'object', properties: { a: { type: 'nonsense' } } }, {}).errors[0], /parameters schema of the template is invalid/);
    });

    it('refuses prototype names as parameters', () => {
      assert.match(checkParameters(schema, JSON.parse('{"__proto__":"x"}') as Record<string, unknown>).errors.join(), /`__proto__` cannot be a parameter name/);
      assert.match(checkParameters(schema, { constructor: 'x' }).errors.join(), /`constructor` cannot be a parameter name/);
    });

    it('a schema $id does not clash between templates', () => {
      const a = { $id: 'https://x.example/p.json', type: 'object', properties: { a: { type: 'string' } } };
      const b = { $id: 'https://x.example/p.json', type: 'object', properties: { b: { type: 'integer' } } };
      assert.deepEqual(checkParameters(a, { a: 'x' }).errors, []);
      assert.deepEqual(checkParameters(b, { b: '3' }, { raw: true }).values, { b: 3 });
    });
  });

  describe('renderMustache', () => {
    const view = makeView({ team: 'R&D <core>', list: [{ id: 'a' }, { id: 'b' }], on: true, off: false });

    it('does not HTML-escape plain text files, and does for markup files', () => {
      assert.equal(renderMustache('Team {{team}}', view, 'README.md').text, 'Team R&D <core>');
      assert.equal(renderMustache('<p>{{team}}</p>', view, 'a.html', { html: true }).text, '<p>R&amp;D &lt;core&gt;</p>');
      assert.equal(renderMustache('<p>{{{team}}}</p>', view, 'a.html', { html: true }).text, '<p>R&D <core></p>');
    });

    it('renders sections and lists, and partials as nothing (no file is read)', () => {
      assert.equal(renderMustache('{{#list}}[{{id}}]{{/list}}{{#on}}yes{{/on}}{{^off}}no{{/off}}', view, 'f').text, '[a][b]yesno');
      assert.equal(renderMustache('a{{> /etc/passwd}}b', view, 'f').text, 'ab');
    });

    it('renders as mustache.js does (the budgeted renderer held equal to the library on generated templates)', () => {
      const names = ['a', 'b', 'list', 'obj', 'obj.x', '.', 'missing'];
      const leaf = fc.oneof(fc.constantFrom('x', '<&>', '', ' \n'), fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null));
      const value = fc.letrec<{ v: unknown }>((tie) => ({
        v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.record({ x: tie('v'), a: tie('v') }, { requiredKeys: [] })),
      })).v;
      const template = fc.letrec<{ t: string }>((tie) => ({
        t: fc
          .array(
            fc.oneof(
              { depthSize: 'small', withCrossShrink: true },
              fc.constantFrom('text ', '\n', '  ', '{{! note }}', '{{> part}}'),
              fc.constantFrom(...names).map((n) => `{{${n}}}`),
              fc.constantFrom(...names).map((n) => `{{{${n}}}}`),
              fc.constantFrom(...names).map((n) => `{{&${n}}}`),
              fc
                .tuple(fc.constantFrom('#', '^'), fc.constantFrom(...names.filter((n) => n !== '.')), tie('t'), fc.boolean())
                .map(([kind, n, body, standalone]) => (standalone ? `{{${kind}${n}}}\n${body}\n{{/${n}}}\n` : `{{${kind}${n}}}${body}{{/${n}}}`)),
            ),
            { maxLength: 6 },
          )
          .map((parts) => parts.join('')),
      })).t;
      fc.assert(
        fc.property(template, fc.record({ a: value, b: value, list: value, obj: value }, { requiredKeys: [] }), fc.boolean(), (text, data, html) => {
          const v = makeView(data as Record<string, unknown>);
          const escape = html ? (x: unknown) => Mustache.escape(String(x)) : (x: unknown) => String(x);
          let expected: string;
          try {
            expected = new Mustache.Writer().render(text, v, {}, { escape });
          } catch {
            // An object as a value has no text (prototype-less views): both refuse.
            assert.throws(() => renderMustache(text, v, 'f', { html }), TemplateRenderError);
            return;
          }
          assert.equal(renderMustache(text, v, html ? 'f.html' : 'f.txt', { html }).text, expected);
        }),
        { numRuns: 2000, seed: 7 },
      );
    });

    it('reports names that are neither parameters nor built-ins', () => {
      assert.deepEqual(renderMustache('{{team}} {{nope}} {{#list}}{{id}}{{/list}}', view, 'f').unknownNames, ['nope']);
    });

    it('refuses names that would reach JavaScript functions (no code runs)', () => {
      for (const t of ['{{constructor}}', '{{team.toUpperCase}}', '{{#list.map}}x{{/list.map}}', '{{__proto__}}', '{{list.constructor.name}}']) {
        assert.throws(
          () => renderMustache(t, view, 'f.txt'),
          (e: Error) => e instanceof TemplateRenderError && /names a JavaScript built-in/.test(e.message),
          t,
        );
      }
      // Data properties stay usable.
      assert.equal(renderMustache('{{list.length}}', view, 'f').text, '2');
    });

    it('gives the file and line of a Mustache syntax error', () => {
      assert.throws(
        () => renderMustache('line one\nline two {{#open}}\nline three', view, 'tmpl/README.md'),
        (e: Error) => e instanceof TemplateRenderError && /^tmpl\/README\.md:\d+: the template does not parse as Mustache \(Unclosed section "open"/.test(e.message),
      );
    });

    it('makeView copies plain data without prototypes and drops functions', () => {
      const v = makeView({ a: { b: 1 }, f: () => 1, list: [1] });
      assert.equal(Object.getPrototypeOf(v), null);
      assert.equal(Object.getPrototypeOf(v.a), null);
      assert.equal(v.f, undefined);
      assert.ok(Array.isArray(v.list));
    });
  });
});
