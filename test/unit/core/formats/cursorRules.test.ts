// Cursor rules (.mdc) on real files of a public repository (test/fixtures/real/awesome-cursorrules).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { formatOfPath } from '../../../../src/core/formats/detect';
import { formatLabel, recognisedGlobs } from '../../../../src/core/formats/registry';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

const root = path.join(fixturesDir, 'real', 'awesome-cursorrules');

function parse(rel: string, text: string): ParsedFile {
  return parseAndCheck(rel, new TextEncoder().encode(text));
}

const rules: Record<string, string> = {
  'rules/ai-agent-specialist.mdc': 'Cursor rules for TypeScript, React, Node.js, clean architecture, testing, and WHY-oriented engineering guidance.',
  'rules/ankra-cli.mdc': 'Ankra CLI rules and best practices for managing Kubernetes clusters via the Ankra platform',
  'rules/anti-overengineering.mdc': "Prevent AI over-engineering by keeping changes scoped, simple, and directly tied to the user's request",
  'rules/security-devsecops-ssdls-appsec.mdc': 'Cursor rules for secure coding, secret handling, dependency hygiene, authentication, authorization, security testing, and compliance documentation.',
};

describe('core/formats/cursorRules', () => {
  it('recognises .mdc files, in .cursor/rules and wherever they are collected', () => {
    assert.equal(formatOfPath('.cursor/rules/react.mdc'), 'cursor-rule');
    assert.equal(formatOfPath('packages/web/.cursor/rules/style/naming.MDC'), 'cursor-rule');
    assert.equal(formatOfPath('rules/python.mdc'), 'cursor-rule');
    assert.equal(formatLabel('cursor-rule'), 'Cursor rule');
    assert.ok(recognisedGlobs().includes('**/*.mdc'));
  });

  for (const [rel, description] of Object.entries(rules)) {
    it(`reads ${rel} with no finding, its description and its body as instructions`, () => {
      const f = parseAndCheck(rel, fs.readFileSync(path.join(root, rel)));
      assert.equal(f.format, 'cursor-rule');
      // Two of them write `globs: **/*` unquoted: YAML refuses it, Cursor reads it.
      assert.deepEqual(f.diagnostics, []);
      assert.equal(f.meta.description, description);
      assert.equal(f.templateLanguage, 'none');
      assert.equal(f.messages?.[0].role, 'system');
      assert.ok((f.messages?.[0].template.length ?? 0) > 400);
    });
  }

  it('checks the three fields Cursor defines when the front matter is YAML: an unknown key is a warning with the field meant', () => {
    const f = parse('.cursor/rules/a.mdc', '---\ndescription: Style\nglobs: ["*.ts"]\nalways_apply: true\n---\nUse tabs.\n');
    assert.deepEqual(
      f.diagnostics.map((d) => [d.code, d.severity, d.fixes?.[0]?.edits[0].newText]),
      [['unknown-field', 'warning', 'alwaysApply']],
    );
    const wrong = parse('.cursor/rules/a.mdc', '---\nalwaysApply: yes please\n---\nUse tabs.\n');
    assert.deepEqual(
      wrong.diagnostics.map((d) => d.code),
      ['schema'],
    );
    // Empty fields, as Cursor writes them for a new rule, and no front matter at all.
    assert.deepEqual(parse('.cursor/rules/a.mdc', '---\ndescription:\nglobs:\nalwaysApply: false\n---\n').diagnostics, []);
    assert.deepEqual(parse('.cursor/rules/a.mdc', 'Use tabs.\n').diagnostics, []);
  });

  it('lists the real rules as prompt assets, with no finding', async () => {
    const catalog = await openFolderLibrary(root);
    assert.deepEqual(catalog.diagnostics, []);
    assert.deepEqual(
      catalog.assets.map((a) => [a.id, a.format, a.kind]),
      Object.keys(rules).map((rel) => [path.basename(rel, '.mdc'), 'cursor-rule', 'prompt']),
    );
  });
});
