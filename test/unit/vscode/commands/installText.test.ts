// Texts and rows of Install into Workspace and Update Installed Assets (src/vscode/commands/installText.ts).

import assert from 'node:assert/strict';
import type { InstallUpdatePlan } from '../../../../src/core/install/installs';
import { installDetail, installUpdateRows, rememberedTargets, targetsText } from '../../../../src/vscode/commands/installText';

const enc = (s: string) => new TextEncoder().encode(s);

describe('vscode/commands/installText', () => {
  it('remembers only a non-empty list of known tools, in the order of installTargets', () => {
    assert.deepEqual(rememberedTargets(['cursor', 'copilot']), ['copilot', 'cursor']);
    assert.deepEqual(rememberedTargets(['copilot', 'vim']), ['copilot']);
    assert.equal(rememberedTargets([]), undefined);
    assert.equal(rememberedTargets(['vim']), undefined);
    assert.equal(rememberedTargets('copilot'), undefined);
    assert.equal(rememberedTargets(undefined), undefined);
  });

  it('names the tools in words', () => {
    assert.equal(targetsText(['copilot']), 'Copilot (VS Code)');
    assert.equal(targetsText(['copilot', 'cursor']), 'Copilot (VS Code) and Cursor');
    assert.equal(targetsText(['copilot', 'claude', 'agents']), 'Copilot (VS Code), Claude Code and AGENTS.md');
  });

  it('lists what an install writes (dependencies named), then conversions and notes', () => {
    const lines = installDetail({
      installed: [
        { id: 'adr-generator', version: '1.0.0', kind: 'prompt', target: 'copilot', reason: 'requested', paths: ['.github/agents/adr-generator.agent.md'] },
        { id: 'acquire', version: '1.0.0', kind: 'module', target: 'copilot', reason: 'dependency', via: 'adr-generator@1.0.0', paths: ['.github/skills/acquire/SKILL.md'] },
      ],
      converted: ['ankra-cli for copilot: globs **/*.sh -> applyTo'],
      notes: ['`x` 1.0.0 is installed for copilot already; left as it is.'],
    });
    assert.deepEqual(lines, [
      'adr-generator 1.0.0 for copilot → .github/agents/adr-generator.agent.md',
      'acquire 1.0.0 (dependency of adr-generator@1.0.0) for copilot → .github/skills/acquire/SKILL.md',
      'Converted: ankra-cli for copilot: globs **/*.sh -> applyTo',
      'Note: `x` 1.0.0 is installed for copilot already; left as it is.',
    ]);
    assert.deepEqual(installDetail({ installed: [], converted: [], notes: [] }), ['Nothing new to install.']);
  });

  it('rows of an update: one per file written or removed (sections of a shared file together, the most telling action shown), the lock rewritten', () => {
    const plan: Pick<InstallUpdatePlan, 'components' | 'writes' | 'removes'> = {
      components: [
        {
          id: 'style',
          target: 'agents',
          from: '1.0.0',
          to: '1.1.0',
          baseFound: true,
          files: [{ path: 'AGENTS.md', section: 'style', action: 'merged' }],
        },
        {
          id: 'tone',
          target: 'agents',
          from: '1.0.0',
          to: '2.0.0',
          baseFound: true,
          files: [{ path: 'AGENTS.md', section: 'tone', action: 'conflict', conflicts: 2 }],
        },
        {
          id: 'review',
          target: 'copilot',
          from: '1.0.0',
          to: '1.1.0',
          baseFound: true,
          files: [
            { path: '.github/prompts/review.prompt.md', action: 'replaced' },
            { path: '.github/prompts/old.prompt.md', action: 'removed' },
            { path: '.github/prompts/kept.prompt.md', action: 'kept-local' },
          ],
        },
      ],
      writes: [
        { path: 'AGENTS.md', data: enc('merged') },
        { path: '.github/prompts/review.prompt.md', data: enc('new') },
        { path: 'genai-assets.lock.json', data: enc('{}') },
      ],
      removes: ['.github/prompts/old.prompt.md'],
    };
    const current = new Map<string, Uint8Array | undefined>([
      ['AGENTS.md', enc('old')],
      ['.github/prompts/review.prompt.md', enc('old')],
      ['.github/prompts/old.prompt.md', enc('gone')],
      ['genai-assets.lock.json', enc('{ }')],
    ]);
    const rows = installUpdateRows(plan, current);
    assert.deepEqual(
      rows.map((r) => [r.path, r.action, r.note, r.component]),
      [
        ['.github/prompts/old.prompt.md', 'removed', undefined, 'review (copilot) 1.0.0 → 1.1.0'],
        ['.github/prompts/review.prompt.md', 'replaced', undefined, 'review (copilot) 1.0.0 → 1.1.0'],
        ['AGENTS.md', 'conflict', 'section tone: 2 conflicts', 'tone (agents) 1.0.0 → 2.0.0'],
        ['genai-assets.lock.json', 'rewritten', undefined, undefined],
      ],
    );
    const agents = rows.find((r) => r.path === 'AGENTS.md')!;
    assert.equal(new TextDecoder().decode(agents.before), 'old');
    assert.equal(new TextDecoder().decode(agents.after), 'merged', 'the whole file as written, not one section');
    assert.equal(rows.find((r) => r.path === '.github/prompts/old.prompt.md')!.after, undefined);
  });
});
