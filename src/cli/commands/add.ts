// genai-assets add PILOT REF...: adds components (with their dependencies) to an existing pilot.

import * as nodePath from 'node:path';
import { UserError } from '../../core/errors';
import { planAdd } from '../../core/pilot/add';
import { loadPilot } from '../../core/scaffold/pilotFile';
import { nodeFileSystem, nodePathOps, pilotFileReader } from '../../node/fileSystem';
import { commitPilotChanges, withPilotLock } from '../../node/pilotWrite';
import { openPilot } from '../../app/pilotLibrary';
import { defineCommand, helpText } from '../command';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { libraryOfPilot, openLibraryForPilot, pilotWriteOptions } from '../pilots';
import type { PilotCliDeps } from '../pilots';

export const addCommand = defineCommand({
  name: 'add',
  synopsis: 'add PILOT REF...',
  summary: 'add components (and their dependencies) to a pilot',
  usage: 'add PILOT_DIR REF... [--no-evals] [--offline] [--library DIR|URL]',
  description: `Adds components to a pilot: each reference resolves to the newest allowed version in its
range, its dependsOn are added too (components already in the pilot stay at their versions
and must satisfy the ranges), and the eval suites that target added prompts come along
unless --no-evals. Files go under the template's layout; pilot.yaml, pilot.lock.json and the
README's components section are updated.`,
  options: {
    'no-evals': { type: 'flag', help: 'do not add the eval suites that target the added prompts' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
    library: { type: 'string', value: 'DIR|URL', help: 'read this library instead of the one pilot.yaml records' },
  },
  positionals: { min: 1, problem: 'add needs a pilot folder and at least one reference.' },
  footer: 'Exit codes: 0 added, 2 refused (nothing written) or usage error.\n',
  run({ options: o, positionals }, io) {
    const [pilot, ...refs] = positionals;
    return runAdd({ pilot, refs, noEvals: o['no-evals'], offline: o.offline, library: o.library }, io);
  },
});

export interface AddArgs {
  pilot: string;
  refs: string[];
  noEvals: boolean;
  offline: boolean;
  library?: string;
}

/** Runs `genai-assets add`; returns the exit code. */
export async function runAdd(args: AddArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const refs = args.refs
    .flatMap((r) => r.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!refs.length) throw new UserError(`add needs at least one reference.\n\n${helpText(addCommand)}`);
  const dir = nodePath.resolve(io.cwd, args.pilot);
  const writeOpts = pilotWriteOptions(deps, io);
  const lib = await openLibraryForPilot(libraryOfPilot(await openPilot(dir, writeOpts), args.library, io), io, deps, { offline: args.offline });
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
          source: lib.source,
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
  const lines = plan.added.map(
    (c) =>
      `  ${c.asset.id} ${c.asset.version} (${c.asset.kind})${c.reason === 'dependency' ? ` (dependency${c.via ? ` of ${c.via}` : ''})` : c.reason === 'eval' ? ` (eval suite of ${c.via})` : ''} -> ${plan.folders.get(c.asset.id)}/`,
  );
  for (const n of plan.notes) lines.push(`note: ${n}`);
  io.out(`Added ${plan.added.length} component${plan.added.length === 1 ? '' : 's'} to ${pilot.manifest.name}:\n${lines.join('\n')}\n`);
  return exitCodes.clean;
}
