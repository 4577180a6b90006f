// Repository instructions (AGENTS.md, CLAUDE.md, GEMINI.md, .github/copilot-instructions.md) on real files of public repositories (test/fixtures/real).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { documentSymbols } from '../../../../src/core/editor/symbols';
import { bodyStartOf, yamlRegionOf } from '../../../../src/core/editor/yamlContext';
import { formatOfPath } from '../../../../src/core/formats/detect';
import { assetStemOf, recognisedGlobs } from '../../../../src/core/formats/registry';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { renderPrompt } from '../../../../src/core/render/render';
import { TextDocument } from '../../../../src/core/text/textDocument';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir, repoRoot, testCacheDir } from '../../paths';

const real = path.join(fixturesDir, 'real');
/** prompty-repos/ holds the true findings of Prompty's and promptflow's own files (a missing sample file, unused inputs): checked exactly in prompty.test.ts. */
const notPromptyRepos = (d: { file: string }) => !/(^|\/)prompty-repos\//.test(d.file);
/** The real folder holds other formats too, whose findings their own tests check (a skill without `name`, promptfoo examples): only the instruction files' are looked at here. */
const notOtherFormats = (d: { file: string }) => formatOfPath(d.file) === 'repo-instructions';

/** Each real instruction file, library-relative to test/fixtures/real, with its id and title in the catalog. */
const expected: Record<string, { id: string; title: string }> = {
  'vscode-copilot-chat/.github/copilot-instructions.md': { id: 'vscode-copilot-chat-copilot-instructions', title: 'GitHub Copilot Chat Extension - Copilot Instructions' },
  'vscode-copilot-chat/src/platform/authentication/common/AGENTS.md': { id: 'common-agents', title: 'Authentication Service Usage Guide' },
  'openai-agents-python/AGENTS.md': { id: 'openai-agents-python-agents', title: 'Contributor Guide' },
  'pydantic-ai/AGENTS.md': { id: 'pydantic-ai-agents', title: 'Your primary responsibility is to the project and its users' },
  'pydantic-ai/pydantic_ai_slim/pydantic_ai/models/AGENTS.md': { id: 'models-agents', title: 'pydantic_ai_slim/pydantic_ai/models/ Guidelines' },
  'claude-code-action/CLAUDE.md': { id: 'claude-code-action-claude', title: 'CLAUDE.md' },
  'claude-code-action/base-action/CLAUDE.md': { id: 'base-action-claude', title: 'CLAUDE.md' },
  'gemini-cli/GEMINI.md': { id: 'gemini-cli-gemini', title: 'Gemini CLI Project Context' },
  'gemini-cli/packages/core/GEMINI.md': { id: 'core-gemini', title: 'Gemini CLI Core (`@google/gemini-cli-core`)' },
};

function parse(rel: string, text: string): ParsedFile {
  return parseAndCheck(rel, new TextEncoder().encode(text));
}

