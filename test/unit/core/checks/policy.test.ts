import * as assert from 'node:assert/strict';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/policy', () => {
  const problems = crossAssetProblems();

  it('applies the policy: owners and eval coverage of approved assets', () => {
    problems.one('approved-without-owners', 'no-owners/asset.yaml');
    problems.one('approved-without-eval', 'uncovered/asset.yaml');
    assert.equal(problems.find('approved-without-eval', 'greeting/asset.yaml').length, 0, 'greeting is covered by greeting-evals');
  });

  it('reports a forged approval digest with a maintainers-only fix', () => {
    const d = problems.one('approval-digest-mismatch', 'tampered/asset.yaml');
    assert.equal(d.fixes?.[0].maintainersOnly, true);
    assert.match(d.fixes![0].edits[0].newText, /^sha256:[0-9a-f]{64}$/);
  });
});
