// library.yaml, asset.yaml and pilot.yaml: parse with positions and check against their schemas.

import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { Range } from '../diagnostics';
import { validatorFor } from '../schemas';
import type { SchemaName } from '../schemas';
import type { TextDocument } from '../text/textDocument';
import { canonicalJson } from './canonicalJson';
import { YamlSource } from '../yaml/yamlDocument';
import type { CatalogLevel, ParsedFile } from './types';
import { sha256Hex } from '../hash';
import type { FormatModule } from './registry';

/** library.yaml: the library's name, models, policy. */
export const libraryManifestFormat: FormatModule<'library-manifest'> = {
  id: 'library-manifest',
  label: 'Library manifest',
  files: [{ name: 'library.yaml' }, { name: 'library.yml' }],
  parse: (f, d, l) => void parseManifest(f, d, l),
  yaml: { in: 'file', schema: 'library' },
};

/** asset.yaml: a managed asset's id, version, status and files. */
export const assetManifestFormat: FormatModule<'asset-manifest'> = {
  id: 'asset-manifest',
  label: 'Asset manifest',
  files: [{ name: 'asset.yaml' }, { name: 'asset.yml' }],
  parse: (f, d, l) => void parseManifest(f, d, l),
  yaml: { in: 'file', schema: 'asset' },
};

/** pilot.yaml: a pilot's template and components. */
export const pilotManifestFormat: FormatModule<'pilot-manifest'> = {
  id: 'pilot-manifest',
  label: 'Pilot manifest',
  files: [{ name: 'pilot.yaml' }, { name: 'pilot.yml' }],
  parse: (f, d, l) => void parseManifest(f, d, l),
  yaml: { in: 'file', schema: 'pilot' },
};

const requiredSkeleton: Record<string, string> = { kind: 'prompt', version: '0.1.0', status: 'draft' };

/**
 * Parses one of our manifests into `file` (document, ranges, diagnostics). `file.sha256`, when
 * set, must be the hash of the text's UTF-8 bytes (BOM included when the text had one), as
 * parseFile sets it: the approval digest reuses it.
 */
export function parseManifest(file: ParsedFile, doc: TextDocument, level: CatalogLevel = 'full'): YamlSource {
  const full = level === 'full';
  const schema: SchemaName = file.format === 'library-manifest' ? 'library' : file.format === 'asset-manifest' ? 'asset' : 'pilot';
  const y = new YamlSource(doc, file.path, 0, doc.text.length);
  file.diagnostics.push(...y.diagnostics);
  if (!y.ok) return y;
  const value = y.value ?? {};
  file.document = value;
  if (full) file.ranges = collectRanges(y);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (full) file.diagnostics.push(...y.validate(validatorFor(schema), { value, what: 'the manifest' }));
    return y;
  }
  const diags = full ? y.validate(validatorFor(schema), { value, what: 'the manifest' }) : [];
  if (full && file.format === 'asset-manifest') {
    const missing = Object.keys(requiredSkeleton).filter((k) => !(k in (value as Record<string, unknown>)));
    if (missing.length) {
      const end = doc.positionAt(doc.text.length);
      const needsBreak = doc.text.length > 0 && !/[\r\n]$/.test(doc.text);
      const text = (needsBreak ? doc.eol : '') + missing.map((k) => `${k}: ${requiredSkeleton[k]}`).join(doc.eol) + doc.eol;
      for (const d of diags) {
        if (d.code === 'schema' && / is missing the required field /.test(d.message) && missing.some((m) => d.message.includes(`\`${m}\``))) {
          d.fixes = [{ title: `Add the required fields (${missing.join(', ')})`, edits: [{ range: { start: end, end }, newText: text }] }];
        }
      }
    }
    file.digestSha256 = sha256Hex(approvalDigestContent(value as Record<string, unknown>));
  }
  file.diagnostics.push(...diags);
  const v = value as Record<string, unknown>;
  if (typeof v.title === 'string') file.meta.title = v.title;
  if (typeof v.description === 'string') file.meta.description = v.description;
  if (typeof v.version === 'string') file.meta.version = v.version;
  if (typeof v.name === 'string') file.meta.name = v.name;
  if (Array.isArray(v.tags)) file.meta.tags = v.tags.filter((t): t is string => typeof t === 'string');
  return y;
}

