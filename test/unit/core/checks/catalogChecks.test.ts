import * as assert from 'node:assert/strict';
import { crossAssetProblems } from './crossAssetProblems';

describe('core/checks/catalogChecks', () => {
  const problems = crossAssetProblems();

  it('scans unmanaged files for secrets', () => {
    problems.one('secret-in-asset', 'unmanaged/loose.prompt');
  });

  it('lists managed and unmanaged assets with their commit-free provenance', () => {
    const ids = problems.catalog.assets.map((a) => a.id).sort();
    assert.ok(ids.includes('greeting') && ids.includes('loose') && ids.includes('another-name'));
    const greeting = problems.catalog.assets.find((a) => a.id === 'greeting')!;
    assert.equal(greeting.entryFile, 'greeting/greeting.prompt');
    assert.equal(greeting.format, 'dotprompt');
    assert.ok(greeting.problems.warnings >= 1);
  });
});
