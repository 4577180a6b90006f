// Runs the integration suite with mocha inside VS Code's extension host; both runners load this module's `run()`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Environment variable naming a file that receives the suite's report: in code-server the extension host's
 * console is not the terminal, so scripts/runIntegration.mjs prints this file.
 */
export const reportFileVariable = 'GENAI_ASSETS_TEST_REPORT';

/** Runs every bundled `*.test.js` beside this module; rejects when a test fails (VS Code then exits with 1). */
export async function run(): Promise<void> {
  const reportFile = process.env[reportFileVariable];
  if (reportFile) fs.writeFileSync(reportFile, '');
  const write = (line: string): void => {
    console.log(line);
    if (reportFile) fs.appendFileSync(reportFile, line + '\n');
  };
  // GENAI_ASSETS_TEST_GREP (from INTEGRATION_GREP): only the tests whose full title matches.
  const grep = process.env.GENAI_ASSETS_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: lineReporter(write), ...(grep ? { grep: new RegExp(grep) } : {}) });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** A spec-like reporter that writes plain lines through `write` and ends with `N passed, N failed`. */
function lineReporter(write: (line: string) => void): typeof Mocha.reporters.Base {
  const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
  return class LineReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      let depth = 0;
      const failed: Array<{ test: Mocha.Test; error: Error }> = [];
      const indent = (): string => '  '.repeat(Math.max(0, depth - 1));
      runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
        depth++;
        if (suite.title) write(`${indent()}${suite.title}`);
      });
      runner.on('suite end', () => depth--);
      runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => write(`${indent()}  ✓ ${test.title} (${test.duration ?? 0} ms)`));
      runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => write(`${indent()}  - ${test.title} (skipped)`));
      runner.on(EVENT_TEST_FAIL, (test: Mocha.Test, error: Error) => {
        failed.push({ test, error });
        write(`${indent()}  ${failed.length}) ${test.title}`);
      });
      runner.once(EVENT_RUN_END, () => {
        failed.forEach(({ test, error }, index) => {
          write('');
          write(`${index + 1}) ${test.fullTitle()}:`);
          write(`   ${error.stack ?? String(error)}`.replace(/\n/g, '\n   '));
        });
        const { passes, failures, pending } = this.stats;
        write('');
        write(`${passes} passed, ${failures} failed${pending > 0 ? `, ${pending} skipped` : ''}`);
      });
    }
  };
}
