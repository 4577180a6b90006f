// The per-file and check stages a full load is given (the app layer gives the same: src/app/openLibrary.ts).

import { runCatalogChecks } from '../../src/core/checks/catalogChecks';
import { inThread } from '../../src/core/checks/fileChecks';

export const fullStages = { parser: inThread, checks: runCatalogChecks };
