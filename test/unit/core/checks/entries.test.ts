import * as assert from 'node:assert/strict';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/entries', () => {
  const problems = crossAssetProblems();

  it('reports entries that escape the asset folder or do not exist', () => {
    problems.one('path-escape', 'escaping-entry/asset.yaml');
    const d = problems.one('entry-missing', 'missing-entry/asset.yaml');
    assert.equal(d.fixes?.[0].edits[0].newText, 'main.prompt');
  });
});
