// Paths inside a library: '/'-separated and relative to its root.

/** The folder of a path ('' at the root). */
export function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** The last segment of a path. */
export function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Normalises a relative path against a folder; undefined when it leaves the root (absolute, home-relative or climbing out). */
export function joinInside(folder: string, rel: string): string | undefined {
  if (rel.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(rel) || rel.startsWith('\\') || rel.startsWith('~')) return undefined;
  const parts = folder ? folder.split('/') : [];
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** An entry path resolved inside its asset folder, or undefined when it leaves the folder. */
export function entryInside(folder: string, entry: string): string | undefined {
  const resolved = joinInside(folder, entry);
  const inFolder = resolved !== undefined && (folder === '' || resolved === folder || resolved.startsWith(folder + '/'));
  return inFolder ? resolved : undefined;
}
