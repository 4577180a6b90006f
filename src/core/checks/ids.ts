// Asset ids: unique in the library, and the manifest's id matching its folder.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { Asset, Catalog } from '../library/types';
import { emptyRange } from '../text/textDocument';
import { manifestRange } from './scope';
import type { InScope } from './scope';

/** The folder name of a managed asset whose manifest's id differs from it; undefined when they match (a version folder may hold an asset named after its parent). */
function idFolderMismatch(catalog: Catalog, a: Asset): string | undefined {
  const doc = a.manifest ? (catalog.files.get(a.manifest)?.document as Record<string, unknown> | undefined) : undefined;
  if (!doc || typeof doc.id !== 'string') return undefined;
  const parts = a.path.split('/');
  const folder = parts[parts.length - 1] ?? '';
  const parent = parts[parts.length - 2];
  // Version folders (prompts/summarize/1.2.0/asset.yaml) may hold an asset named after their parent.
  if (!folder || doc.id === folder || (parent === doc.id && /^v?\d+(\.\d+){0,2}$/.test(folder))) return undefined;
  return folder;
}

export function checkIds(catalog: Catalog, byId: Map<string, Asset[]>, out: Diagnostic[], inScope: InScope, scoped: boolean): void {
  /** Manifests told of a duplicate id that also differs from its folder (no id-mismatch of their own). */
  const duplicates = new Set<string>();
  // A scoped run reports on in-scope manifests only: the ids of the other assets need no look.
  const ids = scoped ? new Set(inScope.assets.filter((a) => a.managed && inScope(a.manifest)).map((a) => a.id)) : byId.keys();
  for (const id of ids) {
    const list = byId.get(id) ?? [];
    const managed = list.filter((a) => a.managed);
    const seen = new Map<string, Asset>();
    for (const a of managed) {
      const other = seen.get(a.version);
      if (other) {
        if (!inScope(a.manifest)) continue;
        // An id that also differs from its folder: one finding, whose fix (the folder's name) ends both.
        const folder = idFolderMismatch(catalog, a);
        if (folder !== undefined) duplicates.add(a.manifest!);
        const fix = folder !== undefined && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(folder) ? folder : undefined;
        const range = manifestRange(catalog, a, 'id#value');
        out.push(
          diag(
            'duplicate-id',
            a.manifest!,
            range === emptyRange ? manifestRange(catalog, a, 'kind') : range,
            `Another asset (${other.path}) already has id \`${id}\` at version ${a.version}; give one of them a different id or version.${folder !== undefined ? ` This one's folder is \`${folder}\`: an id equal to it ends both problems.` : ''}`,
            {
              related: [{ file: other.manifest!, range: manifestRange(catalog, other, 'id#value'), message: `The other asset with id \`${id}\`` }],
              fixes: fix && range !== emptyRange ? [{ title: `Set id to \`${fix}\``, edits: [{ range, newText: fix }] }] : undefined,
            },
          ),
        );
      } else seen.set(a.version, a);
    }
  }
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest) || duplicates.has(a.manifest)) continue;
    const folder = idFolderMismatch(catalog, a);
    if (folder === undefined) continue;
    const doc = catalog.files.get(a.manifest)?.document as Record<string, unknown>;
    const range = manifestRange(catalog, a, 'id#value');
    out.push(
      diag('id-mismatch', a.manifest, range, `The id \`${doc.id}\` differs from the folder name \`${folder}\`; rename one so they match, so people can find the asset by its folder.`, {
        fixes: /^[a-z0-9]+(-[a-z0-9]+)*$/.test(folder) ? [{ title: `Set id to \`${folder}\``, edits: [{ range, newText: folder }] }] : undefined,
      }),
    );
  }
}
