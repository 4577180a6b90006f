// Propose to Library: a prompt or instructions file, or a locally modified pilot component, proposed on a branch of the library
// (src/app/propose.ts prepares and pushes); the user reviews the files and the manifest in a multi-diff editor before anything is pushed.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { lockedComponentAt, pushProposal, prepareProposal } from '../../app/propose';
import type { PreparedProposal, ProposeRequest, PushedProposal } from '../../app/propose';
import { recordedLibrary } from '../../app/pilotLibrary';
import { UserError } from '../../core/errors';
import { assetStemOf } from '../../core/formats/registry';
import { formatOfPath } from '../../core/formats/detect';
import { redactCredentials } from '../../core/library/source';
import type { LibrarySource } from '../../core/library/source';
import { componentFolder } from '../../core/scaffold/lockFile';
import { plural } from '../../core/text/plural';
import { commands } from '../constants';
import type { WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { MultiStepInput } from '../multiStepInput';
import type { PilotComponentNode } from '../views/pilotsTree';
import type { CommandFactory, Services } from './services';

const title = 'Propose to Library';

/** What Propose to Library did (returned to callers and tests). */
export interface ProposeResult {
  /** pushed: the branch is on the library's remote; cancelled: the user stopped (nothing pushed, nothing left behind); refused: see `message`. */
  outcome: 'pushed' | 'cancelled' | 'refused';
  /** The library's name. */
  library?: string;
  branch?: string;
  commit?: string;
  pullRequestUrl?: string;
  /** The library-relative files shown for review. */
  files?: string[];
  message?: string;
}

/** What is proposed: files, or a pilot component (its folder, with the pilot as `cwd`), and the library when it is fixed (a pilot's). */
interface ProposeTarget {
  paths: string[];
  cwd: string;
  /** What the user reads in titles: the file's name or the component's id. */
  name: string;
  /** The pilot's library, for a component; the library an installed file came from. */
  library?: { name: string; spec: string };
  /** The id, fixed for a component. */
  id?: string;
  /** The id used when none is given, shown in the id step. */
  defaultId?: string;
}

/** The library argument of a proposal: a git library's URL (as configured, only ever given to git) or a folder library's path. */
function librarySpec(source: LibrarySource): string {
  return source.kind === 'git' ? source.url : source.path;
}

/** Libraries a proposal can go to: every configured or workspace library that could be read, but the bundled sample. */
function proposableLibraries(services: Services): WindowLibrary[] {
  return services.libraries.libraries.filter((l) => l.source && l.origin !== 'sample');
}

function isComponentNode(arg: unknown): arg is PilotComponentNode {
  return !!arg && typeof arg === 'object' && (arg as { type?: unknown }).type === 'component' && 'pilot' in arg && 'component' in arg;
}

/** A pilot's component as a proposal target: its folder, the pilot as cwd, the pilot's library. */
async function componentTarget(services: Services, dir: string, pilotName: string, id: string): Promise<ProposeTarget> {
  const status = services.pilotService.statusOf(dir) ?? (await services.pilotService.check(dir));
  const pilot = status.pilot;
  if (!pilot) throw new UserError(`${title}: ${status.problem?.replace(/\.$/, '') ?? `${dir} is not a pilot with a lock file`}.`);
  const locked = pilot.lock.components.find((c) => c.id === id);
  if (!locked) throw new UserError(`${title}: \`${id}\` is not installed in ${pilotName} (pilot.lock.json does not list it); there is nothing to propose.`);
  const source = recordedLibrary(pilot);
  if (!source) throw new UserError(`${title}: ${pilotName}'s pilot.yaml names no library (library.url); add it, then propose again.`);
  const folder = componentFolder(locked);
  return {
    paths: [folder ? nodePath.join(dir, ...folder.split('/')) : dir],
    cwd: dir,
    name: id,
    id,
    library: { name: status.library?.name ?? (pilot.manifest.library.name || libraryNameOf(source)), spec: librarySpec(source) },
  };
}

function libraryNameOf(source: LibrarySource): string {
  return source.name ?? (source.kind === 'git' ? redactCredentials(source.display) : nodePath.basename(source.path));
}

/** The files of a menu (the clicked Uri and the explorer's selection), of `{ paths }`, or the active editor's. */
function fileTarget(arg: unknown, selection: unknown): ProposeTarget | undefined {
  let uris: vscode.Uri[] = [];
  if (Array.isArray(selection) && selection.every((u) => u instanceof vscode.Uri) && selection.length) uris = selection;
  else if (arg instanceof vscode.Uri) uris = [arg];
  else if (arg && typeof arg === 'object' && Array.isArray((arg as { paths?: unknown }).paths))
    uris = ((arg as { paths: unknown[] }).paths.filter((p) => typeof p === 'string') as string[]).map((p) => vscode.Uri.file(p));
  else if (vscode.window.activeTextEditor) uris = [vscode.window.activeTextEditor.document.uri];
  if (!uris.length) return undefined;
  const outside = uris.find((u) => u.scheme !== 'file');
  if (outside) throw new UserError(`${title}: ${outside.toString(true)} is not a file on disk; only files of this machine can be proposed.`);
  const paths = uris.map((u) => u.fsPath);
  const first = paths[0];
  const folder = vscode.workspace.getWorkspaceFolder(uris[0]);
  const format = formatOfPath(first.split(nodePath.sep).join('/'));
  return {
    paths,
    cwd: folder?.uri.fsPath ?? nodePath.dirname(first),
    name: paths.length === 1 ? nodePath.basename(first) : plural(paths.length, 'file'),
    defaultId: format ? assetStemOf(format, first.split(nodePath.sep).join('/')) : undefined,
  };
}

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Asks for the library (skipped when there is one) and the id (files only; empty keeps the default); undefined when cancelled. */
async function askLibraryAndId(services: Services, target: ProposeTarget, libraries: WindowLibrary[]): Promise<{ library: WindowLibrary; id?: string } | undefined> {
  const askLibrary = libraries.length > 1;
  const askId = target.id === undefined;
  const total = (askLibrary ? 1 : 0) + (askId ? 1 : 0);
  let library = askLibrary ? undefined : libraries[0];
  let id: string | undefined = target.id;
  const idStep = async (input: MultiStepInput): Promise<void> => {
    const value = await input.showInputBox({
      title: `${title}: ${target.name}`,
      step: total,
      totalSteps: total,
      value: id ?? '',
      prompt: `The asset's id in ${libraryName(library!)} (kebab-case). Leave empty for ${target.defaultId ? `\`${target.defaultId}\` (from the file's name)` : "the id from the file's name"}.`,
      placeholder: target.defaultId ?? 'asset-id',
      validate: (v) => (!v.trim() || kebab.test(v.trim()) ? undefined : `\`${v.trim()}\` is not kebab-case: use lowercase letters and digits separated by single hyphens (e.g. \`claim-summary\`).`),
    });
    id = value.trim() || undefined;
  };
  const libraryStep = async (input: MultiStepInput): Promise<((input: MultiStepInput) => Promise<void>) | void> => {
    const items = libraries.map((l) => ({
      label: `$(library) ${libraryName(l)}`,
      description: l.source?.kind === 'git' ? redactCredentials(l.source.display) : l.source?.kind === 'folder' ? l.source.path : undefined,
      detail: l.origin === 'workspace' ? 'a folder of this workspace' : undefined,
      library: l,
    }));
    const [picked] = await input.showQuickPick({
      title: `${title}: ${target.name}`,
      step: 1,
      totalSteps: total,
      placeholder: 'Which library should receive the proposal?',
      items,
      activeItem: items.find((i) => i.library === library),
      matchOnDescription: true,
    });
    library = picked.library;
    return askId ? idStep : undefined;
  };
  if (!total) return { library: libraries[0], id };
  const done = await MultiStepInput.run(services.prompter, askLibrary ? libraryStep : idStep);
  return done && library ? { library, id } : undefined;
}

