import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { YamlSource } from '../../../../src/core/yaml/yamlDocument';
import type { YamlPath } from '../../../../src/core/yaml/yamlDocument';
import { parseSimpleYaml } from '../../../../src/core/yaml/yamlFast';
import { generateBenchLibrary } from '../../../bench/generate';
import { largeText } from '../../../bench/keystroke';
import { corpusDir, fixturesDir, sampleLibrary } from '../../paths';
import { yamlTexts } from '../../support/yamlTexts';

/** What callers can read of a node: class, value, style, flow, ranges, anchor, tag, and the same of its children. */
function project(n: unknown): unknown {
  if (n === null || n === undefined) return n;
  if (isPair(n)) return { key: project(n.key), value: project(n.value) };
  if (isMap(n) || isSeq(n)) return { node: isMap(n) ? 'map' : 'seq', flow: !!n.flow, range: n.range, anchor: n.anchor, tag: n.tag, items: n.items.map(project) };
  if (isScalar(n)) {
    const v = n.value;
    return {
      node: 'scalar',
      value: typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
      type: n.type,
      range: n.range,
      source: (n as { source?: unknown }).source,
      anchor: n.anchor,
      tag: n.tag,
    };
  }
  return { other: String(n) };
}

/** YamlSource's results for `src`, with the fast reader (the default) or with `yaml` alone. */
function viaSource(src: string, reader: 'fast' | 'yaml'): string {
  const doc = new TextDocument(src);
  const y = new YamlSource(doc, 'x.yaml', 0, doc.text.length, { reader });
  return JSON.stringify({ ok: y.ok, value: y.value, diagnostics: y.diagnostics, contents: project(y.doc?.contents), head: y.headRange() });
}

const options = { prettyErrors: false, keepSourceTokens: false, logLevel: 'error' as const, uniqueKeys: false };

/** Checks the fast reader against `yaml` on `src`; true when the fast reader took it. */
function agrees(src: string, label: string): boolean {
  const fast = parseSimpleYaml(src);
  if (!fast) return false;
  const full = parseDocument(src, options);
  assert.deepEqual(full.errors, [], `${label}: the fast reader took YAML that has errors: ${JSON.stringify(src)}`);
  assert.equal(JSON.stringify(project(fast.doc.contents)), JSON.stringify(project(full.contents)), `${label}: nodes differ for ${JSON.stringify(src)}`);
  assert.equal(JSON.stringify(fast.value), JSON.stringify(full.toJS()), `${label}: values differ for ${JSON.stringify(src)}`);
  assert.equal(viaSource(src, 'fast'), viaSource(src, 'yaml'), `${label}: YamlSource differs for ${JSON.stringify(src)}`);
  return true;
}

/** Every path of keys and indexes into a plain value, to `depth` levels. */
function paths(v: unknown, prefix: YamlPath = [], out: YamlPath[] = [], depth = 0): YamlPath[] {
  if (depth > 5 || !v || typeof v !== 'object') return out;
  for (const [k, child] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p);
    paths(child, p, out, depth + 1);
  }
  return out;
}

/**
 * Checks that callers of YamlSource cannot tell the default reader from `yaml` alone on `text`: ok, value,
 * diagnostics, nodes, and the ranges of keys and values on every `rangeEvery`-th path. True when the fast reader took it.
 */
function sameSource(text: string, label: string, rangeEvery = 1): boolean {
  const doc = new TextDocument(text);
  const fast = new YamlSource(doc, 'f.yaml', 0, doc.text.length);
  const full = new YamlSource(doc, 'f.yaml', 0, doc.text.length, { reader: 'yaml' });
  assert.equal(fast.ok, full.ok, label);
  assert.deepEqual(fast.value, full.value, label);
  assert.deepEqual(fast.diagnostics, full.diagnostics, label);
  assert.equal(JSON.stringify(project(fast.doc?.contents)), JSON.stringify(project(full.doc?.contents)), label);
  for (const p of paths(full.value).filter((_p, i) => i % rangeEvery === 0)) {
    assert.deepEqual(fast.keyRange(p), full.keyRange(p), `${label} keyRange ${p.join('.')}`);
    assert.deepEqual(fast.valueRange(p), full.valueRange(p), `${label} valueRange ${p.join('.')}`);
  }
  return parseSimpleYaml(text) !== undefined;
}

/** A deterministic pseudo-random source (the same damage every run). */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

