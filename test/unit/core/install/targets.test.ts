import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { installableFormats, installFiles, installTargets, readSection, withoutSection, withSection } from '../../../../src/core/install/targets';
import { formatModules } from '../../../../src/core/formats/registry';
import type { InstallResult, InstallSource, InstallTarget } from '../../../../src/core/install/targets';
import type { FormatId } from '../../../../src/core/formats/types';
import { formatOfPath } from '../../../../src/core/formats/detect';
import { corpusDir, fixturesDir } from '../../paths';

const realDir = path.join(fixturesDir, 'real');
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Installs one real file (library path = its path under test/fixtures/real) for a target. */
async function install(id: string, format: FormatId, rel: string, target: InstallTarget, extra: Record<string, string> = {}): Promise<InstallResult> {
  const files: Record<string, Uint8Array> = { [rel]: readFileSync(path.join(realDir, rel)) };
  for (const [p, t] of Object.entries(extra)) files[p] = new TextEncoder().encode(t);
  const src: InstallSource = { id, format, entry: rel, path: path.posix.dirname(rel), files: Object.keys(files) };
  return installFiles(src, target, async (p) => files[p] ?? assert.fail(`read ${p}`));
}

function only(r: InstallResult): { path: string; text: string; converted: string[] } {
  assert.ok('files' in r, 'refused' in r ? r.refused : '');
  assert.equal(r.files.length, 1);
  return { path: r.files[0].path, text: dec(r.files[0].data), converted: r.converted };
}

