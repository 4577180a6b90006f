// Git on repositories and servers we do not control (real git): a library's own .git/config must not run a program,
// a stalled server must not keep the CLI alive, credentials in URLs never show or get stored, encoded option-like hosts are refused.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { UserError } from '../../../src/core/errors';
import { parseGitUrl, redactCredentials, urlForRecord } from '../../../src/core/library/source';
import { gitArgs, NodeGit } from '../../../src/node/git';
import { openFolderLibrary } from '../../../src/node/openFolder';
import { cleanupTemp, freePort, git, makeBare, makeRepo, tempDir, testGitEnv, waitFor, writeFiles } from '../support/gitServer';
import { generateLibrary } from '../support/libraryGen';
import { editFile, gitLibrary, newTarget } from '../support/pilotLibrary';
import { repoRoot } from '../paths';
import { haveOpenssl, HttpsGitServer } from './support/httpsGit';

async function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    cwd: opts.cwd ?? tempDir('cwd'),
    env: opts.env ?? { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: tempDir('cache') },
    color: false,
  };
  return { code: await main(args, io), out, err };
}

/** A program that appends its name and arguments to `marker`: what a hostile configuration points git at. */
function markerProgram(dir: string, marker: string): string {
  const p = path.join(dir, 'evil.sh');
  writeFileSync(p, `#!/bin/sh\necho "$0 $*" >> '${marker}'\nexit 0\n`);
  chmodSync(p, 0o755);
  return p;
}

/** Every hook git might run, each calling `program`. */
function hooksFolder(dir: string, program: string): string {
  const hooks = path.join(dir, 'hooks');
  mkdirSync(hooks, { recursive: true });
  for (const h of ['pre-commit', 'commit-msg', 'post-commit', 'post-checkout', 'post-merge', 'reference-transaction', 'post-rewrite', 'pre-auto-gc']) {
    writeFileSync(path.join(hooks, h), `#!/bin/sh\nexec '${program}' hook-${h}\n`);
    chmodSync(path.join(hooks, h), 0o755);
  }
  return hooks;
}

/** Makes the repository at `dir` hostile through its own configuration: signatures, fsmonitor, hooks, pager, external diff, textconv. */
function poisonConfig(dir: string, program: string, hooks: string): void {
  for (const [k, v] of [
    ['log.showSignature', 'true'],
    ['gpg.program', program],
    ['core.fsmonitor', program],
    ['core.hooksPath', hooks],
    ['core.pager', program],
    ['diff.external', program],
    ['diff.evil.textconv', program],
  ]) {
    git(dir, 'config', k, v);
  }
  for (const h of readdirSync(hooks)) writeFileSync(path.join(dir, '.git', 'hooks', h), readFileSync(path.join(hooks, h)));
  for (const h of readdirSync(hooks)) chmodSync(path.join(dir, '.git', 'hooks', h), 0o755);
}

/** Commits the index of `dir` as a commit carrying a (fake) PGP signature, which `log --show-signature` hands to gpg.program. */
function signedCommit(dir: string, message: string): string {
  git(dir, 'add', '-A');
  const tree = git(dir, 'write-tree');
  const parent = git(dir, 'rev-parse', 'HEAD');
  const who = 'Ada Author <ada@example.test> 1700000000 +0000';
  const body = `tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n${message}\n`;
  const file = path.join(tempDir('commit'), 'c');
  writeFileSync(file, body);
  const id = git(dir, 'hash-object', '-t', 'commit', '-w', file);
  git(dir, 'update-ref', 'refs/heads/main', id);
  return id;
}

