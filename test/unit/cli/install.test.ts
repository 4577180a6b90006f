import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAndCheck } from '../../../src/core/checks/fileChecks';
import type { FormatId } from '../../../src/core/formats/types';
import { cleanupTemp, commitAll, git, GitDaemon, makeBare, makeRepo, tempDir } from '../support/gitServer';
import { installLibraryFiles, real, runCli } from '../support/installLibrary';
import type { Run } from '../support/installLibrary';
import { editFile } from '../support/pilotLibrary';

const cacheDir = tempDir('cache');

const run = (args: string[], cwd = tempDir('cwd')): Promise<Run> => runCli(args, cwd, cacheDir);

const text = (dir: string, rel: string) => readFileSync(path.join(dir, ...rel.split('/')), 'utf8');
const lockOf = (dir: string) => JSON.parse(text(dir, 'genai-assets.lock.json')) as { library: { commit: string }; components: LockEntry[] };

interface LockEntry {
  id: string;
  version: string;
  target: string;
  reference: string;
  commit: string;
  files: { path: string; section?: string; sha256: string; deleted?: true }[];
}

/** The format each tool's file must be read as by our own engine. */
function expectedFormat(p: string): FormatId {
  if (/^\.github\/instructions\/[^/]+\.instructions\.md$/.test(p)) return 'vscode-instructions';
  if (/^\.github\/prompts\/[^/]+\.prompt\.md$/.test(p)) return 'vscode-prompt';
  if (/^\.github\/agents\/[^/]+\.agent\.md$/.test(p)) return 'vscode-agent';
  if (/^\.(github|claude)\/skills\/[^/]+\/SKILL\.md$/.test(p)) return 'skill';
  if (/^\.claude\/agents\/[^/]+\.md$/.test(p)) return 'claude-agent';
  if (/^\.claude\/commands\/[^/]+\.md$/.test(p)) return 'claude-command';
  if (/^\.cursor\/rules\/[^/]+\.mdc$/.test(p)) return 'cursor-rule';
  if (/^(AGENTS\.md|CLAUDE\.md|\.github\/copilot-instructions\.md)$/.test(p)) return 'repo-instructions';
  throw new Error(`no tool reads ${p}`);
}

/** Every file the lock records is what its tool reads: recognised as its format by our engine, with no error. */
function checkInstalledFiles(repo: string): number {
  let n = 0;
  for (const p of new Set(lockOf(repo).components.flatMap((c) => c.files.filter((f) => !f.deleted).map((f) => f.path)))) {
    const parsed = parseAndCheck(p, readFileSync(path.join(repo, ...p.split('/'))));
    assert.equal(parsed.format, expectedFormat(p), p);
    assert.deepEqual(
      parsed.diagnostics.filter((d) => d.severity === 'error'),
      [],
      `${p}: ${parsed.diagnostics.map((d) => d.message).join('; ')}`,
    );
    n++;
  }
  return n;
}

function consumer(name: string, files: Record<string, string> = { 'README.md': `# ${name}\n` }): string {
  const dir = path.join(tempDir('repo'), name);
  makeRepo(dir, files, 'Initial commit');
  return dir;
}

