// The approval digest: sha256 over an asset's files (asset.yaml by its parsed content, the approval excluded), and whether an approval holds.

import type { ParsedFile } from '../formats/types';
import type { Asset, Catalog } from './types';
import { sha256Hex } from '../hash';

/**
 * `sha256:<hex>` over the sorted list of `path-in-folder NUL sha256 LF` lines of every file of
 * the asset. Each file counts by the sha256 of its bytes, except asset.yaml, which counts by the
 * sha256 of its parsed content without the `approval` key (ParsedFile.digestSha256, see
 * approvalDigestContent in formats/manifests.ts): writing the approval does not change the
 * digest, and no other key can change without changing it. Undefined when a file's content is
 * unknown (or asset.yaml did not parse).
 */
export function assetDigest(asset: Pick<Asset, 'path' | 'files' | 'manifest'>, files: Map<string, ParsedFile>): string | undefined {
  const lines: string[] = [];
  const prefix = asset.path ? asset.path + '/' : '';
  for (const p of asset.files) {
    const f = files.get(p);
    if (!f || !f.sha256) return undefined;
    const hash = p === asset.manifest ? f.digestSha256 : f.sha256;
    if (!hash) return undefined;
    lines.push(`${p.startsWith(prefix) ? p.slice(prefix.length) : p}\0${hash}\n`);
  }
  lines.sort();
  return `sha256:${sha256Hex(lines.join(''))}`;
}

/** Whether the library's policy asks `asset` for an approval: an `approved` managed asset, unless policy.requireApproval is false. */
export function approvalRequired(catalog: Pick<Catalog, 'library'>, asset: Pick<Asset, 'managed' | 'manifest' | 'status'>): boolean {
  return asset.managed && !!asset.manifest && asset.status === 'approved' && catalog.library.policy.requireApproval !== false;
}

/**
 * Why `asset` may not be used in a pilot on account of its approval, or undefined when it may:
 * an approval whose digest does not match the asset's content, or none where the policy asks for
 * one. `role` starts the message ("Component", "Template").
 */
export function approvalProblem(catalog: Pick<Catalog, 'library' | 'files'>, asset: Asset, role: string): string | undefined {
  const approve = `a maintainer must review it and run \`genai-assets approve ${asset.id}@${asset.version}\``;
  if (asset.approval) {
    const digest = assetDigest(asset, catalog.files);
    if (digest === asset.approval.digest) return undefined;
    return `${role} \`${asset.id}\` ${asset.version} does not match its approval (approval-digest-mismatch): its content changed since ${asset.approval.by || 'someone'} approved it on ${asset.approval.date || 'an unknown date'}; ${approve}.`;
  }
  if (!approvalRequired(catalog, asset)) return undefined;
  return `${role} \`${asset.id}\` ${asset.version} is approved but has no approval in ${asset.manifest} (approval-missing; the library's policy requireApproval asks for one); ${approve}.`;
}
