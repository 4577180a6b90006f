import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { loadPilot } from '../../../../src/core/scaffold/pilotFile';
import { planUpdate } from '../../../../src/core/pilot/update';
import type { UpdatePlan } from '../../../../src/core/pilot/update';
import { verifyPilot } from '../../../../src/core/pilot/verify';
import { applyPilotChanges } from '../../../../src/core/scaffold/apply';
import { nodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { GitFileMerger } from '../../../../src/node/mergeFile';
import { cleanupTemp, commitAll, testGitEnv } from '../../support/gitServer';
import { copyLibrary, editFile, gitLibrary, newTarget, openFixture, scaffoldWithCore } from '../../support/pilotLibrary';

const merger = new GitFileMerger({ env: testGitEnv });
const read = (dir: string) => async (p: string) => {
  try {
    return readFileSync(path.join(dir, ...p.split('/')));
  } catch {
    return undefined;
  }
};
const fileText = (dir: string, rel: string) => readFileSync(path.join(dir, ...rel.split('/')), 'utf8');
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

async function update(pilotDir: string, libDir: string, refs?: string[]): Promise<UpdatePlan> {
  const pilot = await loadPilot(nodeFileSystem, nodePathOps, pilotDir);
  const lib = await openFixture(libDir);
  try {
    const plan = await planUpdate({ pilot, catalog: lib.catalog, source: lib.source, commit: lib.commit, history: lib.history, readPilotFile: read(pilotDir), merger, refs });
    await applyPilotChanges(nodeFileSystem, nodePathOps, pilotDir, plan);
    return plan;
  } finally {
    lib.history?.close();
  }
}

async function verifyCodes(pilotDir: string, libDir: string): Promise<string[]> {
  const pilot = await loadPilot(nodeFileSystem, nodePathOps, pilotDir);
  const lib = await openFixture(libDir);
  const ds = await verifyPilot({ pilot, catalog: lib.catalog, readPilotFile: read(pilotDir) });
  return ds.map((d) => `${d.code} ${d.file}`).sort();
}

const prompt = 'prompts/greet/greet.prompt';

/** A git library and a pilot made from its first commit. */
async function setup(): Promise<{ lib: string; pilot: string; first: string }> {
  const { dir: lib, commit: first } = gitLibrary('basic-library');
  const pilot = newTarget();
  await scaffoldWithCore(lib, pilot, { template: 'starter', with: ['greet'], set: { team: 'support' } });
  return { lib, pilot, first };
}

/** Publishes greet 1.1.0 upstream with `edit` applied to its prompt. */
function bumpGreet(lib: string, edit: (t: string) => string, version = '1.1.0'): string {
  editFile(lib, prompt, edit);
  editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace(/version: .*/, `version: ${version}`));
  return commitAll(lib, `greet ${version}`);
}

