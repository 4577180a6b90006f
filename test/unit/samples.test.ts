// The built-in sample library: the first thing a new user sees must be clean and complete.

import * as assert from 'node:assert/strict';
import { openFolderLibrary } from '../../src/node/openFolder';
import { sampleLibrary } from './paths';

describe('samples/library', () => {
  it('validates with zero diagnostics', async () => {
    const catalog = await openFolderLibrary(sampleLibrary);
    assert.deepEqual(
      catalog.diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`),
      [],
    );
  });

  it('covers every kind, several formats and statuses, with a model catalogue and a policy', async () => {
    const catalog = await openFolderLibrary(sampleLibrary);
    const managed = catalog.assets.filter((a) => a.managed);
    assert.ok(managed.length >= 8, `${managed.length} managed assets`);
    assert.deepEqual([...new Set(managed.map((a) => a.kind))].sort(), ['eval', 'module', 'prompt', 'template']);
    const promptFormats = new Set(managed.filter((a) => a.kind === 'prompt').map((a) => a.format));
    assert.ok(promptFormats.size >= 3, [...promptFormats].join(', '));
    for (const s of ['draft', 'approved', 'deprecated'])
      assert.ok(
        managed.some((a) => a.status === s),
        `no ${s} asset`,
      );
    const deprecated = managed.filter((a) => a.status === 'deprecated');
    assert.ok(
      deprecated.every((a) => a.replacedBy),
      'deprecated assets name their replacement',
    );
    const evals = managed.filter((a) => a.kind === 'eval');
    assert.ok(evals.every((e) => e.references.some((r) => r.field === 'targets')));
    const template = managed.find((a) => a.kind === 'template');
    assert.ok(template?.parameters, 'the template has parameters');
    assert.ok(catalog.library.models.length >= 3);
    assert.equal(catalog.library.policy.requireEvalCoverage, true);
  });
});
