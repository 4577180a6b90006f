// What a CLI command gets from its caller: streams, working directory and environment.

import { terminalSafe } from './output';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Colour text output (a TTY without NO_COLOR). */
  color: boolean;
  /** Asks a question on the terminal; absent when there is none. Resolves undefined when the user gives up (end of input). */
  ask?(question: string): Promise<string | undefined>;
}

/** Exit codes of every command. */
export const exitCodes = { clean: 0, findings: 1, usage: 2 } as const;

/**
 * The same streams behind the one guard all CLI output passes: control characters from library
 * content (ESC, OSC, BEL, CR, C1) are written as visible escapes, in what is printed and in what
 * is asked. Values inside our lines are escaped where the lines are built (`shownValue`).
 */
export function guardedIo(io: CliIo): CliIo {
  return {
    cwd: io.cwd,
    env: io.env,
    color: io.color,
    out: (text) => io.out(terminalSafe(text, io.color)),
    err: (text) => io.err(terminalSafe(text, io.color)),
    // A getter, as the caller's may be: only a command that asks opens the terminal's input.
    get ask() {
      const ask = io.ask;
      return ask && ((question: string) => ask(terminalSafe(question, false)));
    },
  };
}
