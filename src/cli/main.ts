// genai-assets: the command-line twin of the extension (validate, list, show, approve, ...).

import * as readline from 'node:readline';
import { UserError } from '../core/errors';
import type { CliCommand } from './command';
import { helpText, parseCommandArgs } from './command';
import { addCommand } from './commands/add';
import { approveCommand } from './commands/approve';
import { installCommand } from './commands/install';
import { listCommand } from './commands/list';
import { mcpCommand } from './commands/mcp';
import { outdatedCommand } from './commands/outdated';
import { proposeCommand } from './commands/propose';
import { scaffoldCommand } from './commands/scaffold';
import { showCommand } from './commands/show';
import { syncCommand } from './commands/sync';
import { updateCommand } from './commands/update';
import { validateCommand } from './commands/validate';
import { verifyCommand } from './commands/verify';
import { whereUsedCommand } from './commands/whereUsed';
import type { CliIo } from './io';
import { exitCodes, guardedIo } from './io';
import { version } from './version';

/**
 * The commands by name, in the order the help lists them. Each is read when it runs (or for the main help):
 * in the CLI's lazy build an import is a stand-in, so a command loads its own module and no other's.
 */
export const commands: Readonly<Record<string, () => CliCommand>> = {
  validate: () => validateCommand,
  list: () => listCommand,
  show: () => showCommand,
  approve: () => approveCommand,
  sync: () => syncCommand,
  scaffold: () => scaffoldCommand,
  install: () => installCommand,
  verify: () => verifyCommand,
  outdated: () => outdatedCommand,
  update: () => updateCommand,
  'where-used': () => whereUsedCommand,
  add: () => addCommand,
  propose: () => proposeCommand,
  mcp: () => mcpCommand,
};

function mainHelp(): string {
  const all = Object.values(commands).map((c) => c());
  const width = Math.max(...all.map((c) => c.synopsis.length)) + 3;
  return `genai-assets ${version} - the GenAI Asset Library on the command line

Usage: genai-assets <command> [options]

Commands:
${all.map((c) => `  ${c.synopsis.padEnd(width)}${c.summary}`).join('\n')}

Run \`genai-assets <command> --help\` for a command's options.
Exit codes: 0 clean, 1 findings at error level (or over --max-warnings), 2 usage or I/O error.
`;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[], callerIo: CliIo): Promise<number> {
  // Everything written goes through the guard that escapes control characters.
  const io = guardedIo(callerIo);
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      io.out(mainHelp());
      return name === undefined ? exitCodes.usage : exitCodes.clean;
    }
    if (name === '--version' || name === '-v') {
      io.out(`${version}\n`);
      return exitCodes.clean;
    }
    const command = Object.hasOwn(commands, name) ? commands[name]() : undefined;
    if (!command) throw new UserError(`Unknown command \`${name}\`.\n\n${mainHelp()}`);
    const args = parseCommandArgs(command, rest);
    if (args === 'help') {
      io.out(helpText(command));
      return exitCodes.clean;
    }
    return await command.run(args, io);
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
