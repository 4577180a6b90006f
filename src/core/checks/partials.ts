// Dotprompt partials: each one included exists, and none includes itself through others.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { dirOf } from '../library/paths';
import type { Catalog } from '../library/types';
import { emptyRange } from '../text/textDocument';
import type { InScope } from './scope';
import { dotpromptFiles } from '../formats/detect';

/**
 * Which of `candidates` (the Dotprompt files a partial name can mean) an include in the file at `fromPath` reads: one
 * declaring the name next to that file, then any next to it, then one in a `partials/` folder beside it, then any
 * declaring the name, then the first.
 */
export function partialFor(candidates: readonly ParsedFile[], fromPath: string, name: string): ParsedFile | undefined {
  const dir = dirOf(fromPath);
  return (
    candidates.find((f) => dirOf(f.path) === dir && f.partialName === name) ??
    candidates.find((f) => dirOf(f.path) === dir) ??
    candidates.find((f) => dirOf(f.path) === (dir ? `${dir}/partials` : 'partials')) ??
    candidates.find((f) => !!f.partialName) ??
    candidates[0]
  );
}

export function checkPartials(catalog: Catalog, out: Diagnostic[], inScope: InScope, scoped: boolean): void {
  if (scoped && ![...inScope.files].some((f) => f.format === 'dotprompt' && f.partials?.length && inScope(f.path))) return;
  const byName = new Map<string, ParsedFile[]>();
  for (const f of dotpromptFiles(catalog.files)) {
    const names = new Set<string>();
    if (f.partialName) names.add(f.partialName);
    const base = f.path.slice(f.path.lastIndexOf('/') + 1).replace(/\.prompt$/, '');
    names.add(base.replace(/^_/, ''));
    for (const n of names) {
      const list = byName.get(n);
      if (list) list.push(f);
      else byName.set(n, [f]);
    }
  }
  const resolve = (from: ParsedFile, name: string): ParsedFile | undefined => partialFor(byName.get(name) ?? [], from.path, name);
  const reported = new Set<string>();
  for (const f of inScope.files) {
    if (f.format !== 'dotprompt' || !f.partials || !inScope(f.path)) continue;
    for (const use of f.partials) {
      const target = resolve(f, use.name);
      if (!target) {
        out.push(diag('unknown-partial', f.path, use.range, `No partial \`${use.name}\` exists; create \`_${use.name}.prompt\` next to this file (or in a partials/ folder) or fix the name.`));
        continue;
      }
      // Cycle: does target lead back to f?
      const path = findCycle(target, f, resolve, new Set());
      if (path) {
        const key = `${f.path}|${use.name}`;
        if (reported.has(key)) continue;
        reported.add(key);
        out.push(
          diag('circular-partial', f.path, use.range, `Partial \`${use.name}\` includes this file again (${[f.path, ...path.map((p) => p.path)].join(' -> ')}); break the cycle.`, {
            related: [{ file: target.path, range: emptyRange, message: 'The partial of the cycle' }],
          }),
        );
      }
    }
  }
}

function findCycle(cur: ParsedFile, goal: ParsedFile, resolve: (from: ParsedFile, name: string) => ParsedFile | undefined, seen: Set<string>): ParsedFile[] | undefined {
  if (cur === goal) return [cur];
  if (seen.has(cur.path) || seen.size > 200) return undefined;
  seen.add(cur.path);
  for (const use of cur.partials ?? []) {
    const next = resolve(cur, use.name);
    if (!next) continue;
    const rest = findCycle(next, goal, resolve, seen);
    if (rest) return [cur, ...rest];
  }
  return undefined;
}
