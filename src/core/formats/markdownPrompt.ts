// VS Code prompt files (.prompt.md, .agent.md/.chatmode.md, .instructions.md) and Agent Skills (SKILL.md): front matter and Markdown body.

import { isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { diag } from '../diagnostics';
import { validatorFor } from '../schemas';
import type { SchemaName } from '../schemas';
import type { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import { splitFrontMatter } from './frontMatter';
import type { FrontMatterSplit } from './frontMatter';
import type { CatalogLevel, ModelUse, ParsedFile } from './types';
import type { VariableUse } from '../templates/types';
import type { FormatModule } from './registry';

/** VS Code prompt files: `*.prompt.md`. */
export const vscodePromptFormat: FormatModule<'vscode-prompt'> = {
  id: 'vscode-prompt',
  label: 'VS Code prompt file',
  files: [{ suffix: '.prompt.md' }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'vscode-prompt'),
  yaml: { in: 'front-matter', schema: 'vscode-prompt' },
  markdownBody: true,
  preview: true,
};

/** VS Code custom agents: `*.agent.md`, and the older `*.chatmode.md`. */
export const vscodeAgentFormat: FormatModule<'vscode-agent'> = {
  id: 'vscode-agent',
  label: 'VS Code agent file',
  files: [{ suffix: '.agent.md' }, { suffix: '.chatmode.md' }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'vscode-agent'),
  yaml: { in: 'front-matter', schema: 'vscode-agent' },
  markdownBody: true,
};

/** VS Code instructions files: `*.instructions.md`. */
export const vscodeInstructionsFormat: FormatModule<'vscode-instructions'> = {
  id: 'vscode-instructions',
  label: 'VS Code instructions file',
  files: [{ suffix: '.instructions.md' }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'vscode-instructions'),
  yaml: { in: 'front-matter', schema: 'vscode-instructions' },
  markdownBody: true,
};

/** Agent Skills: `SKILL.md` in a skill folder, which names the asset. */
export const skillFormat: FormatModule<'skill'> = {
  id: 'skill',
  label: 'Agent Skill',
  files: [{ name: 'SKILL.md', caseSensitive: true }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'skill'),
  yaml: { in: 'front-matter', schema: 'skill' },
  markdownBody: true,
  assetStem: (path) => folderName(path) || 'skill',
};

/** Front matter read and checked against a schema. */
export interface FrontMatter {
  split: FrontMatterSplit;
  yaml?: YamlSource;
  /** The front matter's mapping; undefined when absent, broken or not a mapping. */
  value?: Record<string, unknown>;
}

/**
 * Reads `---` front matter into `file.diagnostics` (YAML syntax, duplicate keys, an
 * unterminated block, schema errors and unknown fields). An empty block counts as `{}`.
 */
export function readFrontMatter(file: ParsedFile, doc: TextDocument, schema: SchemaName, level: CatalogLevel = 'full'): FrontMatter {
  const split = splitFrontMatter(doc);
  if (!split.present) return { split };
  if (split.unterminated) {
    const line = doc.positionAt(split.openStart).line;
    file.diagnostics.push(
      diag('yaml-syntax', file.path, doc.rangeOf(split.openStart, doc.lineEndOffset(line)), 'The front matter opened by this `---` is never closed; add a `---` line where it ends.'),
    );
    return { split };
  }
  const yaml = new YamlSource(doc, file.path, split.yamlStart, split.yamlEnd);
  file.diagnostics.push(...yaml.diagnostics);
  if (!yaml.ok) return { split, yaml };
  const raw = yaml.value ?? {};
  if (level === 'full') file.diagnostics.push(...yaml.validate(validatorFor(schema), { value: raw, what: 'the front matter' }));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { split, yaml };
  return { split, yaml, value: raw as Record<string, unknown> };
}

/** The models named by a `model:` field (a string or a list of strings, in priority order). */
export function modelsAt(yaml: YamlSource | undefined, value: unknown, path: (string | number)[]): ModelUse[] {
  if (!yaml) return [];
  if (typeof value === 'string' && value.trim()) return [{ id: value.trim(), range: yaml.valueRange(path), parameters: [] }];
  if (Array.isArray(value)) {
    const node = yaml.node(path);
    return value.flatMap((v, i) => (typeof v === 'string' && v.trim() && isSeq(node) ? [{ id: v.trim(), range: yaml.valueRange([...path, i]), parameters: [] }] : []));
  }
  return [];
}

const inputPattern = /\$\{input:([\p{L}\p{N}_.-]+)(?::[^}\r\n]*)?\}/gu;

/** `${input:name}` and `${input:name:placeholder}` in [start, end) of the document. */
export function vscodeInputs(doc: TextDocument, start: number, end: number): VariableUse[] {
  const out: VariableUse[] = [];
  const src = doc.text.slice(start, end);
  for (const m of src.matchAll(inputPattern)) {
    const at = start + m.index! + '${input:'.length;
    out.push({ name: m[1], range: doc.rangeOf(at, at + m[1].length) });
  }
  return out;
}

/** Text of the first level-1 ATX heading outside code fences. */
export function firstHeading(doc: TextDocument, start: number): string | undefined {
  const lines = doc.text.slice(start).split(/\r\n|\r|\n/);
  let fence: string | undefined;
  for (const line of lines) {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence) continue;
    const h = /^\s{0,3}#\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (h && h[1]) return h[1];
  }
  return undefined;
}

