// A folder library's snapshot: a second open of an unchanged folder reads nothing, every change is seen, and the catalog is always the one a cold load gives.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fullStages } from '../../../src/core/checks/stages';
import { folderSource } from '../../../src/core/library/fileSource';
import type { CatalogLevel } from '../../../src/core/library/load';
import { folderSnapshotFiles } from '../../../src/core/library/folderSnapshot';
import { gitChanged, gitClean, gitUntracked, linkOf, statWidth } from '../../../src/core/library/folderSnapshot';
import type { PreviousListing, FolderListing } from '../../../src/core/library/folderSnapshot';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { LiveCatalog } from '../../../src/core/editor/liveCatalog';
import { LazyFiles } from '../../../src/core/library/lazyFiles';
import type { Catalog } from '../../../src/core/library/types';
import { folderSnapshotDir, listFolder, openFolderSnapshot } from '../../../src/node/folderSnapshot';
import type { FolderSnapshotSettings, IndexReader } from '../../../src/node/folderSnapshot';
import { nodeFileSystem, nodePathOps } from '../../../src/node/fileSystem';
import { NodeGit } from '../../../src/node/git';
import { openFolderLibrary } from '../../../src/node/openFolder';
import { generateBenchLibrary } from '../../bench/generate';
import { cleanupTemp, commitAll, git, makeRepo, tempDir, writeFiles } from '../support/gitServer';

/** A clock a minute ahead: the files a test just wrote count as old (not racy). */
const later = () => Date.now() + 60_000;

/**
 * What a load gives, comparable: `files` left out (a snapshot keeps no parsed files at the
 * catalog level, as a git library's does not), undefined fields and an empty `checkFindings` dropped.
 */
function comparable(c: Catalog): unknown {
  const { files: _files, checkFindings, ...rest } = c;
  return JSON.parse(JSON.stringify(checkFindings?.length ? { ...rest, checkFindings } : rest)) as unknown;
}

interface Opened {
  catalog: Catalog;
  /** Files read and parsed. */
  parsed: string[];
}

/** Opens `root` through its snapshot in `cache`, as `list` does (catalog level), counting the files parsed. */
async function open(root: string, cache: string, opts: { level?: CatalogLevel; engine?: string; now?: () => number; readIndex?: IndexReader } = {}): Promise<Opened> {
  const parsed: string[] = [];
  const snapshot: FolderSnapshotSettings = { cacheDir: cache, engine: opts.engine ?? 'engine-1', now: opts.now ?? later, readIndex: opts.readIndex, gitMinFiles: 0 };
  const catalog = await openFolderLibrary(root, { level: opts.level ?? 'catalog', snapshot, onParse: (p) => parsed.push(p) });
  return { catalog, parsed };
}

/** Opens `root` and checks that its catalog is what a cold load (no snapshot) gives. */
async function openAndCompare(root: string, cache: string, opts: Parameters<typeof open>[2] = {}): Promise<Opened> {
  const opened = await open(root, cache, opts);
  const cold = await openFolderLibrary(root, { level: opts.level ?? 'catalog' });
  assert.deepEqual(comparable(opened.catalog), comparable(cold));
  return opened;
}

function asset(c: Catalog, id: string) {
  return c.assets.find((a) => a.id === id);
}

const prompt = (id: string, version: string, description = 'Says hello.') =>
  `---\nname: ${id}\nversion: ${version}\ndescription: ${description}\ninput:\n  schema:\n    who: string\n---\nHello {{who}}!\n`;
const manifest = (id: string, version: string) => `id: ${id}\nkind: prompt\nversion: ${version}\nstatus: draft\ntitle: ${id}\nentry: ${id}.prompt\n`;

