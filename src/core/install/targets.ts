// Where each coding tool reads an asset in a repository, and the exact front-matter conversions between tools (or why there is none).

import { parse as parseYaml, stringify } from 'yaml';
import { splitFrontMatter } from '../formats/frontMatter';
import type { FormatId } from '../formats/types';
import { gitMetadata } from '../library/gitMetadata';
import { TextDocument } from '../text/textDocument';
import type { InstallTarget } from '../scaffold/lockFile';

export { installTargets } from '../scaffold/lockFile';
export type { InstallTarget } from '../scaffold/lockFile';

/** What a file of an install is made from: the asset's entry (and, for a skill, its folder) in the library. */
export interface InstallSource {
  id: string;
  /** Format of the entry file. */
  format: FormatId;
  /** Library-relative path of the entry file. */
  entry: string;
  /** The asset's folder ('' = the library root) for an asset with asset.yaml; the entry itself otherwise. */
  path: string;
  /** Library-relative paths of the asset's files (asset.yaml included). */
  files: readonly string[];
  /** asset.yaml's path, for an asset that has one (never installed). */
  manifest?: string;
}

/** One file (or marked section of a shared file) that an install writes, with the bytes the tool reads. */
export interface InstalledFile {
  /** Path in the repository, '/' separated. */
  path: string;
  /** For a marked section of a shared file (AGENTS.md, CLAUDE.md, .github/copilot-instructions.md): the id the markers carry. */
  section?: string;
  /** The file's bytes; for a section, the text between its markers. */
  data: Uint8Array;
}

export type InstallResult = { files: InstalledFile[]; converted: string[] } | { refused: string };

/** The formats `installFiles` installs (for one tool at least); any other is refused. */
export const installableFormats: readonly FormatId[] = ['vscode-instructions', 'repo-instructions', 'cursor-rule', 'vscode-prompt', 'claude-command', 'vscode-agent', 'claude-agent', 'skill'];

/** The repository-wide instructions file of each tool, where a marked section is written. */
export const sharedInstructionsFile: Record<InstallTarget, string | undefined> = {
  agents: 'AGENTS.md',
  claude: 'CLAUDE.md',
  copilot: '.github/copilot-instructions.md',
  cursor: undefined,
};

interface FrontMatterRead {
  fields: Record<string, unknown>;
  /** Text after the front matter, exactly as written. */
  body: string;
}

/** Front matter as YAML; failing that, read line by line (`key: value`) as Cursor reads its rules. */
function readFrontMatter(text: string): FrontMatterRead {
  const doc = new TextDocument(text);
  const fm = splitFrontMatter(doc);
  if (!fm.present || fm.unterminated) return { fields: {}, body: doc.text };
  const yamlText = doc.text.slice(fm.yamlStart, fm.yamlEnd);
  const body = doc.text.slice(fm.bodyStart);
  try {
    const v: unknown = parseYaml(yamlText);
    if (v === null || v === undefined) return { fields: {}, body };
    if (typeof v === 'object' && !Array.isArray(v)) return { fields: v as Record<string, unknown>, body };
  } catch {
    // Cursor's own reading, below.
  }
  const fields: Record<string, unknown> = {};
  for (const line of yamlText.split(/\r?\n/)) {
    const m = /^([A-Za-z][\w-]*):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const raw = m[2];
    fields[m[1]] = raw === 'true' ? true : raw === 'false' ? false : raw.replace(/^(["'])(.*)\1$/, '$2');
  }
  return { fields, body };
}

/** `---` front matter of `fields` (in order; undefined ones left out), then the body. `raw` values are written as they are (Cursor's globs). */
function withFrontMatter(fields: [string, unknown, 'raw'?][], body: string): string {
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v, how]) => (how === 'raw' ? `${k}: ${String(v)}` : stringify({ [k]: v }, { lineWidth: 0 }).replace(/\n$/, '')));
  return `---\n${lines.join('\n')}\n---\n${body.replace(/^(\r?\n)+/, '')}`;
}

const encode = (s: string) => new TextEncoder().encode(s);

function extraFields(fields: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(fields).filter((k) => !allowed.includes(k));
}

function listed(keys: readonly string[]): string {
  return keys.map((k) => `\`${k}\``).join(', ');
}

/** `**`, `**\/*` and `*` (alone) mean every file. */
function appliesEverywhere(globs: readonly string[]): boolean {
  return globs.length > 0 && globs.every((g) => g === '**' || g === '**/*' || g === '*');
}

