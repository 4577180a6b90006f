import * as assert from 'node:assert/strict';
import { yamlCursorAt, yamlNodeAt, yamlRegionOf } from '../../../../src/core/editor/yamlContext';
import type { YamlCursor } from '../../../../src/core/editor/yamlContext';
import { TextDocument } from '../../../../src/core/text/textDocument';

/** The text with `¦` removed, and the offset where it was. */
function at(marked: string): { doc: TextDocument; offset: number } {
  const offset = marked.indexOf('¦');
  return { doc: new TextDocument(marked.slice(0, offset) + marked.slice(offset + 1)), offset };
}

function cursor(marked: string, format: Parameters<typeof yamlRegionOf>[0] = 'asset-manifest'): YamlCursor | undefined {
  const { doc, offset } = at(marked);
  const region = yamlRegionOf(format, doc);
  assert.ok(region, 'the file has YAML');
  return yamlCursorAt(doc, region, offset);
}

function brief(c: YamlCursor | undefined): unknown {
  return c && { kind: c.kind, path: c.path, prefix: c.prefix, siblings: c.siblings.sort() };
}

describe('core/editor/yamlContext', () => {
  it('reads keys, values and sequence items from the lines, on text that does not parse yet', () => {
    assert.deepEqual(brief(cursor('kind: prompt\nsta¦\nversion: 1.0.0\n')), { kind: 'key', path: [], prefix: 'sta', siblings: ['kind', 'version'] });
    assert.deepEqual(brief(cursor('kind: prompt\nstatus: dr¦')), { kind: 'value', path: ['status'], prefix: 'dr', siblings: [] });
    assert.deepEqual(brief(cursor('kind: eval\ntargets:\n  - gree¦\n')), { kind: 'item', path: ['targets'], prefix: 'gree', siblings: [] });
    assert.deepEqual(brief(cursor('kind: eval\ntargets: [summary@^1.0, gr¦]\n')), { kind: 'item', path: ['targets'], prefix: 'gr', siblings: [] });
    assert.deepEqual(brief(cursor('status: "appr¦"\n')), { kind: 'value', path: ['status'], prefix: 'appr', siblings: [] });
    assert.deepEqual(brief(cursor('status: ¦')), { kind: 'value', path: ['status'], prefix: '', siblings: [] });
  });

  it('finds the parents of nested mappings and of mappings inside sequence items', () => {
    assert.deepEqual(brief(cursor('name: x\npolicy:\n  requireOwners: true\n  ¦\n', 'library-manifest')), { kind: 'key', path: ['policy'], prefix: '', siblings: ['requireOwners'] });
    assert.deepEqual(brief(cursor('models:\n  - id: a\n    con¦\n', 'library-manifest')), { kind: 'key', path: ['models', 0], prefix: 'con', siblings: ['id'] });
    assert.deepEqual(brief(cursor('models:\n  - id: a\n  - id: b\n    replacedBy: op¦\n', 'library-manifest')), { kind: 'value', path: ['models', 1, 'replacedBy'], prefix: 'op', siblings: [] });
    assert.deepEqual(brief(cursor('models:\n  - id: a\n    pricing:\n      inputPerMTok: 1\n      out¦\n', 'library-manifest')), {
      kind: 'key',
      path: ['models', 0, 'pricing'],
      prefix: 'out',
      siblings: ['inputPerMTok'],
    });
    assert.deepEqual(brief(cursor('name: x\npolicy:\n  a: 1\n¦', 'library-manifest')), { kind: 'key', path: [], prefix: '', siblings: ['name', 'policy'] });
    assert.deepEqual(brief(cursor('model: gpt\nmessages:\n  - role: user\n    content: hi\n  - ro¦\n', 'gh-models')), { kind: 'item', path: ['messages'], prefix: 'ro', siblings: [] });
    assert.deepEqual(brief(cursor('policy:\n  scaffoldStatuses:\n    - approved\n    - re¦\n', 'library-manifest')), {
      kind: 'item',
      path: ['policy', 'scaffoldStatuses'],
      prefix: 're',
      siblings: [],
    });
  });

  it('gives nothing inside comments and block scalars', () => {
    assert.equal(cursor('# a comm¦ent\nkind: prompt\n'), undefined);
    assert.equal(cursor('kind: prompt # the ki¦nd\n'), undefined);
    assert.equal(cursor('description: |\n  some te¦xt: here\n'), undefined);
  });

  it('works in a front matter, and leaves the body alone', () => {
    const c = cursor('---\nmodel: goo¦\ninput:\n  schema:\n    a: string\n---\nHello {{a}}\n', 'dotprompt');
    assert.deepEqual(brief(c), { kind: 'value', path: ['model'], prefix: 'goo', siblings: [] });
    const { doc, offset } = at('---\nmodel: x\n---\nHel¦lo\n');
    assert.equal(yamlCursorAt(doc, yamlRegionOf('dotprompt', doc)!, offset), undefined);
    assert.deepEqual(brief(cursor('---\ninput:\n  schema:\n    a: string\n    ¦\n---\n{{a}}\n', 'dotprompt')), { kind: 'key', path: ['input', 'schema'], prefix: '', siblings: ['a'] });
  });

  it('finds the front matter where each format finds it: Prompty after leading whitespace, Dotprompt after blank lines', () => {
    assert.deepEqual(brief(cursor('\n  \n---\nmodel: gp¦\n---\nuser:\n{{q}}\n', 'prompty')), { kind: 'value', path: ['model'], prefix: 'gp', siblings: [] });
    assert.deepEqual(brief(cursor('\n\n---\nmodel: goo¦\n---\nHello\n', 'dotprompt')), { kind: 'value', path: ['model'], prefix: 'goo', siblings: [] });
  });

  it('finds the parsed key or value under a position, with its offsets', () => {
    const { doc, offset } = at('kind: eval\ntargets:\n  - greet¦ing@^1.0\n');
    const hit = yamlNodeAt(doc, yamlRegionOf('asset-manifest', doc)!, offset);
    assert.deepEqual(hit && { path: hit.path, on: hit.on, text: doc.text.slice(hit.start, hit.end), value: hit.value }, {
      path: ['targets', 0],
      on: 'value',
      text: 'greeting@^1.0',
      value: 'greeting@^1.0',
    });
    const k = at('name: x\npolicy:\n  requireOw¦ners: true\n');
    const keyHit = yamlNodeAt(k.doc, yamlRegionOf('library-manifest', k.doc)!, k.offset);
    assert.deepEqual(keyHit && { path: keyHit.path, on: keyHit.on, text: k.doc.text.slice(keyHit.start, keyHit.end) }, { path: ['policy', 'requireOwners'], on: 'key', text: 'requireOwners' });
  });
});
