import assert from 'node:assert/strict';
import { dotpromptFiles } from '../../../../src/core/formats/detect';
import { LazyFiles } from '../../../../src/core/library/lazyFiles';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { generateBenchLibrary } from '../../../bench/generate';
import { tempDir, writeFiles } from '../../support/gitServer';
import { sampleLibrary } from '../../paths';

describe('detect', () => {
  it('gives the Dotprompt files of a catalog, decoding no other file', async () => {
    const generated = tempDir('lib');
    writeFiles(generated, generateBenchLibrary(60));
    for (const root of [sampleLibrary, generated]) {
      const catalog = await openFolderLibrary(root);
      const expected = [...catalog.files.values()].filter((f) => f.format === 'dotprompt');
      assert.ok(expected.some((f) => f.partialName || f.partials?.length) || root === generated, `${root} has partials`);
      const decoded: string[] = [];
      const lazy = LazyFiles.of(catalog.files.keys(), (p) => (decoded.push(p), catalog.files.get(p)));
      assert.deepEqual([...dotpromptFiles(lazy)], expected);
      assert.ok(expected.length > 0);
      assert.deepEqual(
        decoded,
        expected.map((f) => f.path),
        'only the Dotprompt files are decoded',
      );
    }
  });
});
