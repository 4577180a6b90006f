import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Range } from '../../../../src/core/diagnostics';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { corpusDir, fixturesDir } from '../../paths';

const dir = path.join(fixturesDir, 'gh-models');

function parse(text: string, name = 'p.prompt.yml'): ParsedFile {
  return parseAndCheck(`prompts/${name}`, new TextEncoder().encode(text));
}

function fixture(name: string): ParsedFile {
  return parse(fs.readFileSync(path.join(dir, name), 'utf8'), name);
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

const summary = (ds: Diagnostic[]) => ds.map((d) => [d.code, d.range]);

describe('core/formats/ghModels', () => {
  it('clean.prompt.yml has no diagnostics and yields model, messages, inputs from testData and samples', () => {
    const file = fixture('clean.prompt.yml');
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.format, 'gh-models');
    assert.equal(file.templateLanguage, 'literal-braces');
    assert.deepEqual(file.meta, { name: 'Ticket summarizer', description: 'Summarizes a support ticket in one paragraph' });
    assert.deepEqual(file.models, [
      {
        id: 'openai/gpt-4o-mini',
        range: r(2, 7, 2, 25),
        parameters: [
          { name: 'temperature', range: r(4, 2, 4, 13) },
          { name: 'maxTokens', range: r(5, 2, 5, 11) },
        ],
      },
    ]);
    assert.deepEqual(
      file.variables?.map((v) => [v.name, v.range]),
      [
        ['team', r(8, 49, 8, 53)],
        ['ticket', r(13, 8, 13, 14)],
      ],
    );
    assert.deepEqual(
      file.messages?.map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(file.messages?.[1].template, 'Summarize this ticket:\n<ticket>\n{{ticket}}\n</ticket>\n');
    assert.deepEqual(
      file.inputs?.map((i) => [i.name, i.type, i.required, i.range]),
      [
        ['team', 'string', true, r(16, 4, 16, 8)],
        ['ticket', 'string', true, r(17, 4, 17, 10)],
        ['expected', 'string', true, r(18, 4, 18, 12)],
      ],
    );
    assert.equal(file.samples?.length, 2);
  });

  it('reports a placeholder that no testData row fills (and not the unused expected key)', () => {
    const file = fixture('undefined-variable.prompt.yml');
    assert.deepEqual(summary(file.diagnostics), [['undefined-variable', r(4, 31, 4, 39)]]);
  });

  it('does not report undefined placeholders when there is no test data', () => {
    const file = parse('model: openai/gpt-4o\nmessages:\n  - role: user\n    content: "{{a}} {{b}}"\n');
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.inputs, undefined);
    assert.deepEqual(
      file.variables?.map((v) => v.name),
      ['a', 'b'],
    );
  });

  it('types inputs from the values and marks keys missing from some rows as optional', () => {
    const file = parse('model: m\nmessages:\n  - role: user\n    content: "{{n}} {{x}}"\ntestData:\n  - n: 1\n    x: a\n  - n: 2\n');
    assert.deepEqual(
      file.inputs?.map((i) => [i.name, i.type, i.required]),
      [
        ['n', 'integer', true],
        ['x', 'string', false],
      ],
    );
  });

  it('reports unknown fields with suggestions', () => {
    const file = fixture('unknown-field.prompt.yml');
    assert.deepEqual(summary(file.diagnostics), [
      ['unknown-field', r(7, 0, 7, 9)],
      ['unknown-field', r(3, 2, 3, 12)],
    ]);
    assert.deepEqual(
      file.diagnostics.map((d) => d.fixes?.[0].edits[0].newText),
      ['evaluators', 'temperature'],
    );
  });

  it('reports stray braces and placeholders written with spaces inside message content', () => {
    const file = fixture('stray-brace.prompt.yml');
    assert.deepEqual(summary(file.diagnostics), [
      ['template-syntax', r(3, 20, 3, 30)],
      ['unbalanced-brace', r(3, 66, 3, 68)],
    ]);
    assert.equal(file.diagnostics[0].severity, 'warning');
  });

  it('checks responseFormat json_schema against jsonSchema', () => {
    const missing = parse('model: m\nresponseFormat: json_schema\nmessages:\n  - role: user\n    content: x\n');
    assert.deepEqual(summary(missing.diagnostics), [['schema', r(1, 16, 1, 27)]]);
    const badJson = parse('model: m\nresponseFormat: json_schema\njsonSchema: "{not json"\nmessages:\n  - role: user\n    content: x\n');
    assert.deepEqual(summary(badJson.diagnostics), [['schema', r(2, 12, 2, 23)]]);
    const noName = parse('model: m\nresponseFormat: json_schema\njsonSchema: |\n  {"schema": {}}\nmessages:\n  - role: user\n    content: x\n');
    assert.deepEqual(summary(noName.diagnostics), [['schema', r(2, 0, 2, 10)]]);
  });

  it('requires model and messages, and a known role', () => {
    const file = parse('name: x\nmessages:\n  - role: robot\n    content: hi\n');
    assert.deepEqual(
      file.diagnostics.map((d) => d.code),
      ['schema', 'schema'],
    );
    assert.match(file.diagnostics.map((d) => d.message).join('\n'), /model/);
  });

  it('keeps ranges right with CRLF, a BOM and non-ASCII text', () => {
    const file = parse('\ufeffmodel: openai/gpt-4o\r\nmessages:\r\n  - role: user\r\n    content: |\r\n      Ünïcode 😀 {{wört}}\r\ntestData:\r\n  - wört: x\r\n');
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(
      file.variables?.map((v) => [v.name, v.range]),
      [['wört', r(4, 19, 4, 23)]],
    );
  });

  it('is detected by content when the file is a plain .yml', () => {
    const file = parseAndCheck('prompts/sample_prompt.yml', new TextEncoder().encode('model: openai/gpt-4o\nmessages:\n  - role: user\n    content: "{{q}}"\ntestData:\n  - q: hi\n'));
    assert.equal(file.format, 'gh-models');
    assert.deepEqual(file.diagnostics, []);
  });

  it('parses every real GitHub Models file without a crash or a false error', () => {
    const root = path.join(corpusDir, 'gh-models');
    const files = fs.readdirSync(root).filter((n) => /\.ya?ml$/.test(n));
    assert.ok(files.length >= 10);
    let prompts = 0;
    for (const n of files) {
      const file = parseAndCheck(`gh-models/${n}`, fs.readFileSync(path.join(root, n)));
      if (file.format !== 'gh-models') continue;
      prompts++;
      assert.deepEqual(file.diagnostics, [], n);
      assert.ok(file.models?.length === 1 && file.messages?.length, n);
    }
    assert.ok(prompts >= 9, `only ${prompts} sniffed as GitHub Models prompts`);
  });

  it('a prompt without model is a warning, not an error: gh models run asks for the model, only gh models eval needs it', () => {
    const file = parse('name: Greeter\nmessages:\n  - role: user\n    content: Hello {{name}}\ntestData:\n  - name: Ada\n');
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]),
      [['schema', 'warning', 1]],
    );
    assert.match(file.diagnostics[0].message, /names no `model`: `gh models run` asks for one/);
  });
});
