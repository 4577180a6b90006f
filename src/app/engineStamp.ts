// The engine stamp: which build of the parsers wrote an index cache or a catalog snapshot.

import { statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';

const stamps = new Map<string, string>();

/**
 * Identifies this build of the parsers, so an index cache or snapshot written by another build
 * is rebuilt: `client` (and `version`), then the size and time of build-stamp.json beside this
 * module, which every build of the CLI writes (a watch rebuild rewrites only the files that
 * changed, and this one may not be among them), else of the file this module is in (dist/engine.js
 * for the extension; run from the sources, this module's own file).
 */
export function engineStamp(client: 'cli' | 'vscode', version?: string): string {
  const prefix = version === undefined ? client : `${client}:${version}`;
  let stamp = stamps.get(prefix);
  if (stamp === undefined) {
    const s = statOf(join(__dirname, 'build-stamp.json')) ?? statOf(__filename);
    stamp = s ? `${prefix}:${s.size}:${Math.round(s.mtimeMs)}` : `${prefix}:unknown`;
    stamps.set(prefix, stamp);
  }
  return stamp;
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    // Missing or unreadable: the next candidate, else `unknown` (caches are rebuilt whenever the stamp changes, this one included).
    return undefined;
  }
}
