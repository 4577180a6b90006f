// Claude Code commands (.claude/commands/**/*.md) and subagents (.claude/agents/**/*.md) on real files of public repositories (test/fixtures/real).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { formatOfPath } from '../../../../src/core/formats/detect';
import { assetStemOf, formatLabel, recognisedGlobs } from '../../../../src/core/formats/registry';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

const action = path.join(fixturesDir, 'real', 'claude-code-action');

function real(rel: string): ParsedFile {
  return parseAndCheck(rel, fs.readFileSync(path.join(action, rel)));
}

function parse(rel: string, text: string): ParsedFile {
  return parseAndCheck(rel, new TextEncoder().encode(text));
}

describe('core/formats/claudeCode', () => {
  it('recognises the Markdown files of .claude/commands and .claude/agents, at any depth and wherever .claude lies', () => {
    assert.equal(formatOfPath('.claude/commands/review-pr.md'), 'claude-command');
    assert.equal(formatOfPath('tools/.claude/commands/git/commit.md'), 'claude-command');
    assert.equal(formatOfPath('.claude/agents/reviewer.md'), 'claude-agent');
    assert.equal(formatOfPath('.claude/agents/team/reviewer.md'), 'claude-agent');
    assert.equal(formatOfPath('claude/agents/reviewer.md'), undefined);
    assert.equal(formatOfPath('.claude/agents.md'), undefined);
    assert.equal(formatOfPath('.claude/commands/notes.txt'), undefined);
    // Names other formats claim keep their format.
    assert.equal(formatOfPath('.claude/commands/AGENTS.md'), 'repo-instructions');
    assert.equal(formatLabel('claude-command'), 'Claude Code command');
    assert.equal(formatLabel('claude-agent'), 'Claude Code agent');
    assert.ok(recognisedGlobs().includes('**/.claude/commands/**/*.md'));
    assert.equal(assetStemOf('claude-command', '.claude/commands/git/commit.md'), 'commit');
  });

  for (const rel of ['.claude/agents/code-quality-reviewer.md', '.claude/agents/test-coverage-reviewer.md']) {
    it(`reads the agent ${rel} with no finding: named by its name, its body the system prompt`, () => {
      const f = real(rel);
      assert.equal(f.format, 'claude-agent');
      assert.deepEqual(f.diagnostics, []);
      const name = path.basename(rel, '.md');
      assert.equal(f.meta.name, name);
      assert.equal(f.meta.title, name);
      // Its description runs on over `user:` and `assistant:` lines, which YAML refuses and Claude Code reads whole.
      assert.match(f.meta.description ?? '', /^Use this agent when/);
      if (rel.includes('code-quality')) assert.match(f.meta.description ?? '', /assistant: /);
      // model: inherit names no model.
      assert.deepEqual(f.models, []);
      assert.equal(f.templateLanguage, 'none');
      assert.equal(f.messages?.length, 1);
      assert.equal(f.messages?.[0].role, 'system');
      assert.ok(f.messages![0].template.length > 2000);
    });
  }

  for (const rel of ['.claude/commands/label-issue.md', '.claude/commands/review-pr.md']) {
    it(`reads the command ${rel} with no finding: its body the prompt sent as the user`, () => {
      const f = real(rel);
      assert.equal(f.format, 'claude-command');
      assert.deepEqual(f.diagnostics, []);
      assert.ok(f.meta.description);
      assert.equal(f.templateLanguage, 'none');
      assert.equal(f.messages?.[0].role, 'user');
      assert.equal(f.variables, undefined);
    });
  }

  it('checks the front matter Claude Code defines: unknown keys are warnings with the field meant, a missing description an error', () => {
    const agent = parse('.claude/agents/reviewer.md', '---\nname: reviewer\ndescription: Reviews.\ntool: Read\nallowed-tools: Grep\nmaxTurns: many\n---\nReview.\n');
    assert.deepEqual(
      agent.diagnostics.map((d) => [d.code, d.severity, d.fixes?.[0]?.edits[0].newText]),
      [
        ['unknown-field', 'warning', 'tools'],
        ['unknown-field', 'warning', 'tools'],
        ['schema', 'error', undefined],
      ],
    );
    const noDescription = parse('.claude/agents/reviewer.md', '---\nname: reviewer\n---\nReview.\n');
    assert.deepEqual(
      noDescription.diagnostics.map((d) => [d.code, d.severity]),
      [['schema', 'error']],
    );
    assert.match(noDescription.diagnostics[0].message, /required field `description`/);
    // A command's front matter is optional; its keys are checked when there.
    assert.deepEqual(parse('.claude/commands/fix.md', 'Fix issue #$ARGUMENTS.\n').diagnostics, []);
    const cmd = parse('.claude/commands/fix.md', '---\nargument-hint: [issue-number]\nallowed_tools: Bash(git:*)\nmodel: claude-sonnet-4-5\n---\nFix issue #$1.\n');
    assert.deepEqual(
      cmd.diagnostics.map((d) => [d.code, d.fixes?.[0]?.edits[0].newText]),
      [['unknown-field', 'allowed-tools']],
    );
    assert.deepEqual(
      cmd.models?.map((m) => m.id),
      ['claude-sonnet-4-5'],
    );
  });

  it('finds the model of front matter read line by line', () => {
    const f = parse('.claude/agents/reviewer.md', "---\nname: reviewer\ndescription: Reviews. Examples: user: 'check this'\nmodel: sonnet\n---\nReview.\n");
    assert.deepEqual(f.diagnostics, []);
    assert.deepEqual(f.models, [{ id: 'sonnet', range: { start: { line: 3, character: 7 }, end: { line: 3, character: 13 } }, parameters: [] }]);
  });

  it('titles an agent without a name by its file name, not its first heading', () => {
    const f = parse('.claude/agents/security-reviewer.md', '---\ndescription: Reviews security.\n---\n# Security review\n');
    assert.equal(f.meta.title, 'security-reviewer');
  });

  it('lists the real agents and commands as prompt assets, with no finding', async () => {
    const catalog = await openFolderLibrary(action);
    assert.deepEqual(catalog.diagnostics, []);
    const got = catalog.assets.filter((a) => a.format === 'claude-agent' || a.format === 'claude-command').map((a) => [a.id, a.format, a.kind, a.title]);
    assert.deepEqual(got, [
      ['code-quality-reviewer', 'claude-agent', 'prompt', 'code-quality-reviewer'],
      ['test-coverage-reviewer', 'claude-agent', 'prompt', 'test-coverage-reviewer'],
      ['label-issue', 'claude-command', 'prompt', 'label-issue'],
      ['review-pr', 'claude-command', 'prompt', 'review-pr'],
    ]);
  });
});