/** A comma-separated glob list (VS Code's applyTo, Cursor's globs) or a YAML list, as globs. */
function globList(v: unknown): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const parts = Array.isArray(v) ? v.map(String) : String(v).split(',');
  const globs = parts.map((g) => g.trim()).filter(Boolean);
  return globs.length ? globs : undefined;
}

/** VS Code variables a prompt file may use (`${input:x}`, `${selection}`, `${file}`...), which other tools do not fill in. */
const vscodeVariable = /\$\{(?:input:|selection\}|selectedText\}|file\}|fileBasename|fileDirname|fileBasenameNoExtension|workspaceFolder)/;
/** What Claude Code fills in or runs in a command body: `$ARGUMENTS`, `$1`..., `!`command``. */
const claudeExpansion = /\$ARGUMENTS|\$[0-9]|!`/;

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * The files that install `src` for `target`: copied as they are where the tool reads the format,
 * converted where another tool's front matter says the same thing, refused (with the reason)
 * where it would not. `read` reads a library file.
 */
export async function installFiles(src: InstallSource, target: InstallTarget, read: (path: string) => Promise<Uint8Array>): Promise<InstallResult> {
  const id = src.id;
  const refuse = (why: string): InstallResult => ({ refused: `\`${id}\` (${src.format}) cannot be installed for ${targetLabel[target]}: ${why}` });
  const one = (path: string, data: Uint8Array, converted: string[] = []): InstallResult => ({ files: [{ path, data }], converted });
  const section = (path: string, text: string, converted: string[] = []): InstallResult => ({ files: [{ path, section: id, data: encode(normalizeSection(text)) }], converted });
  const bytes = await read(src.entry);
  const text = () => decode(bytes);

  switch (src.format) {
    case 'vscode-instructions': {
      if (target === 'copilot') return one(`.github/instructions/${id}.instructions.md`, bytes);
      const { fields, body } = readFrontMatter(text());
      if (fields.excludeAgent !== undefined) return refuse('its `excludeAgent` has no equivalent there.');
      const globs = globList(fields.applyTo);
      if (target === 'cursor') {
        const converted: string[] = [];
        if (globs && appliesEverywhere(globs)) converted.push(`applyTo \`${String(fields.applyTo)}\` -> alwaysApply: true`);
        else if (globs) converted.push(`applyTo \`${String(fields.applyTo)}\` -> globs: ${globs.join(',')}`);
        else converted.push('no applyTo -> alwaysApply: false (attached on request, as in VS Code)');
        const dropped = ['name', 'title'].filter((k) => fields[k] !== undefined);
        if (dropped.length) converted.push(`${listed(dropped)} not carried: Cursor names a rule by its file (${id}.mdc)`);
        const out = withFrontMatter(
          [
            ['description', typeof fields.description === 'string' ? fields.description : undefined],
            ['globs', globs && !appliesEverywhere(globs) ? globs.join(',') : undefined, 'raw'],
            ['alwaysApply', !!globs && appliesEverywhere(globs)],
          ],
          body,
        );
        return one(`.cursor/rules/${id}.mdc`, encode(out), converted);
      }
      // AGENTS.md and CLAUDE.md apply to the whole repository.
      if (!globs || !appliesEverywhere(globs))
        return refuse(`${sharedInstructionsFile[target]} applies to the whole repository, and these instructions apply ${globs ? `to \`${globs.join(',')}\` only` : 'only when attached'}.`);
      return section(sharedInstructionsFile[target]!, body, [`applyTo \`${String(fields.applyTo)}\` -> a section of ${sharedInstructionsFile[target]} (its front matter dropped)`]);
    }
    case 'repo-instructions': {
      const { body } = readFrontMatter(text());
      if (target === 'cursor') return one(`.cursor/rules/${id}.mdc`, encode(withFrontMatter([['alwaysApply', true]], body)), ['repository-wide instructions -> alwaysApply: true']);
      return section(sharedInstructionsFile[target]!, body);
    }
    case 'cursor-rule': {
      if (target === 'cursor') return one(`.cursor/rules/${id}.mdc`, bytes);
      const { fields, body } = readFrontMatter(text());
      const extra = extraFields(fields, ['description', 'globs', 'alwaysApply']);
      if (extra.length) return refuse(`its front matter has ${listed(extra)}, which Cursor defines and the target does not.`);
      const globs = globList(fields.globs);
      const always = fields.alwaysApply === true;
      if (target === 'copilot') {
        const applyTo = always ? '**' : globs?.join(',');
        const converted = [always ? 'alwaysApply: true -> applyTo: **' : globs ? `globs ${globs.join(',')} -> applyTo` : 'no globs, alwaysApply false -> no applyTo (attached on request)'];
        if (always && globs) converted.push(`globs ${globs.join(',')} not carried: Cursor ignores them when alwaysApply is true`);
        const out = withFrontMatter(
          [
            ['description', typeof fields.description === 'string' ? fields.description : undefined],
            ['applyTo', applyTo],
          ],
          body,
        );
        return one(`.github/instructions/${id}.instructions.md`, encode(out), converted);
      }
      if (!always) return refuse(`${sharedInstructionsFile[target]} applies to the whole repository, and this rule is not alwaysApply.`);
      return section(sharedInstructionsFile[target]!, body, [
        `alwaysApply rule -> a section of ${sharedInstructionsFile[target]} (its front matter dropped${globs ? '; Cursor ignores globs when alwaysApply is true' : ''})`,
      ]);
    }
    case 'vscode-prompt': {
      if (target === 'copilot') return one(`.github/prompts/${id}.prompt.md`, bytes);
      if (target !== 'claude') return refuse(`${targetLabel[target]} has no prompt files (install it for copilot or claude).`);
      const { fields, body } = readFrontMatter(text());
      const extra = extraFields(fields, ['description', 'argument-hint', 'name']);
      if (extra.length) return refuse(`its front matter has ${listed(extra)}, whose values (VS Code tools, agents, model ids) Claude Code names differently.`);
      if (vscodeVariable.test(body)) return refuse('its body uses VS Code variables (`${input:...}`, `${selection}`, `${file}`...), which Claude Code does not fill in.');
      if (claudeExpansion.test(body)) return refuse('its body has `$ARGUMENTS`, `$1`... or `!`, which Claude Code would expand or run.');
      const converted = fields.name !== undefined ? [`name \`${String(fields.name)}\` -> the command /${id} (Claude Code names a command by its file)`] : [];
      const out = withFrontMatter(
        [
          ['description', fields.description],
          ['argument-hint', fields['argument-hint']],
        ],
        body,
      );
      return one(`.claude/commands/${id}.md`, encode(Object.keys(fields).length ? out : body), converted);
    }
    case 'claude-command': {
      if (target === 'claude') return one(`.claude/commands/${id}.md`, bytes);
      if (target !== 'copilot') return refuse(`${targetLabel[target]} has no prompt files (install it for claude or copilot).`);
      const { fields, body } = readFrontMatter(text());
      const extra = extraFields(fields, ['description', 'argument-hint']);
      if (extra.length) return refuse(`its front matter has ${listed(extra)}, which VS Code prompt files do not take.`);
      if (claudeExpansion.test(body)) return refuse('its body uses `$ARGUMENTS`, `$1`... or `!`command``, which VS Code does not fill in or run.');
      const out = withFrontMatter(
        [
          ['description', fields.description],
          ['argument-hint', fields['argument-hint']],
        ],
        body,
      );
      return one(`.github/prompts/${id}.prompt.md`, encode(Object.keys(fields).length ? out : body));
    }
    case 'vscode-agent': {
      if (target === 'copilot') return one(`.github/agents/${id}.agent.md`, bytes);
      if (target !== 'claude') return refuse(`${targetLabel[target]} has no custom agents (install it for copilot or claude).`);
      const { fields, body } = readFrontMatter(text());
      const extra = extraFields(fields, ['description', 'name']);
      if (extra.length) return refuse(`its front matter has ${listed(extra)}, whose values (VS Code tools, model ids, handoffs) Claude Code names differently.`);
      if (typeof fields.description !== 'string' || !fields.description.trim()) return refuse('it has no `description`, which a Claude Code agent requires.');
      const converted = [`name -> \`${id}\``];
      return one(
        `.claude/agents/${id}.md`,
        encode(
          withFrontMatter(
            [
              ['name', id],
              ['description', fields.description],
            ],
            body,
          ),
        ),
        converted,
      );
    }
    case 'claude-agent': {
      if (target === 'claude') return one(`.claude/agents/${id}.md`, bytes);
      if (target !== 'copilot') return refuse(`${targetLabel[target]} has no custom agents (install it for claude or copilot).`);
      const { fields, body } = readFrontMatter(text());
      const extra = extraFields(fields, ['description', 'name']);
      if (extra.length) return refuse(`its front matter has ${listed(extra)}, whose values (Claude Code tools, models, permissions) VS Code names differently.`);
      return one(
        `.github/agents/${id}.agent.md`,
        encode(
          withFrontMatter(
            [
              ['name', fields.name],
              ['description', fields.description],
            ],
            body,
          ),
        ),
      );
    }
    case 'skill': {
      if (target !== 'copilot' && target !== 'claude') return refuse(`${targetLabel[target]} reads no Agent Skills here (install it for copilot or claude).`);
      const { fields } = readFrontMatter(text());
      if (typeof fields.name === 'string' && fields.name !== id)
        return refuse(`its SKILL.md names it \`${fields.name}\`, and tools expect a skill's folder to carry its name (\`${id}\`); align the two in the library.`);
      const folder = src.entry.includes('/') ? src.entry.slice(0, src.entry.lastIndexOf('/')) : '';
      const inside = src.files.filter((f) => f !== src.manifest && (folder === '' || f.startsWith(folder + '/')));
      const rel = (f: string) => (folder ? f.slice(folder.length + 1) : f);
      const meta = gitMetadata(inside.map(rel)).paths;
      const base = target === 'copilot' ? `.github/skills/${id}` : `.claude/skills/${id}`;
      const files: InstalledFile[] = [];
      for (const f of inside) if (!meta.has(rel(f))) files.push({ path: `${base}/${rel(f)}`, data: f === src.entry ? bytes : await read(f) });
      return { files, converted: [] };
    }
    default:
      return refuse('none of the tools reads this format from a repository (install instructions, prompt files, agents, skills, Claude Code commands or Cursor rules).');
  }
}

