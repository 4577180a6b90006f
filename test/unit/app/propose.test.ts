// propose with real git: libraries served by git daemon (receive-pack enabled) and by git http-backend over HTTPS; what the branch holds, and that refusals leave nothing behind.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { prepareProposal, ProposalRefused, proposalBranch, pullRequestUrl, pushProposal } from '../../../src/app/propose';
import type { ProposeRequest } from '../../../src/app/propose';
import { main } from '../../../src/cli/main';
import { GitError } from '../../../src/core/errors';
import { cleanupTemp, commitAll, freePort, git, GitDaemon, makeBare, tempDir, testGitEnv, writeFiles } from '../support/gitServer';
import { editFile, gitLibrary } from '../support/pilotLibrary';
import { haveOpenssl, HttpsGitServer } from '../hardening/support/httpsGit';

const now = new Date('2026-12-07T10:00:00Z');
// Folders made in before(): another test file's cleanupTemp() removes every folder made before it runs.
let base: string;
let cacheDir: string;
/** The proposals' temp folders go here (TMPDIR), so that a test sees what is left behind. */
let scratchRoot: string;

// The proposer's identity comes from git's configuration, not from GIT_AUTHOR_* (those name who made the library's commits).
const env: Record<string, string> = Object.fromEntries(Object.entries(testGitEnv).filter(([k]) => !/^GIT_(AUTHOR|COMMITTER)_/.test(k)));

let daemon: GitDaemon;
let https: HttpsGitServer | undefined;
let savedTmp: string | undefined;

/** A fresh copy of the fixture library, as work repository and bare repository `<name>.git` served by both servers (pushes allowed). */
function library(name: string, extra: Record<string, string> = {}): { work: string; bare: string; main: string } {
  const { dir: work, commit: first } = gitLibrary('basic-library');
  let commit = first;
  if (Object.keys(extra).length) {
    writeFiles(work, extra);
    commit = commitAll(work, 'More assets');
  }
  const bare = path.join(base, `${name}.git`);
  makeBare(work, bare);
  git(bare, 'config', 'http.receivepack', 'true');
  return { work, bare, main: commit };
}

/** Commits `edit` in the work repository and pushes it to the bare one: the library moves on. */
function libraryMovesOn(lib: { work: string; bare: string }, rel: string, edit: (t: string) => string): string {
  editFile(lib.work, rel, edit);
  const id = commitAll(lib.work, `Library changes ${rel}`);
  git(lib.work, 'push', '-q', 'origin', 'HEAD:main');
  return id;
}

function branches(bare: string): string[] {
  return git(bare, 'for-each-ref', '--format=%(refname)', 'refs/heads').split('\n').filter(Boolean).sort();
}

/** Every file under `dir` with its sha256 (what a refusal must not change). */
function treeState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    if (!existsSync(path.join(dir, rel))) return;
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else
        out[p] = createHash('sha256')
          .update(readFileSync(path.join(dir, p)))
          .digest('hex');
    }
  };
  walk('');
  return out;
}

function request(paths: string[], library: string, extra: Partial<ProposeRequest> = {}): ProposeRequest {
  return { paths, library, cwd: tempDir('cwd'), cacheDir, env, now, ...extra };
}

/** Scaffolds a pilot with the component greet from `url`; returns its folder. */
async function pilotFrom(url: string, envExtra: Record<string, string> = {}): Promise<string> {
  const out = path.join(tempDir('pilot'), 'demo');
  let err = '';
  const code = await main(['scaffold', '--library', url, '--template', 'starter', '--name', 'demo-pilot', '--with', 'greet', '--set', 'team=support', '--out', out], {
    out: () => undefined,
    err: (t) => (err += t),
    cwd: path.dirname(out),
    env: { ...testGitEnv, ...envExtra, GENAI_ASSETS_CACHE_DIR: cacheDir },
    color: false,
  });
  assert.equal(code, 0, err);
  return out;
}

/** Asserts that nothing of a refused proposal is left: no temp folder, no new branch. */
function assertNothingLeft(bare: string, branchesBefore: string[]): void {
  assert.deepEqual(readdirSync(scratchRoot), [], 'no scratch folder is left');
  assert.deepEqual(branches(bare), branchesBefore, 'no branch reached the remote');
}

