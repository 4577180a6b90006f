// pilot.lock.json: what a pilot was resolved to (library commit, template, components and the sha256 of every file written).

import type { ParsedFile } from '../formats/types';
import { assetDigest } from '../library/digest';
import { maxLockComponents, maxLockFiles, maxLockFilesPerComponent, maxNestingDepth } from '../limits';
import type { Asset, AssetKind, Catalog } from '../library/types';
import { validatorFor } from '../schemas';
import { isObj } from '../guards';
import { sha256Hex } from '../hash';

export const lockFileName = 'pilot.lock.json';
/** The lock of a repository that installed assets (`genai-assets install`): the same format, without a template. */
export const installLockFileName = 'genai-assets.lock.json';

/** The tools an asset can be installed for (a component's `target`): Copilot/VS Code, Claude Code, Cursor, and AGENTS.md (read by Codex, Copilot, Cursor and others). */
export const installTargets = ['copilot', 'claude', 'cursor', 'agents'] as const;
export type InstallTarget = (typeof installTargets)[number];

export interface LockedFile {
  /** Path relative to the pilot folder (or the repository, for installs), '/' separated. */
  path: string;
  /** Lowercase hex sha256 of the bytes written (for a section: of the text between its markers). */
  sha256: string;
  /** Installs: the id of the marked section of a shared file (AGENTS.md, CLAUDE.md, .github/copilot-instructions.md) that this entry is. */
  section?: string;
  /** Installs: the user deleted the file; updates leave it deleted (sha256 is the library's copy it would have). */
  deleted?: true;
}

export interface LockedComponent {
  id: string;
  kind: AssetKind;
  version: string;
  /** The asset's digest (`sha256:<hex>`, as an approval digest). */
  digest: string;
  /** Installs: the tool it was installed for. */
  target?: InstallTarget;
  /** Installs: the reference asked for (`id@range`); updates stay within its range. */
  reference?: string;
  /** Installs: the library commit this component was installed or last updated from (the lock's `library.commit` is the latest of them). */
  commit?: string;
  /** Installs: where the asset lies in the library (its folder or file) and its entry file, to read the locked version back from the library's history. */
  source?: { path: string; entry: string };
  files: LockedFile[];
}

/** The lock of installs (genai-assets.lock.json): the library and the installed components. */
export interface InstallLock {
  library: { name: string; url: string; ref?: string; commit: string };
  components: LockedComponent[];
}

/** A pilot's lock (pilot.lock.json): the same, with the template the pilot was made from. */
export interface LockFile extends InstallLock {
  template: { id: string; version: string };
}

/** The lock as JSON text, keys in the documented order, files sorted by path; ends with a newline. */
export function serializeLockFile(lock: InstallLock & { template?: LockFile['template'] }): string {
  const library: InstallLock['library'] = { name: lock.library.name, url: lock.library.url, ...(lock.library.ref !== undefined ? { ref: lock.library.ref } : {}), commit: lock.library.commit };
  const ordered: InstallLock & { template?: LockFile['template'] } = {
    library,
    ...(lock.template ? { template: { id: lock.template.id, version: lock.template.version } } : {}),
    components: lock.components.map((c) => ({
      id: c.id,
      kind: c.kind,
      version: c.version,
      digest: c.digest,
      ...(c.target !== undefined ? { target: c.target } : {}),
      ...(c.reference !== undefined ? { reference: c.reference } : {}),
      ...(c.commit !== undefined ? { commit: c.commit } : {}),
      ...(c.source !== undefined ? { source: { path: c.source.path, entry: c.source.entry } } : {}),
      files: [...c.files]
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.section ?? '') < (b.section ?? '') ? -1 : 1))
        .map((f) => ({ path: f.path, ...(f.section !== undefined ? { section: f.section } : {}), sha256: f.sha256, ...(f.deleted ? { deleted: true as const } : {}) })),
    })),
  };
  return JSON.stringify(ordered, null, 2) + '\n';
}

/**
 * Parses pilot.lock.json. Problems (bad JSON, a shape other than the schema's, paths that
 * leave the pilot, duplicate ids) are returned as messages; `lock` is set only when there are none.
 */
export function parseLockFile(text: string): { lock?: LockFile; problems: string[] } {
  const r = parseAnyLock(text, lockFileName);
  if (r.lock && !(r.lock as Partial<LockFile>).template)
    return { problems: [`${lockFileName} has no template; it is not a pilot's lock (${installLockFileName} is the lock of installs). ${restoreLockAdvice}`] };
  return r as { lock?: LockFile; problems: string[] };
}

/** Parses genai-assets.lock.json, the lock of installs (as parseLockFile; every component names its target). */
export function parseInstallLock(text: string): { lock?: InstallLock; problems: string[] } {
  const r = parseAnyLock(text, installLockFileName);
  const missing = r.lock?.components.filter((c) => !c.target || !c.source) ?? [];
  if (missing.length)
    return { problems: [`${installLockFileName}: component \`${missing[0].id}\` has no target or source; it was not written by \`genai-assets install\`. Restore the file from version control.`] };
  return r;
}

function parseAnyLock(text: string, fileName: string): { lock?: InstallLock; problems: string[] } {
  let value: unknown;
  // JSON.parse takes seconds on millions of nested brackets or tiny values, even within the size limit.
  const shape = structureProblem(text);
  if (shape) return { problems: [shape, restoreLockAdvice] };
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { problems: [`${fileName} is not valid JSON (${(e as Error).message}). Restore it from version control, or scaffold the pilot again.`] };
  }
  // Counts before the schema: its validator (allErrors) would otherwise walk, and report on, every entry.
  const tooMany = overCountLimits(value);
  if (tooMany) return { problems: [tooMany, restoreLockAdvice] };
  const validate = validatorFor('pilot-lock');
  if (!validate(value)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${fileName}${e.instancePath ? ` at ${e.instancePath}` : ''}: ${e.message ?? 'is invalid'}.`);
    problems.push(restoreLockAdvice);
    return { problems };
  }
  const lock = value as InstallLock;
  const problems: string[] = [];
  const ids = new Set<string>();
  const paths = new Set<string>();
  for (const c of lock.components) {
    const key = c.target ? `${c.id} for ${c.target}` : c.id;
    if (ids.has(key)) problems.push(`${fileName} lists component \`${key}\` twice.`);
    ids.add(key);
    for (const f of c.files) {
      const fileKey = f.section !== undefined ? `${f.path}#${f.section}` : f.path;
      if (!isSafeRelativePath(f.path)) problems.push(`${fileName}: component \`${c.id}\` names the path \`${f.path}\`, which leaves the pilot folder; it is ignored. Restore the lock file.`);
      else if (paths.has(fileKey)) problems.push(`${fileName}: the file \`${fileKey}\` belongs to two components.`);
      paths.add(fileKey);
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
