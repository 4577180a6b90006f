import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { urlForRecord } from '../../../src/core/library/source';
import { sampleLibrary } from '../paths';
import { cleanupTemp, commitAll, git, GitDaemon, makeBare, tempDir, testGitEnv } from '../support/gitServer';
import { copyLibrary, editFile, gitLibrary, newTarget } from '../support/pilotLibrary';

interface Run {
  code: number;
  out: string;
  err: string;
}

const cacheDir = tempDir('cache');

async function run(args: string[], opts: { cwd?: string; answers?: string[]; cache?: string } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const answers = opts.answers ? [...opts.answers] : undefined;
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    cwd: opts.cwd ?? tempDir('cwd'),
    env: { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: opts.cache ?? cacheDir },
    color: false,
  };
  if (answers) io.ask = async (q) => ((err += q), answers.shift());
  const code = await main(args, io);
  return { code, out, err };
}

const text = (dir: string, rel: string) => readFileSync(path.join(dir, ...rel.split('/')), 'utf8');

async function scaffoldBasic(lib: string, out: string, extra: string[] = []): Promise<Run> {
  return run(['scaffold', '--library', lib, '--template', 'starter', '--name', 'demo-pilot', '--with', 'greet', '--set', 'team=support', '--out', out, ...extra]);
}

