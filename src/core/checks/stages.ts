// The stages a full load is given (LoadOptions.parser and checks): the per-file stage in this thread, and the cross-file checks.

import type { LoadOptions } from '../library/load';
import { runCatalogChecks } from './catalogChecks';
import { inThread } from './fileChecks';

/**
 * What every full load passes to loadCatalog or openGitLibrary (a parse pool may replace `parser`).
 * Both stages are called, not read here, so that a list from the catalog snapshot loads neither the file
 * checks nor the cross-file checks (in the CLI's lazy build, reading an import loads its module).
 */
export const fullStages: Required<Pick<LoadOptions, 'parser' | 'checks'>> = {
  parser: { parse: (path, bytes, level, hint) => inThread.parse(path, bytes, level, hint) },
  checks: (catalog) => runCatalogChecks(catalog),
};
