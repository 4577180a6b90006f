// Which documents the editor features serve: recognised files by pattern (not language id), on disk and in library clones, and which belong to their library.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import type * as vscode from 'vscode';
import { formatOfPath, isYamlPath, sniffYamlFormat } from '../../core/formats/detect';
import type { LoadedEntry, Placement } from '../catalogStore';
import { schemes } from '../constants';

/**
 * The file names of every registered format, as globs: the registry's `recognisedGlobs()` (formats/registry.ts), written out here because
 * the editor selector is made in activate(), which loads no engine module (test/unit/vscode/editorContributes.test.ts holds the two
 * equal). Patterns, not language ids: VS Code 1.100 gives `*.prompt.md` the language `prompt`, and nothing knows `*.prompt` or `*.prompty`.
 */
export const recognisedPatterns: readonly string[] = [
  '**/*.prompt',
  '**/*.prompty',
  '**/*.prompt.yml',
  '**/*.prompt.yaml',
  '**/*.prompt.md',
  '**/*.agent.md',
  '**/*.chatmode.md',
  '**/*.instructions.md',
  '**/SKILL.md',
  '**/promptfooconfig*.yaml',
  '**/promptfooconfig*.yml',
  '**/library.yaml',
  '**/library.yml',
  '**/asset.yaml',
  '**/asset.yml',
  '**/pilot.yaml',
  '**/pilot.yml',
  '**/AGENTS.md',
  '**/CLAUDE.md',
  '**/GEMINI.md',
  '**/.github/copilot-instructions.md',
  '**/.claude/commands/**/*.md',
  '**/.claude/agents/**/*.md',
  '**/*.mdc',
];

/** URI schemes whose documents are checked: files, and the read-only files of git libraries. */
export const editorSchemes = ['file', schemes.library] as const;

/**
 * The selector of the hover, completion, outline and code-action providers: the recognised
 * patterns plus every YAML file (an eval asset's entry may have any name; a GitHub Models
 * prompt may be found by its content). Providers answer nothing for files no library knows.
 */
export function editorSelector(): vscode.DocumentFilter[] {
  return editorSchemes.flatMap((scheme) => [...recognisedPatterns, '**/*.{yaml,yml}'].map((pattern) => ({ scheme, pattern })));
}

/** The file name of a document's URI (its path's last segment). */
export function fileNameOf(uri: vscode.Uri): string {
  return nodePath.posix.basename(uri.path);
}

/** True when a document may be an asset file: a recognised name, or YAML (checked further once its library is known). */
export function mayBeAssetFile(uri: vscode.Uri): boolean {
  if (!(editorSchemes as readonly string[]).includes(uri.scheme)) return false;
  return formatOfPath(uri.path) !== undefined || isYamlPath(fileNameOf(uri));
}

/** True when the text of a path belongs in its library's catalog (recognised, in an asset folder, or known). */
export function belongsToCatalog(entry: LoadedEntry, path: string, text: string): boolean {
  if (entry.live.has(path)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (formatOfPath(path)) return true;
  if (entry.live.catalog.assets.some((a) => a.managed && (a.path === '' || path.startsWith(`${a.path}/`)))) return true;
  return isYamlPath(name) && sniffYamlFormat(text.slice(0, 4096)) !== undefined;
}

/**
 * True when a document is worth reading its library for: a recognised name, YAML that reads as
 * a GitHub Models prompt or a promptfoo suite, or a file in a folder with an asset.yaml (an eval
 * suite's entry may have any name). A plain YAML file elsewhere (CI, Docker) loads nothing.
 */
export async function worthLoading(place: Placement, text: string): Promise<boolean> {
  if (formatOfPath(place.path) || sniffYamlFormat(text.slice(0, 4096))) return true;
  if (place.kind === 'file') return false;
  let dir = nodePath.dirname(nodePath.join(place.root, ...place.path.split('/')));
  for (let i = 0; i < 32 && (dir === place.root || dir.startsWith(place.root + nodePath.sep)); i++) {
    for (const m of ['asset.yaml', 'asset.yml']) if (await fsp.stat(nodePath.join(dir, m)).catch(() => undefined)) return true;
    if (dir === place.root) break;
    dir = nodePath.dirname(dir);
  }
  return false;
}
