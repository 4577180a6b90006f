// genai-assets verify PILOT: drift, deprecation and policy of a pilot's components, plus the normal checks of its files.

import * as nodePath from 'node:path';
import { compareDiagnostics } from '../../core/diagnostics';
import { redactCredentials } from '../../core/library/source';
import type { Diagnostic } from '../../core/diagnostics';
import { loadPilot } from '../../core/scaffold/pilotFile';
import { pilotFileChecks, verifyPilot } from '../../core/pilot/verify';
import { nodeFileSystem, nodePathOps } from '../../node/fileSystem';
import { openFolderLibrary } from '../../node/openFolder';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { formatJson, formatSarif, formatText, summarise } from '../output';
import type { ReportedDiagnostic } from '../output';
import { pilotFileReader } from '../../node/fileSystem';
import { libraryOfPilot, openLibraryForPilot, pilotWriteOptions } from './pilotLibrary';
import { recoverPilot } from '../../node/pilotWrite';
import type { PilotCliDeps } from './pilotLibrary';

export const verifyHelp = `Usage: genai-assets verify [PILOT_DIR] [--format text|json|sarif] [--max-warnings N] [--offline] [--library DIR|URL]

Checks a pilot (default: the current folder) against its lock file and its library:
  component-modified      a file differs from the hash in pilot.lock.json (edited locally), or is missing
  component-outdated      a newer allowed version exists in the library
  component-deprecated    a component is deprecated (the replacement is named)
  component-not-approved  a component's status is no longer allowed by the library's policy
  unknown-reference       a component was withdrawn from the library
plus the normal checks of the pilot's own files. The library is the one pilot.yaml records
(a git library is synced first, unless --offline).

Options:
  --format F         text (default), json or sarif (same output as validate)
  --max-warnings N   exit 1 when there are more than N warnings
  --offline          use the cached clone of a git library without syncing it
  --library DIR|URL  read this library instead of the one pilot.yaml records
  -h, --help         show this help

Exit codes: 0 clean, 1 errors found (or too many warnings), 2 usage or I/O error.
`;

export interface VerifyArgs {
  pilot: string;
  format: 'text' | 'json' | 'sarif';
  maxWarnings?: number;
  offline: boolean;
  library?: string;
}

/** Runs `genai-assets verify`; returns the exit code. */
export async function runVerify(args: VerifyArgs, io: CliIo, version: string, deps: PilotCliDeps = {}): Promise<number> {
  const dir = nodePath.resolve(io.cwd, args.pilot);
  // An update killed mid-way is completed (or undone) before the pilot is read.
  await recoverPilot(dir, pilotWriteOptions(deps, io));
  const pilot = await loadPilot(nodeFileSystem, nodePathOps, dir);
  const lib = await openLibraryForPilot(libraryOfPilot(pilot, args.library, io), dir, io, deps, { offline: args.offline });
  let diags: Diagnostic[];
  let fileCount: number;
  try {
    const { catalog, source } = lib.opened;
    if (pilot.manifest.library.name && catalog.library.name !== pilot.manifest.library.name) {
      io.err(`warning: pilot.yaml names the library \`${pilot.manifest.library.name}\`, but ${pilot.manifest.library.url ? redactCredentials(pilot.manifest.library.url) : 'the library'} is \`${catalog.library.name}\`.\n`);
    }
    const own = await openFolderLibrary(dir);
    fileCount = own.files.size;
    diags = [
      ...pilotFileChecks(own),
      ...(await verifyPilot({
        pilot,
        catalog,
        readPilotFile: pilotFileReader(dir),
        readLibraryFile: (p) => source.read(p),
        history: lib.history,
      })),
    ];
  } finally {
    lib.close();
  }
  const display = (p: string) => nodePath.relative(io.cwd, nodePath.join(dir, ...p.split('/'))) || p;
  const reported: ReportedDiagnostic[] = [...diags].sort(compareDiagnostics).map((d) => {
    const r: ReportedDiagnostic = { ...d, displayFile: display(d.file) };
    if (d.related) r.related = d.related.map((x) => ({ ...x, file: display(x.file) }));
    return r;
  });
  const summary = summarise(reported, fileCount);
  if (args.format === 'json') io.out(formatJson(reported, summary));
  else if (args.format === 'sarif') io.out(formatSarif(reported, version, io.cwd));
  else io.out(formatText(reported, summary, io.color));
  if (summary.errors > 0) return exitCodes.findings;
  if (args.maxWarnings !== undefined && summary.warnings > args.maxWarnings) {
    if (args.format === 'text') io.err(`Too many warnings: ${summary.warnings} (--max-warnings ${args.maxWarnings}).\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}
