// Paths the unit tests share: the repository root, fixtures, samples and the shared corpus.

import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const sampleLibrary = path.join(repoRoot, 'samples', 'library');
/** The shared corpus of real files from public projects (beside the repository). */
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');
