// The Node file system port: appending to an existing file (what a catalog snapshot's deltas are written with), and the
// synchronous reader of command-line runs giving what the asynchronous one gives.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { folderSource } from '../../../src/core/library/fileSource';
import { SyncReadFileSystem, nodeFileSystem, nodePathOps } from '../../../src/node/fileSystem';
import { generateBenchLibrary } from '../../bench/generate';
import { cleanupTemp, tempDir, writeFiles } from '../support/gitServer';

describe('node file system', () => {
  after(cleanupTemp);

  it('appends to the end of an existing file, and never creates one', async () => {
    const file = path.join(tempDir('fs'), 'data.bin');
    writeFileSync(file, 'base\n');
    await nodeFileSystem.appendFile!(file, Buffer.from('one\n'));
    await nodeFileSystem.appendFile!(file, new Uint8Array(200_000).fill(0x61));
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 9).toString(), 'base\none\n');
    assert.equal(bytes.length, 9 + 200_000);
    const missing = path.join(tempDir('fs'), 'missing.bin');
    await assert.rejects(nodeFileSystem.appendFile!(missing, Buffer.from('x')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    assert.equal(existsSync(missing), false);
  });

  it('reads and lists synchronously exactly what the asynchronous reader gives: entries and their types, links, errors, a whole library walk', async function () {
    const root = tempDir('fs');
    writeFiles(root, generateBenchLibrary(30));
    mkdirSync(path.join(root, 'empty'));
    writeFileSync(path.join(root, 'prompts', 'note.txt'), 'a note\n');
    if (process.platform !== 'win32') {
      symlinkSync(path.join(root, 'prompts', 'note.txt'), path.join(root, 'prompts', 'linked.txt'));
      symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling'));
    }
    const sync = new SyncReadFileSystem();
    const sorted = (l: { name: string; type: string }[]) => [...l].sort((a, b) => a.name.localeCompare(b.name));
    for (const dir of [root, path.join(root, 'prompts'), path.join(root, 'empty')]) {
      assert.deepEqual(sorted(await sync.readDir(dir)), sorted(await nodeFileSystem.readDir(dir)), dir);
    }
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: NodeJS.ErrnoException) => e.code,
      );
    for (const bad of [path.join(root, 'missing'), path.join(root, 'prompts', 'note.txt')]) {
      assert.equal(await codeOf(sync.readDir(bad)), await codeOf(nodeFileSystem.readDir(bad)), bad);
      assert.notEqual(await codeOf(sync.readDir(bad)), 'resolved');
    }
    assert.deepEqual(await sync.readFile(path.join(root, 'prompts', 'note.txt')), await nodeFileSystem.readFile(path.join(root, 'prompts', 'note.txt')));
    assert.equal(await codeOf(sync.readFile(path.join(root, 'missing'))), 'ENOENT');
    // What a library walk (folderSource, as validate lists a folder) finds is the same through either.
    assert.deepEqual(await folderSource(sync, nodePathOps, root).list(), await folderSource(nodeFileSystem, nodePathOps, root).list());
  });
});
