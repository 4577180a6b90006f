// genai-assets where-used: which repositories use each library asset (from their locks), at which versions, outdated, modified or deprecated, and the library's reuse figures.

import { promises as fsp } from 'node:fs';
import * as nodePath from 'node:path';
import { UserError } from '../../core/errors';
import { parseRepositoryList, whereUsed } from '../../core/install/whereUsed';
import { parseGitUrl } from '../../core/library/source';
import type { AssetUsage, WhereUsedReport } from '../../core/install/whereUsed';
import { findLibraryRoot } from '../../node/openFolder';
import { libraryFromArgument, libraryFromSpec, openLibrary } from '../../app/openLibrary';
import { readFleet } from '../../app/whereUsed';
import { defineCommand } from '../command';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { defaultCacheDir, readCliConfig, stderrLog } from '../libraries';
import { shownValue } from '../output';
import { columnWidths } from './outdated';

export const whereUsedCommand = defineCommand({
  name: 'where-used',
  synopsis: 'where-used',
  summary: "which repositories use each asset, at which versions, outdated or modified; the library's reuse",
  usage: 'where-used [--repos FILE] [--library DIR|URL] [--json] [--concurrency N]',
  description: `Reads the locks of many repositories (genai-assets.lock.json and every pilot.lock.json at
the head of each one's default branch) and reports, for each asset of the library, the
repositories using it, at which versions, and how many are outdated (a newer version the
policy allows exists), modified (an installed file edited or deleted and not recorded) or on a
deprecated version; then the library's reuse: approved assets used by two or more
repositories, and the share of components that came from the library across all
repositories (the others: from other libraries, or the repositories' own instructions,
prompts, agents, skills and rules, recognised by their paths).
Each repository is a shallow, blobless clone cached under the cache folder (fleet/); only the
locks and the locked files are fetched, and a repository whose head has not moved since the
last run is not read again. A repository that cannot be read is reported, not fatal.`,
  options: {
    repos: { type: 'string', value: 'FILE', help: "the repositories: one git URL a line, '#' comments (default: fleet: in genai-assets.yaml)" },
    library: { type: 'string', value: 'DIR|URL', help: 'the library (default: the one library of genai-assets.yaml, else the library around the current folder)' },
    json: { type: 'flag', help: 'print { library, repositories, assets: [ { id, kind, latest, status, counts, repositories: [...] } ], reuse, errors }' },
    concurrency: { type: 'count', value: 'N', help: 'repositories read at once (default 8)' },
  },
  positionals: { max: 0, problem: 'where-used takes no positional argument; give the repositories with --repos FILE.' },
  footer: 'Exit codes: 0 every repository read, 1 some could not be read (the report counts the others), 2 usage or I/O error.\n',
  run: ({ options: o }, io) => runWhereUsed({ repos: o.repos, library: o.library, json: o.json, concurrency: o.concurrency }, io),
});

export interface WhereUsedArgs {
  repos?: string;
  library?: string;
  json: boolean;
  concurrency?: number;
}

