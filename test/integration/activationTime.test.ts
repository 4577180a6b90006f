// Activation is light: nothing is read or cloned until a view or command needs it; the activation time is logged.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { api, repoRoot, waitFor } from './helpers';

/** Finds the "GenAI Assets" log file under the extension's log folder (or beside it, depending on the VS Code version). */
function logFiles(logUri: vscode.Uri): string[] {
  const out: string[] = [];
  for (const dir of [logUri.fsPath, path.dirname(logUri.fsPath)]) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (/GenAI Assets\.log$/.test(name)) out.push(path.join(dir, name));
  }
  return out;
}

/** Adds a line to the run's report (scripts/runIntegration.mjs prints it). */
function note(text: string): void {
  const report = process.env.GENAI_ASSETS_TEST_REPORT;
  if (report) fs.appendFileSync(report, `    (${text})\n`);
}

describe('activation (late and light)', () => {
  it('activates without loading any library, cloning or indexing', async () => {
    const a = await api();
    assert.equal(a.libraries.started, false, 'a library was loaded at activation although no view or command asked for it');
    assert.equal(a.libraries.libraries.length, 0);
    assert.equal(fs.existsSync(a.libraries.cacheDir), false, 'the clone cache exists before any sync');
    assert.equal(a.statusBar.text, '$(library) GenAI Assets');
  });

  it('logs its activation time (performance.now() from start to end of activate) in the "GenAI Assets" log', async () => {
    const a = await api();
    assert.ok(a.activationMs > 0 && Number.isFinite(a.activationMs));
    const line = await waitFor('the activation line in the log file', () => {
      for (const f of logFiles(a.logUri)) {
        const m = /activated in ([\d.]+) ms/.exec(fs.readFileSync(f, 'utf8'));
        if (m) return m;
      }
      return undefined;
    });
    assert.equal(Number(line[1]), Number(a.activationMs.toFixed(1)));
    note(`activate() took ${line[1]} ms`);
  });

  it('measures loading the bundle (a fresh require of dist/extension.js, which happens before activate)', () => {
    const load = createRequire(__filename);
    const file = load.resolve(path.join(repoRoot(), 'dist', 'extension.js'));
    const cached = load.cache[file];
    delete load.cache[file];
    const started = performance.now();
    const fresh = load(file) as { activate?: unknown };
    const ms = performance.now() - started;
    if (cached) load.cache[file] = cached;
    assert.equal(typeof fresh.activate, 'function');
    note(`loading dist/extension.js (${(fs.statSync(file).size / 1024 / 1024).toFixed(2)} MB) took ${ms.toFixed(1)} ms`);
  });
});
