// Tests for the Handlebars body analysis: variables, partials, helpers, structure and syntax problems, exact ranges.

import * as assert from 'node:assert/strict';
import { analyzeHandlebars } from '../../../../src/core/templates/handlebars';
import type { HandlebarsAnalysis } from '../../../../src/core/templates/handlebars';
import type { Range } from '../../../../src/core/diagnostics';
import { TextDocument } from '../../../../src/core/text/textDocument';

const dotpromptHelpers = ['json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals'];

function analyze(text: string, start?: number): HandlebarsAnalysis {
  return analyzeHandlebars(new TextDocument(text), { file: 'x.prompt', start, helpers: dotpromptHelpers });
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

function vars(a: HandlebarsAnalysis): string[] {
  return a.variables.map((v) => v.name);
}

function codes(a: HandlebarsAnalysis): string[] {
  return a.diagnostics.map((d) => d.code);
}

describe('handlebars analysis', () => {
  describe('variables', () => {
    it('reports top-level names with the range of their first segment', () => {
      const a = analyze('Hi {{name}}, {{ user.email }} and {{this.city}}');
      assert.deepEqual(a.variables, [
        { name: 'name', range: r(0, 5, 0, 9) },
        { name: 'user', range: r(0, 16, 0, 20) },
        { name: 'city', range: r(0, 41, 0, 45) },
      ]);
      assert.deepEqual(a.diagnostics, []);
    });

    it('takes block, helper and hash parameters as variables, and helpers as helpers', () => {
      const a = analyze('{{#if flag}}{{media url=imageUrl contentType="image/png"}}{{/if}}{{#unless off}}x{{/unless}}{{json data indent=2}}{{history}}');
      assert.deepEqual(vars(a), ['flag', 'imageUrl', 'off', 'data']);
      assert.deepEqual(
        a.helpers.map((h) => h.name),
        ['if', 'media', 'unless', 'json', 'history'],
      );
      assert.deepEqual(a.helpers[1].range, r(0, 14, 0, 19));
    });

    it('reads subexpressions: the helper is not a variable, its arguments are', () => {
      const a = analyze('{{#if (gt meta.version 1)}}new{{/if}}');
      assert.deepEqual(a.variables, [{ name: 'meta', range: r(0, 10, 0, 14) }]);
      assert.deepEqual(
        a.helpers.map((h) => h.name),
        ['if', 'gt'],
      );
    });

    it('resolves names inside #each and #with against the inner context', () => {
      const a = analyze('{{#each items}}{{name}} {{this}} {{@index}} {{../title}} {{@root.owner}}{{/each}}{{#with meta}}{{a}}{{/with}}');
      assert.deepEqual(a.variables, [
        { name: 'items', range: r(0, 8, 0, 13) },
        { name: 'title', range: r(0, 49, 0, 54) },
        { name: 'owner', range: r(0, 65, 0, 70) },
        { name: 'meta', range: r(0, 89, 0, 93) },
      ]);
    });

    it('does not count block parameters, and keeps `#with this` at the top', () => {
      const a = analyze('{{#each list as |item idx|}}{{item.x}}{{idx}}{{/each}}{{#with this}}{{b}}{{/with}}');
      assert.deepEqual(vars(a), ['list', 'b']);
    });

    it('treats a section without a helper ({{#items}}) as a variable that enters its own context', () => {
      const a = analyze('{{#items}}{{inner}}{{/items}}{{^empty}}none{{/empty}}');
      assert.deepEqual(vars(a), ['items', 'empty']);
    });

    it('uses the else branch of #each in the outer context', () => {
      const a = analyze('{{#each xs}}{{y}}{{else}}{{z}}{{/each}}');
      assert.deepEqual(vars(a), ['xs', 'z']);
    });

    it('flags a body that hands on its whole context', () => {
      assert.equal(analyze('{{json this}}').usesContext, true);
      assert.equal(analyze('{{> footer}}').usesContext, true);
      // A hash extends the current context, so the partial still sees every input.
      assert.equal(analyze('{{> footer title=t}}').usesContext, true);
      assert.equal(analyze('{{> footer data}}').usesContext, false);
      assert.equal(analyze('{{#each xs}}{{this}}{{> item}}{{/each}}').usesContext, false);
    });
  });

  describe('partials', () => {
    it('lists partial uses with the range of their name, not inline or dynamic ones', () => {
      const a = analyze('{{> header}}\n{{>footer year=2025 author=who}}\n{{> (pick kind)}}\n{{#*inline "row"}}{{cell}}{{/inline}}{{> row}}\n{{#> layout}}fallback{{/layout}}');
      assert.deepEqual(a.partials, [
        { name: 'header', range: r(0, 4, 0, 10) },
        { name: 'footer', range: r(1, 3, 1, 9) },
        { name: 'row', range: r(3, 41, 3, 44) },
      ]);
      assert.deepEqual(a.inlinePartials, ['row']);
      assert.deepEqual(vars(a), ['who', 'kind', 'cell']);
    });

    it('reads partial names with dashes and string names', () => {
      const a = analyze('{{>circular-partial-b}} {{> "quoted name"}}');
      assert.deepEqual(
        a.partials.map((p) => p.name),
        ['circular-partial-b', 'quoted name'],
      );
    });
  });

  describe('braces', () => {
    it('reports a stray }} on the braces themselves', () => {
      const a = analyze('Hello, {{ name }}!\n\nThis has an extra closing brace: }}\n');
      assert.deepEqual(codes(a), ['unbalanced-brace']);
      assert.deepEqual(a.diagnostics[0].range, r(2, 33, 2, 35));
      assert.equal(a.diagnostics[0].fixes?.[0].edits[0].newText, '');
    });

    it('does not flag JSON, escaped tags, comments, raw blocks or triple-stash', () => {
      const a = analyze('{"a": {"b": 1}}\n\\{{literal}}\n{{!-- a }} b --}}\n{{{{raw}}}} {{x}} }} {{{{/raw}}}}\n{{{html}}}\n{{f "}}"}}');
      assert.deepEqual(a.diagnostics, []);
      assert.deepEqual(vars(a), ['raw', 'html']);
    });

    it('reports {{ without }} and offers to close the tag', () => {
      const a = analyze('Hi {{name\nnext {{ok}}');
      assert.deepEqual(codes(a), ['unbalanced-brace']);
      assert.deepEqual(a.diagnostics[0].range, r(0, 3, 0, 5));
      assert.deepEqual(a.diagnostics[0].fixes?.[0].edits, [{ range: r(0, 9, 0, 9), newText: '}}' }]);
      assert.deepEqual(vars(a), ['name', 'ok']);
    });

    it('explains a short comment cut short by a }} inside it, with a fix', () => {
      const a = analyze('{{!\n  Use {{> name }} here.\n}}\nText');
      assert.deepEqual(codes(a), ['unbalanced-brace']);
      assert.deepEqual(a.diagnostics[0].range, r(2, 0, 2, 2));
      assert.match(a.diagnostics[0].message, /\{\{!-- … --\}\}/);
      assert.deepEqual(a.diagnostics[0].fixes?.[0].edits, [
        { range: r(0, 3, 0, 3), newText: '--' },
        { range: r(2, 0, 2, 0), newText: '--' },
      ]);
    });

    it('reports a comment that is never closed', () => {
      const a = analyze('a {{!-- open\nforever');
      assert.deepEqual(codes(a), ['unbalanced-brace']);
      assert.deepEqual(a.diagnostics[0].range, r(0, 2, 0, 7));
    });
  });

  describe('block structure', () => {
    it('reports an unclosed block on its opening tag', () => {
      const a = analyze('Hello {{ name }}!\n\n{{#if premium}}\n  Welcome!\n');
      assert.deepEqual(codes(a), ['unclosed-block']);
      assert.deepEqual(a.diagnostics[0].range, r(2, 0, 2, 15));
      assert.deepEqual(vars(a), ['name', 'premium']);
    });

    it('reports a closing tag with no opener on the closing tag, with a removal fix', () => {
      const a = analyze('Hello {{name}}!\n\n{{/if}}\n');
      assert.deepEqual(codes(a), ['unmatched-closing-block']);
      assert.deepEqual(a.diagnostics[0].range, r(2, 0, 2, 7));
      assert.deepEqual(
        a.diagnostics[0].fixes?.map((f) => f.title),
        ['Remove `{{/if}}`'],
      );
    });

    it('reports mismatched names with a rename fix and the opener as related information', () => {
      const a = analyze('{{#if a}}\nx\n{{/each}}');
      assert.deepEqual(codes(a), ['unmatched-closing-block', 'unclosed-block']);
      const d = a.diagnostics[0];
      assert.deepEqual(d.range, r(2, 0, 2, 9));
      assert.deepEqual(d.fixes?.[0].edits, [{ range: r(2, 3, 2, 7), newText: 'if' }]);
      assert.deepEqual(d.related?.[0].range, r(0, 0, 0, 9));
      assert.deepEqual(a.diagnostics[1].range, r(0, 0, 0, 9));
    });

    it('reports a block left open inside another that closes', () => {
      const a = analyze('{{#each xs}}{{#if y}}\n{{/each}}');
      assert.deepEqual(codes(a), ['unclosed-block']);
      assert.deepEqual(a.diagnostics[0].range, r(0, 12, 0, 21));
      assert.match(a.diagnostics[0].message, /not closed before `\{\{\/each\}\}` on line 2/);
    });

    it('treats an unclosed opening tag as a block too, and still reads its parameters', () => {
      const a = analyze('{{#role "user"}}\n{{#if detailed\nMore.\n{{/role}}\n');
      assert.deepEqual(codes(a), ['unbalanced-brace', 'unclosed-block']);
      assert.deepEqual(a.diagnostics[0].range, r(1, 0, 1, 2));
      assert.deepEqual(a.diagnostics[1].range, r(1, 0, 1, 14));
      assert.deepEqual(a.variables, [{ name: 'detailed', range: r(1, 6, 1, 14) }]);
    });

    it('matches raw blocks and partial blocks', () => {
      assert.deepEqual(analyze('{{{{raw}}}}{{/if}}{{{{/raw}}}}{{#> layout}}x{{/layout}}').diagnostics, []);
      assert.deepEqual(codes(analyze('{{{{raw}}}} never closed')), ['unclosed-block']);
    });

    it('reports {{else}} outside any block', () => {
      const a = analyze('a {{else}} b');
      assert.deepEqual(codes(a), ['template-syntax']);
      assert.deepEqual(a.diagnostics[0].range, r(0, 2, 0, 10));
    });
  });

  describe('syntax errors', () => {
    it('narrows a parse error to the offending token and keeps reading the rest', () => {
      const a = analyze('{{name}}\n{{#if age >= 18}}adult{{else}}minor{{/if}} {{other}}');
      assert.deepEqual(codes(a), ['template-syntax']);
      assert.deepEqual(a.diagnostics[0].range, r(1, 10, 1, 11));
      assert.match(a.diagnostics[0].message, /no operators/);
      assert.deepEqual(vars(a), ['name', 'other']);
      assert.equal(a.complete, false);
    });

    it('reports a malformed tag with what Handlebars expected', () => {
      const a = analyze('x {{foo bar}\ny');
      assert.deepEqual(codes(a), ['unbalanced-brace']);
      const b = analyze('x {{foo } bar}}');
      assert.deepEqual(codes(b), ['template-syntax']);
      assert.deepEqual(b.diagnostics[0].range, r(0, 8, 0, 9));
      assert.match(b.diagnostics[0].message, /expected `\}\}`/);
    });

    it('explains `}}}` after a tag in JSON-like text', () => {
      const a = analyze('{"name": {{name}}}');
      assert.deepEqual(codes(a), ['template-syntax']);
      assert.deepEqual(a.diagnostics[0].range, r(0, 15, 0, 18));
      assert.match(a.diagnostics[0].message, /put a space between `\}\}` and the following `\}`/);
    });

    it('reports invalid paths with their position', () => {
      const a = analyze('a\r\nb {{foo.this}}');
      assert.deepEqual(codes(a), ['template-syntax']);
      assert.equal(a.diagnostics[0].range.start.line, 1);
    });
  });

  describe('positions', () => {
    it('maps ranges of a body that starts inside the file, with CRLF line ends', () => {
      const text = '---\r\nmodel: m\r\n---\r\nLine one\r\n{{#if x}}\r\n  {{ y }} }}\r\n';
      const start = text.indexOf('Line');
      const a = analyze(text, start);
      assert.deepEqual(a.variables, [
        { name: 'x', range: r(4, 6, 4, 7) },
        { name: 'y', range: r(5, 5, 5, 6) },
      ]);
      assert.deepEqual(
        a.diagnostics.map((d) => [d.code, d.range]),
        [
          ['unbalanced-brace', r(5, 10, 5, 12)],
          ['unclosed-block', r(4, 0, 4, 9)],
        ],
      );
    });

    it('counts characters in UTF-16 code units, after a BOM, with tabs', () => {
      const a = analyze('\uFEFFGrüße 😀 {{ name }}\n\t{{#each 項目}}\t{{/each}} }}');
      assert.deepEqual(a.variables, [
        { name: 'name', range: r(0, 12, 0, 16) },
        { name: '項目', range: r(1, 9, 1, 11) },
      ]);
      assert.deepEqual(a.diagnostics[0].range, r(1, 24, 1, 26));
    });

    it('handles a lone CR as a line break like Handlebars does', () => {
      const a = analyze('a\r{{b}}\r{{/c}}');
      assert.deepEqual(a.variables, [{ name: 'b', range: r(1, 2, 1, 3) }]);
      assert.deepEqual(a.diagnostics[0].range, r(2, 0, 2, 6));
    });
  });

  describe('robustness', () => {
    it('stops at blocks nested too deeply instead of recursing', () => {
      const a = analyze('{{#if a}}'.repeat(5000) + '{{x}}' + '{{/if}}'.repeat(5000));
      assert.deepEqual(codes(a), ['template-syntax']);
      assert.match(a.diagnostics[0].message, /nest more than 64 levels/);
      assert.equal(a.complete, false);
    });

    it('stays linear on long runs of braces', () => {
      const started = Date.now();
      const a = analyze('{'.repeat(60000) + '\\{{'.repeat(20000) + '{{"'.repeat(20000));
      assert.ok(a.diagnostics.length > 0);
      assert.ok(Date.now() - started < 10000);
    });

    it('never throws and keeps every range inside the text', () => {
      const alphabet = [
        '{{',
        '}}',
        '{',
        '}',
        '#',
        '/',
        '^',
        '>',
        '!',
        '--',
        '~',
        '"',
        "'",
        '[',
        ']',
        'if',
        'each',
        'else',
        'x',
        ' ',
        '\n',
        '\r\n',
        '\\',
        '(',
        ')',
        '=',
        '@root.',
        '../',
        'as |a|',
        '{{{{',
        '}}}}',
        '😀',
      ];
      let seed = 42;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let k = 0; k < 400; k++) {
        let s = '';
        const len = 1 + rand(40);
        for (let j = 0; j < len; j++) s += alphabet[rand(alphabet.length)];
        const doc = new TextDocument(s);
        const a = analyzeHandlebars(doc, { file: 'f.prompt', helpers: dotpromptHelpers });
        const last = doc.positionAt(doc.text.length);
        const inside = (p: { line: number; character: number }): boolean => p.line < last.line || (p.line === last.line && p.character <= last.character);
        for (const x of [...a.diagnostics, ...a.variables, ...a.partials]) {
          assert.ok(inside(x.range.start) && inside(x.range.end), `range outside text for ${JSON.stringify(s)}`);
        }
      }
    });
  });
});
