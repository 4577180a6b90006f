// `npm run package:cli`: the CLI as the npm package @genai-assets/cli (packages/cli/), packed with `npm pack`.
//
// The production bundles are built into a staging folder with packages/cli's package.json and README.md
// and the repository's LICENSE; `npm pack` then takes what the package's `files` names (dist/cli.js,
// dist/cli/*.js, dist/vendor/*.js: the bundles hold every dependency, so the package declares none; and
// dist/THIRD_PARTY_NOTICES.txt, the licences of the packages the bundles hold, which the build writes).
// Usage: node scripts/packCli.mjs [--out DIR] [--keep]   (default DIR: dist/; prints the tarball's path)

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const out = path.resolve(arg('--out') ?? path.join(repo, 'dist'));
const keep = process.argv.includes('--keep');

function fail(message) {
  process.stderr.write(`packCli: ${message}\n`);
  process.exit(1);
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const root = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const cli = JSON.parse(fs.readFileSync(path.join(repo, 'packages', 'cli', 'package.json'), 'utf8'));
// One version for the extension, the CLI and what action.yml and .pre-commit-hooks.yaml pin.
if (cli.version !== root.version) fail(`packages/cli/package.json has version ${cli.version}, the extension ${root.version}: give both the same version.`);
if (cli.dependencies && Object.keys(cli.dependencies).length) fail('packages/cli/package.json declares dependencies: the bundles hold them, so the package must not.');

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-cli-'));
try {
  fs.copyFileSync(path.join(repo, 'packages', 'cli', 'package.json'), path.join(stage, 'package.json'));
  fs.copyFileSync(path.join(repo, 'packages', 'cli', 'README.md'), path.join(stage, 'README.md'));
  fs.copyFileSync(path.join(repo, 'LICENSE'), path.join(stage, 'LICENSE'));
  run(process.execPath, ['esbuild.mjs', '--production', '--outdir', path.join(stage, 'dist')], repo);
  fs.mkdirSync(out, { recursive: true });
  const packed = JSON.parse(run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--json', '--pack-destination', out], stage));
  const tarball = path.join(out, packed[0].filename);
  process.stdout.write(`${tarball}\n`);
  if (keep) process.stderr.write(`staging folder kept: ${stage}\n`);
} finally {
  if (!keep) fs.rmSync(stage, { recursive: true, force: true });
}
