// scripts/prerequisites.mjs: what `npm start` and `npm test` install before they run in a bare clone.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../paths';

interface Prerequisites {
  staleDependencies(root: string): string[];
}

function project(lock: Record<string, unknown>, installed?: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prereq-'));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'x' }, ...lock } }));
  if (installed) {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: installed }));
  }
  return dir;
}

describe('scripts/prerequisites.mjs', () => {
  let prerequisites: Prerequisites;
  before(async () => {
    prerequisites = (await import(path.join(repoRoot, 'scripts', 'prerequisites.mjs'))) as Prerequisites;
  });

  it('finds node_modules missing, a package missing or at another version, and ignores optional ones', () => {
    const lock = {
      'node_modules/a': { version: '1.0.0' },
      'node_modules/b': { version: '2.0.0' },
      'node_modules/@esbuild/win32-x64': { version: '0.25.0', optional: true },
    };
    assert.deepEqual(prerequisites.staleDependencies(project(lock)), ['node_modules']);
    assert.deepEqual(prerequisites.staleDependencies(project(lock, { 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { version: '2.0.0' } })), []);
    assert.deepEqual(prerequisites.staleDependencies(project(lock, { 'node_modules/a': { version: '1.0.1' } })), ['node_modules/a', 'node_modules/b']);
  });

  it("this checkout's node_modules matches its lock file (what npm test just installed)", () => {
    assert.deepEqual(prerequisites.staleDependencies(repoRoot), []);
  });

  it('says how to call it, without a stack trace', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'prerequisites.mjs'), 'deploy'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), 'prerequisites: usage: node scripts/prerequisites.mjs start|test');
  });
});
