// Which format a file is, from its path (and, for plain .yml files, a peek at the content).

import type { FormatId } from './types';

/** The format of a library-relative path, or undefined when it is not a recognised file. */
export function formatOfPath(path: string): FormatId | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (lower === 'library.yaml' || lower === 'library.yml') return 'library-manifest';
  if (lower === 'asset.yaml' || lower === 'asset.yml') return 'asset-manifest';
  if (lower === 'pilot.yaml' || lower === 'pilot.yml') return 'pilot-manifest';
  if (lower === 'promptfooconfig.yaml' || lower === 'promptfooconfig.yml') return 'promptfoo';
  if (lower.endsWith('.prompt.yml') || lower.endsWith('.prompt.yaml')) return 'gh-models';
  if (lower.endsWith('.prompt.md')) return 'vscode-prompt';
  if (lower.endsWith('.agent.md') || lower.endsWith('.chatmode.md')) return 'vscode-agent';
  if (lower.endsWith('.instructions.md')) return 'vscode-instructions';
  if (name === 'SKILL.md') return 'skill';
  if (lower.endsWith('.prompty')) return 'prompty';
  if (lower.endsWith('.prompt')) return 'dotprompt';
  return undefined;
}

/**
 * For a `.yml`/`.yaml` file that no name identifies: a GitHub Models prompt has top-level
 * `messages:` and `model:` keys. `head` is the start of the file's text.
 */
export function sniffYamlFormat(head: string): FormatId | undefined {
  if (/^messages\s*:/m.test(head) && /^model\s*:/m.test(head)) return 'gh-models';
  if (/^prompts\s*:/m.test(head) && /^(tests|providers)\s*:/m.test(head)) return 'promptfoo';
  return undefined;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}
