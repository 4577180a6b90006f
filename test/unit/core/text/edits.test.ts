import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits } from '../../../../src/core/text/edits';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

describe('core/text/edits', () => {
  it('applies edits by LSP range, keeping a BOM and CRLF', () => {
    const text = '\ufeffa: 1\r\nb: 2\r\n';
    const out = applyEdits(text, [
      { range: { start: { line: 1, character: 3 }, end: { line: 1, character: 4 } }, newText: '3' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'x' },
    ]);
    assert.equal(out, '\ufeffx: 1\r\nb: 3\r\n');
  });

  it('refuses overlapping edits', () => {
    const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } };
    assert.throws(() =>
      applyEdits('abc', [
        { range: r, newText: 'x' },
        { range: r, newText: 'y' },
      ]),
    );
  });

  it('the fixes the engine offers make their diagnostics go away', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-fixes-'));
    fs.cpSync(path.join(fixturesDir, 'catalog', 'cross-asset-problems'), dir, { recursive: true, verbatimSymlinks: true });
    const codes = ['id-mismatch', 'entry-missing', 'unsatisfied-version', 'deprecated-reference', 'approval-digest-mismatch', 'deprecated-model'];
    const before = await openFolderLibrary(dir);
    const fixable = before.diagnostics.filter((d) => codes.includes(d.code) && d.fixes?.length);
    assert.ok(fixable.length >= 5, `only ${fixable.length} fixable diagnostics`);
    const byFile = new Map<string, typeof fixable>();
    for (const d of fixable) byFile.set(d.fixes![0].file ?? d.file, [...(byFile.get(d.fixes![0].file ?? d.file) ?? []), d]);
    for (const [file, diags] of byFile) {
      const abs = path.join(dir, file);
      const text = fs.readFileSync(abs, 'utf8');
      fs.writeFileSync(abs, applyEdits(text, diags.map((d) => d.fixes![0].edits).flat()));
    }
    const after = await openFolderLibrary(dir);
    const left = after.diagnostics.filter((d) => fixable.some((f) => f.code === d.code && f.file === d.file));
    // The digest fix of `tampered` is computed before the other fixes; none of them touch it.
    assert.deepEqual(
      left.map((d) => `${d.code} ${d.file}`),
      [],
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