describe('cli: scaffold, verify, outdated, update, add', () => {
  after(cleanupTemp);

  it('scaffolds from a fixture library and reports what it added', async () => {
    const lib = copyLibrary('basic-library');
    const out = newTarget();
    const r = await scaffoldBasic(lib, out);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^Created pilot demo-pilot in .* from starter 1\.0\.0 \(fixture-lib\):\n {2}greet 1\.0\.0 \(prompt\) -> prompts\/greet\/\n {2}text-utils 1\.2\.0 \(module\) \(dependency of greet@1\.0\.0\) -> lib\/text-utils\/\n {2}greet-evals 1\.0\.0 \(eval\) \(eval suite of greet\) -> evals\/greet-evals\/\n\d+ files written/,
    );
    assert.match(r.err, /warning: Template file `config\/\{\{#debug\}\}debug\.env\{\{\/debug\}\}` was skipped/);
    assert.equal(text(out, 'src/app/main.py'), 'PORT = 8080\nTEAM = "support"\n');
    const yaml = text(out, 'pilot.yaml');
    assert.match(yaml, new RegExp(`url: ${path.relative(out, lib).replace(/[.]/g, '\\.')}\\n`));
    const verify = await run(['verify', out]);
    assert.equal(verify.code, 0, verify.out + verify.err);
    assert.match(verify.out, /files checked: 0 errors, 0 warnings, 0 infos\./);
  });

  it('scaffolds from the sample library, asking for a required parameter, and the pilot verifies clean', async () => {
    const out = newTarget('claims');
    const r = await run(
      [
        'scaffold',
        '--library',
        sampleLibrary,
        '--template',
        'claims-assistant-pilot',
        '--name',
        'claims-demo',
        '--with',
        'policy-question-answering',
        '--set',
        'projectName=claims_demo',
        '--out',
        out,
      ],
      {
        answers: ['team@larkspur-mutual.example'],
      },
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /Owner \(ownerEmail\) - Team mailbox/);
    assert.match(r.out, /pii-redaction .*\(dependency of/);
    assert.match(r.out, /llm-retry .*\(dependency of claims-assistant-pilot@/);
    assert.ok(existsSync(path.join(out, 'src', 'claims_demo', 'pipeline.py')));
    assert.ok(existsSync(path.join(out, 'genai', 'prompts', 'policy-question-answering', 'asset.yaml')));
    assert.match(text(out, 'pilot.yaml'), /ownerEmail: team@larkspur-mutual\.example/);
    assert.match(text(out, 'README.md'), /Owner: team@larkspur-mutual\.example\.[\s\S]*<!-- genai-assets:components -->/);
    const lock = JSON.parse(text(out, 'pilot.lock.json'));
    assert.equal(lock.library.name, 'larkspur-genai');
    assert.match(lock.library.commit, /^([0-9a-f]{40}|sha256:[0-9a-f]{64})$/);
    const v = await run(['verify', out, '--format', 'json']);
    const j = JSON.parse(v.out);
    assert.deepEqual(j.diagnostics, [], v.out);
    assert.equal(v.code, 0);
  });

  describe('refusals exit 2 and write nothing', () => {
    const cases: [string, (lib: string, out: string) => string[], RegExp][] = [
      [
        'a required parameter missing (no terminal)',
        (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--out', out],
        /needs the parameter `team` \(Team that owns the pilot \(lowercase letters\)\.\); give it with --set team=VALUE/,
      ],
      [
        'a parameter the schema refuses',
        (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--set', 'team=Support', '--set', 'port=99999', '--out', out],
        /`team` = "Support" .*must match pattern[\s\S]*`port` = 99999 .*must be <= 65535/,
      ],
      [
        'an unknown parameter',
        (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--set', 'team=x', '--set', 'tema=y', '--out', out],
        /has no parameter `tema`; did you mean `team`\?/,
      ],
      [
        'a deprecated component',
        (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--set', 'team=x', '--with', 'old-greet', '--out', out],
        /`old-greet` \(requested\) resolves to 0\.9\.0, which is deprecated; .*Use its replacement `greet@\^1\.0` instead/,
      ],
      ['a draft component', (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--set', 'team=x', '--with', 'draft-idea', '--out', out], /which is draft/],
      ['an unknown template', (lib, out) => ['scaffold', '--library', lib, '--template', 'startr', '--name', 'p', '--out', out], /no template `startr`; did you mean `starter`\?/],
      [
        'ranges no version satisfies together',
        (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--set', 'team=x', '--with', 'summarize@^2,legacy-adapter', '--out', out],
        /No allowed version of `summarize` satisfies/,
      ],
      ['a name that is not kebab-case', (lib, out) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'My Pilot', '--set', 'team=x', '--out', out], /must be kebab-case/],
      ['a missing --out', (lib) => ['scaffold', '--library', lib, '--template', 'starter', '--name', 'p'], /scaffold needs --out/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const lib = copyLibrary('basic-library');
        const out = newTarget();
        const r = await run(args(lib, out));
        assert.equal(r.code, 2, r.out + r.err);
        assert.match(r.err, message);
        assert.equal(existsSync(out), false);
        assert.deepEqual(readdirSync(path.dirname(out)), []);
      });
    }

    it('a non-empty target folder, left untouched', async () => {
      const lib = copyLibrary('basic-library');
      const out = newTarget();
      mkdirSync(out);
      writeFileSync(path.join(out, 'notes.md'), 'mine');
      const r = await scaffoldBasic(lib, out);
      assert.equal(r.code, 2);
      assert.match(r.err, /is not empty .* nothing was changed/);
      assert.deepEqual(readdirSync(out), ['notes.md']);
    });
  });

  it('verify reports a local edit (text, json, sarif) and a withdrawal exits 1', async () => {
    const { dir: lib } = gitLibrary('basic-library');
    const out = newTarget();
    assert.equal((await scaffoldBasic(lib, out)).code, 0);
    editFile(out, 'prompts/greet/greet.prompt', (t) => t.replace('Be brief.', 'Be very brief.'));
    const cwd = path.dirname(out);
    let r = await run(['verify', 'pilot'], { cwd });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^pilot\/prompts\/greet\/greet\.prompt:8:1: warning component-modified This file differs from `greet` 1\.0\.0 as locked/m);
    r = await run(['verify', 'pilot', '--format', 'json'], { cwd });
    const j = JSON.parse(r.out);
    assert.deepEqual(
      j.diagnostics.map((d: { file: string; code: string; range: unknown }) => [d.file, d.code, d.range]),
      [['pilot/prompts/greet/greet.prompt', 'component-modified', { start: { line: 7, character: 0 }, end: { line: 7, character: 14 } }]],
    );
    assert.equal(j.summary.warnings, 1);
    r = await run(['verify', 'pilot', '--format', 'sarif'], { cwd });
    const s = JSON.parse(r.out);
    assert.equal(s.runs[0].results[0].ruleId, 'component-modified');
    assert.deepEqual(s.runs[0].results[0].locations[0].physicalLocation.region, { startLine: 8, startColumn: 1, endLine: 8, endColumn: 15 });
    assert.equal((await run(['verify', 'pilot', '--max-warnings', '0'], { cwd })).code, 1);

    rmSync(path.join(lib, 'evals', 'greet-evals'), { recursive: true });
    commitAll(lib, 'withdraw greet-evals');
    r = await run(['verify', out]);
    assert.equal(r.code, 1);
    assert.match(r.out, /pilot\.yaml:\d+:\d+: error unknown-reference `greet-evals` is no longer in the library `fixture-lib` \(withdrawn\)/);
  });

  it('outdated lists current, wanted and latest; update merges and exits 1 on conflicts, listing them', async () => {
    const { dir: lib } = gitLibrary('basic-library');
    const out = newTarget();
    assert.equal((await scaffoldBasic(lib, out)).code, 0);
    editFile(out, 'prompts/greet/greet.prompt', (t) => t.replace('Be brief.', 'Be brief, says the pilot.'));
    editFile(lib, 'prompts/greet/greet.prompt', (t) => t.replace('Be brief.', 'Be brief, says the library.'));
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    editFile(lib, 'modules/text-utils/utils.py', (t) => t + '# 1.2.1\n');
    editFile(lib, 'modules/text-utils/asset.yaml', (t) => t.replace('version: 1.2.0', 'version: 1.2.1'));
    commitAll(lib, 'greet 1.1.0, text-utils 1.2.1');

    let r = await run(['outdated', out, '--json']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out), {
      components: [
        { id: 'greet', kind: 'prompt', current: '1.0.0', wanted: '1.1.0', latest: '1.1.0', status: 'superseded' },
        { id: 'text-utils', kind: 'module', current: '1.2.0', wanted: '1.2.1', latest: '1.2.1', status: 'superseded' },
        { id: 'greet-evals', kind: 'eval', current: '1.0.0', wanted: '1.0.0', latest: '1.0.0', status: 'approved' },
      ],
    });
    r = await run(['outdated', out]);
    assert.match(r.out, /^ID +KIND +CURRENT +WANTED +LATEST +STATUS\ngreet +prompt +1\.0\.0 +1\.1\.0 +1\.1\.0 +superseded\n/);
    assert.match(r.out, /2 of 3 components need attention\. Run `genai-assets update .*` to move greet, text-utils to wanted\./);

    const before = text(out, 'pilot.lock.json');
    r = await run(['update', out, '--dry-run']);
    assert.equal(r.code, 1);
    assert.match(r.out, /Dry run: nothing was written/);
    assert.match(r.out, /\n--- a\/lib\/text-utils\/utils\.py\n\+\+\+ b\/lib\/text-utils\/utils\.py\n@@ /, 'the diff of each file');
    assert.equal(text(out, 'pilot.lock.json'), before);

    r = await run(['update', out]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^greet 1\.0\.0 -> 1\.1\.0\n {2}updated {3}prompts\/greet\/asset\.yaml\n {2}CONFLICT {2}prompts\/greet\/greet\.prompt\n/m);
    assert.match(r.out, /^text-utils 1\.2\.0 -> 1\.2\.1\n {2}updated {3}lib\/text-utils\/asset\.yaml\n {2}updated {3}lib\/text-utils\/utils\.py\n/m);
    assert.match(r.out, /1 file has conflicts to resolve \(look for <<<<<<< markers\), then run `genai-assets verify`:\n {2}prompts\/greet\/greet\.prompt\n$/);
    const merged = text(out, 'prompts/greet/greet.prompt');
    assert.match(merged, /Be brief, says the pilot\.\n=======\nBe brief, says the library\./);
    r = await run(['outdated', out, '--json']);
    assert.deepEqual(
      JSON.parse(r.out).components.map((c: { current: string }) => c.current),
      ['1.1.0', '1.2.1', '1.0.0'],
    );
    r = await run(['update', out]);
    assert.equal(r.code, 0);
    assert.match(r.out, /Every component is at its wanted version; nothing to update\./);
  });

  it('add puts components into an existing pilot', async () => {
    const lib = copyLibrary('basic-library');
    const out = newTarget();
    assert.equal((await run(['scaffold', '--library', lib, '--template', 'starter', '--name', 'p', '--set', 'team=x', '--out', out])).code, 0);
    let r = await run(['add', out, 'summarize@^1', '--no-evals']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Added 1 component to p:\n {2}summarize 1\.4\.0 \(prompt\) -> prompts\/summarize\//);
    assert.ok(existsSync(path.join(out, 'prompts', 'summarize', 'summarize.prompt')));
    r = await run(['add', out, 'summarize']);
    assert.equal(r.code, 2);
    assert.match(r.err, /already in the pilot/);
    assert.equal((await run(['verify', out])).code, 0);
  });

  it('usage errors of the pilot commands exit 2', async () => {
    for (const args of [['verify', '/no/such/pilot'], ['verify', '.', '--format', 'xml'], ['add'], ['outdated', 'a', 'b'], ['scaffold', '--bogus']]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^genai-assets: /, args.join(' '));
    }
    const dir = tempDir('notpilot');
    const r = await run(['verify', dir]);
    assert.match(r.err, /has no pilot\.yaml, so it is not a pilot/);
  });

  it('help lists the pilot commands', async () => {
    const r = await run(['help']);
    for (const c of ['scaffold', 'verify [PILOT]', 'outdated [PILOT]', 'update [PILOT]', 'add PILOT REF...']) assert.ok(r.out.includes(c), c);
    for (const c of ['scaffold', 'verify', 'outdated', 'update', 'add']) assert.equal((await run([c, '--help'])).code, 0, c);
  });

  it('records git URLs without passwords or tokens', () => {
    assert.equal(urlForRecord('https://user:s3cret@example.com/lib.git'), 'https://example.com/lib.git');
    assert.equal(urlForRecord('https://ghp_token@example.com/lib.git'), 'https://example.com/lib.git');
    assert.equal(urlForRecord('ssh://git@example.com/lib.git'), 'ssh://git@example.com/lib.git');
    assert.equal(urlForRecord('ssh://git:pw@example.com/lib.git'), 'ssh://git@example.com/lib.git');
    assert.equal(urlForRecord('git@example.com:org/lib.git'), 'git@example.com:org/lib.git');
  });

  describe('a git library served by git daemon on 127.0.0.1', () => {
    let daemon: GitDaemon;
    let work: string;
    before(async () => {
      const base = tempDir('served');
      work = gitLibrary('basic-library').dir;
      makeBare(work, path.join(base, 'lib.git'), { allowFilter: false });
      git(work, 'push', '-q', 'origin', 'main');
      daemon = await GitDaemon.start(base);
    });
    after(async () => daemon?.stop());

    it('scaffolds from the URL, then verify, outdated and update follow the upstream after a push', async () => {
      const url = daemon.url('lib.git');
      const out = newTarget();
      let r = await scaffoldBasic(url, out);
      assert.equal(r.code, 0, r.err);
      const yaml = text(out, 'pilot.yaml');
      assert.match(yaml, new RegExp(`url: ${url.replace(/[.]/g, '\\.')}\\n`));
      const lock = JSON.parse(text(out, 'pilot.lock.json'));
      assert.equal(lock.library.commit, git(work, 'rev-parse', 'HEAD'));
      assert.equal((await run(['verify', out])).code, 0);

      editFile(out, 'prompts/greet/greet.prompt', (t) => t.replace('Say hello', 'Say hi'));
      editFile(work, 'prompts/greet/greet.prompt', (t) => t.replace('Use one sentence.', 'Use one warm sentence.'));
      editFile(work, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
      commitAll(work, 'greet 1.1.0');
      git(work, 'push', '-q', 'origin', 'main');

      r = await run(['verify', out, '--offline']);
      assert.doesNotMatch(r.out, /component-outdated/, 'offline: the cached clone has not seen the push');
      r = await run(['verify', out]);
      assert.match(r.out, /info component-outdated `greet` is at 1\.0\.0; 1\.1\.0 is available within `\^1\.0`/);
      assert.equal(r.code, 0, 'an outdated component is an info');
      assert.equal((await run(['verify', out, '--check'])).code, 1, '--check fails on it (CI)');
      r = await run(['update', out]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /greet 1\.0\.0 -> 1\.1\.0\n {2}updated {3}prompts\/greet\/asset\.yaml\n {2}merged \(local edits kept\) prompts\/greet\/greet\.prompt\n/);
      const merged = text(out, 'prompts/greet/greet.prompt');
      assert.match(merged, /Say hi to/);
      assert.match(merged, /Use one warm sentence\./);
    });
  });

  describe('a partial clone made after the locked version was superseded', () => {
    let daemon: GitDaemon;
    let work: string;
    before(async () => {
      const base = tempDir('served-partial');
      work = gitLibrary('basic-library').dir;
      makeBare(work, path.join(base, 'lib.git'), { allowFilter: true });
      git(work, 'push', '-q', 'origin', 'main');
      daemon = await GitDaemon.start(base);
    });
    after(async () => daemon?.stop());

    it("fetches the locked version's blobs for the merge base, so local and upstream edits are both kept", async () => {
      const url = daemon.url('lib.git');
      const out = newTarget();
      assert.equal((await scaffoldBasic(url, out)).code, 0);
      editFile(out, 'prompts/greet/greet.prompt', (t) => t.replace('Say hello', 'Say hi'));
      editFile(work, 'prompts/greet/greet.prompt', (t) => t.replace('Use one sentence.', 'Use one warm sentence.'));
      editFile(work, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
      commitAll(work, 'greet 1.1.0');
      git(work, 'push', '-q', 'origin', 'main');
      // A fresh cache (as in CI): the partial clone holds only the new commit's blobs.
      const freshCache = tempDir('fresh-cache');
      const r = await run(['update', out], { cache: freshCache });
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /merged \(local edits kept\) prompts\/greet\/greet\.prompt/);
      const merged = text(out, 'prompts/greet/greet.prompt');
      assert.match(merged, /Say hi to/);
      assert.match(merged, /Use one warm sentence\./);
      assert.doesNotMatch(merged, /<<<<<<<|>>>>>>>/);
    });
  });
});
