// A library author cannot hang or exhaust scaffold: parameter patterns run in linear time (validate gives the same
// verdict), and rendering is bounded in work, output, nesting depth and time. Each run is on a worker thread with
// a deadline and a heap limit, so a regression fails in seconds instead of hanging the suite.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { maxRenderSteps, maxSectionDepth } from '../../../src/core/limits';
import { cleanupTemp, tempDir, testGitEnv } from '../support/gitServer';
import { CliThread } from './support/cliThread';
import { writeTree } from './support/library';

/** How long one run may take here (the runs before the fix took minutes; after it, well under a second of work). */
const deadlineMs = 20_000;

/** A library with one template `t` whose asset.yaml ends with `parameters` and whose README.md is `readme`. */
function library(root: string, parameters: string, readme: string): string {
  const lib = path.join(root, 'library');
  writeTree(lib, {
    'library.yaml': 'name: hostile-render\npolicy:\n  scaffoldStatuses: [draft]\n',
    'templates/t/asset.yaml': `id: t\nkind: template\nversion: 1.0.0\nstatus: draft\ntitle: t\nowners: [team]\nparameters:\n  type: object\n  properties:\n${parameters}`,
    'templates/t/README.md': readme,
  });
  return lib;
}

describe('hardening: scaffold rendering is bounded', function () {
  this.timeout(90_000);
  const cli = new CliThread(512);
  let root = '';
  before(async function () {
    // Loading the CLI on the thread (through tsx) is not what is measured.
    await cli.run(['--help'], process.cwd(), testGitEnv, 80_000);
  });
  beforeEach(() => {
    root = tempDir('render-limits');
  });
  after(async () => {
    await cli.close();
    cleanupTemp();
  });

  const scaffold = (lib: string) => cli.run(['scaffold', '--library', lib, '--template', 't', '--name', 'demo', '--out', path.join(root, 'pilot')], root, testGitEnv, deadlineMs);
  const validate = (lib: string) => cli.run(['validate', lib, '--format', 'json'], root, testGitEnv, deadlineMs);
  const messages = (out: string) => (JSON.parse(out) as { diagnostics: { code: string; message: string; file: string }[] }).diagnostics;

  it("pattern '^(a+)+$' with a 43-character default: scaffold refuses at once, and validate gives the same verdict", async () => {
    const lib = library(root, `    p: { type: string, pattern: '^(a+)+$', default: '${'a'.repeat(42)}!' }\n`, 'Hello {{p}}\n');
    const s = await scaffold(lib);
    assert.equal(s.code, 2, s.out + s.err);
    assert.match(s.err, /`p`.*refused by template `t`.*pattern/, s.err);
    assert.ok(!existsSync(path.join(root, 'pilot', 'README.md')), 'nothing is written');
    const v = await validate(lib);
    assert.equal(v.code, 1, v.out + v.err);
    const found = messages(v.out).filter((d) => d.file.endsWith('asset.yaml') && /refused by template `t`/.test(d.message));
    assert.equal(found.length, 1, v.out);
    // The same sentence in both.
    assert.ok(s.err.includes(found[0].message.split(':')[0]), `${s.err}\n---\n${found[0].message}`);
  });

  it('a pattern that only a backtracking engine can run (a backreference) is refused by scaffold and by validate', async () => {
    const lib = library(root, `    p: { type: string, pattern: '^(a|aa)+\\1$', default: 'aaaa' }\n`, 'Hello {{p}}\n');
    const s = await scaffold(lib);
    assert.equal(s.code, 2, s.out + s.err);
    assert.match(s.err, /linear time/, s.err);
    const v = await validate(lib);
    assert.equal(v.code, 1, v.out + v.err);
    assert.ok(
      messages(v.out).some((d) => /linear time/.test(d.message)),
      v.out,
    );
  });

  it('an array default of 150 items with {{#a}} nested four times: refused quickly, within a 512 MB heap', async () => {
    const items = `[${Array.from({ length: 150 }, () => '1').join(',')}]`;
    const lib = library(root, `    a: { type: array, default: ${items} }\n`, '{{#a}}{{#a}}{{#a}}{{#a}}x{{/a}}{{/a}}{{/a}}{{/a}}\n');
    const s = await scaffold(lib);
    assert.equal(s.code, 2, s.out + s.err);
    assert.match(s.err, new RegExp(`README\\.md: rendering stopped after ${maxRenderSteps.toLocaleString('en-US')} steps`), s.err);
    assert.ok(!existsSync(path.join(root, 'pilot', 'README.md')), 'nothing is written');
  });

  it('sections that render nothing but repeat 150^6 times are refused as well (work, not only output, is bounded)', async () => {
    const items = `[${Array.from({ length: 150 }, () => '1').join(',')}]`;
    const lib = library(root, `    a: { type: array, default: ${items} }\n`, `${'{{#a}}'.repeat(6)}${'{{/a}}'.repeat(6)}\n`);
    const s = await scaffold(lib);
    assert.equal(s.code, 2, s.out + s.err);
    assert.match(s.err, new RegExp(`README\\.md: rendering stopped after ${maxRenderSteps.toLocaleString('en-US')} steps`), s.err);
  });

  it('100,000 nested {{#a}} sections: a message naming the file and the limit, not an internal error', async () => {
    const lib = library(root, '    a: { type: boolean, default: true }\n', `${'{{#a}}'.repeat(100_000)}x${'{{/a}}'.repeat(100_000)}\n`);
    const s = await scaffold(lib);
    assert.equal(s.code, 2, s.out + s.err);
    assert.doesNotMatch(s.err, /internal error|RangeError/, s.err);
    assert.match(s.err, new RegExp(`README\\.md:1: .*${maxSectionDepth}`), s.err);
  });
});
