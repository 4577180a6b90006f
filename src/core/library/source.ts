// Library sources: folder or git URL; URL validation (refused transports), normalisation, cache folder names, redaction.

import { UserError } from '../errors';
import { sha256Hex } from '../hash';

/** The protocols git may use for a library (git's own names, as in `protocol.<name>.allow`). */
export type GitProtocol = 'https' | 'ssh' | 'git' | 'file';

/** How a library is configured: a folder, or a git URL with an optional ref. */
export interface LibrarySpec {
  name?: string;
  url?: string;
  path?: string;
  ref?: string;
}

export interface GitLibrarySource {
  kind: 'git';
  name?: string;
  /** The URL as given (trimmed); only ever passed to git, never printed. */
  url: string;
  /** The URL with credentials hidden, for messages. */
  display: string;
  protocol: GitProtocol;
  /** Normalised URL: the identity of the repository (no credentials, no `.git`, no trailing `/`). */
  key: string;
  /** Branch, tag or commit; undefined = the remote's default branch. */
  ref?: string;
  /** Name of this library's folder in the cache: a readable stem and a hash of `key`. */
  folderName: string;
}

export interface FolderLibrarySource {
  kind: 'folder';
  name?: string;
  path: string;
}

export type LibrarySource = GitLibrarySource | FolderLibrarySource;

const accepted = 'Use an https:, ssh:, git: or file: URL, user@host:path, or a folder path.';
const maxUrlLength = 4096;

function shown(raw: string): string {
  const r = redactCredentials(raw);
  return JSON.stringify(r.length > 120 ? `${r.slice(0, 117)}...` : r);
}

/**
 * Hides passwords and tokens in every URL of a text: the user info up to the authority's last `@`
 * (`https://user:se@cret@` -> `https://user:***@`, `https://token@` -> `https://***@`; an ssh user
 * name stays) and every query value (`?private_token=***`).
 */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"]*)([^\s?#'"]*)(\?[^\s#'"]*)?/gi, (_m, scheme: string, authority: string, path: string, query: string | undefined) => {
    const at = authority.lastIndexOf('@');
    const colon = authority.slice(0, Math.max(at, 0)).indexOf(':');
    let userinfo = '';
    if (colon >= 0) userinfo = `${authority.slice(0, colon)}:***@`;
    else if (at >= 0) userinfo = /^https?:\/\/$/i.test(scheme) ? '***@' : `${authority.slice(0, at)}@`;
    const params = query
      ?.slice(1)
      .split('&')
      .map((p) => (p.includes('=') ? `${p.slice(0, p.indexOf('='))}=***` : p && '***'));
    return `${scheme}${userinfo}${authority.slice(at + 1)}${path}${params ? `?${params.join('&')}` : ''}`;
  });
}

/** True when `s` is written as a git URL (scheme://, `::` transport, or scp-like user@host:path) rather than a path. */
export function looksLikeGitUrl(s: string): boolean {
  const t = s.trim();
  if (t.includes('::')) return true;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return true;
  if (/^[a-z][a-z0-9+.-]*:[^/\\]/i.test(t) && /^(https?|ssh|git|file|ext|fd):/i.test(t)) return true;
  return isScpLike(t) && /@/.test(t.slice(0, t.indexOf(':')));
}

/** git's rule: `[user@]host:path` with no slash before the first colon, and not a drive letter. */
function isScpLike(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0) return false;
  const slash = s.search(/[/\\]/);
  if (slash >= 0 && slash < colon) return false;
  if (colon === 1 && /^[a-z]$/i.test(s[0])) return false; // C:\...
  return !s.slice(colon).startsWith('://');
}

function refuse(raw: string, why: string, where?: string): never {
  throw new UserError(`${where ? `${where}: ` : ''}library URL ${shown(raw)} ${why} ${accepted}`);
}

/** `part` percent-decoded (as git decodes it before handing it to ssh); a malformed encoding is refused. */
function decoded(raw: string, part: string, where?: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return refuse(raw, 'has a malformed percent-encoding (%XX); it is refused.', where);
  }
}

/** Refuses a user, host or path that ssh could read as an option, as written or once decoded. */
function checkHostPart(raw: string, part: string, what: string, where?: string): void {
  if (part.startsWith('-') || decoded(raw, part, where).startsWith('-')) refuse(raw, `has a ${what} starting with '-', which ssh would read as an option; it is refused.`, where);
}

/**
 * Validates and normalises a git URL. Throws a UserError, before git ever runs, for a
 * refused transport (`ext::`, `fd::`, any `x::`), anything git could read as an option
 * (a leading '-'), control characters, and schemes other than https, ssh, git and file.
 * An absolute local path is accepted as a repository on this machine.
 */
