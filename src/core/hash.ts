// Content hashes: the one sha256 the catalog, the index cache and the lock file agree on.

import { createHash } from 'node:crypto';

/** Lowercase hex sha256 of bytes or text (text is hashed as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
