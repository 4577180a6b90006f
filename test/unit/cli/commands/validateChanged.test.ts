// genai-assets validate --changed: on a real git repository with real commits, the findings are those of a full run for the files the change reaches.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import { fixturesDir, testCacheDir } from '../../paths';

interface Finding {
  file: string;
  code: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number } };
}

const problems = path.join(fixturesDir, 'catalog', 'cross-asset-problems');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false };
  return { code: await main(args, io), out, err };
}

async function findings(args: string[], cwd: string): Promise<{ code: number; diagnostics: Finding[]; files: number; err: string }> {
  const r = await run(['validate', '--format', 'json', ...args], cwd);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.err}`);
  const json = JSON.parse(r.out) as { diagnostics: Finding[]; summary: { files: number } };
  return { code: r.code, diagnostics: json.diagnostics, files: json.summary.files, err: r.err };
}

/** The top folder of a finding's file ('' for a file at the root). */
const folderOf = (d: Finding): string => (d.file.includes('/') ? d.file.slice(0, d.file.indexOf('/')) : '');

describe('cli validate --changed', function () {
  this.timeout(60000);
  let tmp: string;
  let repo: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-changed-'));
    repo = path.join(tmp, 'repo');
    fs.cpSync(problems, repo, { recursive: true });
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'The library');
    // A pull request: a prompt edited and a deprecated asset deleted in commits, then work not yet committed.
    git(repo, 'switch', '-q', '-c', 'feature');
    fs.appendFileSync(path.join(repo, 'greeting', 'greeting.prompt'), '\nAlso mention {{ undeclaredThing }}.\n');
    git(repo, 'commit', '-q', '-am', 'Greeting: mention a thing');
    git(repo, 'rm', '-q', '-r', 'old-greeting');
    git(repo, 'commit', '-q', '-m', 'Remove old-greeting');
    fs.writeFileSync(path.join(repo, 'wrong-model', 'p.prompt'), '---\nmodel: anthropic/claude-3-haiku\ninput:\n  schema:\n    name: string\n---\nHello {{ name }} and {{ anotherUndeclared }}.\n');
    fs.mkdirSync(path.join(repo, 'fresh'));
    fs.writeFileSync(path.join(repo, 'fresh', 'asset.yaml'), 'kind: prompt\nversion: 1.0.0\nstatus: draft\nowners: [team-a]\nentry: fresh.prompt\ndependsOn:\n  - no-such-asset\n');
    fs.writeFileSync(path.join(repo, 'fresh', 'fresh.prompt'), '---\nmodel: openai/gpt-4o-mini\n---\nHello {{ who }}.\n');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reports what a full run reports for the files the change reaches: changed assets, their dependents, the suites targeting them, uncommitted work', async () => {
    const full = await findings([], repo);
    const changed = await findings(['--changed=main'], repo);
    // greeting: edited; greeting-evals and future-evals target it; uses-old depended on the deleted old-greeting;
    // wrong-model: edited in the work tree; fresh: untracked.
    const reached = ['greeting', 'greeting-evals', 'future-evals', 'uses-old', 'wrong-model', 'fresh'];
    assert.deepEqual(
      changed.diagnostics,
      full.diagnostics.filter((d) => reached.includes(folderOf(d))),
    );
    const codes = (folder: string) => changed.diagnostics.filter((d) => folderOf(d) === folder).map((d) => d.code);
    assert.ok(codes('greeting').includes('undefined-variable'), 'the edited prompt');
    assert.ok(codes('uses-old').includes('unknown-reference'), 'the dependent of the deleted asset');
    assert.ok(codes('wrong-model').includes('model-not-allowed') && codes('wrong-model').includes('undefined-variable'), 'uncommitted work');
    assert.ok(codes('fresh').includes('unknown-reference'), 'an untracked asset');
    // Assets the change does not reach are not reported (a full run has findings on them).
    for (const other of ['dup-a', 'no-owners', 'tampered', 'long-prompt']) {
      assert.ok(
        full.diagnostics.some((d) => folderOf(d) === other),
        `the full run reports ${other}`,
      );
      assert.deepEqual(codes(other), []);
    }
    assert.equal(changed.code, 1);
    assert.ok(changed.files < full.files && changed.files >= 11, `${changed.files} of ${full.files} files`);
    assert.match(changed.err, /6 files changed since the merge base of HEAD and main \([0-9a-f]{12}\); checking \d+ files they reach/);
  });

  it('compares with the merge base: commits on the default branch after the fork are not the change', async () => {
    git(repo, 'stash', '-q', '--include-untracked');
    try {
      git(repo, 'switch', '-q', 'main');
      fs.appendFileSync(path.join(repo, 'no-owners', 'asset.yaml'), '# touched on main\n');
      git(repo, 'commit', '-q', '-am', 'Touch no-owners on main');
      git(repo, 'switch', '-q', 'feature');
      const changed = await findings(['--changed=main'], repo);
      assert.deepEqual([...new Set(changed.diagnostics.map(folderOf))].sort(), ['future-evals', 'greeting', 'greeting-evals', 'uses-old']);
      // Without REF: main is the default branch (no origin here).
      assert.deepEqual((await findings(['--changed'], repo)).diagnostics, changed.diagnostics);
      // On the default branch with a clean work tree nothing changed.
      git(repo, 'switch', '-q', 'main');
      const none = await findings(['--changed'], repo);
      assert.deepEqual(none.diagnostics, []);
      assert.equal(none.files, 0);
      assert.match(none.err, /nothing changed since the merge base of HEAD and main/);
    } finally {
      git(repo, 'switch', '-q', 'feature');
      git(repo, 'stash', 'pop', '-q');
    }
  });

  it('a change to library.yaml reaches every file: the full run', async () => {
    const clone = path.join(tmp, 'policy');
    git(tmp, 'clone', '-q', repo, clone);
    git(clone, 'remote', 'set-head', 'origin', 'main');
    git(clone, 'switch', '-q', 'feature');
    fs.appendFileSync(path.join(clone, 'library.yaml'), '# policy reviewed\n');
    const full = await findings([], clone);
    const changed = await findings(['--changed=origin/main'], clone);
    assert.deepEqual(changed.diagnostics, full.diagnostics);
    assert.equal(changed.files, full.files);
    assert.match(changed.err, /library\.yaml changed: checking every file/);
    // In a clone the default branch is origin/HEAD's.
    assert.match((await findings(['--changed'], clone)).err, /merge base of HEAD and origin\/main/);
  });

  it('--changed takes its REF after `=` only: a PATH after it stays a PATH', async () => {
    const r = await findings(['--changed', 'greeting'], repo);
    assert.ok(r.diagnostics.length > 0);
    assert.ok(r.diagnostics.every((d) => d.file.startsWith('greeting/')));
  });

  it('says what to do when there is nothing to compare with: no repository, no default branch, an unknown REF', async () => {
    const plain = path.join(tmp, 'plain');
    fs.cpSync(path.join(problems, 'greeting'), plain, { recursive: true });
    const notGit = await run(['validate', '--changed'], plain);
    assert.equal(notGit.code, 2);
    assert.match(notGit.err, /is not inside a git work tree; run validate without --changed/);
    git(plain, 'init', '-q', '-b', 'trunk');
    git(plain, 'add', '-A');
    git(plain, 'commit', '-q', '-m', 'x');
    const noDefault = await run(['validate', '--changed'], plain);
    assert.equal(noDefault.code, 2);
    assert.match(noDefault.err, /no default branch to compare with \(looked for origin\/HEAD, origin\/main, origin\/master, main, master\); name the revision: --changed=REF/);
    const unknown = await run(['validate', '--changed=no-such-branch'], plain);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--changed=no-such-branch: no such commit, branch or tag/);
    assert.equal((await run(['validate', '--changed=trunk'], plain)).code, 0);
  });
});
