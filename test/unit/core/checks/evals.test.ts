import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/evals', () => {
  const problems = crossAssetProblems();

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

  it('checks eval test vars against the target prompt inputs', () => {
    const found = problems.find('eval-vars-mismatch', 'greeting-evals/suite.yaml');
    const byMessage = (re: RegExp) => found.filter((d) => re.test(d.message));
    assert.equal(byMessage(/does not give `name`/).length, 1, JSON.stringify(found));
    const wrongType = byMessage(/`age` must be an integer/);
    assert.equal(wrongType.length, 1);
    assert.equal(wrongType[0].related?.[0].file, 'greeting/greeting.prompt');
    const undeclared = byMessage(/`nickname` is not an input/);
    assert.equal(undeclared.length, 1);
    assert.equal(undeclared[0].severity, 'warning');
  });
});
