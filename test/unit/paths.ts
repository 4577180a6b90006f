// Paths the unit tests share: the repository root, fixtures, samples and the shared corpus.

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const sampleLibrary = path.join(repoRoot, 'samples', 'library');
/** The shared corpus of real files from public projects (beside the repository). */
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');

/**
 * A cache folder for CLI runs in this test process (a folder library's snapshot is written there), removed when
 * the process ends: tests never write to the user's cache folder.
 */
export const testCacheDir = mkdtempSync(path.join(os.tmpdir(), 'genai-assets-test-cache-'));
process.on('exit', () => rmSync(testCacheDir, { recursive: true, force: true }));
