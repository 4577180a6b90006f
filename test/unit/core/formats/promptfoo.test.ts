import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../../../../src/core/diagnostics';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { formatOfPath } from '../../../../src/core/formats/detect';
import { explainingErrors, promptfooValidator } from '../../../../src/core/formats/promptfooSchema';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { corpusDir, fixturesDir } from '../../paths';

const dir = path.join(fixturesDir, 'promptfoo');

function fixture(name: string): ParsedFile {
  return parseAndCheck(`evals/${name}/promptfooconfig.yaml`, fs.readFileSync(path.join(dir, name, 'promptfooconfig.yaml')));
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

describe('core/formats/promptfoo', () => {
  it('clean promptfooconfig.yaml has no diagnostics and yields the suite', () => {
    const file = fixture('clean');
    assert.deepEqual(file.diagnostics, []);
    assert.equal(file.format, 'promptfoo');
    assert.equal(file.meta.description, 'Ticket summaries stay short and factual');
    const suite = file.evalSuite!;
    assert.deepEqual(suite.prompts, [
      { value: 'file://../../prompts/summarize.prompt', range: r(3, 4, 3, 41) },
      { value: 'file://inline.txt', range: r(4, 8, 4, 25) },
      { value: 'Summarize: {{ticket}}', range: r(6, 4, 6, 27) },
    ]);
    assert.deepEqual(suite.providers, [
      { id: 'openai:gpt-4.1-mini', range: r(8, 4, 8, 23), parameters: [] },
      {
        id: 'anthropic:messages:claude-sonnet-4-5',
        range: r(9, 8, 9, 44),
        parameters: [
          { name: 'temperature', range: r(11, 6, 11, 17), value: 0 },
          { name: 'max_tokens', range: r(12, 6, 12, 16), value: 300 },
        ],
      },
    ]);
    assert.deepEqual(file.models, suite.providers);
    assert.deepEqual(suite.defaultVars, ['language']);
    assert.deepEqual(suite.tests, [
      {
        description: 'duplicate charge',
        range: r(21, 4, 21, 8),
        vars: [
          { name: 'ticket', value: 'I was charged twice.', range: r(22, 6, 22, 12) },
          { name: 'priority', value: 2, range: r(23, 6, 23, 14) },
        ],
        // A new var goes after `priority`, at its indentation.
        newVar: { range: r(24, 0, 24, 0), indent: '      ', header: '', line: '${name}\n' },
      },
      { range: r(29, 4, 29, 8), vars: [], opaqueVars: true },
      { range: r(32, 4, 32, 25), vars: [], opaqueVars: true },
    ]);
    assert.deepEqual(file.links, [
      { target: '../../prompts/summarize.prompt', range: r(3, 11, 3, 41) },
      { target: 'inline.txt', range: r(4, 15, 4, 25) },
      { target: 'vars/missing-parcel.yaml', range: r(29, 17, 29, 41) },
      { target: 'more-tests.csv', range: r(32, 11, 32, 25) },
    ]);
  });

  it('reports unknown fields with suggestions and assertions without a type', () => {
    const file = fixture('unknown-field');
    assert.deepEqual(
      file.diagnostics.map((d) => [d.code, d.range, d.fixes?.[0].edits[0].newText]),
      [
        ['unknown-field', r(2, 0, 2, 8), 'providers'],
        ['unknown-field', r(6, 4, 6, 9), 'assert'],
        ['schema', r(12, 8, 12, 27), undefined],
      ],
    );
    assert.match(file.diagnostics[2].message, /missing the required field `type`/);
  });

  it('is what an eval asset entry is parsed as, whatever its name', () => {
    const text = 'prompts: [file://p.prompt]\ntests:\n  - vars: { topic: cats }\n';
    const file = parseAndCheck('evals/summary/suite.yaml', new TextEncoder().encode(text), 'promptfoo');
    assert.equal(file.format, 'promptfoo');
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(file.evalSuite?.tests[0].vars, [{ name: 'topic', value: 'cats', range: r(2, 12, 2, 17) }]);
  });

  it('reads providers given as a map, tests given as a file, python assertion functions and globs (checked against the listing)', () => {
    const text = [
      'prompts:',
      '  - file://prompts/*.txt',
      'providers:',
      '  - openai:chat:gpt-4o:',
      '      config:',
      '        temperature: 0.1',
      'tests: file://tests.yaml',
      'defaultTest:',
      '  assert:',
      '    - type: python',
      '      value: file://checks.py:is_polite',
    ].join('\r\n');
    const file = parseAndCheck('evals/x/promptfooconfig.yaml', new TextEncoder().encode(text));
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(file.evalSuite?.providers, [{ id: 'openai:chat:gpt-4o', range: r(3, 4, 3, 22), parameters: [{ name: 'temperature', range: r(5, 8, 5, 19), value: 0.1 }] }]);
    assert.deepEqual(file.evalSuite?.tests, [{ range: r(6, 7, 6, 24), vars: [], opaqueVars: true }]);
    assert.deepEqual(
      file.links?.map((l) => [l.target, l.range]),
      [
        ['prompts/*.txt', r(1, 11, 1, 24)],
        ['tests.yaml', r(6, 14, 6, 24)],
        ['checks.py', r(10, 20, 10, 29)],
      ],
    );
  });

  it('does not crash on odd shapes', () => {
    for (const text of [
      '',
      'null',
      '[]',
      'tests: 3',
      'prompts: {a: b}\ntests: {path: x.csv}',
      'providers: {id: 1}',
      'tests: [null, 3, [1]]',
      'scenarios: [{config: [{vars: {a: 1}}], tests: [{vars: {b: 2}}]}]',
    ]) {
      assert.doesNotThrow(() => parseAndCheck('evals/x/promptfooconfig.yaml', new TextEncoder().encode(text)), text);
    }
    const scen = parseAndCheck('evals/x/promptfooconfig.yaml', new TextEncoder().encode('prompts: [x]\nscenarios:\n  - config:\n      - vars: {lang: fr}\n    tests:\n      - vars: {q: hi}\n'));
    assert.deepEqual(scen.evalSuite?.defaultVars, ['lang']);
    assert.deepEqual(
      scen.evalSuite?.tests.map((t) => t.vars.map((v) => v.name)),
      [['q']],
    );
  });

  it('parses every real promptfoo config without a crash or a false error', () => {
    const root = path.join(corpusDir, 'promptfoo');
    const configs = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'promptfooconfig.yaml')));
    assert.ok(configs.length >= 3);
    for (const d of configs) {
      const file = parseAndCheck(`promptfoo/${d}/promptfooconfig.yaml`, fs.readFileSync(path.join(root, d, 'promptfooconfig.yaml')));
      assert.deepEqual(file.diagnostics, [], d);
      assert.ok(file.evalSuite && file.evalSuite.tests.length > 0 && file.evalSuite.providers.length > 0, d);
    }
  });
  const parse = (text: string, name = 'evals/x/promptfooconfig.yaml'): ParsedFile => parseAndCheck(name, new TextEncoder().encode(text));
  const found = (f: ParsedFile) => f.diagnostics.map((d) => [d.code, d.severity, d.range, d.fixes?.[0]?.edits[0].newText]);

  it('recognises every promptfooconfig*.yaml and red-team suites by their keys', () => {
    for (const p of ['a/promptfooconfig.yaml', 'a/promptfooconfig.redteam.yaml', 'a/promptfooconfig-claude.yml', 'promptfooconfig.search.YAML']) assert.equal(formatOfPath(p), 'promptfoo', p);
    for (const p of ['a/promptfooconfig.json', 'a/promptfooconfig.ts', 'a/my-promptfooconfig.yaml']) assert.equal(formatOfPath(p), undefined, p);
    // A red-team suite: targets and redteam, no prompts (promptfoo generates them): valid.
    const redteam = parse(
      'targets:\n  - id: openai:gpt-4.1-mini\n    label: travel-agent\nredteam:\n  purpose: A travel agent\n  plugins: [harmful:hate, pii]\n  strategies: [jailbreak]\n',
      'evals/x/suite.yaml',
    );
    assert.equal(redteam.format, 'text'); // sniffing needs `prompts:`; by name:
    const named = parse('targets:\n  - id: openai:gpt-4.1-mini\nredteam:\n  purpose: A travel agent\n  plugins: [harmful:hate]\n', 'evals/x/promptfooconfig.redteam.yaml');
    assert.equal(named.format, 'promptfoo');
    assert.deepEqual(named.diagnostics, []);
    assert.deepEqual(
      named.evalSuite?.providers.map((p) => p.id),
      ['openai:gpt-4.1-mini'],
    );
  });

  it("checks the configuration against promptfoo's published schema: unknown fields and assertion types with suggestions", () => {
    const f = parse(
      [
        "prompts: ['Hi {{name}}']",
        'providers: [openai:gpt-4.1]',
        'outputpath: out.json',
        'defaultTest:',
        '  assert:',
        '    - type: equals',
        '      valu: 1',
        'tests:',
        '  - vars: {name: Bo}',
        '    threshold: high',
        '    assert:',
        '      - type: contians',
        '        value: Bo',
        '      - type: not-icontians',
        '        value: x',
        '      - type: promptfoo:redteam:harmful',
        '      - type: not-icontains',
        '        value: y',
        '      - type: assert-set',
        '        assert:',
        '          - type: equalz',
        '            value: z',
      ].join('\n'),
    );
    assert.deepEqual(found(f), [
      ['unknown-field', 'warning', r(2, 0, 2, 10), 'outputPath'],
      ['unknown-field', 'warning', r(6, 6, 6, 10), 'value'],
      ['schema', 'warning', r(9, 15, 9, 19), undefined],
      ['schema', 'error', r(11, 14, 11, 22), 'contains'],
      ['schema', 'error', r(13, 14, 13, 27), 'not-icontains'],
      ['schema', 'error', r(20, 18, 20, 24), 'equals'],
    ]);
    assert.equal(f.diagnostics[1].message, 'Unknown field `valu` in `defaultTest.assert.0`; did you mean `value`?');
    assert.equal(f.diagnostics[2].message, '`tests.0.threshold` must be a number, not string "high".');
    assert.equal(f.diagnostics[3].message, 'Unknown assertion type `contians`; did you mean `contains`?');
  });

  it('accepts what promptfoo reads: $ref to assertionTemplates, vars and tests from files, providers by type', () => {
    const f = parse(
      [
        "prompts: ['Answer {{question}}']",
        'providers: [openai:gpt-4.1]',
        'assertionTemplates:',
        '  short:',
        '    type: javascript',
        '    value: output.length < 100',
        'defaultTest:',
        '  options:',
        '    provider:',
        '      embedding: openai:embedding:text-embedding-3-small',
        'tests:',
        '  - vars: file://vars/q1.yaml',
        '    assert:',
        "      - $ref: '#/assertionTemplates/short'",
        '  - file://more-tests.yaml',
        '  - vars: {question: Why?}',
      ].join('\n'),
    );
    assert.deepEqual(found(f), []);
  });

  it('explains a failing alternative by the branch that went furthest into the value', () => {
    const validate = promptfooValidator();
    assert.equal(validate({ prompts: ['x'], tests: [{ vars: { a: 1 }, asert: [] }] }), false);
    assert.deepEqual(
      explainingErrors(validate.errors!).map((e) => [e.instancePath, e.keyword, e.params]),
      [['/tests/0', 'additionalProperties', { additionalProperty: 'asert' }]],
    );
    assert.equal(validate({ prompts: 12 }), false);
    assert.deepEqual(new Set(explainingErrors(validate.errors!).map((e) => e.keyword)), new Set(['type']));
  });

  it('checks inline prompts as Nunjucks: syntax and blocks at their place, and vars no test gives', () => {
    const f = parse(
      [
        'prompts:',
        "  - 'Translate to {{language}: {{text}}'",
        '  - |',
        '    {% if formal %}',
        '    Dear {{ name }},',
        "  - raw: 'Hello {{ nmae }} from {{ env.HOME }} {{ _conversation }}'",
        '    label: greeting',
        'tests:',
        '  - vars: {language: fr, text: hi, name: Bo}',
      ].join('\n'),
    );
    assert.deepEqual(
      f.diagnostics.map((d) => [d.code, d.range]),
      [
        ['unbalanced-brace', r(1, 18, 1, 20)],
        ['unclosed-block', r(3, 4, 3, 19)],
        ['undefined-variable', r(3, 10, 3, 16)],
        ['undefined-variable', r(5, 19, 5, 23)],
      ],
    );
    assert.match(f.diagnostics[3].message, /`nmae` is not given by any test's `vars`.*did you mean `name`\?/);
    // Tests from a file: their vars are unknown, so no variable is reported undefined.
    assert.deepEqual(parse("prompts: ['Hi {{who}}']\ntests: file://tests.csv\n").diagnostics, []);
    assert.deepEqual(parse("prompts: ['Hi {{who}}']\ndefaultTest:\n  vars: {who: you}\ntests:\n  - vars: {x: 1}\n").diagnostics, []);
  });

  it('reads a prompt file a suite names as a Nunjucks template over its whole text (a chat-format JSON file too)', () => {
    const json = '[{"role": "system", "content": "Be {{ tone }}."}, {"role": "user", "content": "{% for q in questions %}{{ q }}{% endfor %} {{ env.HOME }}"}]';
    const f = parseAndCheck('evals/chat.json', new TextEncoder().encode(json), 'promptfoo-prompt');
    assert.equal(f.format, 'promptfoo-prompt');
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(
      f.variables?.map((v) => [v.name, v.range.start.character]),
      [
        ['tone', 38],
        ['questions', 91],
      ],
    );
    const broken = parseAndCheck('evals/p.txt', new TextEncoder().encode('Hi {{ name }\n{% if x %}'), 'promptfoo-prompt');
    assert.deepEqual(
      broken.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [
        ['unbalanced-brace', 0, 3],
        ['unclosed-block', 1, 0],
      ],
    );
  });

  it("validates 52 real configurations of promptfoo's examples with no error and only the warnings they deserve", async function () {
    this.timeout(60_000);
    const root = path.join(fixturesDir, 'real', 'promptfoo-examples');
    const catalog = await openFolderLibrary(root);
    const configs = [...catalog.files.values()].filter((f) => f.format === 'promptfoo');
    assert.equal(configs.length, 52);
    assert.deepEqual(
      catalog.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}: ${d.message}`),
      [],
    );
    assert.deepEqual(
      catalog.diagnostics.map((d) => [d.code, d.file, d.range.start.line]).sort(),
      [
        // `outputs:` is no field of promptfoo's configuration (promptfoo warns and ignores it).
        ['unknown-field', 'examples/cerebras/promptfooconfig-tools.yaml', 47],
        ['unknown-field', 'examples/cerebras/promptfooconfig.yaml', 40],
        // The prompt uses {{person_type}}; the tests give `topic`.
        ['undefined-variable', 'examples/huggingface-pii/promptfooconfig.yaml', 2],
      ].sort(),
    );
  });
});
