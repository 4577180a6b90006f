// Quick fixes from the engine's diagnostics: one action per fix, and "fix all" passes that re-check between rounds.

import type { Diagnostic, DiagnosticCode, Fix, Position, TextEdit } from '../diagnostics';
import { applyEdits } from '../text/edits';

export interface FixOptions {
  /** Maintainer mode: offer fixes marked maintainersOnly (e.g. recomputing an approval digest). */
  maintainer: boolean;
  /**
   * Eval suites target the prompt in this file: declaring an input optional comes first, since a
   * required one fails every test case that does not give it.
   */
  coveredByEvals?: boolean;
}

/** One quick fix to offer: its edits by library-relative file. */
export interface FixAction {
  title: string;
  diagnostic: Diagnostic;
  /** Edits by library-relative file (the diagnostic's own file unless the fix names another). */
  changes: { file: string; edits: TextEdit[] }[];
  /** The only fix offered for its diagnostic: safe to apply with one keystroke. */
  isPreferred: boolean;
}

/**
 * The fixes of a diagnostic that these options offer, in order: of a required and an optional
 * declaration, the optional one first when eval suites cover the file.
 */
export function offeredFixes(d: Diagnostic, opts: FixOptions): Fix[] {
  const fixes = (d.fixes ?? []).filter((f) => f.edits.length > 0 && (opts.maintainer || !f.maintainersOnly));
  if (!opts.coveredByEvals) return fixes;
  return [...fixes.filter((f) => f.declares === 'optional'), ...fixes.filter((f) => f.declares !== 'optional')];
}

/** The fix to apply without asking: a diagnostic's only fix, or the first of its declarations (required, or optional under eval suites). */
function preferredFix(fixes: readonly Fix[]): Fix | undefined {
  if (fixes.length === 1) return fixes[0];
  return fixes.length && fixes.every((f) => f.declares) ? fixes[0] : undefined;
}

/** Quick fixes for the given diagnostics, in order; a diagnostic's single fix (or first declaration) is marked preferred. */
export function quickFixes(diagnostics: readonly Diagnostic[], opts: FixOptions): FixAction[] {
  const out: FixAction[] = [];
  for (const d of diagnostics) {
    const fixes = offeredFixes(d, opts);
    const preferred = preferredFix(fixes);
    for (const f of fixes) out.push({ title: f.title, diagnostic: d, changes: [{ file: f.file ?? d.file, edits: f.edits }], isPreferred: f === preferred });
  }
  return out;
}

/** The preferred fix of a diagnostic when it edits the diagnostic's own file (what "fix all" applies). */
export function unambiguousFix(d: Diagnostic, opts: FixOptions): Fix | undefined {
  const f = preferredFix(offeredFixes(d, opts));
  return f && (f.file === undefined || f.file === d.file) ? f : undefined;
}

/** Codes that have at least `min` unambiguous fixes among the diagnostics of one file, with their counts. */
export function fixableCodes(diagnostics: readonly Diagnostic[], opts: FixOptions, min = 1): Map<DiagnosticCode, number> {
  const counts = new Map<DiagnosticCode, number>();
  for (const d of diagnostics) if (unambiguousFix(d, opts)) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  for (const [c, n] of counts) if (n < min) counts.delete(c);
  return counts;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
function same(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

/** True when two edits cannot both be applied: their ranges overlap, or they insert different text at one point. */
export function editsConflict(a: TextEdit, b: TextEdit): boolean {
  if (before(b.range.start, a.range.end) && before(a.range.start, b.range.end)) return true;
  const aInsert = same(a.range.start, a.range.end);
  const bInsert = same(b.range.start, b.range.end);
  if (aInsert && bInsert && same(a.range.start, b.range.start)) return a.newText !== b.newText;
  // An insertion strictly inside a replaced range.
  if (aInsert && before(b.range.start, a.range.start) && before(a.range.start, b.range.end)) return true;
  if (bInsert && before(a.range.start, b.range.start) && before(b.range.start, a.range.end)) return true;
  return false;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return same(a.range.start, b.range.start) && same(a.range.end, b.range.end) && a.newText === b.newText;
}

/**
 * The edits of one round of "fix all": the unambiguous fixes of the diagnostics (of `codes`,
 * when given) whose edits conflict with none taken before; identical edits are taken once.
 */
export function fixAllRound(diagnostics: readonly Diagnostic[], opts: FixOptions & { codes?: ReadonlySet<DiagnosticCode> }): { edits: TextEdit[]; fixed: Diagnostic[] } {
  const edits: TextEdit[] = [];
  const fixed: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (opts.codes && !opts.codes.has(d.code)) continue;
    const fix = unambiguousFix(d, opts);
    if (!fix) continue;
    const fresh = fix.edits.filter((e) => !edits.some((t) => sameEdit(t, e)));
    if (fresh.some((e) => edits.some((t) => editsConflict(t, e)))) continue;
    edits.push(...fresh);
    fixed.push(d);
  }
  return { edits, fixed };
}

export interface FixAllResult {
  /** The text with every fix applied. */
  text: string;
  /** How many diagnostics were fixed, over all rounds. */
  fixed: number;
  rounds: number;
}

/**
 * Applies every unambiguous fix of one file's diagnostics, in rounds: after each round the
 * text is checked again (`recheck`, e.g. a parse of the new text) and the fixes that
 * conflicted before (two inputs declared at one place) are applied to the new text.
 * Undefined when there is nothing to fix.
 */
export function fixAll(
  text: string,
  diagnostics: readonly Diagnostic[],
  opts: FixOptions & { codes?: ReadonlySet<DiagnosticCode>; recheck: (text: string) => readonly Diagnostic[]; maxRounds?: number },
): FixAllResult | undefined {
  let current = text;
  let found = diagnostics;
  let fixed = 0;
  let rounds = 0;
  const max = opts.maxRounds ?? 10;
  while (rounds < max) {
    const round = fixAllRound(found, opts);
    if (!round.edits.length) break;
    let next: string;
    try {
      next = applyEdits(current, round.edits);
    } catch {
      break;
    }
    if (next === current) break;
    current = next;
    fixed += round.fixed.length;
    rounds++;
    found = opts.recheck(current);
  }
  return fixed ? { text: current, fixed, rounds } : undefined;
}

/** The smallest single edit that turns `before` into `after` (common start and end kept), or undefined when they are equal. */
export function minimalEdit(before: string, after: string): { start: number; end: number; newText: string } | undefined {
  if (before === after) return undefined;
  let a = 0;
  const max = Math.min(before.length, after.length);
  while (a < max && before.charCodeAt(a) === after.charCodeAt(a)) a++;
  let b = 0;
  while (b < max - a && before.charCodeAt(before.length - 1 - b) === after.charCodeAt(after.length - 1 - b)) b++;
  // Never split a surrogate pair or a CRLF.
  while (a > 0 && (isLowSurrogate(before.charCodeAt(a)) || (before[a] === '\n' && before[a - 1] === '\r'))) a--;
  while (b > 0 && isLowSurrogate(before.charCodeAt(before.length - b))) b--;
  return { start: a, end: before.length - b, newText: after.slice(a, after.length - b) };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
