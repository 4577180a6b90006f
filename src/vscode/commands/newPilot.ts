// New Pilot from Approved Components: a multi-step quick pick (template, name, prompts, eval suites, modules, parameters, folder), then the scaffold.

import * as nodePath from 'node:path';
import * as semver from 'semver';
import * as vscode from 'vscode';
import { newest, referenceTo } from '../../core/library/references';
import type { Asset, AssetKind, Catalog } from '../../core/library/types';
import type { ScaffoldPlan } from '../../core/scaffold/plan';
import { checkScaffoldTarget } from '../../core/scaffold/apply';
import { allowedStatuses, checkPilotName, resolveComponents } from '../../core/scaffold/plan';
import type { SelectedComponent } from '../../core/scaffold/plan';
import { checkParameters, nameFromPilot, parameterSpecs } from '../../core/library/parameters';
import type { ParameterSpec } from '../../core/library/parameters';
import { plural } from '../../core/text/plural';
import { nodeFileSystem } from '../../node/fileSystem';
import type { WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { MultiStepInput } from '../multiStepInput';
import type { InputStep } from '../multiStepInput';
import { AssetNode, kindIcon, sampleNotice } from '../views/catalogTree';
import type { CommandFactory, Services } from './services';

const title = 'New Pilot from Approved Components';

interface TemplateItem extends vscode.QuickPickItem {
  library: WindowLibrary;
  asset: Asset;
}
interface AssetItem extends vscode.QuickPickItem {
  asset: Asset;
}
interface ValueItem extends vscode.QuickPickItem {
  value: unknown;
}
interface FolderItem extends vscode.QuickPickItem {
  parent?: vscode.Uri;
  browse?: boolean;
}
interface ReviewItem extends vscode.QuickPickItem {
  create?: boolean;
}

/** What the user has answered so far (kept when they go back, so each step shows its previous answer). */
interface NewPilotState {
  library?: WindowLibrary;
  catalog?: Catalog;
  template?: Asset;
  name: string;
  prompts: Asset[];
  evals: Asset[];
  /** The prompts for which `evals` was chosen: when they change, the preselection is computed again. */
  evalsFor?: string;
  modules: Asset[];
  specs: ParameterSpec[];
  /** Parameter values: strings as typed (converted by the schema's types), or values chosen in picks. */
  params: Record<string, unknown>;
  parent?: vscode.Uri;
  target?: string;
  components: SelectedComponent[];
  values: Record<string, unknown>;
  /** What will be written, shown on the last step and written as shown. */
  plan?: ScaffoldPlan;
  /** Name parameters whose value was taken from the pilot's name: they follow it when the name changes. */
  followName?: Set<string>;
}

/** Whether `dir` is `root` or inside it. */
function isInside(dir: string, root: string): boolean {
  const rel = nodePath.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel));
}

/** What the command returns: where the pilot was written and what it holds. */
export interface NewPilotResult {
  folder: string;
  name: string;
  template: string;
  components: { id: string; version: string; reason: SelectedComponent['reason'] }[];
  files: string[];
  warnings: string[];
}

/** The newest version of each asset of `kind` whose status the policy allows for pilots. */
export function allowedAssets(catalog: Catalog, kind: AssetKind): Asset[] {
  const statuses = allowedStatuses(catalog);
  const byId = new Map<string, Asset[]>();
  for (const a of catalog.assets) {
    if (a.kind !== kind || !statuses.includes(a.status) || !semver.valid(a.version)) continue;
    byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
  }
  return [...byId.values()].map((list) => newest(list)!).sort((a, b) => a.id.localeCompare(b.id));
}

/** The ids of the prompts an eval suite targets (among `prompts`, ranges respected). */
function targetsAmong(suite: Asset, prompts: readonly Asset[]): string[] {
  return suite.references
    .filter((r) => r.field === 'targets' && prompts.some((p) => p.id === r.ref.id && (r.ref.range === undefined || semver.satisfies(p.version, r.ref.range, { includePrerelease: true }))))
    .map((r) => r.ref.id);
}

