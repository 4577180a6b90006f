// What a CLI command gets from its caller: streams, working directory and environment.

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
