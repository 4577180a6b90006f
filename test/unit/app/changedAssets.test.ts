// validate --changed keeps git's answers between runs: on real repositories, every kind of change made between two runs gives what a run without them gives.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { changesFile, checkChanged, libraryChanges } from '../../../src/app/changedAssets';
import type { ChangedCheck } from '../../../src/app/changedAssets';
import { folderSource } from '../../../src/core/library/fileSource';
import { nodeFileSystem, nodePathOps } from '../../../src/node/fileSystem';
import { openFolderSnapshot } from '../../../src/node/folderSnapshot';
import { NodeGit } from '../../../src/node/git';
import { fixturesDir } from '../paths';

const problems = path.join(fixturesDir, 'catalog', 'cross-asset-problems');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

/** Real git, with the work-tree comparisons it is asked for counted: the whole folder, or the paths named. */
class CountingGit extends NodeGit {
  whole = 0;
  asked: string[][] = [];
  override workTreeChanges(dir: string, commit: string, paths?: readonly string[]): Promise<{ status: string; path: string }[]> {
    if (paths) this.asked.push([...paths]);
    else this.whole++;
    return super.workTreeChanges(dir, commit, paths);
  }
}

/** What a run found, in a form two runs can be compared by. */
function found(c: ChangedCheck): unknown {
  const reached = c.reached === 'all' ? 'all' : [...c.reached].sort();
  return { paths: [...c.changes.paths].sort(), idsBefore: [...c.changes.idsBefore].sort(), reached, diagnostics: c.diagnostics };
}

