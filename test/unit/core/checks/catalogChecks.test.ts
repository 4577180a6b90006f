import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countTokens } from '../../../../src/core/tokens';
import { normaliseParameter } from '../../../../src/core/checks/models';
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
    // dup-b's id both repeats dup-a's and differs from its folder: one finding on the id, which offers the folder's name (it ends both).
    const dup = one('duplicate-id', 'dup-b/asset.yaml');
    assert.deepEqual(find('id-mismatch', 'dup-b/asset.yaml'), []);
    assert.match(dup.message, /This one's folder is `dup-b`: an id equal to it ends both problems/);
    assert.deepEqual(dup.fixes?.[0].edits, [{ range: dup.range, newText: 'dup-b' }]);
    assert.equal(find('id-mismatch', 'dup-a/asset.yaml').length, 1);
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

  it('finds the files a promptfoo suite or a Prompty file names on disk, whatever their format (issue 14)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-links-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-outside-'));
    try {
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      write(
        'evals/promptfooconfig.yaml',
        [
          'prompts:',
          '  - file://prompt.json',
          '  - file://prompts/*.txt',
          '  - file://drafts/*.md',
          'providers: [file://providers/custom.js]',
          'tests: file://tests.csv',
          'defaultTest:',
          '  assert:',
          '    - type: python',
          '      value: file://grader.py:grade',
          '    - type: javascript',
          '      value: file://callbacks/f.js',
          '    - type: javascript',
          '      value: file://missing.js',
          '    - type: javascript',
          '      value: file://../../elsewhere.js',
          '    - type: javascript',
          '      value: file://linked.js',
          '',
        ].join('\n'),
      );
      write('evals/prompt.json', '[{"role": "user", "content": "{{question}}"}]');
      write('evals/prompts/a.txt', 'Answer {{question}}');
      write('evals/providers/custom.js', 'module.exports = {};');
      write('evals/tests.csv', 'question\nWhy?\n');
      write('evals/grader.py', 'def grade(output, context):\n    return True\n');
      write('evals/callbacks/f.js', 'module.exports = () => true;');
      fs.writeFileSync(path.join(outside, 'secret.js'), 'module.exports = 1;');
      fs.symlinkSync(path.join(outside, 'secret.js'), path.join(dir, 'evals', 'linked.js'));
      // A Prompty file whose sample comes from a JSON file: the file is found, and the variables it gives are not undefined.
      write('chat/chat.prompty', '---\nname: Chat\nmodel:\n  api: chat\nsample: ${file:chat.json}\n---\nsystem:\nHelp {{firstName}} with {{question}}.\n');
      write('chat/chat.json', '{"firstName": "Ada", "question": "Why?"}');
      const c = await openFolderLibrary(dir);
      const on = (file: string) => c.diagnostics.filter((d) => d.file === file).map((d) => [d.code, d.range.start.line, d.message]);
      assert.deepEqual(on('evals/promptfooconfig.yaml'), [
        ['entry-missing', 3, 'No file matches `drafts/*.md` (looked for `evals/drafts/*.md`); add a matching file or fix the pattern.'],
        ['entry-missing', 13, '`missing.js` does not exist (looked for `evals/missing.js`); create it or fix the path.'],
        ['path-escape', 15, '`../../elsewhere.js` leads outside the library; it was not read. Keep referenced files inside the library.'],
        ['path-escape', 17, '`linked.js` is a link that leads outside the library (or to nothing); it was not read. Replace it with a real file inside the library.'],
      ]);
      assert.deepEqual(on('chat/chat.prompty'), []);
      // The suite's tests come from a CSV file: its prompt files' variables are not claimed undefined.
      assert.equal(c.files.get('evals/prompts/a.txt')?.format, 'promptfoo-prompt');
      assert.deepEqual(on('evals/prompts/a.txt'), []);
      assert.deepEqual(on('evals/prompt.json'), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("checks a promptfoo suite's prompt files as Nunjucks, at their own positions, against the suite's vars", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-prompts-'));
    try {
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      write(
        'qa/promptfooconfig.yaml',
        ['prompts:', '  - file://chat.json', '  - file://p/*.txt', 'providers: [openai:gpt-4.1-mini]', 'defaultTest:', '  vars: {tone: dry}', 'tests:', '  - vars: {question: Why?}', ''].join('\n'),
      );
      write('qa/chat.json', '[\n  {"role": "system", "content": "Be {{ tone }}."},\n  {"role": "user", "content": "{{ questoin }}{% if lang %} in {{ lang }}"}\n]\n');
      write('qa/p/one.txt', 'Answer {{ question }} in a {{ tone }} tone, {{ env.USER }}.\n');
      write('qa/p/two.txt', 'Q: {{ question }\n');
      write('qa/notes.md', 'Not a prompt: {{ anything }}\n');
      const c = await openFolderLibrary(dir);
      const on = (file: string) => c.diagnostics.filter((d) => d.file === file).map((d) => [d.code, `${d.range.start.line}:${d.range.start.character}`, d.related?.[0]?.file]);
      assert.deepEqual(on('qa/chat.json'), [
        ['unclosed-block', '2:45', undefined],
        ['undefined-variable', '2:34', 'qa/promptfooconfig.yaml'],
        ['undefined-variable', '2:51', 'qa/promptfooconfig.yaml'],
        ['undefined-variable', '2:65', 'qa/promptfooconfig.yaml'],
      ]);
      assert.match(c.diagnostics.find((d) => d.file === 'qa/chat.json' && d.message.includes('questoin'))!.message, /did you mean `question`\?/);
      assert.deepEqual(on('qa/p/one.txt'), []);
      assert.deepEqual(on('qa/p/two.txt'), [['unbalanced-brace', '0:3', undefined]]);
      // A file no suite names is not a prompt.
      assert.equal(c.files.get('qa/notes.md'), undefined);
      assert.deepEqual(on('qa/promptfooconfig.yaml'), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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
    assert.match(d.message, /about \d+ tokens \(o200k_base\), over the library's maxPromptTokens \(50\)/);
  });

  it("counts a model without a public tokenizer (Claude) with the conservative estimate, unless the catalogue names the model's tokenizer", async () => {
    // 138 characters of plain English: o200k_base counts 28 tokens, the estimate 48; the budget is 40.
    const body = 'Summarise the claim for the adjuster in three short bullet points, then list the open questions that still need an answer before deciding.';
    assert.ok(countTokens(body) <= 40 && countTokens(body, 'estimate') > 40);
    const check = async (catalogue: string): Promise<Diagnostic[]> => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-budget-'));
      try {
        fs.writeFileSync(path.join(dir, 'library.yaml'), `name: budget\npolicy:\n  maxPromptTokens: 40\nmodels:\n  - id: anthropic/claude-sonnet-4\n${catalogue}`);
        fs.writeFileSync(path.join(dir, 'claude.prompt'), `---\nmodel: anthropic/claude-sonnet-4\n---\n${body}\n`);
        return (await openFolderLibrary(dir)).diagnostics.filter((d) => d.code === 'token-budget');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const [estimated, ...rest] = await check('');
    assert.equal(rest.length, 0);
    assert.equal(
      estimated.message,
      "The rendered prompt is an estimated 48 tokens (no public tokenizer for the model: 1 token per 3 letters or spaces, 1 per other sign, an overestimate), over the library's maxPromptTokens (40); shorten it or split it.",
    );
    assert.deepEqual(await check('    tokenizer: o200k_base\n'), []);
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
