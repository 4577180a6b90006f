import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { definitionAt, fileLinks, resolveLinkPath } from '../../../../src/core/editor/definitions';
import type { EditorFile } from '../../../../src/core/editor/hover';
import { LiveCatalog } from '../../../../src/core/editor/liveCatalog';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import type { Catalog } from '../../../../src/core/library/types';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { corpusDir, fixturesDir, sampleLibrary } from '../../paths';

/** An editor file with a function giving the position of `¦` in a snippet of its text. */
function fileOf(live: LiveCatalog, rel: string, edit?: (t: string) => string): { ctx: EditorFile; at: (marked: string) => { line: number; character: number } } {
  const original = fs.readFileSync(path.join(live.base.root ?? '', ...rel.split('/')), 'utf8');
  const text = edit ? edit(original) : original;
  live.setText(rel, text);
  return withPositions({ file: live.file(rel)!, doc: new TextDocument(text), catalog: live.catalog }, text);
}

function withPositions(ctx: EditorFile, text: string): { ctx: EditorFile; at: (marked: string) => { line: number; character: number } } {
  return {
    ctx,
    at: (marked) => {
      const i = marked.indexOf('¦');
      const found = text.indexOf(marked.replace('¦', ''));
      assert.ok(found >= 0, `snippet ${JSON.stringify(marked)} is in the file`);
      return ctx.doc.positionAt(found + i);
    },
  };
}

