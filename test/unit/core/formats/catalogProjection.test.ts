import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { formatOfPath, isYamlPath } from '../../../../src/core/formats/detect';
import { catalogProjection, parseFile } from '../../../../src/core/formats/parseFile';
import type { FormatId, ParsedFile } from '../../../../src/core/formats/types';
import { generateBenchLibrary } from '../../../bench/generate';
import { corpusDir, fixturesDir, sampleLibrary } from '../../paths';

/** The fields the catalog is built from, without positions. */
function catalogView(f: ParsedFile): unknown {
  return {
    format: f.format,
    text: f.text,
    meta: f.meta,
    document: f.document,
    partialName: f.partialName,
    templateLanguage: f.templateLanguage,
    inputs: f.inputs?.map((i) => ({ name: i.name, type: i.type, required: i.required, description: i.description, default: i.default })),
    models: f.models?.map((m) => ({ id: m.id, parameters: m.parameters.map((p) => p.name) })),
    providers: f.evalSuite?.providers.map((m) => ({ id: m.id, parameters: m.parameters.map((p) => p.name) })),
    samples: f.samples,
  };
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === '.git' || name === 'node_modules') continue;
    const abs = path.join(dir, name);
    const st = statSync(abs);
    if (st.isDirectory()) walk(abs, out);
    else if (st.isFile() && (formatOfPath(abs.split(path.sep).join('/')) || isYamlPath(name))) out.push(abs);
  }
  return out;
}

function sameAnswers(rel: string, bytes: Uint8Array, hint?: FormatId): void {
  const full = parseFile(rel, bytes, hint);
  const light = parseFile(rel, bytes, hint, 'catalog');
  assert.deepEqual(catalogView(light), catalogView(full), `${rel}${hint ? ` (as ${hint})` : ''}`);
  assert.deepEqual(light.diagnostics, []);
  assert.deepEqual(light, catalogProjection(full), `${rel}: the catalog level is the projection of the full parse`);
}

describe('parseFile at the catalog level', () => {
  for (const [label, root] of [
    ['the sample library', sampleLibrary],
    ['the test fixtures', fixturesDir],
    ['the shared corpus', corpusDir],
  ] as const) {
    it(`reads what the full parse reads for the catalog, on every file of ${label}`, () => {
      const files = walk(root);
      assert.ok(files.length > 0 || !existsSync(root));
      for (const abs of files) sameAnswers(path.relative(root, abs).split(path.sep).join('/'), readFileSync(abs));
    });
  }

  it('reads what the full parse reads on a generated library (every format, planted problems included)', () => {
    const files = generateBenchLibrary(300);
    for (const [rel, text] of Object.entries(files)) {
      if (!formatOfPath(rel) && !isYamlPath(rel)) continue;
      sameAnswers(rel, new TextEncoder().encode(text));
    }
  });

  it('reads a plain YAML eval entry as promptfoo when told to, like parseFile', () => {
    const text = 'description: Checks\nproviders:\n  - openai:gpt-4o-mini\n  - id: anthropic:messages:claude-sonnet-4\n    config: { temperature: 0 }\ntests: []\n';
    sameAnswers('evals/x/suite.yaml', new TextEncoder().encode(text), 'promptfoo');
    const f = parseFile('evals/x/suite.yaml', new TextEncoder().encode(text), 'promptfoo', 'catalog');
    assert.deepEqual(
      f.evalSuite?.providers.map((p) => p.id),
      ['openai:gpt-4o-mini', 'anthropic:messages:claude-sonnet-4'],
    );
  });

  it('agrees with the full parse on broken, binary and unusual files', () => {
    const cases: [string, string | Uint8Array][] = [
      ['a/asset.yaml', 'id: a\nkind: [prompt\n'],
      ['a/asset.yaml', 'id: a\nid: b\nkind: prompt\n'],
      ['a/asset.yaml', 'base: &b { x: 1 }\nother: *b\nid: a\n'],
      ['a/asset.yaml', '- just\n- a list\n'],
      ['a/asset.yaml', ''],
      ['a/asset.yaml', 'date: 2024-01-01\nversion: 1.0\nflag: yes\n'],
      ['a/x.prompt', '---\nmodel: m\ninput:\n  schema:\n    a: string\n'],
      ['a/x.prompt', '# licence\n\n---\ninput:\n  schema: string\n---\nHi'],
      ['a/_part.prompt', '---\ninput:\n  schema:\n    type: object\n    properties:\n      a: { type: integer, description: A }\n    required: [a]\n---\n{{a}}'],
      ['a/x.prompty', '---\nsample:\n  q: hi\n  n: 2\nmodel:\n  configuration:\n    azure_deployment: gpt-4o\n  parameters: { temperature: 0 }\n---\nuser:\n{{q}}'],
      ['a/x.prompty', '---\ninputs:\n  q:\n    type: string\n  n: 3\n---\n{{q}}'],
      ['a/x.prompty', '---\ninputs: ${file:inputs.json}\n---\nx'],
      ['a/x.prompty', 'no front matter {{q}}'],
      ['a/x.prompt.yml', 'model: m\nmessages:\n  - role: user\n    content: "{{a}}"\ntestData:\n  - a: 1\n  - a: x\n    b: true\n'],
      ['a/x.prompt.md', '---\nmodel: [m1, " ", m2]\n---\n# Title\n${input:x}'],
      ['a/SKILL.md', '---\nname: s\nmetadata: { version: 2 }\n---\n# Skill title\n'],
      ['a/promptfooconfig.yaml', 'providers:\n  openai:gpt-4o: { config: { temperature: 0 } }\n'],
      ['a/x.yml', 'model: m\nmessages: []\n'],
      ['a/AGENTS.md', '---\nx: [\n---\n# Title\n'],
      ['a/.github/copilot-instructions.md', 'No heading.\n'],
      ['a/x.prompt', new Uint8Array([0, 1, 2, 3])],
      ['a/x.prompt', new Uint8Array([0xc3, 0x28])],
    ];
    for (const [rel, content] of cases) sameAnswers(rel, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  });

  it('never throws on any text', () => {
    const samples = ['---\n', '---\n---\n', '---\n: :\n---', '\uFEFF---\nname: x\n---', 'model: {', '- [', '{{#each}}', '*a', '&a [*a]'];
    for (const format of ['x.prompt', 'x.prompty', 'x.prompt.yml', 'x.prompt.md', 'asset.yaml', 'promptfooconfig.yaml', 'SKILL.md', 'AGENTS.md', '.github/copilot-instructions.md']) {
      for (const s of samples) assert.doesNotThrow(() => parseFile(`a/${format}`, new TextEncoder().encode(s), undefined, 'catalog'));
    }
  });
});
