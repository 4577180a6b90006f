import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { documentSymbols } from '../../../../src/core/editor/symbols';
import type { DocumentSymbol } from '../../../../src/core/editor/symbols';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { fixturesDir } from '../../paths';

const editorLibrary = path.join(fixturesDir, 'editor', 'library');

function symbolsOf(rel: string, text?: string): { syms: DocumentSymbol[]; doc: TextDocument } {
  const t = text ?? fs.readFileSync(path.join(editorLibrary, ...rel.split('/')), 'utf8');
  const doc = new TextDocument(t);
  return { syms: documentSymbols(parseAndCheck(rel, new TextEncoder().encode(t)), doc), doc };
}

/** The tree as `name(kind)[children]` lines, for readable comparisons. */
function outline(syms: DocumentSymbol[], depth = 0): string[] {
  return syms.flatMap((s) => [`${'  '.repeat(depth)}${s.name} (${s.kind})`, ...outline(s.children, depth + 1)]);
}

/** Every selection range lies inside its symbol's range, and children inside parents (what VS Code requires). */
function assertNested(syms: DocumentSymbol[], parent?: DocumentSymbol): void {
  const le = (a: { line: number; character: number }, b: { line: number; character: number }) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  for (const s of syms) {
    assert.ok(le(s.range.start, s.selectionRange.start) && le(s.selectionRange.end, s.range.end), `selection of ${s.name} inside its range`);
    if (parent) assert.ok(le(parent.range.start, s.range.start) && le(s.range.end, parent.range.end), `${s.name} inside ${parent.name}`);
    assertNested(s.children, s);
  }
}

describe('core/editor/symbols', () => {
  it('a Dotprompt file: the front matter tree with inputs as variables, then its messages by role', () => {
    const { syms, doc } = symbolsOf('summarize/summarize.prompt');
    assert.deepEqual(outline(syms), [
      'front matter (namespace)',
      '  model (string)',
      '  config (object)',
      '    temperature (number)',
      '  input (object)',
      '    schema (object)',
      '      ticket (variable)',
      '      tone? (variable)',
      '    default (object)',
      '      tone (string)',
      'system (event)',
      'user (event)',
    ]);
    const user = syms.find((s) => s.name === 'user')!;
    assert.equal(doc.text.slice(doc.offsetAt(user.selectionRange.start), doc.offsetAt(user.selectionRange.end)), '{{role "user"}}');
    assert.match(doc.text.slice(doc.offsetAt(user.range.start), doc.offsetAt(user.range.end)), /\{\{ticket\}\}$/);
    assertNested(syms);
  });

  it('a manifest: its fields, with sequence items named by their value', () => {
    const { syms } = symbolsOf('summarize-evals/asset.yaml');
    assert.deepEqual(outline(syms), ['kind (string)', 'version (string)', 'status (string)', 'title (string)', 'entry (string)', 'targets (array)', '  summarize@^1.2 (string)']);
    assert.equal(syms.find((s) => s.name === 'targets')!.detail, '1 item');
    assertNested(syms);
  });

  it('an eval suite: tests named by their description; library.yaml models by id', () => {
    const suite = outline(symbolsOf('summarize-evals/promptfooconfig.yaml').syms);
    assert.ok(suite.includes('  A printer on fire (object)'), suite.join('\n'));
    assert.ok(suite.includes('    vars (object)'));
    const lib = symbolsOf('library.yaml');
    assert.ok(outline(lib.syms).includes('  openai/gpt-4o-mini (object)'));
    assertNested(lib.syms);
  });

  it('a Dotprompt role block ends at its {{/role}}', () => {
    const { syms, doc } = symbolsOf('x/b.prompt', '---\nmodel: m\n---\n{{#role "system"}}\nBe brief.\n{{/role}}\nTrailing text.\n');
    const system = syms.find((x) => x.name === 'system')!;
    assert.equal(doc.text.slice(doc.offsetAt(system.range.start), doc.offsetAt(system.range.end)), '{{#role "system"}}\nBe brief.\n{{/role}}');
  });

  it('Prompty role lines and Markdown headings', () => {
    const prompty = outline(symbolsOf('x/t.prompty', '---\nname: t\n---\nsystem:\nBe brief.\n\nuser:\n{{q}}\n').syms);
    assert.deepEqual(
      prompty.filter((l) => l.endsWith('(event)')),
      ['system (event)', 'user (event)'],
    );
    const md = symbolsOf('x/a.prompt.md', '---\ndescription: d\n---\n# Review\nText\n## Steps\n```\n# not a heading\n```\n## Output\n');
    assert.deepEqual(outline(md.syms).slice(-3), ['Review (string)', '  Steps (string)', '  Output (string)']);
    assertNested(md.syms);
  });

  it('a GitHub Models prompt: messages named by role; broken YAML gives what parses', () => {
    const gh = outline(symbolsOf('x/a.prompt.yml', 'model: openai/gpt-4o-mini\nmessages:\n  - role: system\n    content: Be brief.\n  - role: user\n    content: "{{q}}"\n').syms);
    assert.deepEqual(
      gh.filter((l) => l.startsWith('  ')),
      ['  system (object)', '    role (string)', '    content (string)', '  user (object)', '    role (string)', '    content (string)'],
    );
    assert.doesNotThrow(() => symbolsOf('x/b.prompt.yml', 'model: [\nmessages:\n  - : :\n'));
  });
});
