// Claude Code's project files: slash commands (`.claude/commands/**/*.md`) and subagents (`.claude/agents/**/*.md`), Markdown with optional front matter.

import { parseMarkdownPrompt } from './markdownPrompt';
import type { FormatModule } from './registry';

/**
 * Slash commands: the body is the prompt Claude Code sends when `/name` is typed (`$ARGUMENTS`,
 * `$1`… and `!`command`` are filled in by Claude Code itself, so it is sent as written here).
 * Front matter (`description`, `argument-hint`, `allowed-tools`, `model`, …) is optional.
 */
export const claudeCommandFormat: FormatModule<'claude-command'> = {
  id: 'claude-command',
  label: 'Claude Code command',
  files: [{ suffix: '.md', under: '.claude/commands' }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'claude-command', { role: 'user', placeholders: 'none', lenientFrontMatter: true }),
  yaml: { in: 'front-matter', schema: 'claude-command' },
  markdownBody: true,
  preview: true,
};

/** Subagents: front matter (`name`, `description`, `tools`, `model`, `color`, …), then the agent's system prompt. Named by `name`, else by the file. */
export const claudeAgentFormat: FormatModule<'claude-agent'> = {
  id: 'claude-agent',
  label: 'Claude Code agent',
  files: [{ suffix: '.md', under: '.claude/agents' }],
  parse: (f, d, l) => parseMarkdownPrompt(f, d, l, 'claude-agent', { untitled: 'file', placeholders: 'none', noModel: ['inherit'], lenientFrontMatter: true }),
  yaml: { in: 'front-matter', schema: 'claude-agent' },
  markdownBody: true,
};
