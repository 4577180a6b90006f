// pilot.yaml (name, library, template, components, parameters) and loading a pilot folder with its lock.

import { isSeq, parseDocument, stringify } from 'yaml';
import { UserError } from '../errors';
import { parseFile } from '../formats/parseFile';
import type { ParsedFile } from '../formats/types';
import { maxLockBytes } from '../limits';
import type { FileReader, PathOps } from '../ports';
import { lockFileName, parseLockFile } from './lockFile';
import type { LockFile } from './lockFile';
import { sha256Hex } from '../hash';

export const pilotFileName = 'pilot.yaml';

export interface PilotManifest {
  name: string;
  library: { name: string; url?: string; ref?: string };
  /** Reference of the template (`id@range`). */
  template: string;
  /** References of the components (`id@range`), in the order written. */
  components: string[];
  parameters: Record<string, unknown>;
}

/** A pilot folder as read: pilot.yaml (parsed, with positions) and its lock. */
export interface LoadedPilot {
  /** Absolute folder of the pilot. */
  dir: string;
  manifest: PilotManifest;
  /** pilot.yaml as parsed by the engine (diagnostics, ranges by dotted path). */
  manifestFile: ParsedFile;
  manifestText: string;
  lock: LockFile;
  /** sha256 of pilot.yaml and pilot.lock.json as read: a write planned from this pilot checks that they did not change meanwhile. */
  sha256: { manifest: string; lock: string };
}

/** Reads what it can from pilot.yaml's text; the schema diagnostics are in `file`. */
export function parsePilotManifest(bytes: Uint8Array, path = pilotFileName): { manifest: PilotManifest; file: ParsedFile } {
  const file = parseFile(path, bytes, 'pilot-manifest');
  const doc = (file.document && typeof file.document === 'object' && !Array.isArray(file.document) ? file.document : {}) as Record<string, unknown>;
  const lib = (doc.library && typeof doc.library === 'object' ? doc.library : {}) as Record<string, unknown>;
  const manifest: PilotManifest = {
    name: typeof doc.name === 'string' ? doc.name : '',
    library: { name: typeof lib.name === 'string' ? lib.name : '' },
    template: typeof doc.template === 'string' ? doc.template : '',
    components: Array.isArray(doc.components) ? doc.components.filter((c): c is string => typeof c === 'string') : [],
    parameters: doc.parameters && typeof doc.parameters === 'object' && !Array.isArray(doc.parameters) ? (doc.parameters as Record<string, unknown>) : {},
  };
  if (typeof lib.url === 'string') manifest.library.url = lib.url;
  if (typeof lib.ref === 'string') manifest.library.ref = lib.ref;
  return { manifest, file };
}

/** pilot.yaml for a new pilot, with a comment saying what it is. */
export function serializePilotManifest(m: PilotManifest): string {
  const library: Record<string, string> = { name: m.library.name };
  if (m.library.url !== undefined) library.url = m.library.url;
  if (m.library.ref !== undefined) library.ref = m.library.ref;
  const value: Record<string, unknown> = { name: m.name, library, template: m.template, components: m.components };
  if (Object.keys(m.parameters).length) value.parameters = m.parameters;
  const head =
    '# A pilot made with genai-assets. `genai-assets verify .` checks it against the library;\n# `genai-assets update .` brings its components up to date (pilot.lock.json records what was used).\n';
  return head + stringify(value, { lineWidth: 0 });
}

/**
 * pilot.yaml's text with component references replaced (by index) and appended; the rest
 * of the file (comments, order, other fields) is kept. Line ends follow the file's own.
 */
export function editPilotComponents(text: string, edits: { replace?: Map<number, string>; append?: string[] }): string {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { keepSourceTokens: false });
  if (doc.errors.length) throw new UserError(`${pilotFileName} does not parse (${doc.errors[0].message.split('\n')[0]}); fix it first.`);
  for (const [i, ref] of edits.replace ?? []) doc.setIn(['components', i], ref);
  if (edits.append?.length) {
    const seq = doc.getIn(['components']);
    if (!isSeq(seq)) doc.setIn(['components'], doc.createNode([...edits.append]));
    else {
      // `components: []` becomes a block list once it has items.
      if (seq.flow && seq.items.length === 0) seq.flow = false;
      for (const ref of edits.append) seq.add(doc.createNode(ref));
    }
  }
  let out = doc.toString({ lineWidth: 0 });
  if (/\r\n/.test(text)) out = out.replace(/\r?\n/g, '\r\n');
  return (text.startsWith('\uFEFF') ? '\uFEFF' : '') + out;
}

function lockTooLarge(lockPath: string, size: number): string {
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  return `${lockPath} is ${mb(size)}, over the ${mb(maxLockBytes)} limit for a lock file (a pilot's lock takes a few kB), so it was not read. Restore it from version control, or scaffold the pilot again.`;
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/**
 * Reads a pilot folder: pilot.yaml and pilot.lock.json. Throws a UserError naming the folder
 * when either is missing or the lock is not usable.
 */
export async function loadPilot(fs: FileReader, path: PathOps, dir: string): Promise<LoadedPilot> {
  const st = await fs.stat(dir);
  if (!st || st.type !== 'directory') throw new UserError(`${dir} is not a folder; give the folder of a pilot (the one holding ${pilotFileName}).`);
  const manifestPath = path.join(dir, pilotFileName);
  const lockPath = path.join(dir, lockFileName);
  const mst = await fs.stat(manifestPath);
  if (!mst || mst.type !== 'file')
    throw new UserError(
      `${dir} has no ${pilotFileName}, so it is not a pilot, and no genai-assets.lock.json (no installs). Create a pilot with \`genai-assets scaffold\`, or install assets with \`genai-assets install\`.`,
    );
  const bytes = await fs.readFile(manifestPath);
  const { manifest, file } = parsePilotManifest(bytes);
  const lst = await fs.stat(lockPath);
  if (!lst || lst.type !== 'file') throw new UserError(`${dir} has ${pilotFileName} but no ${lockFileName}; restore the lock file from version control, or scaffold the pilot again.`);
  // Size first, from stat, so that a huge lock is never read; again after reading, in case it grew meanwhile.
  if (lst.size > maxLockBytes) throw new UserError(lockTooLarge(lockPath, lst.size));
  const lockBytes = await fs.readFile(lockPath);
  if (lockBytes.length > maxLockBytes) throw new UserError(lockTooLarge(lockPath, lockBytes.length));
  const { lock, problems } = parseLockFile(decode(lockBytes));
  if (!lock) throw new UserError(`${lockPath}: ${problems.join(' ')}`);
  return { dir, manifest, manifestFile: file, manifestText: decode(bytes), lock, sha256: { manifest: sha256Hex(bytes), lock: sha256Hex(lockBytes) } };
}
