// Proposing an asset to a library: a prompt file, an instructions file or a locally modified pilot component, committed on a branch of a scratch clone of the library and pushed for review.

import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import * as semver from 'semver';
import { isMap, isPair, isScalar, parseDocument, stringify } from 'yaml';
import type { Pair } from 'yaml';
import type { Diagnostic } from '../core/diagnostics';
import { compareDiagnostics } from '../core/diagnostics';
import { GitError, UserError } from '../core/errors';
import { parseFile } from '../core/formats/parseFile';
import { unmanagedAsset } from '../core/library/build';
import { parseGitUrl, redactCredentials } from '../core/library/source';
import type { LibrarySource } from '../core/library/source';
import type { Asset, AssetKind, Catalog } from '../core/library/types';
import { gitLibraryHistory } from '../core/pilot/history';
import { findBaseFiles, hasConflictMarkers } from '../core/pilot/update';
import { sha256Hex } from '../core/hash';
import { componentFolder, installLockFileName, lockFileName, parseInstallLock, relativeToFolder } from '../core/scaffold/lockFile';
import type { LockedComponent, LockFile } from '../core/scaffold/lockFile';
import { loadPilot } from '../core/scaffold/pilotFile';
import { decodeUtf8, looksBinary, TextDocument } from '../core/text/textDocument';
import { YamlSource } from '../core/yaml/yamlDocument';
import { approvalSpan } from '../core/formats/manifests';
import { isObj } from '../core/guards';
import { nodeFileSystem, nodePathOps } from '../node/fileSystem';
import { NodeGit } from '../node/git';
import { GitFileMerger } from '../node/mergeFile';
import { installsLibrary } from './installs';
import { libraryFromArgument, openFolder } from './openLibrary';
import { recordedLibrary } from './pilotLibrary';

/** What to propose, and to which library. */
export interface ProposeRequest {
  /** Absolute paths: files (a prompt file, an instructions file, with their partials), or a pilot component's folder or one of its files. */
  paths: string[];
  /** The library: a git URL, or a folder in a git work tree (its remote `origin` is pushed to, else the repository itself). */
  library: string;
  /** The asset's id (default: from the file's name, or the pilot component's id). */
  id?: string;
  /** The commit message (default: `Propose <id> <version>` and what changed). */
  message?: string;
  /** The owners of a new asset (default: the git identity, `Name <email>`). */
  owners?: string[];
  /** How a changed asset's version moves (default patch). */
  bump?: 'patch' | 'minor' | 'major';
  /** For relative paths and a relative library folder. */
  cwd: string;
  /** The cache root of the app layer (never written: the scratch clone goes into a temp folder). */
  cacheDir: string;
  /** Environment of git: identity and credentials (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** For the branch's date, `propose/<id>-<yyyymmdd>` (UTC; default: now). */
  now?: Date;
  /** Stops the proposal between git commands (a running command finishes). */
  signal?: AbortSignal;
}

/** A file the proposal's commit changes, library-relative ('/'-separated); `after` undefined when deleted, `before` undefined when new. */
export interface ProposedFile {
  path: string;
  before?: string;
  after?: string;
}

/** A proposal committed in a scratch clone, ready to review and push. */
export interface PreparedProposal {
  id: string;
  kind: string;
  isNew: boolean;
  version: string;
  previousVersion?: string;
  branch: string;
  /** The library's branch the proposal starts from (the remote's default branch). */
  base: string;
  commit: string;
  /** The library's remote the branch is pushed to, as given (shown with credentials removed). */
  remote: string;
  scratchDir: string;
  /** What the commit changes, the manifest included, sorted by path. */
  files: ProposedFile[];
  /** The library's policy findings on the proposed tree (warnings and below; errors refuse). */
  findings: Diagnostic[];
  /** Removes the scratch clone; idempotent. */
  dispose(): Promise<void>;
  /** Pushes `branch` of the scratch clone to `remote` with the environment the proposal was made with (its credentials): pushProposal's push. */
  pushBranch(): Promise<void>;
}

/** What a push did. */
export interface PushedProposal {
  branch: string;
  commit: string;
  /** Where the pull request is opened, for the common hosts. */
  pullRequestUrl?: string;
}

/** A proposal refused on its content: the library's policy finds errors in the proposed files (`findings`), or the pilot's change conflicts with the library's (`conflicts`: the files). */
export class ProposalRefused extends UserError {
  constructor(
    message: string,
    readonly findings: Diagnostic[],
    readonly conflicts: string[] = [],
  ) {
    super(message);
    this.name = 'ProposalRefused';
  }
}

