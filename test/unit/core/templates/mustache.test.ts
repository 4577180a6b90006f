import * as assert from 'node:assert/strict';
import type { Range } from '../../../../src/core/diagnostics';
import { analyzeMustache } from '../../../../src/core/templates/mustache';
import { TextDocument } from '../../../../src/core/text/textDocument';

function analyze(text: string, prefix = '') {
  const doc = new TextDocument(prefix + text);
  const start = doc.text.length - text.length;
  return analyzeMustache({ doc, file: 'p.prompty', start, end: doc.text.length });
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

describe('core/templates/mustache', () => {
  it('finds variables, sections and unescaped names with the range of each name', () => {
    const a = analyze('Hi {{name}}, {{{bio}}} {{& raw}}\n{{#items}}- {{title}}{{/items}}{{^items}}none for {{ user.id }}{{/items}}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(
      a.variables.map((v) => [v.name, v.range]),
      [
        ['name', r(0, 5, 0, 9)],
        ['bio', r(0, 16, 0, 19)],
        ['raw', r(0, 27, 0, 30)],
        ['items', r(1, 3, 1, 8)],
        ['items', r(1, 34, 1, 39)],
        ['user', r(1, 53, 1, 57)],
      ],
    );
    // Inside a section a name may be a field of the section's value.
    assert.deepEqual(
      a.contextual.map((v) => v.name),
      ['title'],
    );
  });

  it('ignores comments, partials and the implicit iterator', () => {
    const a = analyze('{{! a note: name }}{{> header}}{{#list}}{{.}}{{/list}}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(
      a.variables.map((v) => v.name),
      ['list'],
    );
  });

  it('reports unclosed and unmatched sections on their tags, several at once', () => {
    const a = analyze('{{#a}}\n{{#b}}x{{/a}}\n{{/c}}\n{{^d}}');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [
        ['unclosed-block', r(1, 0, 1, 6)],
        ['unmatched-closing-block', r(2, 0, 2, 6)],
        ['unclosed-block', r(3, 0, 3, 6)],
      ],
    );
    assert.match(a.diagnostics[0].message, /\{\{#b\}\}.*\{\{\/b\}\}/);
  });

  it('reports stray braces, mid-file with CRLF and non-ASCII text', () => {
    const a = analyze('Grüße {{name}\r\n{{ok}} {oops}}\r\n', '---\r\ntemplate: mustache\r\n---\r\n');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [
        ['unbalanced-brace', r(3, 6, 3, 8)],
        ['unbalanced-brace', r(4, 12, 4, 14)],
      ],
    );
    assert.deepEqual(
      a.variables.map((v) => [v.name, v.range]),
      [['ok', r(4, 2, 4, 4)]],
    );
  });

  it('follows a change of delimiters', () => {
    const a = analyze('{{=<% %>=}}<% who %> {{ literal }}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(
      a.variables.map((v) => v.name),
      ['who'],
    );
  });

  it('never throws on arbitrary text', () => {
    for (const s of ['{{', '}}', '{{#}}', '{{/}}', '{{=}}', '{{={{ }}=}}', '{{{x}}', '{{!', '{{#a}}{{/a}}{{/a}}']) assert.doesNotThrow(() => analyze(s));
  });
});
