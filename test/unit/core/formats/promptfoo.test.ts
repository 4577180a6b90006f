import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../../../../src/core/diagnostics';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
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
          { name: 'temperature', range: r(11, 6, 11, 17) },
          { name: 'max_tokens', range: r(12, 6, 12, 16) },
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

  it('reads providers given as a map, tests given as a file, python assertion functions and skips globs', () => {
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
    assert.deepEqual(file.evalSuite?.providers, [{ id: 'openai:chat:gpt-4o', range: r(3, 4, 3, 22), parameters: [{ name: 'temperature', range: r(5, 8, 5, 19) }] }]);
    assert.deepEqual(file.evalSuite?.tests, [{ range: r(6, 7, 6, 24), vars: [], opaqueVars: true }]);
    assert.deepEqual(
      file.links?.map((l) => [l.target, l.range]),
      [
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
});
