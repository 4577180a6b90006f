// Damaged input for the fuzz suite: real library files, and fast-check arbitraries that break them in the ways files really break.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic, Range } from '../../../../src/core/diagnostics';
import { formatOfPath } from '../../../../src/core/formats/detect';
import { decodeUtf8, TextDocument } from '../../../../src/core/text/textDocument';
import { corpusDir, sampleLibrary } from '../../paths';

/** The seed every property runs with: `FUZZ_SEED` when set (to replay a failure), else a fixed one, so CI runs the same cases. */
export const fuzzSeed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20_260_611;
/** Runs per property: `FUZZ_RUNS` (the soak script raises it), else the default given by the test. */
export function fuzzRuns(fallback: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** fast-check parameters with the seed printed when a property fails (fast-check also prints the path to replay). */
export function fuzzParams<T>(numRuns: number): fc.Parameters<T> {
  return {
    seed: fuzzSeed,
    numRuns: fuzzRuns(numRuns),
    endOnFailure: true,
    // Shrinking re-runs slow pathological cases many times; the seed and path replay the failure exactly.
    reporter: (details) => {
      if (details.failed) {
        // The counterexample itself can be megabytes of generated text: the assertion's own message describes it.
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        throw new Error(
          `Property failed after ${details.numRuns} runs (seed ${details.seed}, fast-check path ${details.counterexamplePath ?? '?'}; replay with FUZZ_SEED=${details.seed}):\n${cause.slice(0, 4000)}`,
        );
      }
    },
  };
}

export interface SampleFile {
  /** Where it comes from, for messages (e.g. `corpus/dotprompt/examples/x.prompt`). */
  label: string;
  /** Library-relative path used when parsing (its name decides the format). */
  path: string;
  bytes: Uint8Array;
}

function walk(dir: string, out: string[], depth = 0): void {
  if (depth > 12) return;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const n of names) {
    if (n === '.git' || n === 'node_modules') continue;
    const abs = path.join(dir, n);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (st?.isDirectory()) walk(abs, out, depth + 1);
    else if (st?.isFile()) out.push(abs);
  }
}

let cached: SampleFile[] | undefined;

/**
 * Every recognised file of the sample library and of the shared corpus (a deterministic
 * selection: sorted, at most `perFormat` corpus files of each format, so the set is the
 * same on every machine holding the same corpus).
 */
export function sampleFiles(perFormat = 40): SampleFile[] {
  if (cached) return cached;
  const out: SampleFile[] = [];
  const add = (root: string, prefix: string, limit: number): void => {
    const files: string[] = [];
    walk(root, files);
    const counts = new Map<string, number>();
    for (const abs of files) {
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const fmt = formatOfPath(rel);
      if (!fmt) continue;
      const n = counts.get(fmt) ?? 0;
      if (n >= limit) continue;
      counts.set(fmt, n + 1);
      const bytes = readFileSync(abs);
      if (bytes.length > 256 * 1024) continue;
      out.push({ label: `${prefix}/${rel}`, path: rel, bytes });
    }
  };
  add(sampleLibrary, 'samples/library', Infinity);
  add(corpusDir, 'corpus', perFormat);
  if (!out.length) throw new Error(`No sample files found under ${sampleLibrary} or ${corpusDir}.`);
  cached = out;
  return out;
}

const enc = new TextEncoder();

/** Snippets that confuse front matter, YAML and template parsers. */
export const hostileSnippets: string[] = [
  '---\n',
  '\n---\n',
  '---',
  '{{',
  '}}',
  '{{{',
  '{{#if x}}',
  '{{/if}}',
  '{{/each}}',
  '{{> missing}}',
  '{{!-- ',
  '{% if x %}',
  '{% endif %}',
  '{% endfor %}',
  '{% for a in b %}',
  '{% %}',
  '{%',
  '%}',
  '{#',
  '{{ a | b(',
  '&a [*a, *a]\n',
  '*alias\n',
  '? ',
  ': ',
  '- ',
  '"',
  "'",
  '\\',
  '|',
  '>-\n',
  '!!binary ',
  '!!python/object:os.system ',
  '%YAML 1.1\n',
  '\t',
  '\u00a0',
  '\u2028',
  '\ud83d\ude00',
  '\ud83d',
  '\u0000',
  '${{ secrets.X }}',
  '{{ input.nope }}',
  'input:\n  schema:\n    x: string\n',
];

