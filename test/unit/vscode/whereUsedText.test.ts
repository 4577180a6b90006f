// Where-used texts in VS Code (src/vscode/whereUsedText.ts): the tooltip line and the table, from the core's report over real locks.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { whereUsed } from '../../../src/core/install/whereUsed';
import type { RepositoryLocks, UsedComponent } from '../../../src/core/install/whereUsed';
import type { Catalog } from '../../../src/core/library/types';
import { openFolderLibrary } from '../../../src/node/openFolder';
import { usageLine, whereUsedMarkdown } from '../../../src/vscode/whereUsedText';
import { sampleLibrary } from '../paths';

function repository(name: string, components: Partial<UsedComponent>[], extra: Partial<RepositoryLocks> = {}): RepositoryLocks {
  return {
    url: `https://git.example/team/${name}.git`,
    display: `https://git.example/team/${name}.git`,
    commit: 'a'.repeat(40),
    problems: [],
    installs: {
      kind: 'installs',
      path: 'genai-assets.lock.json',
      library: { name: 'larkspur-genai', url: 'https://git.example/lib.git', commit: 'b'.repeat(40) },
      components: components.map((c) => ({ id: 'x', kind: 'prompt', version: '1.0.0', digest: 'sha256:0', modifiedFiles: [], target: 'copilot', ...c })),
    },
    pilots: [],
    ownAssetFiles: 0,
    cached: false,
    ...extra,
  };
}

describe('vscode/whereUsedText', () => {
  let catalog: Catalog;
  before(async () => {
    catalog = await openFolderLibrary(sampleLibrary);
  });

  it('the tooltip line: repositories and how many are outdated; nothing for an asset no repository uses', () => {
    assert.equal(usageLine({ counts: { repositories: 3, outdated: 1, modified: 0, deprecated: 0 } }), 'Used by 3 repositories (1 outdated)');
    assert.equal(usageLine({ counts: { repositories: 1, outdated: 0, modified: 0, deprecated: 0 } }), 'Used by 1 repository (0 outdated)');
    assert.equal(usageLine({ counts: { repositories: 0, outdated: 0, modified: 0, deprecated: 0 } }), undefined);
    assert.equal(usageLine(undefined), undefined);
  });

  it('the table: a row per asset used, its repositories with versions and markers, the reuse figures and what could not be read', () => {
    const prompt = catalog.assets.find((a) => a.id === 'claim-summary' && a.status === 'approved')!;
    const fleet = [
      repository('claims-web', [{ id: prompt.id, version: prompt.version, modifiedFiles: ['prompts/claim-summary/claim-summary.prompt'] }]),
      repository('claims|batch', [{ id: prompt.id, version: '0.1.0' }]),
      { ...repository('gone', []), installs: undefined, error: 'repository not found' },
    ];
    const report = whereUsed(fleet, catalog);
    const md = whereUsedMarkdown(report, 3, new Date(0));
    assert.match(md, /^# Where the assets of larkspur\\-genai are used\n/);
    assert.equal(catalog.library.name, 'larkspur-genai');
    assert.match(md, /^2 repositories read of 3 in `genaiAssets\.fleet`, /m);
    const row = md.split('\n').find((l) => l.startsWith('| `claim-summary`'));
    const usage = report.assets.find((a) => a.id === prompt.id)!;
    assert.deepEqual(usage.counts, { repositories: 2, outdated: 1, modified: 1, deprecated: 0 });
    assert.equal(row, `| \`claim-summary\` | prompt | ${prompt.version} | 2 | 1 | 1 | 0 |`);
    // Library and repository text is escaped (against autolinks; a pipe stays inside its cell).
    assert.ok(md.includes(`| https://git\\.example/team/claims\\-web\\.git | ${prompt.version.replace(/\./g, '\\.')} | copilot | modified |`), md);
    assert.ok(md.includes('| https://git\\.example/team/claims\\|batch\\.git | 0\\.1\\.0 | copilot | outdated |'), md);
    assert.match(md, /^- Components from the library: 2 of \d+ across the repositories read \(/m);
    assert.ok(md.includes('## Not read\n\n- https://git\\.example/team/gone\\.git: repository not found\n'), md);
    assert.equal(md.split('\n').filter((l) => l.startsWith('## `')).length, report.assets.filter((a) => a.counts.repositories > 0).length);
    assert.equal(path.basename(sampleLibrary), 'library');
  });
});
