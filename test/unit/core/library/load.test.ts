// What a library's listing holds (issue 14): dot-folders (.claude, .cursor, .agents, skills/.curated), .gitignore, and links to folders inside, from a folder and from a git commit.

import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { gitSource } from '../../../../src/core/library/gitSource';
import { folderSource } from '../../../../src/core/library/fileSource';
import { nodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { NodeGit } from '../../../../src/node/git';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { cleanupTemp, commitAll, git, tempDir, testGitEnv, writeFiles } from '../../support/gitServer';

const skill = (name: string) => `---\nname: ${name}\ndescription: The ${name} skill.\n---\n# ${name}\n`;

/** A library with files in dot-folders, ignored files, and links in and out. */
function makeLibrary(): { lib: string; outside: string } {
  const base = tempDir('listing');
  const lib = path.join(base, 'library');
  const outside = path.join(base, 'outside');
  writeFiles(outside, { 'secret.prompt.md': 'outside\n' });
  writeFiles(lib, {
    '.gitignore': 'build/\n.venv/\n',
    '.claude/skills/review/SKILL.md': skill('review'),
    '.claude/commands/fix.md': '---\ndescription: Fix an issue\n---\nFix issue $ARGUMENTS.\n',
    '.claude/agents/planner.md': '---\nname: planner\ndescription: Plans work.\n---\nPlan.\n',
    '.cursor/rules/style.mdc': '---\ndescription: Style\nglobs: **/*.ts\nalwaysApply: false\n---\nUse tabs.\n',
    '.agents/skills/probe/SKILL.md': skill('probe'),
    'skills/.curated/pdf/SKILL.md': skill('pdf'),
    'skills/docx-official/SKILL.md': skill('docx-official'),
    '.github/prompts/hello.prompt.md': 'Hello.\n',
    'docs/.gitignore': '*.prompt.md\n!keep.prompt.md\n',
    'docs/drop.prompt.md': 'Dropped.\n',
    'docs/keep.prompt.md': 'Kept.\n',
    'build/out.prompt.md': 'Built.\n',
    '.venv/lib/SKILL.md': skill('lib'),
    'node_modules/pkg/SKILL.md': skill('pkg'),
  });
  // Links to folders inside: their files are listed where they lie, once.
  symlinkSync('../../.agents/skills/probe', path.join(lib, '.claude', 'skills', 'probe'));
  symlinkSync('docx-official', path.join(lib, 'skills', 'docx'));
  // A link to a folder above it would walk round for ever if followed: it is not walked.
  symlinkSync('..', path.join(lib, 'skills', 'up'));
  // A link to a file inside reads as that file; a loop, a dangling link and a link out are reported.
  mkdirSync(path.join(lib, 'loose'));
  symlinkSync('../.github/prompts/hello.prompt.md', path.join(lib, 'loose', 'alias.prompt.md'));
  symlinkSync('loop-b.prompt.md', path.join(lib, 'loose', 'loop-a.prompt.md'));
  symlinkSync('loop-a.prompt.md', path.join(lib, 'loose', 'loop-b.prompt.md'));
  symlinkSync('nothing.prompt.md', path.join(lib, 'loose', 'dangling.prompt.md'));
  symlinkSync(path.join(outside, 'secret.prompt.md'), path.join(lib, 'loose', 'out.prompt.md'));
  symlinkSync(outside, path.join(lib, 'loose', 'out-folder'));
  return { lib, outside };
}

const listed = [
  '.agents/skills/probe/SKILL.md',
  '.claude/agents/planner.md',
  '.claude/commands/fix.md',
  '.claude/skills/review/SKILL.md',
  '.cursor/rules/style.mdc',
  '.github/prompts/hello.prompt.md',
  '.gitignore',
  'docs/.gitignore',
  'docs/keep.prompt.md',
  'loose/alias.prompt.md',
  'loose/dangling.prompt.md',
  'loose/loop-a.prompt.md',
  'loose/loop-b.prompt.md',
  'loose/out-folder',
  'loose/out.prompt.md',
  'skills/.curated/pdf/SKILL.md',
  'skills/docx-official/SKILL.md',
];

describe('core/library/load: what a library lists', () => {
  after(cleanupTemp);

  it('a folder: dot-folders are walked, .git, node_modules and what .gitignore ignores are not, links to folders inside are not walked twice', async () => {
    const { lib } = makeLibrary();
    const entries = await folderSource(nodeFileSystem, nodePathOps, lib).list();
    assert.deepEqual(entries.map((e) => e.path).sort(), listed);
    const link = (p: string) => entries.find((e) => e.path === p)!;
    assert.equal(link('loose/alias.prompt.md').linkInside, true);
    for (const p of ['loose/loop-a.prompt.md', 'loose/dangling.prompt.md', 'loose/out.prompt.md', 'loose/out-folder']) assert.equal(link(p).linkInside, false, p);
  });

  it('a folder library: the skills, commands, agents and rules of dot-folders are assets; only links that lead out or nowhere are reported, once each', async () => {
    const { lib } = makeLibrary();
    const catalog = await openFolderLibrary(lib);
    assert.deepEqual(
      catalog.assets.map((a) => [a.id, a.format, a.path]).sort(),
      [
        ['alias', 'vscode-prompt', 'loose/alias.prompt.md'],
        ['docx-official', 'skill', 'skills/docx-official/SKILL.md'],
        ['fix', 'claude-command', '.claude/commands/fix.md'],
        ['hello', 'vscode-prompt', '.github/prompts/hello.prompt.md'],
        ['keep', 'vscode-prompt', 'docs/keep.prompt.md'],
        ['pdf', 'skill', 'skills/.curated/pdf/SKILL.md'],
        ['planner', 'claude-agent', '.claude/agents/planner.md'],
        ['probe', 'skill', '.agents/skills/probe/SKILL.md'],
        ['review', 'skill', '.claude/skills/review/SKILL.md'],
        ['style', 'cursor-rule', '.cursor/rules/style.mdc'],
      ].sort(),
    );
    const found = catalog.diagnostics.map((d) => [d.file, d.code]).sort();
    assert.deepEqual(found, [
      ['loose/dangling.prompt.md', 'path-escape'],
      ['loose/loop-a.prompt.md', 'path-escape'],
      ['loose/loop-b.prompt.md', 'path-escape'],
      ['loose/out-folder', 'path-escape'],
      ['loose/out.prompt.md', 'path-escape'],
    ]);
    const message = (f: string) => catalog.diagnostics.find((d) => d.file === f)!.message;
    assert.match(message('loose/loop-a.prompt.md'), /leads nowhere: its target does not exist, or links lead round in a loop/);
    assert.match(message('loose/out.prompt.md'), /points outside the library/);
  });

  it('a git commit: the same files (git lists no ignored file), links resolved in the tree: a folder inside is not listed twice, a loop is told from a missing target', async () => {
    const { lib } = makeLibrary();
    git(lib, 'init', '-q', '-b', 'main');
    const commit = commitAll(lib, 'Library');
    const source = gitSource(new NodeGit({ env: testGitEnv }), lib, commit);
    try {
      const entries = await source.list();
      assert.deepEqual(entries.map((e) => e.path).sort(), listed);
      const link = (p: string) => entries.find((e) => e.path === p)!;
      assert.equal(link('loose/alias.prompt.md').linkInside, true);
      assert.equal(new TextDecoder().decode(await source.read('loose/alias.prompt.md')), 'Hello.\n');
      assert.deepEqual([link('loose/loop-a.prompt.md').linkTarget, link('loose/loop-a.prompt.md').linkInside], ['(loop)', false]);
      assert.deepEqual([link('loose/dangling.prompt.md').linkTarget, link('loose/dangling.prompt.md').linkInside], ['(missing)', false]);
      assert.equal(link('loose/out.prompt.md').linkInside, false);
      await assert.rejects(source.read('loose/out.prompt.md'), /leads outside the library/);
    } finally {
      source.close();
    }
  });
});
