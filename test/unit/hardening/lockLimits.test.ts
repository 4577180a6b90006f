// Oversized lock files: the built CLI refuses a pilot.lock.json over its size and count limits with a clear message, quickly.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { maxLockBytes, maxLockComponents, maxLockFiles, maxLockFilesPerComponent, maxLockNameChars, maxLockPathChars } from '../../../src/core/limits';
import { lockFileName } from '../../../src/core/scaffold/lockFile';
import { loadPilot } from '../../../src/core/scaffold/pilotFile';
import type { FileReader } from '../../../src/core/ports';
import { nodeFileSystem, nodePathOps } from '../../../src/node/fileSystem';
import { repoRoot } from '../paths';
import { cleanupTemp, tempDir, testGitEnv } from '../support/gitServer';
import { copyLibrary } from '../support/pilotLibrary';

const cliJs = path.join(repoRoot, 'dist', 'cli.js');
const hash = 'a'.repeat(64);

interface Component {
  id: string;
  files: number;
}

/** The text of a lock like the pilot's own (compact JSON, as a hostile one would be) with `components`. */
function lockText(base: { library: unknown; template: unknown }, components: Component[], opts: { idOf?: (i: number) => string; pathOf?: (c: number, f: number) => string } = {}): string {
  const parts: string[] = [];
  components.forEach((c, ci) => {
    const files: string[] = [];
    for (let f = 0; f < c.files; f++) files.push(`{"path":${JSON.stringify(opts.pathOf ? opts.pathOf(ci, f) : `p/${ci}/${f}.txt`)},"sha256":"${hash}"}`);
    parts.push(`{"id":${JSON.stringify(opts.idOf ? opts.idOf(ci) : c.id)},"kind":"prompt","version":"1.0.0","digest":"sha256:${hash}","files":[${files.join(',')}]}`);
  });
  return `{"library":${JSON.stringify(base.library)},"template":${JSON.stringify(base.template)},"components":[${parts.join(',')}]}`;
}

/**
 * `count` copies of `template` separated by commas, each `#######` in copy n replaced by n in seven digits:
 * a big lock in a few hundred milliseconds (building a million strings takes seconds).
 */
function numbered(count: number, template: string): Buffer {
  const t = Buffer.from(template + ',', 'latin1');
  const slots: number[] = [];
  for (let i = t.indexOf('#######'); i >= 0; i = t.indexOf('#######', i + 7)) slots.push(i);
  const out = Buffer.alloc(count * t.length, t);
  for (let n = 0; n < count; n++) {
    const digits = String(n).padStart(7, '0');
    for (const slot of slots) out.write(digits, n * t.length + slot, 'latin1');
  }
  out[out.length - 1] = 0x20;
  return out;
}

const many = (n: number, files = 1): Component[] => Array.from({ length: n }, (_, i) => ({ id: `c${i}`, files }));

