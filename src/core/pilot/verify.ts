// Verifying a pilot against its lock and the library: local edits, newer versions, deprecation, policy, withdrawals.

import * as semver from 'semver';
import { diag } from '../diagnostics';
import type { Diagnostic, Range } from '../diagnostics';
import { assetDigest } from '../library/digest';
import { indexById, referenceTo } from '../library/references';
import type { Catalog } from '../library/types';
import { assetRelative } from '../scaffold/plan';
import { decodeUtf8, emptyRange, looksBinary, TextDocument } from '../text/textDocument';
import type { LibraryHistory } from './history';
import { componentFolder, relativeToFolder } from '../scaffold/lockFile';
import { componentReferences, standingOf } from './outdated';
import type { LoadedPilot } from '../scaffold/pilotFile';
import { findBaseFiles } from './update';
import { pilotFileName } from '../scaffold/pilotFile';
import { sha256Hex } from '../hash';

export interface VerifyInput {
  pilot: LoadedPilot;
  /** The library as it is now. */
  catalog: Catalog;
  /** Reads a pilot file by its pilot-relative path; undefined when it does not exist. */
  readPilotFile(path: string): Promise<Uint8Array | undefined>;
  /**
   * Reads a library file by its library-relative path (optional): when given, a locally
   * edited file's diagnostic covers the lines that differ from the library's copy.
   */
  readLibraryFile?(path: string): Promise<Uint8Array | undefined>;
  /** The library's history (optional): finds the locked files when the library has moved past them, for the same ranges. */
  history?: LibraryHistory;
  /** Who reads the findings: the CLI's name the command to run, the editor's the action it offers (quick fixes, the In This Workspace view). Default: cli. */
  client?: 'cli' | 'editor';
}