/**
 * What an approval digest covers of asset.yaml: its parsed value (anchors resolved, so an alias
 * counts with the value it stands for) without the top-level `approval` key, as canonical JSON
 * (canonicalJson.ts: sorted keys, no whitespace). Layout, quoting, comments, key order and the
 * approval block itself do not count; every other key and value does, however it is written.
 */
export function approvalDigestContent(manifest: Record<string, unknown>): string {
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(manifest)) {
    if (k !== 'approval') Object.defineProperty(rest, k, { value: manifest[k], enumerable: true, writable: true, configurable: true });
  }
  return canonicalJson(rest);
}

/** [start, end) of the top-level `approval` block of a block mapping: whole lines, its last line break included (the lines approve replaces). */
export function approvalSpan(y: YamlSource, doc: TextDocument): [number, number] | undefined {
  const root = y.doc?.contents;
  if (!isMap(root)) return undefined;
  const pair = (root.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'approval');
  if (!pair) return undefined;
  const key = pair.key as Node;
  const val = pair.value as Node | null;
  if (!key.range) return undefined;
  const t = doc.text;
  let a = key.range[0];
  while (a > 0 && t[a - 1] !== '\n' && t[a - 1] !== '\r') a--;
  let b = val?.range ? val.range[1] : key.range[1];
  // A block value ends after its last line break already: the next line is another key's.
  if (b > a && (t[b - 1] === '\n' || t[b - 1] === '\r')) return [a, b];
  // To the end of the value's last line, and its line break.
  while (b < t.length && t[b] !== '\n' && t[b] !== '\r') b++;
  if (t[b] === '\r' && t[b + 1] === '\n') b += 2;
  else if (t[b] === '\n' || t[b] === '\r') b += 1;
  return [a, b];
}

/**
 * Dotted paths (`path` and `path#value`) by parent path and key: the manifests of a library use the same
 * few hundred, and a path string made once is a property name found at once (bounded: cleared when full).
 */
const pathCache = new Map<string, Map<string, [string, string]>>();

function pathsOf(prefix: string, key: string, dotAlways: boolean): [string, string] {
  const slot = dotAlways ? `${prefix}\u0000` : prefix;
  let byKey = pathCache.get(slot);
  if (!byKey) {
    if (pathCache.size >= 4096) pathCache.clear();
    pathCache.set(slot, (byKey = new Map()));
  }
  let paths = byKey.get(key);
  if (!paths) {
    const path = prefix || dotAlways ? `${prefix}.${key}` : key;
    if (byKey.size >= 4096) byKey.clear();
    byKey.set(key, (paths = [path, `${path}#value`]));
  }
  return paths;
}

/** Ranges of every mapping key and sequence item by dotted path (values' ranges under `path#value`). */
function collectRanges(y: YamlSource): Record<string, Range> {
  const out: Record<string, Range> = {};
  const walk = (node: unknown, prefix: string, depth: number): void => {
    if (depth > 6) return;
    if (isMap(node)) {
      for (const item of node.items as Pair[]) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const k = item.key as Node;
        const [path, valuePath] = pathsOf(prefix, String((item.key as { value: unknown }).value), false);
        if (k.range) out[path] = y.range(k.range[0], k.range[1]);
        const v = item.value as Node | null;
        if (v?.range) out[valuePath] = y.trimmedRange(v.range[0], v.range[1]);
        walk(item.value, path, depth + 1);
      }
    } else if (isSeq(node)) {
      const items = node.items;
      for (let i = 0; i < items.length; i++) {
        const n = items[i] as Node;
        const [path, valuePath] = pathsOf(prefix, String(i), true);
        if (n?.range) {
          out[path] = y.trimmedRange(n.range[0], n.range[1]);
          out[valuePath] = out[path];
        }
        walk(n, path, depth + 1);
      }
    }
  };
  walk(y.doc?.contents, '', 0);
  return out;
}