/** Where proposal branches go: `propose/<id>-<yyyymmdd>`. */
export function proposalBranch(id: string, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `propose/${id}-${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
}

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const maxComponentFiles = 2000;

/** One file written into the library: where, its bytes (undefined = removed), and the local file it comes from. */
interface Write {
  path: string;
  data?: Uint8Array;
  from?: string;
}

/** What the proposal does to the library, before it is written. */
interface Plan {
  id: string;
  kind: AssetKind;
  isNew: boolean;
  version: string;
  previousVersion?: string;
  writes: Write[];
  /** The asset's folder (or file) in the library, for its findings. */
  assetPath: string;
  summary: string;
}

/**
 * Prepares a proposal: clones the library into a temp folder, writes the asset on branch
 * `propose/<id>-<yyyymmdd>` (from the remote's default branch), validates with the library's
 * policy and commits with the user's git identity. Refusals throw UserErrors (what, where,
 * what to do) and leave nothing behind: no temp folder, nothing written anywhere else.
 */
export async function prepareProposal(req: ProposeRequest): Promise<PreparedProposal> {
  const env = req.env ?? process.env;
  const git = new NodeGit({ env });
  const paths = req.paths.map((p) => nodePath.resolve(req.cwd, p));
  if (!paths.length) throw new UserError('Nothing to propose: give a prompt file, an instructions file or a pilot component.');
  for (const p of paths) if (!(await fsp.stat(p).catch(() => undefined))) throw new UserError(`${p} does not exist; give a prompt file, an instructions file or a pilot component.`);
  if (req.id !== undefined && !idPattern.test(req.id)) throw new UserError(`--id \`${req.id}\` is not an asset id: use lower-case letters, digits and dashes (kebab-case).`);
  const { remote, prefix } = await libraryRemote(req.library, req.cwd, git);
  const locked = await lockedComponentOf(paths);
  if (locked && req.id !== undefined && req.id !== locked.component.id)
    throw new UserError(
      `${paths[0]} is a file of the component \`${locked.component.id}\` of the ${locked.place.label}, which keeps its id; leave out --id, or copy the files elsewhere to propose them as a new asset.`,
    );
  req.signal?.throwIfAborted();

  const tmp = await fsp.mkdtemp(nodePath.join(os.tmpdir(), 'genai-propose-'));
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    const scratch = nodePath.join(tmp, 'library');
    await git.clone(remote, scratch).catch((e: unknown) => {
      throw e instanceof GitError ? new GitError(`Could not clone the library to propose to it: ${e.message}`, e.failure) : e;
    });
    req.signal?.throwIfAborted();
    const head = await git.symbolicRef(scratch, 'refs/remotes/origin/HEAD');
    const base = head?.replace(/^refs\/remotes\/origin\//, '');
    const baseCommit = base ? await git.resolveCommit(scratch, `refs/remotes/origin/${base}`) : undefined;
    if (!base || !baseCommit)
      throw new UserError(`${redactCredentials(remote)} has no default branch with a commit (an empty repository?); a proposal needs the library's current files to start from.`);
    await git.checkout(scratch, { detach: baseCommit }, {});
    const identity = await git.identity(scratch);
    if (!identity)
      throw new UserError('git has no identity to commit the proposal with; set it (git config --global user.name "Your Name"; git config --global user.email you@example.com) and try again.');
    const libRoot = prefix ? nodePath.join(scratch, ...prefix.split('/')) : scratch;
    if (!(await fsp.stat(libRoot).catch(() => undefined))?.isDirectory()) throw new UserError(`The library folder ${prefix} is not on ${base} of ${redactCredentials(remote)}; push it first.`);
    const before = (await openFolder(libRoot)).catalog;
    req.signal?.throwIfAborted();

    const plan = locked
      ? await planComponentChange(locked.place, locked.component, before, { git, scratch, baseCommit, prefix, env, bump: req.bump, remote })
      : await planFiles(paths, before, { id: req.id, owners: req.owners?.length ? req.owners : [`${identity.name} <${identity.email}>`], bump: req.bump });
    req.signal?.throwIfAborted();

    let branch = proposalBranch(plan.id, req.now ?? new Date());
    for (let n = 2; await git.resolveCommit(scratch, `refs/remotes/origin/${branch}`); n++) {
      if (n > 50) throw new UserError(`The library already has 50 proposal branches for \`${plan.id}\` today; merge or delete some of them first.`);
      branch = `${proposalBranch(plan.id, req.now ?? new Date())}-${n}`;
    }
    await git.checkout(scratch, { branch, startPoint: baseCommit }, {});

    const files: ProposedFile[] = [];
    let contentChanged = false;
    for (const w of plan.writes) {
      const abs = nodePath.join(libRoot, ...w.path.split('/'));
      const libPath = prefix ? `${prefix}/${w.path}` : w.path;
      const old = await fsp.readFile(abs).catch(() => undefined);
      if (w.data === undefined) {
        if (old === undefined) continue;
        await fsp.rm(abs, { force: true });
      } else {
        if (old && Buffer.compare(old, w.data) === 0) continue;
        await fsp.mkdir(nodePath.dirname(abs), { recursive: true });
        await fsp.writeFile(abs, w.data);
      }
      files.push({ path: libPath, ...(old !== undefined ? { before: shownText(old) } : {}), ...(w.data !== undefined ? { after: shownText(w.data) } : {}) });
      if (w.from !== undefined) contentChanged = true;
    }
    // A changed asset whose files are the library's already would be a version bump alone.
    if (!files.length || (!plan.isNew && !contentChanged)) throw new UserError(`\`${plan.id}\` in ${redactCredentials(remote)} already has exactly these files; there is nothing to propose.`);
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    const after = (await openFolder(libRoot)).catalog;
    const findings = proposalFindings(before, after, plan);
    const errors = findings.filter((d) => d.severity === 'error');
    if (errors.length) {
      const shown = findings.map((d) => `  ${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${d.message}`).join('\n');
      const sources = [...new Set(plan.writes.map((w) => w.from).filter((f): f is string => !!f))];
      throw new ProposalRefused(
        `The library's policy refuses \`${plan.id}\` ${plan.version}: ${errors.length} error(s) on the proposed files:\n${shown}\nFix ${sources.length ? sources.join(', ') : 'them'} and propose again (\`genai-assets validate\` shows the same findings in the library).`,
        findings,
      );
    }
    req.signal?.throwIfAborted();

    const message = req.message?.trim() || `Propose ${plan.id} ${plan.version}\n\n${plan.summary}`;
    const commit = await git.commitAll(scratch, message);
    const prepared: PreparedProposal = {
      id: plan.id,
      kind: plan.kind,
      isNew: plan.isNew,
      version: plan.version,
      ...(plan.previousVersion !== undefined ? { previousVersion: plan.previousVersion } : {}),
      branch,
      base,
      commit,
      remote,
      scratchDir: tmp,
      files,
      findings,
      dispose,
      pushBranch: () => git.pushBranch(scratch, remote, branch),
    };
    return prepared;
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** Pushes the proposal's branch (only, never forced) to the library's remote, then disposes of the scratch clone (also when the push fails). */
export async function pushProposal(p: PreparedProposal, signal?: AbortSignal): Promise<PushedProposal> {
  try {
    signal?.throwIfAborted();
    await p.pushBranch().catch((e: unknown) => {
      if (!(e instanceof GitError)) throw e;
      const shown = redactCredentials(p.remote);
      if (e.failure === 'failed')
        throw new GitError(
          `${shown} refused the branch ${p.branch} (${e.message.replace(/^git push failed in [^:]*: /, '')}). Nothing was pushed; ask the library's maintainers what its remote accepts, then propose again.`,
          e.failure,
        );
      throw new GitError(`Could not push ${p.branch} to ${shown}: ${e.message}`, e.failure);
    });
    return { branch: p.branch, commit: p.commit, pullRequestUrl: pullRequestUrl(p.remote, p.branch, p.base) };
  } finally {
    await p.dispose();
  }
}

/**
 * Where the pull request for `branch` (into `base`, default the host's default branch) is opened on
 * GitHub, GitLab, Bitbucket or Azure DevOps (by the host's name, so self-hosted GitHub and GitLab
 * count); undefined for other hosts and remotes that are not URLs.
 */
export function pullRequestUrl(remote: string, branch: string, base?: string): string | undefined {
  let host: string;
  let path: string;
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/)(.+)$/.exec(remote);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    let u: URL;
    try {
      u = new URL(remote);
    } catch {
      return undefined;
    }
    if (!/^(https|ssh|git):$/.test(u.protocol)) return undefined;
    host = u.hostname.toLowerCase();
    path = decodeURIComponent(u.pathname);
  } else if (scp && !/^[A-Za-z]$/.test(scp[1])) {
    host = scp[1].toLowerCase();
    path = '/' + scp[2];
  } else return undefined;
  const parts = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean);
  const q = encodeURIComponent;
  const ref = (b: string) => b.split('/').map(q).join('/');
  if (host === 'dev.azure.com' || host === 'ssh.dev.azure.com' || host.endsWith('.visualstudio.com')) {
    // https://dev.azure.com/ORG/PROJECT/_git/REPO, git@ssh.dev.azure.com:v3/ORG/PROJECT/REPO, https://ORG.visualstudio.com/PROJECT/_git/REPO
    let org: string | undefined, project: string | undefined, repo: string | undefined;
    if (host === 'ssh.dev.azure.com' && parts[0] === 'v3' && parts.length === 4) [, org, project, repo] = parts;
    else if (host === 'dev.azure.com' && parts.length === 4 && parts[2] === '_git') [org, project, , repo] = parts;
    else if (host.endsWith('.visualstudio.com') && parts.length === 3 && parts[1] === '_git') [org, project, , repo] = [host.slice(0, -'.visualstudio.com'.length), ...parts];
    else if (host.endsWith('.visualstudio.com') && parts[0] === 'v3' && parts.length === 4) [, org, project, repo] = parts;
    if (!org || !project || !repo) return undefined;
    return `https://dev.azure.com/${q(org)}/${q(project)}/_git/${q(repo)}/pullrequestcreate?sourceRef=${q(branch)}${base ? `&targetRef=${q(base)}` : ''}`;
  }
  if (parts.length < 2) return undefined;
  const repoPath = parts.map(q).join('/');
  if (host === 'bitbucket.org') return `https://bitbucket.org/${repoPath}/pull-requests/new?source=${q(branch)}${base ? `&dest=${q(base)}` : ''}`;
  if (host.includes('gitlab')) return `https://${host}/${repoPath}/-/merge_requests/new?merge_request%5Bsource_branch%5D=${q(branch)}${base ? `&merge_request%5Btarget_branch%5D=${q(base)}` : ''}`;
  if (host.includes('github') && parts.length === 2) return `https://${host.replace(/^ssh\./, '')}/${repoPath}/compare/${base ? `${ref(base)}...` : ''}${ref(branch)}?expand=1`;
  return undefined;
}

