// Token estimates with the real tokenizer, and the cost of one call per model from a model catalogue and its policy.

import * as assert from 'node:assert/strict';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { costTable, estimateTokens, formatUsd, outputBasisText, promptMaxOutputTokens, promptModelId } from '../../../../src/core/render/cost';
import type { LibraryInfo } from '../../../../src/core/library/types';
import { defaultPolicy } from '../../../../src/core/library/types';
import { countTokens, estimateTokenCount, tokenizerOf } from '../../../../src/core/tokens';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../paths';

const library: Pick<LibraryInfo, 'models' | 'policy'> = {
  policy: { ...defaultPolicy, allowedModels: ['openai/gpt-4o*', 'anthropic/*'] },
  models: [
    { id: 'openai/gpt-4o', maxOutputTokens: 16384, pricing: { inputPerMTok: 2.5, outputPerMTok: 10 } },
    { id: 'openai/gpt-4o-mini', maxOutputTokens: 16384, pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
    { id: 'anthropic/claude-old', maxOutputTokens: 8192, pricing: { inputPerMTok: 3, outputPerMTok: 15 }, deprecated: true },
    { id: 'anthropic/claude-new', maxOutputTokens: 64000, pricing: { inputPerMTok: 3, outputPerMTok: 15 } },
    { id: 'meta/llama', pricing: { inputPerMTok: 0.1 } },
  ],
};

describe('core/render/cost', () => {
  it('counts the text of each message with o200k_base plus 3 tokens per message and 3 for the reply', () => {
    const messages = [
      { role: 'system', parts: [{ kind: 'text' as const, text: 'You are terse.' }] },
      {
        role: 'user',
        parts: [
          { kind: 'text' as const, text: 'Summarise: ' },
          { kind: 'media' as const, url: 'https://x' },
          { kind: 'text' as const, text: 'the claim' },
        ],
      },
    ];
    const text = countTokens('You are terse.') + countTokens('Summarise: the claim');
    assert.ok(text > 4 && text < 12, `${text}`);
    assert.deepEqual(estimateTokens(messages), { tokens: text + 2 * 3 + 3, textTokens: text, messages: 2, tokenizer: 'o200k_base', approximate: false });
    assert.deepEqual(estimateTokens([]), { tokens: 0, textTokens: 0, messages: 0, tokenizer: 'o200k_base', approximate: false });
  });

  it("prices one call: input at the input price, output at the prompt's max output (capped by the model's)", () => {
    const [mine, ...others] = costTable(library, 'openai/gpt-4o-mini', 1000, 700);
    assert.equal(mine.model, 'openai/gpt-4o-mini');
    assert.equal(mine.isPromptModel, true);
    assert.equal(mine.allowed, true);
    assert.equal(mine.outputBasis, 'prompt');
    assert.equal(mine.outputTokens, 700);
    assert.ok(Math.abs(mine.inputCost! - 0.00015) < 1e-12);
    assert.ok(Math.abs(mine.outputCost! - 0.00042) < 1e-12);
    assert.ok(Math.abs(mine.total! - 0.00057) < 1e-12);
    // Every other allowed model, the deprecated one last; the disallowed one left out.
    assert.deepEqual(
      others.map((c) => c.model),
      ['openai/gpt-4o', 'anthropic/claude-new', 'anthropic/claude-old'],
    );
    const capped = costTable(library, 'anthropic/claude-old', 10, 20000)[0];
    assert.equal(capped.outputTokens, 8192);
  });

  it("without a max output in the prompt, prices the model's maxOutputTokens and says so", () => {
    const [c] = costTable(library, 'gpt-4o', 2000);
    assert.equal(c.model, 'openai/gpt-4o', 'an unprefixed id finds the catalogue entry');
    assert.equal(c.outputBasis, 'model');
    assert.equal(c.outputTokens, 16384);
    assert.ok(Math.abs(c.total! - (2000 * 2.5 + 16384 * 10) / 1e6) < 1e-12);
    assert.match(outputBasisText(c), /16,384 output tokens \(the model's maximum/);
  });

  it('marks a model outside the policy, and lists an unknown model without a price', () => {
    const [llama] = costTable(library, 'meta/llama', 100);
    assert.equal(llama.allowed, false);
    assert.equal(llama.outputBasis, 'none');
    assert.equal(llama.total, llama.inputCost);
    const [unknown] = costTable(library, 'acme/x', 100);
    assert.equal(unknown.info, undefined);
    assert.equal(unknown.total, undefined);
    assert.equal(costTable(undefined, undefined, 5).length, 0);
  });

  it("reads the prompt's max output tokens in each format's place", () => {
    const cases: [string, string, number | undefined][] = [
      ['a.prompt', '---\nconfig:\n  maxOutputTokens: 700\n---\nhi', 700],
      ['a.prompty', '---\nmodel:\n  id: gpt-4o\n  options:\n    maxOutputTokens: 300\n---\nuser:\nhi', 300],
      ['b.prompty', '---\nmodel:\n  api: chat\n  parameters:\n    max_tokens: 400\n---\nuser:\nhi', 400],
      ['c.prompt.yml', 'model: openai/gpt-4o\nmodelParameters:\n  max_completion_tokens: 150\nmessages:\n  - role: user\n    content: hi\n', 150],
      ['d.prompt', '---\nconfig:\n  temperature: 1\n---\nhi', undefined],
      ['e.prompt', '---\nconfig: [broken\n---\nhi', undefined],
    ];
    for (const [path, text, want] of cases) assert.equal(promptMaxOutputTokens(parseFile(path, Buffer.from(text)), text), want, path);
  });

  it('takes the model id as the catalogue writes it (promptfoo ids normalised, templated ids ignored)', () => {
    assert.equal(promptModelId(parseFile('a.prompt', Buffer.from('---\nmodel: openai/gpt-4o\n---\nhi'))), 'openai/gpt-4o');
    assert.equal(promptModelId(parseFile('a.prompt', Buffer.from('---\nmodel: "{{m}}"\n---\nhi'))), undefined);
    assert.equal(promptModelId(parseFile('a.prompt', Buffer.from('hi')), 'openai:chat:gpt-4o'), 'openai/gpt-4o');
  });

  it('formats small amounts with two significant digits', () => {
    assert.equal(formatUsd(0.00042), '$0.00042');
    assert.equal(formatUsd(0.0123), '$0.012');
    assert.equal(formatUsd(0.5), '$0.50');
    assert.equal(formatUsd(0.0999), '$0.10');
    assert.equal(formatUsd(12.345), '$12.35');
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(1e-9), '<$0.000001');
  });

  describe('tokens per model', () => {
    it("names each model's tokenizer: the catalogue's, else by the id; the estimate for models without a public one", () => {
      for (const id of ['openai/gpt-4o-mini', 'gpt-4o', 'openai/gpt-4.1', 'azure/gpt-5-mini', 'openai/o3-mini', 'openai/o1']) assert.equal(tokenizerOf(id), 'o200k_base', id);
      for (const id of ['openai/gpt-4', 'openai/gpt-4-turbo', 'openai/gpt-3.5-turbo', 'openai/text-embedding-3-small']) assert.equal(tokenizerOf(id), 'cl100k_base', id);
      for (const id of ['anthropic/claude-sonnet-4', 'google/gemini-2.5-flash', 'meta/llama-3.1-70b', 'mistral/mistral-large', 'openai/omni-moderation-x'])
        assert.equal(tokenizerOf(id), 'estimate', id);
      assert.equal(tokenizerOf(undefined), 'o200k_base', 'no model named: o200k_base, as before');
      assert.equal(tokenizerOf('meta/llama', { tokenizer: 'cl100k_base' }), 'cl100k_base', 'the catalogue wins');
      assert.equal(tokenizerOf('meta/llama', { tokenizer: 'nonsense' }), 'estimate', 'an unknown value is ignored');
    });

    it('estimates conservatively: 1 token per 3 letters or spaces, 1 per other sign, 2 per CJK character, 1 per accented letter, over the real count', () => {
      assert.equal(estimateTokenCount(''), 0);
      assert.equal(estimateTokenCount('abcd'), 2);
      assert.equal(estimateTokenCount('ab, c.\n'), 5);
      assert.equal(estimateTokenCount('日本語'), 6);
      assert.equal(estimateTokenCount('é'), 1);
      assert.equal(estimateTokenCount('🎉'), 2);
      for (const t of [
        'Summarise the claim for the adjuster in three short bullet points.',
        '請用三點摘要這個索賠。',
        'Résumez la déclaration de sinistre en trois points.',
        'const x = { a: [1, 2, 3] };',
        '{"id": 12345, "tags": ["a", "b"]}',
        '    if (x) {\n        return 42;\n    }\n',
      ])
        assert.ok(estimateTokenCount(t) >= countTokens(t) && estimateTokenCount(t) >= countTokens(t, 'cl100k_base'), t);
    });

    it('counts with cl100k_base where it differs from o200k_base, and loads only the encoding it needs', () => {
      const text = '日本語のテキストをトークンに分けます。';
      assert.notEqual(countTokens(text, 'cl100k_base'), countTokens(text, 'o200k_base'));
      const probe = `const t = require('./src/core/tokens'); t.countTokens('hello world'); t.countTokens('hi', 'estimate');
const loaded = Object.keys(require.cache).filter((k) => /gpt-tokenizer.cjs.bpeRanks/.test(k)).map((k) => k.replace(/.*bpeRanks./, ''));
process.stdout.write(JSON.stringify(loaded));`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: repoRoot, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), ['o200k_base.js']);
    });

    it('prices each model with its own count, marking the estimates', () => {
      const byTokenizer = { o200k_base: 100, cl100k_base: 110, estimate: 150 };
      const rows = costTable(library, 'openai/gpt-4o-mini', (t) => byTokenizer[t]);
      const claude = rows.find((c) => c.model === 'anthropic/claude-new')!;
      assert.deepEqual([rows[0].inputTokens, rows[0].tokenizer, rows[0].approximate], [100, 'o200k_base', false]);
      assert.deepEqual([claude.inputTokens, claude.tokenizer, claude.approximate], [150, 'estimate', true]);
      assert.ok(Math.abs(claude.inputCost! - (150 * 3) / 1e6) < 1e-12);
    });
  });
});
