// Eval suites covering a prompt (by targets and by file:// prompts) and the sample sets a prompt renders with.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { coveringSuites, preferredSample, promptFileTarget, sampleSets } from '../../../../src/core/render/samples';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir, sampleLibrary } from '../../paths';

describe('core/render/samples', () => {
  it('finds the suites whose eval asset targets the prompt (sample library), once even when they also name the file', async () => {
    const catalog = await openFolderLibrary(sampleLibrary);
    const suites = coveringSuites(catalog, 'prompts/claim-summary/claim-summary.prompt');
    assert.deepEqual(
      suites.map((s) => [s.file, s.via, s.tests, s.asset?.id]),
      [['evals/claim-summary-evals/suite.yaml', 'targets', 3, 'claim-summary-evals']],
    );
    assert.deepEqual(coveringSuites(catalog, 'prompts/fraud-signal-extraction/fraud-signal-extraction.prompt'), []);
  });

  it('finds an unmanaged promptfoo suite that names the prompt with a file:// path', async () => {
    const catalog = await openFolderLibrary(path.join(fixturesDir, 'render', 'hostile-library'));
    const suites = coveringSuites(catalog, 'greet/greet.prompt');
    assert.deepEqual(
      suites.map((s) => [s.file, s.via, s.tests, s.asset?.managed]),
      [['evals/promptfooconfig.yaml', 'prompts', 2, false]],
    );
    assert.match(suites[0].title, /^Greeting checks/);
  });

  it('resolves file:// prompt paths relative to the suite, and skips globs, functions and paths that leave the library', () => {
    assert.equal(promptFileTarget('evals/x/suite.yaml', 'file://../../prompts/a.prompt'), 'prompts/a.prompt');
    assert.equal(promptFileTarget('suite.yaml', 'file://./a.prompt'), 'a.prompt');
    assert.equal(promptFileTarget('evals/suite.yaml', 'file://prompts/*.txt'), undefined);
    assert.equal(promptFileTarget('evals/suite.yaml', 'file://build.js:makePrompt'), 'evals/build.js');
    assert.equal(promptFileTarget('suite.yaml', 'file://../../outside.prompt'), undefined);
    assert.equal(promptFileTarget('suite.yaml', 'Raw prompt {{x}}'), undefined);
  });

  it("lists the prompt's own samples first, then each eval test, and prefers the set that fills the most variables", async () => {
    const catalog = await openFolderLibrary(sampleLibrary);
    const file = catalog.files.get('prompts/claim-summary/claim-summary.prompt')!;
    const suites = coveringSuites(catalog, file.path).map((suite) => ({ suite, parsed: catalog.files.get(suite.file) }));
    const sets = sampleSets(file, suites);
    assert.deepEqual(
      sets.map((s) => [s.source, s.label]),
      [
        ['defaults', 'input.default'],
        ['eval', 'claim-summary-evals: Escape of water, home policy, with adjuster notes'],
        ['eval', 'claim-summary-evals: Rear-end collision, motor policy, no notes yet'],
        ['eval', 'claim-summary-evals: Lost luggage abroad, travel policy'],
      ],
    );
    assert.deepEqual(sets[0].values, { maxBullets: 5 });
    assert.equal(sets[1].values.claimNumber, 'CLM-2025-018842');
    assert.equal(sets[1].origin, 'evals/claim-summary-evals/suite.yaml, test 1');
    // input.default fills one variable; the first test fills all five.
    assert.equal(preferredSample(file, '---\ninput:\n  default:\n    maxBullets: 5\n---\n', sets), 1);
  });

  it('takes GitHub Models testData rows and Prompty samples as sets; none for a prompt without any', () => {
    const gh = parseFile('c.prompt.yml', Buffer.from('model: m\nmessages:\n  - role: user\n    content: "{{a}}"\ntestData:\n  - a: one\n  - a: two\n'));
    assert.deepEqual(
      sampleSets(gh, []).map((s) => [s.label, s.values]),
      [
        ['testData row 1', { a: 'one' }],
        ['testData row 2', { a: 'two' }],
      ],
    );
    const prompty = parseFile('p.prompty', Buffer.from('---\ninputs:\n  q:\n    type: string\n    sample: what?\n---\nuser:\n{{q}}\n'));
    assert.deepEqual(
      sampleSets(prompty, []).map((s) => [s.source, s.values]),
      [['sample', { q: 'what?' }]],
    );
    assert.deepEqual(sampleSets(parseFile('x.prompt', Buffer.from('Hi {{x}}')), []), []);
    assert.equal(preferredSample(parseFile('x.prompt', Buffer.from('Hi {{x}}')), 'Hi {{x}}', []), 0);
  });
});
