// Writing an approval: the `approval` block of asset.yaml, bound to the asset's content by its digest.

import { isMap, isNode, isPair, isScalar, visit } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import { UserError } from '../errors';
import { approvalDigestContent, approvalSpan, parseManifest } from '../formats/manifests';
import { sha256Hex } from '../hash';
import type { ParsedFile } from '../formats/types';
import { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import { assetDigest } from './digest';
import type { Asset } from './types';
import { isObj } from '../guards';

export interface ApprovalResult {
  /** The new text of asset.yaml (BOM kept when the file had one). */
  text: string;
  digest: string;
}

/**
 * Returns asset.yaml's text with an `approval` block (by, date, digest) in place of the old one,
 * or added: a block mapping gets a block at the end (or where the old one stood), a flow mapping
 * (a one-line file, JSON) gets a flow entry in the same style. Comments and layout of the rest of
 * the file are kept byte for byte, and the result is parsed again to prove that every other field
 * kept its value. Throws a UserError, changing nothing, when that cannot be done: the file does not
 * parse, or the old approval block defines an anchor that other fields use.
 */
export function writeApproval(manifestText: string, asset: Pick<Asset, 'path' | 'files' | 'manifest'>, files: Map<string, ParsedFile>, by: string, date: string): ApprovalResult {
  const name = asset.manifest ?? 'asset.yaml';
  const doc = new TextDocument(manifestText);
  const y = new YamlSource(doc, name, 0, doc.text.length);
  const root = y.doc?.contents;
  if (!y.ok || !isMap(root) || !isObj(y.value)) throw new UserError(`${name} does not parse as a YAML mapping, so no approval can be written into it; fix it first (genai-assets validate).`);
  const pair = approvalPair(root);
  const shared = pair ? anchorsUsedOutside(root, pair) : [];
  if (shared.length) {
    throw new UserError(
      `${name}: the approval block defines the anchor ${shared.map((a) => `&${a}`).join(', ')}, which other fields use; replacing the block would change them. Write the value out where it is used (*${shared[0]}), then approve again.`,
    );
  }
  const digest = digestOf(name, doc.text, asset, files);
  const text = root.flow ? flowEdit(doc, root, pair, by, date, digest) : blockEdit(y, doc, root, by, date, digest);
  // Prove the edit: every other field as before, and the approval exactly as meant.
  const check = new YamlSource(new TextDocument(text), name, 0, text.length);
  const before = approvalDigestContent(y.value);
  const ap = isObj(check.value) ? check.value.approval : undefined;
  const kept = check.ok && isObj(check.value) && approvalDigestContent(check.value) === before;
  if (!kept || !isObj(ap) || ap.by !== by || ap.date !== date || ap.digest !== digest || Object.keys(ap).length !== 3) {
    throw new UserError(
      `${name} is laid out in a way the approval cannot be written into without changing other content (nothing was written). Add it by hand as a top-level key:\napproval:\n  by: ${JSON.stringify(by)}\n  date: ${JSON.stringify(date)}\n  digest: ${digest}`,
    );
  }
  return { text: (doc.hadBom ? '\ufeff' : '') + text, digest };
}

/** The asset's digest with this text as its asset.yaml (the approval block does not count). */
function digestOf(name: string, text: string, asset: Pick<Asset, 'path' | 'files' | 'manifest'>, files: Map<string, ParsedFile>): string {
  const parsed: ParsedFile = { path: name, format: 'asset-manifest', sha256: sha256Hex(text), size: text.length, text: true, diagnostics: [], meta: {} };
  parseManifest(parsed, new TextDocument(text));
  const merged = new Map(files);
  merged.set(parsed.path, parsed);
  const digest = assetDigest(asset, merged);
  if (!digest) throw new UserError(`Some files of the asset could not be read (or ${name} does not parse), so no digest can be computed; run genai-assets validate.`);
  return digest;
}

/** A block mapping: the approval block's lines replaced, or a block appended at the mapping's indentation. */
function blockEdit(y: YamlSource, doc: TextDocument, root: YAMLMap, by: string, date: string, digest: string): string {
  const eol = doc.eol;
  const t = doc.text;
  const first = (root.items[0] as Pair | undefined)?.key as Node | undefined;
  let indent = '';
  if (first?.range) {
    let a = first.range[0];
    while (a > 0 && (t[a - 1] === ' ' || t[a - 1] === '\t')) a--;
    if (a === 0 || t[a - 1] === '\n' || t[a - 1] === '\r') indent = t.slice(a, first.range[0]);
  }
  const block = `${indent}approval:${eol}${indent}  by: ${yamlString(by)}${eol}${indent}  date: ${JSON.stringify(date)}${eol}${indent}  digest: ${digest}${eol}`;
  const span = approvalSpan(y, doc);
  if (span) return t.slice(0, span[0]) + block + t.slice(span[1]);
  return (t.length === 0 || /[\r\n]$/.test(t) ? t : t + eol) + block;
}

/** A flow mapping (`{...}`, JSON): the approval entry replaced, or added after the last entry, in the mapping's quoting style. */
function flowEdit(doc: TextDocument, root: YAMLMap, pair: Pair | undefined, by: string, date: string, digest: string): string {
  const t = doc.text;
  const items = root.items as Pair[];
  const json = items.length > 0 && items.every((p) => isScalar(p.key) && p.key.type === 'QUOTE_DOUBLE');
  const key = json ? '"approval"' : 'approval';
  const q = (k: string) => (json ? `"${k}"` : k);
  const entry = `${key}: {${q('by')}: ${JSON.stringify(by)}, ${q('date')}: ${JSON.stringify(date)}, ${q('digest')}: ${JSON.stringify(digest)}}`;
  if (pair) {
    const k = pair.key as Node;
    const v = pair.value as Node | null;
    if (!k.range || !v?.range) return t; // refused by the check that follows
    return t.slice(0, k.range[0]) + entry + t.slice(v.range[1]);
  }
  if (!root.range) return t;
  const last = items[items.length - 1];
  const lastEnd = last ? ((last.value as Node | null)?.range?.[1] ?? (last.key as Node | null)?.range?.[1]) : undefined;
  if (lastEnd === undefined) {
    const open = t.indexOf('{', root.range[0]);
    return t.slice(0, open + 1) + entry + t.slice(open + 1);
  }
  // One entry per line (pretty JSON): the new one on its own line, indented like the last.
  const lastStart = (last.key as Node).range![0];
  let ls = lastStart;
  while (ls > 0 && (t[ls - 1] === ' ' || t[ls - 1] === '\t')) ls--;
  const ownLine = ls === 0 || t[ls - 1] === '\n' || t[ls - 1] === '\r';
  return t.slice(0, lastEnd) + (ownLine ? `,${doc.eol}${t.slice(ls, lastStart)}` : ', ') + entry + t.slice(lastEnd);
}

function approvalPair(root: YAMLMap): Pair | undefined {
  return (root.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'approval');
}

/** Anchors defined inside the approval pair that aliases outside it refer to. */
function anchorsUsedOutside(root: YAMLMap, pair: Pair): string[] {
  const inside = new Set<string>();
  const nodes = (p: Pair) => [p.key, p.value].filter((n): n is Node => isNode(n));
  for (const n of nodes(pair)) {
    visit(n, (_k, node) => {
      const anchor = (node as { anchor?: string } | null)?.anchor;
      if (anchor) inside.add(anchor);
    });
  }
  if (!inside.size) return [];
  const used = new Set<string>();
  for (const other of root.items as Pair[]) {
    if (other === pair) continue;
    for (const n of nodes(other)) {
      visit(n, {
        Alias(_k, node) {
          if (inside.has(node.source)) used.add(node.source);
        },
      });
    }
  }
  return [...used];
}

function yamlString(s: string): string {
  return /^[\w .@+-]+$/.test(s) && !/^[\d.+-]/.test(s) && !/^(true|false|null|yes|no|on|off)$/i.test(s) ? s : JSON.stringify(s);
}