/** A small library: two managed prompts, a loose prompt, a file a folder walk lists before a file it sorts after (`b/` before `b-old`). */
function smallLibrary(): Record<string, string> {
  return {
    'library.yaml': 'name: small\n',
    'prompts/greet/asset.yaml': manifest('greet', '1.0.0'),
    'prompts/greet/greet.prompt': prompt('greet', '1.0.0'),
    'prompts/greet/README.md': 'Greets.\n',
    'prompts/part/asset.yaml': manifest('part', '1.0.0'),
    'prompts/part/part.prompt': prompt('part', '1.0.0'),
    'loose/b/inner.prompt': prompt('inner', '0.1.0'),
    'loose/b-old.prompt': prompt('b-old', '0.1.0'),
    'loose/hello.prompt': prompt('hello', '0.1.0'),
  };
}

/** A listing as the snapshot keeps it, for the next listing. */
function previousOf(l: FolderListing): PreviousListing {
  const links = new Map<string, string>();
  for (const e of l.entries) if (e.type === 'symlink') links.set(e.path, linkOf(e)!);
  return { files: l.entries.map((e) => e.path), links, stats: l.stats, folders: l.folders, folderStats: l.folderStats, folderEntries: () => l.folderEntries(), git: l.git };
}

/** The stat of a listed file. */
function statAt(l: FolderListing, path: string): number[] {
  const i = l.entries.findIndex((e) => e.path === path);
  return [...l.stats.subarray(i * statWidth, (i + 1) * statWidth)];
}

/** Sets a file's modification time to `seconds` since the epoch (a change that keeps the size then still changes the stat). */
function touch(file: string, seconds: number): void {
  utimesSync(file, seconds, seconds);
}

