// Diagnostics: the one shape every check reports, with the table of stable codes.

export type Severity = 'error' | 'warning' | 'info';

/** LSP position: 0-based line, 0-based character in UTF-16 code units. */
export interface Position {
  line: number;
  character: number;
}

/** LSP range, end exclusive. */
export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: edits to apply, in `file` (the diagnostic's own file when absent). */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Library-relative path of the file the edits apply to, when not the diagnostic's file. */
  file?: string;
  /** Fixes that only maintainers should be offered (e.g. recomputing an approval digest). */
  maintainersOnly?: boolean;
  /** A declare-input fix: whether it declares the input required or optional (the editor puts the one that fits first). */
  declares?: 'required' | 'optional';
}

export interface RelatedInformation {
  file: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Path of the file, relative to the library root, '/' separated. */
  file: string;
  range: Range;
  fixes?: Fix[];
  related?: RelatedInformation[];
}

export interface CodeInfo {
  severity: Severity;
  summary: string;
}

/** Every code the engine reports, its default severity, and a one-line help text. */
export const diagnosticCodes = {
  'unreadable-file': { severity: 'error', summary: 'The file cannot be read as text (not UTF-8, binary, or unreadable).' },
  'file-too-large': { severity: 'warning', summary: 'A file, its YAML or its template body is over a size limit of the checker (bytes, nesting, aliases expanded); it was not checked.' },
  'yaml-syntax': { severity: 'error', summary: 'YAML (or front matter) does not parse.' },
  'duplicate-key': { severity: 'error', summary: 'A mapping repeats a key.' },
  schema: { severity: 'error', summary: 'A value breaks the JSON Schema of its format (type, required, enum, pattern...).' },
  'unknown-field': { severity: 'warning', summary: 'A field the format does not define; the nearest known name is suggested.' },
  'template-syntax': { severity: 'error', summary: 'The body does not parse as its template language.' },
  'unclosed-block': { severity: 'error', summary: 'A block ({{#if}}, {% if %}...) is opened and never closed.' },
  'unmatched-closing-block': { severity: 'error', summary: 'A closing block ({{/if}}, {% endif %}...) has no opening block.' },
  'unbalanced-brace': { severity: 'error', summary: 'A stray {{ or }}.' },
  'undefined-variable': { severity: 'warning', summary: 'The body uses a variable that the inputs do not declare.' },
  'unused-variable': { severity: 'warning', summary: 'An input is declared and never used.' },
  'unknown-partial': { severity: 'error', summary: 'A partial that does not exist.' },
  'circular-partial': { severity: 'error', summary: 'Partials that include each other.' },
  'dotprompt-role-block': { severity: 'warning', summary: 'A Dotprompt `{{#role "x"}}...{{/role}}` block: the runtime drops the text inside; the fix writes `{{role "x"}}` markers.' },
  'unknown-reference': { severity: 'error', summary: 'targets, dependsOn, replacedBy or a pilot component names no asset.' },
  'unsatisfied-version': { severity: 'error', summary: 'No version of the asset satisfies the range.' },
  'deprecated-reference': { severity: 'warning', summary: 'The reference resolves to a deprecated asset; the fix offers its replacedBy.' },
  'duplicate-id': { severity: 'error', summary: 'Two assets share an id.' },
  'id-mismatch': { severity: 'warning', summary: 'id differs from the folder name.' },
  'entry-missing': { severity: 'error', summary: 'entry or a referenced file does not exist.' },
  'path-escape': { severity: 'error', summary: 'A path or link leads out of the library (an entry must also stay inside its asset folder); it is never read.' },
  'git-metadata': { severity: 'error', summary: 'A .git entry (any name git reads as .git) or a folder that is a git directory; it is never copied into pilots.' },
  'eval-vars-mismatch': { severity: 'error', summary: 'An eval test case lacks a required input of its target prompt, gives one of the wrong type, or gives an undeclared one (warning).' },
  'approved-without-owners': { severity: 'error', summary: 'Policy requireOwners: an approved asset must name its owners.' },
  'approved-without-eval': { severity: 'error', summary: 'Policy requireEvalCoverage: an approved prompt needs at least one eval suite targeting it.' },
  'approval-digest-mismatch': { severity: 'error', summary: "An approved asset's content no longer matches its approval digest." },
  'approval-missing': { severity: 'error', summary: 'Policy requireApproval: an approved asset has no approval (approval: { by, date, digest }); scaffold, add and update refuse it.' },
  'model-not-allowed': { severity: 'error', summary: 'The model is outside policy.allowedModels.' },
  'model-parameter-unsupported': { severity: 'warning', summary: 'A parameter that the model does not take (per the model catalogue).' },
  'deprecated-model': { severity: 'warning', summary: 'The model is deprecated; the fix offers its replacedBy.' },
  'token-budget': { severity: 'warning', summary: "The rendered prompt's estimated tokens exceed maxPromptTokens or the model's context window." },
  'secret-in-asset': { severity: 'error', summary: 'Something that looks like a credential (API key, token, private key, password in a URL).' },
  'component-modified': { severity: 'warning', summary: 'A pilot file differs from the hash in the lock.' },
  'component-outdated': { severity: 'info', summary: 'A newer approved version exists upstream.' },
  'component-deprecated': { severity: 'warning', summary: 'A pilot uses a component that is now deprecated.' },
  'component-not-approved': { severity: 'error', summary: 'A pilot uses a component whose status the policy does not allow.' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof diagnosticCodes;

/** Builds a diagnostic with the code's default severity unless one is given. */
export function diag(code: DiagnosticCode, file: string, range: Range, message: string, extra: { severity?: Severity; fixes?: Fix[]; related?: RelatedInformation[] } = {}): Diagnostic {
  const d: Diagnostic = { code, severity: extra.severity ?? diagnosticCodes[code].severity, message, file, range };
  if (extra.fixes && extra.fixes.length) d.fixes = extra.fixes;
  if (extra.related && extra.related.length) d.related = extra.related;
  return d;
}

/**
 * Keeps at most `max` diagnostics of each code (in order); the rest of a code become one
 * diagnostic saying how many more there are, so that a damaged file cannot flood the output.
 */
export function capPerCode(list: readonly Diagnostic[], max: number): Diagnostic[] {
  const counts = new Map<DiagnosticCode, number>();
  for (const d of list) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  if ([...counts.values()].every((n) => n <= max + 1)) return [...list];
  const seen = new Map<DiagnosticCode, number>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const n = (seen.get(d.code) ?? 0) + 1;
    seen.set(d.code, n);
    const total = counts.get(d.code)!;
    if (n <= max || total <= max + 1) out.push(d);
    else if (n === max + 1) {
      out.push({
        code: d.code,
        severity: d.severity,
        file: d.file,
        range: d.range,
        message: `…and ${total - max} more \`${d.code}\` problems from here on in this file, not listed one by one; fix the ones above first.`,
      });
    }
  }
  return out;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  if (a.range.start.character !== b.range.start.character) return a.range.start.character - b.range.start.character;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
