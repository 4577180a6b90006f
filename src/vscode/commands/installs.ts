// Installs in VS Code: Install into Workspace (the tools chosen once per workspace), Change Install Tools, Update Installed Assets (a diff per file before applying).

import * as nodePath from 'node:path';
import * as semver from 'semver';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { InstallPlan, InstallUpdatePlan } from '../../core/install/installs';
import { installableFormats, installTargets } from '../../core/install/targets';
import type { InstallTarget } from '../../core/install/targets';
import { newest, referenceTo } from '../../core/library/references';
import type { Asset } from '../../core/library/types';
import { installLockFileName } from '../../core/scaffold/lockFile';
import { pilotFileName } from '../../core/scaffold/pilotFile';
import { ScaffoldError } from '../../core/scaffold/plan';
import { plural } from '../../core/text/plural';
import type { WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { MultiStepInput } from '../multiStepInput';
import type { ComponentStatus } from '../pilotService';
import { kindIcon } from '../views/catalogTree';
import type { InstallsInfo, PilotTreeNode } from '../views/pilotsTree';
import { installedDescription } from '../views/treeText';
import { installDetail, installUpdateRows, rememberedTargets, targetLabels, targetsText } from './installText';
import type { InstallUpdateRow } from './installText';
import { newer, pickOne, reviewFilesStep } from './pilots';
import { assetArgument } from './search';
import type { CommandFactory, Services } from './services';
import { showError } from './services';

/** Workspace state: the tools Install into Workspace installs for. */
const targetsKey = 'genaiAssets.installTargets';

const changeTools = 'Change Tools...';

/** What Install into Workspace returns (for tests): the folder, the tools, what was written and converted. */
export interface InstallIntoResult {
  dir: string;
  targets: InstallTarget[];
  installed: { id: string; version: string; target: InstallTarget; paths: string[] }[];
  written: string[];
  converted: string[];
}

/** Install into Workspace writes files: not in Restricted Mode. */
function refuseUntrusted(services: Services, title: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void services.prompter.message('warning', `${title} writes into the workspace, which is in Restricted Mode. Trust the workspace (Manage Workspace Trust), then try again.`, {});
  return true;
}

/** The multi-select pick of the tools (the remembered ones, else Copilot, preselected); remembered for the workspace. */
async function chooseTargets(services: Services, current: readonly InstallTarget[] | undefined): Promise<InstallTarget[] | undefined> {
  const pre = new Set<InstallTarget>(current ?? ['copilot']);
  let picked: readonly (vscode.QuickPickItem & { target: InstallTarget })[] = [];
  const done = await MultiStepInput.run(services.prompter, async (input) => {
    picked = await input.showQuickPick({
      title: 'Install into Workspace: the tools of this workspace',
      placeholder: 'Which coding tools read the assets installed here? (remembered for this workspace)',
      items: installTargets.map((target) => ({ label: targetLabels[target].label, description: target, detail: targetLabels[target].where, picked: pre.has(target), target })),
      canSelectMany: true,
      validate: (s) => (s.length ? undefined : 'Choose at least one tool.'),
    });
  });
  if (!done || !picked.length) return undefined;
  const targets = installTargets.filter((t) => picked.some((p) => p.target === t));
  await services.context.workspaceState.update(targetsKey, targets);
  return targets;
}

/** The tools remembered for this workspace. */
export function rememberedInstallTargets(services: Services): InstallTarget[] | undefined {
  return rememberedTargets(services.context.workspaceState.get(targetsKey));
}

/** Change Install Tools: picks the tools again. */
export const changeInstallTools: CommandFactory = (services) => async () => chooseTargets(services, rememberedInstallTargets(services));

/** The folder to install into: `into` from a caller, the only workspace folder, or the one picked. */
async function folderArgument(services: Services, into: unknown): Promise<string | undefined> {
  if (typeof into === 'string' && into) return nodePath.resolve(into);
  if (into instanceof vscode.Uri) return into.fsPath;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (!folders.length) {
    void services.prompter.message('info', 'Install into Workspace: open the folder of a repository first; the assets are installed into it.', {});
    return undefined;
  }
  if (folders.length === 1) return folders[0].uri.fsPath;
  const picked = await pickOne(
    services,
    'Install into Workspace',
    'Into which folder?',
    folders.map((f) => ({ label: `$(root-folder) ${f.name}`, description: f.uri.fsPath, folder: f })),
  );
  return picked?.folder.uri.fsPath;
}

/** The assets Install into Workspace offers: of each installable id, the newest version the policy allows. */
function installableAssets(libraries: readonly WindowLibrary[]): { asset: Asset; library: WindowLibrary }[] {
  const out: { asset: Asset; library: WindowLibrary }[] = [];
  for (const library of libraries) {
    const catalog = library.catalog;
    if (!catalog) continue;
    const byId = new Map<string, Asset[]>();
    for (const a of catalog.assets) {
      if (!installableFormats.includes(a.format) || !catalog.library.policy.scaffoldStatuses.includes(a.status) || !semver.valid(a.version)) continue;
      byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
    }
    for (const list of byId.values()) out.push({ asset: newest(list)!, library });
  }
  return out.sort((a, b) => a.asset.kind.localeCompare(b.asset.kind) || a.asset.id.localeCompare(b.asset.id));
}

/**
 * Install into Workspace: an instruction, prompt file, agent, skill or rule of a library into the
 * workspace folder, for the tools chosen once per workspace (through the same planInstall the CLI
 * uses). Shows what will be written and converted before writing; a refusal says what to do.
 * Argument: a Catalog row, `{ asset, library, into? }`, an id (`id@version`), or none (a pick).
 */
export const installIntoWorkspace: CommandFactory = (services) => async (arg?: unknown) => {
  const title = 'Install into Workspace';
  if (refuseUntrusted(services, title)) return undefined;
  let target: { asset: Asset; library: WindowLibrary } | undefined;
  // `{ asset: 'id@version', into }` names the asset by id (scripts, tests).
  const named = arg && typeof arg === 'object' && typeof (arg as { asset?: unknown }).asset === 'string' ? (arg as { asset: string }).asset : arg;
  if (named !== undefined && named !== null) target = await assetArgument(services, named, title);
  if (!target) {
    await services.libraries.ensureLoaded();
    const items = installableAssets(services.libraries.libraries).map((t) => ({
      label: `$(${kindIcon(t.asset.kind)}) ${t.asset.id}`,
      description: `${t.asset.version} · ${t.asset.kind} · ${libraryName(t.library)}`,
      detail: t.asset.title,
      ...t,
    }));
    if (!items.length) {
      void services.prompter.message('info', 'No library of this window has an approved instruction, prompt file, agent, skill or rule to install.', {});
      return undefined;
    }
    const picked = await pickOne(services, title, 'Which asset?', items);
    if (!picked) return undefined;
    target = { asset: picked.asset, library: picked.library };
  }
  const { asset, library } = target;
  if (!installableFormats.includes(asset.format)) {
    throw new UserError(
      `\`${asset.id}\` is a ${asset.kind} (${asset.format}), which no coding tool reads from a repository. Install into Workspace installs instructions, prompt files, agents, skills, Claude Code commands and Cursor rules${asset.kind === 'template' ? '' : '; add it to a pilot with "Add to Pilot..." instead'}.`,
    );
  }
  const dir = await folderArgument(services, arg && typeof arg === 'object' && 'into' in arg ? (arg as { into: unknown }).into : undefined);
  if (!dir) return undefined;
  const isPilot = await vscode.workspace.fs.stat(vscode.Uri.file(nodePath.join(dir, pilotFileName))).then(
    () => true,
    () => false,
  );
  if (isPilot) throw new UserError(`${dir} is a pilot (it has ${pilotFileName}); add components to it with "Add to Pilot...". Install into Workspace writes into repositories that are not pilots.`);
  let targets = rememberedInstallTargets(services) ?? (await chooseTargets(services, undefined));
  const name = nodePath.basename(dir);
  let plan: InstallPlan | undefined;
  while (targets) {
    const chosen: InstallTarget[] = targets;
    try {
      plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Planning the install of ${asset.id}` }, () =>
        services.pilotService.planInstall(dir, library, [referenceTo(asset)], chosen),
      );
    } catch (e) {
      if (!(e instanceof ScaffoldError)) throw e;
      services.log.warn(`Install into Workspace refused ${asset.id} for ${chosen.join(', ')}: ${e.problems.join(' ')}`);
      const choice = await services.prompter.message(
        'warning',
        `${asset.id} cannot be installed for ${targetsText(chosen)}. Nothing was written.`,
        { modal: true, detail: [...e.problems, '', `Choose other tools with "${changeTools}", or fix this in the library (or the workspace) and install again.`].join('\n') },
        changeTools,
      );
      if (choice !== changeTools) return undefined;
      targets = await chooseTargets(services, chosen);
      continue;
    }
    const choice = await services.prompter.message(
      'info',
      `Install ${asset.id} ${plannedVersion(plan, asset)} into ${name} for ${targetsText(chosen)}?`,
      { modal: true, detail: [...installDetail(plan), '', `${plural(plan.writes.length, 'file')} written, ${installLockFileName} included.`].join('\n') },
      'Install',
      changeTools,
    );
    if (choice === 'Install') break;
    plan = undefined;
    if (choice !== changeTools) return undefined;
    targets = await chooseTargets(services, chosen);
  }
  if (!plan || !targets) return undefined;
  await services.pilotService.applyInstallChanges(dir, plan);
  services.log.info(`Installed into ${dir}: ${installDetail(plan).join('; ')}`);
  void services.pilots.scan();
  const result: InstallIntoResult = {
    dir,
    targets,
    installed: plan.installed.map((c) => ({ id: c.id, version: c.version, target: c.target, paths: c.paths })),
    written: plan.writes.map((w) => w.path),
    converted: plan.converted,
  };
  const first = plan.writes.find((w) => w.path !== installLockFileName);
  const converted = plan.converted.length ? ` Converted: ${plan.converted.join('; ')}.` : '';
  void services.prompter
    .message(
      'info',
      `Installed ${asset.id} ${plannedVersion(plan, asset)} into ${name} for ${targetsText(targets)}: ${plan.installed.flatMap((c) => c.paths).join(', ') || 'nothing new'}.${converted}`,
      {},
      ...(first ? ['Open'] : []),
    )
    .then((c) => {
      if (c && first) void vscode.window.showTextDocument(vscode.Uri.file(nodePath.join(dir, ...first.path.split('/'))));
    });
  return result;
};

/** The version an install resolved the asset to (the newest allowed in `id@^major.minor`: a later patch than the row chosen, maybe). */
function plannedVersion(plan: InstallPlan, asset: Asset): string {
  return plan.installed.find((c) => c.id === asset.id)?.version ?? asset.version;
}

/** What an installed-assets command acts on: the repository folder, and optionally some asset ids. */
interface InstallsTarget {
  dir: string;
  name: string;
  ids?: string[];
}

function isInstallsNode(arg: unknown): arg is PilotTreeNode & { type: 'installs' | 'installed' } {
  return !!arg && typeof arg === 'object' && 'type' in arg && ((arg as { type: unknown }).type === 'installs' || (arg as { type: unknown }).type === 'installed');
}

/** A row of the view, `{ dir, ids }` (tests, code), else the only repository with installs or the one picked. */
async function installsArgument(services: Services, arg: unknown, title: string): Promise<InstallsTarget | undefined> {
  if (isInstallsNode(arg)) {
    if (arg.type === 'installs') return { dir: arg.folder.fsPath, name: arg.name };
    return { dir: arg.installs.folder.fsPath, name: arg.installs.name, ids: [arg.component.id] };
  }
  if (arg && typeof arg === 'object' && 'dir' in arg && typeof (arg as { dir: unknown }).dir === 'string') {
    const o = arg as { dir: string; ids?: unknown };
    return { dir: o.dir, name: services.pilots.installsAt(o.dir)?.name ?? nodePath.basename(o.dir), ids: Array.isArray(o.ids) ? o.ids.filter((x): x is string => typeof x === 'string') : undefined };
  }
  await services.pilots.ensureScanned();
  const all = services.pilots.allInstalls;
  if (!all.length) {
    void services.prompter.message('info', `${title}: nothing is installed in this workspace (no ${installLockFileName}). Install assets with "Install into Workspace...".`, {});
    return undefined;
  }
  if (all.length === 1) return { dir: all[0].folder.fsPath, name: all[0].name };
  const picked = await pickOne(
    services,
    title,
    'Which repository?',
    all.map((i: InstallsInfo) => ({ label: `$(package) ${i.name}`, description: i.folder.fsPath, installs: i })),
  );
  return picked && { dir: picked.installs.folder.fsPath, name: picked.installs.name };
}

interface InstalledItem extends vscode.QuickPickItem {
  component: ComponentStatus;
}

/** What Update Installed Assets returns (for tests). */
export interface InstallUpdateResult {
  updated: string[];
  written: string[];
  removed: string[];
  conflicts: string[];
  deleted: string[];
  skipped: { id: string; reason: string }[];
}

/**
 * Update Installed Assets: pick the assets (outdated, edited or deprecated ones preselected), see
 * every file the update writes (each opens as a diff: now ↔ after the three-way merge), then
 * apply on confirmation. Files with conflict markers are named and opened.
 */
export const updateInstalled: CommandFactory = (services) => async (arg?: unknown) => {
  const title0 = 'Update Installed Assets';
  if (refuseUntrusted(services, title0)) return undefined;
  const target = await installsArgument(services, arg, title0);
  if (!target) return undefined;
  const status = services.pilotService.installsStatusOf(target.dir) ?? (await services.pilotService.checkInstalls(target.dir));
  if (status.problem || !status.components.length) {
    showError(services, `${title0}: ${status.problem ?? `nothing is installed in ${target.name}.`}`);
    return undefined;
  }
  const ids = [...new Set(status.components.map((c) => c.id))];
  const title = `${title0}: ${target.name}`;
  let plan: InstallUpdatePlan | undefined;
  let rows: InstallUpdateRow[] = [];
  let apply = false;
  const pickFiles = reviewFilesStep(
    services,
    title,
    target.dir,
    () => rows,
    () => (apply = true),
  );
  const pickAssets = async (input: MultiStepInput) => {
    const preselected = new Set(target.ids ?? status.components.filter((c) => c.outdated || c.modifiedFiles.length || c.deprecated).map((c) => c.id));
    const items: InstalledItem[] = ids.map((id) => {
      const list = status.components.filter((c) => c.id === id);
      const c = list[0];
      const to = newer(c);
      return {
        label: `$(${c.kind ? kindIcon(c.kind) : 'circle-outline'}) ${id}`,
        description: to ? `${c.version} → ${to}` : list.map(installedDescription).join('; '),
        detail: list.map((x) => x.target).join(', '),
        picked: preselected.has(id),
        component: c,
      };
    });
    await input.showQuickPick({
      title,
      step: 1,
      totalSteps: 2,
      items,
      canSelectMany: true,
      placeholder: 'Installed assets to move to their wanted version (newest allowed within the range installed)',
      validate: async (selected) => {
        if (!selected.length) return 'Choose at least one asset.';
        const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Planning the update of ${target.name}...` }, () =>
          services.pilotService.planInstallUpdate(
            target.dir,
            selected.map((s) => s.component.id),
          ),
        );
        plan = r.plan;
        if (!plan.components.length && !plan.deleted.length) {
          return plan.skipped.length ? plan.skipped.map((s) => `${s.id} (${s.target}): ${s.reason}`).join('; ') : 'Nothing to update: the chosen assets are at their wanted versions.';
        }
        const current = new Map<string, Uint8Array | undefined>();
        for (const p of [...plan.writes.map((w) => w.path), ...plan.removes]) {
          try {
            current.set(p, await vscode.workspace.fs.readFile(vscode.Uri.file(nodePath.join(target.dir, ...p.split('/')))));
          } catch {
            current.set(p, undefined);
          }
        }
        rows = installUpdateRows(plan, current);
        return undefined;
      },
    });
    return pickFiles;
  };
  const done = await MultiStepInput.run(services.prompter, pickAssets);
  if (!done || !apply || !plan) return undefined;
  const p: InstallUpdatePlan = plan;
  const moves = p.components.map((c) => `${c.id} (${c.target}) ${c.from} → ${c.to}`).join(', ') || 'the deletions';
  const detail = [
    `${plural(p.writes.length, 'file')} written, ${p.removes.length} removed; ${installLockFileName} is rewritten.`,
    p.conflicts.length ? `${plural(p.conflicts.length, 'file')} will have conflict markers to resolve: ${p.conflicts.join(', ')}.` : '',
    p.deleted.length ? `Deleted here, recorded as deleted (they stay deleted): ${p.deleted.join(', ')}.` : '',
    ...p.skipped.map((s) => `${s.id} (${s.target}) is not updated: ${s.reason}.`),
    ...p.notes,
  ]
    .filter(Boolean)
    .join('\n');
  const ok = await services.prompter.message('warning', `Update ${moves} in ${target.name}?`, { modal: true, detail }, 'Update');
  if (ok !== 'Update') return undefined;
  await services.pilotService.applyInstallChanges(target.dir, p);
  await services.pilotService.checkInstalls(target.dir, { fresh: true });
  const result: InstallUpdateResult = {
    updated: p.components.map((c) => `${c.id}:${c.target}`),
    written: p.writes.map((w) => w.path),
    removed: p.removes,
    conflicts: p.conflicts,
    deleted: p.deleted,
    skipped: p.skipped.map((s) => ({ id: s.id, reason: s.reason })),
  };
  services.log.info(`Updated ${moves} in ${target.dir}; ${plural(p.writes.length, 'file')} written, ${p.removes.length} removed, ${p.conflicts.length} with conflicts.`);
  if (p.conflicts.length) {
    const paths = [...new Set(p.conflicts.map((c) => c.replace(/ \(section .*\)$/, '')))];
    for (const c of paths) await vscode.window.showTextDocument(vscode.Uri.file(nodePath.join(target.dir, ...c.split('/'))), { preview: false, preserveFocus: true });
    void services.prompter.message(
      'warning',
      `Updated ${moves}. ${p.conflicts.length === 1 ? 'One file has' : `${p.conflicts.length} files have`} conflict markers (<<<<<<<) to resolve: ${p.conflicts.join(', ')}. Resolve them; the view shows the asset as modified until then.`,
      {},
    );
  } else {
    void services.prompter.message('info', `Updated ${moves} in ${target.name}.`, {});
  }
  return result;
};
