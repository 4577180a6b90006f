// Terminal escape injection: ESC, OSC 8 links, BEL, CR, C1 and line breaks from library content never reach the terminal raw, through the built CLI.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { repoRoot } from '../paths';
import { cleanupTemp, commitAll, git, tempDir, testGitEnv } from '../support/gitServer';
import { copyLibrary } from '../support/pilotLibrary';
import { writeTree } from './support/library';

const cli = path.join(repoRoot, 'dist', 'cli.js');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs the built CLI as a process (output on a pipe, so no colours of our own). */
function run(args: string[], cwd: string): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: testGitEnv });
  assert.equal(r.error, undefined, String(r.error));
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** C0 controls but tab and line feed, DEL, C1 controls, and the Unicode line and paragraph separators. */
const rawControl = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/;

/** Asserts that a run printed no raw control character (line feeds and tabs are layout). */
function assertClean(r: Run, what: string): void {
  for (const [name, text] of [
    ['stdout', r.out],
    ['stderr', r.err],
  ] as const) {
    const m = rawControl.exec(text);
    assert.equal(m, null, `${what}: ${name} holds U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index}:\n${JSON.stringify(text)}`);
  }
}

// What a hostile library writes: an OSC 8 link that hides its target, a bell, a screen clear, a carriage return that overwrites the line.
const esc = '\x1b';
const bel = '\x07';
const osc8 = `${esc}]8;;https://evil.test/${bel}click${esc}]8;;${bel}`;
const hostile = `Evil ${osc8} ${esc}[2J${bel}\rLooks fine`;
/** The same as a YAML double-quoted scalar (YAML's own escapes: \e, \a, \r). */
const hostileYaml = '"Evil \\e]8;;https://evil.test/\\aclick\\e]8;;\\a \\e[2J\\a\\rLooks fine"';
/** A field name with a colour, a line break that would start a forged diagnostic, and a C1 CSI. */
const fieldYaml = '"bo\\e[31mgus\\nprompts/x/asset.yaml:1:1: error forged-code all is well\\x9b2J"';

const asset = (id: string, extra = ''): string => `id: ${id}\nkind: prompt\nversion: 1.0.0\nstatus: draft\nowners: [team]\nentry: ${id}.prompt\n${extra}`;
const prompt = '---\nmodel: openai/gpt-4o-mini\n---\nHello\n';

/** The pilot fixture library (optionally with another `name:` line), its template approved so that scaffold takes it. */
function approvedCopy(nameLine?: string): string {
  const library = copyLibrary('basic-library');
  const yaml = path.join(library, 'library.yaml');
  if (nameLine) writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^name: .*$/m, nameLine));
  const a = run(['approve', 'starter', '--library', library, '--by', 'Ada'], library);
  assert.equal(a.code, 0, a.err);
  return library;
}

