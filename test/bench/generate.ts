// Benchmark library generator: N assets of every kind and format (a few percent with real problems), and the 1% change.

/** Teams that own the generated assets (also the second folder level). */
const teams = ['claims', 'underwriting', 'support', 'fraud', 'billing', 'marketing', 'legal', 'hr', 'it', 'risk', 'sales', 'data'];
const topics = ['summary', 'triage', 'reply', 'extraction', 'classifier', 'faq', 'rewrite', 'checklist'];
const models = ['openai/gpt-4o-mini', 'openai/gpt-4o', 'openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4'];

/** Kinds of generated asset, by `i % 20`: 30% Dotprompt, 15% Prompty, 15% GitHub Models, 10% VS Code prompt files, 20% evals, 5% modules, 5% templates. */
export type GenKind = 'dotprompt' | 'prompty' | 'gh-models' | 'vscode-prompt' | 'eval' | 'module' | 'template';

export function kindOf(i: number): GenKind {
  const r = i % 20;
  if (r < 6) return 'dotprompt';
  if (r < 9) return 'prompty';
  if (r < 12) return 'gh-models';
  if (r < 14) return 'vscode-prompt';
  if (r < 18) return 'eval';
  if (r < 19) return 'module';
  return 'template';
}

/** Problems planted in about 3% of the assets (every 33rd), one kind each in turn. */
export type Problem = 'undefined-variable' | 'unknown-reference' | 'schema' | 'yaml-syntax' | 'entry-missing';
const problems: Problem[] = ['undefined-variable', 'unknown-reference', 'schema', 'yaml-syntax', 'entry-missing'];

export function problemOf(i: number): Problem | undefined {
  return i % 33 === 7 ? problems[Math.floor(i / 33) % problems.length] : undefined;
}

function pad(i: number): string {
  return String(i).padStart(5, '0');
}

export function idOf(i: number): string {
  const k = kindOf(i);
  const prefix = k === 'eval' ? 'eval' : k === 'module' ? 'mod' : k === 'template' ? 'tpl' : topics[i % topics.length];
  return `${prefix}-${pad(i)}`;
}

export function folderOf(i: number): string {
  const k = kindOf(i);
  const top = k === 'eval' ? 'evals' : k === 'module' ? 'modules' : k === 'template' ? 'templates' : 'prompts';
  return `${top}/${teams[i % teams.length]}/${idOf(i)}`;
}

/** The prompt asset an eval (or a module's user) points at: the nearest prompt before `i`. */
function promptBefore(i: number): number {
  let j = i - 1;
  while (j >= 0) {
    const k = kindOf(j);
    if (k === 'dotprompt' || k === 'prompty' || k === 'gh-models') return j;
    j--;
  }
  return 0;
}

function moduleNear(i: number): number {
  // Modules sit at i % 20 == 18.
  const base = i - (i % 20) + 18;
  return base >= 0 ? base : 18;
}

function manifest(i: number, entry: string | undefined, extra: string[], revision: number): string {
  const id = idOf(i);
  const team = teams[i % teams.length];
  const status = ['approved', 'approved', 'review', 'draft'][i % 4];
  const k = kindOf(i);
  const kind = k === 'eval' ? 'eval' : k === 'module' ? 'module' : k === 'template' ? 'template' : 'prompt';
  const lines = [
    `id: ${id}`,
    `kind: ${problemOf(i) === 'schema' ? 'prompts' : kind}`,
    `version: 1.${i % 7}.${revision}`,
    `status: ${status}`,
    `title: ${team[0].toUpperCase()}${team.slice(1)} ${topics[i % topics.length]} number ${i}`,
    'description: >-',
    `  Helps the ${team} team with ${topics[i % topics.length]} work on case files; revision ${revision}. Keep the`,
    '  wording neutral and cite the source document when the answer depends on it.',
    `tags: [${team}, ${topics[i % topics.length]}, gen${i % 10}]`,
    'owners:',
    `  - ${team}-ai@example.com`,
  ];
  if (entry) lines.push(`entry: ${problemOf(i) === 'entry-missing' ? `missing-${entry}` : entry}`);
  lines.push(...extra);
  return lines.join('\n') + '\n';
}

function dependsOn(i: number): string[] {
  if (problemOf(i) === 'unknown-reference') return ['dependsOn:', `  - no-such-module-${pad(i)}@^1.0`];
  return i % 3 === 0 ? ['dependsOn:', `  - ${idOf(moduleNear(i))}@^1.0`] : [];
}

