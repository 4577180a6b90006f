import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { planAdd } from '../../../../src/core/pilot/add';
import type { AddPlan } from '../../../../src/core/pilot/add';
import { loadPilot } from '../../../../src/core/scaffold/pilotFile';
import { verifyPilot } from '../../../../src/core/pilot/verify';
import { applyPilotChanges } from '../../../../src/core/scaffold/apply';
import { nodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { cleanupTemp } from '../../support/gitServer';
import { copyLibrary, newTarget, openFixture, scaffoldWithCore } from '../../support/pilotLibrary';

const read = (dir: string) => async (p: string) => {
  try {
    return readFileSync(path.join(dir, ...p.split('/')));
  } catch {
    return undefined;
  }
};

async function add(pilotDir: string, libDir: string, refs: string[], includeEvals = true): Promise<AddPlan> {
  const pilot = await loadPilot(nodeFileSystem, nodePathOps, pilotDir);
  const lib = await openFixture(libDir);
  const plan = await planAdd({
    pilot,
    catalog: lib.catalog,
    source: lib.source,
    commit: lib.commit,
    refs,
    includeEvals,
    readPilotFile: read(pilotDir),
    pilotPathExists: async (p) => existsSync(path.join(pilotDir, ...p.split('/'))),
  });
  await applyPilotChanges(nodeFileSystem, nodePathOps, pilotDir, plan);
  return plan;
}

describe('core/pilot/add', () => {
  after(cleanupTemp);

  it('adds components with their dependencies and eval suites under the template layout', async () => {
    const lib = copyLibrary('basic-library');
    const pilot = newTarget();
    await scaffoldWithCore(lib, pilot, { template: 'starter', set: { team: 'support' } });
    const plan = await add(pilot, lib, ['greet']);
    assert.deepEqual(
      plan.added.map((c) => [c.asset.id, c.reason, plan.folders.get(c.asset.id)]),
      [
        ['greet', 'requested', 'prompts/greet'],
        ['text-utils', 'dependency', 'lib/text-utils'],
        ['greet-evals', 'eval', 'evals/greet-evals'],
      ],
    );
    assert.ok(existsSync(path.join(pilot, 'prompts', 'greet', 'greet.prompt')));
    const yaml = readFileSync(path.join(pilot, 'pilot.yaml'), 'utf8');
    assert.match(yaml, /components:\n {2}- greet@\^1\.0\n {2}- text-utils@\^1\.0\n {2}- greet-evals@\^1\.0\n/);
    const loaded = await loadPilot(nodeFileSystem, nodePathOps, pilot);
    assert.deepEqual(
      loaded.lock.components.map((c) => c.id),
      ['greet', 'text-utils', 'greet-evals'],
    );
    assert.deepEqual(await verifyPilot({ pilot: loaded, catalog: (await openFixture(lib)).catalog, readPilotFile: read(pilot) }), []);
  });

  it('keeps components already there and refuses ranges they do not satisfy', async () => {
    const lib = copyLibrary('basic-library');
    const pilot = newTarget();
    await scaffoldWithCore(lib, pilot, { template: 'starter', with: ['summarize@^2'], set: { team: 'support' } });
    await assert.rejects(add(pilot, lib, ['legacy-adapter']), /`summarize` is at 2\.0\.0 in the pilot, but legacy-adapter@1\.0\.0 needs `summarize@\^1\.0`; update it first/);
    await assert.rejects(add(pilot, lib, ['summarize']), /`summarize` is already in the pilot \(2\.0\.0\)/);
    const before = readFileSync(path.join(pilot, 'pilot.lock.json'), 'utf8');
    mkdirSync(path.join(pilot, 'lib', 'text-utils'), { recursive: true });
    await assert.rejects(add(pilot, lib, ['text-utils']), /`lib\/text-utils` already exists in the pilot/);
    assert.equal(readFileSync(path.join(pilot, 'pilot.lock.json'), 'utf8'), before, 'a refusal writes nothing');
  });
});
