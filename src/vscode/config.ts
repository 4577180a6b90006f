// Typed read access to the genaiAssets.* settings (and the one write the extension makes: the library list).

import * as vscode from 'vscode';
import type { DiagnosticSettings } from '../core/editor/diagnosticSettings';
import type { LibrarySpec } from '../core/library/source';
import { settings, settingsSection } from './constants';
import { userOnlyValue } from './trust';

/** `genaiAssets.sampleLibrary`: when the bundled sample library is shown. */
export type SampleLibraryMode = 'auto' | 'always' | 'never';

/** `genaiAssets.diagnostics.run`: when open files are checked. */
export type DiagnosticsRunMode = 'onType' | 'onSave' | 'off';

function key(full: string): string {
  return full.slice(settingsSection.length + 1);
}

/** The settings, read fresh on every access (VS Code caches them itself). */
export class Config {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(settingsSection);
  }

  /**
   * `genaiAssets.libraries` as the user wrote it, keeping only well-formed entries (objects
   * whose fields are strings). Machine scope; and only the user's own settings count: a value
   * in workspace or folder settings is ignored (see trust.ts).
   */
  get libraries(): LibrarySpec[] {
    const raw = userOnlyValue(this.section.inspect<unknown>(key(settings.libraries)));
    if (!Array.isArray(raw)) return [];
    const out: LibrarySpec[] = [];
    for (const item of raw) {
      if (!item || typeof item !== 'object') continue;
      const spec: LibrarySpec = {};
      for (const field of ['name', 'url', 'path', 'ref'] as const) {
        const v = (item as Record<string, unknown>)[field];
        if (typeof v === 'string') spec[field] = v;
      }
      out.push(spec);
    }
    return out;
  }

  /** Minutes between automatic syncs; 0 = off. */
  get autoSyncMinutes(): number {
    const v = userOnlyValue(this.section.inspect<number>(key(settings.autoSync))) ?? 0;
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(1, v) : 0;
  }

  get sampleLibrary(): SampleLibraryMode {
    const v = this.section.get<string>(key(settings.sampleLibrary), 'auto');
    return v === 'always' || v === 'never' ? v : 'auto';
  }

  /**
   * The section as it applies to a file: the diagnostics settings are resource-scoped, so a folder
   * of a multi-root workspace may set its own. `null` reads them for the window as a whole.
   */
  private sectionFor(scope: vscode.Uri | undefined): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(settingsSection, scope ?? null);
  }

  /** `genaiAssets.diagnostics.run` for a file (resource scope). */
  diagnosticsRun(scope?: vscode.Uri): DiagnosticsRunMode {
    const v = this.sectionFor(scope).get<string>(key(settings.diagnosticsRun), 'onType');
    return v === 'onSave' || v === 'off' ? v : 'onType';
  }

  /** `genaiAssets.diagnostics.disabledCodes` and `.severityOverrides` for a file (resource scope), keeping only well-formed entries. */
  diagnosticSettings(scope?: vscode.Uri): DiagnosticSettings {
    const section = this.sectionFor(scope);
    const disabled = section.get<unknown>(key(settings.diagnosticsDisabledCodes));
    const overrides = section.get<unknown>(key(settings.diagnosticsSeverityOverrides));
    return {
      disabled: Array.isArray(disabled) ? disabled.filter((x): x is string => typeof x === 'string') : [],
      severityOverrides:
        overrides && typeof overrides === 'object' && !Array.isArray(overrides) ? Object.fromEntries(Object.entries(overrides).filter((e): e is [string, string] => typeof e[1] === 'string')) : {},
    };
  }

  /**
   * `genaiAssets.fleet`: the repositories (git URLs) whose locks where-used reads, each once,
   * keeping only strings. Machine scope; only the user's own settings count (a workspace cannot
   * make the extension fetch URLs of its choosing, see trust.ts).
   */
  get fleet(): string[] {
    const raw = userOnlyValue(this.section.inspect<unknown>(key(settings.fleet)));
    if (!Array.isArray(raw)) return [];
    return [
      ...new Set(
        raw
          .filter((u): u is string => typeof u === 'string')
          .map((u) => u.trim())
          .filter(Boolean),
      ),
    ];
  }

  get maintainerMode(): boolean {
    return this.section.get<boolean>(key(settings.maintainerMode), false) === true;
  }

  /** Writes the library list to the user's settings (machine-scoped settings go to the machine's file in remote windows). */
  async setLibraries(list: LibrarySpec[]): Promise<void> {
    await this.section.update(key(settings.libraries), list.length ? list : undefined, vscode.ConfigurationTarget.Global);
  }

  async setSampleLibrary(mode: SampleLibraryMode): Promise<void> {
    await this.section.update(key(settings.sampleLibrary), mode === 'auto' ? undefined : mode, vscode.ConfigurationTarget.Global);
  }

  /** True when a change event touches any of the settings that decide which libraries are shown. */
  static affectsLibraries(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(settings.libraries) || e.affectsConfiguration(settings.sampleLibrary);
  }

  static affectsAutoSync(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(settings.autoSync);
  }

  static affectsFleet(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(settings.fleet);
  }

  /** True when a change event touches how diagnostics are shown or when they run. */
  static affectsDiagnostics(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(settings.diagnosticsRun) || e.affectsConfiguration(settings.diagnosticsDisabledCodes) || e.affectsConfiguration(settings.diagnosticsSeverityOverrides);
  }
}
