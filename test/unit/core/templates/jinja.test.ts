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

  it('reports a `{% raw %}` never closed once', () => {
    const a = analyze('{% raw %}{{ x }}');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.range]),
      [['unclosed-block', r(0, 0, 0, 9)]],
    );
  });

  it('handles whitespace control and block set', () => {
    const a = analyze('{%- if a -%}\n{% set body %}{{ b }}{% endset %}{{ body }}\n{%- endif +%}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['a', 'b']);
  });

  it('reports stray braces: an unclosed `{{`, `{%`, `{#` (errors), a lone `}}` or `%}` (warnings: Jinja2 prints them)', () => {
    const a = analyze('Dear {{ name,\n{% if x %}ok{% endif %}\nHello {name}} and 50%} done');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.severity, d.range]),
      [
        ['unbalanced-brace', 'error', r(0, 5, 0, 7)],
        ['unbalanced-brace', 'warning', r(2, 11, 2, 13)],
        ['unbalanced-brace', 'warning', r(2, 20, 2, 22)],
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

  it('accepts the Jinja2 statements nunjucks lacks (with, recursive loops, print, autoescape)', () => {
    const a = analyze('{% with t = title %}{{ t }}{% endwith %}{% for n in nodes recursive %}{{ loop(n.children) }}{% endfor %}{% print footer %}{% autoescape false %}{{ html }}{% endautoescape %}');
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(names(a), ['title', 'nodes', 'footer', 'html']);
  });

  it('reports the tags of extensions Prompty does not enable (break, continue, do, trans), as Jinja2 does', () => {
    const a = analyze('{% for n in nodes %}{% if n.stop %}{% break %}{% endif %}{% do seen.append(n) %}{% endfor %}');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.severity, d.range.start.character]),
      [
        ['template-syntax', 'error', 35],
        ['template-syntax', 'error', 57],
      ],
    );
    assert.match(a.diagnostics[0].message, /loopcontrols/);
    assert.deepEqual(names(a), ['nodes', 'seen']);
  });

  it("warns of nunjucks' own tags (elseif, switch): the TypeScript runtime renders them, Jinja2 rejects them", () => {
    const a = analyze('{% if a %}x{% elseif b %}y{% endif %}');
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, d.severity]),
      [['template-syntax', 'warning']],
    );
    assert.match(a.diagnostics[0].message, /write `\{% elif %\}`/);
    assert.deepEqual(names(a), ['a', 'b']);
  });

  it('reads valid Jinja2 that nunjucks rejects, with the variables Jinja2 finds', () => {
    const cases: [string, string[]][] = [
      ['{% set ns = namespace(found=false) %}{% for m in msgs %}{% set ns.found = true %}{% endfor %}{{ ns.found }}', ['msgs']],
      ['{{ n is divisibleby 3 }} {{ x is sameas false }} {{ a is not none }}', ['n', 'x', 'a']],
      ['{{ "a" "b" }} {{ 1_000 }} {{ 1e3 }} {{ 0x1F }} {{ items.0 }}', ['items']],
      ['{% for k, v in d|items %}{{ k }}{% endfor %}{{ d|tojson }}', ['d', 'd']],
      ['{{ f(x, k=1, *rest, **kw) }} {{ a[1:] }} {{ a[::2] }}', ['f', 'x', 'rest', 'kw', 'a', 'a']],
      ['{% set x | upper %}{{ y }}{% endset %}{{ x }}', ['y']],
      ["{% from 'm.j2' import row as r with context %}{% import 'm.j2' as m %}{{ r(m.a) }}", []],
      ['{% filter upper %}{{ a }}{% endfilter %}{% call(u) list(users) %}{{ u }}{% endcall %}', ['a', 'list', 'users']],
    ];
    for (const [text, want] of cases) {
      const a = analyze(text);
      assert.deepEqual(a.diagnostics, [], text);
      assert.deepEqual(names(a), want, text);
    }
  });

  it('scopes names as Jinja2 does: loop and with variables stay inside, `loop` only in a loop, blocks see no outer set', () => {
    assert.deepEqual(names(analyze('{% for i in l %}{% set t = i %}{% endfor %}{{ t }}{{ i }}')), ['l', 't', 'i']);
    assert.deepEqual(names(analyze('{{ loop.index }}')), ['loop']);
    assert.deepEqual(names(analyze('{% for i in l %}{{ later }}{% endfor %}{% set later = 1 %}')), ['l']);
    assert.deepEqual(names(analyze('{% if a %}{% set x = 1 %}{% endif %}{{ x }}')), ['a', 'x']);
    assert.deepEqual(names(analyze('{% set x = 1 %}{% block b %}{{ x }}{% endblock %}')), ['x']);
    assert.deepEqual(names(analyze('{{ range(3) }}{{ cycler(a) }}{{ caller }}')), ['a', 'caller']);
  });

  it("reports what Jinja2's parser rejects inside a tag, on that tag", () => {
    for (const bad of ['{{ f(k=1, x) }}', '{{ a = b }}', '{{ a !b }}', '{% for 1 in x %}{% endfor %}', '{% macro m(a=1, b) %}{% endmacro %}', '{% with a %}{% endwith %}', '{{ }}', '{% include %}']) {
      const a = analyze(`ok\n${bad}`);
      assert.deepEqual(codes(a), ['template-syntax'], bad);
      assert.equal(a.diagnostics[0].range.start.line, 1, bad);
    }
  });

  it('never throws on arbitrary text', () => {
    const deep = ['{{ ' + '('.repeat(5000) + 'a' + ')'.repeat(5000) + ' }}', '{{ ' + 'not '.repeat(5000) + 'a }}', '{% if a %}'.repeat(3000) + '{{ b }}' + '{% endif %}'.repeat(3000)];
    for (const s of [...deep, '{{', '}}', '{%', '%}', '{#', '{{{{}}}}', '{% %}', '{{ "unterminated }}', '{% for %}', "{{ '}}' }}", '\u0000{{\u0000}}']) {
      assert.doesNotThrow(() => analyze(s));
    }
  });
});
