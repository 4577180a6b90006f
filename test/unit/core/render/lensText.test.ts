// The prompt CodeLens texts on the sample library: tokens and cost of the prompt's model, every allowed model in the tooltip, eval coverage.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { formatUsd } from '../../../../src/core/render/cost';
import { suitesLensTitle, tokensLensTitle, tokensLensTooltip } from '../../../../src/core/render/lensText';
import { buildPromptReport, partialFiles } from '../../../../src/core/render/promptReport';
import { previewBodyHtml, previewModel } from '../../../../src/core/render/previewHtml';
import type { Catalog } from '../../../../src/core/library/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { sampleLibrary } from '../../paths';

function report(catalog: Catalog | undefined, rel: string) {
  const text = fs.readFileSync(path.join(sampleLibrary, rel), 'utf8');
  const file = parseFile(rel, Buffer.from(text));
  const partials = partialFiles(catalog, file);
  return buildPromptReport({ file, text, catalog, partial: (n) => (partials.has(n) ? fs.readFileSync(path.join(sampleLibrary, partials.get(n)!), 'utf8') : undefined) });
}

describe('core/render/lensText', () => {
  let catalog: Catalog;
  before(async () => {
    catalog = await openFolderLibrary(sampleLibrary);
  });

  it("titles the tokens lens with the estimate and the prompt model's most per call", () => {
    const r = report(catalog, 'prompts/claim-summary/claim-summary.prompt');
    assert.equal(tokensLensTitle(r), `$(symbol-numeric) ~${r.tokens.tokens} tokens · openai/gpt-4o-mini ≤ ${formatUsd(r.costs[0].total!)}/call`);
    const tip = tokensLensTooltip(r);
    assert.match(tip, /rendered with the sample "claim-summary-evals: Escape of water, home policy, with adjuster notes"/);
    assert.match(tip, /o200k_base tokenizer/);
    for (const m of ['openai/gpt-4o-mini', 'openai/gpt-4o', 'openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4', 'anthropic/claude-3-5-sonnet']) assert.ok(tip.includes(`• ${m}`), m);
    assert.match(tip, /• openai\/gpt-4o-mini \(the prompt's model\): \$[\d.]+ = \$[\d.]+ in \(~[\d,]+ tokens\) \+ \$0\.00042 out; 700 output tokens \(the prompt's max output setting\)/);
    assert.match(tip, /anthropic\/claude-3-5-sonnet \(deprecated\)/);
    // Claude has no public tokenizer: its row counts with the conservative estimate, marked ≈, and more than o200k_base.
    const claude = r.costs.find((c) => c.model === 'anthropic/claude-sonnet-4')!;
    assert.equal(claude.approximate, true);
    assert.ok(claude.inputTokens > r.tokens.tokens, `${claude.inputTokens} > ${r.tokens.tokens}`);
    assert.match(tip, new RegExp(`• anthropic/claude-sonnet-4: \\$[\\d.]+ = \\$[\\d.]+ in \\(≈${claude.inputTokens.toLocaleString('en-US')} tokens\\)`));
  });

  it('marks the count of a model without a public tokenizer with ≈ and counts it with the conservative estimate', () => {
    const rel = 'prompts/claude.prompt';
    const text = '---\nmodel: anthropic/claude-sonnet-4\n---\nSummarise the claim in three short bullet points for the adjuster.\n';
    const r = buildPromptReport({ file: parseFile(rel, Buffer.from(text)), text, catalog });
    assert.deepEqual([r.tokens.tokenizer, r.tokens.approximate], ['estimate', true]);
    // 65 letters and spaces and a full stop: 23 tokens by the estimate (o200k_base counts 15), plus 3 for the message and 3 for the reply.
    assert.equal(r.tokens.tokens, 29);
    assert.match(tokensLensTitle(r), /^\$\(symbol-numeric\) ≈29 tokens · anthropic\/claude-sonnet-4 ≤ \$/);
    assert.match(tokensLensTooltip(r), /^≈29 input tokens .*\(estimated: no public tokenizer for the model; 1 token per 3 letters or spaces/);
    const preview = previewBodyHtml(previewModel(r, { state: 'entries', more: false, canOpen: false, entries: [] } as never));
    assert.match(preview, /<p class="summary">≈29 input tokens/);
    assert.match(preview, /<p>≈29 input tokens: 23 of text in 1 message \(estimated: no public tokenizer/);
    assert.match(preview, /<td><code>openai\/gpt-4o-mini<\/code><\/td><td>~21<\/td>/, 'a model with a tokenizer keeps its exact count');
    assert.match(preview, /≈ No public tokenizer for the model/);
  });

  it('counts the covering suites', () => {
    assert.equal(suitesLensTitle(report(catalog, 'prompts/claim-summary/claim-summary.prompt')), '$(beaker) 1 eval suite covers this prompt');
    assert.equal(suitesLensTitle(report(catalog, 'prompts/fraud-signal-extraction/fraud-signal-extraction.prompt')), '$(beaker) No eval suite covers this prompt');
  });

  it('says when there is no price or no model', () => {
    assert.match(tokensLensTitle(report(undefined, 'prompts/claim-summary/claim-summary.prompt')), /^\$\(symbol-numeric\) ~\d+ tokens · openai\/gpt-4o-mini: no price in the model catalogue$/);
    assert.match(tokensLensTitle(report(catalog, 'prompts/adjuster-email-reply/adjuster-email-reply.prompt.md')), /^\$\(symbol-numeric\) ~\d+ tokens · no model named$/);
    assert.match(tokensLensTooltip(report(catalog, 'prompts/adjuster-email-reply/adjuster-email-reply.prompt.md')), /no sample values \(placeholders as written\)/);
  });
});
