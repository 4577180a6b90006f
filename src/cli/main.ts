// genai-assets: the command-line twin of the extension (validate, list, show, approve, ...).

import * as os from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors';
import type { Catalog } from '../core/library/types';
import { findLibraryRoot, openFolderLibrary } from '../node/openFolder';
import { approveHelp, runApprove } from './commands/approve';
import { listHelp, runList } from './commands/list';
import { findAsset, runShow, showHelp } from './commands/show';
import { runValidate, validateHelp } from './commands/validate';
import type { CliIo } from './io';
import { exitCodes } from './io';

declare const GENAI_ASSETS_VERSION: string | undefined;
const version = typeof GENAI_ASSETS_VERSION === 'string' ? GENAI_ASSETS_VERSION : '0.1.0';

const mainHelp = `genai-assets ${version} - the GenAI Asset Library on the command line

Usage: genai-assets <command> [options]

Commands:
  validate [PATH...]   check libraries and files (text, json or sarif output)
  list                 list a library's assets
  show REF             show one asset
  approve REF          write an approval digest into an asset's asset.yaml (maintainers)

Run \`genai-assets <command> --help\` for a command's options.
Exit codes: 0 clean, 1 findings at error level (or over --max-warnings), 2 usage or I/O error.
`;

/** Parses argv for one command; usage problems become UserErrors. */
function parse(args: string[], options: ParseArgsConfig['options'], allowPositionals: boolean, help: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UserError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/, '')}\n\n${help}`);
  }
}

async function libraryCatalogs(library: string | undefined, io: CliIo): Promise<Catalog[]> {
  if (library) return [await openFolderLibrary(resolvePath(io, library))];
  const { root } = await findLibraryRoot(io.cwd);
  return [await openFolderLibrary(root)];
}

function resolvePath(io: CliIo, p: string): string {
  return p.startsWith('/') ? p : `${io.cwd}/${p}`;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(mainHelp);
        return command === undefined ? exitCodes.usage : exitCodes.clean;
      case '--version':
      case '-v':
        io.out(`${version}\n`);
        return exitCodes.clean;
      case 'validate': {
        const { values, positionals } = parse(rest, { format: { type: 'string' }, 'max-warnings': { type: 'string' } }, true, validateHelp);
        if (values.help) return help(io, validateHelp);
        const format = (values.format as string | undefined) ?? 'text';
        if (!['text', 'json', 'sarif'].includes(format)) throw new UserError(`--format must be text, json or sarif, not \`${format}\`.`);
        let maxWarnings: number | undefined;
        if (values['max-warnings'] !== undefined) {
          maxWarnings = Number(values['max-warnings']);
          if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UserError(`--max-warnings must be a whole number >= 0, not \`${String(values['max-warnings'])}\`.`);
        }
        return await runValidate({ paths: positionals, format: format as 'text' | 'json' | 'sarif', maxWarnings }, io, version);
      }
      case 'list': {
        const { values, positionals } = parse(
          rest,
          { library: { type: 'string' }, kind: { type: 'string' }, status: { type: 'string' }, tag: { type: 'string' }, json: { type: 'boolean' }, sync: { type: 'boolean' } },
          false,
          listHelp,
        );
        if (values.help) return help(io, listHelp);
        void positionals;
        const kind = values.kind as string | undefined;
        const status = values.status as string | undefined;
        if (kind && !['prompt', 'eval', 'module', 'template'].includes(kind)) throw new UserError(`--kind must be prompt, eval, module or template, not \`${kind}\`.`);
        if (status && !['draft', 'review', 'approved', 'deprecated'].includes(status)) throw new UserError(`--status must be draft, review, approved or deprecated, not \`${status}\`.`);
        const catalogs = await libraryCatalogs(values.library as string | undefined, io);
        return runList(catalogs, { kind, status, tag: values.tag as string | undefined }, !!values.json, io);
      }
      case 'show': {
        const { values, positionals } = parse(rest, { library: { type: 'string' }, json: { type: 'boolean' }, sync: { type: 'boolean' } }, true, showHelp);
        if (values.help) return help(io, showHelp);
        if (positionals.length !== 1) throw new UserError(`show takes exactly one reference.\n\n${showHelp}`);
        const catalogs = await libraryCatalogs(values.library as string | undefined, io);
        const { asset, catalog } = findAsset(catalogs, positionals[0]);
        return runShow(catalog, asset, !!values.json, io);
      }
      case 'approve': {
        const { values, positionals } = parse(rest, { library: { type: 'string' }, by: { type: 'string' } }, true, approveHelp);
        if (values.help) return help(io, approveHelp);
        if (positionals.length !== 1) throw new UserError(`approve takes exactly one reference.\n\n${approveHelp}`);
        const catalogs = await libraryCatalogs(values.library as string | undefined, io);
        const by = (values.by as string | undefined) ?? io.env.GENAI_ASSETS_USER ?? safeUser();
        return await runApprove(catalogs[0], positionals[0], by, io);
      }
      default:
        throw new UserError(`Unknown command \`${command}\`.\n\n${mainHelp}`);
    }
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`genai-assets: ${e.message.trimEnd()}\n`);
      return exitCodes.usage;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) {
      io.err(`genai-assets: ${err.message}\n`);
      return exitCodes.usage;
    }
    io.err(`genai-assets: internal error: ${(e as Error)?.stack ?? String(e)}\nPlease report this.\n`);
    return exitCodes.usage;
  }
}

function help(io: CliIo, text: string): number {
  io.out(text);
  return exitCodes.clean;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

if (require.main === module) {
  // A closed pipe (e.g. `| head`) ends the program quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`genai-assets: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
