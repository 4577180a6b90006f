// Test helpers for pilots: fixture libraries copied into temp git repositories, and scaffolding through the core.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { folderSource } from '../../../src/core/library/fileSource';
import type { FileSource } from '../../../src/core/library/fileSource';
import type { Catalog } from '../../../src/core/library/types';
import { gitLibraryHistory } from '../../../src/core/pilot/history';
import type { LibraryHistory } from '../../../src/core/pilot/history';
import { loadPilot } from '../../../src/core/scaffold/pilotFile';
import type { LoadedPilot } from '../../../src/core/scaffold/pilotFile';
import { applyScaffold } from '../../../src/core/scaffold/apply';
import { planScaffold, resolveComponents, resolveTemplate } from '../../../src/core/scaffold/plan';
import type { ScaffoldPlan } from '../../../src/core/scaffold/plan';
import { checkParameters } from '../../../src/core/library/parameters';
import { nodeFileSystem, nodePathOps } from '../../../src/node/fileSystem';
import { NodeGit } from '../../../src/node/git';
import { openFolderLibrary } from '../../../src/node/openFolder';
import { fixturesDir } from '../paths';
import { commitAll, git, tempDir, testGitEnv } from './gitServer';

export const pilotFixtures = path.join(fixturesDir, 'pilot');
export const testGit = new NodeGit({ env: testGitEnv });

/** A copy of a fixture library (by name under test/fixtures/pilot, or an absolute folder) in a temp folder. */
export function copyLibrary(nameOrDir: string): string {
  const src = path.isAbsolute(nameOrDir) ? nameOrDir : path.join(pilotFixtures, nameOrDir);
  const dir = path.join(tempDir('lib'), 'library');
  cpSync(src, dir, { recursive: true });
  return dir;
}

/** A copy of a fixture library as a git repository with one commit; returns the folder and the commit. */
export function gitLibrary(nameOrDir: string): { dir: string; commit: string } {
  const dir = copyLibrary(nameOrDir);
  git(dir, 'init', '-q', '-b', 'main');
  return { dir, commit: commitAll(dir, 'Library') };
}

/** Edits a text file of a folder: `fn` gets and returns its text. */
export function editFile(dir: string, rel: string, fn: (text: string) => string): void {
  const p = path.join(dir, ...rel.split('/'));
  writeFileSync(p, fn(readFileSync(p, 'utf8')));
}

export interface OpenedFixture {
  catalog: Catalog;
  source: FileSource;
  commit: string;
  history?: LibraryHistory;
}

/** Opens a library folder with its commit and history (when it is a git repository). */
export async function openFixture(dir: string): Promise<OpenedFixture> {
  const catalog = await openFolderLibrary(dir);
  const source = folderSource(nodeFileSystem, nodePathOps, dir);
  const head = await testGit.resolveCommit(dir, 'HEAD');
  if (head && (await testGit.workTreeRoot(dir)) !== undefined) {
    return { catalog, source, commit: head, history: gitLibraryHistory(testGit, dir, { head }) };
  }
  return { catalog, source, commit: '' };
}

export interface ScaffoldOptions {
  template: string;
  with?: string[];
  set?: Record<string, string>;
  name?: string;
  includeEvals?: boolean;
  /** The library url recorded in pilot.yaml (default: the folder). */
  url?: string;
}

/** Plans a pilot through the core (resolution, parameters, planning) without writing it. */
export async function planWithCore(libDir: string, opts: ScaffoldOptions): Promise<ScaffoldPlan> {
  const lib = await openFixture(libDir);
  const t = resolveTemplate(lib.catalog, opts.template);
  const components = resolveComponents(lib.catalog, opts.with ?? [], { includeEvals: opts.includeEvals, requiredBy: [t.asset] });
  const check = checkParameters(t.asset.parameters, opts.set ?? {}, { raw: true, templateName: t.asset.id });
  if (check.errors.length || check.missing.length) throw new Error(`parameters: ${check.errors.join(' ')} missing ${check.missing.map((m) => m.name).join(',')}`);
  return planScaffold({
    catalog: lib.catalog,
    source: lib.source,
    library: { name: lib.catalog.library.name, url: opts.url ?? libDir, commit: lib.commit },
    name: opts.name ?? 'test-pilot',
    template: t.asset,
    templateReference: t.reference,
    components,
    parameters: check.values,
  });
}

/** Scaffolds a pilot through the core into `out` and loads it back. */
export async function scaffoldWithCore(libDir: string, out: string, opts: ScaffoldOptions): Promise<{ plan: ScaffoldPlan; pilot: LoadedPilot }> {
  const plan = await planWithCore(libDir, opts);
  await applyScaffold(nodeFileSystem, nodePathOps, out, plan.files);
  return { plan, pilot: await loadPilot(nodeFileSystem, nodePathOps, out) };
}

/** A fresh folder path that does not exist yet (a pilot's target). */
export function newTarget(name = 'pilot'): string {
  return path.join(tempDir('out'), name);
}
