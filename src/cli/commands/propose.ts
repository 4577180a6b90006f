// genai-assets propose PATH... --library URL: a prompt file, an instructions file or a modified pilot component, as a branch pushed to the library for review.

import * as nodePath from 'node:path';
import { UserError } from '../../core/errors';
import { redactCredentials } from '../../core/library/source';
import { unifiedDiff } from '../../core/text/unifiedDiff';
import { prepareProposal, ProposalRefused, pushProposal } from '../../app/propose';
import type { PreparedProposal } from '../../app/propose';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { defaultCacheDir, readCliConfig } from '../libraries';

export interface ProposeOptions {
  paths: string[];
  library?: string;
  id?: string;
  message?: string;
  owners: string[];
  bump?: 'patch' | 'minor' | 'major';
  dryRun: boolean;
  /** For the branch's date (tests). */
  now?: Date;
}

export const proposeCommand = defineCommand({
  name: 'propose',
  synopsis: 'propose PATH...',
  summary: 'propose a file or a modified pilot component to a library, as a pushed branch',
  usage: 'propose PATH... --library URL|DIR [--id ID] [--message TEXT] [--owner OWNER...] [--bump patch|minor|major] [--dry-run]',
  description: `Proposes an asset to a library for review: clones the library into a temporary folder (never
the cache), makes the branch propose/<id>-<yyyymmdd> from its default branch, writes the asset,
checks it with the library's policy, commits with your git identity and pushes that branch only.
Prints the branch and, for GitHub, GitLab, Bitbucket and Azure DevOps, where to open the pull request.

PATH is a prompt, instructions or eval file (with its partials after it): a new asset goes into the
folder where the library keeps that kind (prompts/<id>/ in most), with an asset.yaml of status
draft, version 0.1.0, owners from your git identity (or --owner). When the library has an asset of
that id, its file is replaced and its version bumped (an approved asset goes back to review: its
approval no longer matches).

PATH may also be a component of a pilot (its folder or a file of it): the change from the locked
version to the pilot's files is replayed onto the library's current version of the asset (a
three-way merge per file; a conflict refuses, naming the file), and its version is bumped.

Refused, with nothing left behind, when the policy finds errors in the proposed files (they are
printed), on a conflict, or when the remote refuses the branch. --library defaults to the only
library of genai-assets.yaml.`,
  options: {
    library: { type: 'string', value: 'URL|DIR', help: "the library's git URL, or the folder of a checkout of it (its origin is pushed to)" },
    id: { type: 'string', value: 'ID', help: "the asset's id (default: from the file's name, or the component's)" },
    message: { type: 'string', value: 'TEXT', help: 'the commit message (default: Propose <id> <version> and what changed)' },
    owner: { type: 'strings', value: 'OWNER', help: "a new asset's owner (repeatable; default: your git identity)" },
    bump: { type: 'string', value: 'PART', help: "how a changed asset's version moves: patch (default), minor or major", choices: ['patch', 'minor', 'major'] as const },
    'dry-run': { type: 'flag', help: 'prepare and check the proposal, print its files, push nothing' },
  },
  positionals: { min: 1, problem: 'propose takes the files (or the pilot component) to propose.' },
  footer: 'Exit codes: 0 pushed (or checked, with --dry-run), 1 refused by the policy or a conflict, 2 usage, git or I/O error.\n',
  run: ({ options: o, positionals }, io) => runPropose({ paths: positionals, library: o.library, id: o.id, message: o.message, owners: o.owner, bump: o.bump, dryRun: o['dry-run'] }, io),
});

/** Prepares, prints and (unless a dry run) pushes; returns the exit code. */
export async function runPropose(opts: ProposeOptions, io: CliIo): Promise<number> {
  const library = opts.library ?? (await configuredLibrary(io));
  let prepared: PreparedProposal;
  try {
    prepared = await prepareProposal({
      paths: opts.paths.map((p) => nodePath.resolve(io.cwd, p)),
      library,
      id: opts.id,
      message: opts.message,
      owners: opts.owners,
      bump: opts.bump,
      cwd: io.cwd,
      cacheDir: defaultCacheDir(io.env),
      env: io.env,
      now: opts.now,
    });
  } catch (e) {
    if (e instanceof ProposalRefused) {
      io.err(`${e.message}\n`);
      return exitCodes.findings;
    }
    throw e;
  }
  try {
    const what = prepared.isNew ? `new ${prepared.kind} ${prepared.id} ${prepared.version} (draft)` : `${prepared.id} ${prepared.previousVersion ?? ''} -> ${prepared.version}`;
    io.out(`Proposal: ${what}\nBranch:   ${prepared.branch} (from ${prepared.base})\nCommit:   ${prepared.commit}\n`);
    for (const d of prepared.findings) io.err(`${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}\n`);
    if (opts.dryRun) {
      for (const f of prepared.files) io.out(`\n${unifiedDiff(f.path, f.before, f.after)}`);
      io.out('\nDry run: nothing was pushed.\n');
      return exitCodes.clean;
    }
    const pushed = await pushProposal(prepared);
    io.out(`Pushed ${pushed.branch} to ${redactCredentials(prepared.remote)}\n`);
    if (pushed.pullRequestUrl) io.out(`Open the pull request: ${pushed.pullRequestUrl}\n`);
    else io.out(`Open a pull request from ${pushed.branch} into ${prepared.base} on the library's host.\n`);
    return exitCodes.clean;
  } finally {
    await prepared.dispose();
  }
}

/** The only library of genai-assets.yaml, as a URL or folder. */
async function configuredLibrary(io: CliIo): Promise<string> {
  const config = await readCliConfig(io.cwd, io.env);
  const only = config?.libraries.length === 1 ? config.libraries[0] : undefined;
  const value = only ? (only.url ?? only.path) : undefined;
  if (value) return value;
  throw new UserError(
    config?.libraries.length
      ? `genai-assets.yaml lists ${config.libraries.length} libraries; say which one to propose to with --library URL.`
      : 'Give the library to propose to with --library URL (its git URL, or the folder of a checkout of it).',
  );
}
