// A catalog's parsed files read from the index cache when first asked for: a warm open of a large folder decodes only the files it uses.

import type { ParsedFile } from '../formats/types';

/** Stands for a file not decoded yet. */
const pending = Symbol('pending');

/**
 * The Map of a catalog's files whose values are decoded on first read (get, or iterating values or
 * entries) by `decode`, which is shared with every copy and called at most once per path. Keys, `has`
 * and `size` decode nothing. A path `decode` gives nothing for (its entry unreadable) is dropped when
 * read. Writes (set, delete) work as on a Map and touch this map only.
 */
export class LazyFiles extends Map<string, ParsedFile> {
  private constructor(private readonly decode: (path: string) => ParsedFile | undefined) {
    super();
  }

  /** The files `paths` (in this order), each decoded by `decode` when first read. */
  static of(paths: Iterable<string>, decode: (path: string) => ParsedFile | undefined): LazyFiles {
    const decoded = new Map<string, ParsedFile | undefined>();
    const files = new LazyFiles((p) => {
      if (!decoded.has(p)) decoded.set(p, decode(p));
      return decoded.get(p);
    });
    for (const p of paths) files.put(p, pending);
    return files;
  }

  /** A copy to edit (CatalogBuilder): the files decoded so far, and the others decoded by the same means. */
  copy(): LazyFiles {
    const out = new LazyFiles(this.decode);
    for (const [p, v] of super.entries()) out.put(p, v);
    return out;
  }

  override get(path: string): ParsedFile | undefined {
    const v = super.get(path) as ParsedFile | typeof pending | undefined;
    if (v !== pending) return v;
    const f = this.decode(path);
    if (f) super.set(path, f);
    else super.delete(path);
    return f;
  }

  override *entries(): MapIterator<[string, ParsedFile]> {
    for (const p of [...super.keys()]) {
      const f = this.get(p);
      if (f) yield [p, f];
    }
  }

  override *values(): MapIterator<ParsedFile> {
    for (const [, f] of this.entries()) yield f;
  }

  override [Symbol.iterator](): MapIterator<[string, ParsedFile]> {
    return this.entries();
  }

  override forEach(fn: (value: ParsedFile, key: string, map: Map<string, ParsedFile>) => void, thisArg?: unknown): void {
    for (const [p, f] of this.entries()) fn.call(thisArg, f, p, this);
  }

  /** Map's own set, for a value that may stand for a file not decoded yet. */
  private put(path: string, v: ParsedFile | typeof pending): void {
    super.set(path, v as ParsedFile);
  }
}
