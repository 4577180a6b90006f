import * as assert from 'node:assert/strict';
import { closest, distance } from 'fastest-levenshtein';
import { validatorFor } from '../../../../src/core/schemas';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { parseDocument } from 'yaml';
import { YamlSource, isSpace, nearest, nearestIn } from '../../../../src/core/yaml/yamlDocument';

function source(text: string): YamlSource {
  const doc = new TextDocument(text);
  return new YamlSource(doc, 'x.yaml', 0, doc.text.length);
}

describe('core/yaml/yamlDocument', () => {
  it('reports syntax errors as yaml-syntax with a position', () => {
    const y = source('a: 1\nb: [1, 2\nc: 3\n');
    assert.equal(y.ok, false);
    assert.ok(y.diagnostics.length > 0);
    assert.equal(y.diagnostics[0].code, 'yaml-syntax');
    assert.ok(y.diagnostics[0].range.start.line >= 1);
  });

  it('reports a repeated key as duplicate-key on the second key', () => {
    const y = source('kind: prompt\nversion: 1.0.0\nkind: eval\n');
    const d = y.diagnostics.find((x) => x.code === 'duplicate-key');
    assert.ok(d);
    assert.deepEqual(d.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } });
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) {
      const prev = String.fromCharCode(97 + i);
      const cur = String.fromCharCode(98 + i);
      lines.push(`${cur}: &${cur} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    }
    const started = Date.now();
    const y = source(lines.join('\n') + '\n');
    assert.equal(y.ok, false);
    assert.equal(y.diagnostics[0].code, 'yaml-syntax');
    assert.match(y.diagnostics[0].message, /alias/i);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses nesting deeper than the bound instead of recursing', () => {
    const y = source('a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n');
    assert.equal(y.ok, false);
    assert.match(y.diagnostics[0].message, /nests deeper/);
  });

  it('maps schema errors to the value and unknown fields to the key, with a rename fix', () => {
    const y = source('kind: widget\nversion: 1\nstatus: approved\ntitel: Hello\n');
    const diags = y.validate(validatorFor('asset'));
    const kind = diags.find((d) => d.code === 'schema' && d.message.includes('`kind`'));
    assert.ok(kind, JSON.stringify(diags));
    assert.deepEqual(kind.range, { start: { line: 0, character: 6 }, end: { line: 0, character: 12 } });
    assert.match(kind.message, /must be one of "prompt", "eval", "module", "template"/);
    const version = diags.find((d) => d.message.includes('`version`'));
    assert.ok(version);
    assert.match(version.message, /must be a string, not number 1/);
    const unknown = diags.find((d) => d.code === 'unknown-field');
    assert.ok(unknown);
    assert.equal(unknown.severity, 'warning');
    assert.match(unknown.message, /did you mean `title`/);
    assert.deepEqual(unknown.fixes?.[0].edits, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 5 } }, newText: 'title' }]);
  });

  it('reports a missing required field on the document head', () => {
    const y = source('kind: prompt\n');
    const diags = y.validate(validatorFor('asset'));
    assert.ok(diags.some((d) => d.code === 'schema' && /missing the required field `version`/.test(d.message)));
  });

  it('keeps positions right with CRLF, a BOM, tabs in values and non-ASCII text', () => {
    const doc = new TextDocument('\ufeffid: grüße-😀\r\nkind: pr\tompt\r\n');
    const y = new YamlSource(doc, 'x.yaml', 0, doc.text.length);
    assert.deepEqual(y.valueRange(['kind']), { start: { line: 1, character: 6 }, end: { line: 1, character: 13 } });
    // 'grüße-😀' is 8 UTF-16 units long (the emoji is two).
    assert.deepEqual(y.valueRange(['id']), { start: { line: 0, character: 4 }, end: { line: 0, character: 12 } });
  });

  it('suggests only near names', () => {
    assert.equal(nearest('titel', ['title', 'tags']), 'title');
    assert.equal(nearest('zzzzzz', ['title', 'tags']), undefined);
  });

  it('suggests from a long list with nearestIn exactly as nearest does', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `prompt-${String(i).padStart(4, '0')}`);
    ids.push('Summarize', 'summarize', 'classify-ticket');
    const find = nearestIn(ids);
    for (const name of ['SUMMARIZE', 'summarise', 'prompt-0012', 'prompt-12', 'prompt-9999', 'classify-tickets', 'zzzz', '']) {
      assert.equal(find(name), nearest(name, ids), name);
    }
    assert.equal(find('SUMMARIZE'), 'Summarize');
    assert.equal(nearestIn([])('x'), undefined);
  });

  it('gives the value doc.toJS gives, and the repeated keys, for plain and unusual documents', () => {
    const cases = [
      'a: 1\nb: [x, {c: d}]\nc:\n  - 1.5\n  - ~\n  - true\n',
      '1: a\n"1": b\n',
      'null: 1\n"": 2\n~: 3\n',
      'true: 1\n"true": 2\ntrue: 3\n',
      '__proto__: 1\nconstructor: 2\ntoString: x\nconstructor: 4\n',
      '<<: {a: 1}\nb: 2\n<<: {c: 3}\n',
      'a: &x [1, 2]\nb: *x\nb: 3\n',
      '? [a, b]\n: 1\n',
      'x: 0x1F\ny: .inf\nz: -.nan\nw: 1e3\nv: 2024-01-01\n',
      '- a\n- {b: 1, b: 2}\n- [c, c]\n',
      '',
      '# only a comment\n',
    ];
    for (const text of cases) {
      const y = source(text);
      assert.deepEqual(y.value, parseDocument(text, { uniqueKeys: false, logLevel: 'error' }).toJS(), text);
      assert.equal(JSON.stringify(y.value), JSON.stringify(parseDocument(text, { uniqueKeys: false, logLevel: 'error' }).toJS()), `key order of ${text}`);
    }
    const repeated = (text: string) =>
      source(text)
        .diagnostics.filter((d) => d.code === 'duplicate-key')
        .map((d) => d.range.start.line);
    assert.deepEqual(repeated('1: a\n"1": b\n'), []);
    assert.deepEqual(repeated('true: 1\n"true": 2\ntrue: 3\n'), [2]);
    assert.deepEqual(repeated('__proto__: 1\nconstructor: 2\ntoString: x\nconstructor: 4\n'), [3]);
    assert.deepEqual(repeated('<<: {a: 1}\nb: 2\n<<: {c: 3}\n'), []);
    assert.deepEqual(repeated('a: &x [1, 2]\nb: *x\nb: 3\n'), [2]);
    assert.deepEqual(repeated('- a\n- {b: 1, b: 2}\n- x: 1\n  y: 2\n  x: 3\n'), [1, 4]);
    // An own `__proto__` key stays a plain property, as doc.toJS makes it.
    const proto = source('__proto__: 1\n').value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.deepEqual(Object.keys(proto), ['__proto__']);
  });

  it('suggests what the first nearest name by edit distance is (closest), on short and long lists with ties', () => {
    // The reference: the suggestion as it was worked out before the search stopped early and skipped far lengths.
    const reference = (name: string, known: string[]): string | undefined => {
      if (!known.length) return undefined;
      const ci = known.find((k) => k.toLowerCase() === name.toLowerCase());
      if (ci) return ci;
      const plausible = known.length > 64 ? known.filter((k) => Math.abs(k.length - name.length) <= Math.max(2, Math.floor(k.length / 3))) : known;
      if (!plausible.length) return undefined;
      const best = closest(name, plausible);
      return distance(name, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
    };
    let seed = 3;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (): string => Array.from({ length: 1 + rnd(12) }, () => 'abcde-'[rnd(6)]).join('');
    for (const size of [0, 3, 40, 200]) {
      for (let round = 0; round < 20; round++) {
        const known = Array.from({ length: size }, word);
        const find = nearestIn(known);
        for (let i = 0; i < 30; i++) {
          const name = rnd(3) === 0 && known.length ? known[rnd(known.length)] + 'x' : word();
          assert.equal(nearest(name, known), reference(name, known), `${name} in ${size}`);
          assert.equal(find(name), reference(name, known), `${name} in ${size} (nearestIn)`);
        }
      }
    }
  });

  it('counts as space exactly what \\s matches', () => {
    for (let c = 0; c < 0x10000; c++) assert.equal(isSpace(c), /\s/.test(String.fromCharCode(c)), `U+${c.toString(16)}`);
  });
});
