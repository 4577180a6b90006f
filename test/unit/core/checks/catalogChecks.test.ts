import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { normaliseParameter } from '../../../../src/core/checks/catalogChecks';
import type { Diagnostic } from '../../../../src/core/diagnostics';
import type { Catalog } from '../../../../src/core/library/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

const lib = path.join(fixturesDir, 'catalog', 'cross-asset-problems');

describe('core/checks/catalogChecks', () => {
  it('normalises parameter names: case and separators dropped, aliases merged, nothing taken from Object.prototype', () => {
    assert.equal(normaliseParameter('max_output_tokens'), 'maxtokens');
    assert.equal(normaliseParameter('Max-Completion Tokens'), 'maxtokens');
    assert.equal(normaliseParameter('stop_sequences'), 'stop');
    assert.equal(normaliseParameter('top_p'), 'topp');
    assert.equal(normaliseParameter('constructor'), 'constructor');
    assert.equal(normaliseParameter('__proto__'), 'proto');
  });

  let catalog: Catalog;
  before(async () => {
    catalog = await openFolderLibrary(lib);
  });
  const find = (code: string, file: string): Diagnostic[] => catalog.diagnostics.filter((d) => d.code === code && d.file === file);
  const one = (code: string, file: string): Diagnostic => {
    const found = find(code, file);
    assert.equal(found.length, 1, `expected one ${code} on ${file}, got ${JSON.stringify(catalog.diagnostics.filter((d) => d.file === file).map((d) => d.code))}`);
    return found[0];
  };

  it('reports a target that names no asset, at the reference', () => {
    const d = one('unknown-reference', 'ghost-evals/asset.yaml');
    assert.deepEqual(d.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 23 } });
    assert.equal(d.severity, 'error');
  });

  it('reports a range that no version satisfies, with a fix to the newest approved version', () => {
    const d = one('unsatisfied-version', 'future-evals/asset.yaml');
    assert.match(d.message, /available: 1\.2\.0/);
    assert.equal(d.fixes?.[0].edits[0].newText, 'greeting@^1.2');
  });

  it('reports a deprecated dependency with a fix to its replacement', () => {
    const d = one('deprecated-reference', 'uses-old/asset.yaml');
    assert.equal(d.severity, 'warning');
    assert.equal(d.fixes?.[0].edits[0].newText, 'greeting@^1.2');
  });

  it('reports duplicate ids and id/folder mismatches with a fix', () => {
    one('duplicate-id', 'dup-b/asset.yaml');
    const m = one('id-mismatch', 'renamed-folder/asset.yaml');
    assert.equal(m.fixes?.[0].edits[0].newText, 'renamed-folder');
    assert.deepEqual(m.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 16 } });
  });

  it('reports entries that escape the asset folder or do not exist', () => {
    one('path-escape', 'escaping-entry/asset.yaml');
    const d = one('entry-missing', 'missing-entry/asset.yaml');
    assert.equal(d.fixes?.[0].edits[0].newText, 'main.prompt');
  });

  it('reports a link that leads outside the library and never reads it', () => {
    one('path-escape', 'greeting/outside-link.txt');
    assert.equal(catalog.files.has('greeting/outside-link.txt'), false);
  });

  it('applies the policy: owners and eval coverage of approved assets', () => {
    one('approved-without-owners', 'no-owners/asset.yaml');
    one('approved-without-eval', 'uncovered/asset.yaml');
    assert.equal(find('approved-without-eval', 'greeting/asset.yaml').length, 0, 'greeting is covered by greeting-evals');
  });

  it('reports a forged approval digest with a maintainers-only fix', () => {
    const d = one('approval-digest-mismatch', 'tampered/asset.yaml');
    assert.equal(d.fixes?.[0].maintainersOnly, true);
    assert.match(d.fixes![0].edits[0].newText, /^sha256:[0-9a-f]{64}$/);
  });

  it('checks eval test vars against the target prompt inputs', () => {
    const found = find('eval-vars-mismatch', 'greeting-evals/suite.yaml');
    const byMessage = (re: RegExp) => found.filter((d) => re.test(d.message));
    assert.equal(byMessage(/does not give `name`/).length, 1, JSON.stringify(found));
    const wrongType = byMessage(/`age` must be an integer/);
    assert.equal(wrongType.length, 1);
    assert.equal(wrongType[0].related?.[0].file, 'greeting/greeting.prompt');
    const undeclared = byMessage(/`nickname` is not an input/);
    assert.equal(undeclared.length, 1);
    assert.equal(undeclared[0].severity, 'warning');
  });

  it('checks models against the policy and the model catalogue', () => {
    one('model-not-allowed', 'wrong-model/p.prompt');
    const dep = one('deprecated-model', 'old-greeting/old.prompt');
    assert.equal(dep.fixes?.[0].edits[0].newText, 'openai/gpt-4o-mini');
    // promptfoo's `openai:gpt-4o-mini` is the catalogue's openai/gpt-4o-mini, which the policy allows.
    assert.equal(find('model-not-allowed', 'greeting-evals/suite.yaml').length, 0);
    const p = one('model-parameter-unsupported', 'greeting/greeting.prompt');
    assert.match(p.message, /topK/);
  });

  it('estimates tokens with a real tokenizer against the budget', () => {
    const d = one('token-budget', 'long-prompt/long.prompt');
    assert.match(d.message, /about \d+ tokens, over the library's maxPromptTokens \(50\)/);
  });

  it('scans unmanaged files for secrets', () => {
    one('secret-in-asset', 'unmanaged/loose.prompt');
  });

  it('lists managed and unmanaged assets with their commit-free provenance', () => {
    const ids = catalog.assets.map((a) => a.id).sort();
    assert.ok(ids.includes('greeting') && ids.includes('loose') && ids.includes('another-name'));
    const greeting = catalog.assets.find((a) => a.id === 'greeting')!;
    assert.equal(greeting.entryFile, 'greeting/greeting.prompt');
    assert.equal(greeting.format, 'dotprompt');
    assert.ok(greeting.problems.warnings >= 1);
  });
});