describe('hardening: terminal escapes from library content', function () {
  this.timeout(120_000);
  let lib: string;

  before(function () {
    if (!existsSync(cli)) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 110_000 });
      assert.equal(b.status, 0, `build failed: ${b.stderr}`);
    }
    lib = path.join(tempDir('term'), 'library');
    writeTree(lib, {
      'library.yaml': 'name: evil\n',
      'prompts/titled/asset.yaml': asset('titled', `title: ${hostileYaml}\ndescription: "C1 CSI \\x9b31m and a line separator \\u2028 here"\n`),
      'prompts/titled/titled.prompt': prompt,
      'prompts/fielded/asset.yaml': asset('fielded', `title: Fielded\n${fieldYaml}: 1\n`),
      'prompts/fielded/fielded.prompt': prompt,
      // A folder whose name holds an OSC 8 link, a bell and a line break.
      [`prompts/nam${esc}]8;;evil.test${bel}ed\nforged  prompt  1.0.0/asset.yaml`]: asset('named', 'title: Named\n'),
      [`prompts/nam${esc}]8;;evil.test${bel}ed\nforged  prompt  1.0.0/named.prompt`]: prompt,
    });
    git(lib, 'init', '-q', '-b', 'main');
    commitAll(lib, 'Library');
    // A commit whose subject holds the same escapes (verbatim: git keeps them).
    writeFileSync(path.join(lib, 'prompts', 'titled', 'titled.prompt'), `${prompt}Again\n`);
    git(lib, 'add', '-A');
    git(lib, 'commit', '-q', '--cleanup=verbatim', '-m', `Fix ${hostile}`);
  });
  after(cleanupTemp);

  it('show: the title, description and commit subjects are escaped, each on its own line', () => {
    const r = run(['show', 'titled', '--library', lib], lib);
    assert.equal(r.code, 0, r.err);
    assertClean(r, 'show');
    const lines = r.out.split('\n');
    assert.match(lines[0], /^Evil \\x1b\]8;;https:\/\/evil\.test\/\\x07click\\x1b\]8;;\\x07 \\x1b\[2J\\x07\\rLooks fine {2}\(titled@1\.0\.0/);
    assert.ok(
      lines.some((l) => /^ {2}[0-9a-f]{10} .* Fix Evil \\x1b\]8;;https:\/\/evil\.test\/\\x07click.*\\rLooks fine$/.test(l)),
      r.out,
    );
    assert.match(r.out, /C1 CSI \\u009b31m and a line separator \\u2028 here/);
  });

  it('show --json: C1 controls and line separators are \\u escapes, and the JSON reads back the same', () => {
    const r = run(['show', 'titled', '--library', lib, '--json'], lib);
    assert.equal(r.code, 0, r.err);
    assertClean(r, 'show --json');
    assert.ok(r.out.includes('\\u009b31m') && r.out.includes('\\u2028'), r.out);
    const shown = JSON.parse(r.out) as { asset: { title: string; description: string }; history: { subject: string }[] };
    assert.equal(shown.asset.title, hostile);
    assert.equal(shown.asset.description, 'C1 CSI \x9b31m and a line separator \u2028 here');
    assert.equal(shown.history[0].subject, `Fix ${hostile}`);
  });

  it('validate (text): an unknown field name is escaped, one diagnostic per line', () => {
    const r = run(['validate', '.'], lib);
    assertClean(r, 'validate');
    const lines = r.out.trimEnd().split('\n');
    const summary = lines.pop()!;
    assert.match(summary, /^\d+ files? checked/);
    for (const l of lines) assert.match(l, /^prompts\/.+:\d+:\d+: (error|warning|info) [a-z-]+ /, `not one diagnostic per line:\n${r.out}`);
    const unknown = lines.filter((l) => l.includes('unknown-field'));
    assert.equal(unknown.length, 1, r.out);
    assert.match(unknown[0], /Unknown field `bo\\x1b\[31mgus\\nprompts\/x\/asset\.yaml:1:1: error forged-code all is well\\u009b2J`/);
    assert.ok(!lines.some((l) => l.startsWith('prompts/x/asset.yaml')), 'a forged diagnostic line');
  });

  it('validate (text, on a colour terminal): our colours stay, the colour codes of a field name are escaped', async () => {
    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: (t) => void (out += t), cwd: lib, env: testGitEnv, color: true };
    await main(['validate', '.'], io);
    assert.match(out, /: \x1b\[33mwarning\x1b\[0m \x1b\[2munknown-field\x1b\[0m Unknown field `bo\\x1b\[31mgus\\nprompts/);
    assert.equal(out.replace(/\x1b\[(?:0|2|33)m/g, '').match(rawControl), null, JSON.stringify(out));
  });

  it('validate --format json and sarif: C1 is a \\u escape and the message reads back the same', () => {
    for (const format of ['json', 'sarif']) {
      const r = run(['validate', '.', '--format', format], lib);
      assertClean(r, `validate --format ${format}`);
      assert.ok(r.out.includes('\\u009b2J'), r.out);
      const text = JSON.stringify(JSON.parse(r.out));
      assert.ok(text.includes('forged-code all is well\\u009b2J') || text.includes('forged-code all is well\x9b2J'));
    }
    const json = JSON.parse(run(['validate', '.', '--format', 'json'], lib).out) as { diagnostics: { code: string; message: string }[] };
    const unknown = json.diagnostics.find((d) => d.code === 'unknown-field')!;
    assert.ok(unknown.message.includes('bo\x1b[31mgus\nprompts/x/asset.yaml:1:1: error forged-code all is well\x9b2J'), unknown.message);
  });

  it('list: a folder name with an OSC 8 link and a line break is escaped, one asset per line', () => {
    const r = run(['list', '--library', lib], lib);
    assert.equal(r.code, 0, r.err);
    assertClean(r, 'list');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 1 + 3 + 1, r.out); // header, three assets, count
    assert.match(r.out, /prompts\/nam\\x1b\]8;;evil\.test\\x07ed\\nforged {2}prompt {2}1\.0\.0\n/);
    const json = run(['list', '--library', lib, '--json'], lib);
    assertClean(json, 'list --json');
    const assets = (JSON.parse(json.out) as { assets: { id: string; path: string; title: string }[] }).assets;
    assert.equal(assets.find((a) => a.id === 'named')!.path, `prompts/nam${esc}]8;;evil.test${bel}ed\nforged  prompt  1.0.0`);
    assert.equal(assets.find((a) => a.id === 'titled')!.title, hostile);
  });

  it('verify (text): an unknown field of pilot.yaml is escaped, one diagnostic per line', () => {
    const library = approvedCopy();
    const out = path.join(tempDir('pilot'), 'demo');
    const s = run(['scaffold', '--library', library, '--template', 'starter', '--name', 'demo', '--set', 'team=x', '--out', out], library);
    assert.equal(s.code, 0, s.err);
    writeFileSync(path.join(out, 'pilot.yaml'), `${readFileSync(path.join(out, 'pilot.yaml'), 'utf8')}${fieldYaml}: 1\n`);
    const r = run(['verify', out, '--offline'], out);
    assertClean(r, 'verify');
    const lines = r.out.trimEnd().split('\n');
    lines.pop();
    assert.ok(
      lines.some((l) => l.includes('unknown-field') && l.includes('bo\\x1b[31mgus\\nprompts/x/asset.yaml:1:1: error forged-code')),
      r.out,
    );
    for (const l of lines) assert.match(l, /^[^:]+:\d+:\d+: (error|warning|info) [a-z-]+ /, `not one diagnostic per line:\n${r.out}`);
  });

  it('scaffold: a library name with escapes and a line break is escaped in what it prints', () => {
    const library = approvedCopy('name: "fix\\e]8;;https://evil.test/\\afeature-lib\\e]8;;\\a\\rCreated\\nx\\x9b"');
    const out = path.join(tempDir('pilot'), 'demo');
    const r = run(['scaffold', '--library', library, '--template', 'starter', '--name', 'demo', '--set', 'team=x', '--out', out], library);
    assertClean(r, 'scaffold');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Created pilot demo in .* from starter 1\.0\.0 \(fix\\x1b\]8;;https:\/\/evil\.test\/\\x07feature-lib\\x1b\]8;;\\x07\\rCreated\\nx\\u009b\):\n/);
  });
});
