import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { approvalFreeText, parseManifest } from '../../../../src/core/formats/manifests';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { TextDocument } from '../../../../src/core/text/textDocument';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const manifest = 'id: summarize\nkind: prompt\nversion: 1.0.0\nstatus: approved\ntitle: Grüße 😀\n';
const approval = 'approval:\n  by: ana\n  date: "2025-01-01"\n  digest: sha256:0000\n';

describe('core/formats/manifests', () => {
  it('digests an asset manifest without its approval block, whatever the block and the BOM', () => {
    const cases = [manifest, manifest + approval, approval + manifest, '\ufeff' + manifest, '\ufeff' + manifest + approval, manifest.replace(/\n/g, '\r\n')];
    for (const text of cases) {
      const f = parseFile('p/asset.yaml', new TextEncoder().encode(text));
      const doc = new TextDocument(text);
      const y = parseManifest({ path: 'p/asset.yaml', format: 'asset-manifest', sha256: '', size: 0, text: true, diagnostics: [], meta: {} }, doc);
      assert.equal(f.digestSha256, sha256(approvalFreeText(y, doc)), JSON.stringify(text));
    }
    assert.equal(parseFile('p/asset.yaml', new TextEncoder().encode(manifest + approval)).digestSha256, sha256(manifest));
    // Without a BOM or an approval block, the digest is the file's own hash.
    const plain = parseFile('p/asset.yaml', new TextEncoder().encode(manifest));
    assert.equal(plain.digestSha256, plain.sha256);
    assert.equal(plain.digestSha256, sha256(manifest));
    const withBom = parseFile('p/asset.yaml', new TextEncoder().encode('\ufeff' + manifest));
    assert.equal(withBom.digestSha256, sha256(manifest));
    assert.notEqual(withBom.digestSha256, withBom.sha256);
  });

  it('leaves out only the approval block: the lines after it, wherever it stands, are digested', () => {
    const digest = (text: string) => parseFile('p/asset.yaml', new TextEncoder().encode(text)).digestSha256;
    const head = 'id: summarize\n';
    const tail = 'kind: prompt\nversion: 1.0.0\n';
    for (const block of [approval, 'approval: {by: ana, digest: "sha256:0000"}\n', approval.replace(/\n/g, '\r\n')]) {
      const eol = block.includes('\r\n') ? '\r\n' : '\n';
      const text = (head + block + tail).replace(/\r?\n/g, eol);
      assert.equal(digest(text), sha256((head + tail).replace(/\r?\n/g, eol)), JSON.stringify(block));
      // Editing the line right after the block changes the digest (the approval no longer holds).
      assert.notEqual(digest(text.replace('kind: prompt', 'kind: module')), digest(text), JSON.stringify(block));
    }
    // A comment or a blank line after the block stays in.
    assert.equal(digest(head + approval + '# note\n' + tail), sha256(head + '# note\n' + tail));
    assert.equal(digest(head + approval + '\n' + tail), sha256(head + '\n' + tail));
  });
});
