// What an eval suite costs before it runs: tests × prompts × providers, tokens of each rendered call, price from the catalogue.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { parseFile } from '../../../../src/core/formats/parseFile';
import type { ModelInfo } from '../../../../src/core/library/types';
import { evalCost, evalCostLines, evalCostTitle, suitePromptRefs } from '../../../../src/core/render/evalCost';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { repoRoot } from '../../paths';

const suiteText = `prompts:
  - 'Translate {{text}} into {{lang}}.'
  - file://prompts/formal.txt
providers:
  - id: openai:gpt-4o-mini
    config: { max_tokens: 50 }
  - anthropic:messages:claude-sonnet-4-20250514
  - file://provider.py
tests:
  - vars: { text: Good morning, lang: French }
  - vars: { text: Where is the station?, lang: German }
  - vars: file://more-tests.csv
`;

const models: ModelInfo[] = [
  { id: 'openai/gpt-4o-mini', maxOutputTokens: 100, pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
  { id: 'anthropic/claude-sonnet-4', maxOutputTokens: 1000, pricing: { inputPerMTok: 3, outputPerMTok: 15 } },
];

describe('evalCost', () => {
  const suite = parseFile('evals/translate/promptfooconfig.yaml', Buffer.from(suiteText)).evalSuite!;

  it("resolves the prompts' file:// paths against the suite's folder", () => {
    assert.deepEqual(suitePromptRefs('evals/translate/promptfooconfig.yaml', suite), [
      { value: 'Translate {{text}} into {{lang}}.' },
      { value: 'file://prompts/formal.txt', path: 'evals/translate/prompts/formal.txt' },
    ]);
  });

  it('counts tests × prompts calls per provider, each call rendered with its vars and counted with the provider’s tokenizer, priced from the catalogue (output at the provider’s max_tokens, else the model’s maximum)', async () => {
    const prompts = [
      { label: 'inline', text: 'Translate {{text}} into {{lang}}.' },
      { label: 'formal.txt', text: 'Please render "{{ text }}" in {{ lang }}, formally.' },
    ];
    const c = await evalCost(suite, prompts, { models });
    assert.equal(c.tests, 3);
    assert.equal(c.prompts, 2);
    // The oracle: gpt-tokenizer's own o200k_base encoder on the texts promptfoo would send.
    const sent = [
      'Translate Good morning into French.',
      'Translate Where is the station? into German.',
      'Translate {{text}} into {{lang}}.',
      'Please render "Good morning" in French, formally.',
      'Please render "Where is the station?" in German, formally.',
      'Please render "{{ text }}" in {{ lang }}, formally.',
    ];
    const openaiInput = sent.reduce((n, t) => n + encode(t).length + 3 + 3, 0);
    const [openai, claude, script] = c.rows;
    assert.deepEqual([openai.provider, openai.calls, openai.tokenizer, openai.approximate, openai.inputTokens, openai.outputTokens], ['openai:gpt-4o-mini', 6, 'o200k_base', false, openaiInput, 300]);
    assert.ok(Math.abs(openai.cost! - (openaiInput * 0.15 + 300 * 0.6) / 1e6) < 1e-12);
    // A dated snapshot finds its model; no public tokenizer: an estimate, never below the o200k count.
    assert.equal(claude.info?.id, 'anthropic/claude-sonnet-4');
    assert.deepEqual([claude.tokenizer, claude.approximate, claude.outputTokens], ['estimate', true, 6000]);
    assert.ok(claude.inputTokens >= openaiInput);
    assert.ok(Math.abs(claude.cost! - (claude.inputTokens * 3 + 6000 * 15) / 1e6) < 1e-12);
    // A script provider: counted, not priced.
    assert.deepEqual([script.provider, script.info, script.cost], ['file://provider.py', undefined, undefined]);

    assert.match(evalCostTitle(c), /^\$\(graph\) 6 calls per provider: openai:gpt-4o-mini \$0\.\d+ · anthropic:messages:claude-sonnet-4-20250514 ≈\$0\.\d+ · file:\/\/provider\.py ≈\d+ input tokens$/);
    const lines = evalCostLines(c);
    assert.match(lines[0], /^openai:gpt-4o-mini: 6 calls, ~\d+ input tokens \(o200k_base\), at most 300 output: \$0\.\d+$/);
    assert.match(lines.join('\n'), /3 tests × 2 prompts × 3 providers/);
    assert.match(lines.join('\n'), /Some tests or vars come from a file or generator/);
  });

  it('renders a library prompt file by its format: the sample suite on its Prompty prompt, the Claude snapshot priced from the sample catalogue', async () => {
    const catalog = await openFolderLibrary(path.join(repoRoot, 'samples', 'library'));
    const suitePath = 'evals/policy-qa-evals/promptfooconfig.yaml';
    const file = catalog.files.get(suitePath)!;
    const refs = suitePromptRefs(suitePath, file.evalSuite!);
    assert.deepEqual(
      refs.map((r) => r.path),
      ['prompts/policy-question-answering/policy-question-answering.prompty'],
    );
    const fs = await import('node:fs');
    const prompts = refs.map((r) => ({ label: r.path!, text: fs.readFileSync(path.join(catalog.root, r.path!), 'utf8'), file: catalog.files.get(r.path!) }));
    const c = await evalCost(file.evalSuite!, prompts, catalog.library);
    const [row] = c.rows;
    assert.equal(row.calls, file.evalSuite!.tests.length);
    assert.equal(row.info?.id, 'anthropic/claude-sonnet-4');
    assert.ok(row.approximate && row.cost! > 0);
    // The rendered messages hold the tests' vars: far more than the template alone would count.
    const templateOnly = await evalCost({ ...file.evalSuite!, tests: file.evalSuite!.tests.map((t) => ({ ...t, vars: [] })) }, prompts, catalog.library);
    assert.ok(row.inputTokens > templateOnly.rows[0].inputTokens, `${row.inputTokens} > ${templateOnly.rows[0].inputTokens}`);
  });
});
