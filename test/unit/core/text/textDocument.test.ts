import * as assert from 'node:assert/strict';
import { TextDocument, decodeUtf8 } from '../../../../src/core/text/textDocument';

describe('core/text/textDocument', () => {
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
});
