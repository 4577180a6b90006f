import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../../../src/core/errors';
import type { FileSystem } from '../../../../src/core/ports';
import { applyPilotChanges, applyScaffold } from '../../../../src/core/scaffold/apply';
import { NodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { cleanupTemp, tempDir } from '../../support/gitServer';
import { copyLibrary, planWithCore } from '../../support/pilotLibrary';

const enc = (s: string) => new TextEncoder().encode(s);

/** The real file system, except that the n-th file write fails (like a full disk or a crash). */
class FailingFileSystem extends NodeFileSystem {
  writes = 0;
  constructor(private readonly failAt: number) {
    super();
  }
  override async writeFile(p: string, data: Uint8Array | string): Promise<void> {
    if (++this.writes === this.failAt) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${p}'`), { code: 'ENOSPC' });
    return super.writeFile(p, data);
  }
}

/** The real file system, except that the final rename fails. */
class FailingRename extends NodeFileSystem {
  override async rename(): Promise<void> {
    throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
  }
}

describe('core/scaffold/apply', () => {
  after(cleanupTemp);

  it('writes a new pilot whole, with no temporary folder left', async () => {
    const parent = tempDir('apply');
    const target = path.join(parent, 'new-pilot');
    await applyScaffold(new NodeFileSystem(), nodePathOps, target, [
      { path: 'a.txt', data: enc('A') },
      { path: 'deep/er/b.txt', data: enc('B') },
    ]);
    assert.equal(readFileSync(path.join(target, 'deep', 'er', 'b.txt'), 'utf8'), 'B');
    assert.deepEqual(readdirSync(parent), ['new-pilot']);
  });

  it('accepts an existing empty folder', async () => {
    const target = path.join(tempDir('apply'), 'empty');
    mkdirSync(target);
    await applyScaffold(new NodeFileSystem(), nodePathOps, target, [{ path: 'a.txt', data: enc('A') }]);
    assert.equal(readFileSync(path.join(target, 'a.txt'), 'utf8'), 'A');
  });

  it('refuses a non-empty target and leaves it untouched', async () => {
    const target = path.join(tempDir('apply'), 'busy');
    mkdirSync(target);
    writeFileSync(path.join(target, 'mine.txt'), 'keep me');
    await assert.rejects(
      applyScaffold(new NodeFileSystem(), nodePathOps, target, [{ path: 'mine.txt', data: enc('overwritten') }]),
      (e: Error) => e instanceof UserError && /is not empty .* nothing was changed/.test(e.message),
    );
    assert.deepEqual(readdirSync(target), ['mine.txt']);
    assert.equal(readFileSync(path.join(target, 'mine.txt'), 'utf8'), 'keep me');
    assert.deepEqual(readdirSync(path.dirname(target)), ['busy']);
  });

  it('refuses a target that is a file', async () => {
    const target = path.join(tempDir('apply'), 'file');
    writeFileSync(target, 'x');
    await assert.rejects(applyScaffold(new NodeFileSystem(), nodePathOps, target, []), /exists and is not a folder/);
  });

  it('an interrupted scaffold leaves no folder behind (failing write)', async () => {
    const plan = await planWithCore(copyLibrary('basic-library'), { template: 'starter', with: ['greet'], set: { team: 'x' } });
    assert.ok(plan.files.length > 5);
    for (const failAt of [1, 3, plan.files.length]) {
      const parent = tempDir('apply');
      const target = path.join(parent, 'pilot');
      const fs = new FailingFileSystem(failAt);
      await assert.rejects(applyScaffold(fs, nodePathOps, target, plan.files), /ENOSPC/);
      assert.equal(existsSync(target), false, `no pilot after failing at write ${failAt}`);
      assert.deepEqual(readdirSync(parent), [], `no temporary folder after failing at write ${failAt}`);
    }
  });

  it('an interrupted scaffold leaves no folder behind (failing rename), and an empty target stays', async () => {
    const plan = await planWithCore(copyLibrary('basic-library'), { template: 'starter', set: { team: 'x' } });
    const parent = tempDir('apply');
    const target = path.join(parent, 'pilot');
    await assert.rejects(applyScaffold(new FailingRename(), nodePathOps, target, plan.files), /EXDEV/);
    assert.deepEqual(readdirSync(parent), []);
    mkdirSync(target);
    await assert.rejects(applyScaffold(new FailingRename(), nodePathOps, target, plan.files), /EXDEV/);
    assert.deepEqual(readdirSync(parent), ['pilot']);
    assert.deepEqual(readdirSync(target), []);
  });

  it('a temporary folder left by a killed scaffold of the same target is swept', async () => {
    const parent = tempDir('apply');
    mkdirSync(path.join(parent, '.pilot.scaffold-deadbeef0000', 'half'), { recursive: true });
    mkdirSync(path.join(parent, 'other'));
    await applyScaffold(new NodeFileSystem(), nodePathOps, path.join(parent, 'pilot'), [{ path: 'a.txt', data: enc('A') }]);
    assert.deepEqual(readdirSync(parent).sort(), ['other', 'pilot']);
  });

  it('refuses paths that are not plain relative paths', async () => {
    for (const bad of ['../x', '/abs', 'a/../../b', 'a\\b', '', 'a//b']) {
      const target = path.join(tempDir('apply'), 'p');
      await assert.rejects(applyScaffold(new NodeFileSystem(), nodePathOps, target, [{ path: bad, data: enc('x') }]), /Refused to write/, bad);
      assert.equal(existsSync(target), false);
    }
  });

  it('changes to an existing pilot never pass through a link', async () => {
    const root = tempDir('pilot');
    const outside = tempDir('outside');
    symlinkSync(outside, path.join(root, 'genai'));
    const fs: FileSystem = new NodeFileSystem();
    await assert.rejects(applyPilotChanges(fs, nodePathOps, root, { writes: [{ path: 'genai/x.txt', data: enc('x') }], removes: [] }), /`genai` is a link, and links are not followed/);
    assert.deepEqual(readdirSync(outside), []);
    await applyPilotChanges(fs, nodePathOps, root, { writes: [{ path: 'real/x.txt', data: enc('x') }], removes: [] });
    await applyPilotChanges(fs, nodePathOps, root, { writes: [], removes: ['real/x.txt'] });
    assert.equal(existsSync(path.join(root, 'real')), false, 'an emptied folder is pruned');
  });
});
