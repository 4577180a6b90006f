import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Range } from '../../../../src/core/diagnostics';
import { hoverAt } from '../../../../src/core/editor/hover';
import { escapeMarkdown as md } from '../../../../src/core/text/markdown';
import type { EditorFile } from '../../../../src/core/editor/hover';
import { LiveCatalog } from '../../../../src/core/editor/liveCatalog';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

const editorLibrary = path.join(fixturesDir, 'editor', 'library');

/** An editor file of the fixture library, with `¦` marking the position (removed from the text). */
function editorFile(live: LiveCatalog, rel: string, edit?: (text: string) => string): { ctx: EditorFile; at: (marked: string) => { line: number; character: number } } {
  const original = fs.readFileSync(path.join(editorLibrary, ...rel.split('/')), 'utf8');
  const text = edit ? edit(original) : original;
  live.setText(rel, text);
  const doc = new TextDocument(text);
  const ctx: EditorFile = { file: live.file(rel)!, doc, catalog: live.catalog };
  return {
    ctx,
    at: (marked) => {
      // `marked` is a snippet of the text with ¦ where the position is.
      const i = marked.indexOf('¦');
      const snippet = marked.replace('¦', '');
      const found = text.indexOf(snippet);
      assert.ok(found >= 0, `snippet ${JSON.stringify(snippet)} is in ${rel}`);
      return doc.positionAt(found + i);
    },
  };
}

const link = (_c: unknown, p: string, r?: Range) => `file:///lib/${p}${r ? `#L${r.start.line + 1}` : ''}`;