/** The remote a proposal is pushed to, and the library's folder inside that repository ('' = its root). */
async function libraryRemote(library: string, cwd: string, git: NodeGit): Promise<{ remote: string; prefix: string }> {
  if (!library.trim()) throw new UserError('Give the library to propose to with --library URL (a git URL, or the folder of a checkout of the library).');
  const src = libraryFromArgument(library, cwd);
  if (src.kind === 'git') return { remote: src.url, prefix: '' };
  const top = await git.workTreeRoot(src.path);
  if (!top && (await git.getConfig(src.path, 'core.bare')) === 'true') return { remote: src.path, prefix: '' };
  if (!top) throw new UserError(`${src.path} is not in a git repository; a proposal is a branch of the library's repository. Give its git URL with --library URL.`);
  const prefix = nodePath
    .relative(await fsp.realpath(top), await fsp.realpath(src.path))
    .split(nodePath.sep)
    .join('/');
  const origin = await git.getConfig(top, 'remote.origin.url');
  if (!origin) return { remote: top, prefix };
  // A relative origin (`../library.git`) is relative to the checkout.
  const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(origin) || /^[^/]+:/.test(origin) || nodePath.isAbsolute(origin) ? origin : nodePath.resolve(top, origin);
  parseGitUrl(remote, { where: `remote.origin.url of ${top}`, isAbsolutePath: (p) => nodePath.isAbsolute(p) });
  return { remote, prefix };
}