/** Saves the target's open documents that have unsaved changes, after asking; false when the user declines. */
async function savedFirst(services: Services, paths: string[]): Promise<boolean> {
  const inside = (file: string): boolean => paths.some((p) => file === p || file.startsWith(p + nodePath.sep));
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && inside(d.uri.fsPath));
  if (!dirty.length) return true;
  const names = dirty.map((d) => nodePath.basename(d.uri.fsPath)).join(', ');
  const choice = await services.prompter.message(
    'warning',
    `${names} ${dirty.length === 1 ? 'has' : 'have'} unsaved changes; a proposal takes the files as saved.`,
    { modal: true },
    'Save and Propose',
  );
  if (choice !== 'Save and Propose') return false;
  for (const d of dirty) if (!(await d.save())) throw new UserError(`${title}: ${d.uri.fsPath} could not be saved; save it, then propose again.`);
  return true;
}

/** Runs `work` under a cancellable progress notification; its AbortSignal fires when the user cancels. */
function withAbortableProgress<T>(text: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string }>) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: text, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    return work(controller.signal, progress).finally(() => sub.dispose());
  });
}

/** Opens the proposal's files, the manifest among them, as before/after diffs in one multi-diff editor (read-only documents). */
async function showForReview(services: Services, p: PreparedProposal, library: string): Promise<void> {
  const encode = (text: string | undefined): Uint8Array | undefined => (text === undefined ? undefined : new TextEncoder().encode(text));
  const label = `${p.id}-${p.version}`;
  const before = services.planned.add(`${label}-before`, new Map(p.files.map((f) => [f.path, encode(f.before)])));
  const after = services.planned.add(`${label}-after`, new Map(p.files.map((f) => [f.path, encode(f.after)])));
  const resources = p.files.map((f) => [after.uri(f.path), f.before === undefined ? undefined : before.uri(f.path), f.after === undefined ? undefined : after.uri(f.path)]);
  await vscode.commands.executeCommand('vscode.changes', `Proposal: ${p.id} ${p.version} to ${library}`, resources);
}

