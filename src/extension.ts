// Extension entry point: activate/deactivate only; the editor surface lives in src/vscode.

import type * as vscode from 'vscode';

export interface GenAiAssetsApi {
  readonly version: string;
}

export function activate(_context: vscode.ExtensionContext): GenAiAssetsApi {
  return { version: '0.1.0' };
}

export function deactivate(): void {}
