import * as assert from 'node:assert/strict';
import { diag } from '../../../../src/core/diagnostics';
import type { Diagnostic, TextEdit } from '../../../../src/core/diagnostics';
import { editsConflict, fixableCodes, fixAll, fixAllRound, minimalEdit, quickFixes } from '../../../../src/core/editor/codeActions';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { applyEdits } from '../../../../src/core/text/edits';

const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
const parse = (path: string, text: string): Diagnostic[] => parseAndCheck(path, enc(text)).diagnostics;
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

describe('core/editor/codeActions', () => {
  it('offers one action per fix; a single fix is preferred; maintainer-only fixes need maintainer mode', () => {
    const d1 = diag('unbalanced-brace', 'a.prompt', r(0, 0, 0, 2), 'x', {
      fixes: [
        { title: 'Close', edits: [{ range: r(0, 2, 0, 2), newText: '}}' }] },
        { title: 'Remove', edits: [{ range: r(0, 0, 0, 2), newText: '' }] },
      ],
    });
    const d2 = diag('approval-digest-mismatch', 'x/asset.yaml', r(5, 10, 5, 20), 'y', {
      fixes: [{ title: 'Recompute', edits: [{ range: r(5, 10, 5, 20), newText: 'sha256:0' }], maintainersOnly: true }],
    });
    const d3 = diag('deprecated-reference', 'x/asset.yaml', r(3, 4, 3, 10), 'z', { fixes: [{ title: 'Replace', edits: [{ range: r(3, 4, 3, 10), newText: 'b@^1.0' }], file: 'y/asset.yaml' }] });
    const plain = quickFixes([d1, d2, d3], { maintainer: false });
    assert.deepEqual(
      plain.map((a) => [a.title, a.isPreferred, a.changes[0].file]),
      [
        ['Close', false, 'a.prompt'],
        ['Remove', false, 'a.prompt'],
        ['Replace', true, 'y/asset.yaml'],
      ],
    );
    const maint = quickFixes([d2], { maintainer: true });
    assert.deepEqual(
      maint.map((a) => [a.title, a.isPreferred]),
      [['Recompute', true]],
    );
    // Only unambiguous fixes of the diagnostic's own file count for "fix all".
    assert.deepEqual([...fixableCodes([d1, d2, d3], { maintainer: true })], [['approval-digest-mismatch', 1]]);
  });

  it('tells conflicting edits apart: overlaps, different insertions at one point, insertions inside a replacement', () => {
    const e = (l1: number, c1: number, l2: number, c2: number, t: string): TextEdit => ({ range: r(l1, c1, l2, c2), newText: t });
    assert.equal(editsConflict(e(0, 0, 0, 5, 'a'), e(0, 3, 0, 8, 'b')), true);
    assert.equal(editsConflict(e(0, 0, 0, 5, 'a'), e(0, 5, 0, 8, 'b')), false);
    assert.equal(editsConflict(e(1, 0, 1, 0, 'x'), e(1, 0, 1, 0, 'y')), true);
    assert.equal(editsConflict(e(1, 0, 1, 0, 'x'), e(1, 0, 1, 0, 'x')), false);
    assert.equal(editsConflict(e(0, 0, 0, 5, 'a'), e(0, 2, 0, 2, 'b')), true);
    assert.equal(editsConflict(e(0, 0, 0, 5, 'a'), e(0, 5, 0, 5, 'b')), false);
  });

  it('fix all declares every undeclared variable of a Dotprompt file, over rounds (one insertion point)', () => {
    const text = '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n---\nHello {{name}}, {{city}} and {{country}}; again {{city}}.\n';
    const diags = parse('p.prompt', text);
    assert.equal(diags.filter((d) => d.code === 'undefined-variable').length, 3);
    const round = fixAllRound(diags, { maintainer: false });
    assert.equal(round.fixed.length, 2, 'city (twice, the same edit) in the first round; country conflicts at the same point');
    const result = fixAll(text, diags, { maintainer: false, recheck: (t) => parse('p.prompt', t) });
    assert.ok(result);
    assert.equal(result.rounds, 2);
    assert.equal(
      result.text,
      '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n    city: string\n    country: string\n---\nHello {{name}}, {{city}} and {{country}}; again {{city}}.\n',
    );
    assert.deepEqual(
      parse('p.prompt', result.text).filter((d) => d.code === 'undefined-variable'),
      [],
    );
  });

  it('fix all in a Prompty file with no inputs block writes the block once', () => {
    const text = '---\nname: t\n---\nsystem:\n{{ a }} and {{ b }}\n';
    const diags = parse('t.prompty', text);
    assert.equal(diags.filter((d) => d.code === 'undefined-variable').length, 2);
    const result = fixAll(text, diags, { maintainer: false, recheck: (t) => parse('t.prompty', t) });
    assert.ok(result);
    assert.equal(result.rounds, 2);
    assert.equal((result.text.match(/^inputs:/gm) ?? []).length, 1, result.text);
    assert.deepEqual(
      parse('t.prompty', result.text).filter((d) => d.code === 'undefined-variable' || d.code === 'yaml-syntax' || d.code === 'duplicate-key'),
      [],
    );
  });

  it('fix all of one code leaves the others, and Prompty inputs are declared in its own syntax', () => {
    const text = '---\nname: t\ninputs:\n  used:\n    type: string\n  spare:\n    type: string\n---\nsystem:\n{{ used }} {{ missing }}\n';
    const diags = parse('t.prompty', text);
    assert.ok(diags.some((d) => d.code === 'unused-variable'));
    const result = fixAll(text, diags, { maintainer: false, codes: new Set(['undefined-variable']), recheck: (t) => parse('t.prompty', t) });
    assert.ok(result);
    const after = parse('t.prompty', result.text);
    assert.ok(!after.some((d) => d.code === 'undefined-variable'), result.text);
    assert.ok(
      after.some((d) => d.code === 'unused-variable'),
      'unused-variable was not asked for',
    );
    assert.match(result.text, /missing/);
  });

  it('returns undefined when nothing can be fixed, and each single quick fix clears its diagnostic', () => {
    const clean = '---\ninput:\n  schema:\n    a: string\n---\n{{a}}\n';
    assert.equal(fixAll(clean, parse('c.prompt', clean), { maintainer: false, recheck: (t) => parse('c.prompt', t) }), undefined);
    const text = '---\nmodel: openai/gpt-4o-mini\nconfg:\n  temperature: 1\ninput:\n  schema:\n    a: string\n    unused: string\n---\n{{a}} {{b}}\n';
    const diags = parse('q.prompt', text);
    for (const action of quickFixes(diags, { maintainer: false })) {
      const after = parse('q.prompt', applyEdits(text, action.changes[0].edits));
      const same = after.filter((d) => d.code === action.diagnostic.code && d.message === action.diagnostic.message);
      assert.deepEqual(same, [], `${action.title} clears ${action.diagnostic.code}`);
    }
    assert.deepEqual(
      quickFixes(diags, { maintainer: false })
        .map((a) => a.title)
        .sort(),
      ['Declare as optional input `b`', 'Declare as required input `b`', 'Remove unused input `unused`', 'Rename `confg` to `config`'],
    );
  });

  it('minimalEdit keeps the common start and end, and never splits a CRLF or a surrogate pair', () => {
    const apply = (t: string, e: { start: number; end: number; newText: string }) => t.slice(0, e.start) + e.newText + t.slice(e.end);
    for (const [a, b] of [
      ['abcdef', 'abXYef'],
      ['a\r\nb', 'a\r\nc\r\nb'],
      ['x😀y', 'x😃y'],
      ['same', 'same!'],
      ['', 'new'],
    ]) {
      const e = minimalEdit(a, b);
      assert.ok(e);
      assert.equal(apply(a, e), b);
    }
    assert.deepEqual(minimalEdit('abcdef', 'abXYef'), { start: 2, end: 4, newText: 'XY' });
    assert.equal(minimalEdit('same', 'same'), undefined);
  });
});
