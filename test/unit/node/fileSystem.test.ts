// The Node file system port: appending to an existing file (what a catalog snapshot's deltas are written with).

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { cleanupTemp, tempDir } from '../support/gitServer';

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
});
