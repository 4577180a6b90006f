// genai-assets show: the counts of the text output say "1 error", not "1 errors"; the history block (commit, date, author, subject); the cost of an eval suite's run.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { openFolder } from '../../../../src/app/openLibrary';
import { runCostOf, runShow } from '../../../../src/cli/commands/show';
import type { CliIo } from '../../../../src/cli/io';
import type { Asset, Catalog } from '../../../../src/core/library/types';
import { defaultPolicy } from '../../../../src/core/library/types';
import { repoRoot } from '../../paths';

const asset: Asset = {
  id: 'greet',
  kind: 'prompt',
  format: 'dotprompt',
  version: '1.0.0',
  status: 'approved',
  managed: true,
  title: 'Greet',
  description: '',
  owners: [],
  tags: [],
  path: 'prompts/greet',
  files: ['prompts/greet/asset.yaml'],
  inputs: [],
  references: [],
  problems: { errors: 1, warnings: 1, infos: 1 },
};
const catalog: Catalog = { root: '/lib', library: { name: 'lib', policy: defaultPolicy, models: [], hasManifest: true }, assets: [asset], files: new Map(), diagnostics: [] };

describe('cli/commands/show', () => {
  it('counts the problems in the singular when there is one of each', () => {
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: '/', env: {}, color: false };
    runShow(catalog, asset, false, io);
    assert.match(out, /^Problems: 1 error, 1 warning, 1 info$/m);
  });

  it('shows the history one commit a line (short id, date, author, subject), and says when there is none', () => {
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: '/', env: {}, color: false };
    const history = [{ commit: 'a'.repeat(40), author: 'Ada Author', date: '2024-05-01T10:00:00+02:00', subject: 'Revise greet' }];
    runShow(catalog, asset, false, io, history);
    assert.match(out, /\nHistory:\n {2}aaaaaaaaaa {2}2024-05-01 {2}Ada Author {2}Revise greet\n$/);
    out = '';
    runShow(catalog, asset, false, io, []);
    assert.match(out, /\nHistory:\n {2}\(no commits\)\n$/);
    out = '';
    runShow(catalog, asset, true, io, history);
    assert.deepEqual(JSON.parse(out).history, history);
  });

  it('shows what one run of an eval suite costs (tests × prompts × providers, tokens and price per provider, the assumptions), in text and JSON', async () => {
    const opened = await openFolder(path.join(repoRoot, 'samples', 'library'));
    const suite = opened.catalog.assets.find((a) => a.id === 'policy-qa-evals')!;
    const cost = await runCostOf(opened.catalog, suite, opened.source);
    assert.ok(cost);
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: '/', env: {}, color: false };
    runShow(opened.catalog, suite, false, io, undefined, cost);
    assert.match(
      out,
      /\nCost of one run:\n {2}anthropic:messages:claude-sonnet-4-20250514: \d+ calls, ≈[\d,]+ input tokens \(estimate\), at most [\d,]+ output: ≈\$\d+\.\d+\n {2}\d+ tests × 1 prompt × 1 provider/,
    );
    out = '';
    runShow(opened.catalog, suite, true, io, undefined, cost);
    const json = JSON.parse(out).runCost;
    assert.equal(json.providers[0].model, 'anthropic/claude-sonnet-4');
    assert.equal(json.providers[0].calls, cost.rows[0].calls);
    assert.ok(json.providers[0].usd > 0);
    // A prompt has no run cost.
    const prompt = opened.catalog.assets.find((a) => a.id === 'claim-summary')!;
    assert.equal(await runCostOf(opened.catalog, prompt, opened.source), undefined);
  });
});
