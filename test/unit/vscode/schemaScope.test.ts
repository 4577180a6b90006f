import * as assert from 'node:assert/strict';
import { manifestOf, schemaFor, textLooksLikePilot } from '../../../src/vscode/schemaScope';

describe('vscode/schemaScope (manifest schemas for the YAML extension)', () => {
  const roots = ['/work/lib', '/work/other/'];
  const scope = { libraryRoots: roots };

  it('knows the manifests by file name', () => {
    assert.equal(manifestOf('asset.yaml'), 'asset');
    assert.equal(manifestOf('library.yml'), 'library');
    assert.equal(manifestOf('pilot.yaml'), 'pilot');
    assert.equal(manifestOf('my-asset.yaml'), undefined);
    assert.equal(manifestOf('asset.json'), undefined);
  });

  it('library.yaml only at a known library root; asset.yaml only inside one', () => {
    assert.equal(schemaFor('/work/lib/library.yaml', scope, '/'), 'library');
    assert.equal(schemaFor('/work/other/library.yml', scope, '/'), 'library');
    assert.equal(schemaFor('/work/lib/prompts/x/asset.yaml', scope, '/'), 'asset');
    assert.equal(schemaFor('/work/other/a/asset.yml', scope, '/'), 'asset');
    // Files of the same name elsewhere (an unrelated repository, a sibling folder with a shared prefix) get nothing.
    assert.equal(schemaFor('/work/unrelated/asset.yaml', scope, '/'), undefined);
    assert.equal(schemaFor('/work/library/asset.yaml', scope, '/'), undefined);
    assert.equal(schemaFor('/work/lib/sub/library.yaml', scope, '/'), undefined);
    assert.equal(schemaFor('/work/unrelated/library.yaml', scope, '/'), undefined);
    assert.equal(schemaFor('/work/lib/prompts/x/notes.yaml', scope, '/'), undefined);
    // Windows paths.
    assert.equal(schemaFor('C:\\libs\\acme\\a\\asset.yaml', { libraryRoots: ['C:\\libs\\acme'] }, '\\'), 'asset');
  });

  it("a git library's read-only files are inside a library by definition", () => {
    assert.equal(schemaFor('/prompts/x/asset.yaml', { libraryRoots: [], inLibraryView: true }, '/'), 'asset');
    assert.equal(schemaFor('/library.yaml', { libraryRoots: [], inLibraryView: true }, '/'), 'library');
  });

  it('pilot.yaml when it looks like a pilot, wherever it is', () => {
    assert.equal(schemaFor('/work/app/pilot.yaml', { libraryRoots: [], looksLikePilot: () => true }, '/'), 'pilot');
    assert.equal(schemaFor('/work/app/pilot.yaml', { libraryRoots: roots, looksLikePilot: () => false }, '/'), undefined);
    assert.equal(textLooksLikePilot('name: demo-pilot\nlibrary:\n  name: larkspur-genai\ncomponents:\n  - claim-summary@^2.1\n'), true);
    assert.equal(textLooksLikePilot('library: { name: acme }\n'), true);
    // A pilot.yaml of another tool (an aircraft, a feature-flag pilot) names no library.
    assert.equal(textLooksLikePilot('pilot:\n  name: Amelia\naircraft: Electra\n'), false);
    assert.equal(textLooksLikePilot('settings:\n  library: x\n'), false);
  });
});
