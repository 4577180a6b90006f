// VS Code prompt files (.prompt.md, .agent.md/.chatmode.md, .instructions.md) and Agent Skills (SKILL.md); the one reader of Markdown with front matter, which Claude Code and Cursor files use too.

import { isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { diag } from '../diagnostics';
import { schemaOf, validatorFor } from '../schemas';
import type { OwnSchemaName, SchemaName } from '../schemas';
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
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'vscode-agent', { untitled: 'file' }),
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
export function readFrontMatter(file: ParsedFile, doc: TextDocument, schema: OwnSchemaName, level: CatalogLevel = 'full', fence: { leadingWhitespace?: boolean } = {}): FrontMatter {
  const split = splitFrontMatter(doc, fence);
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

/** The longest skill description the Agent Skills specification allows (Claude Code takes longer ones: a warning, not the schema's error). */
const maxSkillDescription = 1024;

/** How a Markdown prompt format reads its file, besides its schema. */
export interface MarkdownPromptStyle {
  /** The role of the body: `user` for a prompt sent as a message (the default for VS Code prompt files and Claude Code commands), else `system`. */
  role?: 'user' | 'system';
  /** The title when the front matter gives no `name`: the first heading (default), or the file's name without its ending (agents, which their tools name so). */
  untitled?: 'heading' | 'file';
  /** The body's placeholders: VS Code's `${input:name}` (default), or none (the body is sent as written). */
  placeholders?: 'vscode-input' | 'none';
  /** `model` values that name no model (Claude Code's `inherit`). */
  noModel?: readonly string[];
  /**
   * The tool reads front matter line by line, not as YAML (Claude Code, Cursor): front matter YAML
   * refuses (`globs: **\/*.ts`, a description running on over unindented lines) is read that way,
   * its known fields starting at the start of a line, and not reported.
   */
  lenientFrontMatter?: boolean;
}

/** Parses a Markdown file with front matter (VS Code prompt, agent and instructions files, SKILL.md, Claude Code commands and agents, Cursor rules) into `file`; its front matter follows `schema`. */
export function parseMarkdownPrompt(file: ParsedFile, doc: TextDocument, level: CatalogLevel, schema: OwnSchemaName, style: MarkdownPromptStyle = {}): void {
  const isSkill = file.format === 'skill';
  const before = file.diagnostics.length;
  const fm = readFrontMatter(file, doc, schema, level);
  let v = fm.value ?? {};
  if (style.lenientFrontMatter && fm.yaml && !fm.yaml.ok) {
    file.diagnostics.length = before;
    v = lineFields(doc.text.slice(fm.split.yamlStart, fm.split.yamlEnd), schema);
    fm.yaml = undefined;
  }
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
  if (isSkill && fm.yaml && level === 'full' && fm.value && v.name === undefined) missingSkillName(file, doc, fm.split.yamlStart);
  if (isSkill && fm.yaml && level === 'full' && typeof v.description === 'string' && v.description.length > maxSkillDescription) {
    file.diagnostics.push(
      diag(
        'schema',
        file.path,
        fm.yaml.valueRange(['description']),
        `The description is ${v.description.length} characters; the Agent Skills specification allows ${maxSkillDescription}, and agents may cut or refuse a longer one. Shorten it (details belong in the body).`,
        { severity: 'warning' },
      ),
    );
  }

  const heading = firstHeading(doc, bodyStart);
  const name = typeof v.name === 'string' ? v.name : undefined;
  if (name) file.meta.name = name;
  file.meta.title = isSkill ? (heading ?? name) : (name ?? (style.untitled === 'file' ? fileStem(file.path) : heading));
  if (file.meta.title === undefined) delete file.meta.title;
  if (typeof v.description === 'string') file.meta.description = v.description;
  const metadata = v.metadata && typeof v.metadata === 'object' ? (v.metadata as Record<string, unknown>) : {};
  if (typeof metadata.version === 'string' || typeof metadata.version === 'number') file.meta.version = String(metadata.version);

  const models = fm.yaml || !fm.split.present ? modelsAt(fm.yaml, v.model, ['model']) : lineModel(doc, fm.split.yamlStart, fm.split.yamlEnd);
  file.models = models.filter((m) => !style.noModel?.includes(m.id));
  const placeholders = style.placeholders ?? 'vscode-input';
  file.templateLanguage = placeholders;
  if (level !== 'full') return;
  const body = doc.text.slice(bodyStart);
  // Skills converted from prompt files keep their `${input:...}` placeholders: report them everywhere.
  if (placeholders === 'vscode-input') file.variables = vscodeInputs(doc, bodyStart, doc.text.length);
  const role = style.role ?? (file.format === 'vscode-prompt' ? 'user' : 'system');
  if (body.trim()) file.messages = [{ role, template: body.replace(/^\s*\n/, '').replace(/\s+$/, '') }];
}

/** A name as the Agent Skills specification writes it: at most 64 lowercase letters, digits and single hyphens. */
function isSpecSkillName(name: string): boolean {
  return name.length <= 64 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
}

/**
 * Agent Skills: the specification asks for a `name` of at most 64 lowercase letters, digits and
 * single hyphens, equal to the skill's folder name. Claude Code and Gemini CLI take any name (a
 * warning). A name that breaks both rules gets one finding, which offers the folder's name when
 * that one is valid.
 */
function checkSkillName(file: ParsedFile, yaml: YamlSource, name: string): void {
  const folder = folderName(file.path);
  const wellFormed = isSpecSkillName(name);
  const differs = folder !== undefined && folder !== name;
  if (wellFormed && !differs) return;
  const node = yaml.node(['name']) as Node | undefined;
  const range = yaml.valueRange(['name']);
  const rule = 'at most 64 lowercase letters, digits and single hyphens';
  const others = 'Claude Code and Gemini CLI accept it; agents that follow the specification may not load the skill';
  const message = !wellFormed
    ? `The skill's name \`${name}\` is not ${rule}${differs ? `, and differs from its folder name \`${folder}\`` : ''}, as the Agent Skills specification asks (${others}). Rename it.`
    : `The skill's name \`${name}\` differs from its folder name \`${folder}\`: the Agent Skills specification requires them equal (${others}). Rename the folder or the skill.`;
  const to = differs && isSpecSkillName(folder!) ? folder! : undefined;
  file.diagnostics.push(
    diag('schema', file.path, range, message, {
      severity: 'warning',
      fixes: to !== undefined && isScalar(node) ? [{ title: `Set name to \`${to}\``, edits: [{ range, newText: to }] }] : undefined,
    }),
  );
}

