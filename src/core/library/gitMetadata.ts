// Git metadata among a library's files: `.git` entries (under any name git takes for `.git`) and folders git would take for a git directory.

/** Characters HFS+ ignores in names, so `.g\u200cit` is `.git` there (git's is_hfs_dotgit). */
const hfsIgnorable = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * True for a path segment that git, on some file system, reads as `.git`: any case, trailing dots
 * and spaces (Windows), an NTFS stream suffix (`.git::$INDEX_ALLOCATION`), the 8.3 short name
 * `git~1`, or HFS+ ignorable characters.
 */
export function isGitName(segment: string): boolean {
  const s = segment.replace(hfsIgnorable, '').toLowerCase();
  const base = s.includes(':') ? s.slice(0, s.indexOf(':')) : s;
  const trimmed = base.replace(/[. ]+$/, '');
  return trimmed === '.git' || trimmed === 'git~1';
}

/**
 * Paths that may hold a `.git` name (g, i and t in this order in one segment: HFS+ ignorables may sit between them) or a
 * file git keeps in a git directory (HEAD, config, commondir, objects/, refs/). Any other path needs no closer look.
 */
const mayMatter = /g[^/]*i[^/]*t|(?:^|\/)(?:head|config|commondir)$|(?:^|\/)(?:objects|refs)\//i;

export interface GitMetadata {
  /** Shortest paths (files or folders) whose last segment is a `.git` name, sorted. */
  names: string[];
  /** Folders ('' = the root) that git would take for a git directory, sorted. */
  directories: string[];
  /** Every given path that is, or lies under, one of the above: never copied. */
  paths: Set<string>;
}

/**
 * Finds git metadata among '/'-separated relative file paths. A folder is a git directory when it
 * holds a file `HEAD` and any of `config`, `commondir`, `objects/…` or `refs/…` (case-insensitive):
 * git needs HEAD, and config is what runs programs (core.fsmonitor, hooks), so this errs on the
 * side of refusing.
 */
export function gitMetadata(paths: readonly string[]): GitMetadata {
  const names = new Set<string>();
  const folders = new Map<string, { head: boolean; other: boolean }>();
  const note = (folder: string, key: 'head' | 'other') => {
    const f = folders.get(folder) ?? { head: false, other: false };
    f[key] = true;
    folders.set(folder, f);
  };
  for (const p of paths) {
    if (!mayMatter.test(p)) continue;
    const segs = p.split('/');
    const dot = segs.findIndex(isGitName);
    if (dot >= 0) names.add(segs.slice(0, dot + 1).join('/'));
    // Every folder on the way sees what lies directly in it (HEAD, config) or below (objects/, refs/).
    for (let i = 0; i < segs.length; i++) {
      const folder = segs.slice(0, i).join('/');
      const name = segs[i].toLowerCase();
      const last = i === segs.length - 1;
      if (last && name === 'head') note(folder, 'head');
      else if (last && (name === 'config' || name === 'commondir')) note(folder, 'other');
      else if (!last && (name === 'objects' || name === 'refs')) note(folder, 'other');
    }
  }
  const directories = [...folders]
    .filter(([, f]) => f.head && f.other)
    .map(([d]) => d)
    .sort();
  const skipped = new Set([...names, ...directories]);
  const out = new Set<string>();
  if (!skipped.size) return { names: [], directories, paths: out };
  for (const p of paths) {
    if (skipped.has('')) {
      out.add(p);
      continue;
    }
    // The path itself and each folder above it.
    for (let at = p.length; at > 0; at = p.lastIndexOf('/', at - 1)) {
      if (skipped.has(p.slice(0, at))) {
        out.add(p);
        break;
      }
    }
  }
  return { names: [...names].sort(), directories, paths: out };
}