describe('core/formats/repoInstructions', () => {
  it('recognises the four file names, case and place as the tools read them', () => {
    for (const p of ['AGENTS.md', 'a/b/AGENTS.md', 'CLAUDE.md', '.claude/CLAUDE.md', 'GEMINI.md', '.github/copilot-instructions.md', 'x/.github/copilot-instructions.md']) {
      assert.equal(formatOfPath(p), 'repo-instructions', p);
    }
    for (const p of ['agents.md', 'Claude.md', 'AGENTS.override.md', 'copilot-instructions.md', 'docs/copilot-instructions.md', '.github/instructions/copilot-instructions.md']) {
      assert.equal(formatOfPath(p), undefined, p);
    }
    for (const g of ['**/AGENTS.md', '**/CLAUDE.md', '**/GEMINI.md', '**/.github/copilot-instructions.md']) assert.ok(recognisedGlobs().includes(g), g);
  });

  it('names an unmanaged asset by its file and the folder it applies to', () => {
    assert.equal(assetStemOf('repo-instructions', 'AGENTS.md'), 'AGENTS');
    assert.equal(assetStemOf('repo-instructions', 'docs/AGENTS.md'), 'docs-AGENTS');
    assert.equal(assetStemOf('repo-instructions', '.github/copilot-instructions.md'), 'copilot-instructions');
    assert.equal(assetStemOf('repo-instructions', 'web/.github/copilot-instructions.md'), 'web-copilot-instructions');
  });

  for (const [rel, want] of Object.entries(expected)) {
    it(`reads ${rel} with no finding, titled by its first heading`, () => {
      const text = fs.readFileSync(path.join(real, rel), 'utf8');
      const file = parse(rel, text);
      assert.equal(file.format, 'repo-instructions');
      assert.deepEqual(file.diagnostics, []);
      assert.equal(file.meta.title, want.title);
      assert.equal(file.templateLanguage, 'none');
      assert.equal(file.inputs, undefined);
      assert.equal(file.variables, undefined);
      assert.equal(file.messages?.length, 1);
      assert.equal(file.messages[0].role, 'system');
      assert.equal(file.messages[0].template, text.trim());
    });
  }

  it('neither reads nor reports front matter, which no tool defines here; the title comes after it', () => {
    const file = parse('AGENTS.md', '---\napplyTo: [unclosed\n---\n\n# Build and test\n\nRun `make`.\n');
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(file.meta, { title: 'Build and test' });
  });

  it('is titled by its path without a heading, and has no message when empty', () => {
    assert.equal(parse('docs/CLAUDE.md', 'Use pnpm.\n## Tests\n').meta.title, 'docs/CLAUDE.md');
    const empty = parse('GEMINI.md', '\n\n');
    assert.deepEqual(empty.diagnostics, []);
    assert.equal(empty.messages, undefined);
  });

  it('is Markdown to the editor: no YAML region, the whole file is the body, headings in the outline', () => {
    const text = '# Guide\n\n## Setup\n\n```sh\n# not a heading\n```\n\n## Tests\n';
    const doc = new TextDocument(text);
    const file = parse('AGENTS.md', text);
    assert.equal(yamlRegionOf(file.format, doc), undefined);
    assert.equal(bodyStartOf(file.format, doc), 0);
    const symbols = documentSymbols(file, doc);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children.map((c) => c.name)]),
      [['Guide', ['Setup', 'Tests']]],
    );
  });

  it('renders as written: no template language, no missing inputs', () => {
    const text = '# Rules\n\nKeep {{braces}} and ${input:x} as they are.\n';
    const r = renderPrompt(parse('CLAUDE.md', text), text, { braces: 'no', x: 'no' });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(r.messages, [{ role: 'system', parts: [{ kind: 'text', text: text.trim() }] }]);
  });

  it('lists the real files as unmanaged prompt assets with their ids and titles, and no finding', async () => {
    const catalog = await openFolderLibrary(real);
    assert.deepEqual(catalog.diagnostics.filter(notPromptyRepos).filter(notOtherFormats), []);
    // The real folder holds other formats too (skills, Claude Code agents and commands, Cursor rules: their own tests).
    const got = Object.fromEntries(
      catalog.assets.filter((a) => a.format === 'repo-instructions').map((a) => [a.path, { id: a.id, title: a.title, kind: a.kind, managed: a.managed, format: a.format }]),
    );
    assert.deepEqual(got, Object.fromEntries(Object.entries(expected).map(([p, w]) => [p, { ...w, kind: 'prompt', managed: false, format: 'repo-instructions' }])));
  });

  it('genai-assets validate on the folder exits 0 with no finding on them', async () => {
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: repoRoot, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false };
    const code = await main(['validate', real, '--format', 'json'], io);
    const report = JSON.parse(out) as { diagnostics: { file: string }[]; summary: { files: number } };
    assert.deepEqual(report.diagnostics.filter(notPromptyRepos).filter(notOtherFormats), []);
    assert.ok(report.summary.files > Object.keys(expected).length);
    assert.equal(code, report.diagnostics.length ? 1 : 0);
  });
});
