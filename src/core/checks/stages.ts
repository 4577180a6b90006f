// The stages a full load is given (LoadOptions.parser and checks): the per-file stage in this thread, and the cross-file checks.

import type { LoadOptions } from '../library/load';
import type * as CatalogChecks from './catalogChecks';
import type * as FileChecks from './fileChecks';

/** Each stage's module, imported once, when the stage first runs (a load parses thousands of files: one import each would cost). */
let fileChecks: Promise<typeof FileChecks> | undefined;
let catalogChecks: Promise<typeof CatalogChecks> | undefined;

/**
 * What every full load passes to loadCatalog or openGitLibrary (a parse pool may replace `parser`).
 * Each stage imports its module when it first runs: a list from the catalog snapshot loads neither
 * the parsers and file checks nor the cross-file checks.
 */
export const fullStages: Required<Pick<LoadOptions, 'parser' | 'checks'>> = {
  parser: { parse: async (path, bytes, level, hint) => (await (fileChecks ??= import('./fileChecks'))).inThread.parse(path, bytes, level, hint) },
  checks: async (catalog) => (await (catalogChecks ??= import('./catalogChecks'))).runCatalogChecks(catalog),
};
