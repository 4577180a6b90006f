// Writing an approval: the `approval` block of asset.yaml, bound to the asset's content by its digest.

import { approvalSpan, parseManifest, sha256Hex } from '../formats/manifests';
import type { ParsedFile } from '../formats/types';
import { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import { assetDigest } from './digest';
import type { Asset } from './types';

export interface ApprovalResult {
  /** The new text of asset.yaml (BOM kept when the file had one). */
  text: string;
  digest: string;
}

/**
 * Returns asset.yaml's text with an `approval` block (by, date, digest) in place of the old one,
 * or appended; comments and layout of the rest of the file are kept byte for byte.
 */
export function writeApproval(manifestText: string, asset: Pick<Asset, 'path' | 'files' | 'manifest'>, files: Map<string, ParsedFile>, by: string, date: string): ApprovalResult {
  const doc = new TextDocument(manifestText);
  const eol = doc.eol;
  const y = new YamlSource(doc, asset.manifest ?? 'asset.yaml', 0, doc.text.length);
  if (!y.ok) throw new Error('asset.yaml does not parse; fix it before approving.');
  const span = approvalSpan(y, doc);
  const t = doc.text;
  let before: string;
  let after: string;
  if (span) {
    before = t.slice(0, span[0]);
    after = t.slice(span[1]);
  } else {
    before = t.length === 0 || /[\r\n]$/.test(t) ? t : t + eol;
    after = '';
  }
  const block = (digest: string) => `approval:${eol}  by: ${yamlString(by)}${eol}  date: ${JSON.stringify(date)}${eol}  digest: ${digest}${eol}`;
  const placeholder = `sha256:${'0'.repeat(64)}`;
  const draft = before + block(placeholder) + after;
  // The digest covers the manifest without its approval block: compute it from the draft itself.
  const parsed: ParsedFile = { path: asset.manifest ?? 'asset.yaml', format: 'asset-manifest', sha256: sha256Hex(draft), size: draft.length, text: true, diagnostics: [], meta: {} };
  parseManifest(parsed, new TextDocument(draft));
  const merged = new Map(files);
  merged.set(parsed.path, parsed);
  const digest = assetDigest(asset, merged);
  if (!digest) throw new Error('Some files of the asset could not be read, so no digest can be computed.');
  const text = (doc.hadBom ? '\ufeff' : '') + before + block(digest) + after;
  return { text, digest };
}

function yamlString(s: string): string {
  return /^[\w .@+-]+$/.test(s) && !/^[\d.+-]/.test(s) && !/^(true|false|null|yes|no|on|off)$/i.test(s) ? s : JSON.stringify(s);
}