describe('cli: install into repositories, then verify, outdated and update them', () => {
  let daemon: GitDaemon;
  let work: string;
  let url: string;
  before(async () => {
    const base = tempDir('served');
    work = path.join(tempDir('lib'), 'library');
    makeRepo(work, installLibraryFiles(), 'Library');
    makeBare(work, path.join(base, 'lib.git'), { allowFilter: false });
    git(work, 'push', '-q', 'origin', 'main');
    daemon = await GitDaemon.start(base);
    url = daemon.url('lib.git');
  });
  after(async () => {
    await daemon?.stop();
    cleanupTemp();
  });

  it('installs for each tool where it reads them, converting front matter exactly, and every written file reads as its format', async () => {
    const copilot = consumer('copilot-repo');
    let r = await run(['install', 'langchain-python', 'caveman-mode', 'adr-generator', 'adjuster-email-reply@^1', 'ankra-cli', '--library', url, '--into', copilot]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /acquire-codebase-knowledge 1\.0\.0 \(module\) \(dependency of adr-generator@1\.0\.0\) for copilot -> \.github\/skills\/acquire-codebase-knowledge\/SKILL\.md/);
    assert.match(r.out, /converted: ankra-cli for copilot: globs \*\*\/\*\.sh,\*\*\/\*\.yaml,\*\*\/\*\.yml,Makefile,\*\*\/Makefile,\*\*\/\*\.md -> applyTo/);
    // Copied as they are where the tool reads the format.
    assert.equal(text(copilot, '.github/instructions/langchain-python.instructions.md'), real('awesome-copilot', 'instructions', 'langchain-python.instructions.md'));
    assert.equal(text(copilot, '.github/agents/adr-generator.agent.md'), real('awesome-copilot', 'agents', 'adr-generator.agent.md'));
    assert.equal(text(copilot, '.github/skills/acquire-codebase-knowledge/SKILL.md'), real('awesome-copilot', 'skills', 'acquire-codebase-knowledge', 'SKILL.md'));
    assert.ok(!existsSync(path.join(copilot, '.github/skills/acquire-codebase-knowledge/asset.yaml')), 'asset.yaml stays in the library');
    assert.match(
      text(copilot, '.github/instructions/ankra-cli.instructions.md'),
      /^---\ndescription: Ankra CLI rules and best practices for managing Kubernetes clusters via the Ankra platform\napplyTo: "\*\*\/\*\.sh,\*\*\/\*\.yaml,\*\*\/\*\.yml,Makefile,\*\*\/Makefile,\*\*\/\*\.md"\n---\n# Ankra CLI Best Practices\n/,
    );
    const lock = lockOf(copilot);
    assert.equal(lock.library.commit, git(work, 'rev-parse', 'HEAD'));
    assert.ok(lock.components.every((c) => c.commit === lock.library.commit));
    assert.deepEqual(
      lock.components.map((c) => `${c.id}@${c.version} ${c.target} ${c.reference}`),
      [
        'langchain-python@1.0.0 copilot langchain-python@^1.0',
        'caveman-mode@1.0.0 copilot caveman-mode@^1.0',
        'adr-generator@1.0.0 copilot adr-generator@^1.0',
        'adjuster-email-reply@1.0.0 copilot adjuster-email-reply@^1',
        'ankra-cli@1.0.0 copilot ankra-cli@^1.0',
        'acquire-codebase-knowledge@1.0.0 copilot acquire-codebase-knowledge@^1.0',
      ],
    );
    assert.equal(checkInstalledFiles(copilot), 6);
    assert.doesNotMatch(r.err, /^warning:/m, 'install found no error in what it wrote');

    const cursor = consumer('cursor-repo');
    r = await run(['install', 'langchain-python,caveman-mode', 'agents-python', '--for', 'cursor', '--library', url], cursor);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /converted: langchain-python for cursor: applyTo `\*\*\/\*\.py` -> globs: \*\*\/\*\.py/);
    assert.match(r.out, /converted: caveman-mode for cursor: applyTo `\*\*` -> alwaysApply: true/);
    assert.match(
      text(cursor, '.cursor/rules/langchain-python.mdc'),
      /^---\ndescription: Instructions for using LangChain with Python\nglobs: \*\*\/\*\.py\nalwaysApply: false\n---\n# LangChain Python Instructions/,
    );
    assert.match(text(cursor, '.cursor/rules/agents-python.mdc'), /^---\nalwaysApply: true\n---\n# Contributor Guide\n/);
    assert.equal(checkInstalledFiles(cursor), 3);
    assert.doesNotMatch(r.err, /^warning:/m, 'install found no error in what it wrote');

    // AGENTS.md and CLAUDE.md get a marked section; the text around it is the repository's own.
    const agents = consumer('agents-repo', { 'README.md': '# agents-repo\n', 'AGENTS.md': '# Our rules\n\nRun `make test` before pushing.\n' });
    r = await run(['install', 'caveman-mode', 'agents-python', '--for', 'agents,claude', '--library', url], agents);
    assert.equal(r.code, 0, r.out + r.err);
    const agentsMd = text(agents, 'AGENTS.md');
    assert.ok(agentsMd.startsWith('# Our rules\n\nRun `make test` before pushing.\n\n<!-- genai-assets:begin caveman-mode -->\n# Caveman Mode\n'), agentsMd.slice(0, 200));
    assert.match(agentsMd, /<!-- genai-assets:end caveman-mode -->\n\n<!-- genai-assets:begin agents-python -->\n# Contributor Guide\n[\s\S]*<!-- genai-assets:end agents-python -->\n$/);
    assert.match(text(agents, 'CLAUDE.md'), /^<!-- genai-assets:begin caveman-mode -->\n# Caveman Mode\n/);
    assert.deepEqual(
      lockOf(agents).components.map((c) => c.files.map((f) => `${f.path}#${f.section}`).join()),
      ['AGENTS.md#caveman-mode', 'CLAUDE.md#caveman-mode', 'AGENTS.md#agents-python', 'CLAUDE.md#agents-python'],
    );
    assert.equal(checkInstalledFiles(agents), 2);
    assert.doesNotMatch(r.err, /^warning:/m, 'install found no error in what it wrote');

    const claude = consumer('claude-repo');
    r = await run(['install', 'adr-generator', 'code-quality-reviewer', '--for', 'claude', '--library', url], claude);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /converted: adr-generator for claude: name -> `adr-generator`/);
    assert.equal(text(claude, '.claude/agents/code-quality-reviewer.md'), real('claude-code-action', '.claude', 'agents', 'code-quality-reviewer.md'));
    assert.match(text(claude, '.claude/agents/adr-generator.md'), /^---\nname: adr-generator\ndescription: Expert agent for creating comprehensive Architectural Decision Records/);
    assert.ok(existsSync(path.join(claude, '.claude/skills/acquire-codebase-knowledge/SKILL.md')));
    assert.equal(checkInstalledFiles(claude), 3);
    assert.doesNotMatch(r.err, /^warning:/m, 'install found no error in what it wrote');

    for (const repo of [copilot, cursor, agents, claude]) {
      r = await run(['verify', repo, '--check']);
      assert.equal(r.code, 0, `${repo}: ${r.out}${r.err}`);
      commitAll(repo, 'Install assets');
    }
  });

  describe('refusals exit 2 and write nothing', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'path-scoped instructions into AGENTS.md',
        ['langchain-python', '--for', 'agents'],
        /`langchain-python` \(vscode-instructions\) cannot be installed for AGENTS\.md: AGENTS\.md applies to the whole repository, and these instructions apply to `\*\*\/\*\.py` only\./,
      ],
      ['a VS Code prompt with ${input:} variables for Claude Code', ['adjuster-email-reply', '--for', 'claude'], /cannot be installed for Claude Code: its front matter has `agent`/],
      ['a Claude Code agent with tools and model for Copilot', ['code-quality-reviewer', '--for', 'copilot'], /cannot be installed for Copilot \(VS Code\): its front matter has `tools`, `model`/],
      ['a skill for Cursor', ['acquire-codebase-knowledge', '--for', 'cursor'], /Cursor reads no Agent Skills here/],
      ['a draft asset', ['caveman-draft'], /`caveman-draft` \(requested\) resolves to 1\.0\.0, which is draft; the library's policy allows only approved/],
      ['an unknown tool', ['caveman-mode', '--for', 'windsurf'], /--for takes copilot, claude, cursor, agents; not `windsurf`/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const repo = consumer('refused');
        const r = await run(['install', ...args, '--library', url], repo);
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, message);
        assert.equal(git(repo, 'status', '--porcelain', '--ignored'), '', 'nothing written');
      });
    }

    it('a file of the same name that genai-assets did not write', async () => {
      const repo = consumer('taken', { '.github/instructions/langchain-python.instructions.md': '# Ours\n' });
      const r = await run(['install', 'langchain-python', '--library', url], repo);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /`\.github\/instructions\/langchain-python\.instructions\.md` exists and was not installed by genai-assets/);
      assert.equal(text(repo, '.github/instructions/langchain-python.instructions.md'), '# Ours\n');
    });
  });

  it('after local edits, an upstream change and a deprecation: outdated, verify --check, update --dry-run, update with a clean merge, a diff3 conflict and a deleted file left deleted', async () => {
    const a = consumer('team-a');
    const b = consumer('team-b');
    const c = consumer('team-c', { 'AGENTS.md': '# Team C\n' });
    assert.equal((await run(['install', 'langchain-python@^1', 'adr-generator@^1', '--library', url], a)).code, 0);
    assert.equal((await run(['install', 'langchain-python@^1', '--for', 'cursor,copilot', '--library', url], b)).code, 0);
    assert.equal((await run(['install', 'caveman-mode@^1', '--for', 'agents', '--library', url], c)).code, 0);
    for (const repo of [a, b, c]) commitAll(repo, 'Install');

    // Local edits: team A adds a line at the end of the instructions (clean merge) and rewrites the agent's description (conflict).
    editFile(a, '.github/instructions/langchain-python.instructions.md', (t) => t + '\n- Team A: pin langchain to the version in requirements.txt.\n');
    editFile(a, '.github/agents/adr-generator.agent.md', (t) => t.replace(/^description: .*$/m, 'description: Team A ADR writer.'));
    // Team B deletes the Cursor rule it does not want.
    rmSync(path.join(b, '.cursor/rules/langchain-python.mdc'));
    // Upstream: langchain-python 1.1.0 changes its description; adr-generator 1.1.0 changes its description too; caveman-mode is deprecated.
    editFile(work, 'instructions/langchain-python/langchain-python.instructions.md', (t) =>
      t.replace("description: 'Instructions for using LangChain with Python'", "description: 'Instructions for LangChain (Python)'"),
    );
    editFile(work, 'instructions/langchain-python/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    editFile(work, 'agents/adr-generator/adr-generator.agent.md', (t) => t.replace(/^description: .*$/m, 'description: Writes Architectural Decision Records.'));
    editFile(work, 'agents/adr-generator/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    editFile(work, 'instructions/caveman-mode/asset.yaml', (t) => t.replace('status: approved', 'status: deprecated'));
    commitAll(work, 'langchain-python 1.1.0, adr-generator 1.1.0, caveman-mode deprecated');
    git(work, 'push', '-q', 'origin', 'main');

    let r = await run(['outdated', a]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^ID +TARGET +KIND +CURRENT +WANTED +LATEST +STATUS\nlangchain-python +copilot +prompt +1\.0\.0 +1\.1\.0 +1\.1\.0 +superseded\nadr-generator +copilot +prompt +1\.0\.0 +1\.1\.0 +1\.1\.0 +superseded\n/,
    );
    r = await run(['outdated', a, '--json']);
    assert.deepEqual(
      JSON.parse(r.out).components.map((x: { id: string; wanted: string }) => `${x.id} ${x.wanted}`),
      ['langchain-python 1.1.0', 'adr-generator 1.1.0', 'acquire-codebase-knowledge 1.0.0'],
    );

    // verify --check: modified and outdated in A, a deleted file in B, deprecated in C.
    r = await run(['verify', '.', '--check', '--format', 'json'], a);
    assert.equal(r.code, 1);
    const codes = (x: Run) => (JSON.parse(x.out).diagnostics as { code: string; file: string }[]).map((d) => `${d.code} ${d.file}`).sort();
    assert.deepEqual(codes(r), [
      'component-modified .github/agents/adr-generator.agent.md',
      'component-modified .github/instructions/langchain-python.instructions.md',
      'component-outdated genai-assets.lock.json',
      'component-outdated genai-assets.lock.json',
    ]);
    r = await run(['verify', '.', '--check', '--format', 'json'], b);
    assert.equal(r.code, 1);
    assert.ok(codes(r).includes('component-modified genai-assets.lock.json'));
    r = await run(['verify', c, '--check']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /warning component-deprecated `caveman-mode` 1\.0\.0 \(agents\) is deprecated in `team-library`/);
    r = await run(['verify', c]);
    assert.equal(r.code, 0, 'without --check, a deprecation is a warning');

    // update --dry-run shows the diff and writes nothing.
    const beforeDry = text(a, '.github/instructions/langchain-python.instructions.md');
    r = await run(['update', '.', '--dry-run'], a);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(
      r.out,
      /--- a\/\.github\/instructions\/langchain-python\.instructions\.md\n\+\+\+ b\/\.github\/instructions\/langchain-python\.instructions\.md\n@@ -1,5 \+1,5 @@\n ---\n-description: 'Instructions for using LangChain with Python'\n\+description: 'Instructions for LangChain \(Python\)'\n/,
    );
    assert.match(r.out, /Dry run: nothing was written/);
    assert.equal(text(a, '.github/instructions/langchain-python.instructions.md'), beforeDry);
    assert.deepEqual(
      git(a, 'status', '--porcelain')
        .split('\n')
        .map((l) => l.trim()),
      ['M .github/agents/adr-generator.agent.md', 'M .github/instructions/langchain-python.instructions.md'],
    );

    // update: a clean merge, a conflict with diff3 markers listed at the end.
    r = await run(['update', '.'], a);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /langchain-python \(copilot\) 1\.0\.0 -> 1\.1\.0\n {2}merged \(local edits kept\) \.github\/instructions\/langchain-python\.instructions\.md\n/);
    assert.match(r.out, /adr-generator \(copilot\) 1\.0\.0 -> 1\.1\.0\n {2}CONFLICT {2}\.github\/agents\/adr-generator\.agent\.md\n/);
    assert.match(r.out, /1 file have conflicts to resolve \(diff3 markers[^\n]*\n {2}\.github\/agents\/adr-generator\.agent\.md\n$/);
    const merged = text(a, '.github/instructions/langchain-python.instructions.md');
    assert.match(merged, /description: 'Instructions for LangChain \(Python\)'/);
    assert.match(merged, /- Team A: pin langchain to the version in requirements\.txt\.\n$/);
    assert.match(
      text(a, '.github/agents/adr-generator.agent.md'),
      /<<<<<<< \.github\/agents\/adr-generator\.agent\.md \(yours\)\ndescription: Team A ADR writer\.\n\|\|\|\|\|\|\| adr-generator@1\.0\.0 \(installed\)\ndescription: Expert agent for creating comprehensive Architectural Decision Records[^\n]*\n=======\ndescription: Writes Architectural Decision Records\.\n>>>>>>> adr-generator@1\.1\.0 \(library\)\n/,
    );
    assert.ok(!git(a, 'status', '--porcelain', '--untracked-files=all').includes('.rej'), 'no .rej files');
    const lockA = lockOf(a);
    assert.equal(lockA.library.commit, git(work, 'rev-parse', 'HEAD'));
    assert.deepEqual(
      lockA.components.map((x) => x.commit === lockA.library.commit),
      [true, true, false],
      'a component left as it was keeps the commit it was installed from',
    );
    assert.deepEqual(
      lockA.components.map((x) => `${x.id}@${x.version}`),
      ['langchain-python@1.1.0', 'adr-generator@1.1.0', 'acquire-codebase-knowledge@1.0.0'],
    );
    // The conflicted file differs from the lock until it is resolved (and stays a local edit after).
    r = await run(['verify', '.', '--check', '--format', 'json'], a);
    assert.equal(r.code, 1);
    assert.deepEqual(
      codes(r).filter((x) => x.startsWith('component-')),
      ['component-modified .github/agents/adr-generator.agent.md', 'component-modified .github/instructions/langchain-python.instructions.md'],
    );
    assert.ok(codes(r).includes('yaml-syntax .github/agents/adr-generator.agent.md'), 'the markers in the front matter are a YAML error of the installed file');

    // Team B: the deleted Cursor rule stays deleted and is recorded so; the Copilot copy is updated.
    r = await run(['update', '.'], b);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /langchain-python \(cursor\) 1\.0\.0 -> 1\.1\.0\n {2}left deleted \.cursor\/rules\/langchain-python\.mdc - deleted locally; changed upstream, still left deleted\n/);
    assert.match(r.out, /langchain-python \(copilot\) 1\.0\.0 -> 1\.1\.0\n {2}updated {3}\.github\/instructions\/langchain-python\.instructions\.md\n/);
    assert.match(r.out, /Recorded as deleted \(left deleted; genai-assets\.lock\.json says so\): \.cursor\/rules\/langchain-python\.mdc\./);
    assert.ok(!existsSync(path.join(b, '.cursor/rules/langchain-python.mdc')));
    const cursorEntry = lockOf(b).components.find((x) => x.target === 'cursor')!;
    assert.deepEqual(
      cursorEntry.files.map((f) => [f.path, f.deleted]),
      [['.cursor/rules/langchain-python.mdc', true]],
    );
    r = await run(['verify', b, '--check']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(text(b, '.github/instructions/langchain-python.instructions.md'), text(work, 'instructions/langchain-python/langchain-python.instructions.md'));
    r = await run(['update', b]);
    assert.equal(r.code, 0);
    assert.match(r.out, /nothing to update/);

    // Team C: a deprecated asset has no allowed version to move to; AGENTS.md is left as it is.
    const agentsBefore = text(c, 'AGENTS.md');
    r = await run(['update', c]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(text(c, 'AGENTS.md'), agentsBefore);

    // A local edit inside the section of AGENTS.md is reported on that file.
    writeFileSync(path.join(c, 'AGENTS.md'), agentsBefore.replace('# Caveman Mode', '# Caveman Mode (team C)'));
    r = await run(['verify', '.', '--format', 'json'], c);
    const onAgents = (JSON.parse(r.out).diagnostics as { code: string; file: string; range: { start: { line: number } } }[]).find((d) => d.code === 'component-modified' && d.file === 'AGENTS.md');
    assert.equal(onAgents?.range.start.line, text(c, 'AGENTS.md').split('\n').indexOf('# Caveman Mode (team C)'), 'on the edited line of the section');
  });

  it('install --dry-run writes nothing; update stays within the reference installed, and `id@range` moves the range', async () => {
    const d = consumer('team-d');
    let r = await run(['install', 'langchain-python@~1.1', '--dry-run', '--library', url], d);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(
      r.out,
      /^Would install into \. from team-library at [0-9a-f]{12}:\n {2}langchain-python 1\.1\.0 \(prompt\) for copilot -> \.github\/instructions\/langchain-python\.instructions\.md\n/,
    );
    assert.equal(git(d, 'status', '--porcelain', '--ignored'), '');
    assert.equal((await run(['install', 'langchain-python@~1.1', '--library', url], d)).code, 0);
    commitAll(d, 'Install');
    editFile(work, 'instructions/langchain-python/asset.yaml', (t) => t.replace('version: 1.1.0', 'version: 2.0.0'));
    editFile(work, 'instructions/langchain-python/langchain-python.instructions.md', (t) => t.replace('# LangChain Python Instructions', '# LangChain (Python) Instructions'));
    commitAll(work, 'langchain-python 2.0.0');
    git(work, 'push', '-q', 'origin', 'main');
    r = await run(['outdated', '--json'], d);
    assert.deepEqual(JSON.parse(r.out).components, [{ id: 'langchain-python', kind: 'prompt', current: '1.1.0', wanted: null, latest: '2.0.0', status: 'superseded', target: 'copilot' }]);
    r = await run(['verify', '--check'], d);
    assert.equal(r.code, 1);
    assert.match(r.out, /`langchain-python` \(copilot\) is at 1\.1\.0; 2\.0\.0 is the newest, outside `langchain-python@~1\.1`\. Run `genai-assets update \. langchain-python@\^2\.0`\./);
    r = await run(['update'], d);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /nothing to update/);
    r = await run(['update', '.', 'langchain-python@^2.0'], d);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^langchain-python \(copilot\) 1\.1\.0 -> 2\.0\.0\n {2}updated {3}\.github\/instructions\/langchain-python\.instructions\.md\n/);
    assert.deepEqual(
      lockOf(d).components.map((x) => `${x.version} ${x.reference}`),
      ['2.0.0 langchain-python@^2.0'],
    );
    assert.match(text(d, '.github/instructions/langchain-python.instructions.md'), /# LangChain \(Python\) Instructions/);
    assert.equal((await run(['verify', '--check'], d)).code, 0);

    // A deletion with nothing to update: recorded, and verify --check is clean again.
    rmSync(path.join(d, '.github/instructions/langchain-python.instructions.md'));
    r = await run(['verify', '--check'], d);
    assert.equal(r.code, 1);
    assert.match(r.out, /`\.github\/instructions\/langchain-python\.instructions\.md` of `langchain-python` 2\.0\.0 \(copilot\) was deleted\. Run `genai-assets update` to record the deletion/);
    r = await run(['update'], d);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out, 'Recorded as deleted (left deleted; genai-assets.lock.json says so): .github/instructions/langchain-python.instructions.md.\ngenai-assets.lock.json rewritten.\n');
    assert.equal(lockOf(d).components[0].files[0].deleted, true);
    assert.equal((await run(['verify', '--check'], d)).code, 0);
    assert.ok(!existsSync(path.join(d, '.github/instructions/langchain-python.instructions.md')));
  });
});
