// Output formats of validate/verify (compiler-style text, JSON and SARIF 2.1.0), and the escaping of control characters on the way to a terminal.

import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import { diagnosticCodes } from '../core/diagnostics';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics';
import { plural } from '../core/text/plural';

/** A diagnostic with its file path made relative to the current directory (for display). */
export interface ReportedDiagnostic extends Diagnostic {
  displayFile: string;
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

export function summarise(diags: readonly Diagnostic[], files: number): Summary {
  const s: Summary = { files, errors: 0, warnings: 0, infos: 0 };
  for (const d of diags) {
    if (d.severity === 'error') s.errors++;
    else if (d.severity === 'warning') s.warnings++;
    else s.infos++;
  }
  return s;
}

/** `file:line:col severity code message` lines (1-based line and column) and a summary line. */
export function formatText(diags: readonly ReportedDiagnostic[], summary: Summary, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines = diags.map((d) => {
    const sev = d.severity === 'error' ? c('31', 'error') : d.severity === 'warning' ? c('33', 'warning') : c('36', 'info');
    return `${shownValue(d.displayFile)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${sev} ${c('2', d.code)} ${shownValue(d.message)}`;
  });
  lines.push(`${plural(summary.files, 'file')} checked: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'info')}.`);
  return lines.join('\n') + '\n';
}

/** The JSON contract: `{ diagnostics: [...], summary: {...} }`. */
export function formatJson(diags: readonly ReportedDiagnostic[], summary: Summary): string {
  return (
    JSON.stringify(
      {
        diagnostics: diags.map((d) => {
          const o: Record<string, unknown> = { file: d.displayFile, code: d.code, severity: d.severity, message: d.message, range: d.range };
          if (d.fixes) o.fixes = d.fixes;
          if (d.related) o.related = d.related;
          return o;
        }),
        summary,
      },
      null,
      2,
    ) + '\n'
  );
}

const sarifLevel = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * The project's home, as the README documents it (the repository of the pre-commit hook). package.json
 * names no repository or homepage yet; a test keeps them equal once it does.
 */
export const projectHome = 'https://github.com/genai-assets/genai-asset-library';
/** Where each code is explained: the README's table of diagnostic codes. */
export const diagnosticCodesHelpUri = `${projectHome}#diagnostic-codes`;

/** A code's SARIF rule name: its words in PascalCase (`yaml-syntax` is YamlSyntax), as SARIF rule names are written. */
export function sarifRuleName(code: DiagnosticCode): string {
  return code.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase());
}

/** The one base the relative locations resolve against: the folder the CLI ran in (the repository root in CI). */
const srcRoot = '%SRCROOT%';

/**
 * A file as a SARIF artifact location. Inside the working folder: a relative reference (each segment
 * percent-encoded, so `#`, `?`, `%` and `:` stay part of the path) against SRCROOT, which is how code
 * scanning expects repository files. Outside it: an absolute `file:` URI, since a relative reference
 * with `..` would climb out of the base.
 */
function sarifArtifact(displayFile: string, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = nodePath.resolve(cwd, displayFile);
  const rel = nodePath.relative(cwd, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(nodePath.sep).map(encodeURIComponent).join('/'), uriBaseId: srcRoot };
}

/** A folder as an absolute `file:` URI ending in `/` (SARIF's rule for a base URI). */
function folderUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

const sarifRegion = (r: Diagnostic['range']) => ({
  startLine: r.start.line + 1,
  startColumn: r.start.character + 1,
  endLine: r.end.line + 1,
  endColumn: r.end.character + 1,
});

/**
 * SARIF 2.1.0 as GitHub code scanning and the SARIF Multitool want it: the tool with its information URI,
 * our codes as rule ids (with a PascalCase name, descriptions, help and a help URI), 1-based regions, file locations relative to
 * `%SRCROOT%`, which `originalUriBaseIds` defines as the working folder `cwd` (an absolute file URI).
 */
export function formatSarif(diags: readonly ReportedDiagnostic[], toolVersion: string, cwd: string): string {
  const used = [...new Set(diags.map((d) => d.code))].sort();
  const codes = (Object.keys(diagnosticCodes) as DiagnosticCode[]).filter((c) => used.includes(c));
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const root = folderUri(cwd);
  const sarif = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'genai-assets',
            fullName: 'GenAI Asset Library',
            version: toolVersion,
            informationUri: projectHome,
            rules: codes.map((code) => ({
              id: code,
              name: sarifRuleName(code),
              shortDescription: { text: diagnosticCodes[code].summary },
              fullDescription: { text: diagnosticCodes[code].summary },
              helpUri: diagnosticCodesHelpUri,
              help: { text: diagnosticCodes[code].summary, markdown: `**${code}**: ${diagnosticCodes[code].summary} See [the diagnostic codes](${diagnosticCodesHelpUri}).` },
              defaultConfiguration: { level: sarifLevel[diagnosticCodes[code].severity] },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, workingDirectory: { uri: root } }],
        originalUriBaseIds: { [srcRoot]: { uri: root } },
        columnKind: 'utf16CodeUnits',
        results: diags.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code),
          level: sarifLevel[d.severity],
          message: { text: d.message },
          locations: [{ physicalLocation: { artifactLocation: sarifArtifact(d.displayFile, cwd), region: sarifRegion(d.range) } }],
          ...(d.related
            ? {
                relatedLocations: d.related.map((r, i) => ({
                  id: i,
                  message: { text: r.message },
                  physicalLocation: { artifactLocation: sarifArtifact(r.file, cwd), region: sarifRegion(r.range) },
                })),
              }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/**
 * Control characters a terminal acts on: C0 (tab and line feed aside), DEL, C1 (U+0080-U+009F,
 * which some terminals read as ESC sequences) and the Unicode line and paragraph separators.
 */
const terminalControl = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/;
/** The same and the line feed: inside one value it would split a line of ours in two. */
const valueControl = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/;
const valueControls = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g;
/** What the last guard rewrites: a colour code of ours (formatText's), or any control character. */
const terminalControlOrColour = /\x1b\[(?:0|2|3[136])m|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g;

/**
 * One control character as a JavaScript-style escape: `\n`, `\r`, `\x1b` below U+0020, `\u009b` from
 * DEL up. The `\u` form is also JSON's, so JSON text stays valid JSON with the same value.
 */
function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A value from library content (a title, a field name, a file name, a commit subject) as text output
 * shows it: every control character escaped, line breaks included, so that it stays one value on
 * its line and cannot move the cursor, recolour, retitle or link anything.
 */
export function shownValue(value: string): string {
  return valueControl.test(value) ? value.replace(valueControls, escapeControl) : value;
}

/**
 * The last guard on everything the CLI writes (text, JSON and SARIF alike): control characters
 * escaped, except the line feeds and tabs of our layout and, when `color` is on, our own colour
 * codes. JSON.stringify already escapes C0, so in JSON only C1, DEL and U+2028/U+2029 change (to
 * their `\u` escapes, which JSON reads back as the same characters).
 */
export function terminalSafe(text: string, color: boolean): string {
  if (!terminalControl.test(text)) return text;
  return text.replace(terminalControlOrColour, (m) => (m.length > 1 ? (color ? m : `\\x1b${m.slice(1)}`) : escapeControl(m)));
}
