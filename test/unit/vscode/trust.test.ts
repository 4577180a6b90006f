// Trust rules of the extension (src/vscode/trust.ts): where git may run, and which setting values count.

import assert from 'node:assert/strict';
import { gitMayRunOn, userOnlyValue } from '../../../src/vscode/trust';

describe('vscode/trust', () => {
  it('git never runs on workspace libraries in Restricted Mode; settings and sample libraries are the user’s', () => {
    assert.equal(gitMayRunOn('workspace', false), false);
    assert.equal(gitMayRunOn('workspace', true), true);
    assert.equal(gitMayRunOn('settings', false), true);
    assert.equal(gitMayRunOn('sample', false), true);
  });

  it('only the user’s own value of a setting counts: workspace and folder values are ignored', () => {
    const workspaceUrl = [{ url: 'https://evil.example/lib.git' }];
    assert.deepEqual(userOnlyValue({ defaultValue: [], workspaceValue: workspaceUrl }), []);
    assert.deepEqual(userOnlyValue({ defaultValue: [], workspaceFolderValue: workspaceUrl }), []);
    assert.deepEqual(userOnlyValue({ defaultValue: [], globalValue: [{ url: 'https://mine.example/lib.git' }], workspaceValue: workspaceUrl }), [{ url: 'https://mine.example/lib.git' }]);
    assert.equal(userOnlyValue({ defaultValue: 60, workspaceValue: 1 }), 60);
    assert.equal(userOnlyValue<number>(undefined), undefined);
  });
});
