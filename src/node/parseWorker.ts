// Worker thread of the parse pool: parses batches of files (parseFile or the catalog level) and posts the results back.

import { parentPort } from 'node:worker_threads';
import type { FormatId, ParsedFile } from '../core/formats/types';
import { parseAtLevel } from '../core/library/load';
import type { CatalogLevel } from '../core/library/load';

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

parentPort?.on('message', (batch: ParseJob[]) => {
  const out: ParseResult[] = batch.map((job) => {
    try {
      return { id: job.id, file: parseAtLevel(job.path, job.bytes, job.level, job.hint) };
    } catch (e) {
      return { id: job.id, error: (e as Error).message };
    }
  });
  parentPort!.postMessage(out);
});
