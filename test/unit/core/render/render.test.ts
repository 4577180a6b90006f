// Rendering each prompt format with sample values: Prompty (Jinja2, Mustache, role lines), GitHub Models, VS Code prompt files.

import * as assert from 'node:assert/strict';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { defaultValues, messageText, renderPrompt, replaceLiteralBraces, replaceVscodeInputs, valueText } from '../../../../src/core/render/render';

function render(path: string, text: string, values: Record<string, unknown>) {
  const file = parseFile(path, Buffer.from(text, 'utf8'));
  return renderPrompt(file, text, values);
}
const shape = (r: ReturnType<typeof render>) => r.messages.map((m) => [m.role, messageText(m)]);

describe('core/render/render', () => {
  it('Prompty (Jinja2): renders the body, then splits the rendered text at role lines, with input defaults under the values', () => {
    const text = [
      '---',
      'name: t',
      'inputs:',
      '  - name: who',
      '    kind: string',
      '    default: Jane',
      '  - name: items',
      '    kind: array',
      '---',
      'system:',
      'Help {{ who }}.{% for i in items %} [{{ i }}]{% endfor %}',
      '',
      'user:',
      '{{ question | upper }} <b>',
    ].join('\n');
    const r = render('a.prompty', text, { items: ['x', 'y'], question: 'why?' });
    assert.equal(r.error, undefined);
    assert.match(r.engine, /Jinja2/);
    assert.deepEqual(shape(r), [
      ['system', 'Help Jane. [x] [y]'],
      ['user', 'WHY? <b>'],
    ]);
  });

  it('Prompty (Jinja2): does not escape HTML in values (autoescape off) and reports variables without a value', () => {
    const text = '---\ninputs:\n  a:\n    type: string\n  b:\n    type: string\n---\nuser:\n{{a}}|{{b}}\n';
    const r = render('a.prompty', text, { a: '<script>&' });
    assert.deepEqual(shape(r), [['user', '<script>&|']]);
    assert.deepEqual(r.missing, ['b']);
  });

  it('Prompty (Mustache): renders sections, and escapes {{x}} but not {{{x}}} as Mustache does', () => {
    const text = '---\ntemplate: mustache\ninputs:\n  - name: names\n    kind: array\n  - name: x\n    kind: string\n---\nsystem:\nHi{{#names}} {{.}}{{/names}}.\nuser:\n{{x}} / {{{x}}}\n';
    const r = render('m.prompty', text, { names: ['A', 'B'], x: '<i>' });
    assert.equal(r.error, undefined);
    assert.deepEqual(shape(r), [
      ['system', 'Hi A B.'],
      ['user', '&lt;i&gt; / <i>'],
    ]);
  });

  it('Prompty v1: the `sample` block is merged under the values', () => {
    const text = '---\nname: v1\nsample:\n  q: from sample\n  r: kept\n---\nuser:\n{{q}} {{r}}\n';
    const file = parseFile('v1.prompty', Buffer.from(text));
    assert.deepEqual(defaultValues(file, text), { q: 'from sample', r: 'kept' });
    assert.deepEqual(shape(renderPrompt(file, text, { q: 'given' })), [['user', 'given kept']]);
  });

  it('Prompty: a template error comes back as an error with the unrendered messages, never as an exception', () => {
    const text = '---\ninputs:\n  - name: a\n---\nuser:\n{% if a %}open\n';
    const r = render('e.prompty', text, { a: 1 });
    assert.match(r.error ?? '', /could not be rendered/);
    assert.equal(r.messages.length, 1);
  });

  it('Dotprompt: renders partials through the resolver and input.default, and splits by role', () => {
    const text = '---\ninput:\n  schema:\n    who: string\n    n?: integer\n  default:\n    n: 3\n---\n{{role "system"}}{{> style}}\n{{role "user"}}Hello {{who}} x{{n}}';
    const file = parseFile('p.prompt', Buffer.from(text));
    const r = renderPrompt(file, text, { who: 'Ana' }, { partial: (n) => (n === 'style' ? 'Be <terse>.' : undefined) });
    assert.equal(r.error, undefined);
    assert.deepEqual(shape(r), [
      ['system', 'Be <terse>.\n'],
      ['user', 'Hello Ana x3'],
    ]);
    assert.deepEqual(r.missing, []);
  });

  it('Dotprompt: a missing partial is an error message, not an exception', () => {
    const text = '---\nmodel: m\n---\n{{> nowhere}} hi';
    const r = render('p.prompt', text, {});
    assert.match(r.error ?? '', /nowhere/);
    assert.deepEqual(shape(r), [['user', '{{> nowhere}} hi']]);
  });

  it('GitHub Models: replaces the exact {{name}} of each given value, leaves the others and spaced ones as written', () => {
    const text =
      'name: t\nmodel: openai/gpt-4o-mini\nmessages:\n  - role: system\n    content: Be {{tone}}.\n  - role: user\n    content: "{{input}} {{ input }} {{other}} {{n}}"\ntestData:\n  - input: hi\n    tone: kind\n';
    const r = render('t.prompt.yml', text, { input: 'hello', tone: 'kind', n: 4 });
    assert.deepEqual(shape(r), [
      ['system', 'Be kind.'],
      ['user', 'hello {{ input }} {{other}} 4'],
    ]);
  });

  it('VS Code prompt files: ${input:name} and ${input:name:placeholder} take the value; others stay', () => {
    const text = '---\ndescription: d\n---\nFix ${input:issue:the bug} in ${file} for ${input:who}.\n';
    const r = render('fix.prompt.md', text, { issue: '#12' });
    assert.deepEqual(shape(r), [['user', 'Fix #12 in ${file} for ${input:who}.']]);
    assert.deepEqual(r.missing, ['who']);
    assert.deepEqual(shape(render('x.instructions.md', '---\napplyTo: "**"\n---\nUse ${input:x}.\n', { x: 'tabs' })), [['system', 'Use tabs.']]);
  });

  it('prints values as the templates do: strings as they are, other values as JSON', () => {
    assert.equal(valueText('a'), 'a');
    assert.equal(valueText(3), '3');
    assert.equal(valueText({ a: [1] }), '{"a":[1]}');
    assert.equal(valueText(null), '');
    assert.equal(replaceLiteralBraces('{{a}}{{b}}', { a: '{{b}}', b: 'B' }), '{{b}}B');
    assert.equal(replaceVscodeInputs('${input:a:x}${input:b}', { a: 1 }), '1${input:b}');
  });
});
