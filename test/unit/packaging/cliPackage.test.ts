// `npm run package:cli` packs the CLI as @genai-assets/cli: the tarball installs offline into an empty folder and its `genai-assets` runs there.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fixturesDir, repoRoot } from '../paths';
import { assertNotices, bundledParts } from './thirdPartyNotices';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const problems = path.join(fixturesDir, 'catalog', 'cross-asset-problems');
const cleanLib = path.join(fixturesDir, 'cli', 'clean-library');
const rootPkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
const cliPkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'packages', 'cli', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  dependencies?: Record<string, string>;
  license: string;
  files: string[];
};

describe('packaging: the CLI as the npm package @genai-assets/cli (npm run package:cli)', function () {
  this.timeout(120000);
  let tmp: string;
  let tarball: string;
  let installed: string;
  /** Runs the installed bin with `node` (default: this Node) in `cwd`, with a cache folder of its own. */
  let cli: (args: string[], opts?: { cwd?: string; node?: string }) => SpawnSyncReturns<string>;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-cli-package-'));
    const packed = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'packCli.mjs'), '--out', path.join(tmp, 'out')], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(packed.status, 0, packed.stdout + packed.stderr);
    tarball = packed.stdout.trim().split('\n').pop()!;
    assert.ok(fs.existsSync(tarball), `${tarball} was written`);
    // An empty folder, no network: a tarball without dependencies needs nothing from the registry.
    installed = path.join(tmp, 'project');
    fs.mkdirSync(installed);
    const env = { ...process.env, npm_config_cache: path.join(tmp, 'npm-cache'), npm_config_offline: 'true', npm_config_update_notifier: 'false' };
    const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tarball], { cwd: installed, encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const cacheDir = path.join(tmp, 'cli-cache');
    cli = (args, opts = {}) =>
      spawnSync(opts.node ?? process.execPath, [path.join(installed, 'node_modules', '.bin', 'genai-assets'), ...args], {
        cwd: opts.cwd ?? installed,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', GENAI_ASSETS_CACHE_DIR: cacheDir },
      });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is named and versioned as action.yml and .pre-commit-hooks.yaml pin it, with the bin they run, Node >= 20 and no dependencies', () => {
    assert.equal(cliPkg.name, '@genai-assets/cli');
    assert.equal(cliPkg.version, rootPkg.version, 'the CLI has the extension version');
    assert.deepEqual(cliPkg.bin, rootPkg.bin);
    assert.equal(cliPkg.engines.node, '>=20');
    assert.equal(cliPkg.license, 'MIT');
    assert.equal(cliPkg.dependencies, undefined, 'the bundles hold every dependency');
    const action = parseYaml(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: { run?: string }[] } };
    assert.equal(action.inputs['cli-version'].default, cliPkg.version);
    assert.ok(action.runs.steps.some((s) => s.run?.includes(`npx --yes "${cliPkg.name}@$GENAI_ASSETS_CLI_VERSION"`)));
    const [hook] = parseYaml(fs.readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as { entry: string; additional_dependencies: string[] }[];
    assert.deepEqual(hook.additional_dependencies, [`${cliPkg.name}@${cliPkg.version}`]);
    assert.ok(Object.keys(cliPkg.bin).includes(hook.entry.split(' ')[0]));
  });

  it("packs the CLI bundles, the vendor chunks, README, LICENSE and the bundled packages' licences, and nothing else (no maps, sources or editor bundles)", () => {
    const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').filter(Boolean);
    for (const f of [
      'package/package.json',
      'package/README.md',
      'package/LICENSE',
      'package/dist/cli.js',
      'package/dist/cli/warm.js',
      'package/dist/cli/parseWorker.js',
      'package/dist/vendor/yaml.js',
      'package/dist/THIRD_PARTY_NOTICES.txt',
    ]) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    for (const f of files)
      assert.match(f, /^package\/(package\.json|README\.md|LICENSE|dist\/cli\.js|dist\/cli\/[\w.-]+\.js|dist\/vendor\/[\w.-]+\.js|dist\/THIRD_PARTY_NOTICES\.txt)$/, `${f} should not be packed`);
    const size = fs.statSync(tarball).size;
    assert.ok(size > 200_000 && size < 10_000_000, `tarball of ${size} bytes`);
  });

  it('installs the licence of every package its bundles hold (dist/THIRD_PARTY_NOTICES.txt), none of them copyleft', () => {
    // A development build of the same sources: its source maps list every input of each bundle the package holds.
    const dev = path.join(tmp, 'dev-build');
    const built = spawnSync(process.execPath, ['esbuild.mjs', '--outdir', dev], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stdout + built.stderr);
    const bundles = [
      'cli.js',
      ...fs
        .readdirSync(path.join(dev, 'cli'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `cli/${f}`),
      ...fs
        .readdirSync(path.join(dev, 'vendor'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `vendor/${f}`),
    ];
    const notices = fs.readFileSync(path.join(installed, 'node_modules', ...cliPkg.name.split('/'), 'dist', 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    assertNotices(notices, bundledParts(bundles.map((f) => path.join(dev, f))));
  });

  it('installs offline into an empty folder: --version, and validate exits 1 on a library with errors and 0 on a clean one', () => {
    const version = cli(['--version']);
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), cliPkg.version);
    const bad = cli(['validate', problems]);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /error model-not-allowed /);
    assert.match(bad.stdout, /\d+ files checked: [1-9]\d* errors/);
    const clean = cli(['validate', '.'], { cwd: cleanLib });
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /files checked: 0 errors, 0 warnings/);
    const sarif = JSON.parse(cli(['validate', problems, '--format', 'sarif']).stdout) as { version: string; runs: { tool: { driver: { name: string; version: string } } }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].tool.driver.version, cliPkg.version);
  });

  it("runs action.yml's npx command against the installed package (npx takes the local install; no registry)", () => {
    const action = parseYaml(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as { runs: { steps: { id?: string; run?: string }[] } };
    const step = action.runs.steps.find((s) => s.id === 'validate')!;
    const lib = path.join(installed, 'library');
    fs.cpSync(problems, lib, { recursive: true });
    const githubOutput = path.join(tmp, 'github_output');
    fs.writeFileSync(githubOutput, '');
    const sarifFile = path.join(tmp, 'out.sarif');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run!], {
      cwd: installed,
      encoding: 'utf8',
      env: {
        ...process.env,
        npm_config_offline: 'true',
        npm_config_cache: path.join(tmp, 'npm-cache'),
        npm_config_update_notifier: 'false',
        GITHUB_OUTPUT: githubOutput,
        GENAI_ASSETS_PATH: 'library',
        GENAI_ASSETS_CLI_VERSION: cliPkg.version,
        GENAI_ASSETS_MAX_WARNINGS: '',
        GENAI_ASSETS_CHANGED_ONLY: 'false',
        GENAI_ASSETS_BASE_REF: '',
        GENAI_ASSETS_SARIF: sarifFile,
        GENAI_ASSETS_CACHE_DIR: path.join(tmp, 'cli-cache'),
      },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(githubOutput, 'utf8'), /^exit-code=1$/m);
    const sarif = JSON.parse(fs.readFileSync(sarifFile, 'utf8')) as { runs: { results: { level: string }[] }[] };
    assert.ok(sarif.runs[0].results.some((x) => x.level === 'error'));
  });

  it('runs on Node 22 as well, when npm has node@22 in its cache', function () {
    // Offline: the test downloads nothing. `npm exec --yes --package=node@22 -- node --version` once puts it in the cache.
    const probe = spawnSync(npm, ['exec', '--yes', '--offline', '--package=node@22', '--', 'node', '-p', 'process.version + "\\n" + process.execPath'], { encoding: 'utf8', timeout: 30000 });
    const [v, node22] = (probe.stdout ?? '').trim().split('\n');
    if (probe.status !== 0 || !/^v22\./.test(v ?? '') || !node22) {
      console.log(
        `    (skipped: no Node 22 in npm's cache; \`npm exec --yes --package=node@22 -- node --version\` fetches it: ${(probe.stderr ?? '').trim().split('\n')[0] || probe.error?.message || 'no output'})`,
      );
      this.skip();
    }
    assert.equal(cli(['--version'], { node: node22 }).stdout.trim(), cliPkg.version);
    assert.equal(cli(['validate', problems], { node: node22 }).status, 1);
    assert.equal(cli(['validate', '.'], { node: node22, cwd: cleanLib }).status, 0);
  });
});
