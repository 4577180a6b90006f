// Asset entries: the file a manifest names exists inside its folder.

import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import type { Catalog } from '../library/types';
import { nearest } from '../yaml/yamlDocument';
import { manifestRange } from './scope';
import type { InScope } from './scope';

export function checkEntries(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest)) continue;
    const range = manifestRange(catalog, a, 'entry#value');
    if (a.entry !== undefined) {
      if (a.entryFile) continue;
      const folder = a.path;
      const escaped = escapes(folder, a.entry);
      if (escaped) {
        out.push(diag('path-escape', a.manifest, range, `The entry \`${a.entry}\` leads outside the asset folder; an entry must be a file inside \`${folder || '.'}\`. It was not read.`));
      } else {
        const options = a.files.filter((p) => p !== a.manifest).map((p) => p.slice(folder ? folder.length + 1 : 0));
        const suggestion = nearest(a.entry, options);
        out.push(
          diag(
            'entry-missing',
            a.manifest,
            range,
            `The entry file \`${a.entry}\` does not exist in \`${folder || '.'}\`${suggestion ? `; did you mean \`${suggestion}\`?` : '; create it or fix the path.'}`,
            {
              fixes: suggestion ? [{ title: `Use \`${suggestion}\``, edits: [{ range, newText: suggestion }] }] : undefined,
            },
          ),
        );
      }
    } else if ((a.kind === 'prompt' || a.kind === 'eval') && !a.entryFile) {
      out.push(
        diag(
          'entry-missing',
          a.manifest,
          manifestRange(catalog, a, 'kind#value'),
          `This ${a.kind} asset names no \`entry\` and its folder has no single ${a.kind === 'eval' ? 'eval suite' : 'prompt'} file to use; add \`entry: <file>\`.`,
        ),
      );
    }
  }
}

function escapes(folder: string, rel: string): boolean {
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[a-zA-Z]:/.test(rel)) return true;
  let depth = 0;
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '..') depth--;
    else if (seg && seg !== '.') depth++;
    if (depth < 0) return true;
  }
  void folder;
  return false;
}
