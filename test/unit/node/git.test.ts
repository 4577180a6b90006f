// NodeGit against real repositories: protocol allowlist, refused URLs, timeouts, failures in plain words, trees, blobs and logs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GitError, UserError } from '../../../src/core/errors';
import { classifyGitFailure, NodeGit, protocolConfig, workTreeBlob } from '../../../src/node/git';
import { cleanupTemp, commitAll, freePort, git, makeRepo, StallServer, tempDir, testGitEnv, writeFiles } from '../support/gitServer';

function failure(e: unknown): string {
  return e instanceof GitError ? e.failure : `not a GitError: ${String(e)}`;
}

describe('NodeGit', () => {
  after(cleanupTemp);
  const ng = new NodeGit({ env: testGitEnv, idleTimeoutMs: 1500, networkTimeoutMs: 10_000, localTimeoutMs: 10_000 });

  it('clones a file: URL, lists its tree with blob ids and links, and reads blobs in one process', async () => {
    const work = tempDir('work');
    makeRepo(work, { 'a.txt': 'alpha\n', 'dir/with space/b.prompt': 'beta {{x}}\n', 'dir/ünï.txt': 'unicode\n', 'dir/tab\tand space .md': 'tab\n' });
    symlinkSync('../a.txt', path.join(work, 'dir', 'link'));
    const head = commitAll(work, 'Add a link');
    const dir = path.join(tempDir('clone'), 'c');
    await ng.clone(`file://${work}`, dir, { filterBlobs: true });
    assert.equal(await ng.resolveCommit(dir, 'refs/remotes/origin/main'), head);
    assert.equal(await ng.symbolicRef(dir, 'refs/remotes/origin/HEAD'), 'refs/remotes/origin/main');
    const tree = await ng.lsTree(dir, head);
    const byPath = new Map(tree.map((t) => [t.path, t]));
    assert.deepEqual([...byPath.keys()].sort(), ['a.txt', 'dir/link', 'dir/tab\tand space .md', 'dir/with space/b.prompt', 'dir/ünï.txt']);
    assert.equal(byPath.get('dir/tab\tand space .md')!.id, git(work, 'rev-parse', 'HEAD:dir/tab\tand space .md'));
    assert.equal(byPath.get('dir/link')!.mode, '120000');
    assert.equal(byPath.get('a.txt')!.id, git(work, 'rev-parse', 'HEAD:a.txt'));
    const reader = ng.blobReader(dir);
    try {
      const [a, link, u] = await Promise.all([reader.read(byPath.get('a.txt')!.id), reader.read(byPath.get('dir/link')!.id), reader.read(byPath.get('dir/ünï.txt')!.id)]);
      assert.equal(new TextDecoder().decode(a), 'alpha\n');
      assert.equal(new TextDecoder().decode(link), '../a.txt');
      assert.equal(new TextDecoder().decode(u), 'unicode\n');
      await assert.rejects(reader.read('0'.repeat(40)), /not in the clone/);
      assert.equal(new TextDecoder().decode(await reader.read(byPath.get('a.txt')!.id)), 'alpha\n', 'still usable after a missing object');
    } finally {
      reader.close();
    }
    await assert.rejects(reader.read('nothex'), /Not an object id/);
  });

  it('reads blobs from the work tree only when the file there is exactly the blob', async () => {
    const work = tempDir('wt');
    makeRepo(work, { 'a.txt': 'alpha\n', 'b.txt': 'beta\n', 'c.txt': 'gamma\n', 'd.txt': 'delta\n', 'sub/dir/e.txt': 'epsilon\n' });
    symlinkSync('a.txt', path.join(work, 'link'));
    commitAll(work, 'Add a link');
    const id = (p: string) => git(work, 'rev-parse', `HEAD:${p}`);
    // Untouched: read from the work tree (hash checked), also through a link inside.
    assert.equal(new TextDecoder().decode(workTreeBlob(work, 'a.txt', id('a.txt'))), 'alpha\n');
    assert.equal(new TextDecoder().decode(workTreeBlob(work, 'link', id('a.txt'))), 'alpha\n');
    assert.equal(new TextDecoder().decode(workTreeBlob(work, 'sub/dir/e.txt', id('sub/dir/e.txt'))), 'epsilon\n');
    assert.equal(workTreeBlob(work, 'sub/dir', id('sub/dir/e.txt')), undefined, 'a folder');
    // Edited, replaced by a FIFO, by a folder, or missing: not used (and a FIFO is not waited on).
    writeFileSync(path.join(work, 'b.txt'), 'beta, edited\n');
    unlinkSync(path.join(work, 'c.txt'));
    execFileSync('mkfifo', [path.join(work, 'c.txt')]);
    unlinkSync(path.join(work, 'd.txt'));
    assert.equal(workTreeBlob(work, 'b.txt', id('b.txt')), undefined);
    assert.equal(workTreeBlob(work, 'c.txt', id('c.txt')), undefined);
    assert.equal(workTreeBlob(work, 'd.txt', id('d.txt')), undefined);
    assert.equal(workTreeBlob(work, '../a.txt', id('a.txt')), undefined);
    // A reader for the checked-out commit falls back to the object store for those: the committed bytes.
    const reader = ng.blobReader(work, { workTree: true });
    try {
      const got = await Promise.all(['a.txt', 'b.txt', 'c.txt', 'd.txt'].map((p) => reader.read(id(p), p)));
      assert.deepEqual(
        got.map((b) => new TextDecoder().decode(b)),
        ['alpha\n', 'beta\n', 'gamma\n', 'delta\n'],
      );
    } finally {
      reader.close();
    }
  });

  it('logs the commits of a path, newest first, with author, date and subject', async () => {
    const work = tempDir('work');
    makeRepo(work, { 'x/a.txt': '1', 'y/b.txt': '1' }, 'First');
    writeFiles(work, { 'x/a.txt': '2' });
    const second = commitAll(work, 'Change x');
    writeFiles(work, { 'y/b.txt': '2' });
    commitAll(work, 'Change y');
    const log = await ng.log(work, 'HEAD', 'x', 10);
    assert.deepEqual(
      log.map((l) => l.subject),
      ['Change x', 'First'],
    );
    assert.equal(log[0].commit, second);
    assert.equal(log[0].author, 'Ada Author');
    assert.equal(log[0].email, 'ada@example.test');
    assert.ok(!Number.isNaN(Date.parse(log[0].date)));
    assert.equal((await ng.log(work, 'HEAD', '', 1)).length, 1);
    assert.deepEqual(await ng.log(work, 'HEAD', 'no/such', 5), []);
  });

  it('refuses ext:: and option-like URLs before running anything', async () => {
    const dir = tempDir('refuse');
    const marker = path.join(dir, 'pwned');
    for (const url of [`ext::sh -c touch% ${marker}`, `ext::touch ${marker}`, `--upload-pack=touch ${marker}`, `-u touch ${marker}`]) {
      await assert.rejects(ng.clone(url, path.join(dir, 'c')), (e: unknown) => e instanceof UserError, url);
    }
    await assert.rejects(ng.fetch(dir, `ext::sh -c touch% ${marker}`), UserError);
    assert.equal(existsSync(marker), false);
    assert.equal(existsSync(path.join(dir, 'c')), false);
  });

  it('lets git itself refuse a transport other than the library URL’s own', async () => {
    // The clone's origin is a file: URL, but the library URL given is https: only https may be used.
    const work = tempDir('work');
    makeRepo(work, { 'a.txt': 'a' });
    const dir = path.join(tempDir('clone'), 'c');
    await ng.clone(`file://${work}`, dir);
    await assert.rejects(ng.fetch(dir, 'https://example.invalid/lib.git'), (e: unknown) => failure(e) === 'refused' && /transport 'file' not allowed/.test((e as Error).message));
    // The same settings given to git directly.
    const args = protocolConfig(['https']).flatMap((c) => ['-c', c]);
    assert.throws(
      () => execFileSync('git', [...args, 'ls-remote', `file://${work}`], { env: testGitEnv, stdio: 'pipe' }),
      (e: { stderr?: Buffer }) => /transport 'file' not allowed/.test(String(e.stderr)),
    );
  });

  it('keeps ext:: out even when configuration rewrites the URL to it and allows it', async () => {
    const dir = tempDir('rewrite');
    const marker = path.join(dir, 'pwned');
    const hostile = new NodeGit({
      env: {
        ...testGitEnv,
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: `url.ext::sh -c touch% ${marker}% #.insteadOf`,
        GIT_CONFIG_VALUE_0: 'https://evil.test/',
        GIT_CONFIG_KEY_1: 'protocol.ext.allow',
        GIT_CONFIG_VALUE_1: 'always',
      },
      idleTimeoutMs: 3000,
    });
    await assert.rejects(hostile.clone('https://evil.test/lib.git', path.join(dir, 'c')), (e: unknown) => failure(e) === 'refused' && /transport 'ext' not allowed/.test((e as Error).message));
    assert.equal(existsSync(marker), false);
  });

  it('ignores GIT_DIR and friends from the environment', async () => {
    const work = tempDir('work');
    const head = makeRepo(work, { 'a.txt': 'a' });
    const other = tempDir('other');
    makeRepo(other, { 'b.txt': 'b' });
    const confused = new NodeGit({ env: { ...testGitEnv, GIT_DIR: path.join(other, '.git'), GIT_WORK_TREE: other } });
    assert.equal(await confused.resolveCommit(work, 'HEAD'), head);
  });

  it('says plainly when a remote is unreachable, without the password of the URL', async () => {
    const port = await freePort();
    const dir = tempDir('clone');
    await assert.rejects(ng.clone(`https://bob:hunter2@127.0.0.1:${port}/lib.git`, path.join(dir, 'c')), (e: unknown) => {
      const m = (e as Error).message;
      return failure(e) === 'unreachable' && /Could not reach https:\/\/bob:\*\*\*@127\.0\.0\.1/.test(m) && !m.includes('hunter2');
    });
    await assert.rejects(ng.clone(`git://127.0.0.1:${port}/lib.git`, path.join(dir, 'd')), (e: unknown) => failure(e) === 'unreachable');
  });

  it('stops a clone from a server that accepts and never answers', async () => {
    const stall = await StallServer.start();
    try {
      const started = Date.now();
      const dir = path.join(tempDir('clone'), 'c');
      await assert.rejects(ng.clone(stall.url('lib.git'), dir), (e: unknown) => failure(e) === 'timeout' && /no answer for 2 s|stopped/.test((e as Error).message));
      assert.ok(Date.now() - started < 8000);
      assert.ok(stall.connections >= 1);
    } finally {
      await stall.stop();
    }
  });

  it('merge base by revision names in one run, and the work tree compared with a commit whole or for the paths named', async () => {
    const work = tempDir('changes');
    const base = makeRepo(work, { 'lib/a.prompt': 'a\n', 'lib/b.prompt': 'b\n', 'lib/c d.prompt': 'c\n', 'top.txt': 't\n' });
    git(work, 'switch', '-q', '-c', 'feature');
    writeFiles(work, { 'lib/a.prompt': 'a2\n' });
    commitAll(work, 'Change a');
    assert.equal(await ng.mergeBaseOf(work, 'HEAD', 'main'), base);
    assert.equal(await ng.mergeBaseOf(work, 'HEAD', 'no-such-branch'), undefined);
    assert.equal(await ng.mergeBaseOf(work, 'HEAD', '--all'), undefined);
    git(work, 'update-ref', 'refs/remotes/origin/main', base);
    git(work, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
    // A ref under a name asked for is not that name.
    git(work, 'update-ref', 'refs/heads/master/nested', base);
    assert.deepEqual(
      await ng.existingRefs(work, ['refs/remotes/origin/HEAD', 'refs/remotes/origin/main', 'refs/heads/main', 'refs/heads/master', '--all']),
      new Map([
        ['refs/heads/main', ''],
        ['refs/remotes/origin/HEAD', 'refs/remotes/origin/main'],
        ['refs/remotes/origin/main', ''],
      ]),
    );
    writeFiles(work, { 'lib/c d.prompt': 'c2\n' });
    unlinkSync(path.join(work, 'lib', 'b.prompt'));
    const lib = path.join(work, 'lib');
    // Relative to the folder asked about; renames as a deletion and an addition; untracked files are not among them.
    writeFiles(work, { 'lib/new.prompt': 'n\n' });
    assert.deepEqual(await ng.workTreeChanges(lib, base), [
      { status: 'M', path: 'a.prompt' },
      { status: 'D', path: 'b.prompt' },
      { status: 'M', path: 'c d.prompt' },
    ]);
    // Only the paths named (literally: a name is not a pattern); none named, no git run.
    assert.deepEqual(await ng.workTreeChanges(lib, base, ['c d.prompt', 'new.prompt', '*.prompt']), [{ status: 'M', path: 'c d.prompt' }]);
    assert.deepEqual(await ng.workTreeChanges(lib, base, ['b.prompt']), [{ status: 'D', path: 'b.prompt' }]);
    assert.deepEqual(await ng.workTreeChanges(lib, base, []), []);
  });

  it('classifies git’s messages', () => {
    assert.equal(classifyGitFailure("fatal: Authentication failed for 'https://x/'"), 'auth');
    assert.equal(classifyGitFailure('fatal: could not read Username for https://x: terminal prompts disabled'), 'auth');
    assert.equal(classifyGitFailure('git@x: Permission denied (publickey).'), 'auth');
    assert.equal(classifyGitFailure('fatal: unable to access https://x/: Could not resolve host: x'), 'unreachable');
    assert.equal(classifyGitFailure('fatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: 127.0.0.1]: errno=Connection refused'), 'unreachable');
    assert.equal(classifyGitFailure("fatal: repository 'https://x/y/' not found"), 'not-found');
    assert.equal(classifyGitFailure('fatal: Not possible to fast-forward, aborting.'), 'local-changes');
    assert.equal(classifyGitFailure('error: Your local changes to the following files would be overwritten by checkout'), 'local-changes');
    assert.equal(classifyGitFailure("fatal: transport 'ext' not allowed"), 'refused');
    assert.equal(classifyGitFailure('fatal: something else'), 'failed');
  });
});
