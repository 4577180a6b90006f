// The format registry: one module per format, and detection, sniffing and asset stems exactly as before it on every real file.

import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { formatOfPath, isYamlPath, sniffYamlFormat } from '../../../../src/core/formats/detect';
import { assetStemOf, formatLabel, formatModule, formatModules, recognisedGlobs } from '../../../../src/core/formats/registry';
import type { FilePattern } from '../../../../src/core/formats/registry';
import type { FormatId } from '../../../../src/core/formats/types';
import { schemaOf, validatorFor } from '../../../../src/core/schemas';
import { corpusDir, fixturesDir, sampleLibrary } from '../../paths';

/** formatOfPath as it was before the registry (per-format `if`s), the reference for "detection unchanged". */
function formatOfPathBefore(p: string): string | undefined {
  const name = p.slice(p.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (lower === 'library.yaml' || lower === 'library.yml') return 'library-manifest';
  if (lower === 'asset.yaml' || lower === 'asset.yml') return 'asset-manifest';
  if (lower === 'pilot.yaml' || lower === 'pilot.yml') return 'pilot-manifest';
  // Every promptfooconfig*.yaml since issue 14 (promptfooconfig.redteam.yaml, promptfooconfig-claude.yml), as promptfoo's own examples name them.
  if (/^promptfooconfig.*\.ya?ml$/.test(lower)) return 'promptfoo';
  if (lower.endsWith('.prompt.yml') || lower.endsWith('.prompt.yaml')) return 'gh-models';
  if (lower.endsWith('.prompt.md')) return 'vscode-prompt';
  if (lower.endsWith('.agent.md') || lower.endsWith('.chatmode.md')) return 'vscode-agent';
  if (lower.endsWith('.instructions.md')) return 'vscode-instructions';
  if (name === 'SKILL.md') return 'skill';
  if (lower.endsWith('.prompty')) return 'prompty';
  if (lower.endsWith('.prompt')) return 'dotprompt';
  return undefined;
}

function sniffBefore(head: string): string | undefined {
  if (/^messages\s*:/m.test(head) && /^model\s*:/m.test(head)) return 'gh-models';
  // `targets:` and `redteam:` since issue 14 (promptfoo's synonym of providers, and red-team suites).
  if (/^prompts\s*:/m.test(head) && /^(tests|providers|targets|redteam)\s*:/m.test(head)) return 'promptfoo';
  return undefined;
}

/** The unmanaged asset's id stem as library/load.ts took it before the registry. */
function stemBefore(format: string, p: string): string {
  const name = p.slice(p.lastIndexOf('/') + 1);
  const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
  const folder = dir.slice(dir.lastIndexOf('/') + 1);
  if (format === 'skill') return folder || 'skill';
  if (format === 'promptfoo' && /^promptfooconfig\.ya?ml$/i.test(name)) return folder || 'promptfoo';
  const named = format === 'promptfoo' ? /^promptfooconfig[.\-_](.+?)\.ya?ml$/i.exec(name) : null;
  if (named) return `${folder || 'promptfoo'}-${named[1]}`;
  return name.replace(/\.(prompt\.ya?ml|prompt\.md|agent\.md|chatmode\.md|instructions\.md|prompty|prompt|ya?ml)$/i, '');
}

/** Every file under a root (library-relative, '/'-separated), .git and node_modules left out. */
function walk(root: string, dir = root, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'node_modules') continue;
    const abs = path.join(dir, name);
    const st = statSync(abs);
    if (st.isDirectory()) walk(root, abs, out);
    else if (st.isFile()) out.push(path.relative(root, abs).split(path.sep).join('/'));
  }
  return out;
}

const roots = [
  ['the shared corpus', corpusDir],
  ['the sample library', sampleLibrary],
  ['the test fixtures', fixturesDir],
] as const;

/** The format a file was before the registry plus the one added with it (repository instructions, new on purpose). */
const addedSince = new Set<string>(['repo-instructions', 'claude-command', 'claude-agent', 'cursor-rule']);

/** Names no module may answer the same as before, the cases and places that matter. */
const tricky = [
  'library.yaml',
  'LIBRARY.YML',
  'a/asset.yml',
  'Pilot.yaml',
  'x/promptfooconfig.YAML',
  'promptfooconfig.json',
  'x/promptfooconfig.redteam.yaml',
  'x/promptfooconfig-claude.yml',
  'promptfooconfig.ts',
  'a.prompt.yml',
  'a.Prompt.YAML',
  'a.prompt.md',
  'a.agent.md',
  'a.chatmode.md',
  'a.instructions.md',
  'copilot-instructions.md',
  'SKILL.md',
  'skill.md',
  'Skill.md',
  'a/SKILL.md',
  'x.prompty',
  'x.PROMPT',
  '_partial.prompt',
  'x.prompt.prompt',
  'x.yml',
  'x.md',
  'README.md',
  'AGENTS.md',
  'GEMINI.md',
  'x/.github/copilot-instructions.md',
  'agents.md',
  'Agents.md',
  'claude.md',
  '.github/copilot-instructions.MD',
  'docs/copilot-instructions.md',
  '.github/x/copilot-instructions.md',
  '.claude/commands/review.md',
  'tools/.claude/commands/git/commit.md',
  '.claude/agents/reviewer.md',
  'claude/agents/reviewer.md',
  '.claude/agents.md',
  '.cursor/rules/react.mdc',
  'rules/python.MDC',
];

