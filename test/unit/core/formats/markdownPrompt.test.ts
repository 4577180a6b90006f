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

    it('a skill needs a description, and a kebab-case name equal to its folder', () => {
      const missing = fixture('skill/missing-description/SKILL.md');
      assert.deepEqual(summary(missing.diagnostics), [['schema', r(1, 0, 1, 4)]]);
      assert.match(missing.diagnostics[0].message, /required field `description`/);

      const mismatch = fixture('skill/name-mismatch/SKILL.md');
      assert.deepEqual(summary(mismatch.diagnostics), [
        ['schema', r(1, 6, 1, 16)],
        ['schema', r(1, 6, 1, 16)],
      ]);
      assert.match(mismatch.diagnostics[1].message, /folder name `name-mismatch`/);
      assert.deepEqual(mismatch.diagnostics[1].fixes?.[0].edits, [{ range: r(1, 6, 1, 16), newText: 'name-mismatch' }]);
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
