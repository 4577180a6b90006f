import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sampleLibrary } from '../paths';
import { cleanupTemp, commitAll, git, GitDaemon, makeBare, makeRepo, tempDir } from '../support/gitServer';
import { installLibraryFiles, runCli } from '../support/installLibrary';
import type { Run } from '../support/installLibrary';
import { editFile } from '../support/pilotLibrary';

const cacheDir = tempDir('cache');
const run = (args: string[], cwd = tempDir('cwd')): Promise<Run> => runCli(args, cwd, cacheDir);
const text = (dir: string, rel: string) => readFileSync(path.join(dir, ...rel.split('/')), 'utf8');

interface JsonUse {
  url: string;
  versions: string[];
  where: string[];
  outdated: boolean;
  modified: boolean;
  deprecated: boolean;
}
interface JsonReport {
  library: { name: string; commit: string };
  repositories: number;
  assets: { id: string; status: string; latest: string | null; counts: Record<string, number>; repositories: JsonUse[] }[];
  reuse: { approvedUsedByTwoOrMore: number; approved: number; fromLibrary: number; components: number; fromLibraryShare: number };
  errors: { url: string; message: string }[];
}

/**
 * What each consumer installs (`--for` tools and references), and the repository's own asset files. A repository
 * installing what the one before it installed is a copy of it (the same commit, its own URL): the same install again
 * would write the same files.
 */
const plan: { name: string; install?: [string, string[]]; own?: Record<string, string> }[] = [
  ...[1, 2, 3, 4].map((i) => ({ name: `c0${i}`, install: ['copilot', ['langchain-python']] as [string, string[]] })),
  ...[5, 6, 7, 8].map((i) => ({ name: `c0${i}`, install: ['copilot,cursor', ['langchain-python']] as [string, string[]] })),
  { name: 'c09', install: ['agents', ['caveman-mode']] },
  { name: 'c10', install: ['agents', ['caveman-mode']] },
  { name: 'c11', install: ['agents,claude', ['caveman-mode']] },
  { name: 'c12', install: ['agents,claude', ['caveman-mode']] },
  { name: 'c13', install: ['copilot', ['adr-generator']] },
  { name: 'c14', install: ['copilot', ['adr-generator']] },
  { name: 'c15', install: ['claude', ['adr-generator']] },
  { name: 'c16', install: ['claude', ['adr-generator']] },
  { name: 'c17', install: ['cursor', ['ankra-cli']] },
  { name: 'c18', install: ['cursor', ['ankra-cli']] },
  { name: 'c19', install: ['claude', ['code-quality-reviewer']] },
  {
    name: 'c20',
    own: {
      'AGENTS.md': '# c20\n\nRun `npm test` before pushing.\n',
      '.github/copilot-instructions.md': '# c20\n\nUse tabs.\n',
      '.github/prompts/release-notes.prompt.md': '---\ndescription: Release notes\n---\nWrite release notes.\n',
    },
  },
];

