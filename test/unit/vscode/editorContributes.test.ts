// The editor features' package.json contributions and README against the engine: settings enums, schemas for other tools, activation.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diagnosticCodes } from '../../../src/core/diagnostics';
import { codeFamilies } from '../../../src/core/editor/diagnosticSettings';
import { recognisedGlobs } from '../../../src/core/formats/registry';
import { installLockFileName, lockFileName } from '../../../src/core/scaffold/lockFile';
import { lockFiles, settings } from '../../../src/vscode/constants';
import { recognisedPatterns } from '../../../src/vscode/editor/selector';
import { schemaFiles } from '../../../src/vscode/schemaScope';
import { repoRoot } from '../paths';

interface Pkg {
  activationEvents: string[];
  contributes: {
    configuration: {
      properties: Record<string, { items?: { enum?: string[]; enumDescriptions?: string[] }; propertyNames?: { enum?: string[] }; additionalProperties?: { enum?: string[] }; enum?: string[] }>;
    };
    yamlValidation?: { fileMatch: string | string[]; url: string }[];
    jsonValidation?: { fileMatch: string | string[]; url: string }[];
  };
}

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Pkg;
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const names = [...Object.keys(codeFamilies), ...Object.keys(diagnosticCodes)].sort();

describe('editor contributions (package.json, README)', () => {
  it('the diagnostics settings offer exactly the codes and families, with a description each', () => {
    const props = pkg.contributes.configuration.properties;
    const disabled = props[settings.diagnosticsDisabledCodes];
    assert.deepEqual([...(disabled.items?.enum ?? [])].sort(), names);
    assert.equal(disabled.items?.enumDescriptions?.length, names.length);
    const overrides = props[settings.diagnosticsSeverityOverrides];
    assert.deepEqual([...(overrides.propertyNames?.enum ?? [])].sort(), names);
    assert.deepEqual(overrides.additionalProperties?.enum, ['error', 'warning', 'info', 'off']);
    assert.deepEqual(props[settings.diagnosticsRun].enum, ['onType', 'onSave', 'off']);
  });

  it('the README lists every family with its codes, and every editor setting', () => {
    for (const [family, info] of Object.entries(codeFamilies)) {
      assert.ok(readme.includes(`- \`${family}\`: ${info.codes.map((c) => `\`${c}\``).join(', ')}`), `README lists the family ${family}`);
    }
    for (const id of [settings.diagnosticsRun, settings.diagnosticsDisabledCodes, settings.diagnosticsSeverityOverrides, settings.maintainerMode])
      assert.ok(readme.includes(`| \`${id}\` |`), `README documents ${id}`);
  });

  it('contributes our schemas to YAML and JSON tools, and the files exist; the manifests only through the YAML API (inside libraries)', () => {
    const yaml = pkg.contributes.yamlValidation ?? [];
    const byFile = new Map(yaml.flatMap((v) => ([] as string[]).concat(v.fileMatch).map((f) => [f, v.url])));
    assert.equal(byFile.get('genai-assets.yaml'), './schemas/cli-config.schema.json');
    // Not every asset.yaml, library.yaml or pilot.yaml of every repository: src/vscode/yamlSchemas.ts decides per file.
    for (const name of ['asset.yaml', 'asset.yml', 'library.yaml', 'library.yml', 'pilot.yaml', 'pilot.yml']) assert.equal(byFile.get(name), undefined, name);
    for (const f of Object.values(schemaFiles)) assert.ok(fs.existsSync(path.join(repoRoot, 'schemas', f)), `schemas/${f} exists`);
    for (const v of [...yaml, ...(pkg.contributes.jsonValidation ?? [])]) assert.ok(fs.existsSync(path.join(repoRoot, v.url)), `${v.url} exists`);
    for (const lock of Object.values(lockFiles))
      assert.ok(
        (pkg.contributes.jsonValidation ?? []).some((v) => [v.fileMatch].flat().includes(lock) && v.url === './schemas/pilot-lock.schema.json'),
        `${lock} gets the lock schema`,
      );
  });

  it('activates on every recognised file name (by name, not language)', () => {
    const files = [
      'library.yaml',
      'library.yml',
      'asset.yaml',
      'asset.yml',
      'pilot.yaml',
      'pilot.yml',
      '*.prompt',
      '*.prompty',
      '*.prompt.yml',
      '*.prompt.yaml',
      '*.prompt.md',
      '*.agent.md',
      '*.instructions.md',
      'SKILL.md',
      // promptfooconfig.yaml, promptfooconfig.redteam.yaml, promptfooconfig-claude.yml...
      'promptfooconfig*.yaml',
      'promptfooconfig*.yml',
    ];
    for (const f of files) assert.ok(pkg.activationEvents.includes(`workspaceContains:**/${f}`), `activation on ${f}`);
    // The providers' selector covers the same names.
    for (const f of ['*.prompt', '*.prompty', '*.prompt.md', '*.agent.md', '*.instructions.md', 'SKILL.md']) assert.ok(recognisedPatterns.includes(`**/${f}`), f);
  });

  it("the providers' selector names every file name of the format registry, and the lock file names are the engine's (activation reads no engine module)", () => {
    const registry = recognisedGlobs();
    const missing = registry.filter((g) => !recognisedPatterns.includes(g));
    const extra = recognisedPatterns.filter((g) => !registry.includes(g));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'src/vscode/editor/selector.ts recognisedPatterns must list exactly the globs of recognisedGlobs() (core/formats/registry.ts)');
    assert.equal(new Set(recognisedPatterns).size, recognisedPatterns.length, 'recognisedPatterns has no duplicates');
    assert.deepEqual(lockFiles, { pilot: lockFileName, installs: installLockFileName });
  });
});
