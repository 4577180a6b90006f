// References between assets: to a known id, with a version or range one of its versions satisfies, and not to a deprecated asset.

import { diag } from '../diagnostics';
import type { Diagnostic, Fix } from '../diagnostics';
import { newest, referenceTo, isValidRange } from '../library/references';
import type { Asset, Catalog } from '../library/types';
import { nearestIn } from '../yaml/yamlDocument';
import type { CheckIndex } from './checkIndex';
import { manifestRange } from './scope';
import type { InScope } from './scope';

export function checkReferences(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope): void {
  const byId = idx.byId;
  const nearestId = nearestIn(idx.ids());
  // Per id: the suggestion for an unknown one, the newest approved version of a known one.
  const suggestions = new Map<string, string | undefined>();
  const approvedOf = new Map<string, Asset | undefined>();
  for (const a of inScope.assets) {
    if (!inScope(a.manifest)) continue;
    for (const r of a.references) {
      if (!a.manifest) continue;
      const ref = r.ref;
      if (ref.library && ref.library !== catalog.library.name) continue; // another library: checked where it is loaded
      const candidates = byId.get(ref.id) ?? [];
      if (!candidates.length) {
        if (!suggestions.has(ref.id)) suggestions.set(ref.id, nearestId(ref.id));
        const suggestion = suggestions.get(ref.id);
        out.push(
          diag(
            'unknown-reference',
            a.manifest,
            r.rangeInManifest,
            `\`${r.field}\` names \`${ref.raw}\`, but no asset has the id \`${ref.id}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`,
            {
              fixes: suggestion ? [{ title: `Use \`${suggestion}\``, edits: [{ range: r.rangeInManifest, newText: ref.raw.replace(ref.id, suggestion) }] }] : undefined,
            },
          ),
        );
        continue;
      }
      if (ref.range !== undefined && !isValidRange(ref.range)) {
        out.push(diag('unsatisfied-version', a.manifest, r.rangeInManifest, `\`${ref.range}\` in \`${ref.raw}\` is not a semver range; write e.g. \`${ref.id}@^1.0\`.`));
        continue;
      }
      const res = idx.resolve(ref);
      if (!approvedOf.has(ref.id)) approvedOf.set(ref.id, newest(candidates.filter((c) => c.status === 'approved')));
      const latestApproved = approvedOf.get(ref.id);
      if (!res.asset) {
        const versions = candidates.map((c) => `${c.version} (${c.status})`).join(', ');
        const target = latestApproved ?? newest(candidates);
        out.push(
          diag('unsatisfied-version', a.manifest, r.rangeInManifest, `No version of \`${ref.id}\` satisfies \`${ref.range}\`; available: ${versions}.`, {
            fixes: target ? [{ title: `Use \`${referenceTo(target)}\``, edits: [{ range: r.rangeInManifest, newText: prefixed(ref.library, referenceTo(target)) }] }] : undefined,
          }),
        );
        continue;
      }
      const target = res.asset;
      if (target.status === 'deprecated' && r.field !== 'replacedBy') {
        const fixes: Fix[] = [];
        if (target.replacedBy) fixes.push({ title: `Replace with \`${target.replacedBy}\``, edits: [{ range: r.rangeInManifest, newText: target.replacedBy }] });
        out.push(
          diag(
            'deprecated-reference',
            a.manifest,
            r.rangeInManifest,
            `\`${ref.raw}\` resolves to ${target.id}@${target.version}, which is deprecated${target.replacedBy ? `; use \`${target.replacedBy}\` instead` : ''}.`,
            {
              fixes,
              related: target.manifest ? [{ file: target.manifest, range: manifestRange(catalog, target, 'status#value'), message: 'Deprecated here' }] : undefined,
            },
          ),
        );
      } else if (latestApproved && latestApproved !== target && latestApproved.version !== target.version && ref.range !== undefined && r.field !== 'replacedBy') {
        // Not a problem, but a fix is offered on deprecated/unsatisfied refs only; nothing to report here.
      }
    }
  }
}

function prefixed(lib: string | undefined, ref: string): string {
  return lib ? `${lib}:${ref}` : ref;
}
