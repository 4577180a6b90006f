// Lock files: serialisation in and across processes, takeover of locks left by dead or silent holders.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../../src/core/errors';
import { FileLocker, pidAlive } from '../../../src/node/lock';
import { cleanupTemp, killGroup, tempDir, waitFor } from '../support/gitServer';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(r.stdout);
  assert.ok(pid > 0 && !pidAlive(pid));
  return pid;
}

describe('file locks', () => {
  after(cleanupTemp);

  it('serialises two holders in one process and removes the file on release', async () => {
    const file = path.join(tempDir(), 'x.lock');
    const locker = new FileLocker();
    const events: string[] = [];
    const one = async (name: string): Promise<void> => {
      const l = await locker.acquire(file, { what: 'test' });
      events.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 60));
      events.push(`${name}-`);
      await l.release();
    };
    await Promise.all([one('a'), one('b')]);
    assert.ok(events.join(',') === 'a+,a-,b+,b-' || events.join(',') === 'b+,b-,a+,a-', events.join(','));
    assert.equal(existsSync(file), false);
  });

  it('records pid, host and time in the lock', async () => {
    const file = path.join(tempDir(), 'x.lock');
    const l = await new FileLocker().acquire(file, { what: 'test' });
    const c = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(c.pid, process.pid);
    assert.equal(c.host, hostname());
    assert.ok(!Number.isNaN(Date.parse(c.since)));
    await l.release();
    await l.release();
  });

  it('takes over a lock whose process is gone', async () => {
    const file = path.join(tempDir(), 'x.lock');
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString(), token: 't' }));
    const locker = new FileLocker({ staleMs: 60_000 });
    assert.match(locker.staleReason(file) ?? '', /process \d+ is gone/);
    const l = await locker.acquire(file, { what: 'test', timeoutMs: 2000 });
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
    await l.release();
  });

  it('takes over a lock not refreshed within the bound even when its pid is alive (pid reuse, other host)', async () => {
    const file = path.join(tempDir(), 'x.lock');
    writeFileSync(file, JSON.stringify({ pid: process.ppid, host: 'another-host', since: '2020-01-01T00:00:00Z', token: 't' }));
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(file, old, old);
    const l = await new FileLocker({ staleMs: 60_000 }).acquire(file, { what: 'test', timeoutMs: 2000 });
    await l.release();
  });

  it('keeps a live lock fresh with its heartbeat and times out waiting for it with a clear message', async () => {
    const file = path.join(tempDir(), 'x.lock');
    const locker = new FileLocker({ staleMs: 300, heartbeatMs: 50 });
    const held = await locker.acquire(file, { what: 'Library demo' });
    let waited = '';
    await assert.rejects(
      locker.acquire(file, { what: 'Library demo', timeoutMs: 900, onWait: (h) => (waited = h) }),
      (e: unknown) => e instanceof UserError && /Library demo is locked by process \d+ on .* waited 1 s/.test(e.message),
    );
    assert.match(waited, new RegExp(`process ${process.pid}`));
    assert.equal(locker.staleReason(file), undefined, 'the heartbeat kept it fresh past staleMs');
    await held.release();
  });

  it('serialises processes, and a killed holder does not block the next one for long', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.lock');
    const marks = path.join(dir, 'marks');
    const script = `
      const { FileLocker } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/node/lock.ts'))});
      const fs = require('node:fs');
      (async () => {
        const l = await new FileLocker({ staleMs: 1500, heartbeatMs: 200 }).acquire(${JSON.stringify(file)}, { what: 't', timeoutMs: 15000 });
        fs.appendFileSync(${JSON.stringify(marks)}, process.argv[1] + '+\\n');
        if (process.argv[1] === 'hang') { setInterval(() => {}, 1000); return; }
        await new Promise((r) => setTimeout(r, 150));
        fs.appendFileSync(${JSON.stringify(marks)}, process.argv[1] + '-\\n');
        await l.release();
      })();`;
    const run = (name: string) => spawn(process.execPath, ['--import', 'tsx', '-e', script, name], { detached: true, stdio: 'ignore' });
    const hang = run('hang');
    try {
      await waitFor(() => existsSync(marks) && readFileSync(marks, 'utf8').includes('hang+'), 15_000, 'the first holder');
      await killGroup(hang);
      const a = run('a');
      const b = run('b');
      const exits = await Promise.all([a, b].map((p) => new Promise<number | null>((r) => p.once('exit', (code) => r(code)))));
      assert.deepEqual(exits, [0, 0]);
      const lines = readFileSync(marks, 'utf8').trim().split('\n').slice(1);
      assert.ok(lines.join(',') === 'a+,a-,b+,b-' || lines.join(',') === 'b+,b-,a+,a-', lines.join(','));
      assert.equal(existsSync(file), false);
    } finally {
      await killGroup(hang);
    }
  });
});