export function parseGitUrl(rawInput: string, opts: { where?: string; isAbsolutePath?: (p: string) => boolean } = {}): Omit<GitLibrarySource, 'kind' | 'name' | 'ref'> {
  const raw = rawInput.trim();
  const where = opts.where;
  if (!raw) throw new UserError(`${where ? `${where}: ` : ''}the library URL is empty. ${accepted}`);
  if (raw.length > maxUrlLength) refuse(raw, `is longer than ${maxUrlLength} characters.`, where);
  if (raw.startsWith('-')) refuse(raw, "starts with '-', so git would read it as an option; it is refused.", where);
  const transport = /^([A-Za-z0-9+.-]*)::/.exec(raw);
  if (transport || raw.includes('::')) {
    const name = transport?.[1] || 'remote-helper';
    refuse(raw, `uses the '${name}::' transport, which is refused: it lets a URL run programs or reach transports outside the allowed list.`, where);
  }
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) refuse(raw, 'contains spaces or control characters; it is refused.', where);

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme) {
    if (scheme === 'http') refuse(raw, 'uses http:, which is refused (unencrypted; credentials would travel in clear). Use https: instead.', where);
    if (scheme !== 'https' && scheme !== 'ssh' && scheme !== 'git' && scheme !== 'file') refuse(raw, `uses the '${scheme}:' scheme, which is not accepted.`, where);
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      refuse(raw, 'is not a well-formed URL.', where);
    }
    const protocol = scheme as GitProtocol;
    if (protocol !== 'file' && !u.hostname) refuse(raw, 'names no host.', where);
    checkHostPart(raw, u.username, 'user name', where);
    checkHostPart(raw, u.hostname, 'host name', where);
    if (decoded(raw, u.pathname, where).startsWith('/-') && protocol === 'ssh') refuse(raw, "has a path starting with '-', which could be read as an option; it is refused.", where);
    if (protocol === 'file' && u.hostname && u.hostname !== 'localhost') refuse(raw, 'names a host in a file: URL; use file:///absolute/path.', where);
    const defaultPort = { https: '443', ssh: '22', git: '9418', file: '' }[protocol];
    const port = u.port && u.port !== defaultPort ? `:${u.port}` : '';
    const user = protocol === 'ssh' && u.username ? `${u.username}@` : '';
    const host = protocol === 'file' ? '' : u.hostname.toLowerCase();
    // No query: it names no other repository, and may hold a token (never stored).
    const key = `${protocol}://${user}${host}${port}${trimRepoPath(u.pathname)}`;
    return { url: raw, display: redactCredentials(raw), protocol, key, folderName: folderNameFor(key) };
  }

  if (opts.isAbsolutePath?.(raw) || raw.startsWith('/')) {
    const path = raw.replace(/\\/g, '/');
    const key = `file://${path.startsWith('/') ? '' : '/'}${trimRepoPath(path)}`;
    return { url: raw, display: raw, protocol: 'file', key, folderName: folderNameFor(key) };
  }

  if (isScpLike(raw)) {
    const colon = raw.indexOf(':');
    const hostPart = raw.slice(0, colon);
    const path = raw.slice(colon + 1);
    const at = hostPart.lastIndexOf('@');
    const user = at >= 0 ? hostPart.slice(0, at) : '';
    const host = at >= 0 ? hostPart.slice(at + 1) : hostPart;
    if (!host) refuse(raw, 'names no host.', where);
    checkHostPart(raw, user, 'user name', where);
    checkHostPart(raw, host, 'host name', where);
    if (path.startsWith('-') || decoded(raw, path, where).startsWith('-')) refuse(raw, "has a path starting with '-', which could be read as an option; it is refused.", where);
    if (!path) refuse(raw, 'names no repository path after the colon.', where);
    const key = `ssh://${user ? `${user}@` : ''}${host.toLowerCase()}/${trimRepoPath(path).replace(/^\/+/, '')}`;
    return { url: raw, display: redactCredentials(raw), protocol: 'ssh', key, folderName: folderNameFor(key) };
  }
  const otherScheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  if (otherScheme) refuse(raw, `uses the '${otherScheme}:' scheme, which is not accepted.`, where);
  return refuse(raw, 'is neither a URL nor an absolute path.', where);
}

function trimRepoPath(p: string): string {
  let s = p.replace(/\/+$/, '');
  if (s.toLowerCase().endsWith('.git')) s = s.slice(0, -4);
  return s.replace(/\/+$/, '');
}

