// Worker thread of the parse pool: parses batches of files (parseFile or the catalog level) and posts the results back.

import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { FormatId, ParsedFile } from '../core/formats/types';
import { parseAndCheck } from '../core/checks/fileChecks';
import type { CatalogLevel } from '../core/library/load';
import type { FileLocation, LocatedJob } from '../core/library/fileSource';
import type { GitBlobReader } from '../core/ports';
import { NodeGit } from './git';

export interface ParseJob {
  id: number;
  path: string;
  bytes: Uint8Array;
  level: CatalogLevel;
  hint?: FormatId;
}

export interface ParseResult {
  id: number;
  file?: ParsedFile;
  error?: string;
}

/** A chunk of files to read here and parse (ParsePool.parseMany). */
export interface ChunkJob {
  chunk: number;
  level: CatalogLevel;
  jobs: LocatedJob[];
}

/** One result per job of the chunk, in order; null where the file could not be read or parsed here. */
export interface ChunkResult {
  chunk: number;
  files: (ParsedFile | null)[];
}

/** One object reader per clone, kept while the worker lives (each stops by itself when idle). */
const readers = new Map<string, GitBlobReader>();
let git: NodeGit | undefined;

function read(at: FileLocation): Promise<Uint8Array> {
  // Sync reads: a worker has nothing else to do meanwhile, and they cost less than the callback API.
  if ('file' in at) {
    try {
      return Promise.resolve(readFileSync(at.file));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
  const key = `${at.path !== undefined ? 'w' : 'o'}:${at.gitDir}`;
  let reader = readers.get(key);
  if (!reader) readers.set(key, (reader = (git ??= new NodeGit()).blobReader(at.gitDir, { workTree: at.path !== undefined })));
  return reader.read(at.id, at.path);
}

async function runChunk(c: ChunkJob): Promise<ChunkResult> {
  const bytes = await Promise.all(c.jobs.map((j) => read(j.at).catch(() => undefined)));
  const files = c.jobs.map((j, i) => {
    const b = bytes[i];
    if (!b) return null;
    try {
      return parseAndCheck(j.path, b, j.hint, c.level);
    } catch {
      return null;
    }
  });
  return { chunk: c.chunk, files };
}

parentPort?.on('message', (batch: ParseJob[] | ChunkJob) => {
  if (!Array.isArray(batch)) {
    void runChunk(batch).then(
      (r) => parentPort!.postMessage(r),
      () => parentPort!.postMessage({ chunk: batch.chunk, files: batch.jobs.map(() => null) }),
    );
    return;
  }
  const out: ParseResult[] = batch.map((job) => {
    try {
      return { id: job.id, file: parseAndCheck(job.path, job.bytes, job.hint, job.level) };
    } catch (e) {
      return { id: job.id, error: (e as Error).message };
    }
  });
  parentPort!.postMessage(out);
});
