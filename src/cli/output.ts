// Output formats of validate/verify: compiler-style text, JSON and SARIF 2.1.0.

import { diagnosticCodes } from '../core/diagnostics';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics';

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

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** `file:line:col severity code message` lines (1-based line and column) and a summary line. */
export function formatText(diags: readonly ReportedDiagnostic[], summary: Summary, color: boolean): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines = diags.map((d) => {
    const sev = d.severity === 'error' ? c('31', 'error') : d.severity === 'warning' ? c('33', 'warning') : c('36', 'info');
    return `${d.displayFile}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${sev} ${c('2', d.code)} ${d.message}`;
  });
  lines.push(
    `${plural(summary.files, 'file')} checked: ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'info')}.`,
  );
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

/** SARIF 2.1.0 with 1-based regions and our codes as rule ids. */
export function formatSarif(diags: readonly ReportedDiagnostic[], toolVersion: string): string {
  const used = [...new Set(diags.map((d) => d.code))].sort();
  const codes = (Object.keys(diagnosticCodes) as DiagnosticCode[]).filter((c) => used.includes(c));
  const ruleIndex = new Map(codes.map((c, i) => [c, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'genai-assets',
            fullName: 'GenAI Asset Library',
            version: toolVersion,
            rules: codes.map((code) => ({
              id: code,
              name: code.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
              shortDescription: { text: diagnosticCodes[code].summary },
              fullDescription: { text: diagnosticCodes[code].summary },
              help: { text: diagnosticCodes[code].summary, markdown: `**${code}**: ${diagnosticCodes[code].summary}` },
              defaultConfiguration: { level: sarifLevel[diagnosticCodes[code].severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { uri: './' } },
        results: diags.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code),
          level: sarifLevel[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(d.displayFile.replace(/\\/g, '/')), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: d.range.start.line + 1,
                  startColumn: d.range.start.character + 1,
                  endLine: d.range.end.line + 1,
                  endColumn: d.range.end.character + 1,
                },
              },
            },
          ],
          ...(d.related
            ? {
                relatedLocations: d.related.map((r, i) => ({
                  id: i,
                  message: { text: r.message },
                  physicalLocation: {
                    artifactLocation: { uri: encodeURI(r.file), uriBaseId: '%SRCROOT%' },
                    region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 },
                  },
                })),
              }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
