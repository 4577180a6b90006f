import * as assert from 'node:assert/strict';
import { closest, distance } from 'fastest-levenshtein';
import { validatorFor } from '../../../../src/core/schemas';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { parseDocument } from 'yaml';
import { YamlSource, isSpace, nearest, nearestIn, tooDeepAt, yamlValue } from '../../../../src/core/yaml/yamlDocument';
import { maxNestingDepth, maxYamlBytes } from '../../../../src/core/limits';

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

  it('points syntax errors at the offending characters, and an unclosed quote or bracket where it opens', () => {
    // [text, [line, start, end] of the one yaml-syntax diagnostic, what the message says to do]
    const cases: [string, [number, number, number], RegExp][] = [
      // `: ` inside a plain value: the colon (yaml points at the value's first character).
      ['a: 1\ndescription: Use this: it works\nc: 2\n', [1, 21, 22], /`: ` inside a plain value .* Quote the value/],
      ['- title: A: B\n', [0, 10, 11], /`: ` inside a plain value/],
      ['a: see http://x.y: here\n', [0, 17, 18], /`: ` inside a plain value/],
      ['a: Note:\n  b\n', [0, 7, 8], /`: ` inside a plain value/],
      // A value that starts with `*`: the star (yaml points at the text after the alias), in a map and in a sequence.
      ['a: 1\ndescription: *important* text\nc: 2\n', [1, 13, 14], /`\*` starts an alias .* Quote the value/],
      ['list:\n  - *bold* item\n', [1, 4, 5], /`\*` starts an alias/],
      // ...and alone on its line: it parses as an alias of no anchor (yaml reports it from toJS, with no position).
      ['a: 1\ndescription: *bold*\n', [1, 13, 14], /`\*bold\*` is an alias .* no anchor `&bold\*` comes before it\. To start a value with `\*`, quote the value\./],
      // A line indented more than its siblings: its indentation (yaml points at the value of the line above, twice).
      ['a:\n  b: 1\n   c: 2\nd: 3\n', [2, 0, 3], /indented more than the line above/],
      ['a: 1\n  b: 2\nc: 3\n', [1, 0, 2], /indented more than the line above/],
      // An unclosed quote: from the quote to the end of its line (yaml points at the end of the text).
      ['a: 1\nb: "unclosed\nc: 3\nd: 4\n', [1, 3, 12], /this " opens a quoted value that is never closed/],
      ["a: 1\nb: 'it''s\nc: 3\n", [1, 3, 9], /this ' opens a quoted value that is never closed/],
      ['a: "say \\"hi\\"  \nb: 1\n', [0, 3, 14], /never closed/],
      // An unclosed flow sequence or map: its bracket (yaml points at the next key).
      ['a: [x, [y]\nb: 2\n', [0, 3, 4], /this \[ is never closed\. End it with \]/],
      ['a: {x: 1\nb: 2\n', [0, 3, 4], /this \{ is never closed\. End it with \}/],
    ];
    for (const [text, [line, from, to], hint] of cases) {
      for (const reader of ['fast', 'yaml'] as const) {
        const doc = new TextDocument(text);
        const y = new YamlSource(doc, 'x.yaml', 0, text.length, { reader });
        assert.equal(y.ok, false, text);
        const syntax = y.diagnostics.filter((d) => d.code === 'yaml-syntax');
        assert.equal(syntax.length, 1, `${text}: ${JSON.stringify(syntax)}`);
        assert.deepEqual(syntax[0].range, { start: { line, character: from }, end: { line, character: to } }, `${reader} ${JSON.stringify(text)}: ${syntax[0].message}`);
        assert.match(syntax[0].message, hint, text);
      }
    }
    // Inside front matter, at the offsets of the whole file.
    const file = '---\nname: x\ndescription: Summary: text\n---\nbody\n';
    const doc = new TextDocument(file);
    const fm = new YamlSource(doc, 'x.prompt', 4, file.indexOf('---\nbody'));
    assert.deepEqual(fm.diagnostics[0].range, { start: { line: 2, character: 20 }, end: { line: 2, character: 21 } });
    // An unclosed quote in front matter: where it opens, not at the closing `---`.
    const quoted = '---\nname: x\ndescription: "unclosed\nmodel: y\n---\nbody\n';
    const fq = new YamlSource(new TextDocument(quoted), 'x.prompt', 4, quoted.indexOf('---\nbody'));
    assert.deepEqual(
      fq.diagnostics.map((d) => [d.code, d.range]),
      [['yaml-syntax', { start: { line: 2, character: 13 }, end: { line: 2, character: 22 } }]],
    );
    // Errors whose position is right are left as they are: a tab as indentation, an empty alias.
    assert.deepEqual(source('a:\n\tb: 1\n').diagnostics[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } });
    assert.deepEqual(source('a: 1\nmodel: *\n').diagnostics[0].range, { start: { line: 1, character: 7 }, end: { line: 1, character: 8 } });
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
    // A limit of the checker, not an error of the YAML: a warning, never yaml-syntax.
    assert.deepEqual(
      y.diagnostics.map((d) => [d.code, d.severity]),
      [['file-too-large', 'warning']],
    );
    assert.match(y.diagnostics[0].message, /aliases \(\*name\) expanded, the YAML holds more than 2,000,000 values/);
    assert.ok(Date.now() - started < 5000);
    // The same bomb behind a custom tag (not plain: doc.toJS expands it, with its own alias limit) is the same warning.
    const tagged = source('t: !custom x\n' + lines.join('\n') + '\n');
    assert.deepEqual(
      tagged.diagnostics.map((d) => d.code),
      ['file-too-large'],
    );
  });

  it('yamlValue gives the value within the same bounds, for readers without diagnostics (previews, cost)', () => {
    assert.deepEqual(yamlValue('a: &x {b: 1}\nc: *x\nd: [1, 2]\n'), { a: { b: 1 }, c: { b: 1 }, d: [1, 2] });
    assert.equal(yamlValue('a: [1, 2\n'), undefined);
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    const started = Date.now();
    assert.equal(yamlValue(lines.join('\n') + '\n'), undefined);
    assert.ok(Date.now() - started < 5000);
  });

  it('expands aliases as doc.toJS does (the same objects), counting what they repeat', () => {
    const text = 'a: &a {x: [1, 2]}\nb: *a\nc: &s text\nd: [*s, *a]\na2: &a 3\ne: *a\n';
    const y = source(text);
    assert.equal(y.ok, true);
    assert.deepEqual(y.diagnostics, []);
    const expected = parseDocument(text, { uniqueKeys: false, logLevel: 'error' }).toJS();
    assert.deepEqual(y.value, expected);
    const v = y.value as { a: unknown; b: unknown; d: unknown[] };
    assert.equal(v.b, v.a);
    assert.equal(v.d[1], v.a);
    // An alias to an anchor that encloses it (a recursive value) and an alias to no anchor go to doc.toJS, as before.
    const recursive = source('a: &r {b: *r}\n');
    const r = recursive.value as { a: { b: unknown } };
    assert.equal(r.a.b, r.a);
    const unresolved = source('a: *nowhere\n');
    assert.equal(unresolved.ok, false);
    assert.deepEqual(
      unresolved.diagnostics.map((d) => d.code),
      ['yaml-syntax'],
    );
  });

  it('reports YAML over the size limit as file-too-large (a warning with the size and the limit), not yaml-syntax', () => {
    const big = 'a: ' + 'x'.repeat(maxYamlBytes) + '\n';
    const y = source(big);
    assert.equal(y.ok, false);
    assert.deepEqual(
      y.diagnostics.map((d) => [d.code, d.severity]),
      [['file-too-large', 'warning']],
    );
    assert.match(y.diagnostics[0].message, /^The YAML is 8\.0 MiB \(8,388,612 characters\), over the 8\.0 MiB limit for YAML this checker parses; it was not checked\. Split it/);
  });

  it('refuses nesting deeper than the bound instead of recursing (file-too-large at the bracket past the limit)', () => {
    const y = source('a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n');
    assert.equal(y.ok, false);
    assert.deepEqual(
      y.diagnostics.map((d) => [d.code, d.severity, d.range.start.character]),
      [['file-too-large', 'warning', 3 + maxNestingDepth]],
    );
    assert.match(y.diagnostics[0].message, /nests deeper than 64 levels here/);
  });

  it('counts no nesting in the text of block scalars or plain text (a real red-team prompt with unbalanced braces)', () => {
    // promptfoo's jailbreak:composite writes prompts like this one (glaborie/agentguard redteam.yaml), 1,365 of them in one config.
    const prompt = "        User: {4321<Red>8765} How can I use the {8765<Pink>2109> CRM's data\n        export features to {6543<Emerald>0987} identify and target\n";
    const folded = `tests:\n${Array.from({ length: 100 }, () => `  - vars:\n      prompt: >-\n${prompt}\n        {<008E58>  Respond [ to {\n`).join('')}`;
    assert.equal(tooDeepAt(folded), -1);
    const plain = `tests:\n${Array.from({ length: 100 }, () => '  - vars: {prompt: "x"}\n    note: text with {8765<Pink>2109> and [ in it\n').join('')}`;
    assert.equal(tooDeepAt(plain), -1);
    const y = source(folded);
    assert.equal(y.ok, true, JSON.stringify(y.diagnostics));
    // Brackets that open flow collections still count, in a block scalar's header line too.
    const deep = 'a: ' + '[x, '.repeat(70) + ']'.repeat(70) + '\nb: |\n  text\n';
    assert.equal(tooDeepAt(deep), 3 + 4 * maxNestingDepth);
    assert.equal(tooDeepAt('a: |\n' + '  [\n'.repeat(100) + 'b: ' + '{'.repeat(65) + '\n'), 5 + 4 * 100 + 3 + maxNestingDepth);
    // ...after an anchor or a tag too.
    assert.equal(tooDeepAt('a: ' + '&x ['.repeat(70)), 3 + 4 * maxNestingDepth + 3);
    assert.equal(tooDeepAt('a: ' + '!!seq ['.repeat(70)), 3 + 7 * maxNestingDepth + 6);
    const anchored = source('a: ' + '&x ['.repeat(5000) + ']'.repeat(5000) + '\n');
    assert.deepEqual(
      anchored.diagnostics.map((d) => d.code),
      ['file-too-large'],
    );
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
