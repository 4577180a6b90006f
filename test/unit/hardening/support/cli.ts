// The CLI's main() in this process (the same code as dist/cli.js), with its output collected.

import { main } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import { tempDir, testGitEnv } from '../../support/gitServer';

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `genai-assets ARGS` in `cwd` with the tests' git environment and a cache folder of its own. */
export async function runCli(args: string[], cwd: string): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: tempDir('cache') }, color: false };
  const code = await main(args, io);
  return { code, out, err };
}
