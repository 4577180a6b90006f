// The recognised formats: each is one module (its parser and this descriptor), registered below by one line.

import type { SchemaName } from '../schemas';
import type { TextDocument } from '../text/textDocument';
import { dotpromptFormat } from './dotprompt';
import { ghModelsFormat } from './ghModels';
import { assetManifestFormat, libraryManifestFormat, pilotManifestFormat } from './manifests';
import { skillFormat, vscodeAgentFormat, vscodeInstructionsFormat, vscodePromptFormat } from './markdownPrompt';
import { promptfooFormat, promptfooPromptFormat } from './promptfoo';
import { promptyFormat } from './prompty';
import { repoInstructionsFormat } from './repoInstructions';
import { claudeAgentFormat, claudeCommandFormat } from './claudeCode';
import { cursorRuleFormat } from './cursorRules';
import type { CatalogLevel, FormatId, ParsedFile } from './types';

/**
 * Fills in `file` from the document. At the `catalog` level it may skip what the catalog does
 * not read (schema validation, template analysis, test cases). It may throw; parseFile turns
 * that into a diagnostic.
 */
export type FormatParser = (file: ParsedFile, doc: TextDocument, level: CatalogLevel) => void;

/**
 * A file name of a format: an exact `name` (any case unless `caseSensitive`), optionally only
 * directly inside a folder named `folder`; or a name ending `suffix` (any case), optionally only
 * somewhere below the folders `under` (`.claude/commands`: in it or a folder of it, wherever it lies); or a name that
 * starts with `prefix` and ends with `ending` (any case: `promptfooconfig.redteam.yaml`).
 */
export type FilePattern = { name: string; caseSensitive?: boolean; folder?: string } | { suffix: string; under?: string } | { prefix: string; ending: string };

/** Everything the engine knows about one format, in one place. */
export interface FormatModule<Id extends string = string> {
  /** Stable id: ParsedFile.format, the catalog, the snapshot, `--format json`. */
  readonly id: Id;
  /** The format's name for people (the preview's "Format"). */
  readonly label: string;
  /**
   * How a path is recognised (registry order does not matter: no two modules claim one name). Empty for
   * a format only ever read because another file names it (a promptfoo suite's prompt files).
   */
  readonly files: readonly FilePattern[];
  /** For a `.yml`/`.yaml` file no name identifies: true when the start of its text reads as this format (modules are asked in registry order). */
  readonly sniff?: (head: string) => boolean;
  readonly parse: FormatParser;
  /**
   * Where the file's YAML is, for the editor (completion, hover, outline): the whole file or its
   * front matter (after an optional `#` comment preamble), the schema it follows, and the fields
   * that name the prompt's own model.
   */
  readonly yaml?: { in: 'file' | 'front-matter'; schema: SchemaName; commentPreamble?: boolean; leadingWhitespace?: boolean; modelFields?: readonly (readonly string[])[] };
  /** The body is Markdown: the outline lists its headings. */
  readonly markdownBody?: boolean;
  /** Offered as a prompt by the preview and the CodeLens. */
  readonly preview?: boolean;
  /** The id stem of an unmanaged asset from its library-relative path; undefined (or no rule): the file name without the ending that recognised it. */
  readonly assetStem?: (path: string) => string | undefined;
}

/** Every recognised format, one registration line each. */
export const formatModules = [
  dotpromptFormat,
  promptyFormat,
  ghModelsFormat,
  vscodePromptFormat,
  vscodeAgentFormat,
  vscodeInstructionsFormat,
  skillFormat,
  promptfooFormat,
  promptfooPromptFormat,
  libraryManifestFormat,
  assetManifestFormat,
  pilotManifestFormat,
  repoInstructionsFormat,
  claudeCommandFormat,
  claudeAgentFormat,
  cursorRuleFormat,
] as const;

const byId = new Map<string, FormatModule>(formatModules.map((m) => [m.id, m]));

/** The module of a format; undefined for 'text' (any file no module recognises). */
export function formatModule(id: FormatId): FormatModule | undefined {
  return byId.get(id);
}

/** The label of a format for people ("Dotprompt", "Repository instructions"); the id for 'text'. */
export function formatLabel(id: FormatId): string {
  return byId.get(id)?.label ?? id;
}

/** Glob patterns of every recognised file name (`**\/*.prompt`, `**\/.github/copilot-instructions.md`), for editor document selectors. */
export function recognisedGlobs(): string[] {
  return formatModules.flatMap((m) =>
    m.files.map((p) =>
      'suffix' in p ? (p.under ? `**/${p.under}/**/*${p.suffix}` : `**/*${p.suffix}`) : 'prefix' in p ? `**/${p.prefix}*${p.ending}` : p.folder ? `**/${p.folder}/${p.name}` : `**/${p.name}`,
    ),
  );
}

/** The id stem of an unmanaged asset of this file: the module's own rule, else the file name without the ending that recognised it (or its last extension). */
export function assetStemOf(format: FormatId, path: string): string {
  const m = byId.get(format);
  const own = m?.assetStem?.(path);
  if (own !== undefined) return own;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  const suffix = m?.files.find((p): p is { suffix: string } => 'suffix' in p && lower.endsWith(p.suffix.toLowerCase()));
  return suffix ? name.slice(0, name.length - suffix.suffix.length) : name.replace(/\.[^.]*$/, '');
}
