// genai-assets outdated PILOT: each component's locked, wanted (newest in range) and latest allowed versions.

import * as nodePath from 'node:path';
import { needsAttention, outdatedComponents } from '../../core/pilot/outdated';
import type { OutdatedRow } from '../../core/pilot/outdated';
import { outdatedInstalls } from '../../core/install/installs';
import { hasInstalls, libraryOfInstalls, readInstalls } from '../installs';
import { openPilot } from '../../app/pilotLibrary';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { libraryOfPilot, openLibraryForPilot, pilotWriteOptions } from '../pilots';
import type { PilotCliDeps } from '../pilots';

export const outdatedCommand = defineCommand({
  name: 'outdated',
  synopsis: 'outdated [PILOT]',
  summary: "list a pilot's components with current, wanted and latest versions",
  usage: 'outdated [PILOT_DIR] [--json] [--offline] [--library DIR|URL]',
  description: `Lists the components of a pilot (default: the current folder) with their versions:
current (locked), wanted (newest allowed within the range in pilot.yaml), latest (newest
allowed of any range) and the status of the current version in the library ('superseded'
when the library moved on to a newer version, 'withdrawn' when it has none). \`genai-assets update\` moves components to wanted.
In a repository with installs (genai-assets.lock.json), the installed assets, with their target tool;
wanted stays within the reference given to install.`,
  options: {
    json: { type: 'flag', help: 'print { "components": [ { id, kind, current, wanted, latest, status } ] }' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
    library: { type: 'string', value: 'DIR|URL', help: 'read this library instead of the one pilot.yaml records' },
  },
  positionals: { max: 1, problem: 'outdated takes one pilot folder.' },
  footer: 'Exit codes: 0 listed (outdated components are not an error), 2 usage or I/O error.\n',
  run: ({ options: o, positionals }, io) => runOutdated({ pilot: positionals[0] ?? '.', json: o.json, offline: o.offline, library: o.library }, io),
});

export interface OutdatedArgs {
  pilot: string;
  json: boolean;
  offline: boolean;
  library?: string;
}

/** Runs `genai-assets outdated`; returns the exit code. */
export async function runOutdated(args: OutdatedArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const dir = nodePath.resolve(io.cwd, args.pilot);
  const installs = (await hasInstalls(dir)) ? await readInstalls(dir, pilotWriteOptions(deps, io)) : undefined;
  const pilot = installs ? undefined : await openPilot(dir, pilotWriteOptions(deps, io));
  const lib = await openLibraryForPilot(installs ? libraryOfInstalls(installs, args.library, io) : libraryOfPilot(pilot!, args.library, io), io, deps, { offline: args.offline });
  lib.close();
  const { catalog } = lib.opened;
  const rows: (OutdatedRow & { target?: string })[] = installs ? outdatedInstalls(installs.lock, catalog) : outdatedComponents(pilot!, catalog);
  if (args.json) {
    io.out(JSON.stringify({ components: rows }, null, 2) + '\n');
    return exitCodes.clean;
  }
  if (!rows.length) {
    io.out(installs ? 'Nothing is installed.\n' : 'The pilot has no components.\n');
    return exitCodes.clean;
  }
  const allowed = catalog.library.policy.scaffoldStatuses;
  const header = ['ID', ...(installs ? ['TARGET'] : []), 'KIND', 'CURRENT', 'WANTED', 'LATEST', 'STATUS'];
  const table = rows.map((r) => [r.id, ...(installs ? [r.target ?? ''] : []), r.kind, r.current, r.wanted ?? '-', r.latest ?? '-', r.status]);
  const widths = columnWidths(header, table);
  const line = (t: string[]) => t.map((s, i) => (i === t.length - 1 ? s : s.padEnd(widths[i]))).join('  ');
  const attention = rows.filter((r) => needsAttention(r, allowed));
  const updatable = rows.filter((r) => r.wanted !== null && r.wanted !== r.current);
  let tail = attention.length
    ? `${attention.length} of ${rows.length} component${rows.length === 1 ? '' : 's'} need attention.`
    : `All ${rows.length} component${rows.length === 1 ? ' is' : 's are'} up to date.`;
  if (updatable.length) tail += ` Run \`genai-assets update ${args.pilot === '.' ? '.' : args.pilot}\` to move ${[...new Set(updatable.map((r) => r.id))].join(', ')} to wanted.`;
  io.out([line(header), ...table.map(line), tail].join('\n') + '\n');
  return exitCodes.clean;
}

/** The width of each column: its longest cell or header (a loop: spreading every row into Math.max overflows the stack). */
export function columnWidths(header: string[], rows: string[][]): number[] {
  const widths = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}
