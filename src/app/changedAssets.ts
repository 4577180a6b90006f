// `validate --changed`: the files of a folder library changed since a git revision (the work tree's changes included), and the files their change reaches.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as nodePath from 'node:path';
import { runCatalogChecks } from '../core/checks/catalogChecks';
import { CheckIndex } from '../core/checks/checkIndex';
import { fullStages } from '../core/checks/stages';
import type { Diagnostic } from '../core/diagnostics';
import { UserError } from '../core/errors';
import { dotpromptPartialName } from '../core/formats/dotprompt';
import { sha256Hex } from '../core/hash';
import { dirOf } from '../core/library/paths';
import { racyMarginMs } from '../core/library/folderSnapshot';
import type { ListingDelta } from '../core/library/folderSnapshot';
import { folderSource } from '../core/library/fileSource';
import { loadCatalog } from '../core/library/load';
import type { FileParser } from '../core/library/load';
import type { FileSource } from '../core/library/fileSource';
import type { Asset, Catalog } from '../core/library/types';
import type { FileReader } from '../core/ports';
import { nodeFileSystem, nodePathOps } from '../node/fileSystem';
import { folderSnapshotDir, openFolderSnapshot } from '../node/folderSnapshot';
import type { FolderSnapshotSettings } from '../node/folderSnapshot';
import { NodeGit } from '../node/git';
import { openFolder } from './openLibrary';

/** What changed in a library folder since a revision. */
export interface LibraryChanges {
  /** The commit compared with (the merge base of HEAD and the revision asked for). */
  base: string;
  /** How the base was chosen, for the user ("the merge base of HEAD and origin/main"). */
  baseLabel: string;
  /** Library-relative paths of the files changed, added or deleted since `base` (untracked files: see checkChanged), in git's order. */
  paths: string[];
  /**
   * The ids of the assets the changed files belonged to at `base`, and the ids those referenced
   * (an asset renamed or deleted leaves its old id here; an eval suite deleted, the prompts it covered).
   */
  idsBefore: string[];
  /** The files of the folder git tracks (library-relative): the listed others are untracked, so changed. */
  tracked: ReadonlySet<string>;
}

/** The branches the default base is looked for on, after the remote's default branch (origin/HEAD). */
const defaultBranches = ['origin/main', 'origin/master', 'main', 'master'];

/** True for a library's manifest (a change to it reaches every file). */
const isLibraryManifest = (p: string): boolean => p === 'library.yaml' || p === 'library.yml';

/** What libraryChanges may keep between runs: git's answers, valid while the folder's files and git's index list stay as they were. */
export interface KeptChangesStore {
  /** The file they are kept in (next to the folder's snapshot). */
  file: string;
  /** The folder's listing in this run (from its snapshot), once listed and stored; undefined when the folder could not be opened. */
  listing: Promise<{ delta?: ListingDelta; paths: readonly string[] } | undefined>;
  /** The clock the listing's times are on (ms; default Date.now). */
  now?: () => number;
}

/**
 * The answers of the last run, by the listing they hold for: a file whose stat did not change
 * since that listing has the same content, so the same difference with the same base.
 */
interface KeptChanges {
  version: 1;
  base: string;
  /** sha256 of the files git tracked (a file added to or removed from the index changes what the diff says of it). */
  tracked: string;
  /** The id of the folder's listing (ListingDelta) the changes were found with. */
  listing: string;
  changes: { status: string; path: string }[];
  /** The ids at the base of the files `paths` (idsAt), the modified and deleted ones. */
  before?: { paths: string[]; ids: string[] };
}

/** More files than this to ask git about again: git compares the whole folder instead (and the command line stays short, for Windows too). */
const maxRecheck = 200;

/** The changes kept by the last run; undefined when missing or not of this layout. */
function readKept(file: string): KeptChanges | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as KeptChanges;
    const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
    if (v?.version !== 1 || typeof v.base !== 'string' || typeof v.tracked !== 'string' || typeof v.listing !== 'string' || !Array.isArray(v.changes)) return undefined;
    if (!v.changes.every((c) => typeof c?.status === 'string' && typeof c.path === 'string')) return undefined;
    if (v.before !== undefined && !(strings(v.before?.paths) && strings(v.before.ids))) return undefined;
    return v;
  } catch {
    return undefined; // missing or corrupt: git compares the whole folder, and the file is written again
  }
}