describe('core/pilot/update (three-way, real git)', () => {
  after(cleanupTemp);

  it('(a) an untouched file is replaced by the new version; the lock follows', async () => {
    const { lib, pilot, first } = await setup();
    const second = bumpGreet(lib, (t) => t.replace('Be brief.', 'Be brief and warm.'));
    const plan = await update(pilot, lib);
    assert.deepEqual(
      plan.components.map((c) => [c.id, c.from, c.to, c.baseFound]),
      [['greet', '1.0.0', '1.1.0', true]],
    );
    assert.deepEqual(plan.conflicts, []);
    assert.equal(fileText(pilot, prompt), fileText(lib, prompt));
    const lock = JSON.parse(fileText(pilot, 'pilot.lock.json'));
    assert.notEqual(first, second);
    assert.equal(lock.library.commit, second);
    const greet = lock.components.find((c: { id: string }) => c.id === 'greet');
    assert.equal(greet.version, '1.1.0');
    for (const f of greet.files) assert.equal(f.sha256, sha(readFileSync(path.join(pilot, f.path))), f.path);
    assert.match(fileText(pilot, 'README.md'), /\| greet \| prompt \| 1\.1\.0 \| approved \|/);
    assert.deepEqual(await verifyCodes(pilot, lib), []);
  });

  it('(b) non-overlapping local and upstream edits are both kept', async () => {
    const { lib, pilot } = await setup();
    editFile(pilot, prompt, (t) => t.replace('Say hello to {{name}}.', 'Say hi to {{name}}.'));
    bumpGreet(lib, (t) => t.replace('Use one sentence.', 'Use one short sentence.'));
    const plan = await update(pilot, lib);
    assert.deepEqual(plan.conflicts, []);
    const change = plan.components[0].files.find((f) => f.path === prompt)!;
    assert.equal(change.action, 'merged');
    const merged = fileText(pilot, prompt);
    assert.match(merged, /Say hi to \{\{name\}\}\./);
    assert.match(merged, /Use one short sentence\./);
    // The lock holds the library's hashes, so the local edit stays visible.
    assert.deepEqual(await verifyCodes(pilot, lib), [`component-modified ${prompt}`]);
  });

  it('(c) overlapping edits get conflict markers and nothing is lost', async () => {
    const { lib, pilot } = await setup();
    editFile(pilot, prompt, (t) => t.replace('Be brief.', 'Be brief, pilot style.'));
    bumpGreet(lib, (t) => t.replace('Be brief.', 'Be brief, library style.'));
    const plan = await update(pilot, lib);
    assert.deepEqual(plan.conflicts, [prompt]);
    const text = fileText(pilot, prompt);
    assert.match(text, /<<<<<<< prompts\/greet\/greet\.prompt \(pilot\)\nBe brief, pilot style\.\n=======\nBe brief, library style\.\n>>>>>>> greet@1\.1\.0 \(library\)\n/);
    assert.match(text, /Say hello to \{\{name\}\}\.\n/);
    assert.match(text, /Use one sentence\.\n$/);
    assert.equal(JSON.parse(fileText(pilot, 'pilot.lock.json')).components[0].version, '1.1.0');
  });

  it('(d) files added and removed upstream are added and removed; a removed file edited locally is kept and reported', async () => {
    const { lib, pilot } = await setup();
    writeFileSync(path.join(lib, 'prompts', 'greet', 'examples.txt'), 'Ada\nGrace\n');
    writeFileSync(path.join(lib, 'modules', 'text-utils', 'extra.py'), 'X = 1\n');
    rmSync(path.join(lib, 'modules', 'text-utils', 'utils.py'));
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    editFile(lib, 'modules/text-utils/asset.yaml', (t) => t.replace('version: 1.2.0', 'version: 1.3.0'));
    rmSync(path.join(lib, 'prompts', 'greet', 'greet.prompt'));
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('entry: greet.prompt\n', ''));
    commitAll(lib, 'greet 1.1.0, text-utils 1.3.0');
    // Locally: the greeting prompt edited (removed upstream: kept), text-utils untouched (removed).
    editFile(pilot, prompt, (t) => t + 'My own line.\n');
    const plan = await update(pilot, lib);
    const actions = Object.fromEntries(plan.components.flatMap((c) => c.files.map((f) => [f.path, f.action])));
    assert.equal(actions['prompts/greet/examples.txt'], 'added');
    assert.equal(actions['lib/text-utils/extra.py'], 'added');
    assert.equal(actions['lib/text-utils/utils.py'], 'removed');
    assert.equal(actions[prompt], 'kept-removed-upstream');
    assert.deepEqual(plan.keptRemovedUpstream, [prompt]);
    assert.equal(fileText(pilot, 'prompts/greet/examples.txt'), 'Ada\nGrace\n');
    assert.equal(existsSync(path.join(pilot, 'lib', 'text-utils', 'utils.py')), false);
    assert.match(fileText(pilot, prompt), /My own line\./);
    const lock = JSON.parse(fileText(pilot, 'pilot.lock.json'));
    const paths = lock.components.flatMap((c: { files: { path: string }[] }) => c.files.map((f) => f.path));
    assert.ok(paths.includes('prompts/greet/examples.txt') && !paths.includes(prompt) && !paths.includes('lib/text-utils/utils.py'));
    assert.deepEqual(await verifyCodes(pilot, lib), []);
  });

  it('finds the base in the history when the lock moved on past it (in-place version bumps)', async () => {
    const { lib, pilot } = await setup();
    // Upstream: text-utils 1.3.0 changes utils.py; greet 1.1.0.
    editFile(lib, 'modules/text-utils/utils.py', (t) => t + '\n\ndef shout(text):\n    return text.upper()\n');
    editFile(lib, 'modules/text-utils/asset.yaml', (t) => t.replace('version: 1.2.0', 'version: 1.3.0'));
    bumpGreet(lib, (t) => t.replace('Be brief.', 'Be brief!'));
    // Only greet is updated: the lock now names the new commit, where text-utils 1.2.0 no longer is.
    await update(pilot, lib, ['greet']);
    assert.equal(JSON.parse(fileText(pilot, 'pilot.lock.json')).components.find((c: { id: string }) => c.id === 'text-utils').version, '1.2.0');
    editFile(pilot, 'lib/text-utils/utils.py', (t) => t.replace('def clean(text):', 'def clean(text):  # local note'));
    const plan = await update(pilot, lib, ['text-utils']);
    assert.deepEqual(
      plan.components.map((c) => [c.id, c.baseFound]),
      [['text-utils', true]],
    );
    assert.deepEqual(plan.conflicts, []);
    const merged = fileText(pilot, 'lib/text-utils/utils.py');
    assert.match(merged, /# local note/);
    assert.match(merged, /def shout\(text\):/);
  });

  it('a named reference with a new range changes pilot.yaml; nothing to do is said so', async () => {
    const { lib, pilot } = await setup();
    let plan = await update(pilot, lib, ['greet']);
    assert.deepEqual(plan.skipped, [{ id: 'greet', reason: 'already at 1.0.0, the newest allowed version within `^1.0`' }]);
    assert.deepEqual(plan.writes, []);
    bumpGreet(lib, (t) => t.replace('Be brief.', 'Be short.'), '2.0.0');
    plan = await update(pilot, lib);
    assert.deepEqual(plan.components, []);
    plan = await update(pilot, lib, ['greet@^2.0']);
    assert.deepEqual(
      plan.components.map((c) => [c.id, c.to]),
      [['greet', '2.0.0']],
    );
    assert.match(fileText(pilot, 'pilot.yaml'), /- greet@\^2\.0\n/);
    await assert.rejects(update(pilot, lib, ['nope']), /`nope` is not a component of this pilot; add it with `genai-assets add`/);
    await assert.rejects(update(pilot, lib, ['greet@^9']), /`greet` cannot be updated: no allowed version within `\^9`/);
  });

  it('without a git history, edits on both sides become a whole-file conflict and nothing is lost', async () => {
    const lib = copyLibrary('basic-library');
    const pilot = newTarget();
    await scaffoldWithCore(lib, pilot, { template: 'starter', with: ['greet'], set: { team: 'support' } });
    editFile(pilot, prompt, (t) => t.replace('Say hello', 'Say hi'));
    editFile(lib, prompt, (t) => t.replace('Use one sentence.', 'Use two sentences.'));
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    const plan = await update(pilot, lib);
    assert.deepEqual(plan.conflicts, [prompt]);
    assert.ok(plan.notes.some((n) => /history is not available/.test(n)));
    const text = fileText(pilot, prompt);
    assert.match(text, /Say hi to/);
    assert.match(text, /Use two sentences\./);
    assert.match(text, /<<<<<<< /);
  });

  it('a binary file changed on both sides keeps the local copy and puts the library copy beside it', async () => {
    const { lib, pilot } = await setup();
    writeFileSync(path.join(pilot, 'lib', 'text-utils', 'utils.py'), Buffer.from([0, 1, 2, 3]));
    writeFileSync(path.join(lib, 'modules', 'text-utils', 'utils.py'), Buffer.from([0, 9, 9, 9]));
    editFile(lib, 'modules/text-utils/asset.yaml', (t) => t.replace('version: 1.2.0', 'version: 1.3.0'));
    commitAll(lib, 'binary');
    const plan = await update(pilot, lib);
    assert.deepEqual(plan.conflicts, ['lib/text-utils/utils.py']);
    assert.deepEqual([...readFileSync(path.join(pilot, 'lib', 'text-utils', 'utils.py'))], [0, 1, 2, 3]);
    assert.deepEqual([...readFileSync(path.join(pilot, 'lib', 'text-utils', 'utils.py.upstream'))], [0, 9, 9, 9]);
  });
});