/** What our engine reads the written file as: its format, and its errors (none expected). */
function reads(p: string, text: string): { format: FormatId; errors: string[] } {
  const f = parseAndCheck(p, new TextEncoder().encode(text));
  return { format: f.format, errors: f.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`) };
}

describe('core/install/targets', () => {
  it('VS Code instructions: as they are for Copilot; applyTo -> globs for Cursor, `**` -> alwaysApply', async () => {
    const copilot = only(await install('langchain-python', 'vscode-instructions', 'awesome-copilot/instructions/langchain-python.instructions.md', 'copilot'));
    assert.equal(copilot.path, '.github/instructions/langchain-python.instructions.md');
    assert.equal(copilot.text, readFileSync(path.join(realDir, 'awesome-copilot/instructions/langchain-python.instructions.md'), 'utf8'));
    const cursor = only(await install('langchain-python', 'vscode-instructions', 'awesome-copilot/instructions/langchain-python.instructions.md', 'cursor'));
    assert.equal(cursor.path, '.cursor/rules/langchain-python.mdc');
    assert.match(cursor.text, /^---\ndescription: Instructions for using LangChain with Python\nglobs: \*\*\/\*\.py\nalwaysApply: false\n---\n# LangChain Python Instructions\n/);
    assert.deepEqual(cursor.converted, ['applyTo `**/*.py` -> globs: **/*.py']);
    assert.deepEqual(reads(cursor.path, cursor.text), { format: 'cursor-rule', errors: [] });
    const always = only(await install('caveman-mode', 'vscode-instructions', 'awesome-copilot/instructions/caveman-mode.instructions.md', 'cursor'));
    assert.match(always.text, /^---\ndescription: "Terse, low-token responses\.[^\n]*"\nalwaysApply: true\n---\n# Caveman Mode\n/);
    assert.deepEqual(reads(always.path, always.text), { format: 'cursor-rule', errors: [] });
  });

  it('Cursor rules: globs -> applyTo for Copilot (a comma list, unquoted as Cursor writes it, or a YAML list); alwaysApply -> `**`, its globs ignored as Cursor ignores them', async () => {
    const ankra = only(await install('ankra-cli', 'cursor-rule', 'awesome-cursorrules/rules/ankra-cli.mdc', 'copilot'));
    assert.equal(ankra.path, '.github/instructions/ankra-cli.instructions.md');
    assert.match(
      ankra.text,
      /^---\ndescription: Ankra CLI rules and best practices for managing Kubernetes clusters via the Ankra platform\napplyTo: "\*\*\/\*\.sh,\*\*\/\*\.yaml,\*\*\/\*\.yml,Makefile,\*\*\/Makefile,\*\*\/\*\.md"\n---\n# Ankra CLI Best Practices\n/,
    );
    assert.deepEqual(reads(ankra.path, ankra.text), { format: 'vscode-instructions', errors: [] });
    const list = only(await install('anti-overengineering', 'cursor-rule', 'awesome-cursorrules/rules/anti-overengineering.mdc', 'copilot'));
    assert.match(list.text, /\napplyTo: "\*\*\/\*"\n/);
    const sec = only(await install('devsecops', 'cursor-rule', 'awesome-cursorrules/rules/security-devsecops-ssdls-appsec.mdc', 'copilot'));
    assert.match(sec.text, /\napplyTo: "\*\*"\n---\n/);
    assert.equal(sec.converted[1], 'globs **/*.py,**/*.js,**/*.ts,**/*.go,**/*.java,**/*.rb,**/*.php,**/*.cs,**/*.sh not carried: Cursor ignores them when alwaysApply is true');
    const agents = await install('devsecops', 'cursor-rule', 'awesome-cursorrules/rules/security-devsecops-ssdls-appsec.mdc', 'agents');
    assert.ok('files' in agents && agents.files[0].path === 'AGENTS.md' && agents.files[0].section === 'devsecops');
    assert.match(dec(agents.files[0].data), /^# DevSecOps \+ SSDLC \+ AppSec Cursor Rule\n/);
    const notAlways = await install('ankra-cli', 'cursor-rule', 'awesome-cursorrules/rules/ankra-cli.mdc', 'agents');
    assert.deepEqual(notAlways, { refused: '`ankra-cli` (cursor-rule) cannot be installed for AGENTS.md: AGENTS.md applies to the whole repository, and this rule is not alwaysApply.' });
  });

  it('repository instructions: a section of AGENTS.md, CLAUDE.md or .github/copilot-instructions.md; a Cursor rule that always applies', async () => {
    for (const [target, file] of [
      ['agents', 'AGENTS.md'],
      ['claude', 'CLAUDE.md'],
      ['copilot', '.github/copilot-instructions.md'],
    ] as const) {
      const r = await install('agents-python', 'repo-instructions', 'openai-agents-python/AGENTS.md', target);
      assert.ok('files' in r);
      assert.deepEqual([r.files[0].path, r.files[0].section], [file, 'agents-python']);
      assert.ok(dec(r.files[0].data).startsWith('# Contributor Guide\n'));
      assert.ok(dec(r.files[0].data).endsWith('.\n') || dec(r.files[0].data).endsWith('\n'));
    }
    const cursor = only(await install('agents-python', 'repo-instructions', 'openai-agents-python/AGENTS.md', 'cursor'));
    assert.match(cursor.text, /^---\nalwaysApply: true\n---\n# Contributor Guide\n/);
    assert.deepEqual(reads(cursor.path, cursor.text), { format: 'cursor-rule', errors: [] });
  });

  it('agents: a VS Code agent with name and description becomes a Claude Code agent; one with tools or model is refused either way', async () => {
    const adr = only(await install('adr-generator', 'vscode-agent', 'awesome-copilot/agents/adr-generator.agent.md', 'claude'));
    assert.equal(adr.path, '.claude/agents/adr-generator.md');
    assert.match(adr.text, /^---\nname: adr-generator\ndescription: Expert agent for creating comprehensive Architectural Decision Records \(ADRs\)[^\n]*\n---\n# ADR Generator Agent\n/);
    assert.deepEqual(reads(adr.path, adr.text), { format: 'claude-agent', errors: [] });
    const reviewer = await install('code-quality-reviewer', 'claude-agent', 'claude-code-action/.claude/agents/code-quality-reviewer.md', 'copilot');
    assert.deepEqual(reviewer, {
      refused:
        '`code-quality-reviewer` (claude-agent) cannot be installed for Copilot (VS Code): its front matter has `tools`, `model`, whose values (Claude Code tools, models, permissions) VS Code names differently.',
    });
    assert.match(
      only(await install('code-quality-reviewer', 'claude-agent', 'claude-code-action/.claude/agents/code-quality-reviewer.md', 'claude')).path,
      /^\.claude\/agents\/code-quality-reviewer\.md$/,
    );
    assert.match(((await install('adr-generator', 'vscode-agent', 'awesome-copilot/agents/adr-generator.agent.md', 'cursor')) as { refused: string }).refused, /Cursor has no custom agents/);
  });

  it('commands and prompt files: converted only when nothing tool-specific is in them', async () => {
    const label = await install('label-issue', 'claude-command', 'claude-code-action/.claude/commands/label-issue.md', 'copilot');
    assert.match((label as { refused: string }).refused, /its front matter has `allowed-tools`, which VS Code prompt files do not take\./);
    const r = await installFiles({ id: 'summarize', format: 'vscode-prompt', entry: 'p/summarize.prompt.md', path: 'p', files: ['p/summarize.prompt.md'] }, 'claude', async () =>
      new TextEncoder().encode('---\ndescription: Summarize the open file\nname: summarize\n---\nSummarize the changes of this branch in five bullet points.\n'),
    );
    const cmd = only(r);
    assert.equal(cmd.path, '.claude/commands/summarize.md');
    assert.equal(cmd.text, '---\ndescription: Summarize the open file\n---\nSummarize the changes of this branch in five bullet points.\n');
    assert.deepEqual(cmd.converted, ['name `summarize` -> the command /summarize (Claude Code names a command by its file)']);
    assert.deepEqual(reads(cmd.path, cmd.text), { format: 'claude-command', errors: [] });
    const withInput = await installFiles({ id: 'form', format: 'vscode-prompt', entry: 'p/form.prompt.md', path: 'p', files: ['p/form.prompt.md'] }, 'claude', async () =>
      new TextEncoder().encode('Create a form named ${input:formName}.\n'),
    );
    assert.match((withInput as { refused: string }).refused, /VS Code variables/);
  });

  it('skills: the folder without asset.yaml, under .github/skills or .claude/skills; a skill named other than its id is refused', async () => {
    const skill = 'awesome-copilot/skills/acquire-codebase-knowledge/SKILL.md';
    const src: InstallSource = {
      id: 'acquire-codebase-knowledge',
      format: 'skill',
      entry: skill,
      path: 'awesome-copilot/skills/acquire-codebase-knowledge',
      manifest: 'awesome-copilot/skills/acquire-codebase-knowledge/asset.yaml',
      files: [skill, 'awesome-copilot/skills/acquire-codebase-knowledge/asset.yaml', 'awesome-copilot/skills/acquire-codebase-knowledge/scripts/scan.py'],
    };
    const data: Record<string, Uint8Array> = {
      [skill]: readFileSync(path.join(realDir, skill)),
      'awesome-copilot/skills/acquire-codebase-knowledge/scripts/scan.py': new TextEncoder().encode('print(1)\n'),
    };
    const r = await installFiles(src, 'claude', async (p) => data[p] ?? assert.fail(`read ${p}`));
    assert.ok('files' in r);
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['.claude/skills/acquire-codebase-knowledge/SKILL.md', '.claude/skills/acquire-codebase-knowledge/scripts/scan.py'],
    );
    const renamed = await installFiles({ ...src, id: 'codebase-knowledge' }, 'copilot', async (p) => data[p]);
    assert.match((renamed as { refused: string }).refused, /its SKILL\.md names it `acquire-codebase-knowledge`/);
  });

  it('the whole awesome-copilot corpus, for every tool: each file written reads as its format with no error; the rest refused with a reason', async function () {
    this.timeout(60_000);
    const root = path.join(corpusDir, 'awesome-copilot');
    const entries: { id: string; rel: string }[] = [
      ...readdirSync(path.join(root, 'instructions')).map((f) => ({ id: f.replace(/\..*$/, '').toLowerCase(), rel: `instructions/${f}` })),
      ...readdirSync(path.join(root, 'agents')).map((f) => ({ id: f.replace(/\..*$/, '').toLowerCase(), rel: `agents/${f}` })),
      ...readdirSync(path.join(root, 'skills'))
        .filter((d) => existsSync(path.join(root, 'skills', d, 'SKILL.md')))
        .map((d) => ({ id: d, rel: `skills/${d}/SKILL.md` })),
    ];
    const counts: Record<string, string> = {};
    const problems: string[] = [];
    for (const e of entries) {
      const format = formatOfPath(e.rel)!;
      for (const target of ['copilot', 'claude', 'cursor', 'agents'] as const) {
        const r = await installFiles({ id: e.id, format, entry: e.rel, path: path.posix.dirname(e.rel), files: [e.rel] }, target, async (p) => readFileSync(path.join(root, p)));
        const key = `${format} for ${target}`;
        const [ok, refused] = (counts[key] ?? '0 0').split(' ').map(Number);
        if ('refused' in r) {
          counts[key] = `${ok} ${refused + 1}`;
          continue;
        }
        counts[key] = `${ok + 1} ${refused}`;
        for (const f of r.files) {
          if (f.section !== undefined) continue;
          const parsed = parseAndCheck(f.path, f.data);
          if (parsed.format !== formatOfPath(f.path)) problems.push(`${e.rel} -> ${f.path}: read as ${parsed.format}`);
          for (const d of parsed.diagnostics) if (d.severity === 'error') problems.push(`${e.rel} -> ${f.path}: ${d.code} ${d.message}`);
        }
      }
    }
    assert.deepEqual(problems, []);
    // Installed / refused: instructions for some paths never go into AGENTS.md or CLAUDE.md, one uses excludeAgent; agents with tools or models stay VS Code's.
    assert.deepEqual(counts, {
      'vscode-instructions for copilot': '191 0',
      'vscode-instructions for claude': '45 146',
      'vscode-instructions for cursor': '190 1',
      'vscode-instructions for agents': '45 146',
      'vscode-agent for copilot': '224 0',
      'vscode-agent for claude': '27 197',
      'vscode-agent for cursor': '0 224',
      'vscode-agent for agents': '0 224',
      'skill for copilot': '402 0',
      'skill for claude': '402 0',
      'skill for cursor': '0 402',
      'skill for agents': '0 402',
    });
  });

  it('other formats are refused: no tool reads them from a repository', async () => {
    const r = await installFiles({ id: 'x', format: 'dotprompt', entry: 'x.prompt', path: 'x.prompt', files: ['x.prompt'] }, 'copilot', async () => new Uint8Array());
    assert.match((r as { refused: string }).refused, /none of the tools reads this format/);
  });

  it('installableFormats names exactly the formats installed for some tool (what Install into Workspace offers)', async () => {
    for (const m of formatModules) {
      const results = await Promise.all(
        installTargets.map((t) =>
          installFiles({ id: 'x', format: m.id, entry: 'x/SKILL.md', path: 'x', files: ['x/SKILL.md'] }, t, async () => new TextEncoder().encode('---\ndescription: d\n---\nBody.\n')),
        ),
      );
      const everyRefusedAsNoTool = results.every((r) => 'refused' in r && /none of the tools reads this format/.test(r.refused));
      assert.equal(installableFormats.includes(m.id), !everyRefusedAsNoTool, m.id);
    }
  });

  it("sections: appended after the file's own text, replaced in place, removed with the blank line before", () => {
    const own = '# Our rules\n\nRun `make test`.\n';
    const one = withSection(own, 'a', 'Alpha.\n');
    assert.equal(one, '# Our rules\n\nRun `make test`.\n\n<!-- genai-assets:begin a -->\nAlpha.\n<!-- genai-assets:end a -->\n');
    const two = withSection(one, 'b', 'Beta.\n');
    assert.equal(readSection(two, 'a'), 'Alpha.\n');
    assert.equal(readSection(two, 'b'), 'Beta.\n');
    const replaced = withSection(two, 'a', 'Alpha 2.\n');
    assert.equal(replaced, two.replace('Alpha.', 'Alpha 2.'));
    assert.equal(withoutSection(withoutSection(replaced, 'b'), 'a'), own);
    assert.equal(withSection(undefined, 'a', 'x\n'), '<!-- genai-assets:begin a -->\nx\n<!-- genai-assets:end a -->\n');
    assert.equal(readSection(own, 'a'), undefined);
  });
});
