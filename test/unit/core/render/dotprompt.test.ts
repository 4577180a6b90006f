// Dotprompt rendering against the format's own conformance vectors (../shared/corpus/dotprompt/spec) and the block role form.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { dotpromptTemplate, renderDotprompt } from '../../../../src/core/render/dotprompt';
import type { DotpromptData, DotpromptMessage } from '../../../../src/core/render/dotprompt';
import { corpusDir } from '../../paths';

interface SpecSuite {
  name: string;
  template: string;
  data?: DotpromptData;
  partials?: Record<string, string>;
  resolverPartials?: Record<string, string>;
  tests: { desc?: string; data?: DotpromptData; options?: { input?: { default?: Record<string, unknown> } }; expect: { messages?: DotpromptMessage[] } }[];
}

const specDir = path.join(corpusDir, 'dotprompt', 'spec');
/** The rendering vectors (picoschema.yaml is about schemas, not rendering). */
const specFiles = ['variables.yaml', 'partials.yaml', 'whitespace.yaml', 'unicode.yaml', 'metadata.yaml', ...fs.readdirSync(path.join(specDir, 'helpers')).map((f) => `helpers/${f}`)];

describe('core/render/dotprompt: the Dotprompt spec vectors', () => {
  let count = 0;
  for (const file of specFiles) {
    const suites = parse(fs.readFileSync(path.join(specDir, file), 'utf8')) as SpecSuite[];
    describe(file, () => {
      for (const s of suites) {
        for (const tc of s.tests) {
          if (!tc.expect.messages) continue;
          count++;
          it(`${s.name}: ${tc.desc ?? 'renders'}`, () => {
            const messages = renderDotprompt(s.template, { ...s.data, ...tc.data }, { defaults: tc.options?.input?.default, partials: s.partials, resolvePartial: (n) => s.resolverPartials?.[n] });
            assert.deepEqual(messages, tc.expect.messages);
          });
        }
      }
    });
  }
  it('ran a good number of vectors', () => assert.ok(count >= 60, `${count} vectors`));
});

describe('core/render/dotprompt: beyond the vectors', () => {
  it('renders the block role form as the runtime does: the role changes, the text inside is dropped', () => {
    const src = '---\nmodel: x\n---\n{{#role "system"}}\nBe brief.\n{{/role}}\n\n{{#role "user"}}\nHi {{name}}.\n{{/role}}\nTail';
    assert.deepEqual(renderDotprompt(src, { input: { name: 'Ana' } }), [{ role: 'user', content: [{ text: 'Tail' }] }]);
  });

  it('takes the template after the front matter (trimmed), and the whole text without one', () => {
    assert.equal(dotpromptTemplate('# licence\n\n---\na: 1\n---\n\n  Body {{x}}\n\n'), 'Body {{x}}');
    assert.equal(dotpromptTemplate('Just {{x}}\n'), 'Just {{x}}\n');
  });

  it('merges the defaults under the inputs and does not escape HTML', () => {
    const [m] = renderDotprompt('{{a}} {{b}}', { input: { a: '<i>' } }, { defaults: { a: 'x', b: 'B&' } });
    assert.deepEqual(m.content, [{ text: '<i> B&' }]);
  });

  it('throws for a helper Dotprompt does not know and for a missing partial', () => {
    assert.throws(() => renderDotprompt('{{shout name}}'), /shout/);
    assert.throws(() => renderDotprompt('{{> nowhere}}'), /nowhere/);
  });

  it('renders the media and section markers as parts', () => {
    const [m] = renderDotprompt('Look: {{media url=u contentType="image/png"}}{{section "end"}}done', { input: { u: 'https://x/y.png' } });
    assert.deepEqual(m.content, [{ text: 'Look: ' }, { media: { url: 'https://x/y.png', contentType: 'image/png' } }, { metadata: { purpose: 'end', pending: true } }, { text: 'done' }]);
  });
});