/** The lines of `local` that differ from `original` (common head and tail lines excluded); the first line without an original. */
export function changedLinesRange(local: string, original: string | undefined): Range {
  const doc = new TextDocument(local);
  const firstLine = (line: number): Range => doc.rangeOf(doc.offsetAt({ line, character: 0 }), doc.lineEndOffset(line));
  if (original === undefined) return firstLine(0);
  const a = doc.text.split(/\r\n|\n|\r/);
  const b = new TextDocument(original).text.split(/\r\n|\n|\r/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const last = a.length - 1 - tail;
  if (last < head) return firstLine(Math.min(head, doc.lineCount - 1));
  return doc.rangeOf(doc.offsetAt({ line: head, character: 0 }), doc.lineEndOffset(last));
}

/**
 * Checks a pilot: `component-modified` (a file differs from its hash in the lock, or is
 * missing), `component-outdated` (a newer allowed version), `component-deprecated` (with the
 * replacement as a fix), `component-not-approved` (status no longer allowed) and
 * `unknown-reference` (withdrawn from the library). Files are pilot-relative.
 */
export async function verifyPilot(input: VerifyInput): Promise<Diagnostic[]> {
  const { pilot, catalog } = input;
  const editor = input.client === 'editor';
  /** The sentence that says how to update a component, as the reader can do it. */
  const runUpdate = (id: string): string => (editor ? 'Use Update (a quick fix here, or the In This Workspace view)' : `Run \`genai-assets update . ${id}\``);
  const out: Diagnostic[] = [];
  const ranges = pilot.manifestFile.ranges ?? {};
  const refs = componentReferences(pilot.manifest);
  const byId = indexById(catalog.assets);
  const statuses = catalog.library.policy.scaffoldStatuses;
  const lib = `\`${catalog.library.name}\``;
  const componentsRange = ranges['components'] ?? emptyRange;
  const refRange = (id: string): Range => {
    const r = refs.get(id);
    return (r && ranges[`components.${r.index}`]) || componentsRange;
  };
  const replaceRef = (id: string, newText: string, title: string) => {
    const r = refs.get(id);
    const range = r && ranges[`components.${r.index}`];
    return range ? [{ title, edits: [{ range, newText }] }] : [];
  };

  for (const c of pilot.lock.components) {
    const ref = refs.get(c.id);
    const where = refRange(c.id);
    if (!ref) {
      out.push(
        diag(
          'component-modified',
          pilotFileName,
          componentsRange,
          `pilot.lock.json locks \`${c.id}\` ${c.version}, but ${pilotFileName} does not list it; add \`${referenceTo(c)}\` to components, or remove the component with its files.`,
        ),
      );
    }
    const s = standingOf(c, ref?.ref.range, catalog, byId);
    const cur = s.currentAsset;

    // Local files against the lock.
    const folder = componentFolder(c);
    let lockedFiles: Promise<Map<string, Uint8Array> | undefined> | undefined;
    const lockedCopy = async (rel: string): Promise<Uint8Array | undefined> => {
      if (cur && input.readLibraryFile) {
        const libPath = cur.files.find((p) => assetRelative(cur, p) === rel);
        const bytes = libPath ? await input.readLibraryFile(libPath).catch(() => undefined) : undefined;
        if (bytes) return bytes;
      }
      if (!input.history) return undefined;
      lockedFiles ??= findBaseFiles(input.history, pilot.lock, c, catalog).then((r) => r.files);
      return (await lockedFiles)?.get(rel);
    };
    for (const f of c.files) {
      const bytes = await input.readPilotFile(f.path);
      if (bytes === undefined) {
        out.push(
          diag(
            'component-modified',
            pilotFileName,
            where,
            `\`${f.path}\` of \`${c.id}\` ${c.version} was deleted from the pilot. ${runUpdate(c.id)} to bring back the library's copy, or remove the component.`,
          ),
        );
        continue;
      }
      if (sha256Hex(bytes) === f.sha256) continue;
      let range: Range = emptyRange;
      const text = looksBinary(bytes) ? undefined : decodeUtf8(bytes);
      if (text !== undefined) {
        let original: string | undefined;
        const orig = await lockedCopy(relativeToFolder(folder, f.path));
        if (orig && sha256Hex(orig) === f.sha256) original = decodeUtf8(orig);
        range = changedLinesRange(text, original);
      }
      out.push(
        diag(
          'component-modified',
          f.path,
          range,
          editor
            ? `This file differs from \`${c.id}\` ${c.version} as locked (edited locally). Compare with Library shows the edits; Update keeps them when it merges upstream changes.`
            : `This file differs from \`${c.id}\` ${c.version} as locked (edited locally). \`genai-assets update\` keeps local edits when it merges upstream changes; to drop them, restore the library's copy.`,
        ),
      );
    }

    // Against the library as it is now.
    const newerExists = (byId.get(c.id) ?? []).some((a) => a.kind !== 'template' && semver.valid(a.version) && semver.valid(c.version) && semver.gt(a.version, c.version));
    if (!cur && !newerExists) {
      const others = (byId.get(c.id) ?? []).filter((a) => a.kind !== 'template');
      const msg = others.length
        ? `\`${c.id}\` ${c.version} was withdrawn from the library ${lib} (it has ${others.map((a) => `${a.version} (${a.status})`).join(', ')}).${s.wantedAsset ? ` ${runUpdate(c.id)} to move to ${s.wantedAsset.version}.` : s.latestAsset ? ` Change the reference to \`${referenceTo(s.latestAsset)}\` and update.` : ''}`
        : `\`${c.id}\` is no longer in the library ${lib} (withdrawn). Remove it from the pilot or replace it with another component.`;
      out.push(
        diag('unknown-reference', pilotFileName, where, msg, { fixes: s.latestAsset && !s.wantedAsset ? replaceRef(c.id, referenceTo(s.latestAsset), `Use ${referenceTo(s.latestAsset)}`) : [] }),
      );
      continue;
    }
    if (!cur) {
      // Superseded: the library moved on to a newer version (reported as outdated below).
    } else if (cur.status === 'deprecated') {
      const repl = cur.replacedBy;
      out.push(
        diag(
          'component-deprecated',
          pilotFileName,
          where,
          `\`${c.id}\` ${c.version} is deprecated in ${lib}${repl ? `; it is replaced by \`${repl}\`. Replace the component` : '. Move to another component'}${s.wantedAsset && s.wantedAsset !== cur ? ` or update to ${s.wantedAsset.version}` : ''}.`,
          {
            fixes: repl ? replaceRef(c.id, repl, `Replace with successor ${repl}`) : [],
          },
        ),
      );
    } else if (!statuses.includes(cur.status)) {
      out.push(
        diag(
          'component-not-approved',
          pilotFileName,
          where,
          `\`${c.id}\` ${c.version} is ${cur.status} in ${lib}, and the library's policy allows only ${statuses.join(', ') || '(none)'} for pilots.${s.wantedAsset ? ` Update to ${s.wantedAsset.version}.` : s.latestAsset ? ` Move to \`${referenceTo(s.latestAsset)}\`.` : ' Ask its owners to get it approved again, or remove it.'}`,
        ),
      );
    }
    const libDigest = cur ? assetDigest(cur, catalog.files) : undefined;
    if (libDigest && libDigest !== c.digest) {
      out.push(
        diag(
          'component-modified',
          pilotFileName,
          where,
          `The library's \`${c.id}\` ${c.version} has changed since it was locked (same version, different content). ${runUpdate(c.id)} to take the change, or ask its owners to publish it as a new version.`,
        ),
      );
    }
    const newer = s.latestAsset && semver.valid(c.version) && semver.gt(s.latestAsset.version, c.version) ? s.latestAsset : undefined;
    if (newer) {
      const inRange = s.wantedAsset && semver.valid(c.version) && semver.gt(s.wantedAsset.version, c.version) ? s.wantedAsset : undefined;
      const msg = inRange
        ? `\`${c.id}\` is at ${c.version}; ${inRange.version} is available${ref?.ref.range ? ` within \`${ref.ref.range}\`` : ''}. ${runUpdate(c.id)}.${inRange !== newer ? ` (${newer.version} is the newest, outside the range.)` : ''}`
        : `\`${c.id}\` is at ${c.version}; ${newer.version} is the newest ${newer.status} version${ref?.ref.range ? `, outside \`${ref.ref.range}\`` : ''}. ${editor ? `Change the reference to \`${referenceTo(newer)}\` (a quick fix here), then update.` : `Change the reference to \`${referenceTo(newer)}\` and run \`genai-assets update . ${c.id}\`.`}`;
      out.push(diag('component-outdated', pilotFileName, where, msg, { fixes: inRange ? [] : replaceRef(c.id, referenceTo(newer), `Update to ${newer.version}`) }));
    }
  }

  // Components listed in pilot.yaml that were never installed.
  const locked = new Set(pilot.lock.components.map((c) => c.id));
  for (const [id, r] of refs) {
    if (locked.has(id)) continue;
    out.push(
      diag(
        'component-modified',
        pilotFileName,
        ranges[`components.${r.index}`] ?? componentsRange,
        `\`${r.ref.raw}\` is listed in ${pilotFileName} but not installed (pilot.lock.json has no entry for it). Remove it from the list and run \`genai-assets add . ${r.ref.raw}\`.`,
      ),
    );
  }

  // The template the pilot was made from.
  const t = pilot.lock.template;
  const templates = (byId.get(t.id) ?? []).filter((a) => a.kind === 'template');
  const tcur = templates.find((a) => a.version === t.version);
  const trange = ranges['template#value'] ?? ranges['template'] ?? emptyRange;
  if (tcur?.status === 'deprecated') {
    out.push(
      diag(
        'component-deprecated',
        pilotFileName,
        trange,
        `The template \`${t.id}\` ${t.version} this pilot was made from is deprecated in ${lib}${tcur.replacedBy ? `; it is replaced by \`${tcur.replacedBy}\`` : ''}. New pilots should use another template; this one keeps working.`,
      ),
    );
  }
  return out;
}

/**
 * The normal checks on a pilot's own files (the pilot loaded as a library): each file's
 * own diagnostics and links that leave the pilot. Library-level policy (approval digests,
 * owners, coverage, references between components) is left to verify's own codes.
 */
export function pilotFileChecks(pilotCatalog: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of pilotCatalog.files.values()) out.push(...f.diagnostics);
  for (const d of pilotCatalog.diagnostics) if (d.code === 'path-escape' && !out.includes(d)) out.push(d);
  return out;
}