function describe(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Why a typed parameter value is refused (the schema's reason), or undefined. */
export function parameterProblem(template: Asset, spec: ParameterSpec, raw: string): string | undefined {
  if (raw === '') return spec.required && spec.default === undefined ? `${spec.title ?? spec.name} is required${spec.description ? `: ${spec.description}` : '.'}` : undefined;
  const check = checkParameters(template.parameters, { [spec.name]: raw }, { raw: true, templateName: template.id });
  return check.errors.find((e) => e.includes(`\`${spec.name}\``));
}

function componentRefs(assets: readonly Asset[]): string[] {
  return assets.map((a) => referenceTo(a));
}

/**
 * The wizard: each step stores its answer in the state and returns the next step; Back
 * returns to the previous one with its answer shown again. Nothing is written before the
 * last step is answered.
 */
export function newPilotFlow(services: Services, state: NewPilotState, templates: TemplateItem[]): InputStep {
  // Steps: template, name, prompts, eval suites, modules, parameters (one step, a page per parameter; left out when the
  // template has none), folder, review. Before a template is chosen the count assumes parameters if any template has them.
  const hasParameters = (): boolean => (state.template ? state.specs.length > 0 : templates.some((t) => parameterSpecs(t.asset.parameters).length > 0));
  const total = (): number => (hasParameters() ? 8 : 7);
  const folderStep = (): number => total() - 1;

  const pickTemplate: InputStep = async (input) => {
    const active = templates.find((t) => t.asset === state.template);
    // Templates of the bundled sample only: say so before anything is scaffolded from a fictional library.
    const placeholder = templates.length && templates.every((t) => t.library.origin === 'sample') ? sampleNotice.wizard : 'Template of the pilot';
    const [item] = await input.showQuickPick({ title, step: 1, totalSteps: total(), items: templates, activeItem: active, placeholder, matchOnDescription: true, matchOnDetail: true });
    if (item.asset !== state.template) {
      Object.assign(state, {
        library: item.library,
        catalog: item.library.catalog,
        template: item.asset,
        prompts: [],
        evals: [],
        evalsFor: undefined,
        modules: [],
        params: {},
        specs: parameterSpecs(item.asset.parameters),
      });
    }
    return inputName;
  };

  const inputName: InputStep = async (input) => {
    state.name = await input.showInputBox({
      title,
      step: 2,
      totalSteps: total(),
      value: state.name,
      prompt: 'Name of the pilot: lowercase words joined by hyphens (pilot.yaml and the folder are named after it)',
      placeholder: 'e.g. claims-triage',
      validate: (v) => (v ? checkPilotName(v) : 'Give the pilot a name, e.g. claims-triage.'),
    });
    return pickPrompts;
  };

  /** Every problem resolving the chosen components with their dependencies (the template's too). */
  const resolve = (assets: readonly Asset[]): { components?: SelectedComponent[]; problem?: string } => {
    try {
      return { components: resolveComponents(state.catalog!, componentRefs(assets), { includeEvals: false, requiredBy: [state.template!] }) };
    } catch (e) {
      return { problem: e instanceof Error ? e.message : String(e) };
    }
  };

  const pickPrompts: InputStep = async (input) => {
    const prompts = allowedAssets(state.catalog!, 'prompt');
    const items: AssetItem[] = prompts.map((a) => ({
      label: `$(${kindIcon('prompt')}) ${a.id}`,
      description: `${a.version} · ${a.title}`,
      detail: a.description || undefined,
      picked: state.prompts.some((p) => p.id === a.id),
      asset: a,
    }));
    const statuses = allowedStatuses(state.catalog!).join(', ');
    const chosen = await input.showQuickPick({
      title,
      step: 3,
      totalSteps: total(),
      items,
      canSelectMany: true,
      matchOnDescription: true,
      matchOnDetail: true,
      placeholder: `Prompts (${statuses} only)`,
      validate: (selected) => resolve(selected.map((s) => s.asset)).problem,
    });
    state.prompts = chosen.map((c) => c.asset);
    return pickEvals;
  };

  const pickEvals: InputStep = async (input) => {
    const suites = allowedAssets(state.catalog!, 'eval');
    const promptKey = state.prompts.map((p) => p.id).join(',');
    const preselect = state.evalsFor === promptKey ? new Set(state.evals.map((e) => e.id)) : new Set(suites.filter((s) => targetsAmong(s, state.prompts).length).map((s) => s.id));
    const items: AssetItem[] = suites.map((a) => {
      const targets = targetsAmong(a, state.prompts);
      const all = a.references.filter((r) => r.field === 'targets').map((r) => r.ref.id);
      return {
        label: `$(${kindIcon('eval')}) ${a.id}`,
        description: `${a.version} · ${targets.length ? `targets ${targets.join(', ')} (chosen)` : all.length ? `targets ${all.join(', ')}` : a.title}`,
        detail: a.description || undefined,
        picked: preselect.has(a.id),
        asset: a,
      };
    });
    const chosen = await input.showQuickPick({
      title,
      step: 4,
      totalSteps: total(),
      items,
      canSelectMany: true,
      matchOnDescription: true,
      placeholder: items.length ? 'Eval suites (those targeting the chosen prompts are preselected)' : 'The library has no allowed eval suite; accept to go on',
      validate: (selected) => resolve([...state.prompts, ...selected.map((s) => s.asset)]).problem,
    });
    state.evals = chosen.map((c) => c.asset);
    state.evalsFor = promptKey;
    return pickModules;
  };

  const pickModules: InputStep = async (input) => {
    const chosenSoFar = [...state.prompts, ...state.evals];
    const deps = (resolve(chosenSoFar).components ?? []).filter((c) => c.reason === 'dependency');
    const modules = allowedAssets(state.catalog!, 'module');
    const items: AssetItem[] = [];
    for (const a of modules) {
      if (deps.some((d) => d.asset.id === a.id)) continue;
      items.push({
        label: `$(${kindIcon('module')}) ${a.id}`,
        description: `${a.version} · ${a.title}`,
        detail: a.description || undefined,
        picked: state.modules.some((m) => m.id === a.id),
        asset: a,
      });
    }
    // Dependencies are not choices: they are named in the title (a multi-select pick shows every item with a checkbox,
    // and VS Code shows only the last of consecutive separators), the modules one may add are the items.
    const stepTitle = deps.length ? `${title}: modules (always added: ${deps.map((d) => `${d.asset.id} ${d.asset.version}`).join(', ')})` : `${title}: modules`;
    const chosen = await input.showQuickPick({
      title: stepTitle,
      step: 5,
      totalSteps: total(),
      items,
      canSelectMany: true,
      matchOnDescription: true,
      placeholder: items.length ? 'Modules to add' : 'No other module to add; accept to go on',
      validate: (selected) => {
        const r = resolve([...chosenSoFar, ...selected.map((s) => s.asset)]);
        if (r.components) state.components = r.components;
        return r.problem;
      },
    });
    state.modules = chosen.map((c) => c.asset);
    return state.specs.length ? parameterStep(0) : pickTarget;
  };

  const parameterStep =
    (index: number): InputStep =>
    async (input) => {
      const spec = state.specs[index];
      const step = 6;
      const next = index + 1 < state.specs.length ? parameterStep(index + 1) : pickTarget;
      const label = spec.title ?? spec.name;
      const stepTitle = `${title}: ${label}${state.specs.length > 1 ? ` (parameter ${index + 1} of ${state.specs.length})` : ''}`;
      const types = Array.isArray(spec.type) ? spec.type : spec.type ? [spec.type] : [];
      // A name parameter (projectName, packageName…) follows the pilot's name until the user gives another value.
      const fromName = nameFromPilot(spec, state.name);
      const current = spec.name in state.params && !(fromName && state.followName?.has(spec.name)) ? state.params[spec.name] : (fromName ?? spec.default);
      const about = [spec.description, spec.required ? undefined : 'optional'].filter(Boolean).join(' · ');
      if (spec.enum?.length || (types.length === 1 && types[0] === 'boolean')) {
        const values = spec.enum?.length ? spec.enum : [true, false];
        const items: ValueItem[] = values.map((v) => ({
          label: typeof v === 'boolean' ? (v ? 'Yes' : 'No') : describe(v),
          description: JSON.stringify(v) === JSON.stringify(spec.default) ? 'default' : undefined,
          value: v,
        }));
        const active = items.find((i) => JSON.stringify(i.value) === JSON.stringify(current));
        const [item] = await input.showQuickPick({ title: stepTitle, step, totalSteps: total(), items, activeItem: active, placeholder: about || label });
        state.params[spec.name] = item.value;
        return next;
      }
      const value = await input.showInputBox({
        title: stepTitle,
        step,
        totalSteps: total(),
        value: current === undefined ? '' : describe(current),
        prompt: `${label} (${spec.name})${about ? `: ${about}` : ''}`,
        placeholder: spec.default !== undefined ? `default: ${describe(spec.default)}` : undefined,
        validate: (v) => parameterProblem(state.template!, spec, v),
      });
      if (value === '') delete state.params[spec.name];
      else state.params[spec.name] = value;
      state.followName ??= new Set();
      if (fromName && value === fromName) state.followName.add(spec.name);
      else state.followName.delete(spec.name);
      return next;
    };

  const pickTarget: InputStep = async (input) => {
    // A pilot is its own project: folders of a library on disk are offered last, with a word, and the folder beside the library first.
    const libraryRoots = services.libraries.libraries.map((l) => l.root).filter((r): r is string => !!r);
    const inLibrary = (dir: string): string | undefined => libraryRoots.find((r) => isInside(dir, r));
    const outside: FolderItem[] = [];
    const inside: FolderItem[] = [];
    const add = (parent: vscode.Uri, label: string): void => {
      if ([...outside, ...inside].some((i) => i.parent?.fsPath === parent.fsPath)) return;
      const root = inLibrary(parent.fsPath);
      const description = nodePath.join(parent.fsPath, state.name);
      if (root) inside.push({ label: `$(folder) ${label}`, description, detail: `$(warning) Inside the library ${nodePath.basename(root)}: the pilot would become part of it`, parent });
      else outside.push({ label: `$(folder) ${label}`, description, parent });
    };
    if (state.parent) add(state.parent, nodePath.basename(state.parent.fsPath));
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      if (wf.uri.scheme !== 'file') continue;
      const root = inLibrary(wf.uri.fsPath);
      if (root) add(vscode.Uri.file(nodePath.dirname(root)), `${nodePath.basename(nodePath.dirname(root))} (beside the library)`);
      add(wf.uri, wf.name);
    }
    const items: FolderItem[] = [...outside, ...inside, { label: '$(folder-opened) Browse...', description: 'Choose the parent folder', browse: true }];
    const active = items.find((i) => i.parent && state.parent && i.parent.fsPath === state.parent.fsPath) ?? items[0];
    await input.showQuickPick({
      title,
      step: folderStep(),
      totalSteps: total(),
      items,
      activeItem: active,
      placeholder: `Where to create the folder ${state.name}`,
      validate: async ([item]) => {
        let parent = item.parent;
        if (item.browse) {
          const picked = await services.prompter.openDialog({
            canSelectFolders: true,
            canSelectFiles: false,
            canSelectMany: false,
            openLabel: 'Create the Pilot Here',
            title: `Parent folder of ${state.name}`,
            defaultUri: state.parent ?? vscode.workspace.workspaceFolders?.[0]?.uri,
          });
          if (!picked?.length) return 'No folder was chosen.';
          parent = picked[0];
        }
        if (!parent || parent.scheme !== 'file') return 'Choose a folder on this machine.';
        const target = nodePath.join(parent.fsPath, state.name);
        try {
          await checkScaffoldTarget(nodeFileSystem, target);
        } catch (e) {
          return e instanceof Error ? e.message.replace(/ \(--out\)/g, '') : String(e);
        }
        const check = checkParameters(state.template!.parameters, state.params, { raw: true, templateName: state.template!.id });
        const problems = [...check.errors, ...check.missing.map((m) => `The parameter ${m.title ?? m.name} is required; go back and give it.`)];
        if (problems.length) return problems.join(' ');
        state.values = check.values;
        state.parent = parent;
        state.target = target;
        return undefined;
      },
    });
    return review;
  };

  /** The last step: what will be written where, then Create. The plan shown is the plan written. */
  const review: InputStep = async (input) => {
    let plan: ScaffoldPlan;
    try {
      plan = await services.pilotService.planPilot(state.library!, {
        name: state.name,
        template: state.template!,
        templateReference: referenceTo(state.template!),
        components: state.components,
        parameters: state.values,
        target: state.target!,
      });
    } catch (e) {
      void services.prompter.message('error', `Cannot plan pilot ${state.name}: ${e instanceof Error ? e.message : String(e)}`, {});
      return pickTarget;
    }
    state.plan = plan;
    const items: ReviewItem[] = [
      {
        label: '$(check) Create',
        description: `pilot ${state.name} in ${state.target}`,
        detail: `${plural(plan.files.length, 'file')}, ${plural(state.components.length, 'component')}`,
        create: true,
      },
    ];
    const groupOf = (f: ScaffoldPlan['files'][number]): string => {
      if (f.origin === 'template') return `From the template ${state.template!.id} ${state.template!.version}`;
      const c = f.origin === 'component' ? state.components.find((x) => x.asset.id === f.component) : undefined;
      if (c) return `${c.asset.kind} ${c.asset.id} ${c.asset.version}${c.reason === 'dependency' ? ' (dependency)' : ''}`;
      return 'The pilot manifest and lock';
    };
    const groups = new Map<string, string[]>();
    for (const f of plan.files) groups.set(groupOf(f), [...(groups.get(groupOf(f)) ?? []), f.path]);
    for (const [group, files] of groups) {
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
      for (const f of files) items.push({ label: `$(file) ${f}` });
    }
    for (const w of plan.warnings) items.push({ label: `$(warning) ${w}` });
    await input.showQuickPick({
      title: `${title}: review`,
      step: total(),
      totalSteps: total(),
      items,
      activeItem: items[0],
      placeholder: `Create ${state.name}: ${plural(plan.files.length, 'file')} in ${state.target}`,
      validate: ([item]) => (item?.create ? undefined : 'Nothing is written until you choose Create; use Back to change an answer.'),
    });
  };

  return pickTemplate;
}

/** Templates of every loaded library that the library's policy allows, newest version of each. */
function templateItems(services: Services): TemplateItem[] {
  const items: TemplateItem[] = [];
  const libs = services.libraries.libraries.filter((l) => l.catalog);
  for (const library of libs) {
    for (const asset of allowedAssets(library.catalog!, 'template')) {
      items.push({
        label: `$(${kindIcon('template')}) ${asset.title}`,
        description: `${asset.id} · ${asset.version}${libs.length > 1 ? ` · ${libraryName(library)}` : ''}`,
        detail: library.origin === 'sample' ? `$(warning) Sample library (fictional)${asset.description ? ` · ${asset.description}` : ''}` : asset.description || undefined,
        library,
        asset,
      });
    }
  }
  return items;
}

/** Offers to open the new pilot: a new window, the workspace, or this window. */
async function offerToOpen(services: Services, result: NewPilotResult): Promise<void> {
  const uri = vscode.Uri.file(result.folder);
  const choice = await services.prompter.message(
    'info',
    `Created pilot ${result.name} with ${result.components.length} component${result.components.length === 1 ? '' : 's'} in ${result.folder}.`,
    {},
    'Open in New Window',
    'Add to Workspace',
    'Open in This Window',
  );
  if (choice === 'Open in New Window') await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  else if (choice === 'Open in This Window') await vscode.commands.executeCommand('vscode.openFolder', uri, { forceReuseWindow: true });
  else if (choice === 'Add to Workspace') vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri, name: result.name });
}

