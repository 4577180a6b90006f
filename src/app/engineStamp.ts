// The engine stamp: which build of the parsers wrote an index cache or a catalog snapshot.

import { statSync } from 'node:fs';

const stamps = new Map<string, string>();

/**
 * Identifies this build of the parsers, so an index cache or snapshot written by another build
 * is rebuilt: `client` (and `version`), then the size and time of the bundle this module is in
 * (dist/cli.js, dist/extension.js; run from the sources, this module's own file).
 */
export function engineStamp(client: 'cli' | 'vscode', version?: string): string {
  const prefix = version === undefined ? client : `${client}:${version}`;
  let stamp = stamps.get(prefix);
  if (stamp === undefined) {
    try {
      const s = statSync(__filename);
      stamp = `${prefix}:${s.size}:${Math.round(s.mtimeMs)}`;
    } catch {
      // A bundle that cannot be read back: caches are rebuilt whenever the stamp changes, this one included.
      stamp = `${prefix}:unknown`;
    }
    stamps.set(prefix, stamp);
  }
  return stamp;
}
