// The TextMate grammars of syntaxes/ on real files (the shared corpus and the sample library), tokenized by
// vscode-textmate with the Oniguruma wasm VS Code uses, against each available YAML grammar (see tokenize.ts).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IGrammar } from 'vscode-textmate';
import { languages } from '../../../src/vscode/constants';
import { corpusDir, repoRoot, sampleLibrary } from '../paths';
import type { Tokenized } from './tokenize';
import { contributedGrammars, createRegistry, find, scopesAt, scopesPerCharacter, tokenize, yamlSources } from './tokenize';

const frontMatterScope = 'meta.embedded.block.yaml';

function filesUnder(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f))
    .sort();
}

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** Asserts that the token at the position has every one of `expected` among its scopes. */
function assertScopes(t: Tokenized, at: { line: number; column: number }, ...expected: string[]): void {
  const scopes = scopesAt(t, at.line, at.column);
  for (const e of expected) assert.ok(scopes.includes(e), `${at.line + 1}:${at.column + 1} (${JSON.stringify(t.lines[at.line])}) has ${e}; scopes: ${scopes.join(' ')}`);
}

function assertNotScope(t: Tokenized, at: { line: number; column: number }, unexpected: string): void {
  const scopes = scopesAt(t, at.line, at.column);
  assert.ok(
    !scopes.some((s) => s === unexpected || s.startsWith(`${unexpected}.`)),
    `${at.line + 1}:${at.column + 1} (${JSON.stringify(t.lines[at.line])}) should not have ${unexpected}; scopes: ${scopes.join(' ')}`,
  );
}