describe('core/formats/registry', () => {
  it('has one module per format id, each with a label, file names and a parser', () => {
    const ids = formatModules.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
    for (const m of formatModules) {
      assert.equal(formatModule(m.id), m);
      assert.ok(m.label && formatLabel(m.id) === m.label, m.id);
      // A promptfoo suite's prompt files are read as such only because a suite names them.
      assert.ok(m.files.length > 0 || m.id === 'promptfoo-prompt', `${m.id} names no file`);
      assert.equal(typeof m.parse, 'function', m.id);
      // promptfoo follows its project's published schema (schemas/vendor/promptfoo), read by formats/promptfooSchema.ts.
      if (m.yaml) assert.ok(m.yaml.schema === 'promptfoo' ? schemaOf('promptfoo') : validatorFor(m.yaml.schema), `${m.id}: schema ${m.yaml.schema}`);
    }
    assert.equal(formatModule('text'), undefined);
    assert.equal(formatLabel('text'), 'text');
    // FormatId is the union of the registered ids (and 'text'), not any string.
    // @ts-expect-error not a registered format
    const notAFormat: FormatId = 'not-a-format';
    assert.ok(notAFormat);
  });

  for (const [label, root] of roots) {
    it(`recognises every file of ${label} as before (and only the added format anew)`, () => {
      const files = walk(root);
      assert.ok(files.length > 0 || !existsSync(root));
      for (const rel of files) {
        const now = formatOfPath(rel);
        const before = formatOfPathBefore(rel);
        if (now && addedSince.has(now)) assert.equal(before, undefined, rel);
        else assert.equal(now, before, rel);
        if (isYamlPath(rel) && !now) {
          const head = readFileSync(path.join(root, rel), 'utf8').slice(0, 4096);
          assert.equal(sniffYamlFormat(head), sniffBefore(head), `sniffing ${rel}`);
        }
        if (now && !addedSince.has(now)) assert.equal(assetStemOf(now, rel), stemBefore(now, rel), `asset stem of ${rel}`);
      }
    });
  }

  it('answers as before on tricky names, cases and places', () => {
    for (const p of tricky) {
      const now = formatOfPath(p);
      if (now && addedSince.has(now)) assert.equal(formatOfPathBefore(p), undefined, p);
      else assert.equal(now, formatOfPathBefore(p), p);
    }
  });

  it('lets no two modules claim one file name, so registration order does not matter', () => {
    const matches = (p: FilePattern, rel: string): boolean => {
      const segs = rel.split('/');
      const name = segs[segs.length - 1];
      if ('suffix' in p) return name.toLowerCase().endsWith(p.suffix.toLowerCase()) && (p.under === undefined || `/${segs.slice(0, -1).join('/')}/`.includes(`/${p.under}/`));
      if ('prefix' in p) return name.toLowerCase().startsWith(p.prefix.toLowerCase()) && name.toLowerCase().endsWith(p.ending.toLowerCase());
      if (p.caseSensitive ? name !== p.name : name.toLowerCase() !== p.name.toLowerCase()) return false;
      return p.folder === undefined || segs[segs.length - 2] === p.folder;
    };
    const names = [...tricky, ...roots.flatMap(([, root]) => walk(root))];
    for (const rel of names) {
      const claiming = formatModules.filter((m) => m.files.some((p) => matches(p, rel))).map((m) => m.id);
      assert.ok(claiming.length <= 1, `${rel} is claimed by ${claiming.join(' and ')}`);
      assert.equal(formatOfPath(rel), claiming[0], rel);
    }
  });

  it('gives editor globs for every file name of every module', () => {
    const globs = recognisedGlobs();
    for (const g of [
      '**/*.prompt',
      '**/*.prompty',
      '**/*.prompt.yml',
      '**/*.prompt.yaml',
      '**/*.prompt.md',
      '**/*.agent.md',
      '**/*.chatmode.md',
      '**/*.instructions.md',
      '**/SKILL.md',
      '**/promptfooconfig*.yaml',
      '**/promptfooconfig*.yml',
      '**/library.yml',
    ]) {
      assert.ok(globs.includes(g), g);
    }
    assert.equal(
      globs.length,
      formatModules.reduce((n, m) => n + m.files.length, 0),
    );
  });

  it('names an unmanaged asset by its file name without the ending that recognised it', () => {
    assert.equal(assetStemOf('gh-models', 'a/summary.Prompt.yml'), 'summary');
    assert.equal(assetStemOf('gh-models', 'a/suite.yml'), 'suite');
    assert.equal(assetStemOf('skill', 'skills/pdf/SKILL.md'), 'pdf');
    assert.equal(assetStemOf('promptfoo', 'evals/tone/promptfooconfig.yaml'), 'tone');
    assert.equal(assetStemOf('promptfoo', 'evals/tone/promptfooconfig.redteam.yaml'), 'tone-redteam');
  });
});