/** A skill without `name`: Claude Code names it by its folder, the specification requires the field (a warning, with the folder's name as a fix). */
function missingSkillName(file: ParsedFile, doc: TextDocument, yamlStart: number): void {
  const folder = folderName(file.path);
  const line = doc.positionAt(yamlStart).line;
  const valid = folder !== undefined && isSpecSkillName(folder);
  file.diagnostics.push(
    diag(
      'schema',
      file.path,
      doc.rangeOf(yamlStart, doc.lineEndOffset(line)),
      `The front matter has no \`name\`: Claude Code names the skill by its folder${folder ? ` (\`${folder}\`)` : ''}, but the Agent Skills specification requires the field. Add it.`,
      {
        severity: 'warning',
        fixes: valid ? [{ title: `Add \`name: ${folder}\``, edits: [{ range: doc.rangeOf(yamlStart, yamlStart), newText: `name: ${folder}${doc.eol}` }] }] : undefined,
      },
    ),
  );
}

/** Front matter read as the tools that do not parse YAML read it: `key: value` lines for the schema's fields, other lines continuing the field before. */
function lineFields(text: string, schema: SchemaName): Record<string, unknown> {
  const known = new Set(Object.keys((schemaOf(schema) as { properties?: object }).properties ?? {}));
  const out: Record<string, string> = {};
  let key: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = /^([A-Za-z][\w-]*):(?:\s+(.*))?$/.exec(line);
    if (m && known.has(m[1])) {
      key = m[1];
      out[key] = (m[2] ?? '').trim();
    } else if (key) out[key] += `\n${line}`;
  }
  for (const k of Object.keys(out)) out[k] = out[k].trim().replace(/^(["'])(.*)\1$/s, '$2');
  return out;
}

/** The `model:` of front matter read line by line, with its range. */
function lineModel(doc: TextDocument, start: number, end: number): ModelUse[] {
  const m = /^model:[ \t]*(["']?)([^\s"'#][^"'\r\n#]*?)\1[ \t]*$/m.exec(doc.text.slice(start, end));
  if (!m) return [];
  const at = start + m.index + m[0].indexOf(m[2], 'model:'.length);
  return [{ id: m[2], range: doc.rangeOf(at, at + m[2].length), parameters: [] }];
}

/** The file's name without its format's ending (`planner.agent.md` → `planner`, `.claude/agents/reviewer.md` → `reviewer`). */
function fileStem(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.replace(/(\.(agent|chatmode|prompt|instructions))?\.(md|mdc)$/i, '') || name;
}

function folderName(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}
