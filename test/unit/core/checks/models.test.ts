import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from '../../../../src/core/diagnostics';
import { countTokens } from '../../../../src/core/tokens';
import { normaliseParameter } from '../../../../src/core/checks/models';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/models', () => {
  const problems = crossAssetProblems();

  it('normalises parameter names: case and separators dropped, aliases merged, nothing taken from Object.prototype', () => {
    assert.equal(normaliseParameter('max_output_tokens'), 'maxtokens');
    assert.equal(normaliseParameter('Max-Completion Tokens'), 'maxtokens');
    assert.equal(normaliseParameter('stop_sequences'), 'stop');
    assert.equal(normaliseParameter('top_p'), 'topp');
    assert.equal(normaliseParameter('constructor'), 'constructor');
    assert.equal(normaliseParameter('__proto__'), 'proto');
  });

  it('checks models against the policy and the model catalogue', () => {
    problems.one('model-not-allowed', 'wrong-model/p.prompt');
    const dep = problems.one('deprecated-model', 'old-greeting/old.prompt');
    assert.equal(dep.fixes?.[0].edits[0].newText, 'openai/gpt-4o-mini');
    // promptfoo's `openai:gpt-4o-mini` is the catalogue's openai/gpt-4o-mini, which the policy allows.
    assert.equal(problems.find('model-not-allowed', 'greeting-evals/suite.yaml').length, 0);
    const p = problems.one('model-parameter-unsupported', 'greeting/greeting.prompt');
    assert.match(p.message, /topK/);
  });

  it('estimates tokens with a real tokenizer against the budget', () => {
    const d = problems.one('token-budget', 'long-prompt/long.prompt');
    assert.match(d.message, /about \d+ tokens \(o200k_base\), over the library's maxPromptTokens \(50\)/);
  });

  it("counts a model without a public tokenizer (Claude) with the conservative estimate, unless the catalogue names the model's tokenizer", async () => {
    // 138 characters of plain English: o200k_base counts 28 tokens, the estimate 48; the budget is 40.
    const body = 'Summarise the claim for the adjuster in three short bullet points, then list the open questions that still need an answer before deciding.';
    assert.ok(countTokens(body) <= 40 && countTokens(body, 'estimate') > 40);
    const check = async (catalogue: string): Promise<Diagnostic[]> => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-budget-'));
      try {
        fs.writeFileSync(path.join(dir, 'library.yaml'), `name: budget\npolicy:\n  maxPromptTokens: 40\nmodels:\n  - id: anthropic/claude-sonnet-4\n${catalogue}`);
        fs.writeFileSync(path.join(dir, 'claude.prompt'), `---\nmodel: anthropic/claude-sonnet-4\n---\n${body}\n`);
        return (await openFolderLibrary(dir)).diagnostics.filter((d) => d.code === 'token-budget');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const [estimated, ...rest] = await check('');
    assert.equal(rest.length, 0);
    assert.equal(
      estimated.message,
      "The rendered prompt is an estimated 48 tokens (no public tokenizer for the model: 1 token per 3 letters or spaces, 1 per other sign, an overestimate), over the library's maxPromptTokens (40); shorten it or split it.",
    );
    assert.deepEqual(await check('    tokenizer: o200k_base\n'), []);
  });
});