const targetLabel: Record<InstallTarget, string> = { copilot: 'Copilot (VS Code)', claude: 'Claude Code', cursor: 'Cursor', agents: 'AGENTS.md' };

/** A section's text: its trailing blank lines trimmed, one newline at the end. */
function normalizeSection(text: string): string {
  return text.replace(/^(\r?\n)+/, '').replace(/\s+$/, '') + '\n';
}

const begin = (id: string) => `<!-- genai-assets:begin ${id} -->`;
const end = (id: string) => `<!-- genai-assets:end ${id} -->`;

function sectionBounds(text: string, id: string): { start: number; contentStart: number; contentEnd: number; end: number } | undefined {
  const b = text.indexOf(begin(id));
  if (b < 0) return undefined;
  const afterBegin = text.indexOf('\n', b);
  if (afterBegin < 0) return undefined;
  const e = text.indexOf(end(id), afterBegin);
  if (e < 0) return undefined;
  const lineEnd = text.indexOf('\n', e);
  return { start: b, contentStart: afterBegin + 1, contentEnd: e, end: lineEnd < 0 ? text.length : lineEnd + 1 };
}

/** The text between the markers of section `id`, or undefined when the file has no such section. */
export function readSection(text: string, id: string): string | undefined {
  const s = sectionBounds(text, id);
  return s ? text.slice(s.contentStart, s.contentEnd) : undefined;
}

/** The 0-based line where the text of section `id` starts (the line after its begin marker), or undefined. */
export function sectionLine(text: string, id: string): number | undefined {
  const s = sectionBounds(text, id);
  return s ? text.slice(0, s.contentStart).split('\n').length - 1 : undefined;
}

/** `text` with section `id` set to `content` (appended after a blank line when new); a new file when `text` is undefined. */
export function withSection(text: string | undefined, id: string, content: string): string {
  const block = `${begin(id)}\n${content}${content.endsWith('\n') || content === '' ? '' : '\n'}${end(id)}\n`;
  if (text === undefined || text === '') return block;
  const s = sectionBounds(text, id);
  if (s) return text.slice(0, s.start) + block + text.slice(s.end);
  return text.replace(/\s*$/, '') + '\n\n' + block;
}

/** `text` without section `id` (and the blank line before it). */
export function withoutSection(text: string, id: string): string {
  const s = sectionBounds(text, id);
  if (!s) return text;
  const head = text.slice(0, s.start).replace(/\n\n$/, '\n');
  return head + text.slice(s.end);
}
