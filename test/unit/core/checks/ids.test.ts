import * as assert from 'node:assert/strict';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/ids', () => {
  const problems = crossAssetProblems();

  it('reports duplicate ids and id/folder mismatches with a fix', () => {
    // dup-b's id both repeats dup-a's and differs from its folder: one finding on the id, which offers the folder's name (it ends both).
    const dup = problems.one('duplicate-id', 'dup-b/asset.yaml');
    assert.deepEqual(problems.find('id-mismatch', 'dup-b/asset.yaml'), []);
    assert.match(dup.message, /This one's folder is `dup-b`: an id equal to it ends both problems/);
    assert.deepEqual(dup.fixes?.[0].edits, [{ range: dup.range, newText: 'dup-b' }]);
    assert.equal(problems.find('id-mismatch', 'dup-a/asset.yaml').length, 1);
    const m = problems.one('id-mismatch', 'renamed-folder/asset.yaml');
    assert.equal(m.fixes?.[0].edits[0].newText, 'renamed-folder');
    assert.deepEqual(m.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 16 } });
  });
});
