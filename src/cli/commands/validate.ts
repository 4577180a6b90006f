// genai-assets validate [PATH...]: every check of the engine over libraries and files.

import * as nodePath from 'node:path';
import { compareDiagnostics } from '../../core/diagnostics';
import type { Diagnostic } from '../../core/diagnostics';
import type { FileParser } from '../../core/library/load';
import { UserError } from '../../core/errors';
import { SyncReadFileSystem } from '../../node/fileSystem';
import { findLibraryRoot, openFolderLibrary } from '../../node/openFolder';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { formatJson, formatSarif, formatText, summarise } from '../output';
import type { ReportedDiagnostic } from '../output';

export interface ValidateOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  maxWarnings?: number;
  /** Parses the library's files (e.g. on worker threads); default: in this thread. */
  parser?: FileParser;
}

export const validateHelp = `Usage: genai-assets validate [PATH...] [--format text|json|sarif] [--max-warnings N]

Checks libraries and files: every PATH is a library folder (with or without library.yaml)
or files inside one (the library around them is loaded so that references resolve).
Default PATH: the current folder.

Options:
  --format F         text (default; file:line:col severity code message), json or sarif (SARIF 2.1.0)
  --max-warnings N   exit 1 when there are more than N warnings
  -h, --help         show this help

Exit codes: 0 clean, 1 errors found (or too many warnings), 2 usage or I/O error.
`;

/** Validates and prints; returns the exit code. */
export async function runValidate(opts: ValidateOptions, io: CliIo, version: string): Promise<number> {
  const targets = opts.paths.length ? opts.paths : ['.'];
  // Group targets by library root, so each library loads once.
  const groups = new Map<string, { all: boolean; files: Set<string>; dirs: Set<string> }>();
  for (const t of targets) {
    const abs = nodePath.resolve(io.cwd, t);
    const { root, isFile } = await findLibraryRoot(abs);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { all: false, files: new Set(), dirs: new Set() }));
    const rel = nodePath.relative(root, abs).split(nodePath.sep).join('/');
    if (isFile) g.files.add(rel);
    else if (rel === '') g.all = true;
    else g.dirs.add(rel);
  }
  const reported: ReportedDiagnostic[] = [];
  let fileCount = 0;
  for (const [root, g] of groups) {
    const catalog = await openFolderLibrary(root, { parser: opts.parser, reader: new SyncReadFileSystem() });
    const inScope = (p: string) => g.all || g.files.has(p) || [...g.dirs].some((d) => p === d || p.startsWith(d + '/'));
    const display = (p: string) => nodePath.relative(io.cwd, nodePath.join(root, ...p.split('/'))) || p;
    for (const p of catalog.files.keys()) if (inScope(p)) fileCount++;
    for (const f of g.files) {
      if (!catalog.files.has(f)) throw new UserError(`${display(f)} is not a file the engine recognises (prompt, eval suite or manifest formats; see \`genai-assets --help\`).`);
    }
    const diags: Diagnostic[] = catalog.diagnostics.filter((d) => inScope(d.file)).sort(compareDiagnostics);
    for (const d of diags) {
      const r: ReportedDiagnostic = { ...d, displayFile: display(d.file) };
      if (d.related) r.related = d.related.map((x) => ({ ...x, file: display(x.file) }));
      if (d.fixes) r.fixes = d.fixes.map((x) => (x.file ? { ...x, file: display(x.file) } : x));
      reported.push(r);
    }
  }
  const summary = summarise(reported, fileCount);
  if (opts.format === 'json') io.out(formatJson(reported, summary));
  else if (opts.format === 'sarif') io.out(formatSarif(reported, version, io.cwd));
  else io.out(formatText(reported, summary, io.color));
  if (summary.errors > 0) return exitCodes.findings;
  if (opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings) {
    if (opts.format === 'text') io.err(`Too many warnings: ${summary.warnings} (--max-warnings ${opts.maxWarnings}).\n`);
    return exitCodes.findings;
  }
  return exitCodes.clean;
}
