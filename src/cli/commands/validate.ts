// genai-assets validate [PATH...]: every check of the engine over libraries and files.

import * as nodePath from 'node:path';
import { compareDiagnostics } from '../../core/diagnostics';
import type { FileParser } from '../../core/library/load';
import { UserError } from '../../core/errors';
import { SyncReadFileSystem } from '../../node/fileSystem';
import { findLibraryRoot } from '../../node/openFolder';
import { ParsePool } from '../../node/parsePool';
import { openFolder } from '../../app/openLibrary';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import type { ReportedDiagnostic } from '../output';
import { diagnosticFormats, printDiagnostics, reportedDiagnostic } from '../report';
import type { DiagnosticFormat } from '../report';

export interface ValidateOptions {
  paths: string[];
  format: DiagnosticFormat;
  maxWarnings?: number;
  /** Parses the library's files (e.g. on worker threads); default: in this thread. */
  parser?: FileParser;
}

export const validateCommand = defineCommand({
  name: 'validate',
  synopsis: 'validate [PATH...]',
  summary: 'check libraries and files (text, json or sarif output)',
  usage: 'validate [PATH...] [--format text|json|sarif] [--max-warnings N]',
  description: `Checks libraries and files: every PATH is a library folder (with or without library.yaml)
or files inside one (the library around them is loaded so that references resolve).
Default PATH: the current folder.`,
  options: {
    format: { type: 'string', value: 'F', help: 'text (default; file:line:col severity code message), json or sarif (SARIF 2.1.0)', choices: diagnosticFormats },
    'max-warnings': { type: 'count', value: 'N', help: 'exit 1 when there are more than N warnings' },
  },
  positionals: {},
  footer: 'Exit codes: 0 clean, 1 errors found (or too many warnings), 2 usage or I/O error.\n',
  run: ({ options, positionals }, io) => runValidate({ paths: positionals, format: options.format ?? 'text', maxWarnings: options['max-warnings'], parser: new ParsePool() }, io),
});

/** Validates and prints; returns the exit code. */
export async function runValidate(opts: ValidateOptions, io: CliIo): Promise<number> {
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
    const { catalog } = await openFolder(root, { parser: opts.parser, reader: new SyncReadFileSystem() });
    const inScope = (p: string) => g.all || g.files.has(p) || [...g.dirs].some((d) => p === d || p.startsWith(d + '/'));
    const display = (p: string) => nodePath.relative(io.cwd, nodePath.join(root, ...p.split('/'))) || p;
    for (const p of catalog.files.keys()) if (inScope(p)) fileCount++;
    for (const f of g.files) {
      if (!catalog.files.has(f)) throw new UserError(`${display(f)} is not a file the engine recognises (prompt, eval suite or manifest formats; see \`genai-assets --help\`).`);
    }
    for (const d of catalog.diagnostics.filter((x) => inScope(x.file)).sort(compareDiagnostics)) reported.push(reportedDiagnostic(d, display));
  }
  return printDiagnostics(reported, fileCount, opts, io);
}
