import * as assert from 'node:assert/strict';
import { baseOf, dirOf, entryInside, joinInside } from '../../../../src/core/library/paths';

describe('core/library/paths', () => {
  it("gives a path's folder and last segment", () => {
    assert.equal(dirOf('prompts/summarize/asset.yaml'), 'prompts/summarize');
    assert.equal(dirOf('library.yaml'), '');
    assert.equal(baseOf('prompts/summarize/asset.yaml'), 'asset.yaml');
    assert.equal(baseOf('library.yaml'), 'library.yaml');
  });

  it('joins a relative path to a folder, and refuses one that leaves the library', () => {
    assert.equal(joinInside('evals', 'prompts/../prompt.txt'), 'evals/prompt.txt');
    assert.equal(joinInside('evals', './a//b.txt'), 'evals/a/b.txt');
    assert.equal(joinInside('evals/deep', '..\\shared\\x.csv'), 'evals/shared/x.csv');
    assert.equal(joinInside('evals', '..'), '');
    assert.equal(joinInside('', 'a.txt'), 'a.txt');
    assert.equal(joinInside('evals', '../x'), 'x');
    for (const out of ['../../x', 'a/../../../x', '..\\..\\x', '/etc/passwd', '\\\\server\\share\\x', 'C:/x', 'c:\\x', '~/x', '~root/x']) assert.equal(joinInside('evals', out), undefined, out);
    assert.equal(joinInside('', '../x'), undefined);
  });

  it('resolves an entry inside its asset folder only', () => {
    assert.equal(entryInside('prompts/a', 'a.prompt'), 'prompts/a/a.prompt');
    assert.equal(entryInside('prompts/a', 'sub/../a.prompt'), 'prompts/a/a.prompt');
    assert.equal(entryInside('prompts/a', '../b/b.prompt'), undefined);
    assert.equal(entryInside('prompts/a', '../ab/x.prompt'), undefined);
    assert.equal(entryInside('', 'x.prompt'), 'x.prompt');
    assert.equal(entryInside('prompts/a', '/abs.prompt'), undefined);
  });
});
