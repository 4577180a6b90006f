// The persisted index cache: parsed files keyed by path and content key (git blob id), versioned and checksummed.

import type { ParsedFile } from '../formats/types';
import type { FileSystem, Log, PathOps } from '../ports';
import { silentLog } from '../ports';
import type { ParsedFileCache } from './load';
import { sha256Hex } from '../hash';
import { position } from '../text/textDocument';

/** Bumped whenever the stored layout or the ParsedFile shape changes. */
export const indexCacheVersion = 2;
const magic = 'genai-assets-index';

interface Header {
  format: string;
  version: number;
  engine: string;
  /** How entries are written (IndexEntryCodec.name). */
  codec?: string;
  count: number;
  checksum: string;
}

interface Entry {
  key: string;
  /** The ParsedFile as stored (JSON), parsed only when asked for. */
  json: string;
}

export type IndexCacheStatus = 'loaded' | 'missing' | 'rebuilt';

/** How a ParsedFile is written to one line of the cache and read back (undefined: not usable). */
export interface IndexEntryCodec {
  readonly name: string;
  encode(file: ParsedFile): string;
  decode(text: string, path: string): ParsedFile | undefined;
}

/**
 * The whole ParsedFile as JSON (full parses: diagnostics and positions included), a manifest's
 * `ranges` (two in five bytes of a library's cache) each as `[line, character, line, character]`
 * and read back with shared positions (textDocument.ts): a warm open of a large library spends
 * most of its time here (`keystroke.library.openMs` in `npm run bench`).
 */
