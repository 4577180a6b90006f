// genai-assets verify PILOT: drift, deprecation and policy of a pilot's components, plus the normal checks of its files.

import * as nodePath from 'node:path';
import { compareDiagnostics } from '../../core/diagnostics';
import type { Diagnostic } from '../../core/diagnostics';
import { redactCredentials } from '../../core/library/source';
import { pilotFileChecks, verifyPilot } from '../../core/pilot/verify';
import { pilotFileReader } from '../../node/fileSystem';
import { openFolder } from '../../app/openLibrary';
import { openPilot } from '../../app/pilotLibrary';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import { libraryOfPilot, openLibraryForPilot, pilotWriteOptions } from '../pilots';
import type { PilotCliDeps } from '../pilots';
import { diagnosticFormats, printDiagnostics, reportedDiagnostic } from '../report';
import type { DiagnosticFormat } from '../report';

export const verifyCommand = defineCommand({
  name: 'verify',
  synopsis: 'verify [PILOT]',
  summary: 'check a pilot: local edits, newer versions, deprecations, policy',
  usage: 'verify [PILOT_DIR] [--format text|json|sarif] [--max-warnings N] [--offline] [--library DIR|URL]',
  description: `Checks a pilot (default: the current folder) against its lock file and its library:
  component-modified      a file differs from the hash in pilot.lock.json (edited locally), or is missing
  component-outdated      a newer allowed version exists in the library
  component-deprecated    a component is deprecated (the replacement is named)
  component-not-approved  a component's status is no longer allowed by the library's policy
  unknown-reference       a component was withdrawn from the library
plus the normal checks of the pilot's own files. The library is the one pilot.yaml records
(a git library is synced first, unless --offline).`,
  options: {
    format: { type: 'string', value: 'F', help: 'text (default), json or sarif (same output as validate)', choices: diagnosticFormats },
    'max-warnings': { type: 'count', value: 'N', help: 'exit 1 when there are more than N warnings' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
    library: { type: 'string', value: 'DIR|URL', help: 'read this library instead of the one pilot.yaml records' },
  },
  positionals: { max: 1, problem: 'verify takes one pilot folder.' },
  footer: 'Exit codes: 0 clean, 1 errors found (or too many warnings), 2 usage or I/O error.\n',
  run: ({ options: o, positionals }, io) => runVerify({ pilot: positionals[0] ?? '.', format: o.format ?? 'text', maxWarnings: o['max-warnings'], offline: o.offline, library: o.library }, io),
});

export interface VerifyArgs {
  pilot: string;
  format: DiagnosticFormat;
  maxWarnings?: number;
  offline: boolean;
  library?: string;
}

/** Runs `genai-assets verify`; returns the exit code. */
export async function runVerify(args: VerifyArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const dir = nodePath.resolve(io.cwd, args.pilot);
  const pilot = await openPilot(dir, pilotWriteOptions(deps, io));
  const lib = await openLibraryForPilot(libraryOfPilot(pilot, args.library, io), io, deps, { offline: args.offline });
  let diags: Diagnostic[];
  let fileCount: number;
  try {
    const { catalog } = lib.opened;
    if (pilot.manifest.library.name && catalog.library.name !== pilot.manifest.library.name) {
      io.err(
        `warning: pilot.yaml names the library \`${pilot.manifest.library.name}\`, but ${pilot.manifest.library.url ? redactCredentials(pilot.manifest.library.url) : 'the library'} is \`${catalog.library.name}\`.\n`,
      );
    }
    const own = (await openFolder(dir)).catalog;
    fileCount = own.files.size;
    diags = [
      ...pilotFileChecks(own),
      ...(await verifyPilot({
        pilot,
        catalog,
        readPilotFile: pilotFileReader(dir),
        readLibraryFile: (p) => lib.source.read(p),
        history: lib.history,
      })),
    ];
  } finally {
    lib.close();
  }
  const display = (p: string) => nodePath.relative(io.cwd, nodePath.join(dir, ...p.split('/'))) || p;
  return printDiagnostics(
    [...diags].sort(compareDiagnostics).map((d) => reportedDiagnostic(d, display)),
    fileCount,
    args,
    io,
  );
}
