// genai-assets approve REF: bind an approval (who, when, which content) to an asset's files.

import * as os from 'node:os';
import * as nodePath from 'node:path';
import { promises as fsp } from 'node:fs';
import { UserError } from '../../core/errors';
import { writeApproval } from '../../core/library/approve';
import type { Catalog } from '../../core/library/types';
import { nodeFileSystem } from '../../node/fileSystem';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { defineCommand } from '../command';
import { commandLibraries } from '../libraries';
import { findAsset } from './show';

export const approveCommand = defineCommand({
  name: 'approve',
  synopsis: 'approve REF',
  summary: "write an approval digest into an asset's asset.yaml (maintainers)",
  usage: 'approve REF [--library DIR] [--by NAME]',
  description: `Maintainers: computes the asset's digest (sha256 over its files; asset.yaml counts by its parsed
content without the approval key, so layout and comments do not count, every value does) and
writes approval { by, date, digest } into its asset.yaml, keeping the rest of the file as it is
(or refusing, with nothing written, when that cannot be done). A later change to any file of the
asset is reported as approval-digest-mismatch; scaffold, add and update refuse the asset then.`,
  options: {
    library: { type: 'string', value: 'DIR', help: 'the library folder (default: the library around the current folder)' },
    by: { type: 'string', value: 'NAME', help: 'who approves (default: $GENAI_ASSETS_USER, else the system user name)' },
  },
  positionals: { min: 1, max: 1, problem: 'approve takes exactly one reference.' },
  async run({ options, positionals }, io) {
    const opened = await commandLibraries(options.library, { sync: false }, io);
    if (opened[0].library.kind === 'git') throw new UserError('approve works on a library folder you can commit from (a checkout of the library), not on a cached clone of a URL; pass --library DIR.');
    return runApprove(opened[0].catalog, positionals[0], options.by ?? io.env.GENAI_ASSETS_USER ?? systemUser(), io);
  },
});

/** Today's date as YYYY-MM-DD in local time. */
export function today(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

export async function runApprove(catalog: Catalog, raw: string, by: string, io: CliIo): Promise<number> {
  const { asset } = findAsset([catalog], raw);
  if (!asset.managed || !asset.manifest) {
    throw new UserError(`\`${asset.id}\` (${asset.path}) has no asset.yaml, so it cannot be approved; create an asset folder with an asset.yaml around it first.`);
  }
  if (!by.trim()) throw new UserError('No approver name: pass --by NAME.');
  const abs = nodePath.join(catalog.root, ...asset.manifest.split('/'));
  const text = await fsp.readFile(abs, 'utf8');
  const blocking = catalog.diagnostics.filter((d) => asset.files.includes(d.file) && d.severity === 'error' && d.code !== 'approval-digest-mismatch' && d.code !== 'approval-missing');
  const result = writeApproval(text, asset, catalog.files, by.trim(), today());
  await nodeFileSystem.writeFile(abs, result.text);
  io.out(`Approved ${asset.id}@${asset.version} by ${by.trim()}: ${result.digest}\nWrote ${nodePath.relative(io.cwd, abs) || abs}\n`);
  if (asset.status !== 'approved') io.err(`Note: ${asset.id} has status \`${asset.status}\`; set \`status: approved\` for the approval to take effect.\n`);
  if (blocking.length) io.err(`Warning: ${asset.id} has ${blocking.length} error(s); run \`genai-assets validate ${asset.path}\`.\n`);
  return exitCodes.clean;
}

/** The system's name for the current user ('' when it has none, e.g. a container user without a passwd entry). */
function systemUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}
