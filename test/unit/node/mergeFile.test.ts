import * as assert from 'node:assert/strict';
import { GitFileMerger } from '../../../src/node/mergeFile';
import { testGitEnv } from '../support/gitServer';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const labels = { ours: 'pilot', base: 'x@1.0.0', theirs: 'x@1.1.0' };

describe('node/mergeFile (git merge-file)', () => {
  const merger = new GitFileMerger({ env: testGitEnv });
  const base = 'one\ntwo\nthree\nfour\nfive\n';

  it('keeps both sides of non-overlapping edits', async () => {
    const r = await merger.merge(enc(base), enc(base.replace('one', 'ONE')), enc(base.replace('five', 'FIVE')), labels);
    assert.equal(r.conflicts, 0);
    assert.equal(dec(r.data), 'ONE\ntwo\nthree\nfour\nFIVE\n');
  });

  it('marks overlapping edits with standard conflict markers and counts them', async () => {
    const r = await merger.merge(enc(base), enc(base.replace('three', 'mine')), enc(base.replace('three', 'theirs')), labels);
    assert.equal(r.conflicts, 1);
    assert.equal(dec(r.data), 'one\ntwo\n<<<<<<< pilot\nmine\n=======\ntheirs\n>>>>>>> x@1.1.0\nfour\nfive\n');
  });

  it('handles CRLF text and an empty base', async () => {
    const r = await merger.merge(enc(''), enc('a\r\nb\r\n'), enc('a\r\nc\r\n'), labels);
    assert.ok(r.conflicts >= 1);
    assert.match(dec(r.data), /<<<<<<< pilot\r?\n[\s\S]*b\r\n[\s\S]*c\r\n[\s\S]*>>>>>>> x@1\.1\.0/);
  });
});
