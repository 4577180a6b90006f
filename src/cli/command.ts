// What a genai-assets command is: a name, its help and declared options (from which --help and argument errors are made), and run.

import { parseArgs } from 'node:util';
import { UserError } from '../core/errors';
import type { CliIo } from './io';

export interface CliOption {
  /**
   * flag: `--x`; string: `--x VALUE`; strings: `--x VALUE`, repeatable; count: `--x N`, a whole number >= 0;
   * optional: `--x` or `--x=VALUE` (the value only after `=`, so that the next argument stays a positional).
   */
  type: 'flag' | 'string' | 'strings' | 'count' | 'optional';
  /** The value's name in the help (`--format F`). */
  value?: string;
  /** The option's line in the help. */
  help: string;
  /** The values allowed; any other is a usage error. */
  choices?: readonly string[];
}

export type CliOptions = Record<string, CliOption>;

/** The value of a parsed option of declaration `O`. */
type OptionValue<O extends CliOption> = O['type'] extends 'flag'
  ? boolean
  : O['type'] extends 'strings'
    ? string[]
    : O['type'] extends 'optional'
      ? string | true | undefined
      : O['type'] extends 'count'
        ? number | undefined
        : O extends { choices: readonly (infer C)[] }
          ? C | undefined
          : string | undefined;

export interface CommandArgs<O extends CliOptions> {
  options: { [K in keyof O]: OptionValue<O[K]> };
  positionals: string[];
}

export interface CliCommand<O extends CliOptions = CliOptions> {
  name: string;
  /** The command as the main help lists it (`verify [PILOT]`). */
  synopsis: string;
  /** What it does, one line of the main help. */
  summary: string;
  /** The usage after `Usage: genai-assets ` in its help. */
  usage: string;
  /** The paragraphs of its help between the usage and the options. */
  description: string;
  options: O;
  /** Positional arguments taken (none when absent), and the message when their number is wrong. */
  positionals?: { min?: number; max?: number; problem?: string };
  /** What its help says after the options (exit codes...). */
  footer?: string;
  /** Runs the command; returns the exit code. Usage problems throw UserErrors (exit 2). */
  run(args: CommandArgs<O>, io: CliIo): Promise<number> | number;
}

/** A command, its option values typed by their declarations. */
export function defineCommand<const O extends CliOptions>(command: CliCommand<O>): CliCommand<O> {
  return command;
}

/** `a`, `a or b`, `a, b or c`. */
function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** A command's --help: usage, description, then one line per declared option (and -h, --help), then the footer. */
export function helpText(command: CliCommand): string {
  const rows = Object.entries(command.options).map(([name, o]) => [`--${name}${o.value ? (o.type === 'optional' ? `[=${o.value}]` : ` ${o.value}`) : ''}`, o.help]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const options = rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`).join('\n');
  return `Usage: genai-assets ${command.usage}\n\n${command.description}\n\nOptions:\n${options}\n${command.footer ? `\n${command.footer}` : ''}`;
}

/** The arguments after the command's name, checked against its declarations; 'help' for --help. Problems throw UserErrors. */
export function parseCommandArgs<O extends CliOptions>(command: CliCommand<O>, argv: string[]): CommandArgs<O> | 'help' {
  const config: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(command.options)) config[name] = { type: o.type === 'flag' ? 'boolean' : 'string', multiple: o.type === 'strings' };
  // An optional value is given after `=` only: a bare `--x` is read as `--x=` (then as given without a value).
  const optional = new Set(Object.keys(command.options).filter((name) => command.options[name].type === 'optional'));
  const args = argv.map((a, i) => (optional.has(a.slice(2)) && a.startsWith('--') && !argv.slice(0, i).includes('--') ? `${a}=` : a));
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: !!command.positionals, strict: true });
  } catch (e) {
    throw new UserError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/, '')}\n\n${helpText(command)}`);
  }
  if (parsed.values.help) return 'help';
  const options: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(command.options)) {
    const v = parsed.values[name];
    if (o.type === 'flag') options[name] = !!v;
    else if (o.type === 'strings') options[name] = Array.isArray(v) ? v.map(String) : [];
    else if (typeof v !== 'string') options[name] = undefined;
    else if (o.type === 'optional') {
      if (v === '' && !argv.includes(`--${name}`)) throw new UserError(`--${name}= needs a value after \`=\` (or give --${name} alone).`);
      options[name] = v === '' ? true : v;
    } else if (o.type === 'count') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UserError(`--${name} must be a whole number >= 0, not \`${v}\`.`);
      options[name] = n;
    } else {
      if (o.choices && !o.choices.includes(v)) throw new UserError(`--${name} must be ${orList(o.choices)}, not \`${v}\`.`);
      options[name] = v;
    }
  }
  const { min = 0, max = Infinity, problem } = command.positionals ?? {};
  const n = parsed.positionals.length;
  if (n < min || n > max) throw new UserError(`${problem ?? `${command.name} takes ${min === max ? min : `${min} to ${max}`} arguments.`}\n\n${helpText(command)}`);
  return { options: options as CommandArgs<O>['options'], positionals: parsed.positionals };
}