describe('core/editor/definitions', () => {
  let live: LiveCatalog;
  before(async () => {
    live = new LiveCatalog(await openFolderLibrary(sampleLibrary));
  });

  it('a Dotprompt partial leads to its _name.prompt file, from anywhere in the tag name', () => {
    const { ctx, at } = fileOf(live, 'prompts/claim-summary/claim-summary.prompt');
    const d = definitionAt(ctx, at('{{> claims_st¦yle}}'));
    assert.ok(d);
    assert.equal(d.kind, 'partial');
    assert.equal(d.target.path, 'prompts/claim-summary/_claims_style.prompt');
    assert.equal(d.target.catalog, ctx.catalog);
    assert.equal(ctx.doc.text.slice(ctx.doc.offsetAt(d.range.start), ctx.doc.offsetAt(d.range.end)).includes('claims_style'), true);
    // Elsewhere in the body: nothing.
    assert.equal(definitionAt(ctx, at('You are the claims ¦assistant')), undefined);
  });

  it('an unknown partial leads nowhere', () => {
    const { ctx, at } = fileOf(live, 'prompts/claim-summary/claim-summary.prompt', (t) => t.replace('{{> claims_style}}', '{{> no_such_style}}'));
    assert.equal(definitionAt(ctx, at('{{> no_such¦_style}}')), undefined);
  });

  it('dependsOn and targets lead to the referenced asset manifest (the version the range resolves to)', () => {
    const dep = fileOf(live, 'prompts/claim-summary/asset.yaml');
    const d = definitionAt(dep.ctx, dep.at('  - pii-red¦action@^1.2'));
    assert.ok(d);
    assert.equal(d.kind, 'reference');
    assert.equal(d.target.path, 'modules/pii-redaction/asset.yaml');
    assert.deepEqual(d.range, { start: { line: 15, character: 4 }, end: { line: 15, character: 22 } });
    // The entry: its file, beside the manifest.
    const entry = definitionAt(dep.ctx, dep.at('entry: claim-sum¦mary.prompt'));
    assert.deepEqual([entry?.kind, entry?.target.path], ['file', 'prompts/claim-summary/claim-summary.prompt']);
    // The `dependsOn` key itself is not a reference.
    assert.equal(definitionAt(dep.ctx, dep.at('depends¦On:')), undefined);
    const t = fileOf(live, 'evals/claim-summary-evals/asset.yaml');
    assert.equal(definitionAt(t.ctx, t.at('  - claim-summary@^¦2.0'))?.target.path, 'prompts/claim-summary/asset.yaml');
    // A reference no asset satisfies leads nowhere.
    const none = fileOf(live, 'evals/claim-summary-evals/asset.yaml', (x) => x.replace('claim-summary@^2.0', 'claim-summary@^9.0'));
    assert.equal(definitionAt(none.ctx, none.at('claim-summary@^¦9.0')), undefined);
  });

  it('a promptfoo file:// prompt leads to the prompt file, relative to the suite; it is a document link too', () => {
    const { ctx, at } = fileOf(live, 'evals/claim-summary-evals/suite.yaml');
    const d = definitionAt(ctx, at('file://../../prompts/claim-summ¦ary/claim-summary.prompt'));
    assert.ok(d);
    assert.equal(d.kind, 'file');
    assert.equal(d.target.path, 'prompts/claim-summary/claim-summary.prompt');
    const links = fileLinks(ctx);
    assert.deepEqual(
      links.map((l) => l.target.path),
      ['prompts/claim-summary/claim-summary.prompt'],
    );
    assert.equal(ctx.doc.text.slice(ctx.doc.offsetAt(links[0].range.start), ctx.doc.offsetAt(links[0].range.end)), '../../prompts/claim-summary/claim-summary.prompt');
  });

  it("pilot components and template lead to the component in the pilot's library", () => {
    const pilotPath = path.join(fixturesDir, 'vscode', 'problems-workspace', 'pilots', 'demo-pilot', 'pilot.yaml');
    const text = fs.readFileSync(pilotPath, 'utf8');
    const file = parseAndCheck('pilot.yaml', new TextEncoder().encode(text));
    const sample: Catalog = live.catalog;
    const { ctx, at } = withPositions({ file, doc: new TextDocument(text), libraries: [sample] }, text);
    const c = definitionAt(ctx, at('  - claim-sum¦mary@^2.1'));
    assert.ok(c);
    assert.equal(c.target.catalog, sample);
    assert.equal(c.target.path, 'prompts/claim-summary/asset.yaml');
    assert.equal(definitionAt(ctx, at('template: claims-¦assistant-pilot@^1.1'))?.target.path, 'templates/claims-assistant-pilot/asset.yaml');
    // Without the library loaded: nowhere.
    assert.equal(definitionAt({ ...ctx, libraries: [] }, at('  - claim-sum¦mary@^2.1')), undefined);
  });

  it('a Prompty ${file:...} leads to the file beside it (a real file from the prompty repository)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-definitions-'));
    try {
      fs.writeFileSync(path.join(dir, 'library.yaml'), 'name: prompty-files\n');
      fs.mkdirSync(path.join(dir, 'ask'));
      for (const f of ['file_ref.prompty', 'schema.json']) fs.copyFileSync(path.join(corpusDir, 'prompty', 'python-tests', f), path.join(dir, 'ask', f));
      const prompty = new LiveCatalog(await openFolderLibrary(dir));
      const { ctx, at } = fileOf(prompty, 'ask/file_ref.prompty');
      const d = definitionAt(ctx, at('${file:sche¦ma.json}'));
      assert.equal(d?.kind, 'file');
      assert.equal(d?.target.path, 'ask/schema.json');
      // A path leaving the library is no link.
      const outside = fileOf(prompty, 'ask/file_ref.prompty', (t) => t.replace('schema.json', '../../schema.json'));
      assert.deepEqual(fileLinks(outside.ctx), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resolveLinkPath: relative to the file, inside the library only; URLs and globs are not links', () => {
    assert.equal(resolveLinkPath('evals/a/suite.yaml', 'file://../../p/x.prompt'), 'p/x.prompt');
    assert.equal(resolveLinkPath('evals/a/suite.yaml', './tests.csv'), 'evals/a/tests.csv');
    assert.equal(resolveLinkPath('suite.yaml', '../outside.txt'), undefined);
    assert.equal(resolveLinkPath('suite.yaml', '/etc/passwd'), undefined);
    assert.equal(resolveLinkPath('suite.yaml', 'file://tests/*.yaml'), undefined);
    assert.equal(resolveLinkPath('suite.yaml', 'https://example.com/x'), undefined);
  });
});
