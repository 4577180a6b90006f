// The status bar item: the libraries' state (commit and age, syncing, offline since, error); a click syncs.

import * as vscode from 'vscode';
import { ageText } from '../core/library/sync';
import { commands } from './constants';
import { Disposable, toDisposable } from './lifecycle';
import type { LibraryService, WindowLibrary } from './libraryService';
import { libraryName } from './libraryService';

export interface StatusView {
  text: string;
  tooltip: string;
  severity?: 'error' | 'warning';
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function line(lib: WindowLibrary, now: Date): string {
  const name = libraryName(lib);
  if (lib.status === 'syncing') return `${name}: syncing...`;
  if (!lib.catalog) return lib.error ? `${name}: ${lib.error}` : `${name}: not loaded yet`;
  const at = lib.commit ? ` at ${lib.commit.slice(0, 7)}` : '';
  if (lib.offlineSince) return `${name}${at}: offline since ${new Date(lib.offlineSince).toLocaleString()}; showing the last synced catalog`;
  if (lib.error) return `${name}${at}: ${lib.error}`;
  if (lib.source?.kind === 'git') return `${name}${at}, synced ${ageText(lib.syncedAt, now)}`;
  return `${name}: folder ${lib.root ?? ''}`;
}

/** What the item shows for a list of libraries (pure, for tests and for the item). */
export function statusView(libraries: readonly WindowLibrary[], syncing: boolean, loaded: boolean, now: Date): StatusView {
  const lines = libraries.map((l) => line(l, now));
  const tooltip = [...lines, '', syncing ? 'Syncing...' : 'Click to sync the libraries.'].join('\n');
  if (syncing) return { text: '$(sync~spin) Syncing libraries...', tooltip };
  if (!loaded) return { text: '$(library) GenAI Assets', tooltip: 'The asset libraries load when the catalog is opened. Click to sync them now.' };
  if (!libraries.length) return { text: '$(library) No library', tooltip: 'No asset library is configured. Click to sync, or run "GenAI Assets: Add Library...".' };
  const failed = libraries.filter((l) => !l.catalog && l.error);
  if (failed.length) {
    return { text: failed.length === 1 ? `$(error) ${libraryName(failed[0])}: error` : `$(error) ${failed.length} libraries failed`, tooltip, severity: 'error' };
  }
  const offline = libraries.filter((l) => l.offlineSince);
  if (offline.length) {
    const since = offline.map((l) => l.offlineSince!).sort()[0];
    return { text: `$(debug-disconnect) ${offline.length === 1 ? libraryName(offline[0]) : `${offline.length} libraries`} offline since ${time(since)}`, tooltip, severity: 'warning' };
  }
  const stale = libraries.filter((l) => l.error);
  if (stale.length) return { text: `$(warning) ${stale.length === 1 ? libraryName(stale[0]) : `${stale.length} libraries`}: sync failed`, tooltip, severity: 'warning' };
  const git = libraries.filter((l) => l.source?.kind === 'git');
  if (libraries.length === 1) {
    const lib = libraries[0];
    if (lib.source?.kind === 'git') return { text: `$(repo) ${libraryName(lib)} ${lib.commit?.slice(0, 7) ?? ''} · ${ageText(lib.syncedAt, now)}`.replace('  ', ' '), tooltip };
    return { text: `$(library) ${libraryName(lib)}`, tooltip };
  }
  if (git.length) {
    const oldest = git.map((l) => l.syncedAt ?? '').sort()[0] || undefined;
    return { text: `$(library) ${libraries.length} libraries · synced ${ageText(oldest, now)}`, tooltip };
  }
  return { text: `$(library) ${libraries.length} libraries`, tooltip };
}

export class LibraryStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(private readonly service: LibraryService) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('genaiAssets.libraries', vscode.StatusBarAlignment.Left, 20));
    this.item.name = 'GenAI Assets: libraries';
    this.item.command = commands.syncLibraries;
    this._register(service.onDidChange(() => this.update()));
    // Ages ("5 minutes ago") move on without events.
    const timer = setInterval(() => this.update(), 60_000);
    this._register(toDisposable(() => clearInterval(timer)));
    this.update();
    this.item.show();
  }

  update(): void {
    const v = statusView(this.service.libraries, this.service.isSyncing, this.service.started, new Date());
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.backgroundColor = v.severity ? new vscode.ThemeColor(v.severity === 'error' ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground') : undefined;
  }
}
