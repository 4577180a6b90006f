// Counts in words: the singular for exactly one.

import assert from 'node:assert/strict';
import { plural } from '../../../../src/core/text/plural';

describe('core/text/plural', () => {
  it('says "1 asset" and "0 assets", "2 assets", with an irregular plural when given', () => {
    assert.equal(plural(1, 'asset'), '1 asset');
    assert.equal(plural(0, 'asset'), '0 assets');
    assert.equal(plural(2, 'finding'), '2 findings');
    assert.equal(plural(1, 'library', 'libraries'), '1 library');
    assert.equal(plural(3, 'library', 'libraries'), '3 libraries');
  });
});
