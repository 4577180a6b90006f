// The checks of one file alone (variables against declared inputs, secrets), and the per-file stage of a load: parse, then these checks.

import { capPerCode, diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { parseWithText } from '../formats/parseFile';
import type { CatalogLevel, FormatId, ParsedFile } from '../formats/types';
import type { FileParser } from '../library/load';
import { maxDiagnosticsPerCode } from '../limits';
import { emptyRange } from '../text/textDocument';
import type { TextDocument } from '../text/textDocument';
import { scanSecrets } from './secrets';
import { checkVariables } from './variables';

/** The findings of the checks that need only the file: undefined and unused variables, secrets. Never throws. */
export function checkFile(file: ParsedFile, doc: TextDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of checkVariables(file)) {
    if (d.code === 'undefined-variable' && file.anyInputName) continue;
    if (d.code === 'unused-variable' && file.inputsMayBeUnused) continue;
    out.push(d);
  }
  try {
    out.push(...scanSecrets(file, doc));
  } catch (e) {
    out.push(diag('unreadable-file', file.path, emptyRange, `Internal error while scanning this file for secrets: ${(e as Error).message}. Please report it with the file.`));
  }
  return out;
}

/**
 * One file through the per-file stages: parsed at `level`, then (at the full level) checked by
 * `checkFile`. A pure function of (path, bytes, hint, level): loads cache its result by blob id.
 */
export function parseAndCheck(path: string, bytes: Uint8Array, hint?: FormatId, level: CatalogLevel = 'full'): ParsedFile {
  const { file, doc } = parseWithText(path, bytes, hint, level);
  if (level !== 'full' || !doc) return file;
  // The parse's findings are capped per code already; the checks' codes are their own.
  file.diagnostics.push(...capPerCode(checkFile(file, doc), maxDiagnosticsPerCode));
  return file;
}

/** The per-file stages in the calling thread (src/node/parsePool.ts shares them out between threads). */
export const inThread: FileParser = {
  async parse(path, bytes, level, hint) {
    return parseAndCheck(path, bytes, hint, level);
  },
};
