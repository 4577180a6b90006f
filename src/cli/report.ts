// Printing the diagnostics of a command (validate, verify) as text, JSON or SARIF, and the exit code they give.

import type { Diagnostic } from '../core/diagnostics';
import type { CliIo } from './io';
import { exitCodes } from './io';
import { formatJson, formatSarif, formatText, summarise } from './output';
import type { ReportedDiagnostic } from './output';
import { version } from './version';

/** The output formats of diagnostics (`--format`). */
export const diagnosticFormats = ['text', 'json', 'sarif'] as const;
export type DiagnosticFormat = (typeof diagnosticFormats)[number];

/** A diagnostic as reported: its file, related locations and fix files as `display` shows them (relative to the current folder). */
export function reportedDiagnostic(d: Diagnostic, display: (path: string) => string): ReportedDiagnostic {
  const r: ReportedDiagnostic = { ...d, displayFile: display(d.file) };
  if (d.related) r.related = d.related.map((x) => ({ ...x, file: display(x.file) }));
  if (d.fixes) r.fixes = d.fixes.map((x) => (x.file ? { ...x, file: display(x.file) } : x));
  return r;
}

/**
 * Prints diagnostics (with a summary of `files` files checked) in `format`; returns the exit code:
 * 1 for errors, or for more warnings than `maxWarnings` (said on stderr after text); else 0.
 */
export function printDiagnostics(diags: readonly ReportedDiagnostic[], files: number, opts: { format: DiagnosticFormat; maxWarnings?: number }, io: CliIo): number {
  const summary = summarise(diags, files);
  if (opts.format === 'json') io.out(formatJson(diags, summary));
  else if (opts.format === 'sarif') io.out(formatSarif(diags, version, io.cwd));
  else io.out(formatText(diags, summary, io.color));
  if (summary.errors > 0) return exitCodes.findings;
  if (opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings) {
    if (opts.format === 'text') io.err(`Too many warnings: ${summary.warnings} (--max-warnings ${opts.maxWarnings}).\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}
