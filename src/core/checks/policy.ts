// The library policy on approved assets: owners, eval coverage, and an approval that still matches the content.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { approvalRequired, assetDigest } from '../library/digest';
import { referenceTo, resolveReference } from '../library/references';
import type { Asset, Catalog } from '../library/types';
import type { CheckIndex } from './checkIndex';
import { manifestRange } from './scope';
import type { InScope } from './scope';

export function checkPolicy(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope, scoped: boolean): void {
  const policy = catalog.library.policy;
  const covered = new Set<Asset>();
  /** Whether an asset satisfies a range, by asset and range (suites share targets). */
  const satisfies = new Map<Asset, Map<string, boolean>>();
  // Coverage is read for approved prompts in scope only: a scoped run follows only the targets naming them.
  const reported = (a: Asset): a is Asset & { manifest: string } => a.managed && a.status === 'approved' && !!a.manifest && inScope(a.manifest);
  const wanted = scoped ? new Set(inScope.assets.filter((a) => a.kind === 'prompt' && reported(a)).map((a) => a.id)) : undefined;
  // The suites that may cover them: every asset, or for a scoped run those naming a wanted id.
  const suites = !policy.requireEvalCoverage ? [] : wanted ? new Set([...wanted].flatMap((id) => idx.referrersOf(id))) : catalog.assets;
  for (const a of suites) {
    if (a.kind !== 'eval') continue;
    for (const r of a.references) {
      if (r.field !== 'targets' || (wanted && !wanted.has(r.ref.id))) continue;
      const t = idx.resolve(r.ref).asset;
      if (t) covered.add(t);
      // A suite that targets a range covers every version it satisfies.
      for (const c of idx.byId.get(r.ref.id) ?? []) {
        if (r.ref.range === undefined) {
          covered.add(c);
          continue;
        }
        let byRange = satisfies.get(c);
        if (!byRange) satisfies.set(c, (byRange = new Map()));
        let ok = byRange.get(r.ref.range);
        if (ok === undefined) byRange.set(r.ref.range, (ok = !!resolveReference({ ...r.ref }, new Map([[c.id, [c]]])).asset));
        if (ok) covered.add(c);
      }
    }
  }
  for (const a of inScope.assets) {
    if (!reported(a)) continue;
    const statusRange = manifestRange(catalog, a, 'status#value');
    if (policy.requireOwners && a.owners.length === 0) {
      out.push(diag('approved-without-owners', a.manifest, statusRange, `\`${a.id}\` is approved but names no owners; the library policy requires \`owners\` for approved assets.`));
    }
    if (policy.requireEvalCoverage && a.kind === 'prompt' && !covered.has(a)) {
      out.push(
        diag(
          'approved-without-eval',
          a.manifest,
          statusRange,
          `\`${a.id}\` is an approved prompt with no eval suite targeting it; the library policy requires one (an eval asset with \`targets: [${referenceTo(a)}]\`).`,
        ),
      );
    }
  }
}

export function checkApprovals(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest)) continue;
    if (!a.approval) {
      if (!approvalRequired(catalog, a)) continue;
      const range = manifestRange(catalog, a, 'status#value');
      out.push(
        diag(
          'approval-missing',
          a.manifest,
          range,
          `\`${a.id}\` is approved but has no approval, and the library's policy requires one (requireApproval); have it reviewed and run \`genai-assets approve ${a.id}@${a.version}\`, or set its status back to review. Scaffold, add and update refuse it until then.`,
        ),
      );
      continue;
    }
    const digest = assetDigest(a, catalog.files);
    if (!digest || digest === a.approval.digest) continue;
    const range = manifestRange(catalog, a, 'approval.digest#value');
    out.push(
      diag(
        'approval-digest-mismatch',
        a.manifest,
        range,
        `The content of \`${a.id}\` changed since ${a.approval.by || 'someone'} approved it on ${a.approval.date || 'an unknown date'}; have it reviewed again and re-approve it (\`genai-assets approve ${a.id}@${a.version}\`).`,
        {
          fixes: [{ title: 'Recompute the approval digest (maintainers)', edits: [{ range, newText: digest }], maintainersOnly: true }],
        },
      ),
    );
  }
}