const newPrompt = `---
model: openai/gpt-4o-mini
input:
  schema:
    email: string
---
Sort this claim email into one of: new claim, update, complaint.

{{email}}
`;

describe('app: propose (real git)', function () {
  this.timeout(60_000);

  before(async () => {
    base = tempDir('srv');
    cacheDir = tempDir('cache');
    scratchRoot = tempDir('tmp');
    const proposerConfig = path.join(tempDir('home'), '.gitconfig');
    writeFileSync(proposerConfig, '[init]\n\tdefaultBranch = main\n[user]\n\tname = Grace Proposer\n\temail = grace@example.test\n');
    env.GIT_CONFIG_GLOBAL = proposerConfig;
    daemon = await GitDaemon.start(base);
    if (haveOpenssl()) https = await HttpsGitServer.start(base, testGitEnv);
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratchRoot;
  });
  after(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await daemon?.stop();
    await https?.stop();
    cleanupTemp();
  });
  afterEach(() => assert.deepEqual(readdirSync(scratchRoot), [], 'every proposal removed its scratch folder'));

  /** The two servers: what a test needs of each, and the repositories that received a push (HTTPS: from the requests it served). */
  const transports = [
    {
      name: 'git daemon (receive-pack enabled)',
      key: 'daemon',
      available: () => true,
      url: (n: string) => daemon.url(n),
      env: (): Record<string, string> => ({}),
      pushes: () => readdirSync(base).filter((n) => branches(path.join(base, n)).some((b) => b.startsWith('refs/heads/propose/'))),
    },
    {
      name: 'HTTPS (git http-backend, http.receivepack)',
      key: 'https',
      available: () => !!https,
      url: (n: string) => https!.url(n),
      env: (): Record<string, string> => ({ GIT_SSL_CAINFO: https!.caFile }),
      pushes: () => https!.requests.filter((r) => r.startsWith('POST ') && r.endsWith('/git-receive-pack')).map((r) => r.split('/')[1]),
    },
  ];
  for (const t of transports) {
    it(`proposes a new prompt file over ${t.name}: one commit on the library main, in the kind folder, with a draft manifest`, async function () {
      if (!t.available()) this.skip(); // the HTTPS server needs openssl for its throwaway certificate; npm test installs it
      const lib = library(`new-prompt-${t.key}`);
      const file = path.join(tempDir('work'), 'claim-triage.prompt');
      writeFileSync(file, newPrompt);
      const cacheBefore = treeState(cacheDir);
      const p = await prepareProposal(request([file], t.url(`new-prompt-${t.key}.git`), { env: { ...env, ...t.env() } }));
      assert.equal(p.branch, 'propose/claim-triage-20261207');
      assert.deepEqual([p.id, p.kind, p.isNew, p.version, p.base], ['claim-triage', 'prompt', true, '0.1.0', 'main']);
      assert.deepEqual(
        p.files.map((f) => [f.path, f.before === undefined]),
        [
          ['prompts/claim-triage/asset.yaml', true],
          ['prompts/claim-triage/claim-triage.prompt', true],
        ],
      );
      const manifest = 'id: claim-triage\nkind: prompt\nversion: 0.1.0\nstatus: draft\ntitle: Claim triage\nowners:\n  - Grace Proposer <grace@example.test>\nentry: claim-triage.prompt\n';
      assert.equal(p.files[0].after, manifest);
      assert.ok(existsSync(p.scratchDir));
      assert.deepEqual(branches(lib.bare), ['refs/heads/main'], 'prepare pushes nothing');

      const pushed = await pushProposal(p);
      assert.deepEqual(pushed, { branch: p.branch, commit: p.commit, pullRequestUrl: undefined });
      assert.ok(!existsSync(p.scratchDir));
      assert.equal(git(lib.bare, 'rev-parse', 'main'), lib.main, "the library's main is untouched");
      assert.equal(git(lib.bare, 'rev-parse', p.branch), p.commit);
      assert.equal(git(lib.bare, 'rev-list', '--count', `main..${p.branch}`), '1');
      assert.equal(git(lib.bare, 'rev-parse', `${p.branch}^`), lib.main);
      assert.equal(git(lib.bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', p.branch), 'Grace Proposer <grace@example.test>|Grace Proposer <grace@example.test>|Propose claim-triage 0.1.0');
      assert.equal(git(lib.bare, 'diff-tree', '-r', '--name-status', '--no-commit-id', p.branch), 'A\tprompts/claim-triage/asset.yaml\nA\tprompts/claim-triage/claim-triage.prompt');
      assert.equal(git(lib.bare, 'show', `${p.branch}:prompts/claim-triage/asset.yaml`) + '\n', manifest);
      assert.equal(git(lib.bare, 'show', `${p.branch}:prompts/claim-triage/claim-triage.prompt`) + '\n', newPrompt);
      assert.deepEqual(treeState(cacheDir), cacheBefore, 'the cache is not used');
      assert.ok(t.pushes().includes(`new-prompt-${t.key}.git`));
    });

    it(`proposes a modified pilot component over ${t.name}: the pilot change replayed onto the library current version, version bumped`, async function () {
      if (!t.available()) this.skip(); // the HTTPS server needs openssl for its throwaway certificate; npm test installs it
      const lib = library(`pilot-${t.key}`);
      const pilot = await pilotFrom(t.url(`pilot-${t.key}.git`), t.env());
      const cacheBefore = treeState(cacheDir);
      editFile(pilot, 'prompts/greet/greet.prompt', (t) => t.replace('Say hello to', 'Say a warm hello to'));
      const upstream = libraryMovesOn(lib, 'prompts/greet/greet.prompt', (t) => t.replace('Use one sentence.', 'Use one short sentence.'));
      const pilotBefore = treeState(pilot);

      const p = await prepareProposal(request([path.join(pilot, 'prompts', 'greet')], t.url(`pilot-${t.key}.git`), { env: { ...env, ...t.env() } }));
      assert.deepEqual([p.id, p.kind, p.isNew, p.previousVersion, p.version, p.branch], ['greet', 'prompt', false, '1.0.0', '1.0.1', 'propose/greet-20261207']);
      const merged = '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n---\nSay a warm hello to {{name}}.\nBe brief.\nUse one short sentence.\n';
      assert.deepEqual(
        p.files.map((f) => f.path),
        ['prompts/greet/asset.yaml', 'prompts/greet/greet.prompt'],
      );
      assert.equal(p.files[1].after, merged);
      assert.match(p.files[0].after ?? '', /^version: 1\.0\.1$/m);
      assert.match(p.files[0].after ?? '', /^status: review$/m, 'an approved asset whose content changes goes back to review');
      await pushProposal(p);

      assert.equal(git(lib.bare, 'rev-parse', 'main'), upstream, "the library's main is untouched");
      assert.equal(git(lib.bare, 'rev-parse', `${p.branch}^`), upstream, 'the commit sits on the library current main');
      assert.equal(git(lib.bare, 'rev-list', '--count', `main..${p.branch}`), '1');
      assert.equal(git(lib.bare, 'diff-tree', '-r', '--name-only', '--no-commit-id', p.branch), 'prompts/greet/asset.yaml\nprompts/greet/greet.prompt');
      assert.equal(git(lib.bare, 'show', `${p.branch}:prompts/greet/greet.prompt`) + '\n', merged);
      assert.equal(
        git(lib.bare, 'show', `${p.branch}:prompts/greet/asset.yaml`),
        'id: greet\nkind: prompt\nversion: 1.0.1\nstatus: review\ntitle: Greeting\nowners: [support-team]\nentry: greet.prompt\ndependsOn:\n  - text-utils@^1.0',
      );
      assert.equal(git(lib.bare, 'log', '-1', '--format=%an <%ae>|%s', p.branch), 'Grace Proposer <grace@example.test>|Propose greet 1.0.1');
      assert.ok(t.pushes().includes(`pilot-${t.key}.git`));
      assert.deepEqual(treeState(pilot), pilotBefore, 'the pilot is not changed');
      assert.deepEqual(treeState(cacheDir), cacheBefore, 'the cache is not changed');
    });
  }

  it('proposes a change to an asset installed for Copilot (genai-assets.lock.json), replayed onto the library current version', async () => {
    const prompt = '---\ndescription: Draft a triage note\n---\nWrite a triage note for ${input:claim}.\nKeep it factual.\nEnd with the next step.\n';
    const lib = library('installed', {
      'prompts/triage-note/asset.yaml': 'id: triage-note\nkind: prompt\nversion: 1.2.0\nstatus: approved\ntitle: Triage note\nowners: [claims-team]\nentry: triage-note.prompt.md\n',
      'prompts/triage-note/triage-note.prompt.md': prompt,
    });
    const repo = tempDir('repo');
    git(repo, 'init', '-q', '-b', 'main');
    let err = '';
    const code = await main(['install', 'triage-note', '--for', 'copilot', '--into', repo, '--library', daemon.url('installed.git')], {
      out: () => undefined,
      err: (t) => (err += t),
      cwd: repo,
      env: { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: cacheDir },
      color: false,
    });
    assert.equal(code, 0, err);
    const installed = path.join(repo, '.github', 'prompts', 'triage-note.prompt.md');
    assert.equal(readFileSync(installed, 'utf8'), prompt);
    editFile(repo, '.github/prompts/triage-note.prompt.md', (t) => t.replace('Write a triage note', 'Write a short triage note'));
    const upstream = libraryMovesOn(lib, 'prompts/triage-note/triage-note.prompt.md', (t) => t.replace('End with the next step.', 'End with the next step and its owner.'));
    const p = await prepareProposal(request([installed], daemon.url('installed.git')));
    await pushProposal(p);
    assert.deepEqual([p.id, p.previousVersion, p.version], ['triage-note', '1.2.0', '1.2.1']);
    assert.equal(git(lib.bare, 'rev-parse', `${p.branch}^`), upstream);
    assert.equal(
      git(lib.bare, 'show', `${p.branch}:prompts/triage-note/triage-note.prompt.md`) + '\n',
      prompt.replace('Write a triage note', 'Write a short triage note').replace('End with the next step.', 'End with the next step and its owner.'),
    );
    assert.equal(git(lib.bare, 'diff-tree', '-r', '--name-only', '--no-commit-id', p.branch), 'prompts/triage-note/asset.yaml\nprompts/triage-note/triage-note.prompt.md');
  });

  it('refuses a file the library policy finds errors in, with the findings, leaving nothing behind', async () => {
    const lib = library('refuse-findings');
    const file = path.join(tempDir('work'), 'broken.prompt');
    writeFileSync(file, '---\nmodel: openai/gpt-4o-mini\n---\n{{#if urgent}}Answer fast.\n');
    await assert.rejects(prepareProposal(request([file], daemon.url('refuse-findings.git'))), (e: unknown) => {
      assert.ok(e instanceof ProposalRefused);
      assert.deepEqual(
        e.findings.filter((d) => d.severity === 'error').map((d) => [d.file, d.code]),
        [['prompts/broken/broken.prompt', 'unclosed-block']],
      );
      assert.match(e.message, /The library's policy refuses `broken` 0\.1\.0: 1 error\(s\) on the proposed files:\n {2}prompts\/broken\/broken\.prompt:4:1 error unclosed-block /);
      assert.match(e.message, new RegExp(`Fix ${file.replace(/[.]/g, '\\.')} and propose again`));
      return true;
    });
    assertNothingLeft(lib.bare, ['refs/heads/main']);
  });

  it('refuses a pilot change that conflicts with the library, naming the file; the pilot is not changed', async () => {
    const lib = library('refuse-conflict');
    const pilot = await pilotFrom(daemon.url('refuse-conflict.git'));
    editFile(pilot, 'prompts/greet/greet.prompt', (t) => t.replace('Use one sentence.', 'Use two sentences.'));
    libraryMovesOn(lib, 'prompts/greet/greet.prompt', (t) => t.replace('Use one sentence.', 'Use one short sentence.'));
    const pilotBefore = treeState(pilot);
    const cacheBefore = treeState(cacheDir);
    const file = path.join(pilot, 'prompts', 'greet', 'greet.prompt');
    await assert.rejects(prepareProposal(request([file], daemon.url('refuse-conflict.git'))), (e: unknown) => {
      assert.ok(e instanceof ProposalRefused);
      assert.deepEqual(e.conflicts, [file]);
      assert.match(e.message, /^The local change to `greet` does not apply to the library's 1\.0\.0:\n/);
      assert.match(e.message, new RegExp(`${file.replace(/[.]/g, '\\.')}: 1 local change\\(s\\) overlap the library's changes since 1\\.0\\.0`));
      return true;
    });
    assertNothingLeft(lib.bare, ['refs/heads/main']);
    assert.deepEqual(treeState(pilot), pilotBefore);
    assert.deepEqual(treeState(cacheDir), cacheBefore);
  });

  it('refuses an unreachable remote with a GitError saying so', async () => {
    const file = path.join(tempDir('work'), 'claim-triage.prompt');
    writeFileSync(file, newPrompt);
    const url = `git://127.0.0.1:${await freePort()}/nowhere.git`;
    await assert.rejects(prepareProposal(request([file], url)), (e: unknown) => {
      assert.ok(e instanceof GitError);
      assert.equal(e.failure, 'unreachable');
      assert.match(e.message, /^Could not clone the library to propose to it: Could not reach git:\/\/127\.0\.0\.1:\d+\/nowhere\.git/);
      return true;
    });
    assert.deepEqual(readdirSync(scratchRoot), []);
  });

  it('reports a push the remote rejects (a pre-receive hook), and leaves no branch and no scratch folder', async () => {
    const lib = library('refuse-push');
    const hook = path.join(lib.bare, 'hooks', 'pre-receive');
    mkdirSync(path.dirname(hook), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\necho "proposals need a ticket number" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const file = path.join(tempDir('work'), 'claim-triage.prompt');
    writeFileSync(file, newPrompt);
    const p = await prepareProposal(request([file], daemon.url('refuse-push.git')));
    await assert.rejects(pushProposal(p), (e: unknown) => {
      assert.ok(e instanceof GitError);
      assert.match(e.message, /^git:\/\/127\.0\.0\.1:\d+\/refuse-push\.git refused the branch propose\/claim-triage-20261207 \(.*proposals need a ticket number.*\)\. Nothing was pushed;/);
      return true;
    });
    assertNothingLeft(lib.bare, ['refs/heads/main']);
    assert.ok(statSync(lib.bare).isDirectory());
  });

  it('refuses without a git identity to commit with, before anything is written', async () => {
    const lib = library('no-identity');
    const config = path.join(tempDir('home'), '.gitconfig');
    writeFileSync(config, '[user]\n\tuseConfigOnly = true\n');
    const file = path.join(tempDir('work'), 'claim-triage.prompt');
    writeFileSync(file, newPrompt);
    await assert.rejects(
      prepareProposal(request([file], daemon.url('no-identity.git'), { env: { ...env, GIT_CONFIG_GLOBAL: config } })),
      /^UserError: git has no identity to commit the proposal with; set it \(git config --global user\.name/,
    );
    assertNothingLeft(lib.bare, ['refs/heads/main']);
  });

  it('takes the next free branch name when the day already has a proposal of that id', async () => {
    const lib = library('second-branch');
    git(lib.bare, 'branch', proposalBranch('claim-triage', now), 'main');
    const file = path.join(tempDir('work'), 'claim-triage.prompt');
    writeFileSync(file, newPrompt);
    const p = await prepareProposal(request([file], daemon.url('second-branch.git'), { id: 'claim-triage' }));
    try {
      assert.equal(p.branch, 'propose/claim-triage-20261207-2');
    } finally {
      await p.dispose();
      await p.dispose(); // idempotent
    }
    assert.deepEqual(branches(lib.bare), ['refs/heads/main', 'refs/heads/propose/claim-triage-20261207']);
  });

  it('changes the library asset of the same id from a plain file: entry replaced, version bumped, an approved asset back to review', async () => {
    const lib = library('same-id');
    const file = path.join(tempDir('work'), 'greet.prompt');
    writeFileSync(file, readFileSync(path.join(lib.work, 'prompts', 'greet', 'greet.prompt'), 'utf8').replace('Be brief.', 'Be kind.'));
    const p = await prepareProposal(request([file], daemon.url('same-id.git'), { bump: 'minor' }));
    try {
      assert.deepEqual([p.isNew, p.previousVersion, p.version], [false, '1.0.0', '1.1.0']);
      assert.deepEqual(
        p.files.map((f) => f.path),
        ['prompts/greet/asset.yaml', 'prompts/greet/greet.prompt'],
      );
      assert.equal(p.files[0].after, 'id: greet\nkind: prompt\nversion: 1.1.0\nstatus: review\ntitle: Greeting\nowners: [support-team]\nentry: greet.prompt\ndependsOn:\n  - text-utils@^1.0\n');
      assert.match(p.files[1].after ?? '', /^Be kind\.$/m);
    } finally {
      await p.dispose();
    }
    // The library's own file again: nothing to propose (not a version bump alone).
    await assert.rejects(
      prepareProposal(request([path.join(lib.work, 'prompts', 'greet', 'greet.prompt')], daemon.url('same-id.git'))),
      /^UserError: `greet` in git:\/\/127\.0\.0\.1:\d+\/same-id\.git already has exactly these files; there is nothing to propose\.$/,
    );
  });
});

describe('app: pullRequestUrl', () => {
  const b = 'propose/x-20261207';
  it('gives the page where the pull request is opened on the common hosts', () => {
    assert.equal(pullRequestUrl('https://github.com/acme/lib.git', b, 'main'), 'https://github.com/acme/lib/compare/main...propose/x-20261207?expand=1');
    assert.equal(pullRequestUrl('git@github.com:acme/lib.git', b), 'https://github.com/acme/lib/compare/propose/x-20261207?expand=1');
    assert.equal(pullRequestUrl('ssh://git@github.example.com/acme/lib', b, 'main'), 'https://github.example.com/acme/lib/compare/main...propose/x-20261207?expand=1');
    assert.equal(
      pullRequestUrl('https://gitlab.com/acme/ai/lib.git', b, 'main'),
      'https://gitlab.com/acme/ai/lib/-/merge_requests/new?merge_request%5Bsource_branch%5D=propose%2Fx-20261207&merge_request%5Btarget_branch%5D=main',
    );
    assert.equal(pullRequestUrl('git@bitbucket.org:acme/lib.git', b, 'main'), 'https://bitbucket.org/acme/lib/pull-requests/new?source=propose%2Fx-20261207&dest=main');
    assert.equal(pullRequestUrl('https://acme@dev.azure.com/acme/AI/_git/lib', b, 'main'), 'https://dev.azure.com/acme/AI/_git/lib/pullrequestcreate?sourceRef=propose%2Fx-20261207&targetRef=main');
    assert.equal(pullRequestUrl('git@ssh.dev.azure.com:v3/acme/AI/lib', b), 'https://dev.azure.com/acme/AI/_git/lib/pullrequestcreate?sourceRef=propose%2Fx-20261207');
    assert.equal(pullRequestUrl('https://acme.visualstudio.com/AI/_git/lib', b), 'https://dev.azure.com/acme/AI/_git/lib/pullrequestcreate?sourceRef=propose%2Fx-20261207');
  });
  it('gives none for other hosts, local paths and file URLs', () => {
    assert.equal(pullRequestUrl('git://127.0.0.1:9418/lib.git', b), undefined);
    assert.equal(pullRequestUrl('https://git.example.com/acme/lib.git', b), undefined);
    assert.equal(pullRequestUrl('/srv/git/lib.git', b), undefined);
    assert.equal(pullRequestUrl('file:///srv/git/lib.git', b), undefined);
    assert.equal(pullRequestUrl('C:\\git\\lib', b), undefined);
  });
});