describe('validate --changed: git answers kept between runs', function () {
  this.timeout(60000);
  let tmp: string;
  let repo: string;
  let cache: string;
  // Files written by the test count as old: their stats are trusted at the next run.
  const snapshot = () => ({ cacheDir: cache, engine: 'engine-test', now: () => Date.now() + 60_000 });

  /** A run keeping git's answers in `cache`, and a run from nothing (no snapshot, no answers kept): they must agree. */
  async function both(ref = 'main'): Promise<{ kept: ChangedCheck; git: CountingGit }> {
    const counting = new CountingGit();
    const kept = await checkChanged(repo, (keep) => libraryChanges(repo, ref, counting, keep), { snapshot: snapshot() });
    const fresh = await checkChanged(repo, libraryChanges(repo, ref), { snapshot: { ...snapshot(), cacheDir: fs.mkdtempSync(path.join(tmp, 'fresh-')) } });
    assert.deepEqual(found(kept), found(fresh));
    return { kept, git: counting };
  }

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-kept-'));
    repo = path.join(tmp, 'repo');
    cache = path.join(tmp, 'cache');
    fs.cpSync(problems, repo, { recursive: true });
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'The library');
    git(repo, 'switch', '-q', '-c', 'feature');
    fs.appendFileSync(path.join(repo, 'greeting', 'greeting.prompt'), '\nAlso mention {{ undeclaredThing }}.\n');
    git(repo, 'commit', '-q', '-am', 'Greeting: mention a thing');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a second run with nothing changed asks git about no file, and finds what the first found', async () => {
    const first = await both();
    assert.equal(first.git.whole, 1);
    assert.ok(fs.existsSync(changesFile(cache, path.resolve(repo))));
    const second = await both();
    assert.equal(second.git.whole, 0);
    assert.deepEqual(second.git.asked, []);
    assert.deepEqual(found(second.kept), found(first.kept));
    assert.deepEqual(second.kept.changes.paths, ['greeting/greeting.prompt']);
  });

  it('a file changed in the work tree, not staged: only it is asked about again', async () => {
    await both();
    fs.appendFileSync(path.join(repo, 'wrong-model', 'p.prompt'), '\nAnd {{ anotherUndeclared }}.\n');
    const { kept, git: g } = await both();
    assert.equal(g.whole, 0);
    assert.deepEqual(g.asked, [['wrong-model/p.prompt']]);
    assert.deepEqual(kept.changes.paths, ['greeting/greeting.prompt', 'wrong-model/p.prompt']);
  });

  it('a file staged (then the work tree put back as it was), a file staged alone, and a change committed on the branch', async () => {
    await both();
    const p = path.join(repo, 'no-owners', 'asset.yaml');
    const was = fs.readFileSync(p, 'utf8');
    fs.appendFileSync(p, '# staged\n');
    git(repo, 'add', 'no-owners/asset.yaml');
    let { kept } = await both();
    assert.ok(kept.changes.paths.includes('no-owners/asset.yaml'));
    // The work tree back as at the base while the index still holds the change: the work tree is what counts.
    fs.writeFileSync(p, was);
    ({ kept } = await both());
    assert.ok(!kept.changes.paths.includes('no-owners/asset.yaml'));
    git(repo, 'add', 'no-owners/asset.yaml');
    fs.appendFileSync(path.join(repo, 'dup-a', 'asset.yaml'), '# committed\n');
    git(repo, 'commit', '-q', '-am', 'Touch dup-a');
    ({ kept } = await both());
    assert.deepEqual(kept.changes.paths, ['dup-a/asset.yaml', 'greeting/greeting.prompt']);
  });

  it('an untracked file, a deleted one, a renamed one (git mv), then a file put back as it was at the base', async () => {
    await both();
    fs.mkdirSync(path.join(repo, 'fresh'));
    fs.writeFileSync(path.join(repo, 'fresh', 'fresh.prompt'), '---\nmodel: openai/gpt-4o-mini\n---\nHello {{ who }}.\n');
    let { kept, git: g } = await both();
    assert.ok(kept.changes.paths.includes('fresh/fresh.prompt'), 'untracked');
    assert.equal(g.whole, 0);
    fs.rmSync(path.join(repo, 'long-prompt'), { recursive: true });
    ({ kept, git: g } = await both());
    assert.ok(
      kept.changes.paths.some((p) => p.startsWith('long-prompt/')),
      'deleted',
    );
    // Deleted files are not listed: git is asked about them at every run.
    ({ kept, git: g } = await both());
    assert.equal(g.whole, 0);
    assert.ok(g.asked[0].some((p) => p.startsWith('long-prompt/')));
    git(repo, 'mv', 'tampered', 'tampered-moved');
    ({ kept, git: g } = await both());
    assert.equal(g.whole, 1, 'the files git tracks changed: the whole folder is compared');
    assert.ok(kept.changes.paths.some((p) => p.startsWith('tampered-moved/')));
    git(repo, 'checkout', '-q', 'main', '--', 'greeting/greeting.prompt');
    ({ kept } = await both());
    assert.ok(!kept.changes.paths.includes('greeting/greeting.prompt'), 'put back as at the base');
  });

  it('another base, a changed .gitattributes, or kept answers that do not read back: the whole folder is compared', async () => {
    await both();
    git(repo, 'switch', '-q', 'main');
    fs.appendFileSync(path.join(repo, 'uses-old', 'asset.yaml'), '# on main\n');
    git(repo, 'commit', '-q', '-am', 'Main moves on');
    git(repo, 'switch', '-q', 'feature');
    let g = (await both('main')).git;
    assert.equal(g.whole, 0, 'the same merge base');
    g = (await both('HEAD')).git;
    assert.equal(g.whole, 1, 'another base');
    fs.writeFileSync(path.join(repo, '.gitattributes'), '*.prompt text\n');
    g = (await both('HEAD')).git;
    assert.equal(g.whole, 1, 'a new .gitattributes');
    fs.writeFileSync(changesFile(cache, path.resolve(repo)), '{"version":1,"base":');
    g = (await both('HEAD')).git;
    assert.equal(g.whole, 1, 'corrupt');
    g = (await both('HEAD')).git;
    assert.equal(g.whole, 0, 'written again');
  });

  it('a listing stored since by another open (the editor, another command) does not pass for the one the answers hold for', async () => {
    await both();
    fs.appendFileSync(path.join(repo, 'dup-b', 'asset.yaml'), '# edited\n');
    const abs = path.resolve(repo);
    await openFolderSnapshot(snapshot(), { root: abs, source: folderSource(nodeFileSystem, nodePathOps, abs), fallbackName: path.basename(abs), level: 'catalog' });
    const { kept, git: g } = await both();
    assert.equal(g.whole, 1);
    assert.ok(kept.changes.paths.includes('dup-b/asset.yaml'));
  });

  it('answers found while the listing could not be trusted yet are not kept', async () => {
    // The listing's clock far ahead of the comparison's: the comparison began before the stats could be trusted.
    const counting = new CountingGit();
    const file = changesFile(cache, path.resolve(repo));
    await checkChanged(repo, (keep) => libraryChanges(repo, 'main', counting, { ...keep, now: () => Date.now() - 60_000 }), { snapshot: snapshot() });
    assert.equal(counting.whole, 1);
    assert.ok(!fs.existsSync(file));
  });
});
