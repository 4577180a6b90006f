// Texts of the Catalog and In This Workspace rows (descriptions short enough for the default sidebar width, Markdown tooltips), free of the vscode API so that they are unit-tested.

import * as semver from 'semver';
import { ownerName } from '../../core/library/owners';
import { referenceTo } from '../../core/library/references';
import type { Asset } from '../../core/library/types';
import { codeSpan, escapeMarkdown } from '../../core/text/markdown';
import { plural } from '../../core/text/plural';
import type { ComponentStatus } from '../pilotService';

/** An asset row's description: the version, and the status in a word unless approved (the icon's colour shows it too). */
export function assetDescription(asset: Pick<Asset, 'version' | 'status'>): string {
  return asset.status === 'approved' ? asset.version : `${asset.version} · ${asset.status}`;
}

/** The label of a group of the Catalog: an owner by display name (the full owner is the group's tooltip). */
export function ownerGroupLabel(owner: string): string {
  return owner ? ownerName(owner) : '(no owner)';
}

/**
 * The Markdown tooltip of an asset: description, id, owners (with their emails), tags, model, inputs,
 * the eval suites targeting it, the library and commit, and `usage` (where-used: "Used by 3 repositories (1 outdated)"). Library text is escaped; ids and references are
 * code spans (so `evals@2.1.0` is not read as an email address).
 */
export function assetTooltipMarkdown(asset: Asset, evals: readonly Pick<Asset, 'id' | 'version'>[], library: string, commit?: string, usage?: string): string {
  const out = [`**${escapeMarkdown(asset.title)}** ${escapeMarkdown(`${asset.version} · ${asset.status}${asset.managed ? '' : ' (unmanaged)'}`)}`, ''];
  if (asset.description) out.push(escapeMarkdown(asset.description), '');
  const rows: string[] = [];
  const row = (label: string, value: string | undefined): void => {
    if (value) rows.push(`${label}: ${value}`);
  };
  const text = (value: string): string | undefined => (value ? escapeMarkdown(value) : undefined);
  row('Id', codeSpan(asset.id));
  row('Reference', codeSpan(referenceTo(asset)));
  row('Kind', text(`${asset.kind} (${asset.format})`));
  row('Owners', text(asset.owners.join(', ')));
  row('Tags', text(asset.tags.join(', ')));
  row('Model', asset.model && codeSpan(asset.model));
  row('Inputs', text(asset.inputs.map((i) => `${i.name}${i.required ? '' : '?'}: ${i.type}`).join(', ')));
  if (asset.kind === 'prompt') row('Eval suites', evals.length ? evals.map((e) => codeSpan(`${e.id}@${e.version}`)).join(', ') : 'none target it');
  row('Replaced by', asset.replacedBy && codeSpan(asset.replacedBy));
  const p = asset.problems;
  if (p.errors || p.warnings) row('Problems', `${plural(p.errors, 'error')}, ${plural(p.warnings, 'warning')}`);
  const at = asset.commit ?? commit;
  row('Library', `${escapeMarkdown(library)}${at ? ` @ ${codeSpan(at.slice(0, 12))}` : ''}`);
  out.push(rows.join('  \n'));
  if (usage) out.push('', escapeMarkdown(usage));
  return out.join('\n');
}

/** The newest version a component could move to, when it is outdated and the library says which. */
function newerVersion(c: ComponentStatus): string | undefined {
  if (!c.outdated) return undefined;
  const better = [c.wanted, c.latest].filter((v): v is string => v !== null && (!c.version || !semver.valid(c.version) || semver.gt(v, c.version)));
  return better[better.length - 1];
}

/** What needs attention on a component, in short words (the tooltip says the rest). */
export function componentMarkers(c: ComponentStatus): string[] {
  const out: string[] = [];
  if (c.modifiedFiles.length) out.push('modified');
  if (c.outdated && !newerVersion(c)) out.push('outdated');
  if (c.deprecated) out.push('deprecated');
  else if (c.notAllowed) out.push(c.standing === 'withdrawn' ? 'withdrawn' : 'not allowed');
  return out;
}

/**
 * A component row's description: the version (`1.0.0 → 1.3.0` when a newer one is available), the
 * status in a word unless approved, and the markers: `1.2.0 · modified`, `0.9.0 · deprecated`.
 */
export function componentDescription(c: ComponentStatus): string {
  if (c.standing === 'not installed') return 'not installed';
  const newer = newerVersion(c);
  const version = newer ? `${c.version ?? '?'} → ${newer}` : (c.version ?? '?');
  const status = c.standing === 'draft' || c.standing === 'review' || c.standing === 'unknown' ? (c.notAllowed ? undefined : c.standing) : undefined;
  return [version, status, ...componentMarkers(c)].filter(Boolean).join(' · ');
}

/** An installed asset's description: the tool it was installed for, then as a component's (`copilot · 1.0.0 → 1.1.0 · modified`). */
export function installedDescription(c: ComponentStatus): string {
  return [c.target, componentDescription(c)].filter(Boolean).join(' · ');
}

/** True when a component needs the user's attention. */
export function needsAttention(c: ComponentStatus): boolean {
  return componentMarkers(c).length > 0 || !!newerVersion(c) || c.standing === 'not installed';
}

/** The Markdown tooltip of a component: reference, locked, wanted and newest versions, local edits, replacement. */
export function componentTooltipMarkdown(c: ComponentStatus): string {
  const head = `${codeSpan(c.id)}${c.kind ? ` (${c.kind})` : ''}`;
  const rows: string[] = [];
  if (c.target) rows.push(`Installed for: ${escapeMarkdown(c.target)} (${escapeMarkdown(c.files.join(', '))})`);
  if (c.reference) rows.push(`Reference: ${codeSpan(c.reference)}`);
  if (c.standing === 'not installed') rows.push('Listed in pilot.yaml but not installed (pilot.lock.json has no entry).');
  else {
    rows.push(`Locked: ${escapeMarkdown(`${c.version ?? '?'} (${c.standing})`)}`);
    rows.push(`Wanted: ${escapeMarkdown(c.wanted ?? '-')} · Latest: ${escapeMarkdown(c.latest ?? '-')}`);
    const newer = newerVersion(c);
    if (newer) rows.push(`Update available: ${escapeMarkdown(newer)}`);
  }
  if (c.modifiedFiles.length) rows.push(`Edited locally: ${escapeMarkdown(c.modifiedFiles.join(', '))}`);
  if (c.replacedBy) rows.push(`Replaced by ${codeSpan(c.replacedBy)}`);
  return `${head}\n\n${rows.join('  \n')}`;
}

/** A pilot row's description: how many components need attention, else how many there are (template and names are in the tooltip). */
export function pilotDescription(components: number, attention: number): string {
  return attention ? `${attention} need${attention === 1 ? 's' : ''} attention` : plural(components, 'component');
}
