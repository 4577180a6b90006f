import * as assert from 'node:assert/strict';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/references', () => {
  const problems = crossAssetProblems();

  it('reports a target that names no asset, at the reference', () => {
    const d = problems.one('unknown-reference', 'ghost-evals/asset.yaml');
    assert.deepEqual(d.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 23 } });
    assert.equal(d.severity, 'error');
  });

  it('reports a range that no version satisfies, with a fix to the newest approved version', () => {
    const d = problems.one('unsatisfied-version', 'future-evals/asset.yaml');
    assert.match(d.message, /available: 1\.2\.0/);
    assert.equal(d.fixes?.[0].edits[0].newText, 'greeting@^1.2');
  });

  it('reports a deprecated dependency with a fix to its replacement', () => {
    const d = problems.one('deprecated-reference', 'uses-old/asset.yaml');
    assert.equal(d.severity, 'warning');
    assert.equal(d.fixes?.[0].edits[0].newText, 'greeting@^1.2');
  });
});
