// The approval digest: sha256 over an asset's files, asset.yaml's approval block excluded.

import { createHash } from 'node:crypto';
import type { ParsedFile } from '../formats/types';
import type { Asset } from './types';

/**
 * `sha256:<hex>` over the sorted list of `path-in-folder NUL sha256(file) LF` lines of every file
 * of the asset; for asset.yaml the hash covers its text without the `approval` block, so writing
 * the approval does not change the digest. Undefined when a file's content is unknown.
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
  const h = createHash('sha256');
  for (const l of lines) h.update(l);
  return `sha256:${h.digest('hex')}`;
}
