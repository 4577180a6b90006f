import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../../src/core/formats/canonicalJson';
import { parseManifest } from '../../../../src/core/formats/manifests';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { TextDocument } from '../../../../src/core/text/textDocument';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const manifest = 'id: summarize\nkind: prompt\nversion: 1.0.0\nstatus: approved\ntitle: Grüße 😀\n';
const approval = 'approval:\n  by: ana\n  date: "2025-01-01"\n  digest: sha256:0000\n';

describe('core/formats/manifests', () => {
  it('digests an asset manifest by its parsed content without the approval key, whatever the block, the BOM or the line ends', () => {
    const expected = sha256(canonicalJson({ id: 'summarize', kind: 'prompt', version: '1.0.0', status: 'approved', title: 'Grüße 😀' }));
    const cases = [manifest, manifest + approval, approval + manifest, '\ufeff' + manifest, '\ufeff' + manifest + approval, manifest.replace(/\n/g, '\r\n')];
    for (const text of cases) {
      const f = parseAndCheck('p/asset.yaml', new TextEncoder().encode(text));
      assert.equal(f.digestSha256, expected, JSON.stringify(text));
      const parsed: ParsedFile = { path: 'p/asset.yaml', format: 'asset-manifest', sha256: '', size: 0, text: true, diagnostics: [], meta: {} };
      parseManifest(parsed, new TextDocument(text));
      assert.equal(parsed.digestSha256, expected, JSON.stringify(text));
    }
    // Layout, quoting, key order and comments do not count; a one-line (flow or JSON) manifest digests the same.
    for (const text of [
      '{id: summarize, kind: prompt, version: 1.0.0, status: approved, title: "Grüße 😀"}',
      '{"title":"Grüße 😀","status":"approved","version":"1.0.0","kind":"prompt","id":"summarize","approval":{"by":"x"}}',
      '# a comment\nkind: prompt\nid: summarize\nversion: "1.0.0"\nstatus: approved\ntitle: Grüße 😀\n',
    ]) {
      assert.equal(parseAndCheck('p/asset.yaml', new TextEncoder().encode(text)).digestSha256, expected, JSON.stringify(text));
    }
  });

  it('covers every key but the approval: values, types and aliases, wherever the approval block stands', () => {
    const digest = (text: string) => parseAndCheck('p/asset.yaml', new TextEncoder().encode(text)).digestSha256;
    const head = 'id: summarize\n';
    const tail = 'kind: prompt\nversion: 1.0.0\n';
    for (const block of [approval, 'approval: {by: ana, digest: "sha256:0000"}\n', approval.replace(/\n/g, '\r\n')]) {
      const eol = block.includes('\r\n') ? '\r\n' : '\n';
      const text = (head + block + tail).replace(/\r?\n/g, eol);
      assert.equal(digest(text), digest(head + tail), JSON.stringify(block));
      // Editing the line right after the block changes the digest (the approval no longer holds).
      assert.notEqual(digest(text.replace('kind: prompt', 'kind: module')), digest(text), JSON.stringify(block));
    }
    // A number is not the string of its digits; an alias counts with the value it stands for.
    assert.notEqual(digest('id: s\nversion: "1"\n'), digest('id: s\nversion: 1\n'));
    const aliased = 'approval:\n  by: &m openai/gpt-4o-mini\nid: s\nmodel: *m\n';
    assert.equal(digest(aliased), digest('id: s\nmodel: openai/gpt-4o-mini\n'));
    assert.notEqual(digest(aliased.replace('4o-mini', '4o')), digest(aliased));
  });
});
