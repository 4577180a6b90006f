// The stages a full load is given (LoadOptions.parser and checks): the per-file stage in this thread, and the cross-file checks.

import type { LoadOptions } from '../library/load';
import { runCatalogChecks } from './catalogChecks';
import { inThread } from './fileChecks';

/**
 * What every full load passes to loadCatalog or openGitLibrary (a parse pool may replace `parser`).
 * The checks are called, not read here, so that a catalog-level list never loads them (the CLI's lazy build).
 */
export const fullStages: Required<Pick<LoadOptions, 'parser' | 'checks'>> = {
  parser: inThread,
  checks: (catalog) => runCatalogChecks(catalog),
};
