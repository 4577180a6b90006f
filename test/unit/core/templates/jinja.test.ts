import * as assert from 'node:assert/strict';
import type { Range } from '../../../../src/core/diagnostics';
import { analyzeJinja } from '../../../../src/core/templates/jinja';
import { TextDocument } from '../../../../src/core/text/textDocument';

/** Analyses `text` as a whole document, or the part after `prefix` when given. */
function analyze(text: string, prefix = '') {
  const doc = new TextDocument(prefix + text);
  const start = doc.text.length - text.length;
  return analyzeJinja({ doc, file: 'p.prompty', start, end: doc.text.length });
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

const names = (a: ReturnType<typeof analyze>) => a.variables.map((v) => v.name);
const codes = (a: ReturnType<typeof analyze>) => a.diagnostics.map((d) => d.code);

describe('core/templates/jinja', () => {
  it('finds top-level variables with the range of each name', () => {
    const a = analyze('Hi {{ user.name | upper }}!\n{% if admin %}x{% endif %}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(
      a.variables.map((v) => [v.name, v.range]),
      [
        ['user', r(0, 6, 0, 10)],
        ['admin', r(1, 6, 1, 11)],
      ],
    );
  });

  it('treats loop variables, set targets, macro arguments, filters, tests and globals as non-inputs', () => {
    const a = analyze(
      [
        '{% for item in items %}{{ loop.index }}. {{ item.title | title }}{% else %}{{ empty_text }}{% endfor %}',
        '{% set greeting = "Hi " ~ name %}{{ greeting }}',
        '{% macro row(cell, width=default_width) %}{{ cell }}{{ caller() }}{% endmacro %}',
        '{{ count is divisibleby(step) }} {{ x is defined }} {{ range(3) | join(sep) }}',
        '{% for k, v in pairs.items() if v %}{{ k }}={{ v }}{% endfor %}',
        '{{ True }} {{ none }} {{ lookup[key] }}',
      ].join('\n'),
    );
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['items', 'empty_text', 'name', 'default_width', 'count', 'step', 'x', 'sep', 'pairs', 'lookup', 'key']);
  });

  it('reads a name before it is set as an input', () => {
    assert.deepEqual(names(analyze('{{ topic }}{% set topic = "x" %}{{ topic }}')), ['topic']);
  });

  it('ignores comments and raw blocks', () => {
    const a = analyze('{# {{ hidden }} #}{% raw %}{{ literal }} {% if %}{% endraw %}{{ shown }}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['shown']);
  });

  it('maps positions of a body that starts mid-file, with CRLF, BOM, tabs and non-ASCII text', () => {
    const a = analyze('\tHé 😀 {{ naïve }}\r\n{% if ok %}\r\n\t{{ x }}\r\n', '\ufeff---\r\nname: ü\r\n---\r\n');
    assert.deepEqual(
      a.variables.map((v) => [v.name, v.range]),
      [
        ['naïve', r(3, 10, 3, 15)],
        ['ok', r(4, 6, 4, 8)],
        ['x', r(5, 4, 5, 5)],
      ],
    );
    // `{% if ok %}` is never closed.
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [['unclosed-block', r(4, 0, 4, 11)]],
    );
  });

  it('reports an unclosed block on its opening tag and an unmatched closing tag on itself', () => {
    const a = analyze('{% if a %}\n{% for x in xs %}{{ x }}\n{% endif %}\n{% endfor %}');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [
        ['unclosed-block', r(1, 0, 1, 17)],
        ['unmatched-closing-block', r(3, 0, 3, 12)],
      ],
    );
    assert.match(a.diagnostics[0].message, /\{% for x in xs %\}.*never closed.*\{% endfor %\}/);
    // Variables are still found although the body does not parse.
    assert.deepEqual(names(a), ['a', 'xs']);
  });

  it('reports several problems at once, each with its own range', () => {
    const a = analyze('{% endif %} {% block b %} {% else %} {% macro m() %}');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range.start.character]),
      [
        ['unmatched-closing-block', 0],
        ['unmatched-closing-block', 26],
        ['unclosed-block', 37],
        ['unclosed-block', 12],
      ],
    );
  });

  it('handles whitespace control and block set', () => {
    const a = analyze('{%- if a -%}\n{% set body %}{{ b }}{% endset %}{{ body }}\n{%- endif +%}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['a', 'b']);
  });

  it('reports stray braces: an unclosed `{{`, `{%`, `{#`, a lone `}}` or `%}`', () => {
    const a = analyze('Dear {{ name,\n{% if x %}ok{% endif %}\nHello {name}} and 50%} done');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [
        ['unbalanced-brace', r(0, 5, 0, 7)],
        ['unbalanced-brace', r(2, 11, 2, 13)],
        ['unbalanced-brace', r(2, 20, 2, 22)],
      ],
    );
    assert.match(a.diagnostics[1].message, /\{\{name\}\}/);
    assert.deepEqual(codes(analyze('{% if x')), ['unbalanced-brace']);
    assert.deepEqual(codes(analyze('text {# note')), ['unbalanced-brace']);
  });

  it('does not mistake JSON examples for stray braces', () => {
    const a = analyze('Answer as {"a": {"b": [1, 2]}} or\n{\n  "nested": {"k": "{{ value }}"}}\n');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['value']);
  });

  it('reports a parse error with the position of the bad tag', () => {
    const a = analyze('line one\n  {{ price | }}\n');
    assert.deepEqual(codes(a), ['template-syntax']);
    assert.deepEqual(a.diagnostics[0].range, r(1, 2, 1, 15));
    assert.match(a.diagnostics[0].message, /Jinja syntax error/);
  });

  it('suggests the nearest tag for an unknown one', () => {
    const a = analyze('{% iff x %}y{% endiff %}');
    assert.deepEqual(codes(a), ['template-syntax', 'template-syntax']);
    assert.match(a.diagnostics[0].message, /did you mean `if`/);
    assert.match(a.diagnostics[1].message, /did you mean `endif`/);
  });

  it('accepts the Jinja2 statements nunjucks lacks (with, do, break, recursive loops)', () => {
    const a = analyze('{% with t = title %}{{ t }}{% endwith %}{% for n in nodes recursive %}{% if n.stop %}{% break %}{% endif %}{% do seen.append(n) %}{% endfor %}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['title', 'nodes', 'seen']);
  });

  it('never throws on arbitrary text', () => {
    for (const s of ['{{', '}}', '{%', '%}', '{#', '{{{{}}}}', '{% %}', '{{ "unterminated }}', '{% for %}', "{{ '}}' }}", '\u0000{{\u0000}}']) {
      assert.doesNotThrow(() => analyze(s));
    }
  });
});