/** Deeply nested or very long content, built at generation time. */
const bulkyArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 50, max: 400 }).map((n) => '{{#if a}}'.repeat(n)),
  fc.integer({ min: 50, max: 400 }).map((n) => '{% if a %}'.repeat(n)),
  fc.integer({ min: 50, max: 2000 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 50, max: 2000 }).map((n) => '{'.repeat(n)),
  fc.integer({ min: 20, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('')),
  fc.integer({ min: 20, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}- `).join('\n')),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => '{{a}}'.repeat(n)),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => '{{'.repeat(n)),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => '}}'.repeat(n)),
  fc.integer({ min: 200, max: 5000 }).map((n) => '---\n'.repeat(n)),
  fc.integer({ min: 5, max: 12 }).map((n) => {
    // A classic alias bomb ("billion laughs"), n levels deep.
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < n; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    return lines.join('\n') + '\n';
  }),
);

/** One way a file gets damaged. */
export type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete-line'; at: number }
  | { kind: 'duplicate-line'; at: number; times: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'invalid-utf8'; at: number; bytes: readonly number[] }
  | { kind: 'bom' }
  | { kind: 'crlf' }
  | { kind: 'cr' }
  | { kind: 'tabs' }
  | { kind: 'swap-lines'; a: number; b: number };

const at = fc.nat({ max: 1_000_000 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('delete-line' as const), at }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at, times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('insert' as const), at, text: fc.constantFrom(...hostileSnippets) }),
  fc.record({ kind: fc.constant('insert' as const), at, text: bulkyArb }),
  fc.record({ kind: fc.constant('insert' as const), at, text: fc.string({ unit: 'binary', maxLength: 40 }) }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), at, bytes: fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80]) }),
  fc.constant({ kind: 'bom' as const }),
  fc.constant({ kind: 'crlf' as const }),
  fc.constant({ kind: 'cr' as const }),
  fc.constant({ kind: 'tabs' as const }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: at, b: at }),
);

function lineSpans(bytes: Uint8Array): [number, number][] {
  const spans: [number, number][] = [];
  let s = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      spans.push([s, i + 1]);
      s = i + 1;
    }
  }
  if (s < bytes.length || !spans.length) spans.push([s, bytes.length]);
  return spans;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Applies one mutation to bytes (positions are taken modulo the length, so any number is valid). */
export function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  switch (m.kind) {
    case 'flip': {
      if (!n) return bytes;
      const out = bytes.slice();
      out[m.at % n] = m.value;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, n ? m.at % n : 0);
    case 'delete-line': {
      const spans = lineSpans(bytes);
      const [s, e] = spans[m.at % spans.length];
      return concat(bytes.slice(0, s), bytes.slice(e));
    }
    case 'duplicate-line': {
      const spans = lineSpans(bytes);
      const [s, e] = spans[m.at % spans.length];
      const line = bytes.slice(s, e);
      return concat(bytes.slice(0, e), ...Array.from({ length: m.times }, () => line), bytes.slice(e));
    }
    case 'insert': {
      const p = n ? m.at % (n + 1) : 0;
      return concat(bytes.slice(0, p), enc.encode(m.text), bytes.slice(p));
    }
    case 'invalid-utf8': {
      const p = n ? m.at % (n + 1) : 0;
      return concat(bytes.slice(0, p), Uint8Array.from(m.bytes), bytes.slice(p));
    }
    case 'bom':
      return concat(Uint8Array.from([0xef, 0xbb, 0xbf]), bytes);
    case 'crlf':
    case 'cr': {
      const text = Buffer.from(bytes)
        .toString('latin1')
        .replace(/\r?\n/g, m.kind === 'crlf' ? '\r\n' : '\r');
      return Uint8Array.from(Buffer.from(text, 'latin1'));
    }
    case 'tabs': {
      const text = Buffer.from(bytes)
        .toString('latin1')
        .replace(/^( {2})+/gm, (s) => '\t'.repeat(s.length / 2));
      return Uint8Array.from(Buffer.from(text, 'latin1'));
    }
    case 'swap-lines': {
      const spans = lineSpans(bytes);
      const a = spans[m.a % spans.length];
      const b = spans[m.b % spans.length];
      if (a === b) return bytes;
      const [x, y] = a[0] < b[0] ? [a, b] : [b, a];
      return concat(bytes.slice(0, x[0]), bytes.slice(y[0], y[1]), bytes.slice(x[1], y[0]), bytes.slice(x[0], x[1]), bytes.slice(y[1]));
    }
  }
}

export function mutateAll(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  return ms.reduce((b, m) => mutate(b, m), bytes);
}

/** A short description of mutations for failure messages (bulky inserted text abbreviated). */
export function describeMutations(ms: readonly Mutation[]): string {
  return ms
    .map((m) => {
      if (m.kind === 'insert') return `insert@${m.at}:${JSON.stringify(m.text.length > 40 ? `${m.text.slice(0, 20)}…(${m.text.length} chars)` : m.text)}`;
      return JSON.stringify(m);
    })
    .join(' ');
}

/** Why a range does not lie inside `doc`, or undefined when it does. */
export function rangeProblem(doc: TextDocument, r: Range): string | undefined {
  const ok = (p: { line: number; character: number }): string | undefined => {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `bad position ${JSON.stringify(p)}`;
    if (p.line >= doc.lineCount) return `line ${p.line} >= line count ${doc.lineCount}`;
    const len = doc.lineText(p.line).length;
    if (p.character > len) return `character ${p.character} > length ${len} of line ${p.line}`;
    return undefined;
  };
  const s = ok(r.start) ?? ok(r.end);
  if (s) return s;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) return `end before start ${JSON.stringify(r)}`;
  return undefined;
}

/** The document a diagnostic's positions refer to (binary or undecodable files: an empty one). */
export function documentOf(bytes: Uint8Array): TextDocument {
  return new TextDocument(decodeUtf8(bytes) ?? '');
}

/** Every range problem of a diagnostic (its range, related ranges in the same file, and its fixes' edits in the same file). */
export function diagnosticRangeProblems(d: Diagnostic, docOf: (file: string) => TextDocument | undefined): string[] {
  const out: string[] = [];
  const check = (file: string, r: Range, what: string): void => {
    const doc = docOf(file);
    if (!doc) return;
    const p = rangeProblem(doc, r);
    if (p) out.push(`${d.code} ${what} in ${file}: ${p}`);
  };
  check(d.file, d.range, 'range');
  for (const rel of d.related ?? []) check(rel.file, rel.range, 'related range');
  for (const f of d.fixes ?? []) for (const e of f.edits) check(f.file ?? d.file, e.range, `fix "${f.title}" edit`);
  return out;
}