/** Parses a VS Code prompt, agent or instructions file, or a SKILL.md, into `file`; its front matter follows `schema`. */
export function parseMarkdownPrompt(file: ParsedFile, doc: TextDocument, level: CatalogLevel, schema: SchemaName): void {
  const isSkill = file.format === 'skill';
  const fm = readFrontMatter(file, doc, schema, level);
  const v = fm.value ?? {};
  const bodyStart = !fm.split.present ? 0 : fm.split.unterminated ? fm.split.yamlStart : fm.split.bodyStart;

  if (isSkill && !fm.split.present) {
    file.diagnostics.push(
      diag('schema', file.path, doc.rangeOf(0, doc.lineEndOffset(0)), "A SKILL.md starts with front matter that gives the skill's `name` and `description`; add it between `---` lines.", {
        fixes: [
          {
            title: 'Add name and description',
            edits: [{ range: doc.rangeOf(0, 0), newText: `---${doc.eol}name: ${folderName(file.path) ?? 'my-skill'}${doc.eol}description: ${doc.eol}---${doc.eol}` }],
          },
        ],
      }),
    );
  }
  if (isSkill && fm.yaml && typeof v.name === 'string') checkSkillName(file, fm.yaml, v.name);

  const heading = firstHeading(doc, bodyStart);
  const name = typeof v.name === 'string' ? v.name : undefined;
  if (name) file.meta.name = name;
  file.meta.title = isSkill ? (heading ?? name) : (name ?? heading);
  if (file.meta.title === undefined) delete file.meta.title;
  if (typeof v.description === 'string') file.meta.description = v.description;
  const metadata = v.metadata && typeof v.metadata === 'object' ? (v.metadata as Record<string, unknown>) : {};
  if (typeof metadata.version === 'string' || typeof metadata.version === 'number') file.meta.version = String(metadata.version);

  file.models = modelsAt(fm.yaml, v.model, ['model']);
  file.templateLanguage = 'vscode-input';
  if (level !== 'full') return;
  const body = doc.text.slice(bodyStart);
  // Skills converted from prompt files keep their `${input:...}` placeholders: report them everywhere.
  file.variables = vscodeInputs(doc, bodyStart, doc.text.length);
  if (body.trim()) file.messages = [{ role: file.format === 'vscode-prompt' ? 'user' : 'system', template: body.replace(/^\s*\n/, '').replace(/\s+$/, '') }];
}

/** Agent Skills: `name` must equal the name of the skill's folder. */
function checkSkillName(file: ParsedFile, yaml: YamlSource, name: string): void {
  const folder = folderName(file.path);
  if (!folder || folder === name) return;
  const node = yaml.node(['name']) as Node | undefined;
  const range = yaml.valueRange(['name']);
  const canFix = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(folder) && folder.length <= 64 && isScalar(node);
  file.diagnostics.push(
    diag('schema', file.path, range, `The skill's name \`${name}\` must match its folder name \`${folder}\`; rename the folder or the skill.`, {
      fixes: canFix ? [{ title: `Set name to \`${folder}\``, edits: [{ range, newText: folder }] }] : undefined,
    }),
  );
}

function folderName(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}
