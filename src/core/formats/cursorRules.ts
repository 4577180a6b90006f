// Cursor rules (`.mdc`, in `.cursor/rules/` or collected elsewhere): front matter `description`, `globs`, `alwaysApply`, then the rule's Markdown.

import { parseMarkdownPrompt } from './markdownPrompt';
import type { FormatModule } from './registry';

/**
 * A rule is instructions Cursor adds to the model's context. Cursor reads its front matter
 * line by line (`globs: **\/*.ts, **\/*.tsx` is no valid YAML, yet the usual way to write it), so
 * front matter that YAML refuses is read the same way and not reported.
 */
export const cursorRuleFormat: FormatModule<'cursor-rule'> = {
  id: 'cursor-rule',
  label: 'Cursor rule',
  files: [{ suffix: '.mdc' }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'cursor-rule', { placeholders: 'none', lenientFrontMatter: true }),
  yaml: { in: 'front-matter', schema: 'cursor-rule' },
  markdownBody: true,
};
