// Pilot commands: Verify Pilot, Update Pilot Components (diff per file before applying), Add Component, Add to Pilot, Open in Library.

import * as nodePath from 'node:path';
import * as semver from 'semver';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { newest, referenceTo } from '../../core/library/references';
import type { Asset, Catalog } from '../../core/library/types';
import type { FileAction, UpdatePlan } from '../../core/pilot/update';
import type { SelectedComponent } from '../../core/scaffold/plan';
import { plural } from '../../core/text/plural';
import { commands } from '../constants';
import type { WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { MultiStepInput } from '../multiStepInput';
import type { ComponentStatus, PilotStatus } from '../pilotService';
import { kindIcon } from '../views/catalogTree';
import type { PilotComponentNode, PilotInfo } from '../views/pilotsTree';
import { componentDescription } from '../views/treeText';
import { assetArgument } from './search';
import type { CommandFactory, Services } from './services';
import { showError } from './services';

/** What a pilot command acts on: a pilot folder, and optionally some of its components. */
export interface PilotTarget {
  dir: string;
  name: string;
  /** Components named by the caller (a component row, a code action). */
  ids?: string[];
}

function isTreeNode(arg: unknown): arg is PilotInfo | PilotComponentNode {
  return !!arg && typeof arg === 'object' && 'type' in arg && ((arg as { type: unknown }).type === 'pilot' || (arg as { type: unknown }).type === 'component');
}

/** A pick of one item in a one-step flow (tests answer it like any other prompt). */
export async function pickOne<T extends vscode.QuickPickItem>(services: Services, title: string, placeholder: string, items: readonly T[]): Promise<T | undefined> {
  let chosen: T | undefined;
  await MultiStepInput.run(services.prompter, async (input) => {
    [chosen] = await input.showQuickPick({ title, placeholder, items, matchOnDescription: true });
  });
  return chosen;
}

/**
 * The pilot a command acts on: a Pilots view row, a folder (Uri or path; a pilot.yaml Uri
 * names its folder), `{ dir, ids }` from code actions and tests, else the only pilot of the
 * workspace or the one the user picks.
 */
export async function pilotArgument(services: Services, arg: unknown, title: string): Promise<PilotTarget | undefined> {
  if (isTreeNode(arg)) {
    if (arg.type === 'pilot') return { dir: arg.folder.fsPath, name: arg.name };
    return { dir: arg.pilot.folder.fsPath, name: arg.pilot.name, ids: [arg.component.id] };
  }
  const named = (dir: string, ids?: string[]): PilotTarget => ({ dir, name: services.pilots.pilotAt(dir)?.name ?? nodePath.basename(dir), ids });
  if (arg instanceof vscode.Uri) return named(/pilot\.ya?ml$/.test(arg.fsPath) ? nodePath.dirname(arg.fsPath) : arg.fsPath);
  if (typeof arg === 'string' && arg) return named(nodePath.resolve(arg));
  if (arg && typeof arg === 'object' && 'dir' in arg && typeof (arg as { dir: unknown }).dir === 'string') {
    const o = arg as { dir: string; ids?: unknown };
    return named(o.dir, Array.isArray(o.ids) ? o.ids.filter((x): x is string => typeof x === 'string') : undefined);
  }
  await services.pilots.ensureScanned();
  const all = services.pilots.all;
  if (!all.length) {
    const choice = await services.prompter.message('info', `${title}: there is no pilot (a folder with a pilot.yaml) in this workspace.`, {}, 'New Pilot...');
    if (choice) void vscode.commands.executeCommand(commands.newPilot);
    return undefined;
  }
  if (all.length === 1) return { dir: all[0].folder.fsPath, name: all[0].name };
  const picked = await pickOne(
    services,
    title,
    'Which pilot?',
    all.map((p) => ({ label: `$(rocket) ${p.name}`, description: vscode.workspace.asRelativePath(p.folder), pilot: p })),
  );
  return picked && { dir: picked.pilot.folder.fsPath, name: picked.pilot.name };
}

/** The pilot's last check, or a fresh one. */
async function statusFor(services: Services, target: PilotTarget): Promise<PilotStatus> {
  return services.pilotService.statusOf(target.dir) ?? services.pilotService.check(target.dir);
}

export interface VerifyResult {
  errors: number;
  warnings: number;
  infos: number;
  problem?: string;
}

export const verifyPilot: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await pilotArgument(services, arg, 'Verify Pilot');
  if (!target) return undefined;
  const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Verifying ${target.name}` }, () => services.pilotService.verify(target.dir));
  const result: VerifyResult = { errors: 0, warnings: 0, infos: 0 };
  for (const d of services.diagnostics.adjusted(status.diagnostics, vscode.Uri.file(target.dir))) {
    if (d.severity === 'error') result.errors++;
    else if (d.severity === 'warning') result.warnings++;
    else result.infos++;
  }
  if (status.problem) {
    result.problem = status.problem;
    showError(services, `Verify Pilot ${target.name}: ${status.problem}`);
    return result;
  }
  const total = result.errors + result.warnings + result.infos;
  const text = total
    ? `Pilot ${target.name}: ${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'}, ${result.infos} info${result.infos === 1 ? '' : 's'} (in the Problems panel).`
    : `Pilot ${target.name} matches its lock and its library: nothing to report.`;
  services.log.info(text);
  void services.prompter.message(result.errors ? 'warning' : 'info', text, {}, ...(total ? ['Show Problems'] : [])).then((c) => c && vscode.commands.executeCommand('workbench.actions.view.problems'));
  return result;
};

const actionText: Record<FileAction | 'rewritten', string> = {
  unchanged: 'unchanged',
  replaced: 'updated',
  merged: 'merged: local edits kept',
  conflict: 'CONFLICT: markers to resolve',
  added: 'added',
  removed: 'removed',
  'kept-local': 'kept: edited locally, unchanged upstream',
  'kept-removed-upstream': 'kept: removed upstream, edited locally',
  restored: 'restored from the library',
  'kept-deleted': 'left deleted',
  rewritten: 'rewritten',
};

export interface FileRow {
  path: string;
  action: FileAction | 'rewritten';
  before?: Uint8Array;
  after?: Uint8Array;
  note?: string;
  component?: string;
}

/** Every file an update writes or removes, with what happens to it. */
export function changedFiles(plan: UpdatePlan, current: Map<string, Uint8Array | undefined>): FileRow[] {
  const rows = new Map<string, FileRow>();
  for (const c of plan.components) {
    for (const f of c.files) {
      if (f.action === 'unchanged' || f.action === 'kept-local' || f.action === 'kept-deleted') continue;
      rows.set(f.path, {
        path: f.path,
        action: f.action,
        before: f.before,
        after: f.after,
        note: f.note ?? (f.conflicts && f.conflicts > 1 ? `${f.conflicts} conflicts` : undefined),
        component: `${c.id} ${c.from} → ${c.to}`,
      });
    }
  }
  for (const w of plan.writes) if (!rows.has(w.path)) rows.set(w.path, { path: w.path, action: current.get(w.path) ? 'rewritten' : 'added', before: current.get(w.path), after: w.data });
  for (const r of plan.removes) if (!rows.has(r)) rows.set(r, { path: r, action: 'removed', before: current.get(r) });
  return [...rows.values()].sort((a, b) => a.path.localeCompare(b.path));
}

interface ComponentItem extends vscode.QuickPickItem {
  component: ComponentStatus;
}
interface FileItem extends vscode.QuickPickItem {
  row?: FileRow;
  apply?: boolean;
}

export function newer(c: ComponentStatus): string | undefined {
  if (c.wanted && c.version && semver.valid(c.version) && semver.gt(c.wanted, c.version)) return c.wanted;
  return undefined;
}

export interface UpdateResult {
  updated: string[];
  written: string[];
  removed: string[];
  conflicts: string[];
  skipped: { id: string; reason: string }[];
}

/**
 * The last step of an update: every file it writes or removes, each opening as a diff (now ↔ after
 * the update) when chosen, and "Apply these changes..." (which calls `onApply`). For pilots and
 * installed assets alike; `dir` is the folder the paths are relative to.
 */
export function reviewFilesStep(services: Services, title: string, dir: string, rows: () => readonly FileRow[], onApply: () => void): (input: MultiStepInput) => Promise<void> {
  const planned = services.planned;
  const open = async (row: FileRow): Promise<void> => {
    const after = planned.add('after', new Map([[row.path, row.after]]));
    const before = planned.add('before', new Map([[row.path, undefined]]));
    const left = row.before !== undefined ? vscode.Uri.file(nodePath.join(dir, ...row.path.split('/'))) : before.uri(row.path);
    await vscode.commands.executeCommand('vscode.diff', left, after.uri(row.path), `${nodePath.posix.basename(row.path)} (now ↔ after the update)`, { preview: true, preserveFocus: true });
  };
  return async (input: MultiStepInput): Promise<void> => {
    const items: FileItem[] = [
      { label: '$(check) Apply these changes...', description: `${rows().length} file${rows().length === 1 ? '' : 's'}`, apply: true, alwaysShow: true },
      { label: 'Files (choose one to see its diff)', kind: vscode.QuickPickItemKind.Separator },
      ...rows().map((row) => ({ label: row.path, description: actionText[row.action], detail: [row.component, row.note].filter(Boolean).join(' · ') || undefined, row })),
    ];
    for (;;) {
      const [item] = await input.showQuickPick({ title, step: 2, totalSteps: 2, items, placeholder: 'Choose a file to see what changes, or apply', matchOnDescription: true });
      if (item.apply) {
        onApply();
        return;
      }
      if (item.row) await open(item.row);
    }
  };
}

/**
 * Update Pilot Components: pick the components (outdated ones preselected), see every file
 * the update writes (each opens as a diff against the planned content), then apply on
 * confirmation. Files with conflict markers are named and opened.
 */
export const updatePilot: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await pilotArgument(services, arg, 'Update Pilot Components');
  if (!target) return undefined;
  const status = await statusFor(services, target);
  if (!status.pilot) {
    showError(services, `Update Pilot Components: ${status.problem ?? `${target.dir} is not a pilot.`}`);
    return undefined;
  }
  const installed = status.components.filter((c) => c.standing !== 'not installed');
  if (!installed.length) {
    void services.prompter.message('info', `Pilot ${target.name} has no installed component to update.`, {});
    return undefined;
  }
  const title = `Update Pilot Components: ${target.name}`;
  let plan: UpdatePlan | undefined;
  let rows: FileRow[] = [];
  let apply = false;
  const pickFiles = reviewFilesStep(
    services,
    title,
    target.dir,
    () => rows,
    () => (apply = true),
  );
  const pickComponents = async (input: MultiStepInput) => {
    const preselected = new Set(target.ids ?? installed.filter((c) => c.outdated && newer(c)).map((c) => c.id));
    const items: ComponentItem[] = installed.map((c) => {
      const to = newer(c);
      return {
        label: `$(${c.kind ? kindIcon(c.kind) : 'circle-outline'}) ${c.id}`,
        description: to ? `${c.version} → ${to}` : componentDescription(c),
        detail: to
          ? componentDescription(c)
          : c.latest && c.version && semver.valid(c.version) && semver.gt(c.latest, c.version)
            ? `${c.latest} is outside ${c.reference ?? 'the range'}: change the range in pilot.yaml first (quick fix)`
            : undefined,
        picked: preselected.has(c.id),
        component: c,
      };
    });
    await input.showQuickPick({
      title,
      step: 1,
      totalSteps: 2,
      items,
      canSelectMany: true,
      placeholder: 'Components to move to their wanted version (newest allowed within the range in pilot.yaml)',
      validate: async (selected) => {
        if (!selected.length) return 'Choose at least one component.';
        const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning the update of ${target.name}...` }, () =>
          services.pilotService.planUpdate(
            target.dir,
            selected.map((s) => s.component.id),
          ),
        );
        plan = r.plan;
        if (!plan.writes.length && !plan.removes.length) {
          return plan.skipped.length ? plan.skipped.map((s) => `${s.id}: ${s.reason}`).join('; ') : 'Nothing to update: the chosen components are at their wanted versions.';
        }
        const current = new Map<string, Uint8Array | undefined>();
        for (const c of plan.components) for (const f of c.files) current.set(f.path, f.before);
        const read = async (p: string) => {
          try {
            return await vscode.workspace.fs.readFile(vscode.Uri.file(nodePath.join(target.dir, ...p.split('/'))));
          } catch {
            return undefined;
          }
        };
        for (const p of [...plan.writes.map((w) => w.path), ...plan.removes]) if (!current.has(p)) current.set(p, await read(p));
        rows = changedFiles(plan, current);
        return undefined;
      },
    });
    return pickFiles;
  };
  const done = await MultiStepInput.run(services.prompter, pickComponents);
  if (!done || !apply || !plan) return undefined;
  const p: UpdatePlan = plan;
  const moves = p.components.map((c) => `${c.id} ${c.from} → ${c.to}`).join(', ');
  const detail = [
    `${p.writes.length} file${p.writes.length === 1 ? '' : 's'} written, ${p.removes.length} removed; pilot.lock.json is rewritten.`,
    p.conflicts.length ? `${p.conflicts.length} file${p.conflicts.length === 1 ? '' : 's'} will have conflict markers to resolve: ${p.conflicts.join(', ')}.` : '',
    ...p.skipped.map((s) => `${s.id} is not updated: ${s.reason}.`),
    ...p.notes,
  ]
    .filter(Boolean)
    .join('\n');
  const ok = await services.prompter.message('warning', `Update ${moves} in ${target.name}?`, { modal: true, detail }, 'Update');
  if (ok !== 'Update') return undefined;
  await services.pilotService.applyChanges(target.dir, p);
  await services.pilotService.check(target.dir, { fresh: true });
  const result: UpdateResult = { updated: p.components.map((c) => c.id), written: p.writes.map((w) => w.path), removed: p.removes, conflicts: p.conflicts, skipped: p.skipped };
  services.log.info(`Updated ${moves} in ${target.dir}; ${plural(p.writes.length, 'file')} written, ${p.removes.length} removed, ${p.conflicts.length} with conflicts.`);
  if (p.conflicts.length) {
    for (const c of p.conflicts) await vscode.window.showTextDocument(vscode.Uri.file(nodePath.join(target.dir, ...c.split('/'))), { preview: false, preserveFocus: true });
    void services.prompter.message(
      'warning',
      `Updated ${moves}. ${p.conflicts.length} file${p.conflicts.length === 1 ? ' has' : 's have'} conflict markers (<<<<<<<) to resolve: ${p.conflicts.join(', ')}. Resolve them, then run Verify Pilot.`,
      {},
    );
  } else {
    void services.prompter.message('info', `Updated ${moves} in ${target.name}.`, {});
  }
  return result;
};

interface AddItem extends vscode.QuickPickItem {
  asset: Asset;
}

/** Components a pilot can add: the newest allowed version of each prompt, eval suite and module it does not have. */
function addableAssets(catalog: Catalog, have: ReadonlySet<string>): Asset[] {
  const allowed = catalog.library.policy.scaffoldStatuses;
  const byId = new Map<string, Asset[]>();
  for (const a of catalog.assets) {
    if (a.kind === 'template' || have.has(a.id) || !allowed.includes(a.status) || !semver.valid(a.version)) continue;
    byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
  }
  return [...byId.values()].map((list) => newest(list)!).sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

function reasonText(c: SelectedComponent): string {
  if (c.reason === 'dependency') return ` (dependency${c.via ? ` of ${c.via}` : ''})`;
  if (c.reason === 'eval') return ` (eval suite of ${c.via})`;
  return '';
}

/** Plans adding `refs`, asks for confirmation (listing dependencies), writes, and checks the pilot again. */
async function addToPilotDir(services: Services, target: PilotTarget, refs: string[]): Promise<{ added: string[] } | undefined> {
  const { plan } = await services.pilotService.planAdd(target.dir, refs);
  const list = plan.added.map((c) => `${c.asset.id} ${c.asset.version}${reasonText(c)} → ${plan.folders.get(c.asset.id)}/`);
  const ok = await services.prompter.message(
    'info',
    `Add ${plan.added.length} component${plan.added.length === 1 ? '' : 's'} to ${target.name}?`,
    { modal: true, detail: [...list, ...plan.notes].join('\n') },
    'Add',
  );
  if (ok !== 'Add') return undefined;
  await services.pilotService.applyChanges(target.dir, plan);
  await services.pilotService.check(target.dir, { fresh: true });
  services.log.info(`Added ${plan.added.map((c) => `${c.asset.id} ${c.asset.version}`).join(', ')} to ${target.dir}.`);
  void services.prompter.message('info', `Added to ${target.name}: ${plan.added.map((c) => `${c.asset.id} ${c.asset.version}${reasonText(c)}`).join(', ')}.`, {});
  return { added: plan.added.map((c) => c.asset.id) };
}

/** Add Component to Pilot: the library's allowed components that the pilot lacks, several at once. */
export const addComponent: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await pilotArgument(services, arg, 'Add Component to Pilot');
  if (!target) return undefined;
  const status = await statusFor(services, target);
  if (!status.pilot || !status.library) {
    showError(services, `Add Component to Pilot: ${status.problem ?? `${target.dir} is not a pilot.`}`);
    return undefined;
  }
  const have = new Set(status.components.map((c) => c.id));
  const assets = addableAssets(status.library.catalog, have);
  if (!assets.length) {
    void services.prompter.message('info', `The library ${status.library.name} has no allowed component that ${target.name} does not have already.`, {});
    return undefined;
  }
  let picked: readonly AddItem[] = [];
  const done = await MultiStepInput.run(services.prompter, async (input) => {
    picked = await input.showQuickPick({
      title: `Add Component to Pilot: ${target.name}`,
      items: assets.map((a) => ({ label: `$(${kindIcon(a.kind)}) ${a.id}`, description: `${a.version} · ${a.kind} · ${a.title}`, detail: a.description || undefined, asset: a })),
      canSelectMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
      placeholder: `Allowed components of ${status.library!.name} (their dependencies come along)`,
      validate: (s) => (s.length ? undefined : 'Choose at least one component.'),
    });
  });
  if (!done || !picked.length) return undefined;
  return addToPilotDir(
    services,
    target,
    picked.map((p) => referenceTo(p.asset)),
  );
};

/** The Catalog's Add to Pilot: adds the asset (with its dependencies) to a pilot of the workspace that uses its library. */
export const addToPilot: CommandFactory = (services) => async (arg?: unknown) => {
  let target: { asset: Asset; library: WindowLibrary } | undefined;
  if (arg !== undefined && arg !== null) target = await assetArgument(services, arg, 'Add to Pilot');
  if (!target) {
    await services.libraries.ensureLoaded();
    const items = services.libraries.libraries.flatMap((library) =>
      (library.catalog?.assets ?? [])
        .filter((a) => a.kind !== 'template')
        .map((asset) => ({ label: `$(${kindIcon(asset.kind)}) ${asset.id}`, description: `${asset.version} · ${asset.status} · ${libraryName(library)}`, asset, library })),
    );
    const picked = await pickOne(services, 'Add to Pilot', 'Which component?', items);
    if (!picked) return undefined;
    target = { asset: picked.asset, library: picked.library };
  }
  const { asset, library } = target;
  if (asset.kind === 'template') throw new UserError(`${asset.id} is a template, not a component; start a pilot from it with "New Pilot from Approved Components...".`);
  await services.pilots.ensureScanned();
  const name = libraryName(library);
  const pilots = services.pilots.all.filter((p) => (services.pilots.statusOf(p)?.library?.name ?? p.library) === name);
  if (!pilots.length) {
    const choice = await services.prompter.message('info', `No pilot of this workspace is built from the library ${name}.`, {}, 'New Pilot...');
    if (choice) void vscode.commands.executeCommand(commands.newPilot);
    return undefined;
  }
  let pilot: PilotInfo | undefined = pilots[0];
  if (pilots.length > 1) {
    const picked = await pickOne(
      services,
      `Add ${asset.id} to Pilot`,
      'Which pilot?',
      pilots.map((p) => ({ label: `$(rocket) ${p.name}`, description: vscode.workspace.asRelativePath(p.folder), pilot: p })),
    );
    pilot = picked?.pilot;
  }
  if (!pilot) return undefined;
  if (services.pilots.statusOf(pilot)?.components.some((c) => c.id === asset.id)) {
    void services.prompter.message('info', `${pilot.name} already has ${asset.id}; use Update Pilot Components to move it to another version.`, {});
    return undefined;
  }
  return addToPilotDir(services, { dir: pilot.folder.fsPath, name: pilot.name }, [referenceTo(asset)]);
};

/** Open in Library: a component's (or a pilot's template's) manifest in the library it comes from. */
export const openInLibrary: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await pilotArgument(services, arg, 'Open in Library');
  if (!target) return undefined;
  const status = await statusFor(services, target);
  const lib = status.library;
  if (!lib) {
    showError(services, `Open in Library: ${status.problem ?? 'the library of this pilot is not available.'}`);
    return undefined;
  }
  let asset: Asset | undefined;
  const id = target.ids?.[0];
  if (id) asset = status.components.find((c) => c.id === id)?.asset;
  else if (status.pilot) {
    const t = status.pilot.lock.template;
    const templates = lib.catalog.assets.filter((a) => a.id === t.id && a.kind === 'template');
    asset = templates.find((a) => a.version === t.version) ?? newest(templates);
  }
  if (!asset) {
    showError(services, `Open in Library: the library ${lib.name} has no ${id ? `\`${id}\`` : 'template of this pilot'} any more.`);
    return undefined;
  }
  if (lib.loaded) return vscode.commands.executeCommand<string | undefined>(commands.revealInLibrary, { asset, library: lib.loaded });
  const file = asset.manifest ?? asset.entryFile ?? asset.files[0];
  const uri = vscode.Uri.file(nodePath.join(lib.root, ...file.split('/')));
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri.toString();
};

/** What Compare with Library returns: the diffs it opened (left ↔ right), for tests. */
export interface CompareResult {
  file: string;
  against: 'locked' | 'newest';
  version: string;
}

/**
 * Compare with Library: a locally edited file of a component against the library's copy as
 * locked (what the pilot started from) or at the newest version (what Update would merge in).
 * Argument: a component row of the Pilots view, or `{ dir, ids: [id], file? }` from a code action.
 */
export const compareWithLibrary: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await pilotArgument(services, arg, 'Compare with Library');
  if (!target) return undefined;
  const status = await statusFor(services, target);
  let id = target.ids?.[0];
  const file = arg && typeof arg === 'object' && 'file' in arg && typeof (arg as { file: unknown }).file === 'string' ? (arg as { file: string }).file : undefined;
  if (!id && file) id = status.components.find((c) => c.files.includes(file))?.id;
  const edited = status.components.filter((c) => c.modifiedFiles.length && (!id || c.id === id));
  if (!id) {
    const picked =
      edited.length > 1
        ? await pickOne(
            services,
            'Compare with Library',
            'Which component?',
            edited.map((c) => ({ label: c.id, description: plural(c.modifiedFiles.length, 'edited file'), c })),
          )
        : { c: edited[0] };
    id = picked?.c?.id;
    if (!id) {
      if (!edited.length) void services.prompter.message('info', `No component of ${target.name} has local edits.`, {});
      return undefined;
    }
  }
  const component = status.components.find((c) => c.id === id);
  const files = component?.modifiedFiles ?? [];
  let path = file && files.includes(file) ? file : files.length === 1 ? files[0] : undefined;
  if (!path && files.length > 1)
    path = (
      await pickOne(
        services,
        `Compare ${id} with Library`,
        'Which file?',
        files.map((f) => ({ label: f })),
      )
    )?.label;
  if (!path) {
    if (!files.length) void services.prompter.message('info', `\`${id}\` has no local edits in ${target.name}.`, {});
    return undefined;
  }
  const copies = await services.pilotService.libraryCopies(target.dir, id, path);
  const choices: { label: string; description: string; against: CompareResult['against']; version: string; bytes: Uint8Array }[] = [];
  if (copies.locked) choices.push({ label: `Against ${copies.locked.version} as locked`, description: 'your edits', against: 'locked', version: copies.locked.version, bytes: copies.locked.bytes });
  if (copies.newest)
    choices.push({ label: `Against the newest, ${copies.newest.version}`, description: 'what Update would merge in', against: 'newest', version: copies.newest.version, bytes: copies.newest.bytes });
  if (!choices.length) {
    showError(services, `Compare with Library: ${copies.why ?? 'the library cannot give this file'}.`);
    return undefined;
  }
  const choice = choices.length > 1 ? await pickOne(services, `Compare ${path} with Library`, `Compare with which version of ${id}?`, choices) : choices[0];
  if (!choice) return undefined;
  const set = services.planned.add(`${id}-${choice.version}`, new Map([[path, choice.bytes]]));
  const local = vscode.Uri.file(nodePath.join(target.dir, ...path.split('/')));
  await vscode.commands.executeCommand('vscode.diff', set.uri(path), local, `${nodePath.posix.basename(path)} (${id} ${choice.version} ↔ this pilot)`, { preview: true });
  const result: CompareResult = { file: path, against: choice.against, version: choice.version };
  return result;
};

/** Show Outdated: the pilot's components with their locked, wanted and newest versions (as `genai-assets outdated`); picking one updates it. */
export const showOutdated: CommandFactory = (services) => async (arg?: unknown) => {
  const target = await pilotArgument(services, arg, 'Show Outdated');
  if (!target) return undefined;
  const status = await statusFor(services, target);
  if (status.problem) {
    showError(services, `Show Outdated: ${status.problem}`);
    return undefined;
  }
  const rows = status.components.filter((c) => c.outdated || c.deprecated || c.notAllowed);
  if (!rows.length) {
    void services.prompter.message('info', `Every component of ${target.name} is up to date.`, {});
    return [];
  }
  const picked = await pickOne(
    services,
    `Outdated in ${target.name}`,
    'Pick a component to update it (within its range in pilot.yaml)',
    rows.map((c) => ({
      label: `$(${kindIcon(c.kind ?? 'module')}) ${c.id}`,
      description: [`${c.version ?? '—'}`, c.wanted && c.wanted !== c.version ? `→ ${c.wanted}` : undefined, c.latest && c.latest !== c.wanted ? `(newest ${c.latest})` : undefined]
        .filter(Boolean)
        .join(' '),
      detail: [c.standing, c.modifiedFiles.length ? plural(c.modifiedFiles.length, 'local edit') : undefined].filter(Boolean).join(' · '),
      c,
    })),
  );
  if (picked) await vscode.commands.executeCommand(commands.updatePilot, { dir: target.dir, ids: [picked.c.id] });
  return rows.map((c) => ({ id: c.id, version: c.version, wanted: c.wanted, latest: c.latest }));
};
