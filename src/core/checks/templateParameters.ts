// Template parameters as scaffold checks them: the schema compiles (every pattern runs in linear time) and accepts its own defaults.

import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import type { Asset } from '../library/types';
import { checkParameters } from '../library/parameters';

/**
 * One `schema` error on a template's asset.yaml for each thing scaffold would refuse with the
 * defaults alone: the same checkParameters call scaffold makes, so both give the same verdict (a
 * pattern RE2 cannot run, a default its own schema refuses).
 */
export function templateParameterDiagnostics(assets: Iterable<Asset>, rangeOf: (a: Asset) => Range): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const a of assets) {
    if (a.kind !== 'template' || !a.manifest || !a.parameters || typeof a.parameters !== 'object' || Array.isArray(a.parameters)) continue;
    for (const e of checkParameters(a.parameters, {}, { templateName: a.id }).errors) out.push(diag('schema', a.manifest, rangeOf(a), e));
  }
  return out;
}