/** Processes whose command line contains `needle` (Linux /proc; empty elsewhere). */
function processesWith(needle: string): string[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

describe('hardening: git on untrusted repositories and servers (real git)', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  describe("a folder library's own .git/config runs no program", () => {
    it('show, list, outdated and update on a library with a signed commit and gpg.program, log.showSignature, fsmonitor, hooks, pager and external diff in its config', async () => {
      const { dir: lib } = gitLibrary('basic-library');
      const out = newTarget();
      const scaffold = await cli(['scaffold', '--library', lib, '--template', 'starter', '--name', 'demo-pilot', '--with', 'greet', '--set', 'team=support', '--out', out]);
      assert.equal(scaffold.code, 0, scaffold.err);
      const evil = tempDir('evil');
      const marker = path.join(evil, 'ran');
      const program = markerProgram(evil, marker);
      editFile(lib, 'prompts/greet/greet.prompt', (t) => t.replace('Be brief.', 'Be brief, says the library.'));
      editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
      writeFiles(lib, { '.gitattributes': '* diff=evil\n' });
      signedCommit(lib, 'Signed: greet 1.1.0');
      poisonConfig(lib, program, hooksFolder(evil, program));
      // The repository is hostile for real: git run plainly executes the program.
      execFileSync('git', ['log', '-1', '--format=%H'], { cwd: lib, env: testGitEnv, stdio: 'pipe' });
      assert.ok(existsSync(marker), 'git log --show-signature ran gpg.program');
      writeFileSync(marker, '');

      const show = await cli(['show', 'greet', '--library', lib]);
      assert.equal(show.code, 0, show.err);
      assert.match(show.out, /Signed: greet 1\.1\.0/, 'the history was read');
      assert.equal((await cli(['list', '--library', lib])).code, 0);
      assert.equal((await cli(['outdated', out])).code, 0);
      const update = await cli(['update', out]);
      assert.ok(update.code <= 1, update.err);
      assert.match(update.out, /greet 1\.0\.0 -> 1\.1\.0/);
      assert.equal(readFileSync(marker, 'utf8'), '', 'a program of the library’s configuration ran');
    });

    it('the options every git call gets keep fsmonitor, hooks, signatures and pagers off (git status, commit, checkout, log)', () => {
      const repo = tempDir('hostile');
      makeRepo(repo, { 'a.txt': 'a\n' });
      const evil = tempDir('evil');
      const marker = path.join(evil, 'ran');
      const program = markerProgram(evil, marker);
      writeFiles(repo, { 'a.txt': 'b\n' });
      signedCommit(repo, 'Signed');
      poisonConfig(repo, program, hooksFolder(evil, program));
      const commands = [
        ['status'],
        ['commit', '-q', '--allow-empty', '-m', 'x'],
        ['checkout', '-q', '-b', 'other'],
        ['log', '-2', '--format=%H %s'],
        ['diff-tree', '-r', '-p', '--no-ext-diff', '--no-textconv', 'HEAD~1', 'HEAD'],
      ];
      for (const args of commands) execFileSync('git', gitArgs(args, []), { cwd: repo, env: testGitEnv, stdio: 'pipe' });
      assert.equal(existsSync(marker) ? readFileSync(marker, 'utf8') : '', '');
      // The same commands without them run the program (the test's repository is hostile for real).
      execFileSync('git', ['status'], { cwd: repo, env: testGitEnv, stdio: 'pipe' });
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'y'], { cwd: repo, env: testGitEnv, stdio: 'pipe' });
      assert.match(readFileSync(marker, 'utf8'), /hook-pre-commit/);
    });

    /** A folder library whose own git configuration names filter drivers (clean, process) that run a marker program, and whose attributes apply them. */
    const filteredLibrary = () => {
      const lib = tempDir('hostile');
      makeRepo(lib, { 'library.yaml': 'name: hostile\n', 'prompts/hi.prompt': '---\nname: hi\n---\nHello.\n', '.gitattributes': '* filter=evil\n*.prompt filter=evil.two\n' });
      const evil = tempDir('evil');
      const marker = path.join(evil, 'ran');
      const program = markerProgram(evil, marker);
      git(lib, 'config', 'filter.evil.clean', program);
      git(lib, 'config', 'filter.evil.two.process', program);
      git(lib, 'config', 'filter.evil.two.required', 'true');
      return { lib, marker, program };
    };

    it('validate --changed runs none of the filter drivers (clean, process) the library’s own configuration names, and still sees the changed file', async () => {
      const { lib, marker, program } = filteredLibrary();
      writeFiles(lib, { 'prompts/hi.prompt': '---\nname: hi\n---\nHello there.\n' });
      // An index older than the files: git cannot trust their stats and reads them, through the filters.
      const hourAgo = Date.now() / 1000 - 3600;
      const staleIndex = () => utimesSync(path.join(lib, '.git', 'index'), hourAgo, hourAgo);
      staleIndex();
      const validate = await cli(['validate', '--changed', '.'], { cwd: lib });
      assert.ok(validate.code <= 1, validate.err);
      assert.match(validate.out + validate.err, /1 file changed/);
      assert.equal(existsSync(marker) ? readFileSync(marker, 'utf8') : '', '', 'a filter of the library’s configuration ran');
      // The same comparison without the settings runs the program (the repository is hostile for real); git then fails, as
      // the program speaks no filter protocol.
      staleIndex();
      assert.throws(() => execFileSync('git', gitArgs(['diff', '--name-only', 'HEAD'], []), { cwd: lib, env: testGitEnv, stdio: 'pipe' }));
      assert.notEqual(readFileSync(marker, 'utf8'), '');
      // A driver whose name `-c` cannot express: refused with a message, nothing run.
      writeFileSync(marker, '');
      git(lib, 'config', 'filter.a=b.clean', program);
      writeFiles(lib, { '.gitattributes': '* filter=a=b\n' });
      staleIndex();
      const refused = await cli(['validate', '--changed', '.'], { cwd: lib });
      assert.equal(refused.code, 2);
      assert.match(refused.err, /defines a filter named "a=b", which cannot be turned off/);
      assert.doesNotMatch(refused.err, /\n\s+at /, 'no stack trace');
      assert.equal(readFileSync(marker, 'utf8'), '');
    });

    it('a folder library in a work tree is listed without running its filter drivers when git compares its files with the index', async () => {
      const { lib, marker, program } = filteredLibrary();
      // An index older than the files: git cannot trust their stats and reads them, through the filters.
      const hourAgo = Date.now() / 1000 - 3600;
      utimesSync(path.join(lib, '.git', 'index'), hourAgo, hourAgo);
      // git is asked about a folder of any size (the default is from 8,000 files on), as list, validate and the editor open it.
      const asked: string[] = [];
      const nodeGit = new NodeGit();
      const readIndex = { indexChanges: (dir: string) => (asked.push(dir), nodeGit.indexChanges(dir)), trackedFiles: (dir: string, plainOnly?: boolean) => nodeGit.trackedFiles(dir, plainOnly) };
      const snapshot = { cacheDir: tempDir('cache'), engine: 'test', readIndex, gitMinFiles: 0, now: () => Date.now() + 60_000 };
      for (const level of ['catalog', 'catalog', 'full', 'full'] as const) {
        const catalog = await openFolderLibrary(lib, { level, snapshot });
        assert.deepEqual(
          catalog.assets.map((a) => a.id),
          ['hi'],
        );
      }
      assert.equal(asked.length, 4);
      assert.equal(existsSync(marker) ? readFileSync(marker, 'utf8') : '', '', 'a filter of the library’s configuration ran');
      // A driver whose name `-c` cannot express: the files are looked at without git, nothing run.
      git(lib, 'config', 'filter.a=b.clean', program);
      writeFiles(lib, { '.gitattributes': '* filter=a=b\n' });
      assert.equal((await openFolderLibrary(lib, { level: 'catalog', snapshot })).assets.length, 1);
      assert.equal(existsSync(marker) ? readFileSync(marker, 'utf8') : '', '');
    });
  });

  describe('an encoded dash in an ssh URL is refused before git runs', () => {
    for (const url of ['ssh://%2DoProxyCommand=touch%20MARKER/lib.git', 'ssh://%2doProxyCommand=touch%20MARKER:22/lib.git', 'ssh://%2Dl@host/lib.git', 'ssh://host/%2Dlib.git']) {
      it(url, async () => {
        const dir = tempDir('refuse');
        const marker = path.join(dir, 'pwned');
        const u = url.replace('MARKER', encodeURIComponent(marker));
        assert.throws(
          () => parseGitUrl(u),
          (e: unknown) => e instanceof UserError && /starting with '-'/.test(e.message),
        );
        await assert.rejects(new NodeGit({ env: testGitEnv }).clone(u, path.join(dir, 'c')), (e: unknown) => e instanceof UserError && /starting with '-'/.test(e.message));
        assert.equal(existsSync(marker), false);
        assert.equal(existsSync(path.join(dir, 'c')), false);
      });
    }
    it('a malformed percent-encoding is refused with a message', () => {
      assert.throws(
        () => parseGitUrl('ssh://%E0%A4%A@host/lib.git'),
        (e: unknown) => e instanceof UserError && /percent/.test(e.message),
      );
    });
  });

  describe('credentials in URLs (a raw @ in the password, a token in the query)', () => {
    const password = 'ab@s3cret-pw';
    const token = 'glpat-T0kenValue';

    it('are redacted by the last @ of the authority and in every query value', () => {
      assert.equal(redactCredentials(`fatal: https://alice:${password}@example.com/x.git failed`), 'fatal: https://alice:***@example.com/x.git failed');
      assert.equal(redactCredentials(`https://${password}@example.com/x`), 'https://***@example.com/x');
      assert.equal(redactCredentials(`unable to access 'https://example.com/x.git/?private_token=${token}&b=2': no`), "unable to access 'https://example.com/x.git/?private_token=***&b=***': no");
      assert.equal(redactCredentials('see https://example.com/a@b/c'), 'see https://example.com/a@b/c');
      assert.equal(urlForRecord(`https://alice:${password}@example.com/x.git`), 'https://example.com/x.git');
      assert.equal(urlForRecord(`https://example.com/x.git?private_token=${token}`), 'https://example.com/x.git');
      assert.equal(urlForRecord(`ssh://git:${password}@example.com/x.git`), 'ssh://git@example.com/x.git');
      const parsed = parseGitUrl(`https://alice:${password}@example.com/x.git?private_token=${token}`);
      for (const v of [parsed.display, parsed.key]) assert.ok(!v.includes('s3cret') && !v.includes(token), v);
    });

    it('never show in the CLI’s messages nor in the cache (state.json), on a refused and on an unreachable server', async function () {
      // npm test installs openssl (scripts/prerequisites.mjs); a bare mocha run on a machine without it skips this case.
      if (!haveOpenssl()) this.skip();
      const work = tempDir('work');
      makeRepo(work, generateLibrary(2));
      const base = tempDir('served');
      makeBare(work, path.join(base, 'lib.git'));
      const server = await HttpsGitServer.start(base, testGitEnv);
      try {
        server.mode = 'refuse';
        const cacheDir = tempDir('cache');
        const env = { ...testGitEnv, GIT_SSL_CAINFO: server.caFile, GENAI_ASSETS_CACHE_DIR: cacheDir };
        const urls = [
          server.url('lib.git', `alice:${password}`),
          `${server.url('lib.git')}?private_token=${token}`,
          `https://alice:${password}@127.0.0.1:${await freePort()}/lib.git?private_token=${token}`,
        ];
        const texts: string[] = [];
        for (const url of urls) {
          for (const args of [
            ['sync', '--library', url],
            ['list', '--library', url],
            ['show', 'p00000', '--sync', '--library', url],
          ]) {
            const r = await cli(args, { env });
            assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
            texts.push(r.out, r.err);
          }
        }
        const files = (dir: string): string[] =>
          readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? (d.name === 'repo' ? [] : files(path.join(dir, d.name))) : [path.join(dir, d.name)]));
        const stored = files(cacheDir);
        assert.ok(
          stored.some((f) => f.endsWith('state.json')),
          stored.join('\n'),
        );
        for (const f of stored) texts.push(readFileSync(f, 'latin1'));
        for (const t of texts) for (const secret of ['s3cret', token]) assert.ok(!t.includes(secret), `${secret} shows in: ${t.slice(0, 400)}`);
        assert.match(texts.join('\n'), /https:\/\/alice:\*\*\*@127\.0\.0\.1/);
      } finally {
        await server.stop();
      }
    });
  });

  describe('a server that stalls after the ref advertisement', () => {
    let server: HttpsGitServer;
    let child: ChildProcess | undefined;
    const idleMs = 1500;
    const cap = 30_000;
    before(async function () {
      // npm test installs openssl (scripts/prerequisites.mjs); a bare mocha run on a machine without it skips this case.
      if (!haveOpenssl()) this.skip();
      const work = tempDir('work');
      makeRepo(work, generateLibrary(2));
      const base = tempDir('served');
      makeBare(work, path.join(base, 'lib.git'));
      server = await HttpsGitServer.start(base, testGitEnv);
      server.mode = 'stall-pack';
    });
    afterEach(() => {
      child?.kill('SIGKILL');
      for (const p of processesWith(`127.0.0.1:${server.port}`)) process.kill(Number(p.split(':')[0]), 'SIGKILL');
    });
    after(async () => {
      await server?.stop();
    });

    /** `genai-assets sync` of the stalling server in a process of its own; resolves once git has asked for the pack (the stall begins). */
    async function syncStalled(idle: number): Promise<{ exited: Promise<{ code: number | null; signal: string | null }>; stderr: () => string }> {
      const asked = server.requests.length;
      const proc = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support', 'syncCli.ts'), server.url('lib.git'), tempDir('cache'), String(idle)], {
        cwd: repoRoot,
        env: { ...testGitEnv, GIT_SSL_CAINFO: server.caFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let err = '';
      proc.stderr.on('data', (c: Buffer) => void (err += c.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
      await waitFor(() => server.requests.slice(asked).some((r) => r.endsWith('/git-upload-pack')), 20_000, 'the request for the pack');
      return { exited, stderr: () => err };
    }

    /** `p`'s value, or undefined when it takes longer than `ms`. */
    async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
      } finally {
        clearTimeout(timer);
      }
    }

    it('the CLI (sync) exits within the idle limit plus a few seconds and leaves no git process behind', async () => {
      const run = await syncStalled(idleMs);
      // Timed from the request for the pack: the process's own start-up does not count.
      const stalledAt = Date.now();
      const end = await within(run.exited, cap);
      const took = Date.now() - stalledAt;
      console.log(`      stalled server: the CLI ${end ? `exited ${took} ms after the stall` : `had not exited ${took} ms after the stall`} (idle limit ${idleMs} ms)`);
      assert.ok(end, `the CLI had not exited after ${cap / 1000} s`);
      assert.equal(end.code, 2, run.stderr());
      assert.match(run.stderr(), /no answer for 2 s/);
      assert.ok(took < idleMs + 5000, `took ${took} ms`);
      assert.deepEqual(processesWith(`127.0.0.1:${server.port}`), []);
    });

    it('interrupted (Ctrl-C) during the stall, the CLI ends and takes git with it', async () => {
      const run = await syncStalled(60_000);
      assert.notDeepEqual(processesWith(`git-remote-https origin ${server.url('lib.git')}`), [], 'git is running');
      child!.kill('SIGINT');
      const end = await within(run.exited, 5000);
      assert.deepEqual(end, { code: null, signal: 'SIGINT' });
      await waitFor(() => processesWith(`127.0.0.1:${server.port}`).length === 0, 2000, 'no git process left');
    });
  });
});