const pieces = [
  ' ',
  '  ',
  '\n',
  ':',
  ': ',
  '- ',
  '-',
  '#',
  ' #',
  '"',
  "'",
  '|',
  '|-',
  '>',
  '>-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '!t ',
  'x',
  '0',
  '1.5',
  '.',
  '\t',
  '\\',
  '\\n',
  'true',
  '~',
  '? ',
  '---\n',
  '%',
  '0x1F',
  '1e3',
  '\r\n',
  'null',
  "''",
  '\n  ',
  '\n\n',
  '\n# c\n',
  '\n  # c\n',
  ' # c',
  '<<: ',
  '__proto__: ',
  '.inf',
  '\u0085',
];

/** `src` with a character deleted, a piece of YAML inserted, or a line indented or repeated. */
function damage(src: string, rnd: (n: number) => number): string {
  const k = rnd(4);
  const p = rnd(src.length + 1);
  if (k === 0) return src.slice(0, p) + src.slice(p + 1 + rnd(3));
  if (k === 1 || k === 2) return src.slice(0, p) + pieces[rnd(pieces.length)] + src.slice(p);
  const lines = src.split('\n');
  const i = rnd(lines.length);
  if (rnd(2)) lines[i] = '  ' + lines[i];
  else lines.splice(i, 0, lines[rnd(lines.length)]);
  return lines.join('\n');
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

/** Typing edits per YAML text (`YAML_EDITS=200` for a long run). */
const editsPerText = Number(process.env.YAML_EDITS ?? 6);

const typicalPrompt = (): string => readFileSync(path.join(sampleLibrary, 'prompts/complaint-classifier/complaint-classifier.prompt.yml'), 'utf8');

describe('core/yaml/yamlFast', () => {
  it('reads the common shapes of manifests and front matter (and gives what yaml gives)', () => {
    const taken = [
      'id: mod-1\nkind: module\nversion: 1.1.0\ndescription: >-\n  Helps the team\n  with replies.\ntags: [sales, reply, gen8]\nowners:\n  - a@example.com\n',
      '# A header comment\n\nname: x\nmodel:\n  id: gpt-4o-mini\n  options:\n    temperature: 0.1\ninputs:\n  - name: question\n    kind: string\n    required: true\n  - name: n\n    default: 3\n',
      "input:\n  schema:\n    caseId: string, Reference of the case\n    product(enum, Product line): [home, motor, \"travel\", 'it''s']\n    notes?: string\n  default:\n    maxPoints: 5\n",
      'a: |\n  line one\n    indented\n\n  # not a comment\n  last\nb: |-\n  x\n\n\nc: >\n  folded\n  text\n\n  para\nd: ~\ne:\nf: {}\ng: []\n',
      'l:\n- a: 1\n  b: [x, y ,]\n- "q\\"uoted\\u00e9"\n-\n- z\n',
      'n: [0o17, 0x1F, -2, +3, 1e3, .5, 1.50, 007, true, False, NULL, yes, 2001-12-14]\nk: 1 # trailing comment\n# column-0 comment\nm: "x" # another\n',
      'dup: 1\ndup: 2\n1: one\nx: y\n',
      '__proto__: a\ntoString: b\ntoString: c\n~: null-key\nnull: again\n<<: not-a-merge\n<<: twice\n',
      '- a\n- b: c\n  d: e\n',
    ];
    for (const src of taken) assert.ok(agrees(src, 'example'), `the fast reader gave up on ${JSON.stringify(src)}`);
  });

  it('gives up on what it does not read exactly (yaml decides those)', () => {
    const refused = [
      'a: &x 1\nb: *x\n',
      'base: &b\n  x: 1\nc:\n  <<: *b\n',
      'a: !!str 1\n',
      '%YAML 1.1\n---\na: yes\n',
      'a: 1\n---\nb: 2\n',
      'a:\tb\n',
      'a: 1\r\nb: 2\r\n',
      'a: multi\n  line plain\n',
      'a: 1\n  # indented comment\nb: 2\n',
      'a: [1,\n  2]\n',
      'a: {b: 1}\n',
      '"quoted key": 1\n',
      'a: b: c\n',
      'a: |2\n   x\n',
      'a: |+\n  x\n\n',
      'a: >\n  x\n    more indented\n  y\n',
      'a: .inf\n',
      'a: "\\x41"\n',
      'a: "unterminated\n',
      '? complex\n: key\n',
      '',
      '# only a comment\n',
      'a: 1\n  \nb: 2\n',
    ];
    for (const src of refused) assert.equal(parseSimpleYaml(src), undefined, `the fast reader took ${JSON.stringify(src)}`);
  });

  it('reports repeated keys as the full parse does', () => {
    const doc = new TextDocument('kind: prompt\nversion: 1.0.0\nkind: eval\nx:\n  k: 1\n  k: 2\n');
    const y = new YamlSource(doc, 'x.yaml', 0, doc.text.length);
    assert.deepEqual(
      y.diagnostics.map((d) => [d.code, d.range.start.line]),
      [
        ['duplicate-key', 2],
        ['duplicate-key', 5],
      ],
    );
    assert.deepEqual(y.value, { kind: 'eval', version: '1.0.0', x: { k: 2 } });
    assert.ok(agrees(doc.text, 'repeated keys'));
  });

  const roots = [corpusDir, sampleLibrary, fixturesDir].filter((r) => existsSync(r));

  it('gives the same nodes, values and diagnostics as yaml on every YAML text of the corpus, the sample library and the fixtures', function () {
    this.timeout(120_000);
    let taken = 0;
    let total = 0;
    for (const root of roots) {
      for (const t of yamlTexts(root)) {
        total++;
        if (agrees(t.src, t.label)) taken++;
      }
    }
    assert.ok(total > 100, `only ${total} YAML texts found`);
    // The fast path must carry most real files, or it is not worth having.
    assert.ok(taken / total > 0.85, `the fast reader took only ${taken} of ${total} texts`);
  });

  it('gives the same results as yaml on damaged copies of those texts, or gives up', function () {
    this.timeout(300_000);
    const rnd = random(7);
    let taken = 0;
    let total = 0;
    for (const root of roots) {
      for (const t of yamlTexts(root)) {
        for (let i = 0; i < 4; i++) {
          let src = t.src;
          for (let j = 1 + rnd(3); j > 0; j--) src = damage(src, rnd);
          total++;
          if (agrees(src, `${t.label} (damaged)`)) taken++;
        }
      }
    }
    assert.ok(taken > total / 2, `the fast reader took only ${taken} of ${total} damaged texts`);
  });

  it('gives the same results as yaml after typing edits of those texts (the editor reads every keystroke with it), and takes most letters typed', function () {
    this.timeout(300_000);
    const rnd = random(11);
    let letters = 0;
    let lettersTaken = 0;
    for (const root of roots) {
      for (const t of yamlTexts(root)) {
        if (!parseSimpleYaml(t.src)) continue;
        for (let i = 0; i < editsPerText; i++) {
          const kind = i === 0 ? 0 : rnd(edits.length);
          const at = rnd(t.src.length + 1);
          const taken = agrees(edits[kind](t.src, at), `${t.label} (edit ${kind} at ${at})`);
          if (kind === 0) {
            letters++;
            if (taken) lettersTaken++;
          }
        }
      }
    }
    assert.ok(letters > 100, `only ${letters} letters typed`);
    assert.ok(lettersTaken > letters * 0.7, `a letter typed was read by the fast reader ${lettersTaken} of ${letters} times`);
  });

  it('gives the same value, diagnostics, nodes and ranges as yaml on generated library files with planted problems', () => {
    let taken = 0;
    let total = 0;
    for (const [rel, text] of Object.entries(generateBenchLibrary(60))) {
      if (!/\.ya?ml$/.test(rel)) continue;
      total++;
      if (sameSource(text, rel)) taken++;
    }
    assert.ok(taken > total / 2, `the fast reader took only ${taken} of ${total} generated files`);
  });

  it('gives the same answers as yaml on large prompt and eval files, and after one-character edits of a 2,000-line file', function () {
    this.timeout(120_000);
    const large = largeText(typicalPrompt());
    assert.ok(sameSource(large, 'large', 7), 'the fast reader takes the 2,000-line prompt');
    sameSource(large.replace('model: openai/gpt-4.1-mini', 'model: openai/gpt-4.1-mini\nmodel: again'), 'large, a repeated key');
    const suite = `description: big\nprompts:\n  - file://x.prompt\ntests:\n${Array.from({ length: 600 }, (_, i) => `  - vars:\n      a: ${i}\n`).join('')}`;
    assert.ok(sameSource(suite, 'large eval suite', 7), 'the fast reader takes the large eval suite');
    // A deterministic walk of edits: letters, line breaks, colons, indentation, quotes and dashes, everywhere.
    let text = large;
    const rnd = random(7);
    const inserts = ['x', '\n', ':', ' ', '"', '-', '#', '|', '\t', 'é'];
    for (let i = 0; i < 60; i++) {
      const at = rnd(text.length);
      text = rnd(3) === 0 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + inserts[rnd(inserts.length)] + text.slice(at);
      sameSource(text, `edit ${i} at ${at}`, 97);
    }
  });
});
