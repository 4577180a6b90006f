// Owners written `Name <email>`: the name to show, the email kept.

import assert from 'node:assert/strict';
import { ownerName, parseOwner } from '../../../../src/core/library/owners';

describe('core/library/owners', () => {
  it('shows `Name <email>` by its name and keeps the email; other owners as written', () => {
    assert.deepEqual(parseOwner('Priya Raman <priya.raman@larkspur-mutual.example>'), { name: 'Priya Raman', email: 'priya.raman@larkspur-mutual.example' });
    assert.equal(ownerName('Priya Raman <priya.raman@larkspur-mutual.example>'), 'Priya Raman');
    assert.equal(ownerName('<ops@example.com>'), 'ops@example.com');
    assert.equal(ownerName('claims-ai@larkspur-mutual.example'), 'claims-ai@larkspur-mutual.example');
    assert.equal(ownerName('Platform team'), 'Platform team');
  });
});
