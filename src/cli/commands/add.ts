// genai-assets add PILOT REF...: adds components (with their dependencies) to an existing pilot.

import * as nodePath from 'node:path';
import { UserError } from '../../core/errors';
import { planAdd } from '../../core/pilot/add';
import { loadPilot } from '../../core/scaffold/pilotFile';
import { nodeFileSystem, nodePathOps } from '../../node/fileSystem';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { pilotFileReader } from '../../node/fileSystem';
import { commitPilotChanges, recoverPilot, withPilotLock } from '../../node/pilotWrite';
import { libraryOfPilot, openLibraryForPilot, pilotWriteOptions } from './pilotLibrary';
import type { PilotCliDeps } from './pilotLibrary';

export const addHelp = `Usage: genai-assets add PILOT_DIR REF... [--no-evals] [--offline] [--library DIR|URL]

Adds components to a pilot: each reference resolves to the newest allowed version in its
range, its dependsOn are added too (components already in the pilot stay at their versions
and must satisfy the ranges), and the eval suites that target added prompts come along
unless --no-evals. Files go under the template's layout; pilot.yaml, pilot.lock.json and the
README's components section are updated.

Options:
  --no-evals         do not add the eval suites that target the added prompts
  --offline          use the cached clone of a git library without syncing it
  --library DIR|URL  read this library instead of the one pilot.yaml records
  -h, --help         show this help

Exit codes: 0 added, 2 refused (nothing written) or usage error.
`;

export interface AddArgs {
  pilot: string;
  refs: string[];
  noEvals: boolean;
  offline: boolean;
  library?: string;
}

/** Runs `genai-assets add`; returns the exit code. */
export async function runAdd(args: AddArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const refs = args.refs.flatMap((r) => r.split(',')).map((s) => s.trim()).filter(Boolean);
  if (!refs.length) throw new UserError(`add needs at least one reference.\n\n${addHelp}`);
  const dir = nodePath.resolve(io.cwd, args.pilot);
  const writeOpts = pilotWriteOptions(deps, io);
  await recoverPilot(dir, writeOpts);
  const lib = await openLibraryForPilot(libraryOfPilot(await loadPilot(nodeFileSystem, nodePathOps, dir), args.library, io), dir, io, deps, { offline: args.offline });
  let pilot;
  let plan;
  try {
    // Read, plan and write under the pilot's lock: an update or add running meanwhile waits, and loses nothing.
    ({ pilot, plan } = await withPilotLock(
      dir,
      async () => {
        const current = await loadPilot(nodeFileSystem, nodePathOps, dir);
        const planned = await planAdd({
          pilot: current,
          catalog: lib.opened.catalog,
          source: lib.opened.source,
          commit: lib.commit,
          refs,
          includeEvals: !args.noEvals,
          readPilotFile: pilotFileReader(dir),
          pilotPathExists: async (p) => !!(await nodeFileSystem.stat(nodePath.join(dir, ...p.split('/')))),
        });
        await commitPilotChanges(dir, planned);
        return { pilot: current, plan: planned };
      },
      writeOpts,
    ));
  } finally {
    lib.close();
  }
  const lines = plan.added.map((c) => `  ${c.asset.id} ${c.asset.version} (${c.asset.kind})${c.reason === 'dependency' ? ` (dependency${c.via ? ` of ${c.via}` : ''})` : c.reason === 'eval' ? ` (eval suite of ${c.via})` : ''} -> ${plan.folders.get(c.asset.id)}/`);
  for (const n of plan.notes) lines.push(`note: ${n}`);
  io.out(`Added ${plan.added.length} component${plan.added.length === 1 ? '' : 's'} to ${pilot.manifest.name}:\n${lines.join('\n')}\n`);
  return exitCodes.clean;
}
