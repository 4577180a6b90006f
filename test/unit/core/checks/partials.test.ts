import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { partialFor } from '../../../../src/core/checks/partials';
import type { ParsedFile } from '../../../../src/core/formats/types';
import { openFolderLibrary } from '../../../../src/node/openFolder';

/** A parsed Dotprompt file at `p`, declaring the partial name `partialName` when given. */
const prompt = (p: string, partialName?: string): ParsedFile => ({ path: p, format: 'dotprompt', sha256: '', size: 0, text: true, diagnostics: [], meta: {}, partialName });

describe('core/checks/partials', () => {
  it('picks the file a partial name includes: declared next to the file, then next to it, then in partials/ beside it, then declared anywhere, then the first', () => {
    const declaredHere = prompt('flows/header.prompt', 'header');
    const here = prompt('flows/_header.prompt');
    const inPartials = prompt('flows/partials/_header.prompt');
    const declaredElsewhere = prompt('shared/banner.prompt', 'header');
    const other = prompt('other/_header.prompt');
    const from = 'flows/main.prompt';
    assert.equal(partialFor([other, declaredElsewhere, inPartials, here, declaredHere], from, 'header'), declaredHere);
    assert.equal(partialFor([other, declaredElsewhere, inPartials, here], from, 'header'), here);
    assert.equal(partialFor([other, declaredElsewhere, inPartials], from, 'header'), inPartials);
    assert.equal(partialFor([other, declaredElsewhere], from, 'header'), declaredElsewhere);
    assert.equal(partialFor([other], from, 'header'), other);
    assert.equal(partialFor([], from, 'header'), undefined);
    // At the library's root, the partials/ folder is the root's.
    assert.equal(partialFor([other, prompt('partials/_header.prompt')], 'main.prompt', 'header')?.path, 'partials/_header.prompt');
  });

  it('reports a partial that does not exist and one that includes its includer again, at the include', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-assets-partials-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.prompt'), '---\nmodel: openai/gpt-4o\n---\n{{> header}}\n{{> footer}}\nHello.\n');
      fs.writeFileSync(path.join(dir, '_header.prompt'), '{{> main}}\nThe header.\n');
      const on = (catalog: Awaited<ReturnType<typeof openFolderLibrary>>, file: string) =>
        catalog.diagnostics.filter((d) => d.file === file && /partial/.test(d.code)).map((d) => [d.code, d.range.start.line, d.message]);
      const catalog = await openFolderLibrary(dir);
      assert.deepEqual(on(catalog, 'main.prompt'), [
        ['circular-partial', 3, 'Partial `header` includes this file again (main.prompt -> _header.prompt -> main.prompt); break the cycle.'],
        ['unknown-partial', 4, 'No partial `footer` exists; create `_footer.prompt` next to this file (or in a partials/ folder) or fix the name.'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
