// The README section of a pilot that lists its components (id, version, status, owners), kept between markers.

import type { AssetKind, AssetStatus } from '../library/types';

export const readmeStart = '<!-- genai-assets:components -->';
export const readmeEnd = '<!-- /genai-assets:components -->';

export interface ReadmeRow {
  id: string;
  kind: AssetKind;
  version: string;
  status: AssetStatus | 'withdrawn';
  owners: string[];
  /** Folder of the component inside the pilot. */
  path: string;
}

function cell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/** The section, markers included, ending with a newline. */
export function readmeSection(rows: readonly ReadmeRow[], library: { name: string; commit: string }): string {
  const commit = /^[0-9a-f]{40,64}$/.test(library.commit) ? `commit ${library.commit.slice(0, 12)}` : 'a folder snapshot';
  const lines = [
    readmeStart,
    '## Components',
    '',
    `From the library \`${cell(library.name)}\` (${commit}). \`genai-assets verify .\` checks them against the library; \`genai-assets update .\` brings them up to date. This section is rewritten by genai-assets.`,
    '',
    '| id | kind | version | status | owners | path |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.id)} | ${r.kind} | ${cell(r.version)} | ${r.status} | ${cell(r.owners.join(', ') || '-')} | \`${cell(r.path || '.')}\` |`),
    readmeEnd,
  ];
  return lines.join('\n') + '\n';
}

/** Replaces the marked section of a README, or appends it after a blank line. */
export function withReadmeSection(text: string, section: string): string {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const body = eol === '\n' ? section : section.replace(/\n/g, '\r\n');
  const a = text.indexOf(readmeStart);
  const b = a < 0 ? -1 : text.indexOf(readmeEnd, a);
  if (a >= 0 && b >= 0) {
    let end = b + readmeEnd.length;
    if (text.startsWith('\r\n', end)) end += 2;
    else if (text[end] === '\n') end += 1;
    return text.slice(0, a) + body + text.slice(end);
  }
  if (!text) return body;
  const sep = text.endsWith(eol + eol) ? '' : text.endsWith(eol) || text.endsWith('\n') ? eol : eol + eol;
  return text + sep + body;
}

/** True when the text has the marked section (add and update then refresh it). */
export function hasReadmeSection(text: string): boolean {
  const a = text.indexOf(readmeStart);
  return a >= 0 && text.indexOf(readmeEnd, a) >= 0;
}
