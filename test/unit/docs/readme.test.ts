import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnosticCodes } from '../../../src/core/diagnostics';
import { repoRoot } from '../paths';

describe('README', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

  it('lists every diagnostic code with its severity', () => {
    for (const [code, info] of Object.entries(diagnosticCodes)) {
      assert.ok(readme.includes(`| \`${code}\` | ${info.severity} |`), `README lacks the row of ${code}`);
    }
  });

  it('documents every CLI command', () => {
    for (const c of ['validate', 'list', 'show', 'approve', 'scaffold', 'verify', 'outdated', 'update', 'add']) assert.match(readme, new RegExp(`genai-assets ${c}`));
  });
});
