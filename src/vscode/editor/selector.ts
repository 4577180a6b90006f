// Which documents the editor features serve: recognised files by pattern (not language id), on disk and in library clones.

import * as nodePath from 'node:path';
import type * as vscode from 'vscode';
import { formatOfPath, isYamlPath } from '../../core/formats/detect';
import { schemes } from '../constants';

/**
 * The recognised file patterns (SPEC section 3). Patterns, not language ids: VS Code 1.100
 * gives `*.prompt.md` the language `prompt`, and nothing knows `*.prompt` or `*.prompty`.
 */
export const recognisedPatterns = [
  '**/*.prompt',
  '**/*.prompty',
  '**/*.prompt.{yml,yaml}',
  '**/*.prompt.md',
  '**/*.agent.md',
  '**/*.chatmode.md',
  '**/*.instructions.md',
  '**/SKILL.md',
  '**/promptfooconfig.{yaml,yml}',
  '**/{library,asset,pilot}.{yaml,yml}',
] as const;

/** URI schemes whose documents are checked: files, and the read-only files of git libraries. */
export const editorSchemes = ['file', schemes.library] as const;

/**
 * The selector of the hover, completion, outline and code-action providers: the recognised
 * patterns plus every YAML file (an eval asset's entry may have any name; a GitHub Models
 * prompt may be found by its content). Providers answer nothing for files no library knows.
 */
export const editorSelector: vscode.DocumentFilter[] = editorSchemes.flatMap((scheme) => [...recognisedPatterns, '**/*.{yaml,yml}'].map((pattern) => ({ scheme, pattern })));

/** The file name of a document's URI (its path's last segment). */
export function fileNameOf(uri: vscode.Uri): string {
  return nodePath.posix.basename(uri.path);
}

/** True when a document may be an asset file: a recognised name, or YAML (checked further once its library is known). */
export function mayBeAssetFile(uri: vscode.Uri): boolean {
  if (!(editorSchemes as readonly string[]).includes(uri.scheme)) return false;
  const name = fileNameOf(uri);
  return formatOfPath(name) !== undefined || isYamlPath(name);
}
