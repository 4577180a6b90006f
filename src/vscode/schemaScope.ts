// Which of our JSON Schemas a YAML file gets from the Red Hat YAML extension: only manifests inside a library (or a pilot), never every file of that name; free of the vscode API so that it is unit-tested.

import * as nodePath from 'node:path';

export type ManifestSchema = 'library' | 'asset' | 'pilot';

/** The schema files of schemas/, by manifest. */
export const schemaFiles: Record<ManifestSchema, string> = {
  library: 'library.schema.json',
  asset: 'asset.schema.json',
  pilot: 'pilot.schema.json',
};

/** The manifest a file name is, if any (`library.yaml`, `asset.yml`...). */
export function manifestOf(fileName: string): ManifestSchema | undefined {
  const m = /^(library|asset|pilot)\.ya?ml$/.exec(fileName);
  return m ? (m[1] as ManifestSchema) : undefined;
}

/** What decides whether a file gets its schema. */
export interface SchemaScope {
  /** Folders holding a library.yaml that the extension knows: the workspace's and the Catalog's libraries. */
  libraryRoots: readonly string[];
  /** True when the file is a file of a git library (the extension's read-only view of its clone). */
  inLibraryView?: boolean;
  /** For pilot.yaml: a pilot.lock.json beside it, or a top-level `library:` in its text. */
  looksLikePilot?: () => boolean;
}

/**
 * The schema of a file, or undefined: `library.yaml` at a known library root, `asset.yaml` anywhere
 * under one, `pilot.yaml` when it looks like a pilot (pilots live outside libraries). `sep` is the
 * path separator of `file` and the roots.
 */
export function schemaFor(file: string, scope: SchemaScope, sep: string = nodePath.sep): ManifestSchema | undefined {
  const name = file.slice(file.lastIndexOf(sep) + 1);
  const kind = manifestOf(name);
  if (!kind) return undefined;
  if (kind === 'pilot') return scope.looksLikePilot?.() ? 'pilot' : undefined;
  if (scope.inLibraryView) return kind;
  const dir = file.slice(0, Math.max(0, file.lastIndexOf(sep)));
  const trim = (r: string) => (r.endsWith(sep) && r.length > 1 ? r.slice(0, -1) : r);
  if (kind === 'library') return scope.libraryRoots.some((r) => trim(r) === dir) ? kind : undefined;
  return scope.libraryRoots.some((r) => file.startsWith(trim(r) + sep)) ? kind : undefined;
}

/** True when a pilot.yaml's text names its library at the top level (`library:` mapping), as every pilot does. */
export function textLooksLikePilot(text: string): boolean {
  return /^library:[ \t]*(#.*)?\r?$/m.test(text.slice(0, 8192)) || /^library:[ \t]*\{/m.test(text.slice(0, 8192));
}
