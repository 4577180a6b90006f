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
import { exitCodes } from '../io';
import { hasInstalls, libraryOfInstalls, readInstalls } from '../installs';
import { installedPaths, verifyInstalls } from '../../core/install/installs';
import { parseAndCheck } from '../../core/checks/fileChecks';
import type { DiagnosticFormat } from '../report';

export const verifyCommand = defineCommand({
  name: 'verify',
  synopsis: 'verify [PILOT]',
  summary: 'check a pilot or installed assets: local edits, newer versions, deprecations, policy',
  usage: 'verify [PILOT_DIR|REPO_DIR] [--check] [--format text|json|sarif] [--max-warnings N] [--offline] [--library DIR|URL]',
  description: `Checks a pilot (default: the current folder) against its lock file and its library, or a
repository's installed assets (genai-assets.lock.json, written by \`genai-assets install\`):
  component-modified      a file differs from the hash in pilot.lock.json (edited locally), or is missing
  component-outdated      a newer allowed version exists in the library
  component-deprecated    a component is deprecated (the replacement is named)
  component-not-approved  a component's status is no longer allowed by the library's policy
  unknown-reference       a component was withdrawn from the library
plus the normal checks of the pilot's own files (of the installed files, for installs). The
library is the one pilot.yaml (or genai-assets.lock.json) records (a git library is synced
first, unless --offline). With --check (for CI), anything modified, outdated, deprecated,
not approved or withdrawn exits 1, whatever its severity.`,
  options: {
    format: { type: 'string', value: 'F', help: 'text (default), json or sarif (same output as validate)', choices: diagnosticFormats },
    'max-warnings': { type: 'count', value: 'N', help: 'exit 1 when there are more than N warnings' },
    check: { type: 'flag', help: 'exit 1 when anything is modified, outdated, deprecated, not approved or withdrawn (for CI)' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
    library: { type: 'string', value: 'DIR|URL', help: 'read this library instead of the one pilot.yaml records' },
  },
  positionals: { max: 1, problem: 'verify takes one pilot folder.' },
  footer: 'Exit codes: 0 clean, 1 errors found (or too many warnings), 2 usage or I/O error.\n',
  run: ({ options: o, positionals }, io) =>
    runVerify({ pilot: positionals[0] ?? '.', format: o.format ?? 'text', maxWarnings: o['max-warnings'], offline: o.offline, library: o.library, check: o.check }, io),
});

/** The codes `--check` fails on: what drifted from the lock or the library. */
const checkCodes = new Set(['component-modified', 'component-outdated', 'component-deprecated', 'component-not-approved', 'unknown-reference']);

export interface VerifyArgs {
  pilot: string;
  format: DiagnosticFormat;
  maxWarnings?: number;
  offline: boolean;
  library?: string;
  check?: boolean;
}

/** Runs `genai-assets verify`; returns the exit code. */
export async function runVerify(args: VerifyArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const dir = nodePath.resolve(io.cwd, args.pilot);
  if (await hasInstalls(dir)) return verifyInstalled(dir, args, io, deps);
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
  return report(dir, diags, fileCount, args, io);
}

function report(dir: string, diags: Diagnostic[], fileCount: number, args: VerifyArgs, io: CliIo): number {
  const display = (p: string) => nodePath.relative(io.cwd, nodePath.join(dir, ...p.split('/'))) || p;
  const code = printDiagnostics(
    [...diags].sort(compareDiagnostics).map((d) => reportedDiagnostic(d, display)),
    fileCount,
    args,
    io,
  );
  const drift = diags.filter((d) => checkCodes.has(d.code));
  if (args.check && drift.length && code === exitCodes.clean) {
    if (args.format === 'text') io.err(`--check: ${drift.length} finding${drift.length === 1 ? '' : 's'} of drift (modified, outdated, deprecated, not approved or withdrawn).\n`);
    return exitCodes.findings;
  }
  return code;
}

/** verify on a repository with installs: the installed files against genai-assets.lock.json and the library, and each installed file's own checks. */
async function verifyInstalled(dir: string, args: VerifyArgs, io: CliIo, deps: PilotCliDeps): Promise<number> {
  const installs = (await readInstalls(dir, pilotWriteOptions(deps, io)))!;
  const lib = await openLibraryForPilot(libraryOfInstalls(installs, args.library, io), io, deps, { offline: args.offline });
  const read = pilotFileReader(dir);
  const diags: Diagnostic[] = [];
  try {
    diags.push(...(await verifyInstalls({ lock: installs.lock, lockText: installs.text, catalog: lib.opened.catalog, source: lib.source, readRepoFile: read })));
  } finally {
    lib.close();
  }
  const paths = installedPaths(installs.lock);
  for (const p of paths) {
    const bytes = await read(p);
    if (bytes) diags.push(...parseAndCheck(p, bytes).diagnostics);
  }
  return report(dir, diags, paths.length + 1, args, io);
}
