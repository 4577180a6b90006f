// npm run soak: the fuzz properties of the hardening suite with many more runs and a fresh seed (printed, to replay a failure),
// and many more kill -9 and concurrency rounds of the pilot update tests.
// Usage: npm run soak [-- RUNS [SEED]]   (default 5000 runs per property, a random seed)

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const runs = Number(process.argv[2] ?? process.env.FUZZ_RUNS ?? 5000);
const seed = Number(process.argv[3] ?? process.env.FUZZ_SEED ?? randomInt(1, 2 ** 31 - 1));
console.log(`soak: ${runs} runs per property, seed ${seed} (replay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run soak)`);
const r = spawnSync('npx', ['mocha', '--timeout', '0', 'test/unit/hardening/fuzz.test.ts', 'test/unit/hardening/rendering.test.ts', 'test/unit/hardening/pilotUpdate.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
});
process.exitCode = r.status ?? 1;
