// Checks, inside a real VS Code, that the extension is found by its id and that activating it returns the public API.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenAiAssetsApi } from '../../src/extension';

const extensionId = 'genai-assets.genai-asset-library';

describe('activation', () => {
  it('loads the extension under its id', () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `VS Code has no extension ${extensionId}; is extensionDevelopmentPath the repository?`);
    assert.equal(extension.packageJSON.name, 'genai-asset-library');
  });

  it('activates and returns an API whose version is the package version', async () => {
    const extension = vscode.extensions.getExtension<GenAiAssetsApi>(extensionId);
    assert.ok(extension);
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(typeof api.version, 'string');
    assert.equal(api.version, extension.packageJSON.version);
  });
});
