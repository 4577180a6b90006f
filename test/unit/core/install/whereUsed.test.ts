import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseRepositoryList, whereUsed } from '../../../../src/core/install/whereUsed';
import type { RepositoryLock, RepositoryLocks, UsedComponent } from '../../../../src/core/install/whereUsed';
import type { Catalog } from '../../../../src/core/library/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { cleanupTemp, tempDir } from '../../support/gitServer';
import { installLibraryFiles } from '../../support/installLibrary';

const component = (id: string, version: string, extra: Partial<UsedComponent> = {}): UsedComponent => ({ id, kind: 'prompt', version, digest: 'sha256:0', modifiedFiles: [], ...extra });
const lock = (kind: RepositoryLock['kind'], p: string, name: string, components: UsedComponent[]): RepositoryLock => ({
  kind,
  path: p,
  library: { name, url: 'https://git.example.com/lib.git', commit: 'a'.repeat(40) },
  components,
});
const repository = (name: string, r: Partial<RepositoryLocks>): RepositoryLocks => ({
  url: `https://git.example.com/${name}.git`,
  display: `https://git.example.com/${name}.git`,
  commit: 'b'.repeat(40),
  problems: [],
  pilots: [],
  ownAssetFiles: 0,
  cached: false,
  ...r,
});

describe('core/install/whereUsed', () => {
  let catalog: Catalog;
  before(async () => {
    const dir = path.join(tempDir('lib'), 'library');
    for (const [rel, text] of Object.entries(installLibraryFiles())) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    // A second version of langchain-python, and caveman-mode deprecated.
    writeFileSync(path.join(dir, 'instructions/langchain-python/asset.yaml'), installLibraryFiles()['instructions/langchain-python/asset.yaml'].replace('1.0.0', '1.1.0'));
    writeFileSync(path.join(dir, 'instructions/caveman-mode/asset.yaml'), installLibraryFiles()['instructions/caveman-mode/asset.yaml'].replace('approved', 'deprecated'));
    catalog = await openFolderLibrary(dir);
  });
  after(() => cleanupTemp());

  it('parses a repository list: one URL a line, comments and blank lines skipped, each URL once', () => {
    assert.deepEqual(parseRepositoryList('# fleet\nhttps://a.example/x.git\n\n  git@b.example:y.git   # the bot\r\nhttps://a.example/x.git\n#https://c.example/z.git\n'), [
      'https://a.example/x.git',
      'git@b.example:y.git',
    ]);
  });

  it('counts per asset and repository, across installs and pilots; other libraries and own files count only in the share', () => {
    const fleet = [
      repository('one', {
        installs: lock('installs', 'genai-assets.lock.json', 'team-library', [
          component('langchain-python', '1.0.0', { target: 'copilot', modifiedFiles: ['.github/instructions/langchain-python.instructions.md'] }),
          component('langchain-python', '1.0.0', { target: 'cursor' }),
          component('caveman-mode', '1.0.0', { target: 'agents' }),
        ]),
        pilots: [lock('pilot', 'pilots/claims/pilot.lock.json', 'team-library', [component('langchain-python', '1.1.0'), component('retired-prompt', '0.9.0')])],
        ownAssetFiles: 2,
      }),
      repository('two', { installs: lock('installs', 'genai-assets.lock.json', 'other-library', [component('langchain-python', '3.0.0', { target: 'copilot' })]), ownAssetFiles: 1 }),
      repository('three', { installs: lock('installs', 'genai-assets.lock.json', 'team-library', [component('langchain-python', '1.1.0', { target: 'claude' })]) }),
      repository('one', {}),
      repository('down', { error: 'Could not reach git.example.com (connection refused).' }),
    ];
    const r = whereUsed(fleet, catalog);
    assert.equal(r.repositories, 3);
    const lc = r.assets.find((a) => a.id === 'langchain-python')!;
    assert.equal(lc.latest, '1.1.0');
    assert.deepEqual(lc.counts, { repositories: 2, outdated: 1, modified: 1, deprecated: 0 });
    assert.deepEqual(
      lc.repositories.map((u) => [u.display.replace(/^.*\//, ''), u.versions, u.where]),
      [
        ['one.git', ['1.0.0', '1.1.0'], ['copilot', 'cursor', 'pilot pilots/claims']],
        ['three.git', ['1.1.0'], ['claude']],
      ],
    );
    assert.deepEqual(r.assets.find((a) => a.id === 'caveman-mode')!.counts, { repositories: 1, outdated: 0, modified: 0, deprecated: 1 });
    const retired = r.assets.find((a) => a.id === 'retired-prompt')!;
    assert.equal(retired.status, 'withdrawn');
    assert.equal(retired.repositories[0].withdrawn, true);
    // 6 components of team-library; 1 of other-library; 3 own files.
    assert.deepEqual(r.reuse, { approvedUsedByTwoOrMore: 1, approved: 8, fromLibrary: 6, components: 10, fromLibraryShare: 0.6 });
    assert.deepEqual(r.errors, [{ url: 'https://git.example.com/down.git', message: 'Could not reach git.example.com (connection refused).' }]);
  });
});
