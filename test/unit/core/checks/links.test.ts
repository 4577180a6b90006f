import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/links', () => {
  const problems = crossAssetProblems();

  it('reports a link that leads outside the library and never reads it', () => {
    problems.one('path-escape', 'greeting/outside-link.txt');
    assert.equal(problems.catalog.files.has('greeting/outside-link.txt'), false);
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
});
