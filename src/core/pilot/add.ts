// Adding components to an existing pilot: resolved with their dependencies, placed by the template's layout, locked.

import type { FileSource } from '../library/fileSource';
import { newest } from '../library/references';
import type { Catalog } from '../library/types';
import type { PilotChanges } from '../scaffold/apply';
import { assetFileProblems, assetRelative, componentDestination, copiedFiles, layoutFolders, resolveComponents, ScaffoldError, skippedGitNote, templateView } from '../scaffold/plan';
import type { SelectedComponent } from '../scaffold/plan';
import { catalogDigest, lockDigest, lockFileName, serializeLockFile } from '../scaffold/lockFile';
import type { LockedComponent, LockFile } from '../scaffold/lockFile';
import { editPilotComponents, pilotFileName } from '../scaffold/pilotFile';
import type { LoadedPilot } from '../scaffold/pilotFile';
import { refreshedReadme } from './update';
import { sha256Hex } from '../hash';

export interface AddRequest {
  pilot: LoadedPilot;
  catalog: Catalog;
  source: FileSource;
  /** The library's current commit (or catalog digest for a plain folder). */
  commit?: string;
  refs: readonly string[];
  /** Add the eval suites that target the added prompts (default true). */
  includeEvals?: boolean;
  readPilotFile(path: string): Promise<Uint8Array | undefined>;
  /** True when a path (file or folder) exists in the pilot. */
  pilotPathExists(path: string): Promise<boolean>;
}

export interface AddPlan extends PilotChanges {
  added: SelectedComponent[];
  /** Folder of each added component inside the pilot. */
  folders: Map<string, string>;
  lock: LockFile;
  notes: string[];
}

/**
 * Plans adding components (with their dependencies and, unless turned off, the eval suites
 * of added prompts) to a pilot; components already there stay at their versions. Throws
 * ScaffoldError when a reference does not resolve or a component's folder is taken.
 */
export async function planAdd(req: AddRequest): Promise<AddPlan> {
  const { pilot, catalog } = req;
  const existing = pilot.lock.components.map((c) => ({ id: c.id, version: c.version }));
  const added = resolveComponents(catalog, req.refs, { includeEvals: req.includeEvals, existing });
  const notes: string[] = [];
  const problems: string[] = [];

  // The layout of the template the pilot was made from (its locked version, else its newest).
  const t = pilot.lock.template;
  const templates = catalog.assets.filter((a) => a.id === t.id && a.kind === 'template');
  const template = templates.find((a) => a.version === t.version) ?? newest(templates);
  if (!template) notes.push(`The template \`${t.id}\` is no longer in the library; components go to the default folders (genai-assets/<kind>/<id>).`);
  const library = { name: catalog.library.name, url: pilot.lock.library.url, commit: req.commit || catalogDigest(catalog) };
  const folders = new Map<string, string>();
  let layout: Record<string, string> = { prompt: 'genai-assets/prompt', eval: 'genai-assets/eval', module: 'genai-assets/module' };
  if (template) {
    const view = templateView({ name: pilot.manifest.name, library, template, components: added, parameters: pilot.manifest.parameters });
    const l = layoutFolders(template, view);
    problems.push(...l.problems);
    layout = l.folders;
  }
  // What the plan is computed from, for a writer that runs later (PilotChanges.basis).
  const basis = new Map<string, string | null>([
    [pilotFileName, pilot.sha256.manifest],
    [lockFileName, pilot.sha256.lock],
  ]);
  const entries = new Map((await req.source.list()).map((e) => [e.path, e]));
  for (const c of added) {
    problems.push(...assetFileProblems(catalog, c.asset, entries, 'Component'));
    const dest = componentDestination(layout, c.asset);
    folders.set(c.asset.id, dest);
    if (dest) basis.set(dest, null);
    if (await req.pilotPathExists(dest)) problems.push(`\`${dest}\` already exists in the pilot, so \`${c.asset.id}\` cannot be added there; move or remove it first.`);
  }
  if (problems.length) throw new ScaffoldError([...new Set(problems)]);

  const writes: { path: string; data: Uint8Array }[] = [];
  const locked: LockedComponent[] = [];
  for (const c of added) {
    const dest = folders.get(c.asset.id)!;
    const files: { path: string; sha256: string }[] = [];
    const copied = copiedFiles(c.asset);
    if (copied.skipped.length) notes.push(skippedGitNote('Component', c.asset, copied.skipped));
    for (const f of copied.files) {
      const rel = assetRelative(c.asset, f);
      const data = await req.source.read(f);
      const path = dest ? `${dest}/${rel}` : rel;
      writes.push({ path, data });
      files.push({ path, sha256: sha256Hex(data) });
    }
    const digest =
      lockDigest(c.asset, catalog.files) ??
      `sha256:${sha256Hex(
        files
          .map((f) => `${f.path}\0${f.sha256}\n`)
          .sort()
          .join(''),
      )}`;
    locked.push({ id: c.asset.id, kind: c.asset.kind, version: c.asset.version, digest, files });
  }
  const lock: LockFile = { library, template: pilot.lock.template, components: [...pilot.lock.components, ...locked] };
  const listed = new Set(pilot.manifest.components.map((r) => r.split('@')[0].split(':').pop()));
  const append = added.filter((c) => !listed.has(c.asset.id)).map((c) => c.reference);
  writes.push({ path: pilotFileName, data: new TextEncoder().encode(editPilotComponents(pilot.manifestText, { append })) });
  const readme = await refreshedReadme(
    async (p) => {
      const bytes = await req.readPilotFile(p);
      if (!basis.has(p)) basis.set(p, bytes ? sha256Hex(bytes) : null);
      return bytes;
    },
    lock,
    catalog,
  );
  if (readme) writes.push(readme);
  writes.push({ path: lockFileName, data: new TextEncoder().encode(serializeLockFile(lock)) });
  return { added, folders, lock, notes, writes, removes: [], basis: [...basis].map(([path, sha256]) => ({ path, sha256 })) };
}