/** Index of the line closing the front matter, when the file has one (first line `---`, or after a `#` preamble for Dotprompt). */
function closingFrontMatterLine(lines: string[], preamble: boolean): number | undefined {
  let i = 0;
  if (preamble) while (i < lines.length && (/^#/.test(lines[i]) || lines[i].trim() === '')) i++;
  if (!/^---\s*$/.test(lines[i] ?? '')) return undefined;
  for (let j = i + 1; j < lines.length; j++) if (/^---\s*$/.test(lines[j])) return j;
  return undefined;
}

/** After the closing `---`, no token and no open rule is front matter. */
function assertFrontMatterClosed(t: Tokenized, closing: number, file: string): void {
  const where = path.relative(repoRoot, file);
  assert.ok(!t.openScopesAfter[closing].includes(frontMatterScope), `${where}: front matter still open after line ${closing + 1}`);
  for (let i = closing + 1; i < t.tokens.length; i++) {
    for (const tok of t.tokens[i]) assert.ok(!tok.scopes.includes(frontMatterScope), `${where}:${i + 1}:${tok.startIndex + 1} is tokenized as front matter`);
  }
}

const dotpromptCorpus = filesUnder(path.join(corpusDir, 'dotprompt'), '.prompt');
const promptyCorpus = filesUnder(path.join(corpusDir, 'prompty'), '.prompty');
const samplePrompts = filesUnder(sampleLibrary, '.prompt');
const samplePrompty = filesUnder(sampleLibrary, '.prompty');

describe('grammars (syntaxes/)', () => {
  it('finds the corpus and sample files it tests', () => {
    assert.ok(dotpromptCorpus.length >= 20, `corpus .prompt files: ${dotpromptCorpus.length}`);
    assert.ok(promptyCorpus.length >= 40, `corpus .prompty files: ${promptyCorpus.length}`);
    assert.ok(samplePrompts.length >= 2 && samplePrompty.length >= 2);
  });

  it('contributes a grammar per language and two injections into source.yaml, all valid JSON with their scope names', () => {
    for (const l of Object.values(languages)) assert.ok(contributedGrammars.some((g) => g.language === l.id && g.scopeName === l.scopeName && g.embeddedLanguages?.[frontMatterScope] === 'yaml'));
    const injections = contributedGrammars.filter((g) => g.injectTo);
    assert.equal(injections.length, 2);
    for (const g of contributedGrammars) {
      const raw = JSON.parse(read(path.join(repoRoot, g.path))) as { scopeName: string; injectionSelector?: string };
      assert.equal(raw.scopeName, g.scopeName, g.path);
      if (g.injectTo) {
        assert.deepEqual(g.injectTo, ['source.yaml']);
        assert.ok(raw.injectionSelector?.startsWith('L:'), `${g.path} has a left-priority injection selector`);
      }
    }
  });

  it('language configurations: block comments, brackets and auto-closing {{ }} (and {% %} for Prompty)', () => {
    const config = (id: string) => {
      const lang = (JSON.parse(read(path.join(repoRoot, 'package.json'))) as { contributes: { languages: { id: string; configuration: string }[] } }).contributes.languages.find((l) => l.id === id)!;
      return JSON.parse(read(path.join(repoRoot, lang.configuration))) as {
        comments: { lineComment?: string; blockComment: [string, string] };
        brackets: [string, string][];
        autoClosingPairs: { open: string; close: string }[];
        surroundingPairs: [string, string][];
      };
    };
    const dot = config('dotprompt');
    assert.deepEqual(dot.comments, { blockComment: ['{{!--', '--}}'] });
    assert.ok(dot.autoClosingPairs.some((p) => p.open === '{{' && p.close === '}}'));
    assert.ok(dot.brackets.some(([o, c]) => o === '{{' && c === '}}'));
    const pty = config('prompty');
    assert.deepEqual(pty.comments, { blockComment: ['{#', '#}'] });
    for (const [o, c] of [
      ['{{', '}}'],
      ['{%', '%}'],
    ]) {
      assert.ok(
        pty.autoClosingPairs.some((p) => p.open === o && p.close === c),
        `auto-closes ${o}`,
      );
      assert.ok(
        pty.brackets.some(([bo, bc]) => bo === o && bc === c),
        `bracket ${o}`,
      );
    }
    for (const cfg of [dot, pty]) assert.ok(cfg.surroundingPairs.some(([o]) => o === '{'));
  });

  for (const yaml of yamlSources()) {
    describe(`with the YAML grammar of ${yaml.name}`, () => {
      let dotprompt: IGrammar;
      let prompty: IGrammar;
      let yamlGrammar: IGrammar;
      let plainYamlGrammar: IGrammar;
      before(async () => {
        plainYamlGrammar = (await createRegistry(yaml, { injections: false }).loadGrammar('source.yaml'))!;
        const registry = createRegistry(yaml);
        dotprompt = (await registry.loadGrammar(languages.dotprompt.scopeName))!;
        prompty = (await registry.loadGrammar(languages.prompty.scopeName))!;
        yamlGrammar = (await registry.loadGrammar('source.yaml'))!;
        assert.ok(dotprompt && prompty && yamlGrammar);
      });

      it('Dotprompt (sample claim-summary.prompt): front matter keys, role markers, partials, expressions, blocks', () => {
        const t = tokenize(dotprompt, read(path.join(sampleLibrary, 'prompts', 'claim-summary', 'claim-summary.prompt')));
        assertScopes(t, { line: 0, column: 0 }, 'meta.frontmatter.dotprompt', 'punctuation.definition.frontmatter.begin.dotprompt');
        assertScopes(t, find(t, 'model:', 0, 2), frontMatterScope, 'entity.name.tag.yaml');
        assertScopes(t, find(t, 'temperature:', 0, 3), frontMatterScope, 'entity.name.tag.yaml');
        const closing = closingFrontMatterLine(t.lines, true)!;
        assertScopes(t, { line: closing, column: 0 }, 'punctuation.definition.frontmatter.end.dotprompt');
        assertScopes(t, find(t, '{{role "system"}}', closing, 2), 'meta.template.role.dotprompt', 'support.function.role.dotprompt');
        assertScopes(t, find(t, '{{role "system"}}', closing, 8), 'entity.name.section.role.dotprompt');
        assertScopes(t, find(t, '{{> claims_style}}', closing, 4), 'meta.template.partial.dotprompt', 'entity.name.function.partial.dotprompt');
        assertScopes(t, find(t, '{{claimNumber}}', closing, 2), 'meta.template.expression.dotprompt', 'variable.other.dotprompt');
        assertScopes(t, find(t, '{{claimNumber}}', closing, 0), 'punctuation.definition.template-expression.begin.dotprompt');
        assertScopes(t, find(t, '{{/if}}', closing, 3), 'meta.template.block.end.dotprompt', 'keyword.control.dotprompt');
        assertNotScope(t, find(t, 'Summarise claim', closing), 'meta.template');
        assertFrontMatterClosed(t, closing, 'claim-summary.prompt');
      });

      it('Dotprompt (corpus kitchen sink): licence preamble, comments, role lines, block helpers, media, json; --- in the body stays text', () => {
        const file = path.join(corpusDir, 'dotprompt', 'samples', '10-kitchen-sink.prompt');
        const t = tokenize(dotprompt, read(file));
        assertScopes(t, { line: 0, column: 0 }, 'comment.line.number-sign.dotprompt', 'punctuation.definition.comment.dotprompt');
        assertScopes(t, find(t, 'SPDX-License-Identifier'), 'comment.line.number-sign.dotprompt');
        const closing = closingFrontMatterLine(t.lines, true)!;
        assertScopes(t, find(t, 'model: googleai', 0, 1), frontMatterScope, 'entity.name.tag.yaml');
        assertScopes(t, find(t, 'maxOutputTokens:', 0, 1), frontMatterScope, 'entity.name.tag.yaml');
        assertScopes(t, find(t, 'KITCHEN SINK EXAMPLE', closing), 'comment.block.dotprompt');
        assertScopes(t, find(t, '{{role "system"}}', closing, 8), 'entity.name.section.role.dotprompt');
        assertScopes(t, find(t, '{{role "model"}}', closing, 2), 'support.function.role.dotprompt');
        assertScopes(t, find(t, '{{! Include conversation history', closing, 5), 'comment.block.dotprompt');
        assertScopes(t, find(t, '{{#if previousNotes}}', closing, 3), 'keyword.control.dotprompt');
        assertScopes(t, find(t, '{{#if previousNotes}}', closing, 7), 'variable.other.dotprompt');
        assertScopes(t, find(t, '{{#each @root.tools}}', closing, 8), 'variable.language.dotprompt');
        assertScopes(t, find(t, '{{media url=this}}', closing, 2), 'support.function.dotprompt');
        assertScopes(t, find(t, '{{media url=this}}', closing, 8), 'entity.other.attribute-name.dotprompt');
        assertScopes(t, find(t, '{{json output indent=2}}', closing, 2), 'support.function.dotprompt');
        assertScopes(t, find(t, '{{json output indent=2}}', closing, 21), 'constant.numeric.dotprompt');
        assertScopes(t, find(t, '{{add @index 1}}', closing, 2), 'entity.name.function.helper.dotprompt');
        // A Markdown rule inside {{#if}} is not a second front matter.
        const rule = t.lines.findIndex((l, i) => i > closing && l === '---');
        assert.ok(rule > closing);
        assertNotScope(t, { line: rule, column: 0 }, 'meta.frontmatter');
        assertFrontMatterClosed(t, closing, file);
      });

      it('Dotprompt (corpus): {{!-- --}} comments spanning lines and {{! }} comments', () => {
        const t = tokenize(dotprompt, read(path.join(corpusDir, 'dotprompt', 'examples', 'valid-comments-and-partials.prompt')));
        assertScopes(t, find(t, '{{! This is a Handlebars comment'), 'comment.block.dotprompt', 'punctuation.definition.comment.begin.dotprompt');
        assertScopes(t, find(t, 'that spans multiple lines', 0, 2), 'comment.block.dotprompt');
        assertScopes(t, find(t, 'also invisible in output --}}', 0, 28), 'comment.block.dotprompt', 'punctuation.definition.comment.end.dotprompt');
        assertScopes(t, find(t, 'Hello, {{ name }}!', 0, 10), 'variable.other.dotprompt');
        assertScopes(t, find(t, '{{>header }}', 0, 4), 'entity.name.function.partial.dotprompt');
      });

      it('Prompty (sample and corpus): front matter keys, role lines, Jinja expressions and statements', () => {
        const sample = tokenize(prompty, read(path.join(sampleLibrary, 'prompts', 'policy-faq-bot', 'policy-faq-bot.prompty')));
        const closing = closingFrontMatterLine(sample.lines, false)!;
        assertScopes(sample, { line: 0, column: 0 }, 'punctuation.definition.frontmatter.begin.prompty');
        assertScopes(sample, find(sample, 'name: Policy', 0, 1), frontMatterScope, 'entity.name.tag.yaml');
        assertScopes(sample, find(sample, 'azure_deployment:', 0, 2), frontMatterScope, 'entity.name.tag.yaml');
        assertScopes(sample, { line: closing, column: 0 }, 'punctuation.definition.frontmatter.end.prompty');
        assertScopes(sample, find(sample, 'system:', closing, 0), 'meta.role.prompty', 'entity.name.section.role.prompty');
        assertScopes(sample, find(sample, 'system:', closing, 6), 'punctuation.separator.role.prompty');
        assertScopes(sample, find(sample, 'user:', closing, 1), 'entity.name.section.role.prompty');
        assertScopes(sample, find(sample, '{{faqText}}', closing, 3), 'meta.template.expression.prompty', 'variable.other.prompty');
        // A Markdown heading in a message is text, not a comment.
        assertNotScope(sample, find(sample, '# FAQ', closing), 'comment');
        assertFrontMatterClosed(sample, closing, 'policy-faq-bot.prompty');

        const summarize = tokenize(prompty, read(path.join(corpusDir, 'prompty', 'spec-fixtures', 'summarize.prompty')));
        assertScopes(summarize, find(summarize, '{% if context %}', 0, 3), 'meta.template.statement.prompty', 'keyword.control.prompty');
        assertScopes(summarize, find(summarize, '{% if context %}', 0, 6), 'variable.other.prompty');
        assertScopes(summarize, find(summarize, '{% endif %}', 0, 3), 'keyword.control.prompty');
        assertScopes(summarize, find(summarize, 'Context: {{context}}', 0, 11), 'variable.other.prompty');

        const threaded = tokenize(prompty, read(path.join(corpusDir, 'prompty', 'python-tests', 'shorthand_threaded.prompty')));
        const attr = threaded.lines.findIndex((l) => /^user\[/.test(l));
        if (attr >= 0) {
          assertScopes(threaded, { line: attr, column: 0 }, 'entity.name.section.role.prompty');
          assertScopes(threaded, { line: attr, column: 5 }, 'entity.other.attribute-name.prompty');
        }
      });

      it('Prompty: {# #} comments and Mustache sections', () => {
        const t = tokenize(prompty, '---\nname: x\ntemplate: mustache\n---\nsystem:\n{# a note #}\n{{#items}}- {{name}}{{/items}}\n{{! quiet }}\n');
        assertScopes(t, { line: 5, column: 3 }, 'comment.block.jinja.prompty');
        assertScopes(t, { line: 6, column: 4 }, 'keyword.control.section.prompty');
        assertScopes(t, { line: 6, column: 14 }, 'variable.other.prompty');
        assertScopes(t, { line: 7, column: 4 }, 'comment.block.mustache.prompty');
      });

      it('every corpus and sample .prompt and .prompty file tokenizes, and the front matter closes at its ---', () => {
        const cases: [IGrammar, string[], boolean][] = [
          [dotprompt, [...dotpromptCorpus, ...samplePrompts], true],
          [prompty, [...promptyCorpus, ...samplePrompty], false],
        ];
        let closed = 0;
        for (const [grammar, files, preamble] of cases) {
          for (const file of files) {
            const t = tokenize(grammar, read(file));
            const closing = closingFrontMatterLine(t.lines, preamble);
            if (closing === undefined) continue;
            assertScopes(t, { line: closing, column: 0 }, 'meta.frontmatter.' + (preamble ? 'dotprompt' : 'prompty'));
            assertFrontMatterClosed(t, closing, file);
            closed++;
          }
        }
        assert.ok(closed >= 70, `front matters checked: ${closed}`);
      });

      it('injection: {{...}} in the messages of a GitHub Models .prompt.yml, not in its other keys', () => {
        const t = tokenize(yamlGrammar, read(path.join(sampleLibrary, 'prompts', 'complaint-classifier', 'complaint-classifier.prompt.yml')));
        const messages = find(t, 'messages:');
        assertScopes(t, messages, 'meta.prompt-section.genai-assets');
        assertScopes(t, find(t, 'Channel: {{channel}}', 0, 9), 'meta.template.expression.genai-assets', 'punctuation.definition.template-expression.begin.genai-assets');
        assertScopes(t, find(t, '{{complaint}}', 0, 2), 'variable.other.genai-assets');
        assertNotScope(t, find(t, 'name: Complaint'), 'meta.prompt-section.genai-assets');
        // The block ends at the next top-level key.
        assertNotScope(t, find(t, 'testData:'), 'meta.prompt-section.genai-assets');
        assertNotScope(t, find(t, 'evaluators:'), 'meta.prompt-section.genai-assets');
        assertScopes(t, find(t, 'testData:'), 'entity.name.tag.yaml');

        const corpus = tokenize(yamlGrammar, read(path.join(corpusDir, 'gh-models', 'template_variables_prompt.yml')));
        assertScopes(corpus, find(corpus, '{{persona}}', 0, 2), 'meta.template.expression.genai-assets', 'variable.other.genai-assets');
        assertScopes(corpus, find(corpus, '{{input}}', 0, 0), 'punctuation.definition.template-expression.begin.genai-assets');
        assertNotScope(corpus, find(corpus, '# Example demonstrating'), 'meta.prompt-section.genai-assets');
      });

      it('injection: {{...}} in the prompts of a promptfoo config, not in its tests or in other YAML', () => {
        const t = tokenize(yamlGrammar, read(path.join(corpusDir, 'promptfoo', 'getting-started', 'promptfooconfig.yaml')));
        assertScopes(t, find(t, '{{language}}: {{input}}', 0, 2), 'meta.prompt-section.genai-assets', 'meta.template.expression.genai-assets', 'variable.other.genai-assets');
        assertScopes(t, find(t, 'Translate to {{language}}', 0, 13), 'punctuation.definition.template-expression.begin.genai-assets');
        assertNotScope(t, find(t, 'providers:'), 'meta.prompt-section.genai-assets');
        assertNotScope(t, find(t, 'language: French'), 'meta.prompt-section.genai-assets');

        const other = tokenize(yamlGrammar, 'name: build\nrun: echo "{{ not a prompt }}"\nsteps:\n  - text: "{{x}}"\n');
        assertNotScope(other, { line: 1, column: 13 }, 'meta.template.expression.genai-assets');
        assertNotScope(other, { line: 3, column: 12 }, 'meta.template.expression.genai-assets');
      });

      it('injection: the YAML scopes themes colour (all but meta.*, on visible characters) in prompt files and promptfoo configs stay what the YAML grammar alone gives', () => {
        const files = [
          ...filesUnder(path.join(corpusDir, 'gh-models'), '.yml'),
          ...filesUnder(path.join(corpusDir, 'promptfoo'), '.yaml'),
          ...filesUnder(sampleLibrary, '.prompt.yml'),
          ...filesUnder(sampleLibrary, 'promptfooconfig.yaml'),
        ];
        assert.ok(files.length >= 10);
        // The YAML grammar restarts inside the marked block, so its meta.* structure and whitespace scopes may differ there; colours do not.
        const ours = (s: string) => !s.endsWith('.genai-assets') && !s.startsWith('meta.') && !s.startsWith('punctuation.whitespace.');
        let injected = 0;
        for (const file of files) {
          const text = read(file);
          const withInjection = tokenize(yamlGrammar, text);
          const alone = tokenize(plainYamlGrammar, text);
          const a = scopesPerCharacter(withInjection, ours);
          const b = scopesPerCharacter(alone, ours);
          for (let i = 0; i < a.length; i++) {
            for (let c = 0; c < a[i].length; c++) {
              if (/\s/.test(withInjection.lines[i][c])) continue; // whitespace shows no colour
              // Inside an expression the YAML scopes go on (the injection nests in the string); only ours are added.
              assert.equal(a[i][c], b[i][c], `${path.relative(corpusDir, file)}:${i + 1}:${c + 1} (${JSON.stringify(withInjection.lines[i])})`);
            }
          }
          if (withInjection.tokens.flat().some((tok) => tok.scopes.includes('meta.template.expression.genai-assets'))) injected++;
        }
        assert.ok(injected >= 5, `files with highlighted expressions: ${injected}`);
      });
    });
  }
});
