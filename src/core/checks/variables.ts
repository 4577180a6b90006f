// undefined-variable and unused-variable: the body's variables against the declared inputs.

import { diag } from '../diagnostics';
import type { Diagnostic, Fix } from '../diagnostics';
import type { InputInsertion, ParsedFile } from '../formats/types';

/** Variables every template may use without declaring them (helpers' data and loop names). */
const implicit = new Set(['this', '@root', '@index', '@key', '@first', '@last', 'loop', 'true', 'false', 'null', 'undefined']);

/**
 * Compares `file.variables` with `file.inputs` and adds the two diagnostics, with fixes:
 * declare a missing input (in the format's own syntax) and remove an unused one.
 * Does nothing when the format declares no inputs (inputs undefined).
 */
export function checkVariables(file: ParsedFile, opts: { extraImplicit?: Iterable<string> } = {}): Diagnostic[] {
  const inputs = file.inputs;
  const uses = file.variables ?? [];
  if (!inputs) return [];
  const out: Diagnostic[] = [];
  const declared = new Set(inputs.map((i) => i.name));
  const extra = new Set(opts.extraImplicit ?? []);
  const reported = new Set<string>();
  for (const use of uses) {
    if (declared.has(use.name) || implicit.has(use.name) || extra.has(use.name)) continue;
    const fixes = declareFixes(file.inputInsertion, use.name);
    const first = !reported.has(use.name);
    reported.add(use.name);
    if (file.inputsUndeclared) {
      const message = `\`${use.name}\` is not declared: the prompt declares no inputs, so its runtime passes any input through unchecked${first ? '' : ' (used again here)'}; declare it to document and check it.`;
      out.push(diag('undefined-variable', file.path, use.range, message, { fixes, severity: 'info' }));
      continue;
    }
    out.push(diag('undefined-variable', file.path, use.range, `\`${use.name}\` is used but not declared in the inputs${first ? '' : ' (used again here)'}; declare it, or fix the name.`, { fixes }));
  }
  const used = new Set(uses.map((u) => u.name));
  for (const input of inputs) {
    if (used.has(input.name)) continue;
    const fixes = input.fullRange ? [{ title: `Remove unused input \`${input.name}\``, edits: [{ range: input.fullRange, newText: '' }] }] : undefined;
    out.push(diag('unused-variable', file.path, input.range, `Input \`${input.name}\` is declared but never used in the template; use it or remove it.`, { fixes }));
  }
  return out;
}

/**
 * The fixes that declare `name`: required and optional when the format can say both here
 * (required first; the editor puts optional first when eval suites cover the prompt), else the one it can.
 */
function declareFixes(ins: InputInsertion | undefined, name: string): Fix[] | undefined {
  if (!ins) return undefined;
  const edit = (line: string) => [{ range: ins.range, newText: (ins.header ?? '') + ins.indent + line.split('${name}').join(name) }];
  const both = ins.line !== undefined && ins.optionalLine !== undefined;
  const fixes: Fix[] = [];
  if (ins.line !== undefined) fixes.push({ title: both ? `Declare as required input \`${name}\`` : `Declare input \`${name}\``, edits: edit(ins.line), declares: 'required' });
  if (ins.optionalLine !== undefined) fixes.push({ title: both ? `Declare as optional input \`${name}\`` : `Declare optional input \`${name}\``, edits: edit(ins.optionalLine), declares: 'optional' });
  return fixes;
}
