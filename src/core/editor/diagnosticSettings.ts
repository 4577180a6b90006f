// The editor's diagnostics settings: families of codes, codes turned off, severities changed.

import { diagnosticCodes } from '../diagnostics';
import type { Diagnostic, DiagnosticCode, Severity } from '../diagnostics';

/** Families of checks: one switch or severity for several codes. No family shares a name with a code. */
export const codeFamilies = {
  syntax: { summary: 'Files that cannot be read or parsed (YAML syntax, duplicate keys), or are too large to check.', codes: ['unreadable-file', 'file-too-large', 'yaml-syntax', 'duplicate-key'] },
  structure: { summary: "Fields against the format's JSON Schema (types, required and unknown fields).", codes: ['schema', 'unknown-field'] },
  templates: {
    summary: 'Template syntax: blocks, braces, partials.',
    codes: ['template-syntax', 'unclosed-block', 'unmatched-closing-block', 'unbalanced-brace', 'unknown-partial', 'circular-partial', 'dotprompt-role-block'],
  },
  variables: { summary: 'Template variables against the declared inputs.', codes: ['undefined-variable', 'unused-variable'] },
  references: {
    summary: 'References between assets, ids, entries and paths.',
    codes: ['unknown-reference', 'unsatisfied-version', 'deprecated-reference', 'duplicate-id', 'id-mismatch', 'entry-missing', 'path-escape', 'git-metadata'],
  },
  evals: { summary: 'Eval test cases against the inputs of the prompts they target.', codes: ['eval-vars-mismatch'] },
  policy: { summary: 'The library policy: owners and eval coverage of approved assets.', codes: ['approved-without-owners', 'approved-without-eval'] },
  approvals: { summary: 'Approval digests against the approved content.', codes: ['approval-digest-mismatch', 'approval-missing'] },
  models: { summary: 'Models against the policy and the model catalogue.', codes: ['model-not-allowed', 'model-parameter-unsupported', 'deprecated-model'] },
  tokens: { summary: 'Token budgets of rendered prompts.', codes: ['token-budget'] },
  secrets: { summary: 'Credentials in asset files.', codes: ['secret-in-asset'] },
  pilots: { summary: 'Pilot components against the lock file and the library.', codes: ['component-modified', 'component-outdated', 'component-deprecated', 'component-not-approved'] },
} as const satisfies Record<string, { summary: string; codes: readonly DiagnosticCode[] }>;

export type CodeFamily = keyof typeof codeFamilies;

/** What a setting may set a code (or family) to. */
export type SeverityOverride = Severity | 'off';

export interface DiagnosticSettings {
  /** Codes and family names to drop. */
  disabled: readonly string[];
  /** New severity (or 'off') by code or family name; a code's entry beats its family's. */
  severityOverrides: Readonly<Record<string, string>>;
}

export const defaultDiagnosticSettings: DiagnosticSettings = { disabled: [], severityOverrides: {} };

const familyOf = new Map<string, CodeFamily>();
for (const [family, info] of Object.entries(codeFamilies) as [CodeFamily, { codes: readonly string[] }][]) for (const c of info.codes) familyOf.set(c, family);

/** The family a code belongs to. */
export function familyOfCode(code: DiagnosticCode): CodeFamily | undefined {
  return familyOf.get(code);
}

const overrideValues = new Set(['error', 'warning', 'info', 'off']);

/** Entries of the settings that name neither a code nor a family, or set an unknown severity (to tell the user). */
export function settingsProblems(settings: DiagnosticSettings): string[] {
  const problems: string[] = [];
  const known = (name: string): boolean => name in diagnosticCodes || name in codeFamilies;
  for (const name of settings.disabled) if (!known(name)) problems.push(`"${name}" in genaiAssets.diagnostics.disabledCodes is neither a diagnostic code nor a family of codes.`);
  for (const [name, value] of Object.entries(settings.severityOverrides)) {
    if (!known(name)) problems.push(`"${name}" in genaiAssets.diagnostics.severityOverrides is neither a diagnostic code nor a family of codes.`);
    else if (!overrideValues.has(value)) problems.push(`genaiAssets.diagnostics.severityOverrides: "${name}" is set to "${value}"; use error, warning, info or off.`);
  }
  return problems;
}

/** The severity a code gets under the settings, or 'off' when it is not shown. */
export function effectiveSeverity(code: DiagnosticCode, severity: Severity, settings: DiagnosticSettings): SeverityOverride {
  const family = familyOf.get(code);
  if (settings.disabled.includes(code) || (family && settings.disabled.includes(family))) return 'off';
  const own = settings.severityOverrides[code];
  if (own !== undefined && overrideValues.has(own)) return own as SeverityOverride;
  const fam = family ? settings.severityOverrides[family] : undefined;
  if (fam !== undefined && overrideValues.has(fam)) return fam as SeverityOverride;
  return severity;
}

/** The diagnostics as the settings show them: turned-off codes dropped, severities changed (new objects; the input is untouched). */
export function applyDiagnosticSettings(list: readonly Diagnostic[], settings: DiagnosticSettings): Diagnostic[] {
  if (!settings.disabled.length && !Object.keys(settings.severityOverrides).length) return [...list];
  const out: Diagnostic[] = [];
  for (const d of list) {
    const s = effectiveSeverity(d.code, d.severity, settings);
    if (s === 'off') continue;
    out.push(s === d.severity ? d : { ...d, severity: s });
  }
  return out;
}
