// genai-assets install REF...: library assets into a repository, where Copilot, Claude Code, Cursor or AGENTS.md readers find them, pinned in genai-assets.lock.json.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { parseAndCheck } from '../../core/checks/fileChecks';
import { UserError } from '../../core/errors';
import { installTargets } from '../../core/install/targets';
import type { InstallTarget } from '../../core/install/targets';
import { installLockFileName } from '../../core/scaffold/lockFile';
import { pilotFileName } from '../../core/scaffold/pilotFile';
import { libraryFromArgument } from '../../app/openLibrary';
import { installInto, planInstallInto } from '../../app/installs';
import { defineCommand, helpText } from '../command';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { shownValue } from '../output';
import { readInstalls } from '../installs';
import { libraryForScaffold, openLibraryForPilot, pilotWriteOptions, shown } from '../pilots';
import type { PilotCliDeps } from '../pilots';

export const installCommand = defineCommand({
  name: 'install',
  synopsis: 'install REF...',
  summary: 'install instructions, prompts, agents, skills into a repository for its coding tools',
  usage: 'install REF... [--into DIR] [--for copilot|claude|cursor|agents ...] [--library DIR|URL] [--ref REF] [--dry-run] [--offline]',
  description: `Installs library assets where each tool reads them (see the README's targets table):
  copilot  .github/instructions/<id>.instructions.md, .github/prompts/<id>.prompt.md,
           .github/agents/<id>.agent.md, .github/skills/<id>/, a section of .github/copilot-instructions.md
  claude   .claude/commands/<id>.md, .claude/agents/<id>.md, .claude/skills/<id>/, a section of CLAUDE.md
  cursor   .cursor/rules/<id>.mdc
  agents   a section of AGENTS.md (repository-wide instructions)
Each reference resolves to the newest version the library's policy allows (policy.scaffoldStatuses);
dependsOn come along. Where a tool needs other front matter (VS Code's applyTo, Cursor's globs),
it is converted exactly and the conversion is listed; where no faithful conversion exists, the
install is refused with the reason. genai-assets.lock.json records the library commit, each
asset's version and target and the sha256 of every file written, so that \`verify\`, \`outdated\`
and \`update\` work on the repository. Nothing is written unless all of it is.`,
  options: {
    into: { type: 'string', value: 'DIR', help: 'the repository to install into (default: the current folder)' },
    for: { type: 'strings', value: 'TOOL,...', help: `the tools: ${installTargets.join(', ')} (repeatable, comma-separated; default copilot)` },
    library: { type: 'string', value: 'DIR|URL', help: 'the library (default: the one the lock records, else the one library of genai-assets.yaml)' },
    ref: { type: 'string', value: 'REF', help: 'branch, tag or commit of a git library' },
    'dry-run': { type: 'flag', help: 'show what would be written, write nothing' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
  },
  positionals: { min: 1, problem: 'install needs at least one reference (an asset id, or id@range).' },
  footer: 'Exit codes: 0 installed, 2 refused (nothing written) or usage error.\n',
  run: ({ options: o, positionals }, io) => runInstall({ refs: positionals, into: o.into, for: o.for, library: o.library, ref: o.ref, dryRun: o['dry-run'], offline: o.offline }, io),
});

export interface InstallArgs {
  refs: string[];
  into?: string;
  for: string[];
  library?: string;
  ref?: string;
  dryRun: boolean;
  offline: boolean;
}

function parseTargets(values: readonly string[]): InstallTarget[] {
  const raw = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = raw.filter((t) => !(installTargets as readonly string[]).includes(t));
  if (bad.length) throw new UserError(`--for takes ${installTargets.join(', ')}; not ${bad.map((b) => `\`${b}\``).join(', ')}.`);
  return raw.length ? ([...new Set(raw)] as InstallTarget[]) : ['copilot'];
}

/** Runs `genai-assets install`; returns the exit code. Refusals throw UserErrors (exit 2). */
export async function runInstall(args: InstallArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const refs = args.refs
    .flatMap((r) => r.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!refs.length) throw new UserError(`install needs at least one reference.\n\n${helpText(installCommand)}`);
  const targets = parseTargets(args.for);
  const dir = nodePath.resolve(io.cwd, args.into ?? '.');
  const st = await fsp.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UserError(`${shown(io, dir)} is not a folder; give the repository to install into with --into DIR.`);
  if (await fsp.lstat(nodePath.join(dir, pilotFileName)).catch(() => undefined))
    throw new UserError(`${shown(io, dir)} is a pilot (it has ${pilotFileName}); add components to it with \`genai-assets add\`. install writes into repositories that are not pilots.`);
  const writeOpts = pilotWriteOptions(deps, io);
  const before = await readInstalls(dir, writeOpts);
  const src =
    args.library !== undefined
      ? libraryFromArgument(args.library, io.cwd, args.ref)
      : before
        ? libraryFromArgument(before.lock.library.url, dir, args.ref ?? before.lock.library.ref)
        : await libraryForScaffold(undefined, args.ref, io);
  const lib = await openLibraryForPilot(src, io, deps, { offline: args.offline });
  const started = Date.now();
  try {
    const { catalog } = lib.opened;
    const planned = args.dryRun ? await planInstallInto(dir, lib, refs, targets, writeOpts) : await installInto(dir, lib, refs, targets, writeOpts);
    const at = /^[0-9a-f]{40}/.test(lib.commit) ? ` at ${lib.commit.slice(0, 12)}` : '';
    const lines = [`${args.dryRun ? 'Would install' : 'Installed'} into ${shownValue(shown(io, dir))} from ${shownValue(catalog.library.name)}${at}:`];
    for (const c of planned.installed) {
      const why = c.reason === 'dependency' ? ` (dependency${c.via ? ` of ${c.via}` : ''})` : '';
      lines.push(`  ${shownValue(`${c.id} ${c.version} (${c.kind})${why} for ${c.target} -> ${c.paths.join(', ')}`)}`);
    }
    if (!planned.installed.length) lines.push('  nothing new to install.');
    for (const c of planned.converted) lines.push(`converted: ${shownValue(c)}`);
    // What each tool will read, through our own engine: an error there is worth knowing before the tool meets it.
    for (const w of planned.writes) {
      if (w.path === installLockFileName) continue;
      for (const d of parseAndCheck(w.path, w.data).diagnostics) if (d.severity === 'error') io.err(`warning: ${shownValue(`${w.path}:${d.range.start.line + 1}: ${d.code} ${d.message}`)}\n`);
    }
    for (const n of planned.notes) lines.push(`note: ${shownValue(n)}`);
    const files = planned.writes.length;
    lines.push(
      args.dryRun
        ? `Dry run: nothing was written (${files} file${files === 1 ? '' : 's'} would be written, ${installLockFileName} included).`
        : `${files} file${files === 1 ? '' : 's'} written in ${Date.now() - started} ms (${installLockFileName} records them). Check them any time with \`genai-assets verify ${shown(io, dir)}\`.`,
    );
    io.out(lines.join('\n') + '\n');
    return exitCodes.clean;
  } finally {
    lib.close();
  }
}