describe('hardening: oversized pilot.lock.json', function () {
  this.timeout(60_000);
  let pilot = '';
  let lockPath = '';
  let base: { library: unknown; template: unknown } = { library: {}, template: {} };

  before(async function () {
    this.timeout(180_000);
    if (!existsSync(cliJs)) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
      assert.equal(b.status, 0, `build failed: ${b.stderr}`);
    }
    // Written by hand (not scaffolded) so that only the lock is under test.
    const lib = copyLibrary('basic-library');
    pilot = path.join(tempDir('pilot'), 'pilot');
    mkdirSync(pilot);
    writeFileSync(
      path.join(pilot, 'pilot.yaml'),
      `name: big-lock\nlibrary:\n  name: fixture-lib\n  url: ${JSON.stringify(lib)}\ntemplate: starter@^1.0\ncomponents:\n  - greet@^1.0\nparameters:\n  team: support\n`,
    );
    lockPath = path.join(pilot, lockFileName);
    base = { library: { name: 'fixture-lib', url: lib, commit: `sha256:${hash}` }, template: { id: 'starter', version: '1.0.0' } };
    writeFileSync(lockPath, lockText(base, many(1)));
    const r = spawnSync(process.execPath, [cliJs, 'verify', pilot], { encoding: 'utf8', timeout: 30_000, env: { ...testGitEnv, PATH: process.env.PATH ?? '' } });
    assert.ok(r.status === 0 || r.status === 1, `a small lock verifies: ${r.stderr}`);
  });
  after(cleanupTemp);

  /** Runs the built CLI on the pilot and checks that it refused the lock clearly, within a few seconds. */
  function refuses(command: string, what: RegExp): void {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [cliJs, command, pilot], { encoding: 'utf8', timeout: 15_000, maxBuffer: 64 * 1024 * 1024, env: { ...testGitEnv, PATH: process.env.PATH ?? '' } });
    const ms = Date.now() - t0;
    const where = `${command}: exit ${String(r.status)} after ${ms} ms; stderr: ${r.stderr.slice(0, 600)}; stdout: ${r.stdout.slice(0, 300)}`;
    assert.equal(r.error, undefined, where);
    assert.equal(r.status, 2, where);
    assert.ok(r.stderr.includes(lockPath), `the message names the lock file; ${where}`);
    assert.match(r.stderr, what, where);
    assert.match(r.stderr, /restore|scaffold/i, `the message says what to do; ${where}`);
    assert.doesNotMatch(r.stderr, /internal error|RangeError|\n\s+at /, `no internal error or stack trace; ${where}`);
    assert.equal(r.stdout, '', where);
    assert.ok(ms < 5_000, where);
  }

  it('refuses a lock of 200,000 components (verify took 21.5 s and 1.26 GB; outdated ended in a RangeError)', () => {
    const head = `{"library":${JSON.stringify(base.library)},"template":${JSON.stringify(base.template)},"components":[`;
    const component = `{"id":"c#######","kind":"prompt","version":"1.0.0","digest":"sha256:${hash}","files":[{"path":"p/#######.txt","sha256":"${hash}"}]}`;
    writeFileSync(lockPath, Buffer.concat([Buffer.from(head), numbered(200_000, component), Buffer.from(']}')]));
    refuses('verify', /MB.*limit/);
    refuses('outdated', /MB.*limit/);
  });

  it('refuses a lock of 1,000,000 file entries (verify took 74 s and 2.17 GB)', () => {
    const head = `{"library":${JSON.stringify(base.library)},"template":${JSON.stringify(base.template)},"components":[{"id":"greet","kind":"prompt","version":"1.0.0","digest":"sha256:${hash}","files":[`;
    writeFileSync(lockPath, Buffer.concat([Buffer.from(head), numbered(1_000_000, `{"path":"p/#######.txt","sha256":"${hash}"}`), Buffer.from(']}]}')]));
    refuses('verify', /MB.*limit/);
  });

  it('refuses a lock one byte over the size limit, even when it is only white space', () => {
    const text = lockText(base, many(3));
    writeFileSync(lockPath, text + ' '.repeat(maxLockBytes + 1 - Buffer.byteLength(text)));
    refuses('verify', /limit/);
  });

  it('refuses a small lock with one component too many', () => {
    const text = lockText(base, many(maxLockComponents + 1, 0));
    assert.ok(text.length < maxLockBytes);
    writeFileSync(lockPath, text);
    refuses('verify', new RegExp(`${maxLockComponents + 1} components.*${maxLockComponents}`));
    refuses('outdated', new RegExp(`${maxLockComponents + 1} components`));
  });

  it('refuses a lock with one file too many in a component, or in all', () => {
    writeFileSync(lockPath, lockText(base, [{ id: 'greet', files: maxLockFilesPerComponent + 1 }]));
    refuses('verify', new RegExp(`\`greet\`.*${maxLockFilesPerComponent + 1} files`));
    const per = Math.floor(maxLockFilesPerComponent / 2);
    const components = many(Math.ceil((maxLockFiles + 1) / per), per);
    const text = lockText(base, components);
    assert.ok(text.length < maxLockBytes);
    writeFileSync(lockPath, text);
    refuses('verify', new RegExp(`${components.length * per} files.*${maxLockFiles}`));
  });

  it('refuses over-long ids and paths', () => {
    writeFileSync(lockPath, lockText(base, many(2), { idOf: (i) => `${'x'.repeat(maxLockNameChars)}${i}` }));
    refuses('verify', /components\/0\/id.*1024 characters/);
    writeFileSync(lockPath, lockText(base, many(1), { pathOf: () => `p/${'y'.repeat(maxLockPathChars)}` }));
    refuses('outdated', /components\/0\/files\/0\/path.*4096 characters/);
  });

  it('refuses brackets nested millions deep without handing them to JSON.parse (11 s and 464 MB)', () => {
    const depth = Math.floor(maxLockBytes / 2) - 100;
    writeFileSync(lockPath, `{"components":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    refuses('verify', /nests brackets more than \d+ deep/);
  });

  it('does not read a lock whose size is over the limit', async () => {
    const reads: string[] = [];
    const fs: FileReader = {
      readDir: (p) => nodeFileSystem.readDir(p),
      realPath: (p) => nodeFileSystem.realPath(p),
      readFile: (p) => (reads.push(p), nodeFileSystem.readFile(p)),
      stat: async (p) => {
        const st = await nodeFileSystem.stat(p);
        return st && p === lockPath ? { ...st, size: maxLockBytes + 1 } : st;
      },
    };
    writeFileSync(lockPath, lockText(base, many(1)));
    await assert.rejects(loadPilot(fs, nodePathOps, pilot), (e: Error) => e.message.includes(lockPath) && /limit/.test(e.message));
    assert.ok(!reads.includes(lockPath), `read ${reads.join(', ')}`);
  });

  it('states the same limits in schemas/pilot-lock.schema.json', () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'pilot-lock.schema.json'), 'utf8')) as {
      properties: Record<
        string,
        {
          properties?: Record<string, { maxLength?: number }>;
          maxItems?: number;
          items?: { properties: Record<string, { maxLength?: number; maxItems?: number; items?: { properties: Record<string, { maxLength?: number }> } }> };
        }
      >;
    };
    const components = schema.properties.components;
    const component = components.items!.properties;
    assert.equal(components.maxItems, maxLockComponents);
    assert.equal(component.files.maxItems, maxLockFilesPerComponent);
    assert.equal(component.files.items!.properties.path.maxLength, maxLockPathChars);
    assert.equal(schema.properties.library.properties!.url.maxLength, maxLockPathChars);
    for (const k of ['id', 'version']) assert.equal(component[k].maxLength, maxLockNameChars, k);
    for (const k of ['id', 'version']) assert.equal(schema.properties.template.properties![k].maxLength, maxLockNameChars, k);
    assert.equal(schema.properties.library.properties!.name.maxLength, maxLockNameChars);
  });

  it('lays out the outdated table for 200,000 rows without spreading them into a call', async () => {
    const mod = (await import('../../../src/cli/commands/outdated')) as Record<string, unknown>;
    assert.equal(typeof mod.columnWidths, 'function', 'outdated exports columnWidths');
    const columnWidths = mod.columnWidths as (header: string[], rows: string[][]) => number[];
    const rows = Array.from({ length: 200_000 }, (_, i) => [`c${i}`, 'prompt', '1.0.0', '-', '-', 'withdrawn']);
    assert.deepEqual(columnWidths(['ID', 'KIND', 'CURRENT', 'WANTED', 'LATEST', 'STATUS'], rows), [7, 6, 7, 6, 6, 9]);
  });
});
