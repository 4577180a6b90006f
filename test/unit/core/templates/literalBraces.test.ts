import * as assert from 'node:assert/strict';
import type { Range } from '../../../../src/core/diagnostics';
import { analyzeLiteralBraces } from '../../../../src/core/templates/literalBraces';
import { TextDocument } from '../../../../src/core/text/textDocument';

function analyze(text: string, prefix = '') {
  const doc = new TextDocument(prefix + text);
  const start = doc.text.length - text.length;
  return analyzeLiteralBraces({ doc, file: 'p.prompt.yml', start, end: doc.text.length });
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

describe('core/templates/literalBraces', () => {
  it('finds {{name}} placeholders with the range of each name', () => {
    const a = analyze('Hello {{user_name}} from {{company}}.\n\t{{user.role}} {{user-id}}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(
      a.variables.map((v) => [v.name, v.range]),
      [
        ['user_name', r(0, 8, 0, 17)],
        ['company', r(0, 27, 0, 34)],
        ['user', r(1, 3, 1, 7)],
        ['user-id', r(1, 17, 1, 24)],
      ],
    );
  });

  it('warns that a placeholder with spaces is not substituted, with a fix', () => {
    const a = analyze('Q: {{ input }}');
    assert.equal(a.variables[0].name, 'input');
    assert.equal(a.diagnostics.length, 1);
    const d = a.diagnostics[0];
    assert.equal(d.code, 'template-syntax');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, r(0, 3, 0, 14));
    assert.deepEqual(d.fixes?.[0].edits, [{ range: r(0, 3, 0, 14), newText: '{{input}}' }]);
  });

  it('reports an unclosed {{ and a stray }}, but not JSON examples', () => {
    const a = analyze('Use {{topic and {"a": {"b": 1}}\n😀 {name}} end', 'content: |\r\n  ');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [
        ['unbalanced-brace', r(1, 6, 1, 8)],
        ['unbalanced-brace', r(2, 8, 2, 10)],
      ],
    );
  });

  it('leaves expressions that are not names alone', () => {
    const a = analyze('{{ a b }} {{}} {{{x}}}');
    assert.deepEqual(
      a.variables.map((v) => v.name),
      ['x'],
    );
  });
});
