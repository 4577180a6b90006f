import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { unifiedDiff } from '../../../../src/core/text/unifiedDiff';

/** Applies a diff with `git apply` (git's own reader of unified diffs) in a scratch folder; returns the file after. */
function gitApply(name: string, before: string | undefined, diff: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'genai-diff-'));
  try {
    if (before !== undefined) writeFileSync(path.join(dir, name), before);
    writeFileSync(path.join(dir, 'x.diff'), diff);
    execFileSync('git', ['apply', '--unsafe-paths', 'x.diff'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', HOME: dir } });
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return undefined;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('core/text/unifiedDiff', () => {
  const before = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  it('hunks with three lines of context, near changes merged, that git apply accepts', () => {
    const after = before.replace('line 3\n', 'line three\n').replace('line 6\n', '').replace('line 30\n', 'line 30\nnew line\n');
    const d = unifiedDiff('notes.md', before, after);
    assert.equal(
      d,
      '--- a/notes.md\n+++ b/notes.md\n@@ -1,9 +1,8 @@\n line 1\n line 2\n-line 3\n+line three\n line 4\n line 5\n-line 6\n line 7\n line 8\n line 9\n@@ -28,6 +27,7 @@\n line 28\n line 29\n line 30\n+new line\n line 31\n line 32\n line 33\n',
    );
    assert.equal(gitApply('notes.md', before, d), after);
  });
  it('a new file and a removed one; nothing for equal texts', () => {
    assert.equal(unifiedDiff('a.md', undefined, 'x\ny\n'), '--- /dev/null\n+++ b/a.md\n@@ -0,0 +1,2 @@\n+x\n+y\n');
    assert.equal(gitApply('a.md', undefined, unifiedDiff('a.md', undefined, 'x\ny\n')), 'x\ny\n');
    assert.equal(gitApply('a.md', 'x\ny\n', unifiedDiff('a.md', 'x\ny\n', undefined)), undefined);
    assert.equal(unifiedDiff('a.md', before, before), '');
  });
});
