import * as assert from 'node:assert/strict';
import { indexById, parseReference, referenceTo, resolveReference } from '../../../../src/core/library/references';
import type { Asset } from '../../../../src/core/library/types';

function asset(id: string, version: string, status: Asset['status']): Asset {
  return {
    id,
    version,
    status,
    kind: 'prompt',
    format: 'dotprompt',
    managed: true,
    title: id,
    description: '',
    owners: [],
    tags: [],
    path: id,
    files: [],
    inputs: [],
    references: [],
    problems: { errors: 0, warnings: 0, infos: 0 },
  };
}

describe('core/library/references', () => {
  it('parses bare ids, ranges and library prefixes', () => {
    assert.deepEqual(parseReference('summarize-ticket'), { raw: 'summarize-ticket', id: 'summarize-ticket' });
    assert.deepEqual(parseReference('summarize-ticket@^1.2'), { raw: 'summarize-ticket@^1.2', id: 'summarize-ticket', range: '^1.2' });
    assert.deepEqual(parseReference('acme:summarize-ticket@~2.0.1'), { raw: 'acme:summarize-ticket@~2.0.1', library: 'acme', id: 'summarize-ticket', range: '~2.0.1' });
    assert.equal(parseReference('Not A Ref'), undefined);
  });

  it('resolves to the newest satisfying version, and a bare id to the newest approved', () => {
    const byId = indexById([asset('p', '1.0.0', 'approved'), asset('p', '1.4.0', 'approved'), asset('p', '2.0.0', 'draft')]);
    assert.equal(resolveReference(parseReference('p@^1.0')!, byId).asset?.version, '1.4.0');
    assert.equal(resolveReference(parseReference('p')!, byId).asset?.version, '1.4.0');
    assert.equal(resolveReference(parseReference('p@^2')!, byId).asset?.version, '2.0.0');
    assert.equal(resolveReference(parseReference('p@^2')!, byId, ['approved']).asset, undefined);
    assert.equal(resolveReference(parseReference('p@^3')!, byId).asset, undefined);
  });

  it('copies references as id@^major.minor', () => {
    assert.equal(referenceTo({ id: 'p', version: '1.4.2' }), 'p@^1.4');
  });
});
