// Texts of where-used in VS Code (the catalog tooltip's line, the Show Where Used table), free of the vscode API so that they are unit-tested.

import type { AssetUsage, WhereUsedReport } from '../core/install/whereUsed';
import { codeSpan, escapeMarkdown } from '../core/text/markdown';
import { plural } from '../core/text/plural';

/** The tooltip's line for an asset that repositories use: `Used by 3 repositories (1 outdated)`; undefined when none uses it. */
export function usageLine(usage: Pick<AssetUsage, 'counts'> | undefined): string | undefined {
  if (!usage || usage.counts.repositories === 0) return undefined;
  return `Used by ${plural(usage.counts.repositories, 'repository', 'repositories')} (${usage.counts.outdated} outdated)`;
}

/** A table cell: one line, Markdown escaped (pipes included). */
function cell(text: string): string {
  return escapeMarkdown(text.replace(/\r?\n/g, ' '));
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/**
 * The where-used report as Markdown: per asset used, a row with its repositories and counts, then
 * each repository's versions and markers; the reuse figures; the repositories that could not be
 * read. `read` says when the fleet was read.
 */
export function whereUsedMarkdown(report: WhereUsedReport, fleetSize: number, read?: Date): string {
  const out: string[] = [`# Where the assets of ${cell(report.library.name)} are used`, ''];
  out.push(`${plural(report.repositories, 'repository', 'repositories')} read of ${fleetSize} in \`genaiAssets.fleet\`${read ? `, ${escapeMarkdown(read.toLocaleString())}` : ''}.`, '');
  const used = report.assets.filter((a) => a.counts.repositories > 0);
  if (!used.length) out.push('No repository of the fleet uses an asset of this library.', '');
  else {
    out.push('| Asset | Kind | Latest | Repositories | Outdated | Modified | Deprecated |', '|---|---|---|---:|---:|---:|---:|');
    for (const a of used) {
      out.push(
        `| ${codeSpan(a.id)} | ${a.kind} | ${a.latest ?? '-'}${a.status === 'approved' ? '' : ` (${cell(a.status)})`} | ${a.counts.repositories} | ${a.counts.outdated} | ${a.counts.modified} | ${a.counts.deprecated} |`,
      );
    }
    out.push('');
    for (const a of used) {
      out.push(`## ${codeSpan(a.id)}`, '', '| Repository | Versions | Where | Markers |', '|---|---|---|---|');
      for (const r of a.repositories) {
        const markers = [r.outdated ? 'outdated' : '', r.modified ? 'modified' : '', r.deprecated ? 'deprecated' : '', r.withdrawn ? 'withdrawn' : ''].filter(Boolean).join(', ');
        out.push(`| ${cell(r.display)} | ${cell(r.versions.join(', '))} | ${cell(r.where.join(', '))} | ${markers || '-'} |`);
      }
      out.push('');
    }
  }
  const r = report.reuse;
  out.push(
    '## Reuse',
    '',
    `- Approved assets used by two or more repositories: ${r.approvedUsedByTwoOrMore} of ${r.approved}`,
    `- Components from the library: ${r.fromLibrary} of ${r.components} across the repositories read (${percent(r.fromLibraryShare)})`,
    '',
  );
  if (report.errors.length) {
    out.push('## Not read', '');
    for (const e of report.errors) out.push(`- ${cell(e.url)}: ${cell(e.message)}`);
    out.push('');
  }
  return out.join('\n');
}
