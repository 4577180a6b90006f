// Properties of diagnostics and quick fixes on real clean files: a problem brought in is named exactly by its range, and its fix takes the file back to clean.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { parseAndCheck } from '../../../src/core/checks/fileChecks';
import { applyEdits } from '../../../src/core/text/edits';
import { TextDocument } from '../../../src/core/text/textDocument';
import { fixturesDir, sampleLibrary } from '../paths';
import { fuzzParams } from './support/mutations';
import { libraryFiles } from './support/library';

interface Clean {
  path: string;
  text: string;
  /** Diagnostics of the clean file (code and message), to compare with after a round trip. */
  baseline: string[];
}

const summary = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.code}: ${d.message}`).sort();

function cleanFiles(filter: (p: string) => boolean): Clean[] {
  const out: Clean[] = [];
  const add = (p: string, text: string): void => {
    const baseline = parseAndCheck(p, Buffer.from(text)).diagnostics;
    if (baseline.some((d) => d.severity === 'error')) return;
    out.push({ path: p, text, baseline: summary(baseline) });
  };
  for (const [p, bytes] of libraryFiles(sampleLibrary)) if (filter(p)) add(p, Buffer.from(bytes).toString('utf8'));
  for (const rel of ['dotprompt/clean.prompt', 'prompty/clean.prompty', 'prompty/clean-v1.prompty', 'prompty/clean-mustache.prompty', 'gh-models/clean.prompt.yml', 'vscode-prompt/clean.prompt.md']) {
    if (filter(rel)) add(path.basename(rel), readFileSync(path.join(fixturesDir, ...rel.split('/')), 'utf8'));
  }
  return out;
}

function rangeText(text: string, d: Diagnostic): string {
  const doc = new TextDocument(text);
  return doc.text.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end));
}

/** Names a template may use for a new variable: not a keyword, helper or implicit name of any template language. */
const reserved = new Set([
  'if',
  'else',
  'elif',
  'endif',
  'for',
  'endfor',
  'in',
  'not',
  'and',
  'or',
  'is',
  'true',
  'false',
  'none',
  'null',
  'undefined',
  'this',
  'loop',
  'each',
  'with',
  'unless',
  'lookup',
  'log',
  'json',
  'role',
  'media',
  'history',
  'section',
  'set',
  'block',
  'macro',
  'raw',
  'range',
  'cycler',
  'joiner',
  'super',
  'caller',
  'include',
  'import',
  'from',
  'as',
]);
const nameArb = fc
  .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'), maxLength: 14 }))
  .map(([a, b]) => `${a}${b}`)
  .filter((n) => !reserved.has(n.toLowerCase()) && !n.startsWith('__'));

describe('hardening: properties of diagnostics and quick fixes', function () {
  this.timeout(120_000);

  it('a variable used but not declared: the range is its name; declaring it, then removing the use and the input, gives the clean file back', () => {
    const files = cleanFiles((p) => /\.(prompt|prompty|prompt\.yml)$/.test(p)).filter((f) => /\{\{[^{}]*\}\}/.test(f.text) && !f.path.startsWith('_') && !f.path.includes('/_'));
    assert.ok(files.length >= 5, `${files.length} clean prompt files`);
    let checked = 0;
    fc.assert(
      fc.property(fc.constantFrom(...files), nameArb, (file, name) => {
        if (file.text.includes(name)) return;
        // Right after the first tag of the body, so that the use lands where the format reads variables.
        const bodyFrom = file.path.endsWith('.prompt.yml') ? 0 : file.text.indexOf('---', 3) + 3;
        const m = /\{\{[^{}]*\}\}/.exec(file.text.slice(bodyFrom));
        if (!m) return;
        const at = bodyFrom + m.index + m[0].length;
        const use = file.path.endsWith('.prompty') && !/format:\s*mustache/.test(file.text) ? ` {{ ${name} }}` : ` {{${name}}}`;
        const withUse = file.text.slice(0, at) + use + file.text.slice(at);
        const undef = parseAndCheck(file.path, Buffer.from(withUse)).diagnostics.filter((d) => d.code === 'undefined-variable');
        if (!undef.length) return; // a format that declares no inputs here
        checked++;
        assert.equal(undef.length, 1, `${file.path} ${name}: ${undef.map((d) => d.message).join('; ')}`);
        assert.equal(rangeText(withUse, undef[0]), name, `${file.path}: the range names the variable`);
        const declare = undef[0].fixes?.[0];
        if (!declare) return; // GitHub Models prompts declare no inputs: nothing to offer
        assert.match(declare.title, /^Declare (as required |optional )?input/, `${file.path}: a Declare fix`);
        const declared = applyEdits(withUse, declare.edits);
        const after = parseAndCheck(file.path, Buffer.from(declared)).diagnostics;
        assert.deepEqual(summary(after), file.baseline, `${file.path} + ${name}, declared: back to clean`);
        // Now remove the use: the input is unused, and its fix removes it.
        const withoutUse = declared.replace(use, '');
        const unused = parseAndCheck(file.path, Buffer.from(withoutUse)).diagnostics.filter((d) => d.code === 'unused-variable');
        // A body that hands its whole context on (`{{> partial}}`, `{{json this}}`) may use any input unseen.
        if (!unused.length && /\{\{>|\{\{\s*json this/.test(withoutUse)) return;
        assert.equal(unused.length, 1, `${file.path} ${name}: ${unused.map((d) => d.message).join('; ')}`);
        assert.ok(rangeText(withoutUse, unused[0]).startsWith(name), `${file.path}: the range names the input`);
        const remove = unused[0].fixes?.[0];
        assert.ok(remove, `${file.path}: a Remove fix`);
        const removed = applyEdits(withoutUse, remove.edits);
        assert.deepEqual(summary(parseAndCheck(file.path, Buffer.from(removed)).diagnostics), file.baseline, `${file.path} - ${name}: back to clean`);
      }),
      fuzzParams(300),
    );
    assert.ok(checked > 100, `only ${checked} cases reached the check`);
  });

  it('a misspelt field: the range is the misspelling; renaming it to the suggestion gives the clean file back', () => {
    const files = cleanFiles((p) => /(^|\/)(asset|library)\.yaml$|\.(prompt|prompty|prompt\.yml|prompt\.md)$|promptfooconfig\.yaml$/.test(p));
    assert.ok(files.length >= 10);
    const keyed = files.flatMap((f) => {
      const fm = /^(?:---\r?\n)?/.exec(f.text)![0];
      const end = f.text.startsWith('---') ? f.text.indexOf('\n---', 3) : f.text.length;
      return [...f.text.slice(0, end).matchAll(/^([a-z][A-Za-z]{3,}):/gm)].filter((m) => m.index! >= fm.length - 1).map((m) => ({ file: f, key: m[1], at: m.index! }));
    });
    let renamed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...keyed), fc.nat(), fc.constantFrom('swap', 'drop', 'double'), ({ file, key, at }, where, how) => {
        const i = 1 + (where % (key.length - 1));
        const typo = how === 'swap' ? key.slice(0, i - 1) + key[i] + key[i - 1] + key.slice(i + 1) : how === 'drop' ? key.slice(0, i) + key.slice(i + 1) : key.slice(0, i) + key[i] + key.slice(i);
        if (typo === key || new RegExp(`^${typo}:`, 'm').test(file.text)) return;
        const text = file.text.slice(0, at) + typo + file.text.slice(at + key.length);
        const unknown = parseAndCheck(file.path, Buffer.from(text)).diagnostics.filter((d) => d.code === 'unknown-field');
        if (!unknown.length) return; // the misspelling is itself a field of the format (`model` -> `mode`)
        assert.equal(unknown.length, 1, `${file.path}: ${key} -> ${typo}: ${unknown.map((d) => d.message).join('; ')}`);
        assert.equal(rangeText(text, unknown[0]), typo, `${file.path}: the range names the field`);
        const fix = unknown[0].fixes?.[0];
        if (!fix || fix.edits[0]?.newText !== key) return; // another known field is as near: no claim about it
        renamed++;
        const fixed = applyEdits(text, fix.edits);
        assert.equal(fixed, file.text, `${file.path}: ${typo} -> ${key}`);
        assert.deepEqual(summary(parseAndCheck(file.path, Buffer.from(fixed)).diagnostics), file.baseline);
      }),
      fuzzParams(300),
    );
    assert.ok(renamed > 100, `only ${renamed} renames checked`);
  });
});
