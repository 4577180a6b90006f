import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatOfPath, isYamlPath } from '../../../src/core/formats/detect';
import type { ParsedFile } from '../../../src/core/formats/types';
import { parseAndCheck } from '../../../src/core/checks/fileChecks';
import type { CatalogLevel } from '../../../src/core/library/load';
import { openFolderLibrary } from '../../../src/node/openFolder';
import { ParsePool } from '../../../src/node/parsePool';
import { generateBenchLibrary } from '../../bench/generate';
import { sampleLibrary } from '../paths';
import { cleanupTemp, tempDir, writeFiles } from '../support/gitServer';

/** Every recognised file of the sample library and of a small generated one. */
function inputs(): { path: string; bytes: Uint8Array }[] {
  const out: { path: string; bytes: Uint8Array }[] = [];
  for (const f of readdirSync(sampleLibrary, { recursive: true })) {
    const rel = String(f).split(path.sep).join('/');
    if (formatOfPath(rel) || isYamlPath(rel)) out.push({ path: rel, bytes: readFileSync(path.join(sampleLibrary, String(f))) });
  }
  for (const [rel, text] of Object.entries(generateBenchLibrary(40))) {
    if (formatOfPath(rel) || isYamlPath(rel)) out.push({ path: `gen/${rel}`, bytes: new TextEncoder().encode(text) });
  }
  return out;
}

/** Same shape as a structured clone (what a worker sends back): undefined fields dropped. */
function cloned(f: ParsedFile): ParsedFile {
  return structuredClone(f);
}

describe('ParsePool', function () {
  this.timeout(60_000);
  after(() => cleanupTemp());

  for (const level of ['full', 'catalog'] as CatalogLevel[]) {
    it(`gives the same files on worker threads as in this thread (${level} level)`, async () => {
      const pool = new ParsePool({ threads: 2, startAfter: { [level]: 0 }, batch: 4 });
      try {
        const files = inputs();
        const got = await Promise.all(files.map((f) => pool.parse(f.path, f.bytes, level)));
        assert.ok(pool.counts.workers > 0, 'some files were parsed on workers');
        files.forEach((f, i) => assert.deepEqual(cloned(got[i]), cloned(parseAndCheck(f.path, f.bytes, undefined, level)), f.path));
      } finally {
        await pool.close();
      }
    });
  }

  it('parses in this thread until a load has enough files, and when its worker script cannot start', async () => {
    const small = new ParsePool({ startAfter: { full: 1000 } });
    const f = inputs()[0];
    await small.parse(f.path, f.bytes, 'full');
    assert.deepEqual(small.counts, { workers: 0, inline: 1 });
    await small.close();

    const broken = new ParsePool({ threads: 1, startAfter: { full: 0 }, script: path.join(tempDir('none'), 'missing-worker.js') });
    const files = inputs().slice(0, 20);
    const got = await Promise.all(files.map((x) => broken.parse(x.path, x.bytes, 'full')));
    files.forEach((x, i) => assert.deepEqual(cloned(got[i]), cloned(parseAndCheck(x.path, x.bytes, undefined, 'full')), x.path));
    assert.equal(broken.counts.workers, 0);
    await broken.close();
  });

  for (const level of ['full', 'catalog'] as CatalogLevel[]) {
    it(`reads and parses located files on workers and here, in the jobs' order (${level} level)`, async () => {
      const dir = tempDir('located');
      const files = Object.fromEntries(Object.entries(generateBenchLibrary(60)).filter(([p]) => formatOfPath(p) || isYamlPath(p)));
      writeFiles(dir, files);
      const paths = Object.keys(files);
      // One job the worker cannot read: this thread does it through `here`.
      const jobs = paths.map((p, i) => ({ path: p, at: { file: i === 7 ? path.join(dir, 'missing', p) : path.join(dir, ...p.split('/')) } }));
      const pool = new ParsePool({ threads: 1, startAfter: { [level]: 0 } });
      const here: string[] = [];
      try {
        const got = await pool.parseMany(jobs, level, async (job) => {
          here.push(job.path);
          return parseAndCheck(job.path, readFileSync(path.join(dir, ...job.path.split('/'))), undefined, level);
        });
        assert.equal(got.length, jobs.length);
        assert.ok(pool.counts.workers > 0, 'the worker read and parsed some files');
        assert.ok(here.includes(paths[7]), 'the unreadable job was done here');
        paths.forEach((p, i) => assert.deepEqual(cloned(got[i]!), cloned(parseAndCheck(p, readFileSync(path.join(dir, ...p.split('/'))), undefined, level)), p));
      } finally {
        await pool.close();
      }
    });
  }

  it('never keeps a process alive: a pool left open after warmUp, parse and parseMany lets it exit', () => {
    const dir = tempDir('exit');
    writeFiles(dir, { 'a.prompt': '---\nmodel: m\n---\nHi {{name}}\n' });
    const file = path.join(dir, 'a.prompt');
    const run = (...steps: string[]): string => {
      const script = [
        `const { ParsePool } = require(${JSON.stringify(path.join(__dirname, '..', '..', '..', 'src', 'node', 'parsePool.ts'))});`,
        `const file = ${JSON.stringify(file)};`,
        'const pool = new ParsePool({ threads: 1, startAfter: { full: 0, catalog: 0 } });',
        ...steps,
      ].join('\n');
      const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.signal, null, `the process was killed after 30 s: something kept it alive\n${r.stderr}`);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    // Workers started ahead of a load that then never comes (a small library).
    assert.equal(run('pool.warmUp();', "console.log('warmed');"), 'warmed');
    assert.equal(
      run(
        "pool.parse('a.prompt', require('node:fs').readFileSync(file), 'full')",
        "  .then(() => pool.parseMany([{ path: 'a.prompt', at: { file } }], 'catalog', async () => undefined))",
        "  .then((r) => console.log(r[0] ? r[0].format : 'none'));",
      ),
      'dotprompt',
    );
  });

  it('loads a library through the pool with the same catalog and diagnostics', async () => {
    const dir = tempDir('lib');
    writeFiles(dir, generateBenchLibrary(80));
    const pool = new ParsePool({ threads: 1, startAfter: { full: 10 } });
    try {
      const pooled = await openFolderLibrary(dir, { parser: pool });
      const plain = await openFolderLibrary(dir);
      assert.ok(pool.counts.workers > 0);
      assert.deepEqual(structuredClone(pooled.assets), structuredClone(plain.assets));
      assert.deepEqual(structuredClone(pooled.diagnostics), structuredClone(plain.diagnostics));
    } finally {
      await pool.close();
    }
  });
});
