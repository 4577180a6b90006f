import assert from 'node:assert/strict';
import * as path from 'node:path';
import { isCollection, isPair, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { commonEnds, editCounts, forgetParses, parseAfterEdit, rememberParse } from '../../../../src/core/yaml/yamlEdit';
import type { YamlOptions } from '../../../../src/core/yaml/yamlEdit';
import { corpusDir, fixturesDir, sampleLibrary } from '../../paths';
import { yamlTexts } from '../../support/yamlTexts';

/** The options YamlSource parses with. */
const options: YamlOptions = { prettyErrors: false, keepSourceTokens: false, logLevel: 'error', uniqueKeys: false };

/** Everything a caller can read of a document's nodes: kinds, ranges, values, raw sources, comments, styles. */
function shape(node: unknown): unknown {
  if (!node || typeof node !== 'object') return node;
  if (isPair(node)) return { key: shape(node.key), value: shape(node.value) };
  const out: Record<string, unknown> = { kind: node.constructor.name };
  for (const [k, v] of Object.entries(node)) {
    if (k === 'schema' || k === 'items' || k === 'srcToken') continue;
    out[k] = v;
  }
  if (isCollection(node)) out.items = node.items.map(shape);
  return out;
}

function documentShape(doc: Document.Parsed): unknown {
  return { contents: shape(doc.contents), range: doc.range, comment: doc.comment, commentBefore: doc.commentBefore, errors: doc.errors.length, warnings: doc.warnings.length, value: doc.toJS() };
}

/** A small deterministic generator (the same edits on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Edits a person makes while typing, and a few that change the structure. */
const edits: ((text: string, at: number) => string)[] = [
  (t, at) => t.slice(0, at) + 'x' + t.slice(at),
  (t, at) => t.slice(0, at) + ' ' + t.slice(at),
  (t, at) => t.slice(0, at) + 'Word' + t.slice(at),
  (t, at) => t.slice(0, at) + t.slice(at + 1),
  (t, at) => t.slice(0, at) + 'é' + t.slice(at + 1),
  (t, at) => t.slice(0, at) + ': ' + t.slice(at),
  (t, at) => t.slice(0, at) + ' #' + t.slice(at),
  (t, at) => t.slice(0, at) + '"' + t.slice(at),
  (t, at) => t.slice(0, at) + "'" + t.slice(at),
  (t, at) => t.slice(0, at) + '- ' + t.slice(at),
  (t, at) => t.slice(0, at) + '{' + t.slice(at),
  (t, at) => t.slice(0, at) + '&a ' + t.slice(at),
  (t, at) => t.slice(0, at) + '12' + t.slice(at),
  (t, at) => t.slice(0, at) + '\t' + t.slice(at),
  (t, at) => t.slice(0, at) + t.slice(at + 3),
];

/** Edits per YAML text (12: about 11,000 edits in a few seconds; `YAML_EDITS=200` for a long run that also prints the counts). */
const editsPerText = Number(process.env.YAML_EDITS ?? 12);

describe('parseAfterEdit (yamlEdit.ts)', () => {
  afterEach(() => forgetParses());

  it('gives exactly what a full parse gives after thousands of edits of real YAML, and takes the short way for most typing inside values', function () {
    this.timeout(120_000);
    const texts = [corpusDir, sampleLibrary, path.join(fixturesDir, 'formats')].flatMap(yamlTexts);
    assert.ok(texts.length > 100, `expected the corpus beside the repository, found ${texts.length} YAML texts`);
    const next = random(7);
    const counts = { ...editCounts };
    let tried = 0;
    let short = 0;
    let typing = 0;
    let typingShort = 0;
    for (const { label: file, src: text } of texts) {
      const before = parseDocument(text, options);
      if (before.errors.length || before.warnings.length) continue;
      for (let i = 0; i < editsPerText; i++) {
        const at = Math.floor(next() * text.length);
        const kind = Math.floor(next() * edits.length);
        const after = edits[kind](text, at);
        forgetParses();
        rememberParse(text, before);
        const quick = parseAfterEdit(after, options);
        tried++;
        if (kind === 0) typing++;
        if (!quick) continue;
        short++;
        if (kind === 0) typingShort++;
        assert.deepEqual(documentShape(quick), documentShape(parseDocument(after, options)), `${file}: edit ${kind} at ${at}`);
      }
    }
    if (process.env.YAML_EDITS) console.log({ tried, short, typing, typingShort, literal: editCounts.literal - counts.literal, alone: editCounts.alone - counts.alone });
    // The short way must really be taken (else this test would prove nothing).
    assert.ok(short > tried * 0.15, `the short way was taken for ${short} of ${tried} edits`);
    assert.ok(typingShort > typing * 0.3, `a letter typed took the short way ${typingShort} of ${typing} times`);
    assert.ok(editCounts.literal - counts.literal > 100, 'literal block scalars were edited directly');
    assert.ok(editCounts.alone - counts.alone > 100, 'scalars were parsed alone');
  });

  it('leaves the previous document untouched and shares the nodes before the edit', () => {
    const text = 'name: Triage\ndescription: Sorts complaints\nmessages:\n  - role: system\n    content: |\n      You triage complaints.\n      Be brief.\nafter: 1\n';
    const before = parseDocument(text, options);
    const snapshot = JSON.stringify(documentShape(before));
    rememberParse(text, before);
    const at = text.indexOf('triage complaints') + 6;
    const after = text.slice(0, at) + 'all ' + text.slice(at);
    const quick = parseAfterEdit(after, options);
    assert.ok(quick, 'a letter typed in a block scalar takes the short way');
    assert.deepEqual(documentShape(quick), documentShape(parseDocument(after, options)));
    assert.equal(JSON.stringify(documentShape(before)), snapshot);
    const pairs = (d: Document.Parsed) => (d.contents as { items: { key: unknown; value: unknown }[] }).items;
    assert.equal(pairs(quick)[0].value, pairs(before)[0].value, 'a node before the edit is shared');
    assert.notEqual(pairs(quick)[3].value, pairs(before)[3].value, 'a node after the edit is a moved copy');
    assert.deepEqual((pairs(quick)[3].value as { range: number[] }).range, (pairs(before)[3].value as { range: number[] }).range.map((x) => x + 4));
  });

  it('returns the same document for the same text, and nothing for texts it has not seen or edits it cannot vouch for', () => {
    const text = 'a: one\nb: |\n  two\n';
    const before = parseDocument(text, options);
    rememberParse(text, before);
    assert.equal(parseAfterEdit(text, options), before);
    assert.equal(parseAfterEdit('c: three\n', options), undefined, 'an unrelated text');
    assert.equal(parseAfterEdit('ax: one\nb: |\n  two\n', options), undefined, 'a key edited');
    assert.equal(parseAfterEdit('a: one\nb: |\n  two\n  three\n', options), undefined, 'a line added');
    assert.equal(parseAfterEdit('a: one # c\nb: |\n  two\n', options), undefined, 'a comment started');
    assert.equal(parseAfterEdit('a: one: x\nb: |\n  two\n', options), undefined, 'a value turned into a mapping');
    assert.equal(parseAfterEdit('a: one\nb: |\n   two\n', options), undefined, 'indentation changed');
    const number = parseAfterEdit('a: 1\nb: |\n  two\n', options);
    assert.deepEqual(number?.toJS(), { a: 1, b: 'two\n' }, 'a word replaced by a number inside one scalar: the value is typed again');
  });

  it('finds the common start and end of two texts, in strides and character by character', () => {
    const long = 'a'.repeat(300) + 'middle' + 'b'.repeat(300);
    assert.deepEqual(commonEnds(long, long.replace('middle', 'muddle')), [301, 304]);
    assert.deepEqual(commonEnds(long, long.replace('middle', 'mid')), [303, 300]);
    assert.deepEqual(commonEnds('aaaa', 'aaaaa'), [4, 0], 'an insertion in a run: the prefix takes the run, the suffix does not overlap it');
    assert.deepEqual(commonEnds('', 'x'), [0, 0]);
    assert.deepEqual(commonEnds(long, long), [long.length, 0]);
    const next = random(11);
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: Math.floor(next() * 600) }, () => 'ab\n'[Math.floor(next() * 3)]).join('');
      const at = Math.floor(next() * (text.length + 1));
      const other = text.slice(0, at) + 'xy'.slice(0, Math.floor(next() * 3)) + text.slice(at + Math.floor(next() * 3));
      let p = 0;
      while (p < Math.min(text.length, other.length) && text[p] === other[p]) p++;
      let s = 0;
      while (s < Math.min(text.length, other.length) - p && text[text.length - 1 - s] === other[other.length - 1 - s]) s++;
      assert.deepEqual(commonEnds(text, other), [p, s]);
    }
  });

  it('does not take an edit from a document that had problems', () => {
    const text = 'a: [1\nb: x\n';
    const before = parseDocument(text, options);
    assert.ok(before.errors.length > 0);
    rememberParse(text, before);
    assert.equal(parseAfterEdit('a: [1\nb: xy\n', options), undefined);
  });
});
