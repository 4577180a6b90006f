// Recovery of an interrupted pilot switch: forward when nothing changed since the kill, back when a target not yet switched was edited, refused when both sides changed.

import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../../src/core/errors';
import { pilotStateFolder, recoverPilot } from '../../../src/node/pilotWrite';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A pilot as a command killed mid-switch leaves it: `a.txt` switched to its new content (its old
 * one kept as a backup), `b.txt` not switched yet (its new content still staged), `c.txt` new.
 */
function interruptedPilot(): { dir: string; journal: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pilot-write-'));
  writeFileSync(path.join(dir, 'pilot.yaml'), 'name: demo\n');
  writeFileSync(path.join(dir, 'a.txt'), 'a new\n');
  writeFileSync(path.join(dir, 'b.txt'), 'b old\n');
  writeFileSync(path.join(dir, 'c.txt'), 'c new\n');
  const staging = 'update-test';
  const stagingDir = path.join(dir, pilotStateFolder, staging);
  mkdirSync(path.join(stagingDir, 'new'), { recursive: true });
  mkdirSync(path.join(stagingDir, 'old'));
  writeFileSync(path.join(stagingDir, 'old', '0'), 'a old\n');
  writeFileSync(path.join(stagingDir, 'new', '1'), 'b new\n');
  const journal = path.join(dir, pilotStateFolder, 'journal.json');
  writeFileSync(
    journal,
    JSON.stringify({
      version: 1,
      staging,
      lock: null,
      entries: [
        { path: 'a.txt', op: 'write', before: sha('a old\n'), after: sha('a new\n'), staged: 'new/0', backup: 'old/0' },
        { path: 'b.txt', op: 'write', before: sha('b old\n'), after: sha('b new\n'), staged: 'new/1', backup: 'old/1' },
        { path: 'c.txt', op: 'write', before: null, after: sha('c new\n'), staged: 'new/2' },
      ],
    }),
  );
  return { dir, journal };
}

const read = (dir: string, name: string) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), 'utf8') : undefined);

describe('node/pilotWrite: recovering an interrupted switch', () => {
  it("completes a repository's first install, killed before its lock file was switched in (no pilot.yaml, no genai-assets.lock.json yet)", async () => {
    const { dir, journal } = interruptedPilot();
    rmSync(path.join(dir, 'pilot.yaml'));
    await recoverPilot(dir);
    assert.deepEqual([read(dir, 'a.txt'), read(dir, 'b.txt'), read(dir, 'c.txt')], ['a new\n', 'b new\n', 'c new\n']);
    assert.equal(existsSync(journal), false);
  });

  it('completes it when nothing changed since the kill', async () => {
    const { dir, journal } = interruptedPilot();
    const told: string[] = [];
    await recoverPilot(dir, { onRecovered: (m) => told.push(m) });
    assert.deepEqual([read(dir, 'a.txt'), read(dir, 'b.txt'), read(dir, 'c.txt')], ['a new\n', 'b new\n', 'c new\n']);
    assert.equal(existsSync(journal), false);
    assert.equal(existsSync(path.join(dir, pilotStateFolder, 'update-test')), false);
    assert.match(told.join(''), /completed \(3 files\)/);
  });

  it('rolls it back when a target not yet switched was edited: switched files get their old content, new files go', async () => {
    const { dir, journal } = interruptedPilot();
    writeFileSync(path.join(dir, 'b.txt'), 'b edited by the user\n');
    const told: string[] = [];
    await recoverPilot(dir, { onRecovered: (m) => told.push(m) });
    assert.deepEqual([read(dir, 'a.txt'), read(dir, 'b.txt'), read(dir, 'c.txt')], ['a old\n', 'b edited by the user\n', undefined]);
    assert.equal(existsSync(journal), false);
    assert.match(told.join(''), /b\.txt changed since; it has been undone/);
  });

  it('refuses, touching nothing, when files changed on both sides', async () => {
    const { dir, journal } = interruptedPilot();
    writeFileSync(path.join(dir, 'b.txt'), 'b edited\n');
    writeFileSync(path.join(dir, 'a.txt'), 'a edited\n');
    await assert.rejects(recoverPilot(dir), (e: Error) => e instanceof UserError && /changed since on both sides \(b\.txt, a\.txt\)/.test(e.message) && e.message.includes(journal));
    assert.deepEqual([read(dir, 'a.txt'), read(dir, 'b.txt'), read(dir, 'c.txt')], ['a edited\n', 'b edited\n', 'c new\n']);
    assert.equal(existsSync(journal), true);
  });
});
