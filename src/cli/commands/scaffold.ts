// genai-assets scaffold: a new pilot from a template and approved components, written whole or not at all.

import * as nodePath from 'node:path';
import { UserError } from '../../core/errors';
import { applyScaffold, checkScaffoldTarget } from '../../core/scaffold/apply';
import { checkPilotName, planScaffold, resolveComponents, resolveTemplate } from '../../core/scaffold/plan';
import type { SelectedComponent } from '../../core/scaffold/plan';
import { checkParameters } from '../../core/library/parameters';
import type { ParameterSpec } from '../../core/library/parameters';
import { plural } from '../../core/text/plural';
import { nodeFileSystem, nodePathOps } from '../../node/fileSystem';
import type { CliIo } from '../io';
import { exitCodes } from '../io';
import { shownValue } from '../output';
import { recordedLocation } from '../../app/pilotLibrary';
import { defineCommand, helpText } from '../command';
import { libraryForScaffold, openLibraryForPilot, shown } from '../pilots';
import type { PilotCliDeps } from '../pilots';

export const scaffoldCommand = defineCommand({
  name: 'scaffold',
  synopsis: 'scaffold',
  summary: 'create a pilot from a template and approved components',
  usage: `scaffold --library DIR|URL --template REF --name NAME --out DIR
                            [--with REF,...] [--set KEY=VALUE ...] [--no-evals] [--ref REF] [--offline]`,
  description: `Creates a pilot in a new (or empty) folder from a template and components of a library.
Every reference resolves to the newest version its range allows whose status the library's
policy.scaffoldStatuses allows (default: approved); dependsOn is followed, and the eval suites
that target the chosen prompts are added. The template's files are rendered with Mustache
(its parameters are checked against its JSON Schema), the components are copied under the
template's layout (default genai-assets/<kind>/<id>/), and pilot.yaml, pilot.lock.json and a
README section listing the components are written. Nothing is written unless all of it is.`,
  options: {
    library: { type: 'string', value: 'DIR|URL', help: 'the library: a folder or a git URL (default: the one library of genai-assets.yaml)' },
    ref: { type: 'string', value: 'REF', help: 'branch, tag or commit of a git library' },
    template: { type: 'string', value: 'REF', help: 'the template, e.g. claims-assistant-pilot@^1.1' },
    name: { type: 'string', value: 'NAME', help: "the pilot's name (kebab-case)" },
    with: { type: 'strings', value: 'REF,...', help: 'components: prompts, eval suites, modules (repeatable, comma-separated)' },
    set: { type: 'strings', value: 'KEY=VALUE', help: 'a template parameter (repeatable); required ones not given are asked for' },
    'no-evals': { type: 'flag', help: 'do not add the eval suites that target the chosen prompts' },
    out: { type: 'string', value: 'DIR', help: 'the folder to create (must not exist, or be empty)' },
    offline: { type: 'flag', help: 'use the cached clone of a git library without syncing it' },
  },
  footer: 'Exit codes: 0 created; 2 refused (nothing written) or usage error.\n',
  run: ({ options: o }, io) =>
    runScaffold({ library: o.library, ref: o.ref, template: o.template, name: o.name, with: o.with, set: o.set, out: o.out, noEvals: o['no-evals'], offline: o.offline }, io),
});

export interface ScaffoldArgs {
  library?: string;
  ref?: string;
  template?: string;
  name?: string;
  with: string[];
  set: string[];
  out?: string;
  noEvals: boolean;
  offline: boolean;
}

function parseSets(sets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UserError(`--set needs KEY=VALUE, not \`${s}\`.`);
    const key = s.slice(0, eq).trim();
    if (key in out) throw new UserError(`--set gives \`${key}\` twice.`);
    out[key] = s.slice(eq + 1);
  }
  return out;
}

