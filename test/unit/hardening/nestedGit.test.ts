// A component (or template) that holds git metadata: a `.git` file pointing at a planted git directory whose
// config runs a program. Scaffold, add and update never copy it, so `git status` in the pilot runs nothing;
// validate reports it.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gitMetadata, isGitName } from '../../../src/core/library/gitMetadata';
import { cleanupTemp, tempDir, testGitEnv } from '../support/gitServer';
import { runCli } from './support/cli';
import { writeTree } from './support/library';

const run = runCli;

const manifest = (id: string, kind: string, version = '1.0.0') => `id: ${id}\nkind: ${kind}\nversion: ${version}\nstatus: draft\ntitle: ${id}\nowners: [team]\n`;

/** The planted repository: a `.git` file naming `gitmeta`, which git takes for a git directory whose config runs `program`. */
function plantedRepository(program: string, dotGitName = '.git'): Record<string, string> {
  return {
    [dotGitName]: 'gitdir: ./gitmeta\n',
    'gitmeta/HEAD': 'ref: refs/heads/main\n',
    'gitmeta/config': `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tfsmonitor = ${program}\n`,
    'gitmeta/objects/info/packs': '',
    'gitmeta/refs/heads/main': '',
  };
}

/** Runs `git status` in `dir` as an editor would (errors ignored: the folder need not be a repository). */
function gitStatus(dir: string, ceiling: string): void {
  try {
    execFileSync('git', ['status', '--porcelain'], { cwd: dir, env: { ...testGitEnv, GIT_CEILING_DIRECTORIES: ceiling }, stdio: 'ignore', timeout: 20_000 });
  } catch {
    // not a repository (the expected outcome once nothing is planted): nothing ran
  }
}

/** Every path under `dir` (folders end with '/'). */
function treeOf(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) out.push(`${r}/`, ...treeOf(dir, r));
    else out.push(r);
  }
  return out;
}

