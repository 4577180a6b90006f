// Texts of the Catalog and In This Workspace rows (src/vscode/views/treeText.ts): short descriptions, owners by name, tooltips without stray escapes or links.

import assert from 'node:assert/strict';
import type { Asset } from '../../../../src/core/library/types';
import type { ComponentStatus } from '../../../../src/vscode/pilotService';
import {
  assetDescription,
  assetTooltipMarkdown,
  componentDescription,
  componentTooltipMarkdown,
  installedDescription,
  needsAttention,
  ownerGroupLabel,
  pilotDescription,
} from '../../../../src/vscode/views/treeText';

const prompt: Asset = {
  id: 'claim-summary',
  kind: 'prompt',
  format: 'dotprompt',
  version: '1.2.0',
  status: 'approved',
  managed: true,
  title: 'Claim summary',
  description: 'Summarises a claim.',
  owners: ['claims-ai@larkspur-mutual.example', 'Priya Raman <priya.raman@larkspur-mutual.example>'],
  tags: ['claims'],
  path: 'prompts/claim-summary',
  files: [],
  inputs: [],
  references: [],
  problems: { errors: 1, warnings: 1, infos: 0 },
};

function component(over: Partial<ComponentStatus>): ComponentStatus {
  return {
    id: 'claim-summary',
    kind: 'prompt',
    version: '1.0.0',
    standing: 'approved',
    wanted: '1.0.0',
    latest: '1.0.0',
    modifiedFiles: [],
    outdated: false,
    deprecated: false,
    notAllowed: false,
    files: [],
    ...over,
  };
}

/** The text of a Markdown span a renderer would show literally: inside code spans. */
const codeSpans = (md: string): string[] => [...md.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('vscode/views/treeText', () => {
  it('describes an asset row by its version, adding the status only when not approved', () => {
    assert.equal(assetDescription({ version: '1.2.0', status: 'approved' }), '1.2.0');
    assert.equal(assetDescription({ version: '0.3.0', status: 'draft' }), '0.3.0 · draft');
  });

  it('labels an owner group by the display name', () => {
    assert.equal(ownerGroupLabel('Priya Raman <priya.raman@larkspur-mutual.example>'), 'Priya Raman');
    assert.equal(ownerGroupLabel(''), '(no owner)');
  });

  it('writes eval suites as code spans (no email autolink), owners with their emails, and counts in the singular', () => {
    const md = assetTooltipMarkdown(prompt, [{ id: 'claim-summary-evals', version: '2.1.0' }], 'Larkspur', 'abcdef0123456789');
    assert.match(md, /Eval suites: `claim-summary-evals@2\.1\.0`/);
    assert.doesNotMatch(md.replace(/`[^`]*`/g, ''), /[\w-]@\d+\.\d/, 'no bare id@version outside code spans');
    assert.ok(md.includes('Owners: claims\\-ai@larkspur\\-mutual\\.example, Priya Raman \\<priya\\.raman@larkspur\\-mutual\\.example\\>'), md);
    assert.match(md, /Problems: 1 error, 1 warning/);
    assert.match(md, /Library: Larkspur @ `abcdef012345`/);
    for (const s of codeSpans(md)) assert.ok(!s.includes('\\'), `no escape inside the code span ${s}`);
  });

  it('keeps component rows short: the newer version as an arrow, status only when not approved, markers in a word', () => {
    assert.equal(componentDescription(component({ standing: 'superseded', outdated: true, wanted: '1.1.0', latest: '1.1.0' })), '1.0.0 → 1.1.0');
    assert.equal(componentDescription(component({ version: '1.4.0', outdated: true, wanted: '1.4.0', latest: '2.0.0' })), '1.4.0 → 2.0.0');
    assert.equal(componentDescription(component({ version: '0.9.0', standing: 'deprecated', deprecated: true, replacedBy: 'greet@^1.1' })), '0.9.0 · deprecated');
    assert.equal(componentDescription(component({ version: '1.2.0', modifiedFiles: ['lib/x.py'] })), '1.2.0 · modified');
    assert.equal(componentDescription(component({ standing: 'draft' })), '1.0.0 · draft');
    assert.equal(componentDescription(component({ standing: 'not installed', version: undefined })), 'not installed');
    assert.equal(needsAttention(component({ outdated: true, wanted: '1.0.0', latest: '1.3.0' })), true);
    assert.equal(needsAttention(component({})), false);
  });

  it('writes a component tooltip without backslashes in code spans, and says what is available', () => {
    const md = componentTooltipMarkdown(component({ outdated: true, latest: '1.3.0', reference: 'claim-summary@^1.0', replacedBy: 'claim-summary-v2' }));
    assert.ok(md.startsWith('`claim-summary` (prompt)'), md);
    assert.match(md, /Reference: `claim-summary@\^1\.0`/);
    assert.match(md, /Update available: 1\\\.3\\\.0/);
    for (const s of codeSpans(md)) assert.ok(!s.includes('\\'), `no escape inside the code span ${s}`);
  });

  it('describes a pilot by what needs attention, else by its component count, in the singular for one', () => {
    assert.equal(pilotDescription(4, 2), '2 need attention');
    assert.equal(pilotDescription(4, 1), '1 needs attention');
    assert.equal(pilotDescription(1, 0), '1 component');
    assert.equal(pilotDescription(3, 0), '3 components');
  });

  it('describes an installed asset by its tool first, then as a component; its tooltip names the tool and the files', () => {
    const c = component({
      target: 'cursor',
      version: '1.0.0',
      wanted: '1.1.0',
      latest: '1.1.0',
      outdated: true,
      modifiedFiles: ['.cursor/rules/claim-summary.mdc'],
      files: ['.cursor/rules/claim-summary.mdc'],
    });
    assert.equal(installedDescription(c), 'cursor · 1.0.0 → 1.1.0 · modified');
    assert.equal(installedDescription(component({ target: 'copilot', standing: 'deprecated', deprecated: true })), 'copilot · 1.0.0 · deprecated');
    assert.match(componentTooltipMarkdown(c), /^`claim-summary` \(prompt\)\n\nInstalled for: cursor \(\\\.cursor\/rules\/claim\\-summary\\\.mdc\)  \n/);
    assert.doesNotMatch(componentTooltipMarkdown(component({})), /Installed for/, 'pilot components have no tool');
  });

  it("adds where-used's line to an asset's tooltip when the fleet uses it", () => {
    const md = assetTooltipMarkdown(prompt, [], 'Larkspur', undefined, 'Used by 3 repositories (1 outdated)');
    assert.match(md, /\n\nUsed by 3 repositories \\\(1 outdated\\\)$/);
    assert.doesNotMatch(assetTooltipMarkdown(prompt, [], 'Larkspur'), /Used by/);
  });
});