/** `<stem>-<hash>`: readable, and unique per normalised URL. */
export function folderNameFor(key: string): string {
  const hash = sha256Hex(key).slice(0, 16);
  const last =
    key
      .replace(/[?#].*$/, '')
      .split(/[/:]/)
      .filter(Boolean)
      .pop() ?? 'library';
  const stem =
    last
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, 40) || 'library';
  return `${stem}-${hash}`;
}

/**
 * Checks a branch, tag or commit name before git sees it: no leading '-', no spaces or
 * control characters, nothing git's ref rules forbid (`..`, `~^:?*[\`, `@{`, a trailing `.lock`).
 */
export function validateRef(ref: string, where?: string): string {
  const r = ref.trim();
  const bad = (why: string): never => {
    throw new UserError(`${where ? `${where}: ` : ''}ref ${JSON.stringify(r.slice(0, 120))} ${why} Give a branch, tag or commit id, e.g. main, v1.2.0 or a 40-character commit id.`);
  };
  if (!r) bad('is empty.');
  if (r.length > 255) bad('is longer than 255 characters.');
  if (r.startsWith('-')) bad("starts with '-', which git would read as an option; it is refused.");
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(r)) bad('contains a character git does not allow in a ref name.');
  if (r.includes('..') || r.includes('@{') || r.includes('//')) bad("contains '..', '@{' or '//', which git does not allow in a ref name.");
  if (r.startsWith('/') || r.endsWith('/') || r.endsWith('.') || r.endsWith('.lock') || r === '@') bad('is not a valid ref name.');
  if (r.split('/').some((part) => part.startsWith('.'))) bad("has a part starting with '.', which git does not allow.");
  return r;
}

/**
 * Turns a configured library into a source. `url` is validated as a git URL (refused ones
 * throw a UserError); `path` is resolved against `resolvePath`.
 */
export function librarySource(spec: LibrarySpec, opts: { where?: string; resolvePath: (p: string) => string; isAbsolutePath?: (p: string) => boolean }): LibrarySource {
  const where = opts.where ?? (spec.name ? `library "${spec.name}"` : undefined);
  if (spec.url !== undefined && spec.path !== undefined) {
    throw new UserError(`${where ? `${where}: ` : ''}give either url or path, not both.`);
  }
  if (spec.url !== undefined) {
    const parsed = parseGitUrl(spec.url, { where, isAbsolutePath: opts.isAbsolutePath });
    const src: GitLibrarySource = { kind: 'git', ...parsed };
    if (spec.name !== undefined) src.name = spec.name;
    if (spec.ref !== undefined) {
      src.ref = validateRef(spec.ref, where);
      // One clone per URL and ref, so two libraries on different refs of a repository never fight over one work tree.
      src.folderName = folderNameFor(`${parsed.key}#${src.ref}`);
    }
    return src;
  }
  if (spec.path !== undefined) {
    if (!spec.path.trim()) throw new UserError(`${where ? `${where}: ` : ''}the library path is empty; give a folder.`);
    if (spec.ref !== undefined) throw new UserError(`${where ? `${where}: ` : ''}ref is only meaningful with a git url; remove it or give url instead of path.`);
    const src: FolderLibrarySource = { kind: 'folder', path: opts.resolvePath(spec.path) };
    if (spec.name !== undefined) src.name = spec.name;
    return src;
  }
  throw new UserError(`${where ? `${where}: ` : ''}a library needs a url (git) or a path (folder).`);
}

/** A `--library` value: a git URL when written as one (validated), else a folder. */
export function libraryArgument(value: string, opts: { resolvePath: (p: string) => string; isAbsolutePath?: (p: string) => boolean; ref?: string }): LibrarySource {
  const v = value.trim();
  if (v.startsWith('-') || looksLikeGitUrl(v)) return librarySource({ url: v, ref: opts.ref }, { ...opts, where: '--library' });
  return librarySource({ path: v, ref: opts.ref }, { ...opts, where: '--library' });
}

/**
 * A git URL fit to be recorded in pilot.yaml: the user info (up to the authority's last `@`; an ssh
 * user name stays) and the query removed, so no password or token is stored (credential helpers supply them).
 */
export function urlForRecord(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)/i.exec(url);
  if (!m) return url;
  const [, scheme, authority, path] = m;
  const at = authority.lastIndexOf('@');
  const user = authority.slice(0, at).split(':')[0];
  return `${scheme}${scheme.toLowerCase() === 'ssh://' && at > 0 ? `${user}@` : ''}${authority.slice(at + 1)}${path}`;
}
