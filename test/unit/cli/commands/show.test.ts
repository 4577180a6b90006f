// genai-assets show: the counts of the text output say "1 error", not "1 errors".

import assert from 'node:assert/strict';
import { runShow } from '../../../../src/cli/commands/show';
import type { CliIo } from '../../../../src/cli/io';
import type { Asset, Catalog } from '../../../../src/core/library/types';
import { defaultPolicy } from '../../../../src/core/library/types';

const asset: Asset = {
  id: 'greet', kind: 'prompt', format: 'dotprompt', version: '1.0.0', status: 'approved', managed: true, title: 'Greet', description: '',
  owners: [], tags: [], path: 'prompts/greet', files: ['prompts/greet/asset.yaml'], inputs: [], references: [], problems: { errors: 1, warnings: 1, infos: 1 },
};
const catalog: Catalog = { root: '/lib', library: { name: 'lib', policy: defaultPolicy, models: [], hasManifest: true }, assets: [asset], files: new Map(), diagnostics: [] };

describe('cli/commands/show', () => {
  it('counts the problems in the singular when there is one of each', () => {
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: '/', env: {}, color: false };
    runShow(catalog, asset, false, io);
    assert.match(out, /^Problems: 1 error, 1 warning, 1 info$/m);
  });
});
