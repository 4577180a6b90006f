// The report behind the CodeLens and the preview, on the sample library and on a library of hostile strings.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPromptReport, finishPromptReport, partialFiles, preparePromptReport, tokenTexts } from '../../../../src/core/render/promptReport';
import { countTokens } from '../../../../src/core/tokens';
import { messageText } from '../../../../src/core/render/render';
import { parseFile } from '../../../../src/core/formats/parseFile';
import type { Catalog } from '../../../../src/core/library/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir, sampleLibrary } from '../../paths';

function report(catalog: Catalog, rel: string, sampleIndex?: number) {
  const text = fs.readFileSync(path.join(catalog.root, rel), 'utf8');
  const file = parseFile(rel, Buffer.from(text));
  const partials = partialFiles(catalog, file);
  return buildPromptReport({ file, text, catalog, sampleIndex, partial: (n) => (partials.has(n) ? fs.readFileSync(path.join(catalog.root, partials.get(n)!), 'utf8') : undefined) });
}

describe('core/render/promptReport', () => {
  let sample: Catalog;
  before(async () => {
    sample = await openFolderLibrary(sampleLibrary);
  });

  it('claim-summary: renders the fullest eval test with its partial, in system and user messages, and prices it', () => {
    const r = report(sample, 'prompts/claim-summary/claim-summary.prompt');
    assert.equal(r.asset?.id, 'claim-summary');
    assert.equal(r.sampleIndex, 1);
    assert.equal(r.rendered.error, undefined);
    assert.deepEqual(
      r.rendered.messages.map((m) => m.role),
      ['system', 'user'],
    );
    const [system, user] = r.rendered.messages.map(messageText);
    assert.match(system, /Writing rules for every claims prompt/, 'the partial is rendered in');
    assert.match(user, /Summarise claim CLM-2025-018842 \(home policy\)/);
    assert.match(user, /Adjuster's notes so far/, 'the {{#if}} branch with notes');
    assert.match(user, /at most 4 bullet points/, "the test's maxBullets wins over input.default");
    assert.ok(r.tokens.tokens > 200 && r.tokens.tokens < 600, `${r.tokens.tokens}`);
    assert.equal(r.promptModel, 'openai/gpt-4o-mini');
    assert.equal(r.promptMaxOutput, 700);
    assert.equal(r.costs[0].model, 'openai/gpt-4o-mini');
    assert.ok(Math.abs(r.costs[0].total! - (r.tokens.tokens * 0.15 + 700 * 0.6) / 1e6) < 1e-12);
    assert.deepEqual(r.costs.map((c) => c.model).sort(), ['anthropic/claude-3-5-sonnet', 'anthropic/claude-sonnet-4', 'openai/gpt-4.1-mini', 'openai/gpt-4o', 'openai/gpt-4o-mini']);
    assert.deepEqual(
      r.dependencies.map((d) => [d.kind, d.label, d.file]),
      [
        ['dependsOn', 'pii-redaction@^1.2', 'modules/pii-redaction/asset.yaml'],
        ['partial', 'claims_style', 'prompts/claim-summary/_claims_style.prompt'],
      ],
    );
  });

  it('prepared, then finished with counts made elsewhere, is the same report', () => {
    const rel = 'prompts/claim-summary/claim-summary.prompt';
    const text = fs.readFileSync(path.join(sample.root, rel), 'utf8');
    const file = parseFile(rel, Buffer.from(text));
    const partial = (n: string) => fs.readFileSync(path.join(sample.root, partialFiles(sample, file).get(n)!), 'utf8');
    const prepared = preparePromptReport({ file, text, catalog: sample, partial });
    assert.equal(tokenTexts(prepared).length, 2);
    assert.deepEqual(
      finishPromptReport(
        prepared,
        tokenTexts(prepared).map((t) => countTokens(t)),
      ),
      buildPromptReport({ file, text, catalog: sample, partial }),
    );
    const fake = finishPromptReport(prepared, [100, 200]);
    assert.deepEqual(fake.tokens, { tokens: 309, textTokens: 300, messages: 2, tokenizer: 'o200k_base', approximate: false });
    assert.ok(Math.abs(fake.costs[0].inputCost! - (309 * 0.15) / 1e6) < 1e-12);
  });

  it('renders another sample set when asked, and the preferred one for an index out of range', () => {
    const second = report(sample, 'prompts/claim-summary/claim-summary.prompt', 2);
    const user = messageText(second.rendered.messages[1]);
    assert.match(user, /CLM-2025-020117 \(motor policy\)/);
    assert.doesNotMatch(user, /Adjuster's notes/, 'no notes in that test: the {{#if}} is false');
    assert.match(user, /at most 5 bullet points/, 'input.default fills maxBullets');
    assert.equal(report(sample, 'prompts/claim-summary/claim-summary.prompt', 99).sampleIndex, 1);
  });

  it('the Prompty v1 sample and the GitHub Models testData render by their own rules', () => {
    const faq = report(sample, 'prompts/policy-faq-bot/policy-faq-bot.prompty');
    assert.deepEqual(
      faq.rendered.messages.map((m) => [m.role, messageText(m).split('\n')[0]]),
      [
        ['system', "You are the Larkspur Mutual website assistant. Answer the visitor's question using the FAQ text"],
        ['user', 'Does my home insurance cover the shed?'],
      ],
    );
    assert.equal(faq.costs[0].model, 'openai/gpt-4o', "the v1 azure_deployment gpt-4o is the catalogue's openai/gpt-4o");
    const gh = report(sample, 'prompts/complaint-classifier/complaint-classifier.prompt.yml');
    assert.equal(gh.samples[0].label, 'testData row 1');
    assert.doesNotMatch(messageText(gh.rendered.messages[1]), /\{\{/);
  });

  it('without a catalog: renders, counts and has no prices, suites or resolved partials', () => {
    const text = '---\nmodel: openai/gpt-4o\n---\n{{> p}}Hi {{x}}';
    const r = buildPromptReport({ file: parseFile('a.prompt', Buffer.from(text)), text });
    assert.match(r.rendered.error ?? '', /p/);
    assert.deepEqual(r.samples, []);
    assert.deepEqual(r.suites, []);
    assert.equal(r.costs.length, 1);
    assert.equal(r.costs[0].total, undefined);
    assert.deepEqual(r.dependencies, [{ kind: 'partial', label: 'p', detail: 'not resolved outside a library', problem: false }]);
  });

  it('the hostile library: a suite found by file:// gives the samples; its values are rendered as text', async () => {
    const catalog = await openFolderLibrary(path.join(fixturesDir, 'render', 'hostile-library'));
    const r = report(catalog, 'greet/greet.prompt', 2);
    assert.equal(r.samples[2].label, "Greeting checks </li><script>alert('suite')</script>: A name that is markup <svg onload=alert(4)>");
    assert.match(messageText(r.rendered.messages[0]), /<script>alert\('partial'\)<\/script>/);
    assert.match(messageText(r.rendered.messages[1]), /Greet "><img src=x onerror=alert\(5\)>\[x\]\(javascript:alert\(6\)\) in a grumpy way\./);
    assert.deepEqual(
      r.costs.map((c) => [c.model, c.allowed]),
      [
        ['openai/gpt-4o-mini', true],
        ['openai/gpt-4o', true],
      ],
    );
  });
});