function question(p: ParameterSpec): string {
  const extra = [p.description, p.enum ? `one of ${p.enum.map((e) => JSON.stringify(e)).join(', ')}` : undefined].filter(Boolean).join('; ');
  return shownValue(`${p.title ?? p.name} (${p.name})${extra ? ` - ${extra}` : ''}`) + ': ';
}

function reasonText(c: SelectedComponent): string {
  if (c.reason === 'dependency') return ` (dependency${c.via ? ` of ${c.via}` : ''})`;
  if (c.reason === 'eval') return ` (eval suite of ${c.via})`;
  return '';
}

/** Runs `genai-assets scaffold`; returns the exit code. Refusals throw UserErrors (exit 2). */
export async function runScaffold(args: ScaffoldArgs, io: CliIo, deps: PilotCliDeps = {}): Promise<number> {
  const missingArgs = (['template', 'name', 'out'] as const).filter((k) => !args[k]);
  if (missingArgs.length) throw new UserError(`scaffold needs ${missingArgs.map((k) => `--${k}`).join(', ')}.\n\n${helpText(scaffoldCommand)}`);
  const nameProblem = checkPilotName(args.name!);
  if (nameProblem) throw new UserError(nameProblem);
  const out = nodePath.resolve(io.cwd, args.out!);
  // Refuse a non-empty target before any network or parsing work.
  await checkScaffoldTarget(nodeFileSystem, out);
  const started = Date.now();
  const src = await libraryForScaffold(args.library, args.ref, io);
  const lib = await openLibraryForPilot(src, io, deps, { offline: args.offline });
  try {
    const { catalog } = lib.opened;
    const template = resolveTemplate(catalog, args.template!);
    const refs = args.with
      .flatMap((w) => w.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const components = resolveComponents(catalog, refs, { includeEvals: !args.noEvals, requiredBy: [template.asset] });

    const given: Record<string, unknown> = parseSets(args.set);
    let check = checkParameters(template.asset.parameters, given, { raw: true, templateName: template.asset.id });
    if (!check.errors.length && check.missing.length && io.ask) {
      for (const p of check.missing) {
        const answer = await io.ask(question(p));
        if (answer === undefined) break;
        given[p.name] = answer;
      }
      check = checkParameters(template.asset.parameters, given, { raw: true, templateName: template.asset.id });
    }
    const problems = [...check.errors];
    for (const p of check.missing)
      problems.push(`Template \`${template.asset.id}\` needs the parameter \`${p.name}\`${p.description ? ` (${p.description})` : ''}; give it with --set ${p.name}=VALUE.`);
    if (problems.length) throw new UserError(problems.join('\n'));

    const plan = await planScaffold({
      catalog,
      source: lib.source,
      library: { name: catalog.library.name, ...(await recordedLocation(lib.opened, out)), commit: lib.commit },
      name: args.name!,
      template: template.asset,
      templateReference: template.reference,
      components,
      parameters: check.values,
    });
    for (const w of plan.warnings) io.err(`warning: ${w}\n`);
    await applyScaffold(nodeFileSystem, nodePathOps, out, plan.files);

    // Values from the library are escaped (shownValue), one value per line; the guard of all output escapes the rest.
    const lines = [
      `Created pilot ${args.name} in ${shownValue(shown(io, out))} from ${shownValue(`${template.asset.id} ${template.asset.version} (${catalog.library.name}`)}${/^[0-9a-f]{40}/.test(lib.commit) ? ` at ${lib.commit.slice(0, 12)}` : ''}):`,
    ];
    for (const c of components) lines.push(`  ${shownValue(`${c.asset.id} ${c.asset.version} (${c.asset.kind})${reasonText(c)} -> ${plan.folders.get(c.asset.id)}/`)}`);
    lines.push(`${plural(plan.files.length, 'file')} written in ${Date.now() - started} ms. Next: cd ${shown(io, out)} && genai-assets verify .`);
    io.out(lines.join('\n') + '\n');
    return exitCodes.clean;
  } finally {
    lib.close();
  }
}
