import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isCollection, isPair } from 'yaml';
import type { Node } from 'yaml';
import { parseFile } from '../../../../src/core/formats/parseFile';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { chunkedParsing } from '../../../../src/core/yaml/yamlChunks';
import { YamlSource } from '../../../../src/core/yaml/yamlDocument';
import type { YamlPath } from '../../../../src/core/yaml/yamlDocument';
import { generateBenchLibrary } from '../../../bench/generate';
import { largeText } from '../../../bench/keystroke';
import { corpusDir, fixturesDir, sampleLibrary } from '../../paths';

function yamlFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'node_modules') continue;
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) yamlFiles(abs, out);
    else if (/\.ya?ml$/i.test(name)) out.push(abs);
  }
  return out;
}

/** Every node of a document as [path of kinds, range], in order. */
function shape(node: unknown, at = 'root', out: string[] = []): string[] {
  if (!node || typeof node !== 'object') return out;
  if (isPair(node)) {
    shape(node.key, `${at}.key`, out);
    shape(node.value, `${at}.value`, out);
    return out;
  }
  const n = node as Node;
  out.push(`${at} ${JSON.stringify(n.range)} ${JSON.stringify((n as { value?: unknown }).value ?? null).slice(0, 40)}`);
  if (isCollection(node)) node.items.forEach((item, i) => shape(item, `${at}.${i}`, out));
  return out;
}

function paths(v: unknown, prefix: YamlPath = [], out: YamlPath[] = [], depth = 0): YamlPath[] {
  if (depth > 5 || !v || typeof v !== 'object') return out;
  for (const [k, child] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p);
    paths(child, p, out, depth + 1);
  }
  return out;
}

/** Parses `text` whole and entry by entry and checks that callers cannot tell them apart. */
function same(text: string, label: string, rangeEvery = 1): void {
  const doc = new TextDocument(text);
  const saved = chunkedParsing.minChars;
  let whole: YamlSource;
  let chunked: YamlSource;
  try {
    chunkedParsing.minChars = Number.POSITIVE_INFINITY;
    whole = new YamlSource(doc, 'f.yaml', 0, doc.text.length);
    chunkedParsing.minChars = 0;
    chunked = new YamlSource(doc, 'f.yaml', 0, doc.text.length);
  } finally {
    chunkedParsing.minChars = saved;
  }
  assert.equal(chunked.ok, whole.ok, label);
  assert.deepEqual(chunked.value, whole.value, label);
  assert.deepEqual(chunked.diagnostics, whole.diagnostics, label);
  assert.deepEqual(shape(chunked.doc?.contents), shape(whole.doc?.contents), label);
  for (const p of paths(whole.value).filter((_p, i) => i % rangeEvery === 0)) {
    assert.deepEqual(chunked.keyRange(p), whole.keyRange(p), `${label} keyRange ${p.join('.')}`);
    assert.deepEqual(chunked.valueRange(p), whole.valueRange(p), `${label} valueRange ${p.join('.')}`);
  }
}

describe('YAML parsed entry by entry', () => {
  it('gives the same value, diagnostics, nodes and ranges as a whole parse on every YAML file of the corpus, samples and fixtures', () => {
    const files = [...yamlFiles(sampleLibrary), ...yamlFiles(fixturesDir), ...yamlFiles(corpusDir)];
    assert.ok(files.length > 20);
    for (const f of files) same(readFileSync(f, 'utf8'), f);
  });

  it('gives the same answers on generated files with planted problems', () => {
    for (const [rel, text] of Object.entries(generateBenchLibrary(60))) if (/\.ya?ml$/.test(rel)) same(text, rel);
  });

  it('gives the same answers after every one-character edit of a 2,000-line file (cached entries reused)', function () {
    this.timeout(120_000);
    const typical = readFileSync(path.join(sampleLibrary, 'prompts/complaint-classifier/complaint-classifier.prompt.yml'), 'utf8');
    let text = largeText(typical);
    same(text, 'large', 7);
    // A deterministic walk of edits: letters, line breaks, colons, indentation, quotes and dashes, everywhere.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const inserts = ['x', '\n', ':', ' ', '"', '-', '#', '|', '\t', 'é'];
    for (let i = 0; i < 60; i++) {
      const at = next() % text.length;
      text = next() % 3 === 0 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + inserts[next() % inserts.length] + text.slice(at);
      same(text, `edit ${i} at ${at}`, 97);
    }
  });

  it('leaves documents it cannot split to the whole parse (anchors, tags, several documents, top-level lists, quoted keys)', () => {
    const big = (head: string) => head + Array.from({ length: 40 }, (_, i) => `k${i}:\n  a: ${i}\n  b: [1, 2]\n`).join('');
    for (const head of ['x: &a 1\ny: *a\n', 'x: !!str 1\n', '---\nx: 1\n---\n', '- 1\n- 2\n', '"q": 1\n', 'x: |\n  block\n\n  kept\n', '# only a comment\n', 'x: 1\nx: 2\n']) {
      same(big(head), JSON.stringify(head));
    }
  });

  it('gives the same parsed files (every field, every diagnostic) for large prompt and eval files', () => {
    const typical = readFileSync(path.join(sampleLibrary, 'prompts/complaint-classifier/complaint-classifier.prompt.yml'), 'utf8');
    const texts: [string, string][] = [
      ['p/large.prompt.yml', largeText(typical)],
      ['p/large.prompt.yml', largeText(typical).replace('model: openai/gpt-4.1-mini', 'model: openai/gpt-4.1-mini\nmodel: again')],
      ['e/promptfooconfig.yaml', `description: big\nprompts:\n  - file://x.prompt\ntests:\n${Array.from({ length: 600 }, (_, i) => `  - vars:\n      a: ${i}\n`).join('')}`],
    ];
    const saved = chunkedParsing.minChars;
    try {
      for (const [p, text] of texts) {
        chunkedParsing.minChars = Number.POSITIVE_INFINITY;
        const whole = parseFile(p, new TextEncoder().encode(text));
        chunkedParsing.minChars = 0;
        const chunked = parseFile(p, new TextEncoder().encode(text));
        const again = parseFile(p, new TextEncoder().encode(text));
        assert.deepEqual(chunked, whole, p);
        assert.deepEqual(again, whole, `${p} (from the cache)`);
      }
    } finally {
      chunkedParsing.minChars = saved;
    }
  });
});
