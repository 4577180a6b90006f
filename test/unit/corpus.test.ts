// The engine against real files from public projects (../shared/corpus).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { corpusDir, repoRoot, testCacheDir } from './paths';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: repoRoot, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false };
  return { code: await main(args, io), out, err };
}

interface JsonReport {
  diagnostics: { file: string; code: string; severity: string; range: { start: { line: number; character: number } } }[];
  summary: { files: number; errors: number; warnings: number; infos: number };
}

describe('corpus of real files', function () {
  this.timeout(120000);
  const examples = path.join(corpusDir, 'dotprompt', 'examples');

  const expected: Record<string, string> = {
    'error-unbalanced-brace.prompt': 'unbalanced-brace',
    'error-unclosed-block.prompt': 'unclosed-block',
    'error-unmatched-closing-block.prompt': 'unmatched-closing-block',
    'error-invalid-yaml.prompt': 'yaml-syntax',
    'warning-undefined-variable.prompt': 'undefined-variable',
    'warning-unused-variable.prompt': 'unused-variable',
  };

  it('knows what every Dotprompt error-/warning- example is named for', () => {
    const named = fs.readdirSync(examples).filter((f) => /^(error|warning)-/.test(f));
    for (const f of named) {
      if (f === 'error-multiple-issues.prompt') continue;
      assert.ok(expected[f], `no expectation for ${f}`);
    }
  });

  for (const [file, code] of Object.entries(expected)) {
    it(`${file} reports ${code}`, async () => {
      const r = await run(['validate', path.join(examples, file), '--format', 'json']);
      const j = JSON.parse(r.out) as JsonReport;
      assert.ok(
        j.diagnostics.some((d) => d.code === code),
        `${file}: got ${j.diagnostics.map((d) => d.code).join(', ') || 'nothing'}`,
      );
      assert.equal(r.code, code.startsWith('unused') || code.startsWith('undefined') ? 0 : 1);
    });
  }

  it('error-multiple-issues.prompt reports its several problems', async () => {
    const j = JSON.parse((await run(['validate', path.join(examples, 'error-multiple-issues.prompt'), '--format', 'json'])).out) as JsonReport;
    const codes = new Set(j.diagnostics.map((d) => d.code));
    assert.ok(codes.size >= 2 || j.diagnostics.length >= 2, [...codes].join(', '));
  });

  it('the circular partials report circular-partial on both files', async () => {
    const j = JSON.parse((await run(['validate', path.join(examples, 'partials'), '--format', 'json'])).out) as JsonReport;
    const files = j.diagnostics.filter((d) => d.code === 'circular-partial').map((d) => path.basename(d.file));
    assert.deepEqual(files.sort(), ['circular-partial-a.prompt', 'circular-partial-b.prompt']);
  });

  it('valid-customer-support.prompt: only its {{#role}} blocks are reported, which the dotprompt runtime renders without their text', async () => {
    const r = await run(['validate', path.join(examples, 'valid-customer-support.prompt'), '--format', 'json']);
    const j = JSON.parse(r.out) as JsonReport;
    assert.deepEqual(
      j.diagnostics.map((d) => [d.code, d.range.start.line]),
      [
        ['dotprompt-role-block', 10],
        ['dotprompt-role-block', 15],
      ],
    );
    assert.equal(r.code, 0, 'warnings only: the runtime accepts the file');
  });

  it('lists all 817 agents, instructions and skills of awesome-copilot', async () => {
    const r = await run(['list', '--library', path.join(corpusDir, 'awesome-copilot'), '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { assets: { format: string }[] };
    assert.equal(j.assets.length, 817);
    const formats = new Map<string, number>();
    for (const a of j.assets) formats.set(a.format, (formats.get(a.format) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(formats), { 'vscode-agent': 224, 'vscode-instructions': 191, skill: 402 });
  });

  for (const folder of ['awesome-copilot', 'dotprompt', 'gh-models', 'promptfoo', 'prompty']) {
    it(`validates ${folder} without a crash, with valid JSON and ranges inside the files`, async () => {
      const r = await run(['validate', path.join(corpusDir, folder), '--format', 'json']);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
      const j = JSON.parse(r.out) as JsonReport;
      assert.ok(j.summary.files > 0);
      for (const d of j.diagnostics) {
        const text = fs.readFileSync(path.join(repoRoot, d.file), 'utf8').replace(/^\ufeff/, '');
        const lines = text.split(/\r\n|\r|\n/);
        assert.ok(d.range.start.line < lines.length, `${d.file}:${d.range.start.line} is past the end`);
        assert.ok(d.range.start.character <= lines[d.range.start.line].length, `${d.file}:${d.range.start.line}:${d.range.start.character} is past the line end`);
      }
    });
  }
});