/** The repositories to read: --repos FILE (relative to the current folder), else fleet: of genai-assets.yaml; each checked as a git URL. */
async function repositoryList(args: WhereUsedArgs, io: CliIo): Promise<string[]> {
  const { urls, from } = await listedRepositories(args, io);
  const problems: string[] = [];
  for (const u of urls) {
    try {
      parseGitUrl(u);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) throw new UserError(`${from}: ${problems.slice(0, 3).join(' ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`);
  return urls;
}

async function listedRepositories(args: WhereUsedArgs, io: CliIo): Promise<{ urls: string[]; from: string }> {
  if (args.repos !== undefined) {
    const file = nodePath.resolve(io.cwd, args.repos);
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (e) {
      throw new UserError(`Could not read the repository list ${file}: ${(e as Error).message}. Give a file with one git URL a line.`);
    }
    const urls = parseRepositoryList(text);
    if (!urls.length) throw new UserError(`${file} lists no repository; write one git URL a line.`);
    return { urls, from: file };
  }
  const config = await readCliConfig(io.cwd, io.env);
  if (config?.fleet.length) return { urls: [...new Set(config.fleet)], from: `${config.file} (fleet)` };
  throw new UserError('Give the repositories with --repos FILE (one git URL a line), or list them under fleet: in genai-assets.yaml.');
}

/** Runs `genai-assets where-used`; returns the exit code. */
export async function runWhereUsed(args: WhereUsedArgs, io: CliIo): Promise<number> {
  const urls = await repositoryList(args, io);
  const cacheDir = defaultCacheDir(io.env);
  const config = args.library === undefined ? await readCliConfig(io.cwd, io.env) : undefined;
  if (config && config.libraries.length > 1) throw new UserError(`genai-assets.yaml lists ${config.libraries.length} libraries; say which one with --library DIR|URL.`);
  const src =
    args.library !== undefined
      ? libraryFromArgument(args.library, io.cwd)
      : config?.libraries.length
        ? libraryFromSpec(config.libraries[0], nodePath.dirname(config.file))
        : libraryFromArgument((await findLibraryRoot(io.cwd)).root, io.cwd);
  const started = Date.now();
  const [opened, fleet] = await Promise.all([
    openLibrary(src, { cacheDir, sync: 'always', level: 'catalog', cwd: io.cwd, env: io.env, log: stderrLog(io) }),
    readFleet(urls, { cacheDir, env: io.env, concurrency: args.concurrency || undefined }),
  ]);
  for (const w of opened.warnings) io.err(`warning: ${w}\n`);
  const report = whereUsed(fleet, opened.catalog);
  const code = report.errors.length ? exitCodes.findings : exitCodes.clean;
  if (args.json) {
    io.out(JSON.stringify(jsonOf(report, opened.commit), null, 2) + '\n');
    return code;
  }
  const cached = fleet.filter((r) => r.cached).length;
  const at = opened.commit && /^[0-9a-f]{40}/.test(opened.commit) ? ` at ${opened.commit.slice(0, 12)}` : '';
  const lines = [
    `${shownValue(report.library.name)}${at}: ${report.repositories} of ${urls.length} repositor${urls.length === 1 ? 'y' : 'ies'} read in ${Date.now() - started} ms (${cached} unchanged since the last run).`,
  ];
  const byId = (a: AssetUsage, b: AssetUsage) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // The most used first.
  const used = report.assets.filter((a) => a.counts.repositories > 0).sort((a, b) => b.counts.repositories - a.counts.repositories || byId(a, b));
  for (const a of used) lines.push('', ...assetTable(a));
  const unused = report.assets.filter((a) => a.counts.repositories === 0).sort(byId);
  if (unused.length) lines.push('', `Used by no repository: ${unused.map((a) => shownValue(a.id)).join(', ')}.`);
  const r = report.reuse;
  lines.push(
    '',
    `Reuse: ${r.approvedUsedByTwoOrMore} of ${r.approved} approved asset${r.approved === 1 ? ' is' : 's are'} used by two or more repositories; ` +
      `${r.fromLibrary} of ${r.components} component${r.components === 1 ? '' : 's'} across the repositories came from ${shownValue(report.library.name)} (${Math.round(r.fromLibraryShare * 100)}%).`,
  );
  io.out(lines.join('\n') + '\n');
  for (const e of report.errors) io.err(`error: ${shownValue(`${e.url}: ${e.message}`)}\n`);
  return code;
}

function assetTable(a: AssetUsage): string[] {
  const c = a.counts;
  const head = `${shownValue(a.id)} (${a.kind}, ${a.status}, latest ${a.latest ?? '-'}): ${c.repositories} repositor${c.repositories === 1 ? 'y' : 'ies'}, ${c.outdated} outdated, ${c.modified} modified, ${c.deprecated} deprecated`;
  const header = ['REPOSITORY', 'VERSIONS', 'WHERE', 'OUTDATED', 'MODIFIED', 'DEPRECATED'];
  const yes = (b: boolean) => (b ? 'yes' : '-');
  const rows = a.repositories.map((u) => [shownValue(u.display), u.versions.join(','), u.where.join(','), yes(u.outdated), yes(u.modified), u.withdrawn ? 'withdrawn' : yes(u.deprecated)]);
  const widths = columnWidths(header, rows);
  const line = (t: string[]) => '  ' + t.map((s, i) => (i === t.length - 1 ? s : s.padEnd(widths[i]))).join('  ');
  return [head, line(header), ...rows.map(line)];
}

/** The report as JSON: URLs with credentials hidden. */
function jsonOf(report: WhereUsedReport, commit: string | undefined) {
  return {
    library: { ...report.library, ...(commit ? { commit } : {}) },
    repositories: report.repositories,
    assets: report.assets.map((a) => ({ ...a, repositories: a.repositories.map(({ display, url: _url, ...u }) => ({ url: display, ...u })) })),
    reuse: report.reuse,
    errors: report.errors,
  };
}
