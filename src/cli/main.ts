// genai-assets: the command-line twin of the extension (validate, list, show, approve, ...).

import * as os from 'node:os';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors';
import { findLibraryRoot } from '../node/openFolder';
import { ParsePool } from '../node/parsePool';
import { cliLibraries, libraryHistory } from './libraries';
import type { OpenedLibrary } from './libraries';
import type { CatalogLevel } from '../core/library/load';
import { runSync, syncHelp } from './commands/sync';
import { approveHelp, runApprove } from './commands/approve';
import { listHelp, runList } from './commands/list';
import { findAsset, runShow, showHelp } from './commands/show';
import { runValidate, validateHelp } from './commands/validate';
import { addHelp, runAdd } from './commands/add';
import { outdatedHelp, runOutdated } from './commands/outdated';
import { runScaffold, scaffoldHelp } from './commands/scaffold';
import { runUpdate, updateHelp } from './commands/update';
import { runVerify, verifyHelp } from './commands/verify';
import type { CliIo } from './io';
import { exitCodes, guardedIo } from './io';

declare const GENAI_ASSETS_VERSION: string | undefined;
const version = typeof GENAI_ASSETS_VERSION === 'string' ? GENAI_ASSETS_VERSION : '0.1.0';

const mainHelp = `genai-assets ${version} - the GenAI Asset Library on the command line

Usage: genai-assets <command> [options]

Commands:
  validate [PATH...]   check libraries and files (text, json or sarif output)
  list                 list a library's assets
  show REF             show one asset
  approve REF          write an approval digest into an asset's asset.yaml (maintainers)
  sync                 clone or update the configured git libraries
  scaffold             create a pilot from a template and approved components
  verify [PILOT]       check a pilot: local edits, newer versions, deprecations, policy
  outdated [PILOT]     list a pilot's components with current, wanted and latest versions
  update [PILOT]       move components to their wanted versions, file by file (three-way merge)
  add PILOT REF...     add components (and their dependencies) to a pilot

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

/**
 * The libraries a command works on: --library (folder or git URL), else genai-assets.yaml /
 * $GENAI_ASSETS_CONFIG, else the library around the current folder.
 */
async function libraries(library: string | undefined, sync: boolean, io: CliIo, level?: CatalogLevel): Promise<OpenedLibrary[]> {
  // Parsing spreads over worker threads when a library has many files to read (idle workers never hold the process).
  const parser = new ParsePool();
  const opened = await cliLibraries(library, { sync, level, parser }, io);
  if (opened) return opened;
  const { root } = await findLibraryRoot(io.cwd);
  return (await cliLibraries(root, { sync: false, level, parser }, io)) ?? [];
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], callerIo: CliIo): Promise<number> {
  // Everything written goes through the guard that escapes control characters.
  const io = guardedIo(callerIo);
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
        return await runValidate({ paths: positionals, format: format as 'text' | 'json' | 'sarif', maxWarnings, parser: new ParsePool() }, io, version);
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
        // The list shows no diagnostics: read the catalog level only (no positions, no checks).
        const opened = await libraries(values.library as string | undefined, !!values.sync, io, 'catalog');
        return runList(opened.map((o) => o.catalog), { kind, status, tag: values.tag as string | undefined }, !!values.json, io);
      }
      case 'show': {
        const { values, positionals } = parse(rest, { library: { type: 'string' }, json: { type: 'boolean' }, sync: { type: 'boolean' } }, true, showHelp);
        if (values.help) return help(io, showHelp);
        if (positionals.length !== 1) throw new UserError(`show takes exactly one reference.\n\n${showHelp}`);
        const opened = await libraries(values.library as string | undefined, !!values.sync, io);
        const { asset, catalog } = findAsset(opened.map((o) => o.catalog), positionals[0]);
        const lib = opened.find((o) => o.catalog === catalog)!;
        const history = await libraryHistory(lib, asset.path, { env: io.env }).catch(() => []);
        return runShow(catalog, asset, !!values.json, io, history);
      }
      case 'approve': {
        const { values, positionals } = parse(rest, { library: { type: 'string' }, by: { type: 'string' } }, true, approveHelp);
        if (values.help) return help(io, approveHelp);
        if (positionals.length !== 1) throw new UserError(`approve takes exactly one reference.\n\n${approveHelp}`);
        const opened = await libraries(values.library as string | undefined, false, io);
        if (opened[0].git) throw new UserError('approve works on a library folder you can commit from (a checkout of the library), not on a cached clone of a URL; pass --library DIR.');
        const catalogs = opened.map((o) => o.catalog);
        const by = (values.by as string | undefined) ?? io.env.GENAI_ASSETS_USER ?? safeUser();
        return await runApprove(catalogs[0], positionals[0], by, io);
      }
      case 'sync': {
        const { values } = parse(rest, { library: { type: 'string' }, ref: { type: 'string' } }, false, syncHelp);
        if (values.help) return help(io, syncHelp);
        return await runSync({ library: values.library as string | undefined, ref: values.ref as string | undefined }, io);
      }
      case 'scaffold': {
        const { values } = parse(
          rest,
          {
            library: { type: 'string' },
            ref: { type: 'string' },
            template: { type: 'string' },
            name: { type: 'string' },
            with: { type: 'string', multiple: true },
            set: { type: 'string', multiple: true },
            out: { type: 'string' },
            'no-evals': { type: 'boolean' },
            offline: { type: 'boolean' },
          },
          false,
          scaffoldHelp,
        );
        if (values.help) return help(io, scaffoldHelp);
        const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
        return await runScaffold(
          {
            library: values.library as string | undefined,
            ref: values.ref as string | undefined,
            template: values.template as string | undefined,
            name: values.name as string | undefined,
            with: list(values.with),
            set: list(values.set),
            out: values.out as string | undefined,
            noEvals: !!values['no-evals'],
            offline: !!values.offline,
          },
          io,
        );
      }
      case 'verify': {
        const { values, positionals } = parse(rest, { format: { type: 'string' }, 'max-warnings': { type: 'string' }, offline: { type: 'boolean' }, library: { type: 'string' } }, true, verifyHelp);
        if (values.help) return help(io, verifyHelp);
        if (positionals.length > 1) throw new UserError(`verify takes one pilot folder.\n\n${verifyHelp}`);
        const format = (values.format as string | undefined) ?? 'text';
        if (!['text', 'json', 'sarif'].includes(format)) throw new UserError(`--format must be text, json or sarif, not \`${format}\`.`);
        let maxWarnings: number | undefined;
        if (values['max-warnings'] !== undefined) {
          maxWarnings = Number(values['max-warnings']);
          if (!Number.isInteger(maxWarnings) || maxWarnings < 0) throw new UserError(`--max-warnings must be a whole number >= 0, not \`${String(values['max-warnings'])}\`.`);
        }
        return await runVerify(
          { pilot: positionals[0] ?? '.', format: format as 'text' | 'json' | 'sarif', maxWarnings, offline: !!values.offline, library: values.library as string | undefined },
          io,
          version,
        );
      }
      case 'outdated': {
        const { values, positionals } = parse(rest, { json: { type: 'boolean' }, offline: { type: 'boolean' }, library: { type: 'string' } }, true, outdatedHelp);
        if (values.help) return help(io, outdatedHelp);
        if (positionals.length > 1) throw new UserError(`outdated takes one pilot folder.\n\n${outdatedHelp}`);
        return await runOutdated({ pilot: positionals[0] ?? '.', json: !!values.json, offline: !!values.offline, library: values.library as string | undefined }, io);
      }
      case 'update': {
        const { values, positionals } = parse(rest, { 'dry-run': { type: 'boolean' }, offline: { type: 'boolean' }, library: { type: 'string' } }, true, updateHelp);
        if (values.help) return help(io, updateHelp);
        const [pilot, ...refs] = positionals;
        return await runUpdate({ pilot: pilot ?? '.', refs, dryRun: !!values['dry-run'], offline: !!values.offline, library: values.library as string | undefined }, io);
      }
      case 'add': {
        const { values, positionals } = parse(rest, { 'no-evals': { type: 'boolean' }, offline: { type: 'boolean' }, library: { type: 'string' } }, true, addHelp);
        if (values.help) return help(io, addHelp);
        const [pilot, ...refs] = positionals;
        if (pilot === undefined) throw new UserError(`add needs a pilot folder and at least one reference.\n\n${addHelp}`);
        return await runAdd({ pilot, refs, noEvals: !!values['no-evals'], offline: !!values.offline, library: values.library as string | undefined }, io);
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

/** One question on the terminal (stdin/stderr); undefined at end of input. */
function askOnTerminal(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    let answered = false;
    rl.question(question, (a) => {
      answered = true;
      rl.close();
      resolve(a);
    });
    rl.on('close', () => {
      if (!answered) resolve(undefined);
    });
  });
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
    // A getter: process.stdin opens a stream on first read (a few ms), which only the commands that ask need.
    get ask() {
      return process.stdin.isTTY ? askOnTerminal : undefined;
    },
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