export const jsonCodec: IndexEntryCodec = {
  name: 'json',
  encode(file) {
    if (!file.ranges) return JSON.stringify(file);
    const ranges: Record<string, number[]> = {};
    for (const [k, r] of Object.entries(file.ranges)) ranges[k] = [r.start.line, r.start.character, r.end.line, r.end.character];
    return JSON.stringify({ ...file, ranges });
  },
  decode(text, path) {
    const v: unknown = JSON.parse(text);
    if (!looksLikeParsedFile(v, path)) return undefined;
    const ranges = v.ranges as Record<string, unknown> | undefined;
    if (ranges !== undefined) {
      if (!ranges || typeof ranges !== 'object') return undefined;
      for (const k in ranges) {
        const a = ranges[k];
        if (!Array.isArray(a) || a.length !== 4 || !a.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return undefined;
        ranges[k] = { start: position(a[0] as number, a[1] as number), end: position(a[2] as number, a[3] as number) };
      }
    }
    return v;
  },
};

function looksLikeParsedFile(v: unknown, path: string): v is ParsedFile {
  if (!v || typeof v !== 'object') return false;
  const f = v as Partial<ParsedFile>;
  return f.path === path && typeof f.format === 'string' && typeof f.sha256 === 'string' && typeof f.text === 'boolean' && Array.isArray(f.diagnostics) && !!f.meta && typeof f.meta === 'object';
}

/**
 * A ParsedFileCache stored as one file: a header line (version, engine, count, sha256 of
 * the rest) then one line per file. Anything that does not check out (checksum, version,
 * engine, a malformed line or entry) is discarded and rebuilt, never trusted. Entries are
 * parsed lazily and written back verbatim, so a hit costs one JSON.parse and nothing more.
 */
export class IndexCache implements ParsedFileCache {
  /** Lookups served from the cache. */
  hits = 0;
  /** Lookups that found nothing usable (the caller parses the file then). */
  misses = 0;
  /** Files stored by the caller after parsing them. */
  stores = 0;
  private readonly entries = new Map<string, Entry>();
  private readonly used = new Set<string>();
  private changed = false;

  private constructor(
    readonly file: string,
    readonly engine: string,
    readonly status: IndexCacheStatus,
    /** Why a stored cache was discarded. */
    readonly reason?: string,
    readonly codec: IndexEntryCodec = jsonCodec,
  ) {}

  /** An empty cache that will be written to `file`. */
  static empty(file: string, engine: string, codec: IndexEntryCodec = jsonCodec): IndexCache {
    return new IndexCache(file, engine, 'missing', undefined, codec);
  }

  /** Reads the cache at `file`; a missing, stale or corrupt one gives an empty cache (status says which). */
  static async load(fs: FileSystem, file: string, engine: string, log: Log = silentLog, codec: IndexEntryCodec = jsonCodec): Promise<IndexCache> {
    let bytes: Uint8Array;
    try {
      if (!(await fs.stat(file))) return new IndexCache(file, engine, 'missing', undefined, codec);
      bytes = await fs.readFile(file);
    } catch (e) {
      log.warn(`Index cache ${file} could not be read (${(e as Error).message}); it will be rebuilt.`);
      return new IndexCache(file, engine, 'rebuilt', 'unreadable', codec);
    }
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    const reject = (reason: string, quiet = false): IndexCache => {
      if (!quiet) log.warn(`Index cache ${file} is ${reason}; it will be rebuilt.`);
      return new IndexCache(file, engine, 'rebuilt', reason, codec);
    };
    const nl = text.indexOf('\n');
    if (nl < 0) return reject('truncated');
    let header: Header;
    try {
      header = JSON.parse(text.slice(0, nl)) as Header;
    } catch {
      return reject('corrupt (bad header)');
    }
    if (!header || header.format !== magic) return reject('not an index cache');
    if (header.version !== indexCacheVersion) return reject(`from another cache version (${String(header.version)})`, true);
    if (header.engine !== engine) return reject('from another engine build', true);
    if ((header.codec ?? 'json') !== codec.name) return reject(`written as ${String(header.codec)} entries`, true);
    const body = text.slice(nl + 1);
    // The checksum covers the body's bytes as written (hashing them saves encoding the text again).
    const nlByte = bytes.indexOf(10);
    if (sha256Hex(bytes.subarray(nlByte + 1)) !== header.checksum) return reject('corrupt (checksum mismatch)');
    const cache = new IndexCache(file, engine, 'loaded', undefined, codec);
    const lines = body ? body.split('\n') : [];
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (lines.length !== header.count) return reject('corrupt (entry count mismatch)');
    for (const line of lines) {
      const tab = line.indexOf('\t');
      if (tab < 0) return reject('corrupt (bad entry)');
      let id: unknown;
      try {
        id = JSON.parse(line.slice(0, tab));
      } catch {
        return reject('corrupt (bad entry)');
      }
      if (!Array.isArray(id) || typeof id[0] !== 'string' || typeof id[1] !== 'string') return reject('corrupt (bad entry)');
      cache.entries.set(id[0], { key: id[1], json: line.slice(tab + 1) });
    }
    return cache;
  }

  /** Number of files held. */
  get size(): number {
    return this.entries.size;
  }

  /** True when the file `path` is held under `key` (nothing is decoded). */
  has(path: string, key: string): boolean {
    return this.entries.get(path)?.key === key;
  }

  get(path: string, key: string): ParsedFile | undefined {
    const e = this.entries.get(path);
    if (e && e.key === key) {
      try {
        const v = this.codec.decode(e.json, path);
        if (v) {
          this.hits++;
          this.used.add(path);
          return v;
        }
      } catch {
        // fall through: treated as absent and replaced
      }
      this.entries.delete(path);
      this.changed = true;
    }
    this.misses++;
    return undefined;
  }

  set(path: string, key: string, file: ParsedFile): void {
    this.stores++;
    this.entries.set(path, { key, json: this.codec.encode(file) });
    this.used.add(path);
    this.changed = true;
  }

  /** True when saving would change the stored file (new entries, or entries no longer used). */
  get needsSave(): boolean {
    return this.changed || this.status !== 'loaded' || this.used.size !== this.entries.size;
  }

  /**
   * Writes the entries used since loading (others belong to files that are gone or changed),
   * through a temporary file and a rename.
   */
  async save(fs: FileSystem, path: PathOps): Promise<void> {
    const lines: string[] = [];
    for (const [p, e] of this.entries) {
      if (!this.used.has(p)) continue;
      lines.push(`${JSON.stringify([p, e.key])}\t${e.json}\n`);
    }
    const body = lines.join('');
    const header: Header = { format: magic, version: indexCacheVersion, engine: this.engine, codec: this.codec.name, count: lines.length, checksum: sha256Hex(body) };
    await fs.mkdir(path.dirname(this.file));
    const temp = `${this.file}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
    try {
      await fs.writeFile(temp, `${JSON.stringify(header)}\n${body}`);
      await fs.rename(temp, this.file);
    } catch (e) {
      await fs.remove(temp).catch(() => undefined);
      throw e;
    }
    this.changed = false;
  }
}
