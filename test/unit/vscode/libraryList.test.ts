import * as assert from 'node:assert/strict';
import type { LibrarySpec } from '../../../src/core/library/source';
import { applyEdit, describeEntry, editsFor, settingsLocation } from '../../../src/vscode/libraryList';

const a: LibrarySpec = { name: 'acme', url: 'https://token:secret@example.com/acme/library.git', ref: 'main' };
const b: LibrarySpec = { name: 'team', path: '/srv/team-library' };
const c: LibrarySpec = { path: '~/own' };

describe('vscode/libraryList (Edit Libraries)', () => {
  it('offers Move Up except on the first entry, Move Down except on the last, Remove always', () => {
    const list = [a, b, c];
    assert.deepEqual(editsFor(list, 0), ['down', 'remove']);
    assert.deepEqual(editsFor(list, 1), ['up', 'down', 'remove']);
    assert.deepEqual(editsFor(list, 2), ['up', 'remove']);
    assert.deepEqual(editsFor([a], 0), ['remove']);
    assert.deepEqual(editsFor(list, 3), []);
  });

  it('moves and removes entries in a new list, keeping each entry as written', () => {
    const list = [a, b, c];
    assert.deepEqual(applyEdit(list, 1, 'up'), [b, a, c]);
    assert.deepEqual(applyEdit(list, 1, 'down'), [a, c, b]);
    assert.deepEqual(applyEdit(list, 0, 'remove'), [b, c]);
    assert.equal(applyEdit(list, 2, 'up')[1], c, 'the same object, not a copy with defaults filled in');
    assert.deepEqual(list, [a, b, c], 'the input is not changed');
    // An edit that makes no sense changes nothing.
    assert.deepEqual(applyEdit(list, 0, 'up'), [a, b, c]);
    assert.deepEqual(applyEdit(list, 2, 'down'), [a, b, c]);
    assert.deepEqual(applyEdit(list, 5, 'remove'), [a, b, c]);
  });

  it('describes an entry by name, place (credentials hidden) and ref', () => {
    const d = describeEntry(a, 0);
    assert.equal(d.label, 'acme');
    assert.ok(!d.description?.includes('secret'), d.description);
    assert.match(d.description ?? '', /example\.com\/acme\/library\.git/);
    assert.equal(d.detail, 'ref main');
    assert.deepEqual(describeEntry(c, 2), { label: 'entry 3', description: '~/own', detail: undefined });
  });

  it('the setting lives in the remote settings in a remote window, else in the user settings', () => {
    assert.deepEqual(settingsLocation(undefined), { remote: false, label: 'User settings' });
    assert.deepEqual(settingsLocation('ssh-remote'), { remote: true, label: 'Remote settings (ssh-remote)' });
  });
});
