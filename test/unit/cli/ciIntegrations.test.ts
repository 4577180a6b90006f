// The CI integrations: the VS Code problem matcher, the GitHub Action (action.yml) and the pre-commit hook, each run on fixture libraries.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { formatText, summarise } from '../../../src/cli/output';
import type { ReportedDiagnostic } from '../../../src/cli/output';
import { fixturesDir, repoRoot, testCacheDir } from '../paths';
import { multitoolFindings, sarifValidator } from '../support/sarif';
import type { Sarif } from '../support/sarif';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  contributes: { problemMatchers: { name: string; owner: string; fileLocation: string[]; pattern: Record<string, string | number> }[] };
};
const builtCli = path.join(repoRoot, 'dist', 'cli.js');
const problems = path.join(fixturesDir, 'catalog', 'cross-asset-problems');
const cleanLib = path.join(fixturesDir, 'cli', 'clean-library');
/** The name the CLI is published under (the unscoped `genai-assets` is not ours on the registry). */
const cliPackage = '@genai-assets/cli';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (out += t), cwd, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false };
  return { code: await main(args, io), out };
}

function needBuiltCli(): void {
  assert.ok(fs.existsSync(builtCli), `${builtCli} is missing: run \`npm run build\` first`);
}

describe('cli/ci integrations', () => {
  describe('problem matcher', () => {
    const matcher = pkg.contributes.problemMatchers.find((m) => m.name === 'genai-assets')!;

    it('is contributed as $genai-assets, resolving files against the task folder', () => {
      assert.ok(matcher, 'contributes.problemMatchers has genai-assets');
      assert.equal(matcher.owner, 'genai-assets');
      assert.deepEqual(matcher.fileLocation, ['autoDetect', '${cwd}']);
      assert.deepEqual(Object.fromEntries(Object.entries(matcher.pattern).filter(([k]) => k !== 'regexp')), { file: 1, line: 2, column: 3, severity: 4, code: 5, message: 6 });
    });

    for (const [label, lib] of [
      ['cross-asset-problems', problems],
      ['known-problems', path.join(fixturesDir, 'vscode', 'problems-workspace', 'known-problems')],
      ['editor library', path.join(fixturesDir, 'editor', 'library')],
    ] as const) {
      it(`reads every diagnostic line of validate's text output (${label}): file, line, column, severity, code, message`, async () => {
        const regexp = new RegExp(matcher.pattern.regexp as string);
        const text = await run(['validate', path.relative(repoRoot, lib)], repoRoot);
        const json = JSON.parse((await run(['validate', path.relative(repoRoot, lib), '--format', 'json'], repoRoot)).out) as {
          diagnostics: { file: string; code: string; severity: string; message: string; range: { start: { line: number; character: number } } }[];
        };
        const lines = text.out.trimEnd().split('\n');
        const summary = lines.pop()!;
        assert.match(summary, /files? checked:/);
        assert.equal(regexp.exec(summary), null, 'the summary line is no problem');
        assert.equal(lines.length, json.diagnostics.length);
        assert.ok(lines.length > 0);
        lines.forEach((line, i) => {
          const m = regexp.exec(line);
          assert.ok(m, `not matched: ${line}`);
          const d = json.diagnostics[i];
          const g = (n: string | number) => m[Number(n)];
          assert.deepEqual(
            {
              file: g(matcher.pattern.file),
              line: g(matcher.pattern.line),
              column: g(matcher.pattern.column),
              severity: g(matcher.pattern.severity),
              code: g(matcher.pattern.code),
              message: g(matcher.pattern.message),
            },
            { file: d.file, line: String(d.range.start.line + 1), column: String(d.range.start.character + 1), severity: d.severity, code: d.code, message: d.message },
          );
          assert.ok(fs.existsSync(path.resolve(repoRoot, g(matcher.pattern.file))), `${g(matcher.pattern.file)} resolves from the task folder`);
        });
      });
    }

    it('reads all three severities, and takes the first file:line:col: so drive letters and colons in messages stay put', () => {
      const regexp = new RegExp(matcher.pattern.regexp as string);
      const range = { start: { line: 2, character: 6 }, end: { line: 2, character: 9 } };
      const diags: ReportedDiagnostic[] = (['error', 'warning', 'info'] as const).map((severity) => ({
        code: 'component-outdated',
        severity,
        message: 'Newer: see lib/x.prompt:1:2: error here.',
        file: 'x.prompt',
        range,
        displayFile: 'C:\\work\\lib\\x.prompt',
      }));
      const lines = formatText(diags, summarise(diags, 1), false).trimEnd().split('\n');
      assert.equal(regexp.exec(lines.pop()!), null);
      assert.deepEqual(
        lines.map((l) => regexp.exec(l)?.slice(1)),
        (['error', 'warning', 'info'] as const).map((sev) => ['C:\\work\\lib\\x.prompt', '3', '7', sev, 'component-outdated', 'Newer: see lib/x.prompt:1:2: error here.']),
      );
    });
  });

  describe('GitHub Action (action.yml)', () => {
    interface Step {
      id?: string;
      name?: string;
      uses?: string;
      if?: string;
      run?: string;
      shell?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
    }
    const action = parseYaml(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
      name: string;
      description: string;
      inputs: Record<string, { default?: string; description: string }>;
      outputs: Record<string, { value: string }>;
      runs: { using: string; steps: Step[] };
    };
    const steps = action.runs.steps;
    const validateStep = steps.find((s) => s.id === 'validate')!;
    const failStep = steps[steps.length - 1];

    it('is a composite action: set up Node, validate to SARIF, upload to code scanning, fail on errors', () => {
      assert.ok(action.name && action.description);
      assert.equal(action.runs.using, 'composite');
      assert.match(steps[0].uses ?? '', /^actions\/setup-node@v\d+$/);
      assert.equal(steps[0].with?.['node-version'], '${{ inputs.node-version }}');
      assert.ok(validateStep, 'a step with id validate');
      assert.equal(validateStep.shell, 'bash');
      assert.match(validateStep.run!, new RegExp(`npx --yes "${cliPackage}@\\$GENAI_ASSETS_CLI_VERSION" "\\$\\{args\\[@\\]\\}" > "\\$GENAI_ASSETS_SARIF"`));
      assert.equal(action.inputs['cli-version'].default, pkg.version, 'the action runs the CLI of its own version');
      const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
      assert.ok(upload, 'an upload-sarif step');
      assert.ok(steps.indexOf(upload) > steps.indexOf(validateStep));
      assert.equal(upload.with?.sarif_file, '${{ inputs.sarif-file }}');
      assert.equal(upload.if, "inputs.upload == 'true'");
      assert.equal(failStep.if, "steps.validate.outputs.exit-code == '1'");
      assert.equal(action.outputs['exit-code'].value, '${{ steps.validate.outputs.exit-code }}');
      // Inputs never appear inside a script's text (no expression injection).
      for (const s of steps) assert.doesNotMatch(s.run ?? '', /\$\{\{/);
    });

    /** Runs the validate step's script as the runner would, with the built CLI in place of npx. */
    function runValidateStep(inputs: Record<string, string>, cwd: string): { status: number | null; outputs: Record<string, string>; sarifFile: string; stderr: string } {
      needBuiltCli();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-action-'));
      const githubOutput = path.join(tmp, 'github_output');
      fs.writeFileSync(githubOutput, '');
      const sarifFile = path.join(tmp, 'genai-assets.sarif');
      const script = validateStep.run!.replace(`npx --yes "${cliPackage}@$GENAI_ASSETS_CLI_VERSION"`, `node ${JSON.stringify(builtCli)}`);
      assert.notEqual(script, validateStep.run, 'the npx call was found and replaced');
      const withInputs = (expr: string) => expr.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_m, name: string) => inputs[name] ?? action.inputs[name].default ?? '');
      const env: Record<string, string> = { ...(process.env as Record<string, string>), GITHUB_OUTPUT: githubOutput };
      for (const [k, v] of Object.entries(validateStep.env ?? {})) env[k] = withInputs(v);
      env.GENAI_ASSETS_SARIF = sarifFile;
      const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8' });
      const outputs = Object.fromEntries(
        fs
          .readFileSync(githubOutput, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('=', 2) as [string, string]),
      );
      return { status: r.status, outputs, sarifFile, stderr: r.stderr };
    }

    /** The fail step, if its condition holds for these outputs: its exit status, else undefined. */
    function runFailStep(outputs: Record<string, string>): number | null | undefined {
      if (outputs['exit-code'] !== '1') return undefined;
      return spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', failStep.run!], { encoding: 'utf8' }).status;
    }

    const validate = sarifValidator();

    it('on a library with errors: the step passes, writes valid SARIF for the upload, exit-code 1, and the last step fails', () => {
      const r = runValidateStep({ path: path.relative(repoRoot, problems) }, repoRoot);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.outputs['exit-code'], '1');
      const sarif = JSON.parse(fs.readFileSync(r.sarifFile, 'utf8')) as Sarif;
      assert.ok(validate(sarif), JSON.stringify(validate.errors));
      assert.deepEqual(multitoolFindings(sarif), []);
      assert.ok(sarif.runs[0].results.some((x) => x.level === 'error'));
      assert.equal(runFailStep(r.outputs), 1);
    });

    it('on a clean library: exit-code 0, an empty result list, and the last step does not run', () => {
      const r = runValidateStep({ path: path.relative(repoRoot, cleanLib) }, repoRoot);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.outputs['exit-code'], '0');
      const sarif = JSON.parse(fs.readFileSync(r.sarifFile, 'utf8')) as Sarif;
      assert.ok(validate(sarif), JSON.stringify(validate.errors));
      assert.equal(sarif.runs[0].results.length, 0);
      assert.equal(runFailStep(r.outputs), undefined);
    });

    it('max-warnings turns warnings into a failure; a usage or I/O error fails the validate step itself', () => {
      const warnOnly = path.relative(repoRoot, path.join(problems, 'uses-old'));
      assert.equal(runValidateStep({ path: warnOnly }, repoRoot).outputs['exit-code'], '0');
      const strict = runValidateStep({ path: warnOnly, 'max-warnings': '0' }, repoRoot);
      assert.equal(strict.outputs['exit-code'], '1');
      assert.equal(runFailStep(strict.outputs), 1);
      const missing = runValidateStep({ path: 'no/such/library' }, repoRoot);
      assert.equal(missing.status, 2);
      assert.equal(missing.outputs['exit-code'], '2');
      assert.match(missing.stderr, /^genai-assets: /);
    });
  });

  describe('GitHub Action (action.yml), changed-only', () => {
    it('checks what the pull request changed and reaches: validate --changed against base-ref, in a real repository', () => {
      const action = parseYaml(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
        inputs: Record<string, { default?: string }>;
        runs: { steps: { id?: string; run?: string; env?: Record<string, string> }[] };
      };
      assert.equal(action.inputs['changed-only'].default, 'false');
      assert.equal(action.inputs['base-ref'].default, '');
      const step = action.runs.steps.find((s) => s.id === 'validate')!;
      needBuiltCli();
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-action-changed-'));
      try {
        const repo = path.join(tmp, 'repo');
        fs.cpSync(problems, repo, { recursive: true });
        const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
        git('init', '-q', '-b', 'main');
        git('add', '-A');
        git('commit', '-q', '-m', 'library');
        git('switch', '-q', '-c', 'pr');
        fs.appendFileSync(path.join(repo, 'greeting', 'greeting.prompt'), '\n{{ notDeclared }}\n');
        git('commit', '-q', '-am', 'edit greeting');
        const githubOutput = path.join(tmp, 'github_output');
        fs.writeFileSync(githubOutput, '');
        const sarifFile = path.join(tmp, 'out.sarif');
        const script = step.run!.replace(`npx --yes "${cliPackage}@$GENAI_ASSETS_CLI_VERSION"`, `node ${JSON.stringify(builtCli)}`);
        const env: Record<string, string> = { ...(process.env as Record<string, string>), GITHUB_OUTPUT: githubOutput, GENAI_ASSETS_CACHE_DIR: testCacheDir };
        for (const [k, v] of Object.entries(step.env ?? {}))
          env[k] = v.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_m, name: string) => ({ path: '.', 'changed-only': 'true', 'base-ref': 'main' })[name] ?? action.inputs[name].default ?? '');
        env.GENAI_ASSETS_SARIF = sarifFile;
        const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], { cwd: repo, env, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /1 file changed since the merge base of HEAD and main/);
        assert.match(fs.readFileSync(githubOutput, 'utf8'), /^exit-code=1$/m);
        const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as Sarif;
        const folders = new Set(sarif.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri.split('/')[0]));
        assert.ok(folders.has('greeting'));
        for (const f of folders) assert.ok(['greeting', 'greeting-evals', 'future-evals', 'old-greeting'].includes(f), `${f} is not reached by the change`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
    const hooks = parseYaml(fs.readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      name: string;
      language: string;
      entry: string;
      pass_filenames: boolean;
      additional_dependencies: string[];
    }[];

    it('defines genai-assets-validate: node, the published CLI of this version, the whole library per run', () => {
      assert.equal(hooks.length, 1);
      const [hook] = hooks;
      assert.equal(hook.id, 'genai-assets-validate');
      assert.ok(hook.name);
      assert.equal(hook.language, 'node');
      assert.equal(hook.entry, 'genai-assets validate');
      assert.ok(Object.keys(pkg.bin).includes(hook.entry.split(' ')[0]), 'the entry is the CLI binary');
      assert.equal(hook.pass_filenames, false);
      assert.deepEqual(hook.additional_dependencies, [`${cliPackage}@${pkg.version}`]);
    });

    it('its entry, run as pre-commit does (repository root, no file names), exits 0 when clean and 1 on errors', () => {
      needBuiltCli();
      const [bin, ...args] = hooks[0].entry.split(' ');
      assert.equal(bin, 'genai-assets');
      for (const [lib, expected] of [
        [cleanLib, 0],
        [problems, 1],
      ] as const) {
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-precommit-'));
        try {
          fs.cpSync(lib, repo, { recursive: true });
          const r = spawnSync(process.execPath, [builtCli, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
          assert.equal(r.status, expected, r.stdout + r.stderr);
          assert.match(r.stdout, /files? checked:/);
        } finally {
          fs.rmSync(repo, { recursive: true, force: true });
        }
      }
    });
  });
});