export const newPilot: CommandFactory = (services) => async (arg?: unknown) => {
  await services.libraries.ensureLoaded();
  const templates = templateItems(services);
  if (!templates.length) {
    const choice = await services.prompter.message(
      'info',
      "No library of this window has a pilot template that its policy allows. Add your organisation's library (or look at the sample library).",
      {},
      'Add Library...',
      'Use Sample Library',
    );
    if (choice === 'Add Library...') void vscode.commands.executeCommand('genaiAssets.addLibrary');
    if (choice === 'Use Sample Library') void vscode.commands.executeCommand('genaiAssets.useSampleLibrary');
    return undefined;
  }
  const state: NewPilotState = { name: '', prompts: [], evals: [], modules: [], specs: [], params: {}, components: [], values: {} };
  // Started from a template in the Catalog: that template comes first.
  if (arg instanceof AssetNode && arg.asset.kind === 'template') {
    const t = templates.find((x) => x.asset.id === arg.asset.id && x.library === arg.library);
    if (t) Object.assign(state, { library: t.library, catalog: t.library.catalog, template: t.asset, specs: parameterSpecs(t.asset.parameters) });
  }
  const done = await MultiStepInput.run(services.prompter, newPilotFlow(services, state, templates));
  if (!done || !state.target || !state.template || !state.plan) return undefined;
  const template = state.template;
  const target = state.target;
  const plan = state.plan;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Creating pilot ${state.name}`, cancellable: false }, (progress) =>
    services.pilotService.writePilot(target, plan, (message, increment) => progress.report({ message, increment })),
  );
  for (const w of plan.warnings) services.log.warn(`New pilot ${state.name}: ${w}`);
  const result: NewPilotResult = {
    folder: target,
    name: state.name,
    template: `${template.id}@${template.version}`,
    components: state.components.map((c) => ({ id: c.asset.id, version: c.asset.version, reason: c.reason })),
    files: plan.files.map((f) => f.path),
    warnings: plan.warnings,
  };
  services.log.info(
    `Created pilot ${state.name} in ${target} from ${template.id} ${template.version}: ${result.components.map((c) => `${c.id} ${c.version}`).join(', ')} (${plural(plan.files.length, 'file')}).`,
  );
  void services.pilots.scan();
  void offerToOpen(services, result).catch((e: unknown) => services.log.error(`Opening ${target}: ${(e as Error).message}`));
  return result;
};
