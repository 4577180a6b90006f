// Go to definition and document links: partials, asset references, pilot components and the files a prompt or suite names, resolved in the live catalogs.

import { partialFor } from '../checks/partials';
import type { Position, Range } from '../diagnostics';
import type { ParsedFile } from '../formats/types';
import { dirOf, joinInside } from '../library/paths';
import { indexById, parseReference, resolveReference } from '../library/references';
import type { Catalog } from '../library/types';
import { catalogFor, referenceField } from './hover';
import type { EditorFile } from './hover';
import { yamlNodeAt, yamlRegionOf } from './yamlContext';
import { dotpromptFiles } from '../formats/detect';

/** Where a definition or link leads: a library-relative path of a catalog (a range in it when known). */
export interface DefinitionTarget {
  /** The catalog holding the target: the file's own, or another loaded library's (pilot components, `library:id` references). */
  catalog: Catalog;
  path: string;
  range?: Range;
}

/** A span of the file that leads somewhere. */
export interface DefinitionLink {
  /** The span in the file: the partial's name, the reference, the path. */
  range: Range;
  target: DefinitionTarget;
  kind: 'partial' | 'reference' | 'file';
}

function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

/**
 * The Dotprompt file a partial name includes, as the partial checks find it (checks/partials.ts partialFor):
 * `_name.prompt` (or a file declaring that partial name) next to the file, then in a `partials/`
 * folder beside it, then any file declaring the name, then any file of that base name.
 */
export function resolvePartial(catalog: Catalog, fromPath: string, name: string): ParsedFile | undefined {
  const list: ParsedFile[] = [];
  for (const f of dotpromptFiles(catalog.files)) {
    if (f.path === fromPath) continue;
    const base = f.path.slice(f.path.lastIndexOf('/') + 1).replace(/\.prompt$/, '');
    if (f.partialName === name || base.replace(/^_/, '') === name) list.push(f);
  }
  return partialFor(list, fromPath, name);
}

/**
 * The library-relative path a link of a file names (`file://x` of a promptfoo suite, `${file:x}` of a
 * Prompty file: relative to the file), or undefined for URLs, globs and paths that leave the library.
 */
export function resolveLinkPath(fromPath: string, target: string): string | undefined {
  const t = target.replace(/^file:\/\//, '').replace(/\\/g, '/');
  if (/^[a-z][\w+.-]*:\/\//i.test(t) || t.startsWith('/') || /^[a-zA-Z]:\//.test(t) || /[*?[\]{}]/.test(t)) return undefined;
  return joinInside(dirOf(fromPath), t) || undefined;
}

/**
 * The links of a file to other files (what a document link provider underlines), inside the library.
 * Whether the file exists is the caller's to check: the catalog lists only the files it reads
 * (a Prompty file's `${file:schema.json}` is not one of them).
 */
export function fileLinks(ctx: EditorFile): DefinitionLink[] {
  const { file, catalog } = ctx;
  if (!catalog) return [];
  const out: DefinitionLink[] = [];
  for (const link of file.links ?? []) {
    const path = resolveLinkPath(file.path, link.target);
    if (path) out.push({ range: link.range, target: { catalog, path }, kind: 'file' });
  }
  return out;
}

/** Where the thing under a position is defined: a partial's file, a referenced asset's manifest, a linked file; undefined when nothing leads anywhere. */
export function definitionAt(ctx: EditorFile, pos: Position): DefinitionLink | undefined {
  const { file, doc, catalog } = ctx;
  // 1. Partials of a Dotprompt body.
  const use = file.partials?.find((p) => contains(p.range, pos));
  if (use) {
    const target = catalog && resolvePartial(catalog, file.path, use.name);
    return target && catalog ? { range: use.range, target: { catalog, path: target.path }, kind: 'partial' } : undefined;
  }
  // 2. Files named by a suite or a Prompty file.
  const link = fileLinks(ctx).find((l) => contains(l.range, pos));
  if (link) return link;
  // 3. Manifests: an asset's entry; references (asset.yaml targets, dependsOn, replacedBy; pilot.yaml template and components).
  const region = yamlRegionOf(file.format, doc);
  if (!region) return undefined;
  const hit = yamlNodeAt(doc, region, doc.offsetAt(pos));
  if (!hit || hit.on !== 'value' || typeof hit.value !== 'string') return undefined;
  // An asset's `entry`: the file, relative to the manifest.
  if (file.format === 'asset-manifest' && hit.path.length === 1 && hit.path[0] === 'entry') {
    const path = catalog && resolveLinkPath(file.path, hit.value);
    return path && catalog ? { range: doc.rangeOf(hit.start, hit.end), target: { catalog, path }, kind: 'file' } : undefined;
  }
  const field = referenceField(file.format, hit.path);
  if (!field) return undefined;
  const ref = parseReference(hit.value);
  const where = ref && catalogFor(ctx, ref.library, field);
  if (!ref || !where) return undefined;
  const asset = resolveReference(ref, indexById(where.assets)).asset;
  const path = asset?.manifest ?? asset?.entryFile;
  if (!path) return undefined;
  return { range: doc.rangeOf(hit.start, hit.end), target: { catalog: where, path }, kind: 'reference' };
}