/** Where locked components live: a pilot (pilot.lock.json) or a repository with installs (genai-assets.lock.json). */
export interface LockedPlace {
  kind: 'pilot' | 'installs';
  dir: string;
  /** The pilot's name, or the repository folder's. */
  name: string;
  /** `pilot demo-pilot`, `repository /work/app`: for messages. */
  label: string;
  lock: Pick<LockFile, 'library'>;
  components: LockedComponent[];
  /** The library the components came from (pilot.yaml's, else the lock's); undefined when neither names one. */
  library: LibrarySource | undefined;
}

/** The locked component `path` (a file or folder) belongs to, and its pilot or repository; undefined when it is a file of none. */
export async function lockedComponentAt(path: string): Promise<{ place: LockedPlace; component: LockedComponent } | undefined> {
  const place = await lockedPlaceAround(path);
  if (!place) return undefined;
  const rel = nodePath.relative(place.dir, path).split(nodePath.sep).join('/');
  const component = place.components.find((c) => {
    const folder = componentFolder(c);
    const managed = c.files.some((f) => /(^|\/)asset\.ya?ml$/.test(f.path));
    return c.files.some((f) => f.path === rel) || (managed && (rel === folder || rel.startsWith(folder + '/')));
  });
  return component && { place, component };
}

/** The locked component the paths name (all of them the same component), or undefined when they are files of no component. */
async function lockedComponentOf(paths: string[]): Promise<{ place: LockedPlace; component: LockedComponent } | undefined> {
  const found: { place: LockedPlace; component: LockedComponent }[] = [];
  for (const p of paths) {
    const at = await lockedComponentAt(p);
    if (at) found.push(at);
  }
  if (!found.length) return undefined;
  const first = found[0];
  if (found.length !== paths.length || found.some((f) => f.place.dir !== first.place.dir || f.component.id !== first.component.id)) {
    throw new UserError(`Propose one asset at a time: ${paths.join(', ')} are not all files of the component \`${first.component.id}\` of the ${first.place.label}.`);
  }
  const c = first.component;
  if (c.files.some((f) => f.section !== undefined))
    throw new UserError(
      `\`${c.id}\` is installed as a section of a shared file (${c.files.map((f) => f.path).join(', ')}); such a change is not proposed from there. Make it in a checkout of the library's ${c.source?.entry ?? 'file'} and propose that file.`,
    );
  if (c.target !== undefined && c.files.length > 1)
    throw new UserError(
      `\`${c.id}\` is installed as ${c.files.length} files; an install of several files is not proposed from there. Make the change in a checkout of the library and propose its files.`,
    );
  return first;
}

