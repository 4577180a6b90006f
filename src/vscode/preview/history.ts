// The git history of a previewed prompt's asset (or file), through the Git port; never on workspace content in Restricted Mode.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Git } from '../../core/ports';
import type { PreviewHistory } from '../../core/render/previewHtml';
import type { PromptReport } from '../../core/render/promptReport';
import type { PromptLocation } from './promptSource';

/** How many commits the preview lists. */
export const historyLength = 10;

/** The last commits touching the prompt's asset folder (managed) or file, newest first. */
export async function promptHistory(git: Git, location: PromptLocation, report: PromptReport): Promise<PreviewHistory> {
  const target = report.asset?.path ?? location.path;
  let dir: string;
  let rev: string;
  let prefix: string;
  const h = location.library?.history;
  if (h) {
    ({ dir, rev, prefix } = h);
  } else if (location.library) {
    const why =
      location.library.origin === 'workspace' && !vscode.workspace.isTrusted
        ? 'git does not run on workspace content in Restricted Mode; trust the workspace to see the history.'
        : 'the library is not in a git repository.';
    return { state: 'none', reason: `No history: ${why}` };
  } else {
    if (!vscode.workspace.isTrusted) return { state: 'none', reason: 'No history: git does not run on workspace content in Restricted Mode; trust the workspace to see it.' };
    const root = location.root;
    if (!root) return { state: 'none', reason: 'No history: the file is not in a library.' };
    const top = await git.workTreeRoot(root).catch(() => undefined);
    if (!top) return { state: 'none', reason: 'No history: the library is not in a git repository.' };
    dir = top;
    rev = 'HEAD';
    prefix = nodePath.relative(top, root).split(nodePath.sep).join('/');
    if (prefix.startsWith('..')) return { state: 'none', reason: 'No history: the library is not in a git repository.' };
  }
  const rel = [prefix, target].filter(Boolean).join('/');
  try {
    const entries = await git.log(dir, rev, rel, historyLength + 1);
    return { state: 'entries', entries: entries.slice(0, historyLength), more: entries.length > historyLength, canOpen: !!(report.asset && location.library?.history) };
  } catch (e) {
    return { state: 'none', reason: `Could not read the history: ${(e as Error).message}` };
  }
}