describe('hardening: git metadata is never copied into a pilot', function () {
  this.timeout(60_000);
  let root = '';
  let marker = '';
  let program = '';
  beforeEach(() => {
    root = tempDir('nested-git');
    marker = path.join(root, 'fsmonitor-ran');
    program = path.join(root, 'payload.sh');
    writeFileSync(program, `#!/bin/sh\necho ran > '${marker}'\n`);
    chmodSync(program, 0o755);
  });
  after(() => cleanupTemp());

  /** A library with a clean template, and module `evil` holding the planted repository (and, unless `plant` is false, its payload). */
  function library(opts: { plant?: boolean; version?: string } = {}): string {
    const lib = path.join(root, 'library');
    const evil: Record<string, string> = { 'modules/evil/asset.yaml': manifest('evil', 'module', opts.version), 'modules/evil/README.md': 'A module.\n' };
    if (opts.plant !== false) for (const [p, t] of Object.entries(plantedRepository(program))) evil[`modules/evil/${p}`] = t;
    writeTree(lib, {
      'library.yaml': 'name: nested-git\npolicy:\n  scaffoldStatuses: [draft]\n',
      'templates/plain/asset.yaml': manifest('plain', 'template'),
      'templates/plain/README.md': '# {{name}}\n',
      ...evil,
    });
    return lib;
  }

  /** The payload is live: git status in the library's own module folder runs it (so the test proves something). */
  function assertPayloadLive(lib: string): void {
    gitStatus(path.join(lib, 'modules', 'evil'), root);
    assert.ok(existsSync(marker), 'the planted repository did not run its program in the library itself; the test reproduces nothing');
    rmSync(marker);
  }

  function assertNothingPlanted(pilot: string, componentDir: string): void {
    gitStatus(componentDir, root);
    gitStatus(pilot, root);
    assert.ok(!existsSync(marker), 'git status in the pilot ran the program planted by the component');
    const tree = treeOf(pilot);
    assert.deepEqual(
      tree.filter((p) => /(^|\/)\.git\/?$/i.test(p) || /(^|\/)gitmeta\/(HEAD|config)$/.test(p)),
      [],
      `the pilot holds git metadata: ${tree.join(', ')}`,
    );
  }

  it('scaffold: the module`s .git file and git directory are not copied, and git status runs nothing', async () => {
    const lib = library();
    assertPayloadLive(lib);
    const pilot = path.join(root, 'pilot');
    const r = await run(['scaffold', '--library', lib, '--template', 'plain', '--with', 'evil', '--name', 'demo', '--out', pilot], root);
    assert.equal(r.code, 0, r.out + r.err);
    const componentDir = path.join(pilot, 'genai-assets', 'module', 'evil');
    assert.ok(existsSync(path.join(componentDir, 'README.md')), 'the module`s ordinary files are copied');
    assertNothingPlanted(pilot, componentDir);
    assert.match(r.err, /not copied/, 'scaffold says what it left out');
    // Neither is the pilot's lock listing them.
    const lock = JSON.parse(execFileSync('cat', [path.join(pilot, 'pilot.lock.json')], { encoding: 'utf8' })) as { components: { files: { path: string }[] }[] };
    assert.deepEqual(
      lock.components.flatMap((c) => c.files.map((f) => f.path)).filter((p) => /\.git$|gitmeta/.test(p)),
      [],
    );
  });

  it('add: a component added to an existing pilot brings no git metadata', async () => {
    const lib = library();
    const pilot = path.join(root, 'pilot');
    const s = await run(['scaffold', '--library', lib, '--template', 'plain', '--name', 'demo', '--out', pilot], root);
    assert.equal(s.code, 0, s.out + s.err);
    const r = await run(['add', pilot, 'evil', '--library', lib], root);
    assert.equal(r.code, 0, r.out + r.err);
    const componentDir = path.join(pilot, 'genai-assets', 'module', 'evil');
    assert.ok(existsSync(path.join(componentDir, 'README.md')), r.out + r.err);
    assertNothingPlanted(pilot, componentDir);
  });

  it('update: a new version that plants a repository is merged without it', async () => {
    library({ plant: false });
    const lib = path.join(root, 'library');
    const pilot = path.join(root, 'pilot');
    const s = await run(['scaffold', '--library', lib, '--template', 'plain', '--with', 'evil@^1', '--name', 'demo', '--out', pilot], root);
    assert.equal(s.code, 0, s.out + s.err);
    library({ version: '1.1.0' });
    const r = await run(['update', pilot, '--library', lib], root);
    assert.ok(r.code === 0 || r.code === 1, r.out + r.err);
    const componentDir = path.join(pilot, 'genai-assets', 'module', 'evil');
    assert.match(execFileSync('cat', [path.join(pilot, 'pilot.lock.json')], { encoding: 'utf8' }), /"version": ?"1\.1\.0"/, r.out + r.err);
    assertNothingPlanted(pilot, componentDir);
  });

  it('validate reports the .git entry and the git directory of a library', async () => {
    const lib = library();
    const r = await run(['validate', lib, '--format', 'json'], root);
    assert.equal(r.code, 1, r.out + r.err);
    const report = JSON.parse(r.out) as { diagnostics: { code: string; file: string }[] };
    const found = report.diagnostics.filter((d) => d.code === 'git-metadata').map((d) => d.file.replace(/\\/g, '/').replace(/^.*?modules\//, 'modules/'));
    assert.deepEqual(found.sort(), ['modules/evil/.git', 'modules/evil/gitmeta/HEAD'], JSON.stringify(report.diagnostics));
  });

  it('names git takes for .git on other file systems count as .git', () => {
    for (const n of ['.git', '.GIT', '.Git', '.git.', '.git ', '.git. . ', 'git~1', 'GIT~1', '.g\u200cit', '\ufeff.git', '.git::$INDEX_ALLOCATION']) assert.ok(isGitName(n), JSON.stringify(n));
    for (const n of ['git', '.github', '.gitignore', '.gitkeep', 'gitmeta', 'git~2', '.git2']) assert.ok(!isGitName(n), JSON.stringify(n));
  });

  it('a folder holding HEAD with config, objects/ or refs/ is a git directory, in any case', () => {
    const m = gitMetadata(['a/HEAD', 'a/config', 'a/notes.md', 'b/head', 'b/OBJECTS/x', 'c/HEAD', 'c/README.md', 'd/git~1/config', 'e/.GIT.', 'f/README.md']);
    assert.deepEqual(m.directories, ['a', 'b']);
    assert.deepEqual(m.names, ['d/git~1', 'e/.GIT.']);
    assert.deepEqual([...m.paths].sort(), ['a/HEAD', 'a/config', 'a/notes.md', 'b/OBJECTS/x', 'b/head', 'd/git~1/config', 'e/.GIT.']);
    assert.deepEqual(gitMetadata(['HEAD', 'refs/heads/main', 'asset.yaml']).directories, ['']);
  });

  it('looks closer only at paths that can matter, and finds what a look at every segment of every path finds', () => {
    // The rule applied to every segment of every path, as gitMetadata states it.
    const everySegment = (paths: string[]) => {
      const names = new Set<string>();
      const heads = new Set<string>();
      const others = new Set<string>();
      for (const p of paths) {
        const segs = p.split('/');
        const dot = segs.findIndex(isGitName);
        if (dot >= 0) names.add(segs.slice(0, dot + 1).join('/'));
        segs.forEach((seg, i) => {
          const folder = segs.slice(0, i).join('/');
          const name = seg.toLowerCase();
          const last = i === segs.length - 1;
          if (last && name === 'head') heads.add(folder);
          else if (last && (name === 'config' || name === 'commondir')) others.add(folder);
          else if (!last && (name === 'objects' || name === 'refs')) others.add(folder);
        });
      }
      return { names: [...names].sort(), directories: [...heads].filter((d) => others.has(d)).sort() };
    };
    const pieces = ['g', 'G', 'i', 'I', 't', 'T', '.', ' ', '~1', '::$x', '\u200c', '\ufeff', 'a', 'HEAD', 'head', 'Config', 'commondir', 'OBJECTS', 'refs', '.git', 'git~1', 'ſ', 'K'];
    const segment = fc.oneof(
      fc.constantFrom(...pieces),
      fc.array(fc.constantFrom(...pieces), { minLength: 2, maxLength: 4 }).map((xs) => xs.join('')),
    );
    // Few folders, so that a folder often holds several of the names looked for.
    const path = fc.tuple(fc.array(fc.oneof(fc.constantFrom('a', 'b'), segment), { maxLength: 2 }), segment).map(([dirs, name]) => [...dirs, name].join('/'));
    fc.assert(
      fc.property(fc.array(path, { maxLength: 16 }), (paths) => {
        const m = gitMetadata(paths);
        assert.deepEqual({ names: m.names, directories: m.directories }, everySegment(paths));
      }),
      { numRuns: 2000 },
    );
  });
});