/** The pilot or repository with installs at or above `path`, read without changing anything. */
async function lockedPlaceAround(path: string): Promise<LockedPlace | undefined> {
  let dir = (await fsp.stat(path)).isDirectory() ? path : nodePath.dirname(path);
  for (let i = 0; i < 64; i++) {
    if (await fsp.stat(nodePath.join(dir, lockFileName)).catch(() => undefined)) {
      const pilot = await loadPilot(nodeFileSystem, nodePathOps, dir);
      const name = pilot.manifest.name || nodePath.basename(dir);
      return { kind: 'pilot', dir, name, label: `pilot ${name}`, lock: pilot.lock, components: pilot.lock.components, library: recordedLibrary(pilot) };
    }
    const installs = nodePath.join(dir, installLockFileName);
    if (await fsp.stat(installs).catch(() => undefined)) {
      const { lock, problems } = parseInstallLock(await fsp.readFile(installs, 'utf8'));
      if (!lock) throw new UserError(`${installs} cannot be read: ${problems.join(' ')} Restore it from version control.`);
      return { kind: 'installs', dir, name: nodePath.basename(dir), label: `repository ${dir}`, lock, components: lock.components, library: installsLibrary({ dir, lock }) };
    }
    const up = nodePath.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** The folder the library keeps assets of `kind` in: where most of its asset folders of that kind are, else `<kind>s`. */
function kindFolder(catalog: Catalog, kind: AssetKind): string {
  const counts = new Map<string, number>();
  for (const a of catalog.assets) {
    if (a.kind !== kind || !a.managed) continue;
    const parent = a.path.includes('/') ? a.path.slice(0, a.path.lastIndexOf('/')) : '';
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  return best ? best[0] : `${kind}s`;
}

/** The asset.yaml of a new asset: status draft, version 0.1.0. */
function newManifest(a: { id: string; kind: AssetKind; title: string; description: string; tags: string[]; owners: string[]; entry: string }): string {
  const doc: Record<string, unknown> = { id: a.id, kind: a.kind, version: '0.1.0', status: 'draft', title: a.title };
  if (a.description) doc.description = a.description;
  if (a.tags.length) doc.tags = a.tags;
  doc.owners = a.owners;
  doc.entry = a.entry;
  return stringify(doc, { lineWidth: 0 });
}

/**
 * asset.yaml's text with the version moved to `version`; an approved asset goes back to review, and
 * a (now stale) approval block is removed. The rest of the file is kept byte for byte; a file laid
 * out so that this cannot be done (a flow mapping with an approval) is written anew.
 */
function bumpedManifest(text: string, version: string, where: string): string {
  const doc = new TextDocument(text);
  const y = new YamlSource(doc, where, 0, doc.text.length);
  const root = y.doc?.contents;
  if (!y.ok || !isMap(root)) throw new UserError(`${where} does not parse as a YAML mapping; fix it in the library before proposing a change to the asset.`);
  const edits: { at: [number, number]; text: string }[] = [];
  const scalarEdit = (key: string, value: string): boolean => {
    const pair = (root.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    const v = pair?.value;
    if (!isScalar(v) || !v.range) return false;
    const quote = v.type === 'QUOTE_DOUBLE' ? '"' : v.type === 'QUOTE_SINGLE' ? "'" : '';
    edits.push({ at: [v.range[0], v.range[1]], text: `${quote}${value}${quote}` });
    return true;
  };
  const approved = isObj(y.value) && y.value.status === 'approved';
  const hasApproval = isObj(y.value) && 'approval' in y.value;
  const span = hasApproval && !root.flow ? approvalSpan(y, doc) : undefined;
  if (!scalarEdit('version', version) || (approved && !scalarEdit('status', 'review')) || (hasApproval && !span)) {
    const d = parseDocument(doc.text);
    d.set('version', version);
    if (approved) d.set('status', 'review');
    d.delete('approval');
    return d.toString({ lineWidth: 0 });
  }
  if (span) edits.push({ at: span, text: '' });
  let out = doc.text;
  for (const e of edits.sort((x, z) => z.at[0] - x.at[0])) out = out.slice(0, e.at[0]) + e.text + out.slice(e.at[1]);
  return (doc.hadBom ? '\ufeff' : '') + out;
}

function nextVersion(version: string, bump: ProposeRequest['bump'], id: string): string {
  const next = semver.valid(version) ? semver.inc(version, bump ?? 'patch') : null;
  if (!next) throw new UserError(`\`${id}\` has version \`${version}\` in the library, which is not semver; fix its asset.yaml in the library first.`);
  return next;
}

/** The newest version of the asset `id` of `kind` in the catalog. */
function newestAsset(catalog: Catalog, id: string, kind?: AssetKind): Asset | undefined {
  return catalog.assets
    .filter((a) => a.id === id && (kind === undefined || a.kind === kind))
    .sort((a, b) => (semver.valid(a.version) && semver.valid(b.version) ? semver.rcompare(a.version, b.version) : 0))[0];
}

/** A new asset from files (the first is the entry; the others keep their place relative to it), or a change of the library's asset of the same id. */
async function planFiles(paths: string[], catalog: Catalog, opts: { id?: string; owners: string[]; bump: ProposeRequest['bump'] }): Promise<Plan> {
  for (const p of paths) if ((await fsp.stat(p)).isDirectory()) throw new UserError(`${p} is a folder but not a component of a pilot; give the prompt or instructions file itself.`);
  const entryAbs = paths[0];
  const root = nodePath.dirname(entryAbs);
  const rels = paths.map((p) => {
    const rel = nodePath.relative(root, p).split(nodePath.sep).join('/');
    if (!rel || rel.startsWith('../') || nodePath.isAbsolute(rel))
      throw new UserError(`${p} is not in the folder of ${entryAbs} (or below it); the files of one asset are proposed together with the entry file first.`);
    return rel;
  });
  const entryName = rels[0];
  const bytes = await fsp.readFile(entryAbs);
  const parsed = parseFile(entryName, bytes);
  if (parsed.format === 'text' || parsed.format === 'promptfoo-prompt' || parsed.format.endsWith('-manifest')) {
    throw new UserError(`${entryAbs} is not a recognised prompt, instructions or eval file (see the formats in the README); give one of those files first.`);
  }
  const shape = unmanagedAsset(parsed, undefined);
  const id = opts.id ?? shape.id;
  if (!idPattern.test(id)) throw new UserError(`\`${id}\` (from ${entryAbs}'s name) is not an asset id; give one with --id (kebab-case).`);
  const contents = await Promise.all(paths.map((p) => fsp.readFile(p)));
  const existing = newestAsset(catalog, id);
  if (existing) {
    if (existing.kind !== shape.kind) throw new UserError(`The library's \`${id}\` is a ${existing.kind}, and ${entryAbs} is a ${shape.kind}; give the new asset another id with --id.`);
    if (!existing.managed || !existing.manifest) {
      if (paths.length > 1 || nodePath.posix.basename(existing.path) !== nodePath.basename(entryAbs))
        throw new UserError(`The library's \`${id}\` is the single file ${existing.path}; propose a file of that name, or a new asset with another --id.`);
      return {
        id,
        kind: existing.kind,
        isNew: false,
        version: existing.version,
        previousVersion: existing.version,
        writes: [{ path: existing.path, data: contents[0], from: entryAbs }],
        assetPath: existing.path,
        summary: `Changes ${existing.path}.`,
      };
    }
    const entry = existing.entry ?? entryName;
    if (nodePath.posix.basename(entry) !== nodePath.basename(entryAbs))
      throw new UserError(`The library's \`${id}\` has the entry file ${entry}, not ${nodePath.basename(entryAbs)}; rename your file to match, or propose a new asset with another --id.`);
    const at = (rel: string) => `${existing.path ? `${existing.path}/` : ''}${rel}`;
    const entryDir = entry.includes('/') ? entry.slice(0, entry.lastIndexOf('/') + 1) : '';
    const version = nextVersion(existing.version, opts.bump, id);
    const manifestText = await fsp.readFile(nodePath.join(catalog.root, ...existing.manifest.split('/')), 'utf8');
    const writes: Write[] = rels.map((rel, i) => ({ path: at(entryDir + rel), data: contents[i], from: paths[i] }));
    writes.push({ path: existing.manifest, data: Buffer.from(bumpedManifest(manifestText, version, existing.manifest)) });
    return { id, kind: existing.kind, isNew: false, version, previousVersion: existing.version, writes, assetPath: existing.path, summary: `Changes ${rels.join(', ')} of ${id} ${existing.version}.` };
  }
  const folder = `${kindFolder(catalog, shape.kind)}/${id}`.replace(/^\//, '');
  const taken = [...catalog.files.keys()].find((f) => f === folder || f.startsWith(folder + '/'));
  if (taken || catalog.listing?.entries.some((e) => e.path === folder || e.path.startsWith(folder + '/')))
    throw new UserError(`The library already has files in ${folder}/ (not an asset \`${id}\`); give the new asset another id with --id.`);
  const manifest = newManifest({
    id,
    kind: shape.kind,
    title: shape.title === shape.id ? titleOf(id) : shape.title,
    description: shape.description,
    tags: shape.tags,
    owners: opts.owners,
    entry: entryName,
  });
  const writes: Write[] = rels.map((rel, i) => ({ path: `${folder}/${rel}`, data: contents[i], from: paths[i] }));
  writes.push({ path: `${folder}/asset.yaml`, data: Buffer.from(manifest) });
  return { id, kind: shape.kind, isNew: true, version: '0.1.0', writes, assetPath: folder, summary: `Adds the ${shape.kind} ${id} (draft) from ${rels.join(', ')}.` };
}

/** `claim-summary` -> `Claim summary`. */
function titleOf(id: string): string {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The files under `dir` (relative, '/'-separated), `.git` left out, links not followed. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await fsp.readdir(nodePath.join(dir, ...rel.split('/').filter(Boolean)), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) out.push(path);
      if (out.length > maxComponentFiles) throw new UserError(`${dir} holds more than ${maxComponentFiles} files; a component that large is not proposed.`);
    }
  };
  await walk('');
  return out;
}

function isText(b: Uint8Array | undefined): boolean {
  return b === undefined || (!looksBinary(b) && decodeUtf8(b) !== undefined);
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/**
 * A locally modified pilot component: the change from the locked version to the pilot's files,
 * replayed onto the library's current version of the asset (git's three-way merge per file;
 * a conflict refuses, naming the file), with the version bumped.
 */
async function planComponentChange(
  place: LockedPlace,
  c: LockedComponent,
  catalog: Catalog,
  ctx: { git: NodeGit; scratch: string; baseCommit: string; prefix: string; env: NodeJS.ProcessEnv; bump: ProposeRequest['bump']; remote: string },
): Promise<Plan> {
  const current = newestAsset(catalog, c.id, c.kind);
  if (!current) throw new UserError(`The library ${redactCredentials(ctx.remote)} no longer has the ${c.kind} \`${c.id}\`; propose the files as a new asset with --id.`);
  const history = gitLibraryHistory(ctx.git, ctx.scratch, { head: ctx.baseCommit, prefix: ctx.prefix });
  let base: Map<string, Uint8Array> | undefined;
  let why: string | undefined;
  try {
    // An install records the commit each component came from.
    const lock = { library: { ...place.lock.library, commit: c.commit ?? place.lock.library.commit } };
    ({ files: base, why } = await findBaseFiles(history, lock, c, catalog));
  } finally {
    history.close();
  }
  if (!base)
    throw new UserError(
      `The version of \`${c.id}\` the ${place.label} locked (${c.version}) cannot be found: ${why}${c.target ? ` (or it was installed for ${c.target} with its front matter converted)` : ''}. Without it the local change cannot be told apart from the library's; make the change in a checkout of the library, or propose the files as a new asset with --id.`,
    );
  const folder = componentFolder(c);
  const managed = c.files.some((f) => /(^|\/)asset\.ya?ml$/.test(f.path));
  const pilotAbs = (rel: string) => nodePath.join(place.dir, ...(folder ? `${folder}/${rel}` : rel).split('/'));
  const lockedRels = c.files.map((f) => relativeToFolder(folder, f.path));
  const localRels = managed ? await listFiles(nodePath.join(place.dir, ...folder.split('/').filter(Boolean))).catch(() => lockedRels) : lockedRels;
  const libRel = (f: string) => (current.managed ? (current.path && f.startsWith(current.path + '/') ? f.slice(current.path.length + 1) : f) : f.slice(f.lastIndexOf('/') + 1));
  const libAt = (rel: string) => (current.managed ? `${current.path ? `${current.path}/` : ''}${rel}` : current.path);
  const libFiles = new Map<string, Uint8Array>();
  for (const f of current.files) libFiles.set(libRel(f), await fsp.readFile(nodePath.join(catalog.root, ...f.split('/'))));
  const merger = new GitFileMerger({ env: ctx.env });
  const writes: Write[] = [];
  const changed: string[] = [];
  /** Files whose change does not apply, with why (absolute local path). */
  const conflicts: { file: string; why: string }[] = [];
  for (const rel of [...new Set([...lockedRels, ...localRels, ...libFiles.keys()])].sort()) {
    const B = base.get(rel);
    const O = await fsp.readFile(pilotAbs(rel)).catch(() => undefined);
    const L = libFiles.get(rel);
    const conflict = (why: string) => conflicts.push({ file: pilotAbs(rel), why });
    if (B !== undefined && O !== undefined && same(B, O)) continue; // not changed locally
    if (B === undefined && O === undefined) continue; // only in the library
    changed.push(rel);
    if (O === undefined) {
      // Deleted locally.
      if (L === undefined) continue;
      if (same(L, B)) writes.push({ path: libAt(rel), data: undefined, from: pilotAbs(rel) });
      else conflict(`deleted locally, changed in the library since ${c.version}`);
    } else if (B === undefined) {
      // New locally.
      if (L === undefined) writes.push({ path: libAt(rel), data: O, from: pilotAbs(rel) });
      else if (!same(L, O)) conflict(`added locally, and the library added a different file of that name since ${c.version}`);
    } else if (L === undefined) conflict(`changed locally, removed from the library since ${c.version}`);
    else if (same(L, B)) writes.push({ path: libAt(rel), data: O, from: pilotAbs(rel) });
    else if (hasConflictMarkers(decodeUtf8(O) ?? '')) conflict('it still holds conflict markers; resolve them first');
    else if (!isText(B) || !isText(O) || !isText(L)) conflict(`a binary file changed both locally and in the library since ${c.version}`);
    else {
      const r = await merger.merge(B, L, O, { ours: `${c.id}@${current.version} (library)`, base: `${c.id}@${c.version} (locked)`, theirs: `${rel} (local)` });
      if (r.conflicts > 0) conflict(`${r.conflicts} local change(s) overlap the library's changes since ${c.version}`);
      else writes.push({ path: libAt(rel), data: r.data, from: pilotAbs(rel) });
    }
  }
  if (conflicts.length) {
    throw new ProposalRefused(
      `The local change to \`${c.id}\` does not apply to the library's ${current.version}:\n${conflicts.map((x) => `  ${x.file}: ${x.why}`).join('\n')}\nUpdate it first (genai-assets update ${place.dir} ${c.id}), resolve the conflicts there, then propose again.`,
      [],
      conflicts.map((x) => x.file),
    );
  }
  if (!changed.length) throw new UserError(`\`${c.id}\` has no local changes in the ${place.label}; edit its files first, or propose another file.`);
  let version = current.version;
  if (current.managed && current.manifest) {
    version = nextVersion(current.version, ctx.bump, c.id);
    const manifestPath = current.manifest;
    const manifestRel = libRel(manifestPath);
    const merged = writes.find((w) => w.path === manifestPath);
    const text = merged?.data ? (decodeUtf8(merged.data) ?? '') : (decodeUtf8(libFiles.get(manifestRel) ?? new Uint8Array()) ?? '');
    const bumped = Buffer.from(bumpedManifest(text, version, manifestPath));
    if (merged) merged.data = bumped;
    else writes.push({ path: manifestPath, data: bumped });
  }
  return {
    id: c.id,
    kind: c.kind,
    isNew: false,
    version,
    previousVersion: current.version,
    writes,
    assetPath: current.path,
    summary: `Replays the change of the ${place.label} to ${changed.join(', ')} (locked at ${c.version}) onto ${current.version}.`,
  };
}

/**
 * The findings the proposal is judged by: those on the proposed asset's files, and those that
 * its change brings elsewhere in the library (an eval suite whose target's inputs changed).
 */
function proposalFindings(before: Catalog, after: Catalog, plan: Plan): Diagnostic[] {
  const asset = after.assets.find((a) => a.id === plan.id && (a.path === plan.assetPath || a.path.startsWith(plan.assetPath + '/')));
  const own = new Set([...(asset?.files ?? []), ...plan.writes.map((w) => w.path)]);
  const key = (d: Diagnostic) => `${d.file}\0${d.code}\0${d.message}`;
  const had = new Set(before.diagnostics.map(key));
  return after.diagnostics.filter((d) => own.has(d.file) || !had.has(key(d))).sort(compareDiagnostics);
}

/** Bytes as text for review (a binary file as a note). */
function shownText(b: Uint8Array): string {
  return isText(b) ? (decodeUtf8(b) ?? '') : `(binary, ${b.length} bytes, sha256 ${sha256Hex(b)})`;
}