/** Writes the changes kept for the next run (through a temporary file and a rename); a cache: a failure is ignored. */
function writeKept(file: string, kept: KeptChanges): void {
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(nodePath.dirname(file), { recursive: true });
    writeFileSync(temp, JSON.stringify(kept));
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
}

/** The commit to compare with (the merge base of HEAD and `ref`, or of the default branch) and how to name it; throws a UserError saying what is missing. */
async function resolveBase(root: string, ref: string | undefined, git: NodeGit): Promise<{ base: string; name: string }> {
  // The common case in one or two git runs (the default branch found among the refs that exist); when it fails, the steps below say why.
  let guess = ref;
  if (guess === undefined) {
    const refs = await git.existingRefs(root, ['refs/remotes/origin/HEAD', ...defaultBranches.map((b) => (b.startsWith('origin/') ? `refs/remotes/${b}` : `refs/heads/${b}`))]);
    const remoteHead = refs.get('refs/remotes/origin/HEAD');
    guess = remoteHead ? remoteHead.replace(/^refs\/remotes\//, '') : defaultBranches.find((b) => refs.has(b.startsWith('origin/') ? `refs/remotes/${b}` : `refs/heads/${b}`));
  }
  if (guess !== undefined) {
    const base = await git.mergeBaseOf(root, 'HEAD', guess);
    if (base) return { base, name: guess };
  }
  const head = await git.resolveCommit(root, 'HEAD');
  if (!head) {
    if (!(await git.workTreeRoot(root))) throw new UserError(`--changed compares with git history, but ${root} is not inside a git work tree; run validate without --changed.`);
    throw new UserError(`--changed: the repository of ${root} has no commit yet; run validate without --changed.`);
  }
  let name = ref;
  let target = name === undefined ? undefined : await git.resolveCommit(root, name);
  if (name === undefined) {
    const remoteHead = await git.symbolicRef(root, 'refs/remotes/origin/HEAD');
    const candidates = [...(remoteHead ? [remoteHead.replace(/^refs\/remotes\//, '')] : []), ...defaultBranches];
    for (const c of candidates) {
      target = await git.resolveCommit(root, c);
      if (target) {
        name = c;
        break;
      }
    }
    if (name === undefined)
      throw new UserError(
        `--changed: no default branch to compare with (looked for origin/HEAD, ${defaultBranches.join(', ')}); name the revision: --changed=REF (a branch, tag or commit; in a shallow CI checkout, fetch it first).`,
      );
  }
  if (!target) throw new UserError(`--changed=${name}: no such commit, branch or tag in the repository of ${root}; check the name (in a shallow CI checkout, fetch it first).`);
  const base = await git.mergeBase(root, head, target);
  if (!base) throw new UserError(`--changed=${name}: HEAD and ${name} have no common history (a shallow checkout? fetch more of it, e.g. \`git fetch --unshallow\`).`);
  return { base, name };
}

/** Orders paths as git does (by their UTF-8 bytes). */
const byGitPath = (a: { path: string }, b: { path: string }): number => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));

/** True for a `.gitattributes` file: what it says can change git's answer for other files. */
const isAttributes = (p: string): boolean => p === '.gitattributes' || p.endsWith('/.gitattributes');

/**
 * The files of the library folder `root` changed since `ref` (default: the remote's default branch,
 * else main or master), compared with the merge base of HEAD and it, and the ids those files had
 * there. Throws a UserError when `root` is not in a git work tree, `ref` names no commit, or no
 * default branch is found.
 *
 * With `keep`, git's answers are kept for the next run: then git is asked again only about the
 * files whose stat changed since (the folder's listing says which), the files it tracks that the
 * listing does not hold (deleted ones, links to folders, ignored ones), and everything when the
 * base, the files git tracks or a `.gitattributes` changed; the other files have the answer they had.
 */
export async function libraryChanges(root: string, ref: string | undefined, git: NodeGit = new NodeGit(), keep?: KeptChangesStore): Promise<LibraryChanges> {
  const { base, name } = await resolveBase(root, ref, git);
  const kept = keep && readKept(keep.file);
  // The whole folder is compared at once when nothing kept can serve (while the index is listed).
  let whole: { at: number; changes: Promise<{ status: string; path: string }[]> } | undefined;
  const compareWhole = () => {
    if (!whole) {
      const changes = git.workTreeChanges(root, base);
      // Awaited below, after other git calls: a failure meanwhile must not count as unhandled (it is thrown there).
      changes.catch(() => undefined);
      whole = { at: (keep?.now ?? Date.now)(), changes };
    }
    return whole;
  };
  if (kept?.base !== base) compareWhole();
  const trackedList = await git.trackedFiles(root);
  const trackedKey = sha256Hex(trackedList.join('\0'));
  if (kept?.tracked !== trackedKey) compareWhole();
  const tracked = new Set(trackedList);
  let changes: { status: string; path: string }[] | undefined;
  if (!whole && kept && keep) {
    // The same base and the same files tracked: git is asked again about the files the listing says may have changed.
    const listing = await keep.listing;
    const delta = listing?.delta;
    if (listing && delta?.changed && delta.before === kept.listing) {
      // The files git tracks that the listing does not hold (usually none: counted before they are looked for).
      let trackedListed = 0;
      for (const p of listing.paths) if (tracked.has(p)) trackedListed++;
      const listed = trackedListed < tracked.size ? new Set(listing.paths) : undefined;
      const recheck = [...new Set([...delta.changed, ...(listed ? trackedList.filter((p) => !listed.has(p)) : [])])];
      if (recheck.length <= maxRecheck && !recheck.some(isAttributes)) {
        const again = new Set(recheck);
        const fresh = recheck.length ? await git.workTreeChanges(root, base, recheck) : [];
        changes = [...kept.changes.filter((c) => !again.has(c.path)), ...fresh].sort(byGitPath);
      }
    }
  }
  changes ??= await compareWhole().changes;
  const paths = [...new Set(changes.map((c) => c.path))];
  // The files as they were at the base (modified or deleted ones): the ids of the assets they belonged to.
  const before = changes.filter((c) => c.status === 'M' || c.status === 'D' || c.status === 'T').map((c) => c.path);
  const sameBefore = kept?.base === base && kept.before && kept.before.paths.length === before.length && kept.before.paths.every((p, i) => p === before[i]);
  const idsBefore = !before.length ? [] : sameBefore ? kept.before!.ids : await idsAt(root, base, before, git);
  // Kept when every answer holds for the listing stored now: a whole comparison must not have begun before the listing's stats could be trusted.
  const delta = keep && (await keep.listing)?.delta;
  if (keep && delta?.after && (!whole || whole.at >= delta.listedAt - racyMarginMs)) {
    writeKept(keep.file, { version: 1, base, tracked: trackedKey, listing: delta.after, changes, before: { paths: before, ids: idsBefore } });
  }
  return { base, baseLabel: `the merge base of HEAD and ${name} (${base.slice(0, 12)})`, paths, idsBefore, tracked };
}

/**
 * The ids of the assets that `paths` (and the manifests of the folders holding them) made at
 * `commit`, and the ids they referenced: the files read from git, built as a catalog of their own
 * (a file of an asset whose manifest is not among them counts as an asset of its own: an id more, never one less).
 */
async function idsAt(root: string, commit: string, paths: readonly string[], git: NodeGit): Promise<string[]> {
  const wanted = new Set(paths);
  for (const p of paths) for (let d = dirOf(p); d; d = dirOf(d)) for (const m of ['asset.yaml', 'asset.yml']) wanted.add(`${d}/${m}`);
  const present = await git.filesAt(root, commit, [...wanted]);
  if (!present.size) return [];
  const source: FileSource = {
    list: async () => [...present.keys()].sort().map((path) => ({ path, type: 'file' as const })),
    read: async (p) => present.get(p)!,
  };
  const catalog = await loadCatalog({ root, source, level: 'catalog' });
  return [...new Set(catalog.assets.flatMap((a) => [a.id, ...a.references.map((r) => r.ref.id)]))];
}

/** True for a Dotprompt file (a partial or a prompt that may use one). */
const isDotprompt = (p: string): boolean => /\.prompt$/i.test(p);

/**
 * The files whose findings a change to `changes.paths` can alter, or 'all' (library.yaml changed):
 * the changed files; every file of the assets owning them, of the assets
 * with the ids those assets have or had, or reference (other versions, a dependency, the prompts an
 * eval suite targets), and of the assets that reference those ids (dependents through `dependsOn`,
 * eval suites through `targets`, `replacedBy`). Partials resolve by name across every Dotprompt
 * file: a changed partial reaches every Dotprompt file, a changed Dotprompt file every partial.
 * `listed` is every path of the library's listing. (What else lies in the folders of the reached
 * assets, links leading out, is for the caller to add: the asset's `files` do not name it.)
 */
export function reachedFiles(assets: readonly Asset[], listed: readonly string[], changes: Pick<LibraryChanges, 'paths' | 'idsBefore'>): Set<string> | 'all' {
  if (changes.paths.some(isLibraryManifest)) return 'all';
  const loose = new Map<string, Asset>();
  const folders = new Map<string, Asset>();
  for (const a of assets) (a.managed ? folders : loose).set(a.path, a);
  /** The managed asset whose folder holds `p`. */
  const folderOwner = (p: string): Asset | undefined => {
    for (let d = dirOf(p); ; d = dirOf(d)) {
      const f = folders.get(d);
      if (f || !d) return f;
    }
  };
  const out = new Set<string>(changes.paths);
  const reached = new Set<Asset>();
  const ids = new Set<string>(changes.idsBefore);
  for (const p of changes.paths) {
    const a = loose.get(p) ?? folderOwner(p);
    if (!a) continue;
    reached.add(a);
    ids.add(a.id);
    for (const r of a.references) ids.add(r.ref.id);
  }
  // The assets with those ids, and those referencing them: one pass (an index of every asset would cost more than it saves here).
  for (const a of assets) if (ids.has(a.id) || a.references.some((r) => ids.has(r.ref.id))) reached.add(a);
  for (const a of reached) for (const f of a.files) out.add(f);
  const partialChanged = changes.paths.some((p) => isDotprompt(p) && dotpromptPartialName(p) !== undefined);
  if (changes.paths.some(isDotprompt)) for (const p of listed) if (isDotprompt(p) && (partialChanged || dotpromptPartialName(p) !== undefined)) out.add(p);
  return out;
}

/** What `validate --changed` found in one library. */
export interface ChangedCheck {
  changes: LibraryChanges;
  /** The files checked (library-relative), or 'all' when library.yaml changed. */
  reached: Set<string> | 'all';
  /** The catalog the checks ran on: every asset, and the files read (those reached, the partials, library.yaml). */
  catalog: Catalog;
  /** The findings on the reached files: those a full run gives for them. */
  diagnostics: Diagnostic[];
}

/**
 * Checks the files of the library at `root` that `changes` reaches. The assets come from the
 * folder's catalog-level snapshot (`snapshot`: only files changed since the last open are read for
 * it); the reached files, the partials and library.yaml are read and parsed in full, their assets
 * built again, and the cross-file checks run on the reached files over all the assets. When
 * library.yaml changed, the whole library is loaded and checked. `changes` may still be coming
 * (libraryChanges runs git while the snapshot is read).
 */
export async function checkChanged(
  root: string,
  changing: LibraryChanges | Promise<LibraryChanges> | ((keep: KeptChangesStore) => Promise<LibraryChanges>),
  opts: { parser?: FileParser; reader?: FileReader; snapshot: FolderSnapshotSettings; name?: string },
): Promise<ChangedCheck> {
  const abs = nodePath.resolve(root);
  const source = folderSource(opts.reader ?? nodeFileSystem, nodePathOps, abs);
  const fallbackName = opts.name ?? nodePath.basename(abs);
  const parser = opts.parser ?? fullStages.parser;
  let listedNow!: (l: Awaited<KeptChangesStore['listing']>) => void;
  const listing = new Promise<Awaited<KeptChangesStore['listing']>>((resolve) => (listedNow = resolve));
  const opening = openFolderSnapshot(opts.snapshot, { root: abs, source, fallbackName, level: 'catalog', parser }).then(
    (o) => {
      listedNow({ delta: o.listing, paths: o.entries.map((e) => e.path) });
      return o;
    },
    (e: unknown) => {
      listedNow(undefined);
      throw e;
    },
  );
  // libraryChanges keeps git's answers next to the folder's snapshot, by its listing.
  const finding = typeof changing === 'function' ? changing({ file: changesFile(opts.snapshot.cacheDir, abs), listing, now: opts.snapshot.now }) : changing;
  const [found, opened] = await Promise.all([finding, opening]);
  const { catalog: all, entries } = opened;
  // The files listed that git does not track are new: changed too.
  const changes: LibraryChanges = { ...found, paths: [...found.paths, ...entries.filter((e) => !found.tracked.has(e.path)).map((e) => e.path)] };
  if (changes.paths.some(isLibraryManifest)) {
    const { catalog } = await openFolder(abs, { name: opts.name, parser: opts.parser, reader: opts.reader });
    return { changes, reached: 'all', catalog, diagnostics: catalog.diagnostics };
  }
  const listed = entries.map((e) => e.path);
  const reached = reachedFiles(all.assets, listed, changes);
  if (reached === 'all') throw new Error('library.yaml is handled above');
  // The files read in full: the reached ones and what else lies in their assets' folders (links leading out),
  // the partials (any prompt may include one by name) and library.yaml.
  const folders = new Set(all.assets.filter((a) => a.managed && reached.has(a.manifest ?? '')).map((a) => a.path));
  const read = entries.filter((e) => {
    if (reached.has(e.path)) return true;
    if (inFolders(e.path, folders)) {
      reached.add(e.path);
      return true;
    }
    return isLibraryManifest(e.path) || (isDotprompt(e.path) && dotpromptPartialName(e.path) !== undefined);
  });
  const part = await loadCatalog({ root: abs, source: { list: async () => read, read: (p) => source.read(p) }, fallbackName, parser, checks: () => [] });
  // Every asset: those read again in place of the snapshot's (by folder or file), the others as the snapshot has them.
  // (A partial read alone, outside its folder, may pass for an asset of its own: only the reached assets count.)
  const rebuilt = new Map(part.assets.filter((a) => reached.has(a.manifest ?? a.path)).map((a) => [a.path, a]));
  const assets: Asset[] = [];
  for (const a of all.assets) {
    const fresh = rebuilt.get(a.path);
    if (fresh) {
      assets.push(fresh);
      rebuilt.delete(a.path);
    } else if (!reached.has(a.manifest ?? a.path)) assets.push(a);
  }
  assets.push(...rebuilt.values());
  const catalog: Catalog = { ...part, assets };
  const checked = runCatalogChecks(catalog, reached, new CheckIndex(assets));
  const diagnostics = [...part.diagnostics, ...checked].filter((d) => reached.has(d.file));
  return { changes, reached, catalog, diagnostics };
}

/** Where libraryChanges keeps git's answers for the folder library at `root` (absolute): next to its snapshot. */
export function changesFile(cacheDir: string, root: string): string {
  return nodePath.join(folderSnapshotDir(cacheDir, root), 'changes.v1.json');
}

/** True when `p` lies in one of `folders` (library-relative). */
function inFolders(p: string, folders: ReadonlySet<string>): boolean {
  for (let d = dirOf(p); ; d = dirOf(d)) {
    if (folders.has(d)) return true;
    if (!d) return false;
  }
}