describe('core/editor/hover', () => {
  let live: LiveCatalog;
  before(async () => {
    live = new LiveCatalog(await openFolderLibrary(editorLibrary));
  });

  it('a template variable: declared type, description, default and where it is declared', () => {
    const { ctx, at } = editorFile(live, 'summarize/summarize.prompt');
    const h = hoverAt(ctx, at('a {{to¦ne}} tone'), link);
    assert.ok(h);
    assert.match(h.markdown, /\*\*`tone`\*\* · input · string, optional/);
    assert.match(h.markdown, /Default: `"calm"`/);
    assert.match(h.markdown, /Declared on \[line 8\]\(file:\/\/\/lib\/summarize\/summarize\.prompt#L8\) · used 1 time/);
    assert.deepEqual(h.range, { start: { line: 14, character: 29 }, end: { line: 14, character: 33 } });
    const t = hoverAt(ctx, at('{{tick¦et}}'), link)!;
    assert.match(t.markdown, /the ticket text as the customer wrote it/);
    assert.match(t.markdown, /string, required/);
  });

  it('an input declaration says how often it is used; an undeclared variable suggests the nearest input', () => {
    const { ctx, at } = editorFile(live, 'summarize/summarize.prompt', (t) => t.replace('{{ticket}}', '{{tickte}}'));
    assert.match(hoverAt(ctx, at('    tic¦ket: string'))!.markdown, /Not used in the template/);
    assert.match(hoverAt(ctx, at('{{tic¦kte}}'))!.markdown, /not declared[\s\S]*did you mean `ticket`\?/);
    live.revert('summarize/summarize.prompt');
  });

  it('an asset reference: title, version, status, owners, description, escaped', () => {
    const { ctx, at } = editorFile(live, 'summarize-evals/asset.yaml');
    const h = hoverAt(ctx, at('  - summa¦rize@^1.2'), link)!;
    assert.ok(h);
    assert.match(h.markdown, /`summarize@1\.2\.0` · prompt · approved/);
    assert.match(h.markdown, /Owners: support\\-platform/);
    assert.ok(h.markdown.includes('\\<script\\>alert\\(1\\)\\</script\\>'), 'the hostile title is escaped');
    assert.ok(h.markdown.includes('\\[three\\-line\\]\\(http://example\\.com\\)'), 'a link in a description stays text');
    assert.match(h.markdown, /resolves to 1\.2\.0 \(the newest version in `\^1\.2`\)/);
    assert.match(h.markdown, /\[summarize\/asset\\\.yaml\]\(file:\/\/\/lib\/summarize\/asset\.yaml\)/);
    const dep = editorFile(live, 'notes/asset.yaml');
    assert.match(hoverAt(dep.ctx, dep.at('legacy-sum¦mary@^1.0'))!.markdown, /\*\*Deprecated\*\*: use `summarize@\^1\.2` instead/);
  });

  it('a model id: context window, price, deprecation, and the policy', () => {
    const { ctx, at } = editorFile(live, 'summarize/summarize.prompt');
    const h = hoverAt(ctx, at('model: openai/gpt-4o-mi¦ni'))!;
    assert.match(h.markdown, /Context window 128,000 tokens · output up to 16,384 tokens/);
    assert.match(h.markdown, /\$0\.15 input, \$0\.6 output/);
    assert.match(h.markdown, /Parameters: `temperature`, `maxTokens`/);
    const old = editorFile(live, 'legacy-summary/legacy.prompt');
    assert.match(hoverAt(old.ctx, old.at('gpt-4o-o¦ld'))!.markdown, /\*\*Deprecated\*\*: use `openai\/gpt-4o-mini` instead/);
    const lib = editorFile(live, 'library.yaml');
    assert.match(hoverAt(lib.ctx, lib.at('  - id: anthropic/clau¦de-3-haiku'))!.markdown, /Not allowed by the library policy \(allowed: `openai\/\*`\)/);
  });

  it('an eval test variable: the input of the target prompt', () => {
    const { ctx, at } = editorFile(live, 'summarize-evals/promptfooconfig.yaml');
    const h = hoverAt(ctx, at('      ton¦e: calm'), link)!;
    assert.match(h.markdown, /\*\*`tone`\*\* · input/);
    assert.match(h.markdown, /Input of Summarize .* \(`summarize@1\.2\.0`\) · \[declared here\]\(file:\/\/\/lib\/summarize\/summarize\.prompt#L8\)/);
  });

  it("a manifest field: the schema's description and values; front matter fields too", () => {
    const { ctx, at } = editorFile(live, 'summarize/asset.yaml');
    const h = hoverAt(ctx, at('sta¦tus: approved'))!;
    assert.match(h.markdown, /\*\*`status`\*\*/);
    assert.match(h.markdown, /Lifecycle status/);
    assert.match(h.markdown, /One of: `"draft"`, `"review"`, `"approved"`, `"deprecated"`/);
    const p = editorFile(live, 'summarize/summarize.prompt');
    assert.match(hoverAt(p.ctx, p.at('  temper¦ature: 0.2'))!.markdown, /Sampling temperature/);
    const lib = editorFile(live, 'library.yaml');
    assert.match(hoverAt(lib.ctx, lib.at('    pricing: { inputPer¦MTok'))!.markdown, /USD per million input tokens/);
    assert.equal(hoverAt(p.ctx, p.at('You summ¦arise')), undefined, 'plain body text has no hover');
  });

  it('md escapes what Markdown would read as syntax', () => {
    assert.equal(md('a [b](c) <d> *e* `f`'), 'a \\[b\\]\\(c\\) \\<d\\> \\*e\\* \\`f\\`');
  });
});

describe('core/editor/hover: VS Code input variables', () => {
  it('shows `${input:name}` as a code span with the name as written (no backslash before a hyphen)', () => {
    const text = '---\ndescription: x\n---\nSummarise ${input:claim-summary} for the adjuster.\n';
    const doc = new TextDocument(text);
    const file = parseAndCheck('summary.prompt.md', Buffer.from(text));
    const h = hoverAt({ file, doc }, doc.positionAt(text.indexOf('claim-summary') + 2));
    assert.ok(h, 'a hover');
    assert.ok(h.markdown.includes('(`${input:claim-summary}`)'), h.markdown);
    assert.match(h.markdown, /used 1 time in this file/);
  });
});
