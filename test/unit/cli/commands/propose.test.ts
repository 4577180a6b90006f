// genai-assets propose: what it prints, its exit codes, --dry-run, on a copy of the sample library pushed to through a local bare repository.

import * as assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../../src/cli/main';
import { fixturesDir, sampleLibrary } from '../../paths';
import { cleanupTemp, commitAll, git, makeBare, tempDir, testGitEnv } from '../../support/gitServer';

/** TMPDIR while the tests run (made in before(): another file's cleanupTemp() removes every folder made before it). */
let scratchRoot: string;
let savedTmp: string | undefined;

/** The sample library as a bare repository (main = one commit) and a checkout of it whose origin is that repository. */
function sampleRemote(): { bare: string; checkout: string; main: string } {
  const checkout = path.join(tempDir('lib'), 'library');
  cpSync(sampleLibrary, checkout, { recursive: true });
  git(checkout, 'init', '-q', '-b', 'main');
  const main = commitAll(checkout, 'Sample library');
  const bare = path.join(tempDir('srv'), 'library.git');
  makeBare(checkout, bare);
  return { bare, checkout, main };
}

async function run(args: string[], cwd = tempDir('cwd')): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd, env: { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: tempDir('cache') }, color: false });
  return { code, out, err };
}

const branchesOf = (bare: string) => git(bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean).sort();

describe('cli: propose', function () {
  this.timeout(60_000);
  before(() => {
    scratchRoot = tempDir('tmp');
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratchRoot;
  });
  after(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    cleanupTemp();
  });
  afterEach(() => assert.deepEqual(readdirSync(scratchRoot), [], 'no scratch folder is left'));

  it('--dry-run prints the proposal, its manifest and diffs, and pushes nothing', async () => {
    const lib = sampleRemote();
    const work = tempDir('work');
    writeFileSync(path.join(work, 'Reserve-Estimate.prompt.md'), '---\ndescription: Estimate the reserve for a claim\n---\nEstimate the reserve for ${input:claim}.\n');
    const r = await run(['propose', 'Reserve-Estimate.prompt.md', '--library', lib.bare, '--owner', 'claims-ai@larkspur-mutual.example', '--dry-run'], work);
    assert.equal(r.code, 0, r.err);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    assert.match(r.out, new RegExp(`^Proposal: new prompt reserve-estimate 0\\.1\\.0 \\(draft\\)\\nBranch: {3}propose/reserve-estimate-${day} \\(from main\\)\\nCommit: {3}[0-9a-f]{40}\\n`));
    assert.ok(
      r.out.includes(
        '+id: reserve-estimate\n+kind: prompt\n+version: 0.1.0\n+status: draft\n+title: Reserve estimate\n+description: Estimate the reserve for a claim\n+owners:\n+  - claims-ai@larkspur-mutual.example\n+entry: Reserve-Estimate.prompt.md\n',
      ),
      r.out,
    );
    assert.match(r.out, /\+\+\+ b\/prompts\/reserve-estimate\/Reserve-Estimate\.prompt\.md\n/);
    assert.match(r.out, /\nDry run: nothing was pushed\.\n$/);
    assert.deepEqual(branchesOf(lib.bare), ['main']);
  });

  it('pushes a change to an approved asset from a checkout: version bumped, back to review, the stale approval removed', async () => {
    const lib = sampleRemote();
    const work = tempDir('work');
    const entry = path.join(lib.checkout, 'prompts', 'claim-summary', 'claim-summary.prompt');
    writeFileSync(path.join(work, 'claim-summary.prompt'), readFileSync(entry, 'utf8').replace(/\n$/, '\nKeep it under 120 words.\n'));
    const r = await run(['propose', path.join(work, 'claim-summary.prompt'), '--library', lib.checkout, '--message', 'Shorter claim summaries']);
    assert.equal(r.code, 0, r.err);
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const branch = `propose/claim-summary-${day}`;
    assert.match(r.out, /^Proposal: claim-summary 2\.1\.1 -> 2\.1\.2\n/);
    assert.ok(r.out.includes(`Pushed ${branch} to ${lib.bare}\nOpen a pull request from ${branch} into main on the library's host.\n`), r.out);
    assert.deepEqual(branchesOf(lib.bare), ['main', branch]);
    assert.equal(git(lib.bare, 'rev-parse', 'main'), lib.main);
    assert.equal(git(lib.bare, 'log', '-1', '--format=%s', branch), 'Shorter claim summaries');
    assert.equal(git(lib.bare, 'diff-tree', '-r', '--name-only', '--no-commit-id', branch), 'prompts/claim-summary/asset.yaml\nprompts/claim-summary/claim-summary.prompt');
    const manifest = git(lib.bare, 'show', `${branch}:prompts/claim-summary/asset.yaml`);
    const was = readFileSync(path.join(lib.checkout, 'prompts', 'claim-summary', 'asset.yaml'), 'utf8');
    assert.equal(
      manifest + '\n',
      was
        .replace('version: 2.1.1', 'version: 2.1.2')
        .replace('status: approved', 'status: review')
        .replace(/approval:\n(?: {2}.*\n)+/, ''),
    );
    assert.equal(git(lib.checkout, 'status', '--porcelain'), '', 'the checkout is not touched');
  });

  it('proposes into a library kept in a folder of a larger repository, under that folder', async () => {
    const repo = path.join(tempDir('mono'), 'repo');
    cpSync(path.join(fixturesDir, 'pilot', 'basic-library'), path.join(repo, 'genai'), { recursive: true });
    writeFileSync(path.join(repo, 'README.md'), '# Platform\n');
    git(repo, 'init', '-q', '-b', 'main');
    commitAll(repo, 'Platform');
    const bare = path.join(tempDir('srv'), 'platform.git');
    makeBare(repo, bare);
    const work = tempDir('work');
    writeFileSync(path.join(work, 'farewell.prompt'), 'Say goodbye to {{name}}.\n');
    const r = await run(['propose', 'farewell.prompt', '--library', path.join(repo, 'genai')], work);
    assert.equal(r.code, 0, r.err);
    const branch = /^Branch: {3}(\S+)/m.exec(r.out)?.[1] ?? '';
    assert.equal(git(bare, 'diff-tree', '-r', '--name-only', '--no-commit-id', branch), 'genai/prompts/farewell/asset.yaml\ngenai/prompts/farewell/farewell.prompt');
  });

  it('exits 1 with the findings when the policy refuses, and 2 without a library', async () => {
    const lib = sampleRemote();
    const work = tempDir('work');
    writeFileSync(path.join(work, 'leaky.prompt'), '---\nmodel: openai/gpt-4o-mini\n---\nUse the key sk-proj-' + 'Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1aC3eG5 to call.\n');
    const r = await run(['propose', 'leaky.prompt', '--library', lib.bare], work);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /^The library's policy refuses `leaky` 0\.1\.0: 1 error\(s\) on the proposed files:\n {2}prompts\/leaky\/leaky\.prompt:4:\d+ error secret-in-asset /m);
    assert.deepEqual(branchesOf(lib.bare), ['main']);
    const none = await run(['propose', 'leaky.prompt'], work);
    assert.equal(none.code, 2);
    assert.match(none.err, /Give the library to propose to with --library URL/);
  });
});
