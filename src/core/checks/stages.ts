// The stages a full load is given (LoadOptions.parser and checks): the per-file stage in this thread, and the cross-file checks.

import type { LoadOptions } from '../library/load';

/**
 * What every full load passes to loadCatalog or openGitLibrary (a parse pool may replace `parser`).
 * Each stage imports its module when it first runs: a list from the catalog snapshot loads neither
 * the parsers and file checks nor the cross-file checks.
 */
export const fullStages: Required<Pick<LoadOptions, 'parser' | 'checks'>> = {
  parser: { parse: async (path, bytes, level, hint) => (await import('./fileChecks')).inThread.parse(path, bytes, level, hint) },
  checks: async (catalog) => (await import('./catalogChecks')).runCatalogChecks(catalog),
};
