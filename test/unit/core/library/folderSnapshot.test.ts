// A folder listing's changes (as a diff of two commits gives them) and the racy rule: a stat is trusted only once its file is older than the margin.

import assert from 'node:assert/strict';
import { distrustRacy, isRacy, listingChanges, racyMarginMs, statWidth } from '../../../../src/core/library/folderSnapshot';
import type { FolderListing, PreviousListing } from '../../../../src/core/library/folderSnapshot';
import type { LibraryFileEntry } from '../../../../src/core/library/fileSource';

const listedAt = 1_700_000_000_000;
/** A stat changed long before the listing. */
const old = (size: number, ino: number): number[] => [size, listedAt - 60_000, listedAt - 60_000, ino];

function listing(files: [LibraryFileEntry, number[]][]): FolderListing {
  return {
    entries: files.map(([e]) => e),
    stats: new Float64Array(files.flatMap(([, s]) => s)),
    folders: [''],
    folderStats: new Float64Array(statWidth),
    folderEntries: () => [[]],
    foldersRead: 1,
    listedAt,
  };
}

function previous(files: [string, number[], string?][]): PreviousListing {
  return {
    files: files.map(([p]) => p),
    links: new Map(files.filter(([, , l]) => l !== undefined).map(([p, , l]) => [p, l!])),
    stats: new Float64Array(files.flatMap(([, s]) => s)),
    folders: [''],
    folderStats: new Float64Array(statWidth),
    folderEntries: () => [[]],
  };
}

const file = (path: string): LibraryFileEntry => ({ path, type: 'file' });

describe('folder listing changes', () => {
  it('finds none when the same files have the same stats', () => {
    const now = listing([
      [file('a.prompt'), old(10, 1)],
      [file('b/asset.yaml'), old(20, 2)],
    ]);
    assert.deepEqual(
      listingChanges(
        previous([
          ['a.prompt', old(10, 1)],
          ['b/asset.yaml', old(20, 2)],
        ]),
        now,
      ),
      [],
    );
  });

  it('reports files added, modified (any number of the stat) and deleted; a rename is a deletion and an addition', () => {
    const before = previous([
      ['a.prompt', old(10, 1)],
      ['b.prompt', old(20, 2)],
      ['c.prompt', old(30, 3)],
      ['d.prompt', old(40, 4)],
    ]);
    const moved = old(30, 5);
    moved[2] += 1; // only the change time differs
    const now = listing([
      [file('a.prompt'), old(11, 1)],
      [file('c.prompt'), moved],
      [file('d2.prompt'), old(40, 4)],
      [file('e.prompt'), old(50, 6)],
    ]);
    const changes = listingChanges(before, now).map((c) => `${c.status} ${c.path}`);
    assert.deepEqual(changes.sort(), ['A d2.prompt', 'A e.prompt', 'D b.prompt', 'D d.prompt', 'M a.prompt', 'M c.prompt']);
  });

  it('counts a file without a trusted stat, on either side, as modified', () => {
    const unknown = [NaN, NaN, NaN, NaN];
    assert.deepEqual(
      listingChanges(previous([['a.prompt', unknown]]), listing([[file('a.prompt'), old(10, 1)]])).map((c) => c.status),
      ['M'],
    );
    assert.deepEqual(
      listingChanges(previous([['a.prompt', old(10, 1)]]), listing([[file('a.prompt'), unknown]])).map((c) => c.status),
      ['M'],
    );
  });

  it('gives any change about a link mode 120000, so that the catalog is read whole', () => {
    const link: LibraryFileEntry = { path: 'l.prompt', type: 'symlink', linkTarget: '/lib/a.prompt', linkInside: true };
    const before = previous([['l.prompt', old(10, 1), 'in:/lib/a.prompt']]);
    assert.deepEqual(listingChanges(before, listing([[link, old(10, 1)]])), []);
    const retargeted = listingChanges(before, listing([[{ ...link, linkTarget: '/lib/b.prompt' }, old(10, 1)]]));
    assert.deepEqual(retargeted, [{ status: 'T', oldMode: '120000', newMode: '120000', path: 'l.prompt' }]);
    const becameFile = listingChanges(before, listing([[file('l.prompt'), old(10, 1)]]));
    assert.deepEqual(becameFile, [{ status: 'T', oldMode: '120000', newMode: '100644', path: 'l.prompt' }]);
  });

  it('trusts a stat only when its file changed more than the margin before the listing', () => {
    assert.equal(isRacy(listedAt - racyMarginMs - 1, listedAt), false);
    assert.equal(isRacy(listedAt - racyMarginMs, listedAt), true);
    assert.equal(isRacy(listedAt + 5_000, listedAt), true, 'a time in the future');
    assert.equal(isRacy(NaN, listedAt), true);
    const stats = new Float64Array([...old(10, 1), 20, listedAt - 60_000, listedAt - 1_000, 2, 30, listedAt - 1_000, listedAt - 60_000, 3]);
    distrustRacy(stats, listedAt);
    assert.deepEqual([...stats.subarray(0, 4)], old(10, 1));
    assert.ok(
      stats.subarray(4).every((n) => Number.isNaN(n)),
      'a recent change time or modification time is not trusted',
    );
  });
});
