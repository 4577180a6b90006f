// package.json `contributes` against src/vscode/constants.ts: every command declared and registered, every view, setting, submenu and context key.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatOfPath } from '../../../src/core/formats/detect';
import { category, commandInfo, commands, contextKeys, languages, proposableFileName, settings, submenus, treeItemContext, viewContainerId, views } from '../../../src/vscode/constants';
import { repoRoot } from '../paths';

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
  icon?: string;
}
interface MenuItem {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}
interface Pkg {
  main: string;
  icon?: string;
  activationEvents?: string[];
  capabilities?: { untrustedWorkspaces?: { supported: unknown } };
  contributes: {
    commands: CommandContribution[];
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    views: Record<string, { id: string; name: string; icon?: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    submenus: { id: string; label: string }[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, { scope?: string; description?: string; markdownDescription?: string; default?: unknown }> };
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language?: string; scopeName: string; path: string; injectTo?: string[] }[];
    walkthroughs: { id: string; title: string; steps: { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }[] }[];
  };
}

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Pkg;
const c = pkg.contributes;
const commandIds = Object.values(commands) as string[];

/** Context keys VS Code itself defines that our `when` clauses use. */
const builtInKeys = new Set(['view', 'viewItem', 'resourceScheme', 'resourceFilename', 'isWorkspaceTrusted']);

