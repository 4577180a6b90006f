// Tests for the Dotprompt format: the corpus examples, front matter checks, inputs, messages, and the variable fixes applied to text.

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkVariables } from '../../../../src/core/checks/variables';
import type { Diagnostic, Range, TextEdit } from '../../../../src/core/diagnostics';
import { dotpromptPartialName } from '../../../../src/core/formats/dotprompt';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { corpusDir, fixturesDir } from '../../paths';

const examples = path.join(corpusDir, 'dotprompt', 'examples');
const fixtures = path.join(fixturesDir, 'dotprompt');

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

function parseText(text: string, p = 'prompts/p.prompt'): ParsedFile {
  return parseAndCheck(p, new TextEncoder().encode(text));
}

function parseCorpus(name: string): ParsedFile {
  return parseAndCheck(`examples/${name}`, readFileSync(path.join(examples, name)));
}

function parseFixture(name: string): ParsedFile {
  return parseAndCheck(name, readFileSync(path.join(fixtures, name)));
}

function found(f: ParsedFile): [string, Range][] {
  return f.diagnostics.map((d) => [d.code, d.range]);
}

/** Applies LSP edits to a text (ranges in the text without its BOM). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const doc = new TextDocument(text);
  const withOffsets = edits.map((e) => ({ a: doc.offsetAt(e.range.start), b: doc.offsetAt(e.range.end), t: e.newText }));
  withOffsets.sort((x, y) => y.a - x.a);
  let out = doc.text;
  for (const e of withOffsets) out = out.slice(0, e.a) + e.t + out.slice(e.b);
  return out;
}

function fixOf(d: Diagnostic | undefined, index = 0): TextEdit[] {
  assert.ok(d?.fixes?.[index], 'diagnostic has the fix');
  return d!.fixes![index].edits;
}

describe('dotprompt', () => {
  describe('corpus examples whose names give the problem', () => {
    it('error-unbalanced-brace: a stray }} after a license header', () => {
      const f = parseCorpus('error-unbalanced-brace.prompt');
      assert.deepEqual(found(f), [['unbalanced-brace', r(23, 33, 23, 35)]]);
      // No input schema: `name` is not checked.
      assert.equal(f.inputs, undefined);
      assert.deepEqual(
        f.variables?.map((v) => v.name),
        ['name'],
      );
    });

    it('error-unclosed-block: {{#if premium}} never closed', () => {
      const f = parseCorpus('error-unclosed-block.prompt');
      assert.deepEqual(found(f), [
        ['unclosed-block', r(10, 0, 10, 15)],
        ['undefined-variable', r(10, 6, 10, 13)],
      ]);
    });

    it('error-unmatched-closing-block: {{/if}} with no opener', () => {
      const f = parseCorpus('error-unmatched-closing-block.prompt');
      assert.deepEqual(found(f), [['unmatched-closing-block', r(23, 0, 23, 7)]]);
    });

    it('warning-undefined-variable: email and age, exactly', () => {
      const f = parseCorpus('warning-undefined-variable.prompt');
      assert.deepEqual(found(f), [
        ['undefined-variable', r(10, 18, 10, 23)],
        ['undefined-variable', r(11, 16, 11, 19)],
      ]);
      assert.match(f.diagnostics[0].message, /`email`/);
      assert.match(f.diagnostics[1].message, /`age`/);
    });

    it('warning-unused-variable: email and age are declared and never used', () => {
      const f = parseCorpus('warning-unused-variable.prompt');
      assert.deepEqual(found(f), [
        ['unused-variable', r(7, 4, 7, 9)],
        ['unused-variable', r(8, 4, 8, 7)],
      ]);
    });

    it('error-invalid-yaml: the front matter does not parse', () => {
      const f = parseCorpus('error-invalid-yaml.prompt');
      assert.deepEqual(
        f.diagnostics.map((d) => d.code),
        ['yaml-syntax'],
      );
      assert.equal(f.diagnostics[0].range.start.line, 6);
    });

    it('error-multiple-issues: an unclosed tag that opens a block, and undeclared variables', () => {
      const f = parseCorpus('error-multiple-issues.prompt');
      assert.deepEqual(found(f), [
        ['unbalanced-brace', r(25, 0, 25, 2)],
        ['unclosed-block', r(25, 0, 25, 14)],
        ['dotprompt-role-block', r(9, 0, 9, 18)],
        ['dotprompt-role-block', r(13, 0, 13, 16)],
        ['undefined-variable', r(20, 8, 20, 22)],
        ['undefined-variable', r(25, 6, 25, 14)],
      ]);
    });

    it('valid-customer-support: its role blocks, which the runtime drops, are reported, with a fix to role markers', () => {
      const f = parseCorpus('valid-customer-support.prompt');
      assert.deepEqual(found(f), [
        ['dotprompt-role-block', r(10, 0, 10, 18)],
        ['dotprompt-role-block', r(15, 0, 15, 16)],
      ]);
      assert.equal(f.diagnostics[0].severity, 'warning', 'the runtime accepts the file: no error');
      assert.match(f.diagnostics[0].message, /^`\{\{#role "system"\}\}…\{\{\/role\}\}` sends nothing: .*drops the text inside it; write `\{\{role "system"\}\}`/);
      const text = readFileSync(path.join(examples, 'valid-customer-support.prompt'), 'utf8');
      const fixed = applyEdits(text, [...fixOf(f.diagnostics[0]), ...fixOf(f.diagnostics[1])]);
      assert.equal(
        fixed.slice(fixed.indexOf('---\n{{') + 4),
        '{{role "system"}}\nYou are a helpful customer support assistant for Acme Corp.\nAlways be polite and professional.\n\n{{role "user"}}\nHello, my name is {{ name }} and I work at {{ company }}.\nMy email is {{ email }}.\n\nI have a question about my account.\n',
      );
      assert.deepEqual(parseText(fixed).diagnostics, [], 'the fixed file is clean');
      // The author's messages, as the blocks meant them.
      assert.deepEqual(
        f.messages?.map((m) => m.role),
        ['system', 'user'],
      );
      assert.match(f.messages![1].template, /^Hello, my name is \{\{ name \}\}/);
    });

    it('the other clean examples have no diagnostics but what the runtime refuses (Picoschema `string[]`, role blocks)', () => {
      assert.deepEqual(parseCorpus('features.prompt').diagnostics, []);
      assert.deepEqual(found(parseCorpus('valid-comments-and-partials.prompt')), [['schema', r(7, 4, 7, 9)]]);
      const blog = parseCorpus('valid-blog-generator.prompt');
      assert.deepEqual(found(blog), [
        ['schema', r(11, 4, 11, 11)],
        ['dotprompt-role-block', r(14, 0, 14, 18)],
        ['dotprompt-role-block', r(18, 0, 18, 16)],
      ]);
      assert.equal(
        blog.diagnostics[0].message,
        "`string[]` is not Picoschema: Dotprompt's runtime refuses it (could not find schema with name 'string[]') and the prompt does not render; write `outline(array): string`.",
      );
    });

    it('a role block followed by text gets a marker of the role before it; a nested or non-literal block gets no fix', () => {
      const text = '---\nmodel: m\n---\nIntro\n{{#role "system"}}Be brief.{{/role}} Then this.\n{{#if x}}{{#role "model"}}a{{/role}}{{/if}}\n';
      const f = parseText(text);
      const blocks = f.diagnostics.filter((d) => d.code === 'dotprompt-role-block');
      assert.equal(blocks.length, 2);
      assert.equal(applyEdits(text, fixOf(blocks[0])), '---\nmodel: m\n---\nIntro\n{{role "system"}}Be brief.{{role "user"}} Then this.\n{{#if x}}{{#role "model"}}a{{/role}}{{/if}}\n');
      assert.equal(blocks[1].fixes, undefined);
    });

    it('valid-greeting uses `>=`, which Handlebars cannot parse', () => {
      const f = parseCorpus('valid-greeting.prompt');
      assert.deepEqual(found(f), [
        ['template-syntax', r(16, 10, 16, 11)],
        ['undefined-variable', r(22, 8, 22, 17)],
      ]);
    });

    it('reports partial uses and the partial name of files in partials/', () => {
      const f = parseAndCheck('examples/partials/circular-partial-a.prompt', readFileSync(path.join(examples, 'partials', 'circular-partial-a.prompt')));
      assert.equal(f.partialName, 'circular-partial-a');
      assert.deepEqual(f.partials, [{ name: 'circular-partial-b', range: r(5, 3, 5, 21) }]);
    });

    it('parses every corpus file without an internal error and keeps ranges inside the file', () => {
      const dirs = [examples, path.join(examples, 'partials'), path.join(corpusDir, 'dotprompt', 'samples')];
      let count = 0;
      for (const dir of dirs) {
        for (const name of readdirSync(dir).filter((n) => n.endsWith('.prompt'))) {
          const bytes = readFileSync(path.join(dir, name));
          const f = parseAndCheck(name, bytes);
          const doc = new TextDocument(new TextDecoder().decode(bytes));
          const end = doc.positionAt(doc.text.length);
          for (const d of f.diagnostics) {
            assert.notEqual(d.code, 'unreadable-file', `${name}: ${d.message}`);
            assert.ok(d.range.end.line < end.line || (d.range.end.line === end.line && d.range.end.character <= end.character), name);
          }
          count++;
        }
      }
      assert.ok(count >= 25);
    });
  });

  describe('front matter', () => {
    it('reports unknown fields with the nearest name and wrong types, and allows extension fields', () => {
      const f = parseFixture('unknown-field.prompt');
      assert.deepEqual(found(f), [
        ['unknown-field', r(1, 0, 1, 5)],
        ['schema', r(3, 15, 3, 18)],
        ['unknown-field', r(7, 2, 7, 10)],
        ['schema', r(9, 12, 9, 17)],
      ]);
      assert.deepEqual(fixOf(f.diagnostics[0]), [{ range: r(1, 0, 1, 5), newText: 'model' }]);
      assert.deepEqual(fixOf(f.diagnostics[2]), [{ range: r(7, 2, 7, 10), newText: 'default' }]);
    });

    it('reports front matter that is never closed', () => {
      const f = parseFixture('unterminated-front-matter.prompt');
      assert.deepEqual(found(f), [['yaml-syntax', r(0, 0, 0, 3)]]);
    });

    it('reads meta, the model and its parameters, defaults as a sample, and messages by role', () => {
      const f = parseFixture('clean.prompt');
      assert.deepEqual(f.diagnostics, []);
      assert.equal(f.templateLanguage, 'handlebars');
      assert.deepEqual(f.meta, { name: 'support-reply', description: 'Drafts a reply to a customer question.', version: '1.2.0' });
      assert.deepEqual(f.models, [
        {
          id: 'googleai/gemini-2.5-flash',
          range: r(4, 7, 4, 32),
          parameters: [
            { name: 'temperature', range: r(6, 2, 6, 13) },
            { name: 'maxOutputTokens', range: r(7, 2, 7, 17) },
          ],
        },
      ]);
      assert.deepEqual(f.samples, [{ customer: 'there' }]);
      assert.deepEqual(
        f.messages?.map((m) => m.role),
        ['system', 'user'],
      );
      assert.equal(f.messages![0].template, 'You answer questions about our products politely.');
    });

    it('reads front matter after blank lines alone, as Dotprompt does (FRONTMATTER_AND_BODY_REGEX)', () => {
      const f = parseText('\n\n---\nmodel: googleai/gemini-2.5-flash\ninput:\n  schema:\n    topic: string\n---\nWrite about {{topic}}.\n');
      assert.deepEqual(f.diagnostics, []);
      assert.deepEqual(
        f.inputs?.map((i) => i.name),
        ['topic'],
      );
      assert.deepEqual(f.messages, [{ role: 'user', template: 'Write about {{topic}}.' }]);
    });

    it('accepts a file without front matter (no inputs, so no variable checks)', () => {
      const f = parseFixture('no-front-matter.prompt');
      assert.deepEqual(f.diagnostics, []);
      assert.equal(f.inputs, undefined);
      assert.deepEqual(
        f.variables?.map((v) => v.name),
        ['text', 'words'],
      );
      assert.deepEqual(f.messages, [{ role: 'user', template: 'Summarise {{text}} in {{words}} words.' }]);
    });
  });

  describe('partials', () => {
    it('names partials from `_name.prompt` and from a partials/ folder', () => {
      assert.equal(dotpromptPartialName('lib/_header.prompt'), 'header');
      assert.equal(dotpromptPartialName('lib/_header.formal.prompt'), 'header');
      assert.equal(dotpromptPartialName('lib/partials/footer.prompt'), 'footer');
      assert.equal(dotpromptPartialName('lib/greeting.prompt'), undefined);
      assert.equal(parseFixture('_greeting.prompt').partialName, 'greeting');
      assert.deepEqual(parseFixture('_greeting.prompt').partials, [{ name: 'signature', range: r(0, 21, 0, 30) }]);
    });
  });

  describe('template checks in a file', () => {
    it('resolves names inside #each against each item, with @root and ../ reaching the inputs', () => {
      const f = parseFixture('scopes.prompt');
      assert.deepEqual(f.diagnostics, []);
      assert.deepEqual(
        f.variables?.map((v) => [v.name, v.range]),
        [
          ['orders', r(7, 8, 7, 14)],
          ['shop', r(8, 36, 8, 40)],
          ['shop', r(8, 55, 8, 59)],
          ['shop', r(10, 8, 10, 12)],
        ],
      );
    });

    it('reports each kind of template problem in the fixtures', () => {
      assert.deepEqual(found(parseFixture('unclosed-block.prompt')), [['unclosed-block', r(5, 0, 5, 15)]]);
      assert.deepEqual(found(parseFixture('unmatched-closing-block.prompt')), [
        ['unmatched-closing-block', r(5, 15, 5, 24)],
        ['unclosed-block', r(5, 0, 5, 12)],
      ]);
      assert.deepEqual(found(parseFixture('unbalanced-brace.prompt')), [
        ['unbalanced-brace', r(5, 58, 5, 60)],
        ['unbalanced-brace', r(6, 9, 6, 11)],
      ]);
      // `age` sits in the tag Handlebars rejects: no unused-variable claim is made.
      assert.deepEqual(found(parseFixture('template-syntax.prompt')), [['template-syntax', r(5, 10, 5, 11)]]);
    });

    it('keeps exact ranges with CRLF, a BOM, tabs and non-ASCII text', () => {
      const text = '\uFEFF---\r\ninput:\r\n  schema:\r\n    name: string\r\n    ünused: string\r\n---\r\nGrüße 😀 {{ name }}\t{{ missing }}\r\n';
      const f = parseText(text);
      assert.deepEqual(found(f), [
        ['undefined-variable', r(6, 23, 6, 30)],
        ['unused-variable', r(4, 4, 4, 10)],
      ]);
      assert.deepEqual(f.inputs?.[1].fullRange, r(4, 0, 5, 0));
    });
  });

  describe('fixes applied to the text', () => {
    it('declares a missing input in Picoschema form', () => {
      const text = readFileSync(path.join(fixtures, 'undefined-variable.prompt'), 'utf8');
      const f = parseText(text);
      const fixed = applyEdits(text, fixOf(f.diagnostics[0]));
      assert.equal(fixed, text.replace('    topic: string\n', '    topic: string\n    audience: string\n'));
      assert.deepEqual(parseText(fixed).diagnostics, []);
    });

    it('declares a missing input in a CRLF file with CRLF', () => {
      const text = readFileSync(path.join(fixtures, 'undefined-variable.prompt'), 'utf8').replace(/\n/g, '\r\n');
      const f = parseText(text);
      const fixed = applyEdits(text, fixOf(f.diagnostics[0]));
      assert.equal(fixed, text.replace('    topic: string\r\n', '    topic: string\r\n    audience: string\r\n'));
    });

    it('removes an unused input with its whole line', () => {
      const text = readFileSync(path.join(fixtures, 'unused-variable.prompt'), 'utf8');
      const f = parseText(text);
      const tone = f.diagnostics.find((d) => d.message.includes('`tone`'));
      const fixed = applyEdits(text, fixOf(tone));
      assert.equal(fixed, text.replace('    tone?: string, Writing tone\n', ''));
      const again = parseText(fixed);
      assert.deepEqual(
        again.diagnostics.map((d) => d.message.match(/`(\w+)`/)?.[1]),
        ['length'],
      );
      const gone = applyEdits(fixed, fixOf(again.diagnostics[0]));
      assert.deepEqual(parseText(gone).diagnostics, []);
    });

    it('removes a multi-line JSON Schema property and declares one in JSON Schema form', () => {
      const text = readFileSync(path.join(fixtures, 'json-schema-input.prompt'), 'utf8');
      const f = parseText(text);
      assert.deepEqual(found(f), [['undefined-variable', r(12, 47, 12, 53)]]);
      const fixed = applyEdits(text, fixOf(f.diagnostics[0]));
      assert.equal(fixed, text.replace('        type: integer\n', '        type: integer\n      season:\n        type: string\n'));
      assert.deepEqual(parseText(fixed).diagnostics, []);
      const unused = parseText(fixed.replace(' for {{days}} days', ''));
      const removed = applyEdits(fixed.replace(' for {{days}} days', ''), fixOf(unused.diagnostics[0]));
      assert.ok(!removed.includes('days:') && removed.includes('      season:\n'));
    });

    it('creates `input.schema` when the file has none', () => {
      const cases: [string, string][] = [
        ['---\nmodel: m\n---\nHi {{who}}\n', '---\nmodel: m\ninput:\n  schema:\n    who: string\n---\nHi {{who}}\n'],
        ['---\ninput:\n  default:\n    who: Ada\n---\nHi {{who}}\n', '---\ninput:\n  default:\n    who: Ada\n  schema:\n    who: string\n---\nHi {{who}}\n'],
        ['---\ninput:\n  schema:\n---\nHi {{who}}\n', '---\ninput:\n  schema:\n    who: string\n---\nHi {{who}}\n'],
        ['Hi {{who}}\n', '---\ninput:\n  schema:\n    who: string\n---\nHi {{who}}\n'],
      ];
      for (const [text, expected] of cases) {
        const f = parseText(text);
        assert.equal(f.inputs, undefined);
        // What the declare-input fix inserts once inputs are checked.
        const d = checkVariables({ ...f, inputs: [] })[0];
        const fixed = applyEdits(text, fixOf(d));
        assert.equal(fixed, expected);
        assert.deepEqual(parseText(fixed).diagnostics, []);
      }
    });
  });

  describe('robustness', () => {
    it('never fails on broken input', () => {
      const pieces = [
        '---\n',
        'input:\n',
        '  schema:\n',
        '    a: string\n',
        '    b?(array): [x\n',
        'model: 3\n',
        'config: [\n',
        '{{#if a}}',
        '{{/if}}',
        '{{',
        '}}',
        '\r\n',
        '# c\n',
        'x(*): any\n',
        '&a [*a]\n',
      ];
      let seed = 7;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let k = 0; k < 300; k++) {
        let s = '';
        for (let j = 0, n = rand(14); j < n; j++) s += pieces[rand(pieces.length)];
        const f = parseText(s);
        assert.ok(!f.diagnostics.some((d) => d.code === 'unreadable-file'), JSON.stringify(s));
      }
    });
  });
});
