// The layering rule of eslint.config.mjs refuses wrong-way imports in src/core, between src/node, src/app and the clients, and the services/multiStepInput loop.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../../..');

/** The no-restricted-imports messages ESLint gives for `text` as the file at `rel` (which need not exist). */
async function refusals(rel: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(text, { filePath: path.join(root, rel) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint/layering', function () {
  this.timeout(60000);

  it('refuses core/formats importing core/checks', async () => {
    const found = await refusals('src/core/formats/layeringProbe.ts', "import { runCatalogChecks } from '../checks/catalogChecks';\nexport const probe = runCatalogChecks;\n");
    assert.equal(found.length, 1);
    assert.match(found[0], /src\/core\/formats\/ may import only text, yaml, templates/);
  });

  it('refuses core/library importing core/checks, the loader included (the check stage is given to it)', async () => {
    const probe = "import { runCatalogChecks } from '../checks/catalogChecks';\nexport const probe = runCatalogChecks;\n";
    assert.equal((await refusals('src/core/library/load.ts', probe)).length, 1);
    assert.equal((await refusals('src/core/library/layeringProbe.ts', probe)).length, 1);
  });

  it('refuses core importing src/node, from a folder and from a root module', async () => {
    assert.equal((await refusals('src/core/library/layeringProbe.ts', "import { nodeFileSystem } from '../../node/fileSystem';\nexport const probe = nodeFileSystem;\n")).length, 1);
    assert.equal((await refusals('src/core/layeringProbe.ts', "import { nodeFileSystem } from '../node/fileSystem';\nexport const probe = nodeFileSystem;\n")).length, 1);
  });

  it('refuses core/library importing core/pilot, and core/scaffold importing core/pilot', async () => {
    assert.equal((await refusals('src/core/library/layeringProbe.ts', "import { planAdd } from '../pilot/add';\nexport const probe = planAdd;\n")).length, 1);
    assert.equal((await refusals('src/core/scaffold/layeringProbe.ts', "import type { OutdatedRow } from '../pilot/outdated';\nexport type Probe = OutdatedRow;\n")).length, 1);
  });

  it('refuses core/pilot and core/scaffold importing core/install, which may import both', async () => {
    assert.equal((await refusals('src/core/pilot/layeringProbe.ts', "import { planInstall } from '../install/installs';\nexport const probe = planInstall;\n")).length, 1);
    assert.equal((await refusals('src/core/scaffold/layeringProbe.ts', "import type { InstallSource } from '../install/targets';\nexport type Probe = InstallSource;\n")).length, 1);
    assert.deepEqual(
      await refusals(
        'src/core/install/layeringProbe.ts',
        "import { standingOf } from '../pilot/outdated';\nimport { resolveComponents } from '../scaffold/plan';\nexport const probe = [standingOf, resolveComponents];\n",
      ),
      [],
    );
  });

  it('refuses a type-only import the wrong way (templates importing formats)', async () => {
    assert.equal((await refusals('src/core/templates/layeringProbe.ts', "import type { ParsedFile } from '../formats/types';\nexport type Probe = ParsedFile;\n")).length, 1);
  });

  it('refuses multiStepInput.ts importing the command table', async () => {
    assert.equal((await refusals('src/vscode/multiStepInput.ts', "import type { Services } from './commands/services';\nexport type Probe = Services;\n")).length, 1);
  });

  it('refuses src/app importing src/vscode, src/cli or vscode, and core or src/node importing src/app', async () => {
    const fromVscode = await refusals('src/app/layeringProbe.ts', "import type { WindowLibrary } from '../vscode/libraryService';\nexport type Probe = WindowLibrary;\n");
    assert.equal(fromVscode.length, 1);
    assert.match(fromVscode[0], /src\/app is the application layer under the CLI and the extension/);
    assert.equal((await refusals('src/app/layeringProbe.ts', "import { cliLibraries } from '../cli/libraries';\nexport const probe = cliLibraries;\n")).length, 1);
    assert.equal((await refusals('src/app/layeringProbe.ts', "import * as vscode from 'vscode';\nexport const probe = vscode;\n")).length, 1);
    assert.equal((await refusals('src/core/library/layeringProbe.ts', "import { openLibrary } from '../../app/openLibrary';\nexport const probe = openLibrary;\n")).length, 1);
    assert.equal((await refusals('src/node/layeringProbe.ts', "import { openLibrary } from '../app/openLibrary';\nexport const probe = openLibrary;\n")).length, 1);
    assert.equal((await refusals('src/cli/commands/layeringProbe.ts', "import { LibraryService } from '../../vscode/libraryService';\nexport const probe = LibraryService;\n")).length, 1);
  });

  it('accepts src/cli and src/vscode importing src/app, and src/app importing core and src/node', async () => {
    assert.deepEqual(await refusals('src/cli/commands/layeringProbe.ts', "import { openLibrary } from '../../app/openLibrary';\nexport const probe = openLibrary;\n"), []);
    assert.deepEqual(await refusals('src/vscode/layeringProbe.ts', "import { pilotLibraryOf } from '../app/pilotLibrary';\nexport const probe = pilotLibraryOf;\n"), []);
    const app = "import { loadPilot } from '../core/scaffold/pilotFile';\nimport { NodeGit } from '../node/git';\nexport const probe = [loadPilot, NodeGit];\n";
    assert.deepEqual(await refusals('src/app/layeringProbe.ts', app), []);
  });

  it('accepts imports that follow the order', async () => {
    const right = [
      "import { parseFile } from '../formats/parseFile';",
      "import type { Catalog } from '../library/types';",
      "import { diag } from '../diagnostics';",
      "import { countTokens } from '../tokens';",
      "import type { VariableUse } from '../templates/types';",
      'export const probe = [parseFile, diag, countTokens];',
      'export type Probe = Catalog | VariableUse;',
      '',
    ].join('\n');
    assert.deepEqual(await refusals('src/core/checks/layeringProbe.ts', right), []);
    assert.deepEqual(await refusals('src/core/pilot/layeringProbe.ts', "import { assetRelative } from '../scaffold/plan';\nexport const probe = assetRelative;\n"), []);
  });
});
