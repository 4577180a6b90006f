// Repository instructions that coding agents read whole (AGENTS.md, CLAUDE.md, GEMINI.md, .github/copilot-instructions.md): plain Markdown.

import type { TextDocument } from '../text/textDocument';
import { splitFrontMatter } from './frontMatter';
import { firstHeading } from './markdownPrompt';
import type { FormatModule } from './registry';
import type { CatalogLevel, ParsedFile } from './types';

/** AGENTS.md (any folder; Codex, Copilot and others), CLAUDE.md (Claude Code), GEMINI.md (Gemini CLI), .github/copilot-instructions.md (Copilot). */
export const repoInstructionsFormat: FormatModule<'repo-instructions'> = {
  id: 'repo-instructions',
  label: 'Repository instructions',
  files: [
    { name: 'AGENTS.md', caseSensitive: true },
    { name: 'CLAUDE.md', caseSensitive: true },
    { name: 'GEMINI.md', caseSensitive: true },
    { name: 'copilot-instructions.md', caseSensitive: true, folder: '.github' },
  ],
  parse: parseRepoInstructions,
  markdownBody: true,
  // Ids `agents`, `claude`, `gemini`, `copilot-instructions`, after the folder they apply to when not at the root: `docs-agents`.
  assetStem: (path) => {
    const segs = path.split('/');
    const stem = segs.pop()!.replace(/\.md$/, '');
    if (segs[segs.length - 1] === '.github') segs.pop();
    return segs.length ? `${segs[segs.length - 1]}-${stem}` : stem;
  },
};

/**
 * The whole file is what the agent reads, with no fields and no placeholders. None of these
 * tools defines front matter (one that is there reaches the model as text), so it is neither
 * read nor reported; the title is the first heading after it, else the path.
 */
export function parseRepoInstructions(file: ParsedFile, doc: TextDocument, level: CatalogLevel): void {
  const fm = splitFrontMatter(doc);
  file.meta.title = firstHeading(doc, fm.present && !fm.unterminated ? fm.bodyStart : 0) ?? file.path;
  file.templateLanguage = 'none';
  if (level !== 'full') return;
  const body = doc.text.replace(/^\s*\n/, '').replace(/\s+$/, '');
  if (body) file.messages = [{ role: 'system', template: body }];
}
