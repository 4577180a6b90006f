// Texts and rows of Install into Workspace and Update Installed Assets, free of the vscode API so that they are unit-tested.

import type { InstallFileAction, InstallPlan, InstallUpdatePlan } from '../../core/install/installs';
import { installTargets } from '../../core/install/targets';
import type { InstallTarget } from '../../core/install/targets';
import { installLockFileName } from '../../core/scaffold/lockFile';

/** Each tool as the tool picker shows it: its name and where its files go. */
export const targetLabels: Record<InstallTarget, { label: string; where: string }> = {
  copilot: { label: 'Copilot (VS Code)', where: '.github/instructions, prompts, agents, skills; .github/copilot-instructions.md' },
  claude: { label: 'Claude Code', where: '.claude/commands, agents, skills; CLAUDE.md' },
  cursor: { label: 'Cursor', where: '.cursor/rules' },
  agents: { label: 'AGENTS.md', where: 'a section of AGENTS.md (Codex, Copilot, Cursor and others read it)' },
};

/** The tools remembered for a workspace, when the stored value is a non-empty list of known tools (anything else: ask again). */
export function rememberedTargets(value: unknown): InstallTarget[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const known = installTargets.filter((t) => value.includes(t));
  return known.length ? known : undefined;
}

/** The tools in words: `Copilot (VS Code) and Claude Code`. */
export function targetsText(targets: readonly InstallTarget[]): string {
  const names = targets.map((t) => targetLabels[t].label);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What an install will write (or wrote): each asset for each tool with its paths, then the conversions and notes. */
export function installDetail(plan: Pick<InstallPlan, 'installed' | 'converted' | 'notes'>): string[] {
  const lines = plan.installed.map((c) => `${c.id} ${c.version}${c.reason === 'dependency' ? ` (dependency${c.via ? ` of ${c.via}` : ''})` : ''} for ${c.target} → ${c.paths.join(', ')}`);
  if (!plan.installed.length) lines.push('Nothing new to install.');
  for (const c of plan.converted) lines.push(`Converted: ${c}`);
  for (const n of plan.notes) lines.push(`Note: ${n}`);
  return lines;
}

/** One file an update of installed assets writes or removes, as the review step lists it (the whole file: a shared file's sections together). */
export interface InstallUpdateRow {
  path: string;
  action: InstallFileAction | 'rewritten';
  before?: Uint8Array;
  after?: Uint8Array;
  note?: string;
  component?: string;
}

/** How much an action says: a file with several sections shows the one that needs the most attention. */
const weight: Record<InstallFileAction, number> = {
  unchanged: 0,
  'kept-local': 1,
  'kept-deleted': 1,
  'kept-removed-upstream': 2,
  replaced: 3,
  added: 3,
  removed: 3,
  merged: 4,
  conflict: 5,
};

/** Every file an update of installed assets writes or removes (the lock included), with what happens to it; `current` holds the files as they are now. */
export function installUpdateRows(plan: Pick<InstallUpdatePlan, 'components' | 'writes' | 'removes'>, current: ReadonlyMap<string, Uint8Array | undefined>): InstallUpdateRow[] {
  const byPath = new Map<string, { action: InstallFileAction; note?: string; component: string }>();
  for (const c of plan.components) {
    for (const f of c.files) {
      const had = byPath.get(f.path);
      if (had && weight[had.action] >= weight[f.action]) continue;
      const where = f.section !== undefined ? `section ${f.section}: ` : '';
      const note = f.note ?? (f.conflicts && f.conflicts > 1 ? `${f.conflicts} conflicts` : undefined);
      byPath.set(f.path, { action: f.action, note: note && `${where}${note}`, component: `${c.id} (${c.target}) ${c.from} → ${c.to}` });
    }
  }
  const rows: InstallUpdateRow[] = [];
  for (const w of plan.writes) {
    const known = w.path === installLockFileName ? undefined : byPath.get(w.path);
    const before = current.get(w.path);
    rows.push({ path: w.path, action: known && known.action !== 'unchanged' ? known.action : before ? 'rewritten' : 'added', before, after: w.data, note: known?.note, component: known?.component });
  }
  for (const r of plan.removes) rows.push({ path: r, action: 'removed', before: current.get(r), component: byPath.get(r)?.component });
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}
