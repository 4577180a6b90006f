import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commands, main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { fixturesDir, repoRoot, testCacheDir } from '../paths';

const cleanLib = path.join(fixturesDir, 'cli', 'clean-library');
const problems = path.join(fixturesDir, 'catalog', 'cross-asset-problems');

async function run(args: string[], cwd = repoRoot): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false };
  const code = await main(args, io);
  return { code, out, err };
}

function copyToTemp(src: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-cli-'));
  fs.cpSync(src, dir, { recursive: true });
  return dir;
}

describe('cli/main', () => {
  it('validate: a clean library exits 0 with a summary', async () => {
    const r = await run(['validate', cleanLib]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /5 files checked: 0 errors, 0 warnings, 0 infos\./);
  });

  it('validate: findings exit 1; text lines are file:line:col severity code message', async () => {
    const r = await run(['validate', problems]);
    assert.equal(r.code, 1);
    assert.match(r.out, /^test\/fixtures\/catalog\/cross-asset-problems\/ghost-evals\/asset\.yaml:6:5: error unknown-reference /m);
  });

  it('validate --format json prints exactly one object with paths relative to the current folder', async () => {
    const r = await run(['validate', problems, '--format', 'json']);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['diagnostics', 'summary']);
    const d = j.diagnostics.find((x: { code: string }) => x.code === 'unknown-reference');
    assert.equal(d.file, 'test/fixtures/catalog/cross-asset-problems/ghost-evals/asset.yaml');
    assert.deepEqual(d.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 23 } });
    assert.deepEqual(Object.keys(j.summary), ['files', 'errors', 'warnings', 'infos']);
    assert.equal(j.summary.errors, j.diagnostics.filter((x: { severity: string }) => x.severity === 'error').length);
  });

  it('validate --format sarif prints SARIF 2.1.0 with 1-based regions and rule help', async () => {
    const r = await run(['validate', problems, '--format', 'sarif']);
    const s = JSON.parse(r.out);
    assert.equal(s.version, '2.1.0');
    const result = s.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'unknown-reference');
    assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 6, startColumn: 5, endLine: 6, endColumn: 24 });
    const rule = s.runs[0].tool.driver.rules[result.ruleIndex];
    assert.equal(rule.id, 'unknown-reference');
    assert.ok(rule.help.text.length > 10);
  });

  it('validate of one file reports only that file, with its library loaded', async () => {
    const r = await run(['validate', path.join(problems, 'uses-old', 'asset.yaml'), '--format', 'json']);
    const j = JSON.parse(r.out);
    assert.deepEqual([...new Set(j.diagnostics.map((d: { code: string }) => d.code))], ['deprecated-reference']);
    assert.equal(j.summary.files, 1);
    assert.equal(r.code, 0);
  });

  it('--max-warnings turns too many warnings into exit 1', async () => {
    const dir = path.join(problems, 'uses-old');
    assert.equal((await run(['validate', dir, '--max-warnings', '0'])).code, 1);
    assert.equal((await run(['validate', dir, '--max-warnings', '5'])).code, 0);
  });

  it('usage and I/O errors exit 2 with one line on stderr', async () => {
    for (const args of [['validate', '--format', 'xml'], ['validate', '/no/such/path'], ['frobnicate'], ['validate', '--bogus'], ['list', '--kind', 'widget'], ['show']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^genai-assets: /, args.join(' '));
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
  });

  it('every command has --help', async () => {
    for (const c of ['validate', 'list', 'show', 'approve']) {
      const r = await run([c, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^Usage: genai-assets ${c}`));
    }
  });

  it("the command table is keyed by each command's own name, and the main help lists them all in its order", async () => {
    for (const [name, command] of Object.entries(commands)) assert.equal(command().name, name);
    const help = (await run(['--help'])).out;
    const listed = [...help.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed, Object.keys(commands));
  });

  it('list --json prints the catalog contract, filtered', async () => {
    const r = await run(['list', '--library', cleanLib, '--json']);
    const j = JSON.parse(r.out);
    assert.deepEqual(
      j.assets.map((a: { id: string }) => a.id),
      ['hello', 'hello-evals'],
    );
    assert.deepEqual(Object.keys(j.assets[0]), ['id', 'kind', 'format', 'version', 'status', 'title', 'description', 'owners', 'tags', 'path', 'entry']);
    assert.equal(j.assets[0].path, 'hello');
    const evals = JSON.parse((await run(['list', '--library', cleanLib, '--json', '--kind', 'eval'])).out);
    assert.deepEqual(
      evals.assets.map((a: { id: string }) => a.id),
      ['hello-evals'],
    );
  });

  it('show prints an asset with its inputs and covering eval suites', async () => {
    const r = await run(['show', 'hello@^1.0', '--library', cleanLib]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Eval suites: hello-evals@1\.0\.0/);
    assert.match(r.out, /name: string/);
    const j = JSON.parse((await run(['show', 'hello', '--library', cleanLib, '--json'])).out);
    assert.equal(j.asset.reference, 'hello@^1.0');
    const missing = await run(['show', 'hello@^3', '--library', cleanLib]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /No version of `hello` satisfies `\^3`/);
  });

  it('approve writes a digest that validates, keeps comments, and detects later edits', async () => {
    const dir = copyToTemp(cleanLib);
    const r = await run(['approve', 'hello', '--library', dir, '--by', 'Ada Lovelace']);
    assert.equal(r.code, 0, r.err);
    const manifest = fs.readFileSync(path.join(dir, 'hello', 'asset.yaml'), 'utf8');
    assert.match(manifest, /^# The greeting prompt \(comments are kept by approve\)\n/);
    assert.match(manifest, /approval:\n {2}by: Ada Lovelace\n {2}date: "\d{4}-\d{2}-\d{2}"\n {2}digest: sha256:[0-9a-f]{64}\n$/);
    assert.equal((await run(['validate', dir])).code, 0);
    // Approving again gives the same digest (the approval block is excluded from it).
    const digest = /digest: (sha256:\w+)/.exec(manifest)![1];
    await run(['approve', 'hello', '--library', dir, '--by', 'Ada Lovelace']);
    assert.equal(/digest: (sha256:\w+)/.exec(fs.readFileSync(path.join(dir, 'hello', 'asset.yaml'), 'utf8'))![1], digest);
    fs.appendFileSync(path.join(dir, 'hello', 'hello.prompt'), 'One more line.\n');
    const after = JSON.parse((await run(['validate', dir, '--format', 'json'])).out);
    assert.deepEqual(
      after.diagnostics.map((d: { code: string }) => d.code),
      ['approval-digest-mismatch'],
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the built dist/cli.js runs with a shebang and real exit codes', function () {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) execFileSync('node', ['esbuild.mjs'], { cwd: repoRoot });
    assert.match(fs.readFileSync(cli, 'utf8').slice(0, 30), /^#!\/usr\/bin\/env node/);
    const ok = spawnSync('node', [cli, 'validate', cleanLib], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync('node', [cli, 'validate', problems, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.ok(JSON.parse(bad.stdout).summary.errors > 0);
    const usage = spawnSync('node', [cli, 'validate', '--format'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  });
});