describe('cli: where-used over 20 repositories served by git daemon', function () {
  this.timeout(120_000);
  let daemon: GitDaemon;
  let served: string;
  let work: string;
  let libUrl: string;
  const repos = new Map<string, string>();
  let reposFile: string;

  before(async () => {
    served = tempDir('served');
    work = path.join(tempDir('lib'), 'library');
    makeRepo(work, installLibraryFiles(), 'Library');
    makeBare(work, path.join(served, 'lib.git'), { allowFilter: false });
    daemon = await GitDaemon.start(served);
    libUrl = daemon.url('lib.git');
    const urls: string[] = [];
    let previous: (typeof plan)[number] | undefined;
    for (const p of plan) {
      const dir = path.join(tempDir('repo'), p.name);
      const bare = path.join(served, `${p.name}.git`);
      if (previous && p.install && JSON.stringify(p.install) === JSON.stringify(previous.install)) {
        cpSync(repos.get(previous.name)!, dir, { recursive: true });
        cpSync(path.join(served, `${previous.name}.git`), bare, { recursive: true });
        git(dir, 'remote', 'set-url', 'origin', bare);
      } else {
        makeRepo(dir, { 'README.md': '# A consumer\n', ...p.own }, 'Initial commit');
        if (p.install) {
          const r = await run(['install', ...p.install[1], '--for', p.install[0], '--library', libUrl], dir);
          assert.equal(r.code, 0, `${p.name}: ${r.out}${r.err}`);
          commitAll(dir, 'Install assets');
        }
        makeBare(dir, bare);
      }
      previous = p;
      repos.set(p.name, dir);
      urls.push(daemon.url(`${p.name}.git`));
    }
    reposFile = path.join(tempDir('fleet'), 'repos.txt');
    writeFileSync(reposFile, `# The 20 consumer repositories\n${urls.join('\n')}\n\n`);
  });
  after(async () => {
    await daemon?.stop();
    cleanupTemp();
  });

  const repo = (name: string) => repos.get(name)!;
  const push = (name: string, message: string) => {
    commitAll(repo(name), message);
    git(repo(name), 'push', '-q', 'origin', 'main');
  };
  const counts = (r: JsonReport) => Object.fromEntries(r.assets.map((a) => [a.id, `${a.counts.repositories} ${a.counts.outdated} ${a.counts.modified} ${a.counts.deprecated}`]));

  it('reports who uses what, then the exact counts after local edits, an upstream change, a deprecation, outdated, verify --check and update', async () => {
    let r = await run(['where-used', '--repos', reposFile, '--library', libUrl, '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    let report = JSON.parse(r.out) as JsonReport;
    assert.equal(report.repositories, 20);
    assert.deepEqual(counts(report), {
      'langchain-python': '8 0 0 0',
      'caveman-mode': '4 0 0 0',
      'agents-python': '0 0 0 0',
      'adr-generator': '4 0 0 0',
      'acquire-codebase-knowledge': '4 0 0 0',
      'ankra-cli': '2 0 0 0',
      devsecops: '0 0 0 0',
      'code-quality-reviewer': '1 0 0 0',
      'adjuster-email-reply': '0 0 0 0',
      'caveman-draft': '0 0 0 0',
    });
    // 29 components from the library; the repositories' own: c20's AGENTS.md, copilot-instructions.md and prompt file.
    assert.deepEqual(report.reuse, { approvedUsedByTwoOrMore: 5, approved: 9, fromLibrary: 29, components: 32, fromLibraryShare: 29 / 32 });

    // Local edits: c01 adds a line (clean merge later), c02 rewrites the description (conflict later),
    // c06 deletes its Cursor rule, c09 edits its AGENTS.md section.
    editFile(repo('c01'), '.github/instructions/langchain-python.instructions.md', (t) => t + '\n- c01: pin langchain in requirements.txt.\n');
    editFile(repo('c02'), '.github/instructions/langchain-python.instructions.md', (t) => t.replace(/^description: .*$/m, "description: 'c02 LangChain rules'"));
    rmSync(path.join(repo('c06'), '.cursor/rules/langchain-python.mdc'));
    editFile(repo('c09'), 'AGENTS.md', (t) => t.replace('# Caveman Mode', '# Caveman Mode (c09)'));
    for (const n of ['c01', 'c02', 'c06', 'c09']) push(n, 'Local edit');
    // Upstream: langchain-python 1.1.0 changes its description; caveman-mode is deprecated.
    editFile(work, 'instructions/langchain-python/langchain-python.instructions.md', (t) =>
      t.replace("description: 'Instructions for using LangChain with Python'", "description: 'Instructions for LangChain (Python)'"),
    );
    editFile(work, 'instructions/langchain-python/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    editFile(work, 'instructions/caveman-mode/asset.yaml', (t) => t.replace('status: approved', 'status: deprecated'));
    commitAll(work, 'langchain-python 1.1.0, caveman-mode deprecated');
    git(work, 'push', '-q', 'origin', 'main');

    r = await run(['outdated', repo('c03')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ID +TARGET +KIND +CURRENT +WANTED +LATEST +STATUS\nlangchain-python +copilot +prompt +1\.0\.0 +1\.1\.0 +1\.1\.0 +superseded\n/);
    assert.equal((await run(['verify', repo('c03'), '--check'])).code, 1, 'outdated');
    assert.equal((await run(['verify', repo('c09'), '--check'])).code, 1, 'deprecated and modified');
    assert.equal((await run(['verify', repo('c17'), '--check'])).code, 0);
    assert.equal((await run(['verify', repo('c19'), '--check'])).code, 0);

    // Updates: c01 merges cleanly, c02 conflicts (diff3 markers), c06's deleted rule stays deleted, c03 is replaced.
    r = await run(['update', '.'], repo('c01'));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /merged \(local edits kept\) \.github\/instructions\/langchain-python\.instructions\.md/);
    r = await run(['update', '.'], repo('c02'));
    assert.equal(r.code, 1, r.out + r.err);
    const conflicted = text(repo('c02'), '.github/instructions/langchain-python.instructions.md');
    assert.match(
      conflicted,
      /<<<<<<< \.github\/instructions\/langchain-python\.instructions\.md \(yours\)\ndescription: 'c02 LangChain rules'\n\|\|\|\|\|\|\| langchain-python@1\.0\.0 \(installed\)\ndescription: 'Instructions for using LangChain with Python'\n=======\ndescription: 'Instructions for LangChain \(Python\)'\n>>>>>>> langchain-python@1\.1\.0 \(library\)\n/,
    );
    // c02 resolves the conflict keeping its own description: still a local modification.
    writeFileSync(path.join(repo('c02'), '.github/instructions/langchain-python.instructions.md'), conflicted.replace(/<<<<<<< [^\n]*\n([^\n]*\n)\|\|\|\|\|\|\| [\s\S]*?>>>>>>> [^\n]*\n/, '$1'));
    r = await run(['update', '.'], repo('c06'));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /left deleted \.cursor\/rules\/langchain-python\.mdc/);
    r = await run(['update', '.'], repo('c03'));
    assert.equal(r.code, 0, r.out + r.err);
    for (const n of ['c01', 'c02', 'c03', 'c06']) push(n, 'Update assets');
    assert.equal((await run(['verify', repo('c03'), '--check'])).code, 0);
    assert.equal((await run(['verify', repo('c06'), '--check'])).code, 0, 'the deletion is recorded');

    r = await run(['where-used', '--repos', reposFile, '--library', libUrl, '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    report = JSON.parse(r.out) as JsonReport;
    assert.deepEqual(counts(report), {
      // c04, c05, c07, c08 at 1.0.0; c01 (merged) and c02 (resolved its own way) modified.
      'langchain-python': '8 4 2 0',
      // All four on a deprecated version, c09 edited its section.
      'caveman-mode': '4 0 1 4',
      'agents-python': '0 0 0 0',
      'adr-generator': '4 0 0 0',
      'acquire-codebase-knowledge': '4 0 0 0',
      'ankra-cli': '2 0 0 0',
      devsecops: '0 0 0 0',
      'code-quality-reviewer': '1 0 0 0',
      'adjuster-email-reply': '0 0 0 0',
      'caveman-draft': '0 0 0 0',
    });
    const langchain = report.assets.find((a) => a.id === 'langchain-python')!;
    assert.equal(langchain.latest, '1.1.0');
    assert.deepEqual(
      langchain.repositories.map((u) => `${u.url.replace(/^.*\//, '')} ${u.versions.join(',')} ${u.where.join(',')} ${u.outdated ? 'outdated' : '-'} ${u.modified ? 'modified' : '-'}`),
      [
        'c01.git 1.1.0 copilot - modified',
        'c02.git 1.1.0 copilot - modified',
        'c03.git 1.1.0 copilot - -',
        'c04.git 1.0.0 copilot outdated -',
        'c05.git 1.0.0 copilot,cursor outdated -',
        'c06.git 1.1.0 copilot,cursor - -',
        'c07.git 1.0.0 copilot,cursor outdated -',
        'c08.git 1.0.0 copilot,cursor outdated -',
      ],
    );
    assert.equal(report.assets.find((a) => a.id === 'caveman-mode')!.status, 'deprecated');
    // caveman-mode is no longer approved: 4 of 8 approved assets are used by two or more repositories.
    assert.deepEqual(report.reuse, { approvedUsedByTwoOrMore: 4, approved: 8, fromLibrary: 29, components: 32, fromLibraryShare: 29 / 32 });
    assert.deepEqual(report.errors, []);

    // The text report: a table per asset, then the reuse; no repository moved since the last run.
    r = await run(['where-used', '--repos', reposFile, '--library', libUrl]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^team-library at [0-9a-f]{12}: 20 of 20 repositories read in \d+ ms \(20 unchanged since the last run\)\.\n/);
    assert.match(
      r.out,
      /\nlangchain-python \(prompt, approved, latest 1\.1\.0\): 8 repositories, 4 outdated, 2 modified, 0 deprecated\n {2}REPOSITORY +VERSIONS +WHERE +OUTDATED +MODIFIED +DEPRECATED\n {2}git:\/\/127\.0\.0\.1:\d+\/c01\.git +1\.1\.0 +copilot +- +yes +-\n/,
    );
    assert.match(r.out, /\ncaveman-mode \(prompt, deprecated, latest -\): 4 repositories, 0 outdated, 1 modified, 4 deprecated\n/);
    assert.match(r.out, /\nUsed by no repository: adjuster-email-reply, agents-python, caveman-draft, devsecops\.\n/);
    assert.match(r.out, /\nReuse: 4 of 8 approved assets are used by two or more repositories; 29 of 32 components across the repositories came from team-library \(91%\)\.\n$/);
  });

  it("reads pilots' locks too: a pilot scaffolded in a folder of a repository, one component's file edited there", async () => {
    const dir = path.join(tempDir('repo'), 'p01');
    makeRepo(dir, { 'README.md': '# Claims\n' }, 'Initial commit');
    const pilot = path.join(dir, 'pilots', 'claims');
    let r = await run([
      'scaffold',
      '--library',
      sampleLibrary,
      '--template',
      'claims-assistant-pilot',
      '--name',
      'claims',
      '--with',
      'claim-summary',
      '--set',
      'ownerEmail=team@example.com',
      '--out',
      pilot,
    ]);
    assert.equal(r.code, 0, r.out + r.err);
    const lock = JSON.parse(text(pilot, 'pilot.lock.json')) as { components: { id: string; files: { path: string }[] }[] };
    const edited = lock.components.find((c) => c.id === 'claim-summary')!.files[0].path;
    editFile(pilot, edited, (t) => t + '\n');
    commitAll(dir, 'Claims pilot');
    makeBare(dir, path.join(served, 'p01.git'));
    const list = path.join(tempDir('fleet'), 'repos.txt');
    writeFileSync(list, `${daemon.url('p01.git')}\n`);
    r = await run(['where-used', '--repos', list, '--library', sampleLibrary, '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    const report = JSON.parse(r.out) as JsonReport;
    assert.deepEqual(
      report.assets
        .filter((a) => a.counts.repositories > 0)
        .map((a) => `${a.id} ${a.repositories[0].where.join()} ${a.repositories[0].modified ? 'modified' : '-'}`)
        .sort(),
      lock.components.map((c) => `${c.id} pilot pilots/claims ${c.id === 'claim-summary' ? 'modified' : '-'}`).sort(),
    );
    assert.equal(report.reuse.fromLibrary, lock.components.length);
  });

  it('reports a repository it cannot read and counts the others (exit 1); the list may come from fleet: in genai-assets.yaml', async () => {
    const cwd = tempDir('cwd');
    const urls = readFileSync(reposFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('git:'));
    writeFileSync(path.join(cwd, 'genai-assets.yaml'), `libraries:\n  - url: ${libUrl}\nfleet:\n${[...urls.slice(0, 3), daemon.url('missing.git')].map((u) => `  - ${u}\n`).join('')}`);
    const r = await run(['where-used', '--json'], cwd);
    assert.equal(r.code, 1, r.out + r.err);
    const report = JSON.parse(r.out) as JsonReport;
    assert.equal(report.repositories, 3);
    assert.equal(report.assets.find((a) => a.id === 'langchain-python')!.counts.repositories, 3);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0].url, /\/missing\.git$/);
    assert.match(report.errors[0].message, /missing\.git/);

    // A line that is no git URL this tool accepts stops the run before any git runs (exit 2).
    writeFileSync(path.join(cwd, 'repos.txt'), `${urls[0]}\next::sh -c true\n`);
    const bad = await run(['where-used', '--repos', 'repos.txt', '--library', libUrl], cwd);
    assert.equal(bad.code, 2, bad.out + bad.err);
    assert.match(bad.err, /repos\.txt: library URL "ext::sh -c true" uses the 'ext::' transport, which is refused/);
  });
});
