// genai-assets validate [PATH...]: every check of the engine over libraries and files.

import * as nodePath from 'node:path';
import { compareDiagnostics } from '../../core/diagnostics';
import type { FileParser } from '../../core/library/load';
import { UserError } from '../../core/errors';
import { SyncReadFileSystem } from '../../node/fileSystem';
import { findLibraryRoot } from '../../node/openFolder';
import { ParsePool } from '../../node/parsePool';
import { checkChanged, libraryChanges } from '../../app/changedAssets';
import { engineStamp } from '../../app/engineStamp';
import { openFolder } from '../../app/openLibrary';
import type { Diagnostic } from '../../core/diagnostics';
import type { Catalog } from '../../core/library/types';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import { defaultCacheDir } from '../libraries';
import type { ReportedDiagnostic } from '../output';
import { diagnosticFormats, printDiagnostics, reportedDiagnostic } from '../report';
import type { DiagnosticFormat } from '../report';

export interface ValidateOptions {
  paths: string[];
  format: DiagnosticFormat;
  maxWarnings?: number;
  /** Parses the library's files (e.g. on worker threads); default: in this thread. */
  parser?: FileParser;
  /** Only the files changed since `ref` (default: the merge base with the default branch) and those their change reaches. */
  changed?: { ref?: string };
}

export const validateCommand = defineCommand({
  name: 'validate',
  synopsis: 'validate [PATH...]',
  summary: 'check libraries and files (text, json or sarif output)',
  usage: 'validate [PATH...] [--format text|json|sarif] [--max-warnings N] [--changed[=REF]]',
  description: `Checks libraries and files: every PATH is a library folder (with or without library.yaml)
or files inside one (the library around them is loaded so that references resolve).
Default PATH: the current folder.

With --changed, only the assets changed since REF (compared with the merge base of HEAD and REF;
default REF: the remote's default branch, else main or master), uncommitted and untracked files
included, and the assets their change reaches (other versions, dependents, eval suites targeting
them, assets naming them in replacedBy, prompts sharing a changed partial): the findings a full
run gives for those files. The catalog of the folder, and what git said changed, are kept in the cache
folder between runs: the next run asks git only about the files changed since.`,
  options: {
    format: { type: 'string', value: 'F', help: 'text (default; file:line:col severity code message), json or sarif (SARIF 2.1.0)', choices: diagnosticFormats },
    'max-warnings': { type: 'count', value: 'N', help: 'exit 1 when there are more than N warnings' },
    changed: { type: 'optional', value: 'REF', help: 'only what changed since REF (a git revision) and what the change reaches' },
  },
  positionals: {},
  footer: 'Exit codes: 0 clean, 1 errors found (or too many warnings), 2 usage or I/O error.\n',
  run: ({ options, positionals }, io) =>
    runValidate(
      {
        paths: positionals,
        format: options.format ?? 'text',
        maxWarnings: options['max-warnings'],
        parser: new ParsePool(),
        changed: options.changed === undefined ? undefined : { ref: options.changed === true ? undefined : options.changed },
      },
      io,
    ),
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
    const display = (p: string) => nodePath.relative(io.cwd, nodePath.join(root, ...p.split('/'))) || p;
    const named = (p: string) => g.all || g.files.has(p) || [...g.dirs].some((d) => p === d || p.startsWith(d + '/'));
    let catalog: Catalog;
    let diagnostics: readonly Diagnostic[];
    let inScope = named;
    if (opts.changed) {
      // The assets come from the folder's snapshot in the cache folder (a run after the last one reads only the files
      // changed since), read while git tells what changed.
      const snapshot = { cacheDir: defaultCacheDir(io.env), engine: engineStamp('cli') };
      const ref = opts.changed.ref;
      const checked = await checkChanged(root, (keep) => libraryChanges(root, ref, undefined, keep), { parser: opts.parser, reader: new SyncReadFileSystem(), snapshot });
      ({ catalog, diagnostics } = checked);
      const changes = checked.changes;
      const reached = checked.reached;
      if (reached !== 'all') inScope = (p) => reached.has(p) && named(p);
      const n = changes.paths.length;
      const what = n ? `${n} file${n === 1 ? '' : 's'} changed since ${changes.baseLabel}` : `nothing changed since ${changes.baseLabel}`;
      const scope = reached === 'all' ? 'library.yaml changed: checking every file' : `checking ${[...catalog.files.keys()].filter(inScope).length} files they reach`;
      io.err(`${display('') || '.'}: ${what}; ${scope}.\n`);
    } else {
      ({ catalog } = await openFolder(root, { parser: opts.parser, reader: new SyncReadFileSystem() }));
      diagnostics = catalog.diagnostics;
    }
    for (const p of catalog.files.keys()) if (inScope(p)) fileCount++;
    for (const f of g.files) {
      if (inScope(f) && !catalog.files.has(f)) throw new UserError(`${display(f)} is not a file the engine recognises (prompt, eval suite or manifest formats; see \`genai-assets --help\`).`);
    }
    for (const d of diagnostics.filter((x) => inScope(x.file)).sort(compareDiagnostics)) reported.push(reportedDiagnostic(d, display));
  }
  return printDiagnostics(reported, fileCount, opts, io);
}
