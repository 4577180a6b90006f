// Eval suites against the prompts they test: each variable a prompt reads is given, with the declared type (promptfoo suites and the prompt files they name too).

import picomatch from 'picomatch';
import { diag } from '../diagnostics';
import { isObj } from '../guards';
import type { Diagnostic, Fix } from '../diagnostics';
import type { EvalTest, InputDecl, InputType, ParsedFile } from '../formats/types';
import { promptFileTargets } from '../formats/promptfoo';
import { dirOf, joinInside } from '../library/paths';
import type { Asset, Catalog } from '../library/types';
import { nearest } from '../yaml/yamlDocument';
import { emptyRange } from '../text/textDocument';
import type { CheckIndex } from './checkIndex';
import type { InScope } from './scope';
import { isGlob } from './links';

/**
 * The prompt files of promptfoo suites (`file://prompt.txt`, `.json`, globs): a variable a file reads
 * that no test of a suite naming it gives is reported on the file, at the use, naming the suite (only
 * for suites whose vars are all known: none from a file, generator or red-team plugin).
 */
export function checkPromptfooPrompts(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  // The findings land on prompt files that suites name: a run whose scope holds none (typing in any other file) has nothing to do.
  if (![...inScope.files].some((f) => f.format === 'promptfoo-prompt')) return;
  let paths: string[] | undefined;
  const seen = new Set<string>();
  for (const suite of catalog.files.values()) {
    if (suite.format !== 'promptfoo' || !suite.evalSuite?.givenVars) continue;
    const given = suite.evalSuite.givenVars;
    for (const { target, range } of promptFileTargets(suite)) {
      const resolved = joinInside(dirOf(suite.path), target);
      if (resolved === undefined) continue;
      let named = [resolved];
      if (isGlob(resolved)) {
        const match = picomatch(resolved, { dot: true });
        named = (paths ??= [...catalog.files.keys()]).filter((p) => match(p));
      }
      for (const p of named) {
        const prompt = catalog.files.get(p);
        if (prompt?.format !== 'promptfoo-prompt' || !inScope(p)) continue;
        for (const u of prompt.variables ?? []) {
          if (given.includes(u.name)) continue;
          const key = `${p}\0${suite.path}\0${u.name}\0${u.range.start.line}:${u.range.start.character}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const guess = nearest(u.name, given);
          out.push(
            diag(
              'undefined-variable',
              p,
              u.range,
              `\`${u.name}\` is not given by the vars of any test of \`${suite.path}\` (nor its \`defaultTest.vars\`), so promptfoo renders it empty${guess ? `; did you mean \`${guess}\`?` : "; add it to the tests' vars, or fix the name."}`,
              { related: [{ file: suite.path, range, message: 'The promptfoo suite that uses this prompt' }] },
            ),
          );
        }
      }
    }
  }
}

/** True when a value is of a declared input type (eval vars here, render inputs in `genai-assets mcp`). */
export const typeOk: Record<InputType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: isObj,
  array: (v) => Array.isArray(v),
  null: (v) => v === null,
  any: () => true,
};

/** A var name as a YAML key: plain when it can be, else quoted. */
function yamlKey(name: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(name) ? name : JSON.stringify(name);
}

/** A value for a new var, as flow YAML: the prompt's sample when it has a short one of the right type, else an empty one of the input's type. */
function sampleValue(input: InputDecl, samples: readonly Record<string, unknown>[] | undefined): string {
  for (const s of samples ?? []) {
    const v = s[input.name];
    if (v === undefined || !typeOk[input.type](v)) continue;
    const text = JSON.stringify(v);
    if (text !== undefined && text.length <= 60) return text;
  }
  const empty: Record<InputType, string> = { string: '""', number: '0', integer: '0', boolean: 'false', object: '{}', array: '[]', null: 'null', any: '""' };
  return empty[input.type];
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

export function checkEvalVars(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope): void {
  for (const a of inScope.assets) {
    if (a.kind !== 'eval' || !a.entryFile || !inScope(a.entryFile)) continue;
    const suite = catalog.files.get(a.entryFile)?.evalSuite;
    if (!suite) continue;
    for (const r of a.references) {
      if (r.field !== 'targets') continue;
      if (r.ref.library && r.ref.library !== catalog.library.name) continue;
      const target = idx.resolve(r.ref).asset;
      if (!target || !target.entryFile) continue;
      const prompt = catalog.files.get(target.entryFile);
      if (!prompt?.inputs) continue;
      checkSuiteAgainst(a.entryFile, suite, prompt, target, out);
    }
  }
}

function checkSuiteAgainst(file: string, suite: NonNullable<ParsedFile['evalSuite']>, prompt: ParsedFile, target: Asset, out: Diagnostic[]): void {
  const inputs = new Map<string, InputDecl>(prompt.inputs!.map((i) => [i.name, i]));
  const related = (i: InputDecl | undefined) => [{ file: prompt.path, range: i?.range ?? emptyRange, message: i ? `\`${i.name}\` is declared here` : `Inputs of ${target.id}` }];
  const lacking = (test: EvalTest, name: string) => !test.opaqueVars && !suite.defaultVars.includes(name) && !test.vars.some((v) => v.name === name);
  // One fix per input, shared by its diagnostics: the var added to every test case that lacks it.
  const addVar = new Map<string, Fix[] | undefined>();
  const addVarFixes = (input: InputDecl): Fix[] | undefined => {
    if (addVar.has(input.name)) return addVar.get(input.name);
    const entry = `${yamlKey(input.name)}: ${sampleValue(input, prompt.samples)}`;
    const edits = suite.tests.flatMap((t) =>
      t.newVar && lacking(t, input.name) ? [{ range: t.newVar.range, newText: (t.newVar.header ?? '') + t.newVar.indent + t.newVar.line!.split('${name}').join(entry) }] : [],
    );
    const fixes = edits.length ? [{ title: `Add \`${input.name}\` to the tests' vars`, edits }] : undefined;
    addVar.set(input.name, fixes);
    return fixes;
  };
  for (const test of suite.tests) {
    if (test.opaqueVars) continue;
    for (const input of inputs.values()) {
      if (!input.required || input.default !== undefined || !lacking(test, input.name)) continue;
      out.push(
        diag('eval-vars-mismatch', file, test.range, `This test case does not give \`${input.name}\`, a required input of ${target.id}@${target.version}; add it under \`vars\`.`, {
          related: related(input),
          fixes: addVarFixes(input),
        }),
      );
    }
    for (const v of test.vars) {
      const input = inputs.get(v.name);
      if (!input) {
        const suggestion = nearest(v.name, [...inputs.keys()]);
        out.push(
          diag(
            'eval-vars-mismatch',
            file,
            v.range,
            `\`${v.name}\` is not an input of ${target.id}@${target.version}${suggestion ? `; did you mean \`${suggestion}\`?` : `; its inputs are ${[...inputs.keys()].join(', ') || 'none'}.`}`,
            {
              severity: 'warning',
              related: related(undefined),
            },
          ),
        );
        continue;
      }
      if (typeof v.value === 'string' && /^file:\/\//.test(v.value)) continue;
      if (!typeOk[input.type](v.value)) {
        out.push(
          diag(
            'eval-vars-mismatch',
            file,
            v.range,
            `\`${v.name}\` must be ${input.type === 'integer' || input.type === 'array' || input.type === 'object' ? 'an' : 'a'} ${input.type} for ${target.id}, but this test gives ${describeValue(v.value)}.`,
            {
              related: related(input),
            },
          ),
        );
      }
    }
  }
}