function dotprompt(i: number, revision: number): string {
  const model = models[i % models.length];
  const broken = problemOf(i) === 'yaml-syntax';
  const undefinedVar = problemOf(i) === 'undefined-variable';
  return `---
model: ${model}
config:
  temperature: 0.${i % 10}
  maxOutputTokens: ${300 + (i % 5) * 100}
input:
  schema:
    caseId: string, Reference of the case such as CASE-2025-${pad(i)}
    customerText: string, What the customer wrote, already redacted
    product(enum, Product line of the policy): [home, motor, travel, business]
    notes?: string, What the handler has added so far
    maxPoints?: integer, Most points to list
  default:
    maxPoints: 5
${broken ? 'output: [unclosed\n' : ''}---
{{role "system"}}
You are the assistant of the ${teams[i % teams.length]} team (revision ${revision}). You write for
case handlers, who read dozens of files a day and need the facts fast.

{{role "user"}}
Look at case {{caseId}} ({{product}} policy).

Customer's account:
"""
{{customerText}}
"""
{{#if notes}}

Handler's notes so far:
"""
{{notes}}
"""
{{/if}}

Reply with at most {{maxPoints}} points${undefinedVar ? ' in the {{language}} language' : ''}, then list the open questions.
`;
}

function prompty(i: number, revision: number): string {
  const undefinedVar = problemOf(i) === 'undefined-variable';
  const broken = problemOf(i) === 'yaml-syntax';
  return `---
name: ${idOf(i)}
description: Answers a question about case ${pad(i)} from the retrieved clauses only (revision ${revision}).
version: 1.${i % 7}.${revision}
authors:
  - ${teams[i % teams.length]}-ai@example.com
model:
  id: gpt-4o-mini
  provider: openai
  apiType: chat
  options:
    temperature: 0.1
    maxOutputTokens: 800
inputs:
  - name: question
    kind: string
    description: The question, as asked
    required: true
  - name: clauses
    kind: string
    description: Retrieved clauses with their headings
    required: true
  - name: firstName
    kind: string
    description: First name to greet the person with
    default: there
${broken ? 'template: {format: [jinja2\n' : ''}---
system:
You answer questions using only the clauses below. Quote the clause you rely on. If the clauses
do not settle the question, say so and suggest speaking to a person.

# Clauses
{{clauses}}

user:
Hello, I am {{firstName}}. {{question}}${undefinedVar ? ' {{policyNumber}}' : ''}
`;
}

function ghModels(i: number, revision: number): string {
  const undefinedVar = problemOf(i) === 'undefined-variable';
  const broken = problemOf(i) === 'yaml-syntax';
  return `name: ${idOf(i)} classifier
description: Classifies a message for the ${teams[i % teams.length]} team and rates its urgency (revision ${revision}).
model: ${models[(i + 1) % 3]}
modelParameters:
  temperature: 0
  maxTokens: 200
messages:
  - role: system
    content: |
      You triage messages. Pick the single best category: delay, decision, renewal, service,
      cancellation or other. Urgency is high when the sender cannot go on without an answer.
  - role: user
    content: |
      Channel: {{channel}}
      Message:
      {{message}}${undefinedVar ? '\n      Language: {{language}}' : ''}
testData:
  - channel: email
    message: It is six weeks since the burst pipe and nobody has called me back.
  - channel: phone
    message: My renewal went up by forty percent with no claims.
${broken ? 'evaluators: [{name: "unclosed\n' : ''}evaluators:
  - name: names a category
    string:
      contains: category
`;
}

function vscodePrompt(i: number, revision: number): string {
  const broken = problemOf(i) === 'yaml-syntax';
  return `---
description: Draft a reply to the selected message for case ${pad(i)} (revision ${revision}).
agent: ask
${broken ? 'tools: [unclosed\n' : ''}---
# Draft a reply

You help a case handler of the ${teams[i % teams.length]} team answer about case \${input:caseId:CASE-2025-000000}.

The message is the selected text:

\${selection}

What the handler wants to say: \${input:keyPoints:the visit is on Tuesday}

- Answer every question asked, in the order asked.
- Say what happens next, who does it and by when.
- Plain, warm English, at most 180 words.
`;
}

function evalSuite(i: number, revision: number): string {
  const target = promptBefore(i);
  const k = kindOf(target);
  const entry = entryOf(target);
  const vars =
    k === 'dotprompt'
      ? ['caseId: CASE-2025-000001', 'customerText: The pipe burst on Monday and the kitchen is flooded.', 'product: home']
      : k === 'prompty'
        ? ['question: Is the shed covered?', 'clauses: Outbuildings are covered up to the limit shown.']
        : ['channel: email', 'message: Nobody called me back.'];
  const broken = problemOf(i) === 'yaml-syntax';
  return `description: Checks ${idOf(target)} (revision ${revision})
prompts:
  - file://../../../${folderOf(target)}/${entry}
providers:
  - id: openai:gpt-4o-mini
    config:
      temperature: 0.2
${broken ? 'defaultTest: {assert: [unclosed\n' : ''}tests:
  - description: A typical case
    vars:
${vars.map((v) => `      ${v}`).join('\n')}
    assert:
      - type: icontains
        value: case
  - description: A second case
    vars:
${vars.map((v) => `      ${v.replace('000001', '000002')}`).join('\n')}
    assert:
      - type: llm-rubric
        value: The answer does not promise anything the clauses do not say.
`;
}

