// genai-assets sync: clone or update git libraries in the cache and refresh their index.

import * as nodePath from 'node:path';
import { UserError } from '../../core/errors';
import type { LibrarySource } from '../../core/library/source';
import { syncLibrary } from '../../core/library/sync';
import type { Git, Locker } from '../../core/ports';
import { plural } from '../../core/text/plural';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { libraryFromArgument, libraryFromSpec, nodeCacheDeps, openLibrary } from '../../app/openLibrary';
import { defineCommand } from '../command';
import { defaultCacheDir, readCliConfig, stderrLog } from '../libraries';

export const syncCommand = defineCommand({
  name: 'sync',
  synopsis: 'sync',
  summary: 'clone or update the configured git libraries',
  usage: 'sync [--library URL] [--ref REF]',
  description: `Clones git libraries into the cache on first use, then fetches them and moves them to their
ref. The cache mirrors the remote: a branch whose history was rewritten is followed, and edits
made in the cache are discarded. Without --library, syncs every git library of
genai-assets.yaml (or $GENAI_ASSETS_CONFIG).`,
  options: {
    library: { type: 'string', value: 'URL', help: 'a git URL: https:, ssh:, git:, file: or user@host:path' },
    ref: { type: 'string', value: 'REF', help: "branch, tag or commit (default: the remote's default branch)" },
  },
  footer: `The cache is $GENAI_ASSETS_CACHE_DIR (default: ~/.cache/genai-assets on Linux).
Exit codes: 0 all synced; 2 a URL was refused, a remote was unreachable or a clone failed.
`,
  run: ({ options }, io) => runSync({ library: options.library, ref: options.ref }, io),
});

export interface SyncArgs {
  library?: string;
  ref?: string;
}

/** Dependencies tests replace (git with short timeouts); the defaults are the real ones. */
export interface SyncDeps {
  git?: Git;
  locker?: Locker;
  cacheDir?: string;
  engine?: string;
}

function label(src: LibrarySource): string {
  if (src.kind === 'folder') return src.name ?? src.path;
  return src.name ? `${src.name} (${src.display})` : src.display;
}

/** Runs `genai-assets sync`; returns the exit code (2 for a refused URL, a bad config, an unreachable remote or a failed clone). */
export async function runSync(args: SyncArgs, io: CliIo, deps: SyncDeps = {}): Promise<number> {
  let sources: LibrarySource[];
  try {
    sources = await syncSources(args, io);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    io.err(`error: ${e.message}\n`);
    return exitCodes.usage;
  }
  const cacheDir = deps.cacheDir ?? defaultCacheDir(io.env);
  const log = stderrLog(io, { info: true });
  const cacheDeps = nodeCacheDeps({ env: io.env, git: deps.git, locker: deps.locker, log });
  let failed = 0;
  for (const src of sources) {
    if (src.kind === 'folder') {
      io.out(`${label(src)}: a folder, nothing to sync.\n`);
      continue;
    }
    try {
      const r = await syncLibrary(cacheDeps, src, cacheDir);
      const what = r.cloned ? 'cloned' : r.changed ? `updated from ${r.previous?.slice(0, 12) ?? '(none)'}` : 'up to date';
      // Sync refreshes the catalog-level index (what list and the catalog read); checks run where diagnostics are shown.
      const opened = await openLibrary(src, { cacheDir, sync: 'never', git: cacheDeps.git, locker: cacheDeps.locker, log, engine: deps.engine, level: 'catalog' });
      const c = opened.git!.cache;
      io.out(
        `${label(src)}: ${what} at ${r.commit.slice(0, 12)}${src.ref ? ` (${src.ref})` : r.state.branch ? ` (${r.state.branch})` : ''}; ${plural(opened.catalog.assets.length, 'asset')}, ${plural(c.stores, 'file')} parsed, ${c.hits} from the index cache.\n`,
      );
      for (const w of [...r.warnings, ...opened.warnings]) io.err(`warning: ${w}\n`);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      failed++;
      const where = label(src);
      // Git errors already name the remote; don't say it twice.
      io.err(`error: ${e.message.startsWith(`${src.display}:`) ? e.message : `${where}: ${e.message}`}\n`);
    }
  }
  return failed ? exitCodes.usage : exitCodes.clean;
}

/** The libraries to sync: --library, else those of genai-assets.yaml. */
async function syncSources(args: SyncArgs, io: CliIo): Promise<LibrarySource[]> {
  if (args.library !== undefined) {
    const src = libraryFromArgument(args.library, io.cwd, args.ref);
    if (src.kind === 'folder') throw new UserError(`sync --library needs a git URL; ${src.path} is a folder, which is read as it is and needs no sync.`);
    return [src];
  }
  if (args.ref !== undefined) throw new UserError('--ref needs --library URL; the libraries of genai-assets.yaml carry their own ref.');
  const config = await readCliConfig(io.cwd, io.env);
  if (!config || !config.libraries.length) {
    throw new UserError('Nothing to sync: give --library URL, or list libraries in genai-assets.yaml (libraries: [{ name, url, ref }]) in this folder or in $GENAI_ASSETS_CONFIG.');
  }
  return config.libraries.map((l) => libraryFromSpec(l, nodePath.dirname(config.file)));
}
