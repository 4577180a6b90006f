// The fixture library catalog/cross-asset-problems, opened once for a test file (its before hook), and its findings by code and file.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Diagnostic } from '../../../../src/core/diagnostics';
import type { Catalog } from '../../../../src/core/library/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

export interface Problems {
  /** Set by the before hook crossAssetProblems registers. */
  catalog: Catalog;
  /** The findings of `code` on `file`. */
  find(code: string, file: string): Diagnostic[];
  /** The one finding of `code` on `file` (fails when there is not exactly one). */
  one(code: string, file: string): Diagnostic;
}

/** Registers a before hook that opens the library; the object it gives holds its catalog from then on. */
export function crossAssetProblems(): Problems {
  const problems: Problems = {
    catalog: undefined as unknown as Catalog,
    find: (code, file) => problems.catalog.diagnostics.filter((d) => d.code === code && d.file === file),
    one: (code, file) => {
      const found = problems.find(code, file);
      assert.equal(found.length, 1, `expected one ${code} on ${file}, got ${JSON.stringify(problems.catalog.diagnostics.filter((d) => d.file === file).map((d) => d.code))}`);
      return found[0];
    },
  };
  before(async () => {
    problems.catalog = await openFolderLibrary(path.join(fixturesDir, 'catalog', 'cross-asset-problems'));
  });
  return problems;
}
