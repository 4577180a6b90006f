// pilot.lock.json: what a pilot was resolved to (library commit, template, components and the sha256 of every file written).

import type { ParsedFile } from '../formats/types';
import { assetDigest } from '../library/digest';
import { maxLockComponents, maxLockFiles, maxLockFilesPerComponent, maxNestingDepth } from '../limits';
import type { Asset, AssetKind, Catalog } from '../library/types';
import { validatorFor } from '../schemas';
import { isObj } from '../guards';
import { sha256Hex } from '../hash';

export const lockFileName = 'pilot.lock.json';

export interface LockedFile {
  /** Path relative to the pilot folder, '/' separated. */
  path: string;
  /** Lowercase hex sha256 of the bytes written. */
  sha256: string;
}

export interface LockedComponent {
  id: string;
  kind: AssetKind;
  version: string;
  /** The asset's digest (`sha256:<hex>`, as an approval digest). */
  digest: string;
  files: LockedFile[];
}

export interface LockFile {
  library: { name: string; url: string; commit: string };
  template: { id: string; version: string };
  components: LockedComponent[];
}

/** The lock as JSON text, keys in the documented order, files sorted by path; ends with a newline. */
export function serializeLockFile(lock: LockFile): string {
  const ordered: LockFile = {
    library: { name: lock.library.name, url: lock.library.url, commit: lock.library.commit },
    template: { id: lock.template.id, version: lock.template.version },
    components: lock.components.map((c) => ({
      id: c.id,
      kind: c.kind,
      version: c.version,
      digest: c.digest,
      files: [...c.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, sha256: f.sha256 })),
    })),
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}

/**
 * Parses pilot.lock.json. Problems (bad JSON, a shape other than the schema's, paths that
 * leave the pilot, duplicate ids) are returned as messages; `lock` is set only when there are none.
 */
export function parseLockFile(text: string): { lock?: LockFile; problems: string[] } {
  let value: unknown;
  // JSON.parse takes seconds on millions of nested brackets or tiny values, even within the size limit.
  const shape = structureProblem(text);
  if (shape) return { problems: [shape, restoreLockAdvice] };
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { problems: [`${lockFileName} is not valid JSON (${(e as Error).message}). Restore it from version control, or scaffold the pilot again.`] };
  }
  // Counts before the schema: its validator (allErrors) would otherwise walk, and report on, every entry.
  const tooMany = overCountLimits(value);
  if (tooMany) return { problems: [tooMany, restoreLockAdvice] };
  const validate = validatorFor('pilot-lock');
  if (!validate(value)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${lockFileName}${e.instancePath ? ` at ${e.instancePath}` : ''}: ${e.message ?? 'is invalid'}.`);
    problems.push(restoreLockAdvice);
    return { problems };
  }
  const lock = value as LockFile;
  const problems: string[] = [];
  const ids = new Set<string>();
  const paths = new Set<string>();
  for (const c of lock.components) {
    if (ids.has(c.id)) problems.push(`${lockFileName} lists component \`${c.id}\` twice.`);
    ids.add(c.id);
    for (const f of c.files) {
      if (!isSafeRelativePath(f.path)) problems.push(`${lockFileName}: component \`${c.id}\` names the path \`${f.path}\`, which leaves the pilot folder; it is ignored. Restore the lock file.`);
      else if (paths.has(f.path)) problems.push(`${lockFileName}: the file \`${f.path}\` belongs to two components.`);
      paths.add(f.path);
    }
  }
  if (problems.length > 10) problems.splice(10, problems.length, `(${problems.length - 10} more problems like these.)`);
  return problems.length ? { problems } : { lock, problems };
}

const restoreLockAdvice = 'Restore the lock file from version control (it is written by genai-assets and not meant to be edited), or scaffold the pilot again.';

/** The first count limit (components, files of one component, files in all) that a parsed lock goes over. */
function overCountLimits(value: unknown): string | undefined {
  const components = isObj(value) && Array.isArray(value.components) ? (value.components as unknown[]) : [];
  if (components.length > maxLockComponents) return `${lockFileName} lists ${components.length} components, over the limit of ${maxLockComponents} for one pilot.`;
  let total = 0;
  for (let i = 0; i < components.length; i++) {
    const c = components[i];
    if (!isObj(c) || !Array.isArray(c.files)) continue;
    const files = c.files as unknown[];
    if (files.length > maxLockFilesPerComponent) {
      const name = typeof c.id === 'string' && c.id.length <= 100 ? `\`${c.id}\`` : `number ${i + 1}`;
      return `${lockFileName}: component ${name} lists ${files.length} files, over the limit of ${maxLockFilesPerComponent} for one component.`;
    }
    total += files.length;
  }
  if (total > maxLockFiles) return `${lockFileName} lists ${total} files in all, over the limit of ${maxLockFiles} for one pilot.`;
  return undefined;
}

/**
 * Most values (counted as opening brackets and commas) in a lock: a component takes 7 (its object, 4
 * commas, its files array, the comma before the next), a file 3; with room to spare.
 */
const maxLockValues = 8 * maxLockComponents + 4 * maxLockFiles + 64;

/** A message when JSON text nests deeper than a lock can, or holds more values than one can; one linear pass, strings skipped. */
function structureProblem(text: string): string | undefined {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: up to the next quote not escaped by a backslash.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxNestingDepth) return `${lockFileName} nests brackets more than ${maxNestingDepth} deep, so it is not a lock file.`;
      values++;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x2c) {
      values++;
    }
  }
  return values > maxLockValues ? `${lockFileName} holds more than ${maxLockValues} values, more than a lock of ${maxLockComponents} components and ${maxLockFiles} files can.` : undefined;
}

/** True for a relative '/'-separated path with no empty, `.` or `..` segments and no drive or backslash. */
export function isSafeRelativePath(p: string): boolean {
  if (!p || p.startsWith('/') || p.includes('\\') || /^[a-zA-Z]:/.test(p) || p.includes('\0')) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * The "commit" of a folder library that is not a git repository: `sha256:<hex>` over the
 * sorted `path NUL sha256` lines of every file of its catalog.
 */
export function catalogDigest(catalog: Pick<Catalog, 'files'>): string {
  const lines = [...catalog.files.values()].map((f) => `${f.path}\0${f.sha256}\n`).sort();
  return `sha256:${sha256Hex(lines.join(''))}`;
}

/** The digest of an asset as locked: its approval digest form, from the catalog's parsed files. */
export function lockDigest(asset: Asset, files: Map<string, ParsedFile>): string | undefined {
  return assetDigest(asset, files);
}

/**
 * The folder of a locked component inside the pilot: the folder of its asset.yaml (managed
 * assets), else the folder of its single file.
 */
export function componentFolder(c: Pick<LockedComponent, 'files'>): string {
  const manifests = c.files.map((f) => f.path).filter((p) => /(^|\/)asset\.ya?ml$/.test(p));
  const pick = manifests.sort((a, b) => a.split('/').length - b.split('/').length)[0] ?? c.files[0]?.path ?? '';
  const i = pick.lastIndexOf('/');
  return i < 0 ? '' : pick.slice(0, i);
}

/** Path of a pilot file relative to its component folder. */
export function relativeToFolder(folder: string, path: string): string {
  return folder && path.startsWith(folder + '/') ? path.slice(folder.length + 1) : path;
}
