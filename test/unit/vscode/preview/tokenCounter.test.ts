// Token counting in a worker thread gives the tokenizer's counts, and falls back to this thread when no tokenizer file is found.

import * as assert from 'node:assert/strict';
import { countTokens } from '../../../../src/core/tokens';
import { TokenCounter } from '../../../../src/vscode/preview/tokenCounter';
import { repoRoot } from '../../paths';

describe('vscode/preview/tokenCounter', function () {
  this.timeout(30_000);
  const texts = ['Summarise claim CLM-2025-018842 (home policy).', '', 'Dès que possible — 世界 🌍', 'x'.repeat(5000)];

  it('counts in a worker exactly as the tokenizer does', async () => {
    const counter = new TokenCounter(repoRoot);
    try {
      const [first, second] = await Promise.all([counter.count(texts), counter.count(['hello world'])]);
      assert.deepEqual(
        first,
        texts.map((t) => countTokens(t)),
      );
      assert.deepEqual(second, [countTokens('hello world')]);
      assert.equal((counter as unknown as { failed: boolean }).failed, false, 'the worker ran');
    } finally {
      counter.dispose();
    }
  });

  it('counts on this thread when the tokenizer cannot be found for a worker', async () => {
    const counter = new TokenCounter('/nonexistent/extension');
    (counter as unknown as { modulePath: () => undefined }).modulePath = () => undefined;
    try {
      assert.deepEqual(
        await counter.count(texts),
        texts.map((t) => countTokens(t)),
      );
    } finally {
      counter.dispose();
    }
  });

  it('falls back when the worker cannot load the tokenizer', async () => {
    const counter = new TokenCounter(repoRoot);
    (counter as unknown as { modulePath: () => object }).modulePath = () => ({ modulePath: '/nonexistent/tokenizer.js', key: 'x' });
    try {
      assert.deepEqual(await counter.count(['a b c']), [countTokens('a b c')]);
    } finally {
      counter.dispose();
    }
  });
});
