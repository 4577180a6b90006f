// Hostile libraries: links and paths that lead out, alias bombs, huge and binary files, odd names, forged approvals; nothing outside is read or written.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { assetDigest } from '../../../src/core/library/digest';
import { openFolderLibrary } from '../../../src/node/openFolder';
import { cleanupTemp, commitAll, git, tempDir, testGitEnv } from '../support/gitServer';
import { copyLibrary, pilotFixtures } from '../support/pilotLibrary';
import { listTree, writeTree } from './support/library';

/** Text that must never appear in any output: it lives only outside the library. */
const marker = `OUTSIDE-SECRET-${process.pid}-7f3a9c`;

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { ...testGitEnv, ...env }, color: false };
  const code = await main(args, io);
  return { code, out, err };
}

function cpuMs(): () => number {
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
}

const asset = (id: string, extra = ''): string => `id: ${id}\nkind: prompt\nversion: 1.0.0\nstatus: draft\ntitle: ${id}\nowners: [team]\n${extra}`;
const prompt = '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    name: string\n---\nHello {{name}}\n';

describe('hardening: hostile libraries', function () {
  this.timeout(120_000);
  let root: string;
  let lib: string;
  let outside: string;
  after(() => {
    rmSync(root, { recursive: true, force: true });
    cleanupTemp();
  });

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'genai-hostile-'));
    outside = path.join(root, 'outside');
    lib = path.join(root, 'library');
    writeTree(outside, {
      'secret.prompt': `---\nmodel: openai/gpt-4o-mini\n---\n${marker}\n`,
      'secret.txt': `${marker}\n`,
      'asset-dir/asset.yaml': asset('leaked-asset', `description: ${marker}\n`),
      'asset-dir/p.prompt': `${marker}\n`,
    });
    writeTree(lib, {
      'library.yaml': 'name: hostile\npolicy:\n  requireOwners: true\n',
      'prompts/good/asset.yaml': asset('good', 'entry: good.prompt\n'),
      'prompts/good/good.prompt': prompt,
      // entry: absolute, `..`, a backslash path, and a link that leads out.
      'prompts/abs-entry/asset.yaml': asset('abs-entry', `entry: ${path.join(outside, 'secret.prompt')}\n`),
      'prompts/dotdot-entry/asset.yaml': asset('dotdot-entry', 'entry: ../../../outside/secret.prompt\n'),
      'prompts/backslash-entry/asset.yaml': asset('backslash-entry', 'entry: ..\\..\\..\\outside\\secret.prompt\n'),
      'prompts/link-entry/asset.yaml': asset('link-entry', 'entry: linked.prompt\n'),
      // References that are paths, not ids.
      'prompts/odd-refs/asset.yaml': asset(
        'odd-refs',
        `entry: p.prompt\ndependsOn:\n  - ../../outside/secret\n  - ${path.join(outside, 'secret.txt')}\n  - "good@>=1 <0 || ../x"\n  - "-rf"\nreplacedBy: "file:///etc/passwd"\n`,
      ),
      'prompts/odd-refs/p.prompt': prompt,
      // A module that lists a file outside in its files via a link.
      'modules/linky/asset.yaml': 'id: linky\nkind: module\nversion: 1.0.0\nstatus: draft\ntitle: linky\nowners: [team]\n',
      'modules/linky/README.md': 'A module.\n',
      // A billion-laughs alias bomb, in a manifest and in front matter.
      'prompts/bomb/asset.yaml': asset('bomb', `entry: bomb.prompt\n${bomb('x')}`),
      'prompts/bomb/bomb.prompt': `---\nmodel: openai/gpt-4o-mini\n${bomb('y')}---\nHi\n`,
      // Binary content behind recognised names.
      'prompts/binary/asset.yaml': asset('binary', 'entry: binary.prompt\n'),
      'prompts/binary/binary.prompt': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      'loose/binary.prompty': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]),
      'loose/latin1.prompt.md': Buffer.from('---\ndescription: caf\xe9\n---\nBonjour\n', 'latin1'),
      // An approval with a forged digest.
      'prompts/forged/asset.yaml': asset('forged', `entry: f.prompt\napproval:\n  by: mallory\n  date: 2024-01-01\n  digest: sha256:${'0'.repeat(64)}\n`).replace('status: draft', 'status: approved'),
      'prompts/forged/f.prompt': prompt,
    });
    symlinkSync(path.join(outside, 'secret.prompt'), path.join(lib, 'prompts', 'link-entry', 'linked.prompt'));
    symlinkSync('../../../outside/secret.txt', path.join(lib, 'modules', 'linky', 'notes.txt'));
    symlinkSync(path.join(outside, 'asset-dir'), path.join(lib, 'prompts', 'linked-folder'));
    symlinkSync(path.join(outside, 'secret.prompt'), path.join(lib, 'loose', 'abs-link.prompt'));
    symlinkSync('/nonexistent/nowhere.prompt', path.join(lib, 'loose', 'dangling.prompt'));
    symlinkSync('loop-b.prompt', path.join(lib, 'loose', 'loop-a.prompt'));
    symlinkSync('loop-a.prompt', path.join(lib, 'loose', 'loop-b.prompt'));
  });

  function bomb(prefix: string): string {
    const lines = [`${prefix}0: &${prefix}0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
    for (let i = 1; i < 10; i++) lines.push(`${prefix}${i}: &${prefix}${i} [${Array.from({ length: 9 }, () => `*${prefix}${i - 1}`).join(', ')}]`);
    return lines.join('\n') + '\n';
  }

  it('reports each hostile file with the right code', async () => {
    const cpu = cpuMs();
    const catalog = await openFolderLibrary(lib);
    assert.ok(cpu() < 5000, `${Math.round(cpu())} ms of CPU`);
    const codes = (file: string) => catalog.diagnostics.filter((d) => d.file === file).map((d) => d.code);
    for (const link of [
      'prompts/link-entry/linked.prompt',
      'modules/linky/notes.txt',
      'prompts/linked-folder',
      'loose/abs-link.prompt',
      'loose/dangling.prompt',
      'loose/loop-a.prompt',
      'loose/loop-b.prompt',
    ]) {
      assert.deepEqual(codes(link), ['path-escape'], link);
    }
    for (const id of ['abs-entry', 'dotdot-entry', 'backslash-entry']) {
      assert.ok(codes(`prompts/${id}/asset.yaml`).includes('path-escape'), `${id}: ${codes(`prompts/${id}/asset.yaml`).join(', ')}`);
    }
    assert.ok(
      codes('prompts/link-entry/asset.yaml').some((c) => c === 'entry-missing' || c === 'path-escape'),
      codes('prompts/link-entry/asset.yaml').join(', '),
    );
    // Paths, URLs and option-like strings are no references (schema); a range that matches nothing is reported as such.
    const refs = catalog.diagnostics.filter((d) => d.file === 'prompts/odd-refs/asset.yaml');
    assert.equal(refs.filter((d) => d.code === 'schema' && /does not match the pattern/.test(d.message)).length, 4, refs.map((d) => d.message).join('\n'));
    assert.ok(
      refs.some((d) => d.code === 'unsatisfied-version' || d.code === 'unknown-reference'),
      refs.map((d) => d.message).join('\n'),
    );
    // An alias bomb is valid YAML that this checker refuses to expand: a size limit (file-too-large), not a syntax error.
    assert.ok(codes('prompts/bomb/asset.yaml').includes('file-too-large'), codes('prompts/bomb/asset.yaml').join(', '));
    assert.ok(codes('prompts/bomb/bomb.prompt').includes('file-too-large'), codes('prompts/bomb/bomb.prompt').join(', '));
    assert.deepEqual(codes('prompts/binary/binary.prompt'), ['unreadable-file']);
    assert.deepEqual(codes('loose/binary.prompty'), ['unreadable-file']);
    assert.deepEqual(codes('loose/latin1.prompt.md'), ['unreadable-file']);
    assert.ok(codes('prompts/forged/asset.yaml').includes('approval-digest-mismatch'), codes('prompts/forged/asset.yaml').join(', '));
    assert.deepEqual(codes('prompts/good/asset.yaml'), []);
    // No asset is built from the folder behind the link, and no parsed file holds the outside text.
    assert.equal(
      catalog.assets.some((a) => a.id === 'leaked-asset'),
      false,
    );
    for (const [p, f] of catalog.files) assert.ok(!JSON.stringify(f).includes(marker), `${p} holds the outside text`);
  });

  it('nothing outside the library appears in validate, list --json, show (text and json)', async () => {
    const outputs: Run[] = [
      await run(['validate', '.', '--format', 'json'], lib),
      await run(['validate', '.'], lib),
      await run(['validate', '.', '--format', 'sarif'], lib),
      await run(['list', '--json'], lib),
      await run(['list'], lib),
    ];
    for (const id of ['link-entry', 'abs-entry', 'dotdot-entry', 'linky', 'odd-refs', 'forged']) {
      outputs.push(await run(['show', id], lib), await run(['show', id, '--json'], lib));
    }
    for (const r of outputs) {
      assert.ok(!r.out.includes(marker) && !r.err.includes(marker), `outside text in output:\n${r.out.slice(0, 500)}${r.err}`);
      assert.ok(r.code === 0 || r.code === 1, r.err);
    }
    assert.equal(outputs[0].code, 1);
  });

  it('the same links in a git library are reported and never read (blobs of the commit only)', async () => {
    const work = path.join(tempDir('hostile-git'), 'library');
    writeTree(work, { 'library.yaml': 'name: hostile-git\n', 'prompts/good/asset.yaml': asset('good', 'entry: good.prompt\n'), 'prompts/good/good.prompt': prompt });
    git(path.dirname(work), 'init', '-q', '-b', 'main', work);
    symlinkSync(path.join(outside, 'secret.prompt'), path.join(work, 'abs.prompt'));
    symlinkSync('../outside-of-repo/x.prompt', path.join(work, 'up.prompt'));
    symlinkSync(path.join(outside, 'asset-dir'), path.join(work, 'prompts', 'folder-link'));
    commitAll(work, 'Hostile links');
    const r = await run(['validate', '.', '--format', 'json'], work);
    assert.ok(!r.out.includes(marker));
    const cache = tempDir('cache');
    const list = await run(['list', '--json', '--library', `file://${work}`], root, { GENAI_ASSETS_CACHE_DIR: cache });
    assert.equal(list.code, 0, list.err);
    assert.ok(!list.out.includes(marker) && !list.err.includes(marker));
    const v = await run(['show', 'good', '--json', '--library', `file://${work}`], root, { GENAI_ASSETS_CACHE_DIR: cache });
    assert.equal(v.code, 0, v.err);
    assert.ok(!v.out.includes(marker));
  });

  it('a 50 MB file is reported as file-too-large, in bounded time and memory', async () => {
    const big = path.join(root, 'big-library');
    writeTree(big, { 'library.yaml': 'name: big\n', 'prompts/huge/asset.yaml': asset('huge', 'entry: huge.prompt\n') });
    const chunk = Buffer.alloc(1024 * 1024, 'lorem ipsum {{name}} dolor sit amet\n');
    const header = '---\nmodel: openai/gpt-4o-mini\n---\n';
    const parts = [header, ...Array.from({ length: 50 }, () => chunk.toString())];
    writeFileSync(path.join(big, 'prompts', 'huge', 'huge.prompt'), parts.join(''));
    writeFileSync(path.join(big, 'loose.prompt'), parts.join(''));
    const rss0 = process.memoryUsage().rss;
    const cpu = cpuMs();
    const started = Date.now();
    const catalog = await openFolderLibrary(big);
    const grew = process.memoryUsage().rss - rss0;
    assert.ok(cpu() < 5000, `${Math.round(cpu())} ms of CPU`);
    assert.ok(Date.now() - started < 30_000);
    assert.ok(grew < 400 * 1024 * 1024, `memory grew by ${Math.round(grew / 1048576)} MB`);
    for (const f of ['prompts/huge/huge.prompt', 'loose.prompt']) {
      const d = catalog.diagnostics.filter((x) => x.file === f);
      assert.deepEqual(
        d.map((x) => [x.code, x.severity]),
        [['file-too-large', 'warning']],
        f,
      );
      assert.match(d[0].message, /50\.0 MiB, over the 8 MiB limit of this checker for a text asset; it was not checked/);
    }
    // The big file still counts in the asset's digest (an approval covers every file).
    const huge = catalog.assets.find((a) => a.id === 'huge')!;
    assert.match(assetDigest(huge, catalog.files) ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(catalog.files.get('prompts/huge/huge.prompt')?.size, 50 * 1024 * 1024 + Buffer.byteLength(header));
  });

  it('names with spaces, unicode, newlines and leading dashes are listed and reported safely', async () => {
    const odd = path.join(root, 'odd-names');
    const names = ['with space.prompt', 'ünïcødé-名前.prompt', 'new\nline.prompt', '-rf.prompt', '--help.prompt', 'semi;colon$(x).prompt', 'quote\'and"double.prompt'];
    writeTree(odd, { 'library.yaml': 'name: odd\n' });
    for (const n of names) writeFileSync(path.join(odd, n), '---\nmodel: openai/gpt-4o-mini\ninput:\n  schema:\n    a: string\n---\n{{b}}\n');
    mkdirSync(path.join(odd, '-dir'));
    writeTree(odd, { '-dir/asset.yaml': asset('-dir', 'entry: -x.prompt\n'), '-dir/-x.prompt': prompt });
    const catalog = await openFolderLibrary(odd);
    for (const n of names) {
      const d = catalog.diagnostics
        .filter((x) => x.file === n)
        .map((x) => x.code)
        .sort();
      assert.deepEqual(d, ['undefined-variable', 'unused-variable'], JSON.stringify(n));
    }
    const r = await run(['validate', '.', '--format', 'json'], odd);
    const report = JSON.parse(r.out) as { diagnostics: { file: string }[] };
    assert.ok(report.diagnostics.some((d) => d.file === 'new\nline.prompt'));
    const text = await run(['validate', '.'], odd);
    // In text output a newline in a name is escaped, so one diagnostic stays one line.
    for (const line of text.out.split('\n').filter((l) => /: (warning|error) /.test(l))) assert.match(line, /^\S|^[^\n]+$/);
    const listed = await run(['list', '--json'], odd);
    assert.equal(listed.code, 0, listed.err);
    assert.equal((JSON.parse(listed.out) as { assets: unknown[] }).assets.length, names.length + 1);
    // A file named like an option is a path, not an option, for validate.
    const dash = await run(['validate', '--', '-rf.prompt', '--format', 'json'], odd);
    assert.notEqual(dash.code, 0, 'after --, -rf.prompt is a path');
    const shown = await run(['show', '-dir'], odd);
    assert.ok(shown.code === 0 || shown.code === 2, shown.err);
  });

  it('an approval with a forged digest never counts: approve rewrites it only for a maintainer, and a single edit breaks it again', async () => {
    const dir = path.join(root, 'forged-lib');
    writeTree(dir, {
      'library.yaml': 'name: forged\n',
      'p/asset.yaml': `id: p\nkind: prompt\nversion: 1.0.0\nstatus: approved\ntitle: p\nowners: [team]\nentry: p.prompt\napproval:\n  by: mallory\n  date: 2024-01-01\n  digest: sha256:${'a'.repeat(64)}\n`,
      'p/p.prompt': prompt,
    });
    const before = await run(['validate', '.', '--format', 'json'], dir);
    assert.equal(before.code, 1);
    assert.match(before.out, /approval-digest-mismatch/);
    const approved = await run(['approve', 'p', '--by', 'maintainer'], dir);
    assert.equal(approved.code, 0, approved.err);
    assert.equal((await run(['validate', '.'], dir)).code, 0);
    writeFileSync(path.join(dir, 'p', 'p.prompt'), prompt.replace('Hello', 'Hi'));
    const after = await run(['validate', '.', '--format', 'json'], dir);
    assert.equal(after.code, 1);
    assert.match(after.out, /approval-digest-mismatch/);
    // Copying a valid approval block to another asset does not approve it either.
    const text = readFileSync(path.join(dir, 'p', 'asset.yaml'), 'utf8');
    writeTree(dir, { 'q/asset.yaml': text.replace('id: p', 'id: q'), 'q/p.prompt': prompt.replace('Hello', 'Bye') });
    const copied = await run(['validate', 'q', '--format', 'json'], dir);
    assert.match(copied.out, /approval-digest-mismatch/);
  });

  describe('scaffold never writes outside the pilot folder (the parent folder is listed before and after)', () => {
    const escaping = path.join(pilotFixtures, 'escaping-templates');
    const cases: [string, string[]][] = [
      ['layout with ..', ['--template', 'bad-layout', '--with', 'hello']],
      ['absolute layout', ['--template', 'absolute-layout', '--with', 'hello']],
      ['layout from a parameter', ['--template', 'param-layout', '--with', 'hello', '--set', 'base=../..']],
      ['.. from a parameter in a file name', ['--template', 'dotdot-name', '--set', 'up=..']],
      ['a separator from a parameter in a file name', ['--template', 'value-in-name', '--set', 'file=../../escaped']],
      ['an absolute folder from a parameter', ['--template', 'value-in-name', '--set', `dir=${path.join(tmpdir(), 'escaped-abs')}`]],
      ['a template file named pilot.yaml', ['--template', 'reserved-name']],
      ['a pilot name with ..', ['--template', 'value-in-name', '--name', '../evil']],
    ];
    for (const [what, args] of cases) {
      it(what, async () => {
        const dir = copyLibrary(escaping);
        const parent = tempDir('pilot-parent');
        const out = path.join(parent, 'pilot');
        const libBefore = listTree(dir);
        const parentBefore = listTree(path.dirname(parent));
        const r = await run(['scaffold', '--library', dir, '--name', 'demo', '--out', out, ...args], parent);
        assert.equal(r.code, 2, `${what}: ${r.out}${r.err}`);
        assert.deepEqual(listTree(path.dirname(parent)), parentBefore, `${what}: something was written beside the pilot`);
        assert.deepEqual(listTree(dir), libBefore, `${what}: the library changed`);
      });
    }
  });
});
