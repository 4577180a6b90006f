import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, Range } from '../../../../src/core/diagnostics';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { corpusDir, fixturesDir } from '../../paths';

function fixture(rel: string): ParsedFile {
  return parseAndCheck(rel, fs.readFileSync(path.join(fixturesDir, rel)));
}

function parse(p: string, text: string): ParsedFile {
  return parseAndCheck(p, new TextEncoder().encode(text));
}

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

const summary = (ds: Diagnostic[]) => ds.map((d) => [d.code, d.range]);

describe('core/formats/markdownPrompt', () => {
  describe('clean fixtures', () => {
    it('a prompt file: front matter, ${input:...} variables, model, title from name', () => {
      const file = fixture('vscode-prompt/clean.prompt.md');
      assert.deepEqual(file.diagnostics, []);
      assert.equal(file.format, 'vscode-prompt');
      assert.equal(file.templateLanguage, 'vscode-input');
      assert.deepEqual(file.meta, { name: 'react-form', title: 'react-form', description: 'Generate a React form component' });
      assert.deepEqual(file.models, [{ id: 'GPT-4.1', range: r(5, 7, 5, 14), parameters: [] }]);
      assert.deepEqual(
        file.variables?.map((v) => [v.name, v.range]),
        [
          ['formName', r(10, 28, 10, 36)],
          ['fields', r(11, 16, 11, 22)],
        ],
      );
      assert.equal(file.inputs, undefined);
      assert.equal(file.messages?.[0].role, 'user');
      assert.match(file.messages?.[0].template ?? '', /^# Create a React form/);
    });

    it('an agent file with a model list and handoffs', () => {
      const file = fixture('vscode-agent/clean.agent.md');
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(
        file.models?.map((m) => [m.id, m.range]),
        [
          ['Claude Sonnet 4.5 (copilot)', r(4, 8, 4, 37)],
          ['GPT-5 (copilot)', r(4, 39, 4, 56)],
        ],
      );
      assert.equal(file.meta.title, 'Planner');
      assert.equal(file.messages?.[0].role, 'system');
    });

    it('a chat mode or agent without `name` is titled by its file name, as VS Code names it, not by its first heading', () => {
      assert.equal(parse('.github/chatmodes/Plan Mode.chatmode.md', '---\ndescription: Plans.\n---\n# Planning assistant\n').meta.title, 'Plan Mode');
      assert.equal(parse('agents/reviewer.agent.md', '# Code reviewer\nReview.\n').meta.title, 'reviewer');
      assert.equal(parse('agents/reviewer.agent.md', '---\nname: Reviewer\n---\n# Code reviewer\n').meta.title, 'Reviewer');
      // Prompt and instructions files keep their first heading.
      assert.equal(parse('a/fix.prompt.md', '# Fix a bug\n').meta.title, 'Fix a bug');
    });

    it('an instructions file takes its title from the first heading', () => {
      const file = fixture('vscode-instructions/clean.instructions.md');
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(file.meta, { title: 'TypeScript conventions', description: 'TypeScript conventions of this repository' });
    });

    it('a skill: name, description, metadata version, title from the heading', () => {
      const file = fixture('skill/clean-skill/SKILL.md');
      assert.deepEqual(file.diagnostics, []);
      assert.equal(file.format, 'skill');
      assert.deepEqual(file.meta, {
        name: 'clean-skill',
        title: 'README tidy-up',
        description: "Tidies a repository's README. Use when asked to clean up or restructure documentation.",
        version: '1.1',
      });
    });
  });

  describe('problems', () => {
    it('unknown fields get the nearest known name', () => {
      const file = fixture('vscode-prompt/unknown-field.prompt.md');
      assert.deepEqual(
        file.diagnostics.map((d) => [d.code, d.range, d.fixes?.[0].edits[0].newText]),
        [
          ['unknown-field', r(1, 0, 1, 10), 'description'],
          ['unknown-field', r(3, 0, 3, 6), 'model'],
        ],
      );
    });

    it('a skill needs a description; a name other than its kebab-case folder name is a warning', () => {
      const missing = fixture('skill/missing-description/SKILL.md');
      assert.deepEqual(summary(missing.diagnostics), [['schema', r(1, 0, 1, 4)]]);
      assert.match(missing.diagnostics[0].message, /required field `description`/);

      // A name that breaks the pattern and differs from its folder: one finding, which names the folder and offers it.
      const mismatch = fixture('skill/name-mismatch/SKILL.md');
      assert.deepEqual(summary(mismatch.diagnostics), [['schema', r(1, 6, 1, 16)]]);
      assert.match(mismatch.diagnostics[0].message, /`Other_Name` is not at most 64 lowercase letters, digits and single hyphens, and differs from its folder name `name-mismatch`/);
      assert.deepEqual(mismatch.diagnostics[0].fixes?.[0].edits, [{ range: r(1, 6, 1, 16), newText: 'name-mismatch' }]);
      // A well-formed name that differs from its folder, and a malformed one in a folder of that name: one finding each.
      const other = parse('skills/tidy/SKILL.md', '---\nname: tidy-up\ndescription: Tidies.\n---\n');
      assert.deepEqual(summary(other.diagnostics), [['schema', r(1, 6, 1, 13)]]);
      assert.match(other.diagnostics[0].message, /differs from its folder name `tidy`/);
      const malformed = parse('skills/code_explorer/SKILL.md', '---\nname: code_explorer\ndescription: Explores.\n---\n');
      assert.deepEqual(summary(malformed.diagnostics), [['schema', r(1, 6, 1, 19)]]);
      assert.match(malformed.diagnostics[0].message, /is not at most 64 lowercase letters, digits and single hyphens, as the Agent Skills specification asks/);
      assert.equal(malformed.diagnostics[0].fixes, undefined);
      // The specification asks for both, Claude Code and Gemini CLI take any name: warnings (anthropics/skills' own template/SKILL.md is named
      // template-skill; gemini-cli's .gemini/skills/code_explorer is named code_explorer).
      assert.deepEqual(
        [mismatch, other, malformed].map((f) => f.diagnostics[0].severity),
        ['warning', 'warning', 'warning'],
      );
    });

    it('a SKILL.md takes the fields skill guides and Claude Code document: a list argument-hint, version, authors, license, metadata, compatibility', () => {
      const file = parse(
        'skills/pdf/SKILL.md',
        [
          '---',
          'name: pdf',
          'description: Reads PDF files.',
          'argument-hint: [file-path]',
          'version: 1.2.0',
          'authors: [Ada, { name: Bob, github: bob }]',
          'license: Apache-2.0',
          'compatibility: Needs poppler',
          'metadata: { owner: docs }',
          'allowed-tools: Read Grep',
          'disable-model-invocation: true',
          'user-invocable: false',
          'context: fork',
          'agent: Explore',
          'effort: high',
          'paths: ["**/*.pdf"]',
          'when_to_use: When a PDF is attached.',
          'hooks: {}',
          'model: sonnet',
          '---',
          '# PDF',
        ].join('\n'),
      );
      assert.deepEqual(file.diagnostics, []);
    });

    it('skills of real repositories, in dot-folders: no error; a skill without `name` (Claude Code names it by its folder) is a warning with the fix', () => {
      const real = (rel: string) => parseAndCheck(rel, fs.readFileSync(path.join(fixturesDir, 'real', 'pydantic-ai', rel)));
      assert.deepEqual(real('.agents/skills/i-have-adhd/SKILL.md').diagnostics, []);
      assert.deepEqual(real('.claude/skills/testing-skill/SKILL.md').diagnostics, []);
      const unnamed = real('.claude/skills/pre-push-review/SKILL.md');
      assert.deepEqual(
        unnamed.diagnostics.map((d) => [d.code, d.severity, d.range, d.fixes?.[0].edits]),
        [['schema', 'warning', r(1, 0, 1, 97), [{ range: r(1, 0, 1, 0), newText: 'name: pre-push-review\n' }]]],
      );
      assert.match(unnamed.diagnostics[0].message, /no `name`: Claude Code names the skill by its folder \(`pre-push-review`\)/);
    });

    it('a description longer than the specification allows is a warning (Claude Code takes it)', () => {
      const long = 'Reads PDF files. '.repeat(70);
      const file = parse('skills/pdf/SKILL.md', `---\nname: pdf\ndescription: ${long}\n---\n`);
      assert.deepEqual(
        file.diagnostics.map((d) => [d.code, d.severity, d.range]),
        [['schema', 'warning', r(2, 13, 2, 13 + long.length - 1)]],
      );
      assert.match(file.diagnostics[0].message, /1189 characters; the Agent Skills specification allows 1024/);
    });

    it('an unknown field of a skill is a warning whose suggestion means the same (tools → allowed-tools, not hooks)', () => {
      const file = parse('skills/pdf/SKILL.md', '---\nname: pdf\ndescription: Reads PDF files.\ntools: Read\nallowed_tools: Grep\nArgument-Hint: x\n---\n');
      assert.deepEqual(
        file.diagnostics.map((d) => [d.code, d.severity, d.fixes?.[0].edits[0].newText]),
        [
          ['unknown-field', 'warning', 'allowed-tools'],
          ['unknown-field', 'warning', 'allowed-tools'],
          ['unknown-field', 'warning', 'argument-hint'],
        ],
      );
    });

    it('a SKILL.md without front matter is told to add it', () => {
      const file = parse('skills/tidy/SKILL.md', '# Tidy\nDo it.\n');
      assert.deepEqual(summary(file.diagnostics), [['schema', r(0, 0, 0, 6)]]);
      assert.equal(file.diagnostics[0].fixes?.[0].edits[0].newText, '---\nname: tidy\ndescription: \n---\n');
    });

    it('front matter is optional for VS Code files; broken or unterminated front matter is reported', () => {
      assert.deepEqual(parse('a.prompt.md', 'Just text with ${input:x}.').diagnostics, []);
      const open = parse('a.instructions.md', '---\napplyTo: "**"\nNo closing fence.\n');
      assert.deepEqual(summary(open.diagnostics), [['yaml-syntax', r(0, 0, 0, 3)]]);
      const broken = parse('a.agent.md', '---\ntools: [a, b\n---\nBody');
      assert.ok(broken.diagnostics.every((d) => d.code === 'yaml-syntax') && broken.diagnostics.length > 0);
      const wrongType = parse('a.instructions.md', '---\napplyTo: 3\nexcludeAgent: reviewer\n---\n');
      assert.deepEqual(
        wrongType.diagnostics.map((d) => d.code),
        ['schema', 'schema'],
      );
    });

    it('keeps ranges right with CRLF, a BOM, tabs and non-ASCII text', () => {
      const file = parse('a.prompt.md', '\ufeff---\r\ndescription: Grüße\r\nmodel: GPT-4o\r\n---\r\n\t😀 ${input:naïve:placeholder} ${input:x}\r\n');
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(file.models?.[0].range, r(2, 7, 2, 13));
      assert.deepEqual(
        file.variables?.map((v) => [v.name, v.range]),
        [
          ['naïve', r(4, 12, 4, 17)],
          ['x', r(4, 39, 4, 40)],
        ],
      );
    });
  });

  describe('awesome-copilot corpus', function () {
    this.timeout(60000);
    const root = path.join(corpusDir, 'awesome-copilot');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of fs.readdirSync(d)) {
        const p = path.join(d, n);
        if (fs.statSync(p).isDirectory()) walk(p);
        else if (n.endsWith('.md') && n !== 'README.md') files.push(p);
      }
    };
    if (fs.existsSync(root)) walk(root);

    it('parses all 817 agents, instructions and skills without a crash or a false error', () => {
      assert.equal(files.length, 817);
      const byFormat: Record<string, number> = {};
      const problems: string[] = [];
      let unknownFields = 0;
      for (const f of files) {
        const rel = path.relative(root, f).split(path.sep).join('/');
        const file = parseAndCheck(rel, fs.readFileSync(f));
        byFormat[file.format] = (byFormat[file.format] ?? 0) + 1;
        for (const d of file.diagnostics) {
          if (d.code === 'unknown-field') unknownFields++;
          else problems.push(`${rel}:${d.range.start.line + 1}: ${d.code} ${d.message}`);
        }
        assert.ok(file.meta.title || file.meta.name || file.meta.description, `${rel} has no title, name or description`);
      }
      assert.deepEqual(byFormat, { 'vscode-agent': 224, 'vscode-instructions': 191, skill: 402 });
      assert.deepEqual(problems, []);
      assert.equal(unknownFields, 0, 'the schemas know every front matter key the corpus uses');
    });
  });
});