function changeText(p: PreparedProposal): string {
  return p.files.map((f) => `${f.before === undefined ? 'add' : f.after === undefined ? 'delete' : 'change'} ${f.path}`).join('\n');
}

/** Whether `e` is the abort of a cancelled progress (nothing to report). */
function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return !!signal?.aborted || (e instanceof Error && e.name === 'AbortError');
}

/**
 * Propose to Library. Argument: a file Uri (explorer, editor; with the explorer's selection as the
 * second argument), a component row of the Pilots view, or `{ paths }`; else the active editor's file.
 */
export const proposeToLibrary: CommandFactory = (services) => async (arg?: unknown, selection?: unknown) => {
  const refused = (message: string): ProposeResult => {
    services.log.warn(message);
    // A refusal with findings or conflicts is several lines: the first says what, the rest where and what to do.
    const [first, ...rest] = message.split('\n');
    if (rest.length) void services.prompter.message('error', first, { modal: true, detail: rest.join('\n') });
    else void services.prompter.message('error', message, {}, 'Show Log').then((c) => c && services.log.show());
    return { outcome: 'refused', message };
  };
  if (!vscode.workspace.isTrusted) {
    const message = `${title} runs git on your files and pushes a branch; it is off in Restricted Mode. Trust this workspace (Manage Workspace Trust), then propose again.`;
    void services.prompter.message('error', message, {}, 'Manage Workspace Trust').then((c) => c && vscode.commands.executeCommand('workbench.trust.manage'));
    return { outcome: 'refused', message } satisfies ProposeResult;
  }
  let target: ProposeTarget | undefined;
  try {
    if (isComponentNode(arg)) target = await componentTarget(services, arg.pilot.folder.fsPath, arg.pilot.name, arg.component.id);
    else {
      target = fileTarget(arg, selection);
      // A file of a pilot's component, or one an install wrote, proposes that asset's change to the library it came from.
      const locked = target && (await lockedComponentAt(target.paths[0]));
      if (locked?.place.kind === 'pilot') target = await componentTarget(services, locked.place.dir, locked.place.name, locked.component.id);
      else if (locked?.place.library && target?.paths.length === 1) {
        const source = locked.place.library;
        target = {
          ...target,
          cwd: locked.place.dir,
          name: locked.component.id,
          id: locked.component.id,
          library: { name: locked.place.lock.library.name || libraryNameOf(source), spec: librarySpec(source) },
        };
      }
    }
  } catch (e) {
    if (e instanceof UserError) return refused(e.message);
    throw e;
  }
  if (!target) return refused(`${title}: open a prompt or instructions file, or choose one in the Explorer, then run the command again.`);

  let library: { name: string; spec: string; window?: WindowLibrary };
  let id = target.id;
  if (target.library) {
    library = target.library;
  } else {
    await services.libraries.ensureLoaded();
    const libraries = proposableLibraries(services);
    if (!libraries.length) {
      const message = `${title}: no library is configured to propose to (the sample library is read-only). Add your team's library with Add Library..., then propose again.`;
      void services.prompter.message('info', message, {}, 'Add Library...').then((c) => c && vscode.commands.executeCommand(commands.addLibrary));
      return { outcome: 'refused', message } satisfies ProposeResult;
    }
    const answer = await askLibraryAndId(services, target, libraries);
    if (!answer) return { outcome: 'cancelled' } satisfies ProposeResult;
    library = { name: libraryName(answer.library), spec: librarySpec(answer.library.source!), window: answer.library };
    id = answer.id;
  }
  if (!(await savedFirst(services, target.paths))) return { outcome: 'cancelled' } satisfies ProposeResult;

  const request: ProposeRequest = { paths: target.paths, library: library.spec, cwd: target.cwd, cacheDir: services.libraries.cacheDir, ...(id ? { id } : {}) };
  let prepared: PreparedProposal;
  let signal: AbortSignal | undefined;
  try {
    prepared = await withAbortableProgress(`Preparing the proposal of ${target.name} to ${library.name}`, (s, progress) => {
      signal = s;
      progress.report({ message: 'cloning the library, writing and validating...' });
      return prepareProposal({ ...request, signal: s });
    });
  } catch (e) {
    if (isAbort(e, signal)) return { outcome: 'cancelled' } satisfies ProposeResult;
    if (e instanceof UserError) return refused(`${title}: ${e.message}`);
    throw e;
  }

  const files = prepared.files.map((f) => f.path);
  let pushed: PushedProposal;
  try {
    services.log.info(`Prepared ${prepared.branch} (${prepared.commit.slice(0, 12)}) for ${library.name}: ${files.join(', ')}.`);
    await showForReview(services, prepared, library.name);
    const warnings = prepared.findings.length
      ? `\n\nThe library's checks report ${plural(prepared.findings.length, 'finding')} (not errors):\n${prepared.findings.map((d) => `${d.file}:${d.range.start.line + 1}: ${d.severity} ${d.message} [${d.code}]`).join('\n')}`
      : '';
    const what = `${prepared.isNew ? 'new' : `${prepared.previousVersion ?? 'previous'} →`} ${prepared.kind} ${prepared.id} ${prepared.version}`;
    const choice = await services.prompter.message(
      'info',
      `Push branch ${prepared.branch} to ${library.name}?`,
      {
        modal: true,
        detail: `Proposes ${what} (commit ${prepared.commit.slice(0, 12)}):\n${changeText(prepared)}${warnings}\n\nOnly this branch is pushed; ${library.name}'s main branch is not changed.`,
      },
      'Push',
    );
    if (choice !== 'Push') {
      services.log.info(`Proposal ${prepared.branch} not pushed (cancelled at review).`);
      return { outcome: 'cancelled', library: library.name, files } satisfies ProposeResult;
    }
    signal = undefined;
    pushed = await withAbortableProgress(`Pushing ${prepared.branch} to ${library.name}`, (s) => {
      signal = s;
      return pushProposal(prepared, s);
    });
  } catch (e) {
    if (isAbort(e, signal)) return { outcome: 'cancelled', library: library.name, files } satisfies ProposeResult;
    if (e instanceof UserError) return refused(`${title}: ${e.message}`);
    throw e;
  } finally {
    await prepared.dispose();
  }
  services.log.info(`Pushed ${pushed.branch} (${pushed.commit}) to ${library.name}${pushed.pullRequestUrl ? `; pull request: ${pushed.pullRequestUrl}` : ''}.`);
  const url = pushed.pullRequestUrl;
  void services.prompter
    .message(
      'info',
      `Pushed branch ${pushed.branch} to ${library.name}.${url ? ' Open the pull request to have it reviewed.' : ' Open a pull request (merge request) from it on the library’s host to have it reviewed.'}`,
      {},
      ...(url ? ['Open Pull Request'] : []),
    )
    .then((c) => {
      if (c === 'Open Pull Request' && url) void vscode.env.openExternal(vscode.Uri.parse(url));
    });
  return { outcome: 'pushed', library: library.name, branch: pushed.branch, commit: pushed.commit, pullRequestUrl: url, files } satisfies ProposeResult;
};
