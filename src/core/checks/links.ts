// Links from a file to others (Prompty `${file:}`, promptfoo `file://`): inside the library, to something listed.

import picomatch from 'picomatch';
import { diag } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { dirOf, joinInside } from '../library/paths';
import { listingOf } from '../library/build';
import type { Catalog } from '../library/types';
import type { InScope } from './scope';

/** The library's listed paths: files and links leading inside (true), links leading out (false); and the folders holding them. */
interface ListedPaths {
  paths: Map<string, boolean>;
  folders: Set<string>;
}

function listedPaths(catalog: Catalog): ListedPaths {
  const paths = new Map<string, boolean>();
  for (const e of listingOf(catalog).entries) paths.set(e.path, e.type === 'file' || e.linkInside === true);
  // Files a rebuild added without a listing entry (an editor's new file) are listed too.
  for (const p of catalog.files.keys()) if (!paths.has(p)) paths.set(p, true);
  const folders = new Set<string>();
  for (const p of paths.keys()) for (let d = dirOf(p); d && !folders.has(d); d = dirOf(d)) folders.add(d);
  return { paths, folders };
}

export function isGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

/** Whether a library-relative path (or glob) names something listed: a file, a folder, or a match of the glob. */
function findListed(listed: ListedPaths, path: string): 'found' | 'missing' | 'outside' {
  const at = listed.paths.get(path);
  if (at !== undefined) return at ? 'found' : 'outside';
  if (listed.folders.has(path) || path === '') return 'found';
  if (!isGlob(path)) return 'missing';
  const match = picomatch(path, { dot: true });
  for (const [p, inside] of listed.paths) if (inside && match(p)) return 'found';
  return 'missing';
}

/**
 * Links from a file to others (Prompty `${file:}`, promptfoo `file://` prompts, tests, functions): they
 * must stay inside the library and name a listed file (whatever its format: a `.txt` prompt, a
 * `.csv` of tests), a link that stays inside, or a folder; a glob must match at least one file.
 */
export function checkLinks(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  let listed: ListedPaths | undefined;
  for (const f of inScope.files) {
    if (!f.links?.length || !inScope(f.path)) continue;
    for (const link of f.links) {
      const target = link.target.replace(/^file:\/\//, '');
      if (/^[a-z][\w+.-]*:\/\//i.test(target)) continue;
      const resolved = joinInside(dirOf(f.path), target);
      if (resolved === undefined) {
        out.push(diag('path-escape', f.path, link.range, `\`${link.target}\` leads outside the library; it was not read. Keep referenced files inside the library.`));
        continue;
      }
      listed ??= listedPaths(catalog);
      const found = findListed(listed, resolved);
      if (found === 'outside') {
        out.push(
          diag('path-escape', f.path, link.range, `\`${link.target}\` is a link that leads outside the library (or to nothing); it was not read. Replace it with a real file inside the library.`),
        );
      } else if (found === 'missing') {
        const glob = isGlob(resolved);
        out.push(
          diag(
            'entry-missing',
            f.path,
            link.range,
            glob
              ? `No file matches \`${link.target}\` (looked for \`${resolved}\`); add a matching file or fix the pattern.`
              : `\`${link.target}\` does not exist (looked for \`${resolved}\`); create it or fix the path.`,
          ),
        );
      }
    }
  }
}
