import assert from 'node:assert/strict';
import fc from 'fast-check';
import { skippedDirs } from '../../../../src/core/library/fileSource';
import { walked } from '../../../../src/core/library/gitSource';
import { maxFolderDepth } from '../../../../src/core/limits';

describe('gitSource', () => {
  it('walks a path as the folder walk does: no folder it skips, no deeper than the limit', () => {
    // The rule as stated, on every folder of the path.
    const rule = (p: string): boolean => {
      const folders = p.split('/').slice(0, -1);
      return folders.length <= maxFolderDepth && !folders.some((f) => skippedDirs.has(f));
    };
    assert.equal(walked('a/node_modules'), true, 'a file named node_modules');
    assert.equal(walked('a/node_modules/b'), false);
    assert.equal(walked('a.git/b'), true);
    assert.equal(walked(`${'d/'.repeat(maxFolderDepth)}f`), true);
    assert.equal(walked(`${'d/'.repeat(maxFolderDepth + 1)}f`), false);
    const segment = fc.constantFrom(...skippedDirs, 'a', 'x.git', '.gitx', 'node_modulesx', 'hg', '');
    const path = fc.array(segment, { minLength: 1, maxLength: maxFolderDepth + 3 }).map((xs) => xs.join('/'));
    fc.assert(fc.property(path, (p) => walked(p) === rule(p)));
  });
});