function entryOf(i: number): string {
  switch (kindOf(i)) {
    case 'dotprompt':
      return `${idOf(i)}.prompt`;
    case 'prompty':
      return `${idOf(i)}.prompty`;
    case 'gh-models':
      return `${idOf(i)}.prompt.yml`;
    case 'vscode-prompt':
      return `${idOf(i)}.prompt.md`;
    case 'eval':
      return 'promptfooconfig.yaml';
    default:
      return '';
  }
}

/** The files of asset `i` at `revision` (0 = as first generated), by library-relative path. */
export function assetFiles(i: number, revision = 0): Record<string, string> {
  const folder = folderOf(i);
  const k = kindOf(i);
  const id = idOf(i);
  const out: Record<string, string> = {};
  const model = `model: ${models[i % models.length]}`;
  switch (k) {
    case 'dotprompt':
      out[`${folder}/asset.yaml`] = manifest(i, entryOf(i), [model, ...dependsOn(i)], revision);
      out[`${folder}/${entryOf(i)}`] = dotprompt(i, revision);
      break;
    case 'prompty':
      out[`${folder}/asset.yaml`] = manifest(i, entryOf(i), ['model: openai/gpt-4o-mini', ...dependsOn(i)], revision);
      out[`${folder}/${entryOf(i)}`] = prompty(i, revision);
      break;
    case 'gh-models':
      out[`${folder}/asset.yaml`] = manifest(i, entryOf(i), dependsOn(i), revision);
      out[`${folder}/${entryOf(i)}`] = ghModels(i, revision);
      break;
    case 'vscode-prompt':
      out[`${folder}/asset.yaml`] = manifest(i, entryOf(i), [], revision);
      out[`${folder}/${entryOf(i)}`] = vscodePrompt(i, revision);
      break;
    case 'eval':
      out[`${folder}/asset.yaml`] = manifest(i, entryOf(i), ['targets:', `  - ${idOf(promptBefore(i))}@^1.0`], revision);
      out[`${folder}/${entryOf(i)}`] = evalSuite(i, revision);
      break;
    case 'module':
      out[`${folder}/asset.yaml`] = manifest(i, undefined, [], revision);
      out[`${folder}/README.md`] = `# ${id}\n\nA helper module of the ${teams[i % teams.length]} team (revision ${revision}).\n`;
      out[`${folder}/src/index.ts`] = `export function redact(text: string): string {\n  return text.replace(/\\d{6,}/g, '[NUMBER]'); // ${revision}\n}\n`;
      out[`${folder}/package.json`] = `{ "name": "${id}", "version": "1.${i % 7}.${revision}", "main": "src/index.ts" }\n`;
      break;
    case 'template':
      out[`${folder}/asset.yaml`] = manifest(
        i,
        undefined,
        ['parameters:', '  type: object', '  required: [projectName]', '  properties:', '    projectName:', '      type: string', "      pattern: '^[a-z][a-z0-9_]*$'", '      default: pilot'],
        revision,
      );
      out[`${folder}/README.md`] = `# {{projectName}}\n\nA pilot of the ${teams[i % teams.length]} team (revision ${revision}).\n`;
      out[`${folder}/src/{{projectName}}/main.py`] = `print("{{projectName}}")  # ${revision}\n`;
      break;
  }
  return out;
}

const libraryYaml = `# A generated library for the benchmarks.
name: bench
description: A generated library of prompts, eval suites, modules and templates.
policy:
  scaffoldStatuses: [approved]
  requireOwners: true
  requireEvalCoverage: false
  allowedModels: ['openai/*', 'anthropic/*']
models:
  - id: openai/gpt-4o-mini
    contextWindow: 128000
    parameters: [temperature, topP, maxTokens, stop, seed]
  - id: openai/gpt-4o
    contextWindow: 128000
    parameters: [temperature, topP, maxTokens, stop, seed]
  - id: openai/gpt-4.1-mini
    contextWindow: 1047576
    parameters: [temperature, topP, maxTokens, stop, seed]
  - id: anthropic/claude-sonnet-4
    contextWindow: 200000
    parameters: [temperature, topP, topK, maxTokens, stop]
`;

/** A library of `n` assets, by library-relative path. */
export function generateBenchLibrary(n: number): Record<string, string> {
  const files: Record<string, string> = { 'library.yaml': libraryYaml };
  for (let i = 0; i < n; i++) Object.assign(files, assetFiles(i));
  return files;
}

/** The assets the 1% commit changes (every 100th, starting at 50): a new revision of their files. */
export function changedAssets(n: number): number[] {
  const out: number[] = [];
  for (let i = 50; i < n; i += 100) out.push(i);
  if (!out.length && n > 0) out.push(0);
  return out;
}

/** The files a 1% commit writes: the same assets each time (changedAssets), whole, at `revision` (1 for the first such commit). */
export function onePercentChange(n: number, revision = 1): Record<string, string> {
  const files: Record<string, string> = {};
  for (const i of changedAssets(n)) Object.assign(files, assetFiles(i, revision));
  return files;
}