describe('folder snapshot', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  it('reads no file at the second open of an unchanged folder, and gives the catalog a cold load gives', async () => {
    const root = tempDir('lib');
    writeFiles(root, generateBenchLibrary(60));
    const cache = tempDir('cache');
    const first = await openAndCompare(root, cache);
    assert.ok(first.parsed.length > 100, `the first open reads the library (${first.parsed.length} files)`);
    const second = await openAndCompare(root, cache);
    assert.deepEqual(second.parsed, []);
    assert.equal(second.catalog.assets.length, 60);
    // The snapshot lies under the cache folder, keyed by the folder's path.
    const files = folderSnapshotFiles(path, folderSnapshotDir(cache, root));
    assert.ok(existsSync(files.listing) && existsSync(files.catalog));
  });

  it('sees edited, added, deleted and renamed files, reading only the assets they belong to', async () => {
    const root = tempDir('lib');
    writeFiles(root, smallLibrary());
    const cache = tempDir('cache');
    await openAndCompare(root, cache);

    // An edit that keeps the size (1.0.0 -> 1.0.1) in a managed asset.
    const entry = path.join(root, 'prompts/greet/greet.prompt');
    writeFileSync(entry, prompt('greet', '1.0.1', 'Says hi!!!!'));
    touch(entry, 1_600_000_000);
    let opened = await openAndCompare(root, cache);
    assert.deepEqual(opened.parsed.sort(), ['prompts/greet/asset.yaml', 'prompts/greet/greet.prompt']);
    assert.equal(asset(opened.catalog, 'greet')?.description, 'Says hi!!!!');

    // Added: a loose prompt and a new managed asset.
    writeFiles(root, { 'loose/new.prompt': prompt('new', '0.2.0'), 'prompts/extra/asset.yaml': manifest('extra', '2.0.0'), 'prompts/extra/extra.prompt': prompt('extra', '2.0.0') });
    opened = await openAndCompare(root, cache);
    assert.deepEqual(opened.parsed.sort(), ['loose/new.prompt', 'prompts/extra/asset.yaml', 'prompts/extra/extra.prompt']);
    assert.equal(asset(opened.catalog, 'extra')?.version, '2.0.0');

    // Deleted: a loose prompt and a managed asset's README (its file list changes).
    rmSync(path.join(root, 'loose/hello.prompt'));
    rmSync(path.join(root, 'prompts/greet/README.md'));
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'hello'), undefined);
    assert.deepEqual(asset(opened.catalog, 'greet')?.files, ['prompts/greet/asset.yaml', 'prompts/greet/greet.prompt']);

    // Renamed: a loose prompt and a whole asset folder.
    renameSync(path.join(root, 'loose/new.prompt'), path.join(root, 'loose/renamed.prompt'));
    renameSync(path.join(root, 'prompts/extra'), path.join(root, 'prompts/moved'));
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'renamed')?.path, 'loose/renamed.prompt');
    assert.equal(asset(opened.catalog, 'extra')?.path, 'prompts/moved');

    // An asset.yaml removed: its files become loose assets; library.yaml changed: read whole.
    rmSync(path.join(root, 'prompts/part/asset.yaml'));
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'part')?.managed, false);
    writeFileSync(path.join(root, 'library.yaml'), 'name: renamed-library\n');
    opened = await openAndCompare(root, cache);
    assert.equal(opened.catalog.library.name, 'renamed-library');

    // And then nothing is read again.
    assert.deepEqual((await openAndCompare(root, cache)).parsed, []);
  });

  it('reads again a file changed within the time granule of the listing (the racy rule)', async () => {
    const root = tempDir('lib');
    writeFiles(root, smallLibrary());
    const cache = tempDir('cache');
    const file = path.join(root, 'loose/hello.prompt');
    const now = () => Date.now();
    // Listed right after being written: the file's stat is not trusted yet.
    await openAndCompare(root, cache, { now });
    const before = statSync(file);
    // The same size, and (as often as not) the same times: only the content tells.
    writeFileSync(file, prompt('hello', '0.1.1'));
    touch(file, before.mtimeMs / 1000);
    let opened = await openAndCompare(root, cache, { now });
    assert.equal(asset(opened.catalog, 'hello')?.version, '0.1.1');
    writeFileSync(file, prompt('hello', '0.1.2'));
    touch(file, before.mtimeMs / 1000);
    opened = await openAndCompare(root, cache, { now });
    assert.equal(asset(opened.catalog, 'hello')?.version, '0.1.2');
    // Once the files are old enough, they are trusted: read once more, then never.
    opened = await openAndCompare(root, cache);
    assert.ok(opened.parsed.includes('loose/hello.prompt'));
    assert.deepEqual((await openAndCompare(root, cache)).parsed, []);
  });

  it('works in a git work tree: commits read nothing, switching branches reads what the switch rewrote', async () => {
    const root = tempDir('repo');
    makeRepo(root, smallLibrary());
    const cache = tempDir('cache');
    await openAndCompare(root, cache);
    // git writes under .git only (never listed): nothing to read.
    writeFiles(root, { 'notes.txt': 'not part of any asset\n' });
    commitAll(root, 'Notes');
    const afterCommit = await openAndCompare(root, cache);
    assert.deepEqual(afterCommit.parsed, []);
    // A branch that changes a prompt, and back.
    git(root, 'switch', '-q', '-c', 'other');
    writeFiles(root, { 'prompts/part/part.prompt': prompt('part', '3.0.0', 'Part three.') });
    commitAll(root, 'Part 3');
    let opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'part')?.description, 'Part three.');
    git(root, 'switch', '-q', 'main');
    opened = await openAndCompare(root, cache);
    assert.deepEqual(opened.parsed.sort(), ['prompts/part/asset.yaml', 'prompts/part/part.prompt']);
    assert.equal(asset(opened.catalog, 'part')?.description, 'Says hello.');
    // Files .gitignore ignores are left out, as git lists the folder (issue 14); without the rule they are in.
    writeFiles(root, { '.gitignore': 'scratch/\n', 'scratch/draft.prompt': prompt('draft', '0.0.1') });
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'draft'), undefined);
    writeFiles(root, { '.gitignore': '# nothing ignored\n' });
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'draft')?.path, 'scratch/draft.prompt');
  });

  it("in a git work tree, takes the stat of a file git's index vouches for from the last listing", async () => {
    const root = tempDir('repo');
    makeRepo(root, { ...smallLibrary(), 'loose/kept.prompt': prompt('kept', '0.1.0') });
    writeFiles(root, { 'loose/untracked.prompt': prompt('untracked', '0.1.0'), 'loose/hello.prompt': prompt('hello', '0.2.0') });
    git(root, 'update-index', '--assume-unchanged', 'loose/kept.prompt');
    const git1 = () => ({ reader: new NodeGit(), minFiles: 0 });
    const stateOf = (l: FolderListing, p: string) => l.git?.states[l.entries.findIndex((e) => e.path === p)];
    const first = await listFolder(root, undefined, later, git1());
    assert.equal(first.git?.index, path.join(root, '.git', 'index'));
    assert.equal(stateOf(first, 'prompts/greet/greet.prompt'), gitClean);
    assert.equal(stateOf(first, 'loose/hello.prompt'), gitChanged);
    assert.equal(stateOf(first, 'loose/untracked.prompt'), gitUntracked);
    assert.equal(stateOf(first, 'loose/kept.prompt'), gitUntracked, 'assumed unchanged: git does not look at it');
    // The stats the next listing takes as they are: those of files clean then and now. A made-up stat shows through.
    const previous = previousOf(first);
    previous.stats = previous.stats.slice();
    const madeUp = (p: string) => {
      const i = first.entries.findIndex((e) => e.path === p);
      previous.stats.set([1, 2, 3, i], i * statWidth);
      return [1, 2, 3, i];
    };
    const clean = madeUp('prompts/greet/greet.prompt');
    for (const p of ['loose/hello.prompt', 'loose/untracked.prompt', 'loose/kept.prompt']) madeUp(p);
    const second = await listFolder(root, previous, later, git1());
    assert.deepEqual(statAt(second, 'prompts/greet/greet.prompt'), clean);
    for (const p of ['loose/hello.prompt', 'loose/untracked.prompt', 'loose/kept.prompt']) assert.deepEqual(statAt(second, p), statAt(first, p), `${p} is looked at`);
    // Once the index changes (a file staged), every file is looked at.
    git(root, 'add', 'loose/hello.prompt');
    const third = await listFolder(root, previous, later, git1());
    assert.deepEqual(statAt(third, 'prompts/greet/greet.prompt'), statAt(first, 'prompts/greet/greet.prompt'));
    assert.equal(stateOf(third, 'loose/hello.prompt'), gitClean);
    // git is asked about a folder of minFiles files or more only.
    const asked: string[] = [];
    const nodeGit = new NodeGit();
    const reader: IndexReader = { indexChanges: (dir) => (asked.push(dir), nodeGit.indexChanges(dir)), trackedFiles: (dir, plainOnly) => nodeGit.trackedFiles(dir, plainOnly) };
    assert.equal((await listFolder(root, undefined, later, { reader, minFiles: first.entries.length + 1 })).git, undefined);
    assert.ok((await listFolder(root, previousOf(third), later, { reader, minFiles: first.entries.length })).git);
    assert.deepEqual(asked, [root]);
    // A linked work tree (`.git` is a file there): git says where its index is.
    const linked = path.join(tempDir('linked'), 'tree');
    git(root, 'worktree', 'add', '-q', linked);
    const inLinked = await listFolder(linked, undefined, later, { reader: new NodeGit(), minFiles: 0 });
    assert.equal(inLinked.git?.index, path.resolve(linked, git(linked, 'rev-parse', '--git-path', 'index')));
    assert.equal(stateOf(inLinked, 'prompts/greet/greet.prompt'), gitClean);
    // Outside a work tree, or without git's answer, no file is vouched for.
    const plain = tempDir('lib');
    writeFiles(plain, smallLibrary());
    assert.equal((await listFolder(plain, undefined, later, { reader: new NodeGit(), minFiles: 0 })).git, undefined);
  });

  it('in a git work tree, sees every change git or a stat shows: edits that keep size and time, files assumed unchanged, staged and committed changes', async () => {
    const root = tempDir('repo');
    makeRepo(root, smallLibrary());
    const cache = tempDir('cache');
    await openAndCompare(root, cache);
    assert.deepEqual((await openAndCompare(root, cache)).parsed, []);
    // git compares times to the second (unless built with USE_NSEC). With the real clock a file's stat is trusted 3 s after its
    // last change (racyMarginMs), so a later edit changes the second of its change time: the edits here wait for the next second.
    const edit = async (rel: string, version: string) => {
      const file = path.join(root, rel);
      const before = statSync(file);
      const next = (Math.floor(before.ctimeMs / 1000) + 1) * 1000 + 10;
      if (Date.now() < next) await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
      writeFileSync(file, prompt(path.basename(rel, '.prompt'), version));
      touch(file, before.mtimeMs / 1000);
    };
    // The same size and modification time: git sees the change time.
    await edit('loose/hello.prompt', '0.1.1');
    let opened = await openAndCompare(root, cache);
    assert.deepEqual(opened.parsed, ['loose/hello.prompt']);
    assert.equal(asset(opened.catalog, 'hello')?.version, '0.1.1');
    // A file git is told to assume unchanged is looked at here all the same.
    git(root, 'update-index', '--assume-unchanged', 'loose/b-old.prompt');
    await openAndCompare(root, cache);
    await edit('loose/b-old.prompt', '0.1.2');
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'b-old')?.version, '0.1.2');
    git(root, 'update-index', '--no-assume-unchanged', 'loose/b-old.prompt');
    // Staged, then committed, then changed back by a checkout: each seen, nothing else read.
    commitAll(root, 'Edits');
    assert.deepEqual((await openAndCompare(root, cache)).parsed, []);
    await edit('loose/hello.prompt', '0.1.3');
    git(root, 'add', 'loose/hello.prompt');
    opened = await openAndCompare(root, cache);
    assert.deepEqual(opened.parsed, ['loose/hello.prompt']);
    git(root, 'checkout', '-q', 'HEAD', '--', 'loose/hello.prompt');
    opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'hello')?.version, '0.1.1');
    assert.deepEqual((await openAndCompare(root, cache)).parsed, []);
    // After a commit (the index written again, no file changed), an open asks git for the index's entries once, at
    // both levels: the listing is stored again with them, and the next open takes the stats of clean files from it.
    await openAndCompare(root, cache, { level: 'full' });
    commitAll(root, 'Nothing changed');
    const asked: string[] = [];
    const nodeGit = new NodeGit();
    const readIndex: IndexReader = {
      indexChanges: (dir) => nodeGit.indexChanges(dir),
      trackedFiles: (dir, plainOnly) => (asked.push(dir), nodeGit.trackedFiles(dir, plainOnly)),
    };
    for (const level of ['catalog', 'full'] as const) {
      asked.length = 0;
      assert.deepEqual((await openAndCompare(root, cache, { level, readIndex })).parsed, []);
      assert.deepEqual((await openAndCompare(root, cache, { level, readIndex })).parsed, []);
      assert.deepEqual(asked, [root], level);
    }
  });

  it('follows links inside the library to their targets', async function () {
    if (process.platform === 'win32') this.skip(); // links need privileges there
    const root = tempDir('lib');
    writeFiles(root, smallLibrary());
    symlinkSync('hello.prompt', path.join(root, 'loose/alias.prompt'));
    const cache = tempDir('cache');
    await openAndCompare(root, cache);
    assert.deepEqual((await openAndCompare(root, cache)).parsed, []);
    const target = path.join(root, 'loose/hello.prompt');
    writeFileSync(target, prompt('hello', '0.9.0'));
    touch(target, 1_600_000_000);
    const opened = await openAndCompare(root, cache);
    assert.equal(asset(opened.catalog, 'alias')?.version, '0.9.0');
  });

  it('does not use a corrupt, foreign or incomplete snapshot, and writes it again', async () => {
    const root = tempDir('lib');
    writeFiles(root, smallLibrary());
    const cache = tempDir('cache');
    await openAndCompare(root, cache);
    const files = folderSnapshotFiles(path, folderSnapshotDir(cache, root));
    const all = Object.keys(smallLibrary()).filter((p) => p.endsWith('.prompt') || p.endsWith('.yaml')).length;
    const readWhole = async (what: string) => {
      const opened = await openAndCompare(root, cache);
      assert.equal(opened.parsed.length, all, what);
      assert.deepEqual((await openAndCompare(root, cache)).parsed, [], `${what}: written again`);
    };

    const listing = readFileSync(files.listing);
    const renamed = Buffer.from(listing);
    const at = renamed.indexOf('prompts/greet/asset.yaml');
    assert.ok(at > 0);
    renamed.write('prompts/greet/asset.yamm', at);
    writeFileSync(files.listing, renamed);
    await readWhole('a listing whose checksum fails');
    writeFileSync(files.listing, listing.subarray(0, listing.length >> 1));
    await readWhole('a truncated listing');
    writeFileSync(files.listing, 'not a listing');
    await readWhole('a file that is no listing');
    const foreign = readFileSync(files.listing);
    foreign.write('"engine-0"', foreign.indexOf('"engine-1"'));
    writeFileSync(files.listing, foreign);
    await readWhole('the listing of another build');

    const catalog = readFileSync(files.catalog);
    catalog[catalog.length - 3] ^= 0xff;
    writeFileSync(files.catalog, catalog);
    await readWhole('a catalog whose checksum fails');
    rmSync(files.catalog);
    await readWhole('a listing without its catalog');

    // Another build of the parsers: read whole once, then its own snapshot serves it.
    const other = await openAndCompare(root, cache, { engine: 'engine-2' });
    assert.equal(other.parsed.length, all);
    assert.deepEqual((await openAndCompare(root, cache, { engine: 'engine-2' })).parsed, []);
    assert.deepEqual(
      readdirSync(files.dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('keeps parsed files by stat at the full level: a second open parses nothing and gives every diagnostic', async () => {
    const root = tempDir('lib');
    writeFiles(root, generateBenchLibrary(40));
    const cache = tempDir('cache');
    const first = await openAndCompare(root, cache, { level: 'full' });
    assert.ok(first.catalog.diagnostics.length > 0, 'the generated library has problems');
    assert.deepEqual((await openAndCompare(root, cache, { level: 'full' })).parsed, []);
    const file = path.join(
      root,
      Object.keys(generateBenchLibrary(40)).find((p) => p.endsWith('.prompt'))!,
    );
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n{{undefinedVariable}}\n`);
    const edited = await openAndCompare(root, cache, { level: 'full' });
    assert.deepEqual(edited.parsed, [path.relative(root, file).split(path.sep).join('/')]);
  });

  it('keeps the cross-file findings of the full level by listing: an unchanged folder runs no check; an edit, a racy file or a damaged store runs them', async () => {
    const root = tempDir('lib');
    writeFiles(root, generateBenchLibrary(40));
    const cache = tempDir('cache');
    let runs = 0;
    /** A full open through the snapshot, counting the runs of the check stage, compared with a cold load. */
    const openFull = async (now: () => number = later): Promise<Catalog> => {
      const load = {
        root,
        source: folderSource(nodeFileSystem, nodePathOps, root),
        fallbackName: path.basename(root),
        parser: fullStages.parser,
        checks: (c: Catalog) => (runs++, fullStages.checks(c)),
      };
      const { catalog } = await openFolderSnapshot({ cacheDir: cache, engine: 'engine-1', now }, load);
      assert.deepEqual(comparable(catalog), comparable(await openFolderLibrary(root)));
      return catalog;
    };
    const counted = async (now?: () => number): Promise<number> => {
      const before = runs;
      await openFull(now);
      return runs - before;
    };
    assert.equal(await counted(), 1, 'the first open runs the checks');
    const first = await openFull();
    assert.ok((first.checkFindings ?? []).length > 0, 'the generated library has cross-file findings');
    assert.equal(await counted(), 0, 'the folder as it was: the findings kept');

    // A manifest now names an asset the library does not have: a new cross-file finding, found by running the checks again.
    const files = generateBenchLibrary(40);
    const manifestPath = Object.keys(files).find((p) => p.endsWith('asset.yaml') && /^kind: prompt$/m.test(files[p]))!;
    writeFileSync(path.join(root, manifestPath), `${files[manifestPath]}dependsOn: [no-such-asset@^1.0]\n`);
    assert.equal(await counted(), 1, 'an edit runs the checks');
    assert.ok((await openFull()).checkFindings!.some((d) => d.file === manifestPath && d.code === 'unknown-reference'));
    assert.equal(await counted(), 0);

    // Changed within the margin (its stat not to be trusted yet): checked at every open until it is old enough.
    writeFileSync(path.join(root, manifestPath), files[manifestPath]);
    assert.equal(await counted(Date.now), 1);
    assert.equal(await counted(Date.now), 1, 'a racy file: nothing kept for its listing');
    assert.equal(await counted(), 1);
    assert.equal(await counted(), 0);

    // A damaged, foreign or missing store is not used (the checks run), and written again.
    const stored = folderSnapshotFiles(path, folderSnapshotDir(cache, root)).fullCatalog;
    writeFileSync(stored, readFileSync(stored, 'utf8').slice(0, 100));
    assert.equal(await counted(), 1, 'a truncated store');
    assert.equal(await counted(), 0);
    writeFileSync(stored, readFileSync(stored, 'utf8').replace('"engine-1"', '"engine-0"'));
    assert.equal(await counted(), 1, 'the store of another build');
    rmSync(stored);
    assert.equal(await counted(), 1, 'no store');
    assert.equal(await counted(), 0);
  });

  it('opens an unchanged folder at the full level from the catalog its last open kept, each file decoded when first read', async () => {
    const root = tempDir('lib');
    const generated = generateBenchLibrary(40);
    writeFiles(root, generated);
    const cache = tempDir('cache');
    const stored = folderSnapshotFiles(path, folderSnapshotDir(cache, root));
    const load = { root, source: folderSource(nodeFileSystem, nodePathOps, root), fallbackName: path.basename(root), parser: fullStages.parser, checks: fullStages.checks };
    const openFull = async (): Promise<Catalog> => (await openFolderSnapshot({ cacheDir: cache, engine: 'engine-1', now: later }, load)).catalog;
    /** The catalog as a cold load gives it, with its files, and what an edit of a prompt's body shows over it. */
    const prompt = Object.keys(generated).find((p) => p.endsWith('.prompt'))!;
    const edited = generated[prompt].replace(/\n---\n/, '\n---\nSay {{nothing_declared}}.\n');
    const seen = (c: Catalog) => {
      const live = new LiveCatalog(c);
      const before = live.diagnosticsFor(prompt);
      live.setText(prompt, edited);
      return JSON.parse(JSON.stringify({ catalog: comparable(c), files: [...c.files], before, after: live.diagnosticsFor(prompt), assets: live.catalog.assets })) as unknown;
    };
    const cold = seen(await openFolderLibrary(root));
    assert.ok(
      (cold as { after: Diagnostic[] }).after.some((d) => d.code === 'undefined-variable'),
      'the edit has a finding of its own',
    );

    assert.ok(!((await openFull()).files instanceof LazyFiles), 'the first open reads the files');
    const kept = await openFull();
    assert.ok(kept.files instanceof LazyFiles, 'the second open takes the catalog kept');
    assert.deepEqual(seen(kept), cold);

    // Without the index cache, the files are read again (the catalog kept cannot be decoded), and kept again for the next open.
    rmSync(stored.index);
    const reread = await openFull();
    assert.ok(!(reread.files instanceof LazyFiles));
    assert.deepEqual(seen(reread), cold);
    assert.ok((await openFull()).files instanceof LazyFiles);

    // A store whose files are not what it says is not used.
    writeFileSync(stored.fullCatalog, readFileSync(stored.fullCatalog, 'utf8').replace(/"files":\[\[/, '"files":[[1,'));
    const damaged = await openFull();
    assert.ok(!(damaged.files instanceof LazyFiles));
    assert.deepEqual(seen(damaged), cold);
  });

  it('lists as folderSource does, reading again only the folders whose stat changed', async function () {
    const root = tempDir('lib');
    writeFiles(root, {
      ...smallLibrary(),
      '.github/prompts/review.prompt.md': '---\ndescription: Review\n---\nReview.\n',
      '.hidden/skipped.prompt': prompt('skipped', '1.0.0'),
      'node_modules/pkg/skipped.prompt': prompt('skipped', '1.0.0'),
      'loose/deep/er/est.prompt': prompt('est', '1.0.0'),
    });
    mkdirSync(path.join(root, 'empty/inside'), { recursive: true });
    if (process.platform !== 'win32') {
      symlinkSync('hello.prompt', path.join(root, 'loose/alias.prompt'));
      symlinkSync('/', path.join(root, 'loose/out'));
    }
    const plain = async () => (await folderSource(nodeFileSystem, nodePathOps, root).list()).map((e) => ({ ...e }));
    const first = await listFolder(root, undefined, later);
    assert.deepEqual(first.entries, await plain());
    const folders = first.folders.length;
    assert.equal(first.foldersRead, folders);
    const second = await listFolder(root, previousOf(first), later);
    assert.deepEqual(second.entries, await plain());
    assert.equal(second.foldersRead, 0);
    assert.deepEqual(second.entries, first.entries);

    // A file added to an empty folder (its modification time put back: its change time still tells), one removed elsewhere.
    const inside = path.join(root, 'empty/inside');
    const times = statSync(inside);
    writeFileSync(path.join(inside, 'late.prompt'), prompt('late', '1.0.0'));
    utimesSync(inside, times.atime, times.mtime);
    rmSync(path.join(root, 'loose/deep/er/est.prompt'));
    const third = await listFolder(root, previousOf(second), later);
    assert.deepEqual(third.entries, await plain());
    assert.equal(third.foldersRead, 2);
    assert.ok(third.entries.some((e) => e.path === 'empty/inside/late.prompt'));

    // Folders changed within the racy margin are read at every listing.
    const now = await listFolder(root, previousOf(third));
    assert.ok(now.folderStats.every((n) => Number.isNaN(n)));
    assert.equal(now.foldersRead, folders);

    // Without links, and no folder changed: the files listed before, each looked at again.
    rmSync(path.join(root, 'loose/alias.prompt'), { force: true });
    rmSync(path.join(root, 'loose/out'), { force: true });
    const fresh = await listFolder(root, undefined, later);
    writeFileSync(path.join(root, 'loose/hello.prompt'), prompt('hello', '0.1.0', 'A longer description.'));
    const again = await listFolder(root, previousOf(fresh), later);
    assert.deepEqual(again.entries, await plain());
    assert.equal(again.foldersRead, 0);
    assert.notDeepEqual(statAt(again, 'loose/hello.prompt'), statAt(fresh, 'loose/hello.prompt'));
  });

  it('lists again when a .gitignore changed, though no folder did: what it ignores decides the listing', async () => {
    const root = tempDir('lib');
    writeFiles(root, { ...smallLibrary(), '.gitignore': 'drafts/\n', 'drafts/wip.prompt': prompt('wip', '1.0.0') });
    const first = await listFolder(root, undefined, later);
    assert.ok(!first.entries.some((e) => e.path === 'drafts/wip.prompt'));
    // The .gitignore rewritten in place, its folder's times put back: only the file's own stat tells.
    const times = statSync(root);
    writeFileSync(path.join(root, '.gitignore'), '# nothing ignored\n');
    utimesSync(root, times.atime, times.mtime);
    const second = await listFolder(root, previousOf(first), later);
    assert.ok(second.entries.some((e) => e.path === 'drafts/wip.prompt'));
    assert.deepEqual(
      second.entries,
      (await folderSource(nodeFileSystem, nodePathOps, root).list()).map((e) => ({ ...e })),
    );
  });

  it('tells a folder from another at the same place by its path only, and a missing folder stays an error', async () => {
    const cache = tempDir('cache');
    const a = tempDir('lib');
    const b = tempDir('lib');
    writeFiles(a, smallLibrary());
    writeFiles(b, { ...smallLibrary(), 'loose/only-b.prompt': prompt('only-b', '1.0.0') });
    await openAndCompare(a, cache);
    const inB = await openAndCompare(b, cache);
    assert.ok(asset(inB.catalog, 'only-b'));
    assert.notEqual(folderSnapshotDir(cache, a), folderSnapshotDir(cache, b));
    await assert.rejects(open(path.join(a, 'missing'), cache), /does not exist/);
  });
});
