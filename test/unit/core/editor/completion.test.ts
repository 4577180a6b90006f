import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { completionsAt } from '../../../../src/core/editor/completion';
import type { CompletionResult } from '../../../../src/core/editor/completion';
import { LiveCatalog } from '../../../../src/core/editor/liveCatalog';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

const editorLibrary = path.join(fixturesDir, 'editor', 'library');

describe('core/editor/completion', () => {
  let live: LiveCatalog;
  before(async () => {
    live = new LiveCatalog(await openFolderLibrary(editorLibrary));
  });

  /** Completions for `text` laid over `rel`, at the `¦` in it. */
  function complete(rel: string, marked: string): { result: CompletionResult | undefined; doc: TextDocument; text: string } {
    const offset = marked.indexOf('¦');
    const text = marked.replace('¦', '');
    live.setText(rel, text);
    const doc = new TextDocument(text);
    const result = completionsAt({ file: live.file(rel)!, doc, catalog: live.catalog }, doc.positionAt(offset));
    live.revert(rel);
    return { result, doc, text };
  }
  const labels = (r: CompletionResult | undefined): string[] => (r?.items ?? []).map((i) => i.label);
  const replaced = (c: { result: CompletionResult | undefined; doc: TextDocument }): string => c.doc.text.slice(c.doc.offsetAt(c.result!.range.start), c.doc.offsetAt(c.result!.range.end));

  const prompt = '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    ticket: string, the ticket\n    tone?: string\n---\n';

  it('offers the declared inputs inside {{ }}, with type and description, replacing the word typed', () => {
    const c = complete('summarize/summarize.prompt', `${prompt}Hello {{ti¦ck}}\n`);
    assert.deepEqual(labels(c.result), ['ticket', 'tone']);
    assert.equal(c.result!.items[0].detail, 'input · string, required');
    assert.equal(c.result!.items[0].documentation, 'the ticket');
    assert.equal(replaced(c), 'tick');
    assert.deepEqual(labels(complete('summarize/summarize.prompt', `${prompt}{{#if ¦}}x{{/if}}\n`).result), ['ticket', 'tone']);
    assert.equal(complete('summarize/summarize.prompt', `${prompt}Hello {{ticket}} ¦\n`).result, undefined, 'outside a tag');
    assert.equal(complete('summarize/summarize.prompt', `${prompt}{{user.na¦}}\n`).result, undefined, 'a field of a variable');
  });

  it('offers inputs in {% %} of Prompty and names already used in ${input:} of VS Code prompt files', () => {
    const prompty = '---\nname: t\ninputs:\n  question:\n    type: string\n---\nsystem:\n{% if qu¦ %}x{% endif %}\n';
    assert.deepEqual(labels(complete('x/t.prompty', prompty).result), ['question']);
    const md = '---\ndescription: d\n---\nUse ${input:topic} and ${input:to¦}\n';
    assert.deepEqual(labels(complete('x/a.prompt.md', md).result), ['topic']);
  });

  it('offers asset ids in references (filtered by kind), inserting the newest approved reference', () => {
    const c = complete('summarize-evals/asset.yaml', 'kind: eval\nversion: 1.0.0\nstatus: draft\ntargets:\n  - su¦\n');
    assert.deepEqual(labels(c.result), ['summarize', 'legacy-summary'], 'prompts only, approved first');
    const item = c.result!.items.find((i) => i.label === 'summarize')!;
    assert.equal(item.insertText, 'summarize@^1.2');
    assert.match(item.detail ?? '', /prompt · 1\.2\.0 approved/);
    assert.equal(c.result!.items.find((i) => i.label === 'legacy-summary')!.deprecated, true);
    assert.equal(replaced(c), 'su');
    const deps = complete('notes/asset.yaml', 'kind: module\nversion: 0.1.0\nstatus: draft\ndependsOn: [¦]\n');
    assert.ok(labels(deps.result).includes('summarize-evals'), 'dependsOn takes any kind');
    assert.ok(!labels(deps.result).includes('notes'), 'not the asset itself');
  });

  it('offers versions after the @, replacing only the range part', () => {
    const c = complete('summarize-evals/asset.yaml', 'kind: eval\nversion: 1.0.0\nstatus: draft\ntargets:\n  - summarize@^1¦\n');
    assert.deepEqual(labels(c.result), ['^1.2', '1.2.0']);
    assert.equal(replaced(c), '^1');
  });

  it('offers model ids from the catalogue, deprecated and disallowed ones last', () => {
    const c = complete('summarize/summarize.prompt', '---\nmodel: op¦\n---\nHi\n');
    assert.deepEqual(labels(c.result), ['openai/gpt-4o-mini', 'anthropic/claude-3-haiku', 'openai/gpt-4o-old']);
    const [mini, haiku, old] = c.result!.items;
    assert.match(mini.detail ?? '', /128k context · \$0\.15\/\$0\.6 per MTok/);
    assert.equal(old.deprecated, true);
    assert.match(haiku.detail ?? '', /not allowed by policy/);
    assert.ok(mini.sortText! < old.sortText! && mini.sortText! < haiku.sortText!);
    assert.deepEqual(labels(complete('summarize/asset.yaml', 'kind: prompt\nmodel: ¦\n').result).length, 3);
  });

  it("offers the schema's fields (missing ones, required first, with descriptions) and its enum values", () => {
    const c = complete('notes/asset.yaml', 'title: Notes\nkind: module\n¦\n');
    const names = labels(c.result);
    assert.equal(names[0], 'version');
    assert.equal(names[1], 'status');
    assert.ok(!names.includes('kind') && !names.includes('title'));
    const targets = c.result!.items.find((i) => i.label === 'targets')!;
    assert.equal(targets.insertText, 'targets:\n  - ');
    assert.match(targets.documentation ?? '', /prompts this suite evaluates/);
    assert.deepEqual(labels(complete('notes/asset.yaml', 'kind: module\nstatus: ¦\n').result), ['draft', 'review', 'approved', 'deprecated']);
    const colon = complete('notes/asset.yaml', 'kind: module\nstatus:¦\n').result!;
    assert.equal(colon.items[0].insertText, ' draft', 'right after the colon the value gets its space');
    assert.deepEqual(labels(complete('library.yaml', 'name: x\npolicy:\n  requireOwners: ¦\n').result), ['true', 'false']);
    assert.deepEqual(labels(complete('library.yaml', 'name: x\npolicy:\n  scaffoldStatuses:\n    - ¦\n').result), ['draft', 'review', 'approved', 'deprecated']);
    const front = complete('summarize/summarize.prompt', '---\nmodel: x\ncon¦\n---\nHi\n');
    assert.ok(labels(front.result).includes('config'));
    const gh = complete('x/a.prompt.yml', 'model: openai/gpt-4o-mini\nmessages:\n  - role: user\n    content: hi\n  - ¦\n');
    assert.ok(labels(gh.result).includes('role') && labels(gh.result).includes('content'), labels(gh.result).join());
  });
});
