import * as assert from 'node:assert/strict';
import { TextDocument, decodeUtf8, looksBinary } from '../../../../src/core/text/textDocument';

describe('core/text/textDocument', () => {
  it('calls bytes binary when a NUL is in the first 8 KiB', () => {
    const bytes = (n: number, nulAt?: number): Uint8Array => {
      const b = new Uint8Array(n).fill(97);
      if (nulAt !== undefined) b[nulAt] = 0;
      return b;
    };
    assert.equal(looksBinary(bytes(0)), false);
    assert.equal(looksBinary(bytes(100)), false);
    assert.equal(looksBinary(bytes(100, 0)), true);
    assert.equal(looksBinary(bytes(100, 99)), true);
    assert.equal(looksBinary(bytes(20000, 8191)), true);
    assert.equal(looksBinary(bytes(20000, 8192)), false);
    assert.equal(looksBinary(Buffer.from('text\u0000more')), true);
  });

  it('finds the same lines in text with line feeds only as a character-by-character reading does', () => {
    const reference = (t: string): { line: number; character: number }[] => {
      const out: { line: number; character: number }[] = [];
      let line = 0;
      let character = 0;
      for (let i = 0; i <= t.length; i++) {
        out.push({ line, character });
        if (t[i] === '\n') {
          line++;
          character = 0;
        } else character++;
      }
      return out;
    };
    for (const t of ['', '\n', 'a', 'a\n', '\n\nab\n', 'one\ntwo\n\nthree', 'x\n'.repeat(40) + 'end']) {
      const doc = new TextDocument(t);
      const want = reference(t);
      for (let o = 0; o <= t.length; o++) assert.deepEqual(doc.positionAt(o), want[o], `${JSON.stringify(t)} at ${o}`);
      assert.equal(doc.lineCount, t.split('\n').length);
    }
  });

  it('maps offsets to LSP positions with LF, CRLF and CR line ends', () => {
    const doc = new TextDocument('a\r\nbc\rd\ne');
    assert.deepEqual(doc.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(doc.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(doc.positionAt(6), { line: 2, character: 0 });
    assert.deepEqual(doc.positionAt(8), { line: 3, character: 0 });
    assert.equal(doc.lineCount, 4);
    assert.equal(doc.lineText(1), 'bc');
    assert.equal(doc.offsetAt({ line: 1, character: 1 }), 4);
  });

  it('strips a BOM and counts characters in UTF-16 code units', () => {
    const doc = new TextDocument('\ufeffé😀x');
    assert.equal(doc.hadBom, true);
    // 'é' is one unit, the emoji two: 'x' is at character 3.
    assert.deepEqual(doc.positionAt(doc.text.indexOf('x')), { line: 0, character: 3 });
  });

  it('rejects invalid UTF-8', () => {
    assert.equal(decodeUtf8(new Uint8Array([0xc3, 0x28])), undefined);
    assert.equal(decodeUtf8(new TextEncoder().encode('ok')), 'ok');
  });

  it('decodes afresh after invalid input, and keeps a BOM for TextDocument to strip', () => {
    assert.equal(decodeUtf8(new Uint8Array([0xe2, 0x82])), undefined);
    assert.equal(decodeUtf8(new Uint8Array([0x61, 0x62])), 'ab');
    assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), '\ufeffa');
  });

  it('gives every range as the positions of its two ends, on one line or across lines', () => {
    const doc = new TextDocument('ab\r\ncd\re\n\nfgh😀i\r\n');
    const n = doc.text.length;
    for (let a = -2; a <= n + 2; a++) {
      for (let b = -2; b <= n + 2; b++) {
        assert.deepEqual(doc.rangeOf(a, b), { start: doc.positionAt(a), end: doc.positionAt(Math.max(a, b)) }, `${a}..${b}`);
      }
    }
  });

  it('shares frozen positions for small lines and columns, and makes new ones past them', () => {
    const doc = new TextDocument('x'.repeat(200) + '\n' + 'y\n'.repeat(600));
    assert.equal(doc.positionAt(3), new TextDocument('abcd').positionAt(3));
    assert.ok(Object.isFrozen(doc.positionAt(3)));
    assert.deepEqual(doc.positionAt(150), { line: 0, character: 150 });
    assert.ok(!Object.isFrozen(doc.positionAt(150)));
    const far = doc.text.length - 1;
    assert.deepEqual(doc.positionAt(far), { line: 600, character: 1 });
  });
});