/** The context keys of a when clause: the left side of each comparison, or a bare key. */
function keysOf(when: string): string[] {
  return when
    .split(/&&|\|\|/)
    .map((clause) => /^[\s!(]*([A-Za-z][\w.]*)/.exec(clause)?.[1])
    .filter((k): k is string => !!k && !/^(true|false)$/.test(k));
}

describe('package.json contributes vs constants.ts', () => {
  it('declares every command of constants.ts, with its title, icon and the category, and no other', () => {
    const declared = new Map(c.commands.map((x) => [x.command, x]));
    assert.deepEqual([...declared.keys()].sort(), [...commandIds].sort());
    for (const [key, id] of Object.entries(commands) as [keyof typeof commands, string][]) {
      const d = declared.get(id)!;
      assert.equal(d.title, commandInfo[key].title, `title of ${id}`);
      assert.equal(d.category, category, `category of ${id}`);
      assert.equal(d.icon, commandInfo[key].icon, `icon of ${id}`);
    }
  });

  it('registers every command in the command table (src/vscode/commands/table.ts)', () => {
    const table = fs.readFileSync(path.join(repoRoot, 'src', 'vscode', 'commands', 'table.ts'), 'utf8');
    const body = /commandTable: Record<CommandKey, \(\) => CommandFactory> = \{([\s\S]*?)\n\};/.exec(table)?.[1];
    assert.ok(body, 'commandTable literal not found');
    const keys = [...body.matchAll(/^\s*(\w+)(?::|,)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(keys, Object.keys(commands).sort());
  });

  it('menus and welcome links name only declared commands and submenus', () => {
    const submenuIds: string[] = c.submenus.map((s) => s.id).sort();
    assert.deepEqual(submenuIds, (Object.values(submenus) as string[]).sort());
    for (const [menu, items] of Object.entries(c.menus)) {
      if (menu.startsWith('genaiAssets.')) assert.ok(submenuIds.includes(menu), `menu ${menu} is not a declared submenu`);
      for (const item of items) {
        if (item.command) assert.ok(commandIds.includes(item.command), `${menu} names unknown command ${item.command}`);
        if (item.submenu) assert.ok(submenuIds.includes(item.submenu), `${menu} names unknown submenu ${item.submenu}`);
      }
    }
    for (const w of c.viewsWelcome) {
      for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commandIds.includes(m[1]), `welcome of ${w.view} links unknown command ${m[1]}`);
    }
  });

  it('has a Get Started walkthrough whose buttons run declared commands (with JSON arguments), whose media exist and whose steps complete on declared events', () => {
    const [walkthrough] = c.walkthroughs;
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['library', 'browse', 'diagnostics', 'preview', 'pilot'],
    );
    const viewIds = Object.values(c.views).flatMap((v) => v.map((x) => x.id));
    for (const step of walkthrough.steps) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)];
      assert.ok(links.length, `${step.id} offers a button`);
      for (const [, command, args] of links) {
        const focus = /^(.+)\.focus$/.exec(command);
        assert.ok(commandIds.includes(command) || (focus && viewIds.includes(focus[1])), `${step.id} links unknown command ${command}`);
        if (args) assert.ok(Array.isArray(JSON.parse(decodeURIComponent(args))), `${step.id}: arguments of ${command} are a JSON array`);
      }
      const media = step.media.markdown ?? step.media.image;
      assert.ok(media && fs.existsSync(path.join(repoRoot, media)), `${step.id}: media ${media} exists`);
      for (const e of step.completionEvents ?? []) {
        const [kind, id] = e.split(':');
        if (kind === 'onCommand') assert.ok(commandIds.includes(id), `${step.id} completes on unknown command ${id}`);
        else if (kind === 'onView') assert.ok(viewIds.includes(id), `${step.id} completes on unknown view ${id}`);
        else assert.fail(`${step.id}: unexpected completion event ${e}`);
      }
    }
  });

  it('declares the activity-bar container and its Catalog and In This Workspace views with the ids of constants.ts', () => {
    const container = c.viewsContainers.activitybar.find((x) => x.id === viewContainerId);
    assert.ok(container);
    assert.equal(container.title, 'GenAI Assets');
    assert.ok(fs.existsSync(path.join(repoRoot, container.icon)), `icon ${container.icon} exists`);
    const declared = c.views[viewContainerId].map((v) => [v.id, v.name]);
    assert.deepEqual(declared, [
      [views.catalog, 'Catalog'],
      [views.pilots, 'In This Workspace'],
    ]);
    for (const w of c.viewsWelcome) assert.ok(Object.values(views).includes(w.view as never), `welcome for unknown view ${w.view}`);
  });

  it('declares every setting of constants.ts with a description and a scope; the library list and auto-sync are machine-scoped, the diagnostics settings resource-scoped', () => {
    const props = c.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), Object.values(settings).sort());
    for (const [id, p] of Object.entries(props)) assert.ok(p.description || p.markdownDescription, `${id} has a description`);
    for (const [id, p] of Object.entries(props))
      assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(p.scope ?? ''), `${id} has a scope`);
    assert.equal(props[settings.libraries].scope, 'machine');
    assert.equal(props[settings.autoSync].scope, 'machine');
    // The fleet makes the extension fetch repositories: only the user's settings may name them.
    assert.equal(props[settings.fleet].scope, 'machine');
    for (const id of [settings.diagnosticsRun, settings.diagnosticsDisabledCodes, settings.diagnosticsSeverityOverrides]) assert.equal(props[id].scope, 'resource', id);
  });

  it('uses only context keys of constants.ts (or VS Code built-ins) in when clauses', () => {
    const ours = new Set<string>(Object.values(contextKeys));
    const whens = [
      ...Object.values(c.menus)
        .flat()
        .map((m) => m.when),
      ...c.viewsWelcome.map((w) => w.when),
    ].filter((w): w is string => !!w);
    assert.ok(whens.length > 5);
    for (const when of whens) {
      for (const key of keysOf(when)) assert.ok(ours.has(key) || builtInKeys.has(key), `unknown context key ${key} in "${when}"`);
    }
  });

  it('offers Propose to Library on prompt and instructions files and modified pilot components, only in trusted workspaces', () => {
    const items = Object.entries(c.menus).flatMap(([menu, list]) => list.filter((m) => m.command === commands.proposeToLibrary).map((m) => ({ menu, when: m.when ?? '' })));
    assert.deepEqual(items.map((i) => i.menu).sort(), ['commandPalette', 'editor/context', 'editor/title/context', 'explorer/context', 'view/item/context']);
    for (const { menu, when } of items) assert.match(when, /(^|&& )isWorkspaceTrusted$/, `${menu}: only in a trusted workspace`);
    for (const { menu, when } of items.filter((i) => i.menu.startsWith('editor') || i.menu.startsWith('explorer')))
      assert.equal(when, `resourceScheme == file && resourceFilename =~ /${proposableFileName}/ && isWorkspaceTrusted`, `${menu} uses proposableFileName`);
    assert.equal(items.find((i) => i.menu === 'view/item/context')!.when, 'view == genaiAssets.pilots && viewItem =~ /^pilotComponent.*;modified/ && isWorkspaceTrusted');
    // The pattern names exactly the prompt and instructions formats of the engine.
    const pattern = new RegExp(proposableFileName);
    const names = [
      'a.prompt',
      'a.prompty',
      'a.prompt.yml',
      'a.prompt.yaml',
      'a.prompt.md',
      'a.instructions.md',
      'a.agent.md',
      'a.chatmode.md',
      'SKILL.md',
      'AGENTS.md',
      'a.mdc',
      'asset.yaml',
      'library.yaml',
      'promptfooconfig.yaml',
      'a.md',
      'a.yaml',
      'prompt',
      'a.prompt.txt',
    ];
    const formats = new Set(['dotprompt', 'prompty', 'gh-models', 'vscode-prompt', 'vscode-instructions']);
    for (const name of names) assert.equal(pattern.test(name), formats.has(formatOfPath(`dir/${name}`) ?? ''), `${name} (${formatOfPath(`dir/${name}`)})`);
  });

  it('offers Install into Workspace on installable catalog assets, and the install commands only in trusted workspaces (they write into it)', () => {
    const writers: string[] = [commands.installIntoWorkspace, commands.updateInstalled, commands.changeInstallTools];
    const items = Object.entries(c.menus).flatMap(([menu, list]) => list.filter((m) => m.command && writers.includes(m.command)).map((m) => ({ menu, command: m.command!, when: m.when ?? '' })));
    for (const id of writers)
      assert.ok(
        items.some((i) => i.menu === 'commandPalette' && i.command === id),
        `${id} in the palette`,
      );
    for (const { menu, command, when } of items) assert.match(when, /(^|&& )isWorkspaceTrusted$/, `${menu} ${command}: only in a trusted workspace`);
    const catalog = items.filter((i) => i.menu === 'view/item/context' && i.command === commands.installIntoWorkspace);
    assert.deepEqual(
      catalog.map((i) => i.when),
      [`view == ${views.catalog} && viewItem =~ /^asset\\b.*;${treeItemContext.installable}/ && isWorkspaceTrusted`],
    );
  });

  it('declares the languages of constants.ts with their extension, configuration and grammar', () => {
    assert.deepEqual(
      c.languages.map((l) => [l.id, l.extensions]),
      Object.values(languages).map((l) => [l.id, [l.extension]]),
    );
    for (const l of Object.values(languages)) {
      const lang = c.languages.find((x) => x.id === l.id)!;
      assert.ok(fs.existsSync(path.join(repoRoot, lang.configuration)), `${lang.configuration} exists`);
      const grammar = c.grammars.find((g) => g.language === l.id);
      assert.equal(grammar?.scopeName, l.scopeName, `grammar of ${l.id}`);
    }
    for (const g of c.grammars) assert.ok(fs.existsSync(path.join(repoRoot, g.path)), `${g.path} exists`);
  });

  it('activates late (no "*" or startup event), declares limited trust, and points at the bundle and icon', () => {
    assert.ok(!pkg.activationEvents?.some((e) => e === '*' || e === 'onStartupFinished'));
    const languageEvents = Object.values(languages).map((l) => `onLanguage:${l.id}`);
    assert.ok(
      pkg.activationEvents?.every((e) => e.startsWith('workspaceContains:') || languageEvents.includes(e)),
      "only file-pattern and our languages' activation events",
    );
    for (const e of languageEvents) assert.ok(pkg.activationEvents?.includes(e), `activates on ${e}`);
    assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.equal(pkg.main, './dist/extension.js');
    assert.ok(pkg.icon && fs.existsSync(path.join(repoRoot, pkg.icon)));
  });
});
