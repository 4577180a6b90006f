// Edit Libraries: the edits of `genaiAssets.libraries` (move up, move down, remove) and where the setting lives; free of the vscode API so that it is unit-tested.

import { redactCredentials } from '../core/library/source';
import type { LibrarySpec } from '../core/library/source';

export type LibraryEdit = 'up' | 'down' | 'remove';

/** What each edit is called in the quick pick. */
export const editLabels: Record<LibraryEdit, string> = { up: 'Move Up', down: 'Move Down', remove: 'Remove' };

/** The edits that make sense for the entry at `index` (no Move Up for the first, no Move Down for the last). */
export function editsFor(list: readonly LibrarySpec[], index: number): LibraryEdit[] {
  if (index < 0 || index >= list.length) return [];
  const out: LibraryEdit[] = [];
  if (index > 0) out.push('up');
  if (index < list.length - 1) out.push('down');
  out.push('remove');
  return out;
}

/** The list after one edit of the entry at `index` (a new array; the entries themselves are kept as they are). */
export function applyEdit(list: readonly LibrarySpec[], index: number, edit: LibraryEdit): LibrarySpec[] {
  const out = [...list];
  if (!editsFor(list, index).includes(edit)) return out;
  if (edit === 'remove') out.splice(index, 1);
  else {
    const to = edit === 'up' ? index - 1 : index + 1;
    [out[index], out[to]] = [out[to], out[index]];
  }
  return out;
}

/** A row of the quick pick for a configured entry: its name, where it is (credentials hidden), its ref. */
export function describeEntry(spec: LibrarySpec, index: number): { label: string; description?: string; detail?: string } {
  const where = spec.url !== undefined ? redactCredentials(spec.url) : spec.path;
  return { label: spec.name ?? `entry ${index + 1}`, description: where, detail: spec.ref ? `ref ${spec.ref}` : undefined };
}

/**
 * Where `genaiAssets.libraries` (machine-scoped) is written and shown: the remote machine's settings in a
 * remote window (code-server, Remote-SSH, Codespaces: `vscode.env.remoteName` set), else the user settings.
 */
export function settingsLocation(remoteName: string | undefined): { remote: boolean; label: string } {
  return remoteName ? { remote: true, label: `Remote settings (${remoteName})` } : { remote: false, label: 'User settings' };
}
