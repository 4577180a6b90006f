// Which format a file is, from its path (and, for plain .yml files, a peek at the content), by the file names the format modules declare.

import { formatModules } from './registry';
import type { FormatId, ParsedFile } from './types';

interface NamePattern {
  id: FormatId;
  name: string;
  caseSensitive?: boolean;
  folder?: string;
}

/** Exact names by their lower case, and name endings (lower case), from every registered module. */
const byName = new Map<string, NamePattern[]>();
const bySuffix: { suffix: string; id: FormatId; under?: string }[] = [];
/** Names by start and end (lower case): `promptfooconfig*.yaml`. */
const byPrefix: { prefix: string; ending: string; id: FormatId }[] = [];
for (const m of formatModules) {
  for (const p of m.files) {
    if ('suffix' in p) bySuffix.push({ suffix: p.suffix.toLowerCase(), id: m.id, under: p.under });
    else if ('prefix' in p) byPrefix.push({ prefix: p.prefix.toLowerCase(), ending: p.ending.toLowerCase(), id: m.id });
    else byName.set(p.name.toLowerCase(), [...(byName.get(p.name.toLowerCase()) ?? []), { id: m.id, ...p }]);
  }
}
// A name ending below given folders (`.claude/commands/**/*.md`) is asked before the same ending anywhere.
bySuffix.sort((a, b) => Number(b.under !== undefined) - Number(a.under !== undefined));

/** The format of a library-relative path, or undefined when it is not a recognised file. */
export function formatOfPath(path: string): FormatId | undefined {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const lower = name.toLowerCase();
  for (const p of byName.get(lower) ?? []) {
    if (p.caseSensitive && name !== p.name) continue;
    if (p.folder !== undefined && path.slice(path.lastIndexOf('/', slash - 1) + 1, Math.max(slash, 0)) !== p.folder) continue;
    return p.id;
  }
  for (const s of bySuffix) if (lower.endsWith(s.suffix) && (s.under === undefined || `/${path.slice(0, Math.max(slash, 0))}/`.includes(`/${s.under}/`))) return s.id;
  for (const p of byPrefix) if (lower.length >= p.prefix.length + p.ending.length && lower.startsWith(p.prefix) && lower.endsWith(p.ending)) return p.id;
  return undefined;
}

/**
 * For a `.yml`/`.yaml` file that no name identifies: the first module whose `sniff` accepts the
 * start of the text (GitHub Models: top-level `messages:` and `model:`; promptfoo: `prompts:`
 * and `tests:` or `providers:`). `head` is the start of the file's text.
 */
export function sniffYamlFormat(head: string): FormatId | undefined {
  for (const m of formatModules) if (m.sniff?.(head)) return m.id;
  return undefined;
}

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * The Dotprompt files among `files`, where partials are looked for. Only the files whose path is a Dotprompt file's are read
 * (a catalog's files may be decoded when first read: library/lazyFiles.ts): a file is Dotprompt by its name alone.
 */
export function* dotpromptFiles(files: ReadonlyMap<string, ParsedFile>): Generator<ParsedFile> {
  for (const p of files.keys()) {
    if (formatOfPath(p) !== 'dotprompt') continue;
    const f = files.get(p);
    if (f?.format === 'dotprompt') yield f;
  }
}
