import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../../../src/core/diagnostics';
import { outdatedComponents } from '../../../../src/core/pilot/outdated';
import { loadPilot } from '../../../../src/core/scaffold/pilotFile';
import { changedLinesRange, pilotFileChecks, verifyPilot } from '../../../../src/core/pilot/verify';
import { nodeFileSystem, nodePathOps } from '../../../../src/node/fileSystem';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { cleanupTemp, commitAll } from '../../support/gitServer';
import { copyLibrary, editFile, gitLibrary, newTarget, openFixture, scaffoldWithCore } from '../../support/pilotLibrary';

async function verify(pilotDir: string, libDir: string): Promise<Diagnostic[]> {
  const pilot = await loadPilot(nodeFileSystem, nodePathOps, pilotDir);
  const lib = await openFixture(libDir);
  return verifyPilot({
    history: lib.history,
    pilot,
    catalog: lib.catalog,
    readPilotFile: async (p) => {
      try {
        return readFileSync(path.join(pilotDir, p));
      } catch {
        return undefined;
      }
    },
    readLibraryFile: (p) => lib.source.read(p),
  });
}

const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.file}`).sort();

async function freshPilot(): Promise<{ lib: string; pilot: string }> {
  const lib = copyLibrary('basic-library');
  const pilot = newTarget();
  await scaffoldWithCore(lib, pilot, { template: 'starter', with: ['greet'], set: { team: 'support' } });
  return { lib, pilot };
}

describe('core/pilot/verify', () => {
  after(cleanupTemp);

  it('a fresh pilot verifies clean, and its own files have no findings', async () => {
    const { lib, pilot } = await freshPilot();
    assert.deepEqual(await verify(pilot, lib), []);
    assert.deepEqual(pilotFileChecks(await openFolderLibrary(pilot)), []);
  });

  it('a local edit: component-modified on the file, over the changed lines', async () => {
    const { lib, pilot } = await freshPilot();
    editFile(pilot, 'prompts/greet/greet.prompt', (t) => t.replace('Be brief.', 'Be very brief.\nAnd kind.'));
    const ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['component-modified prompts/greet/greet.prompt']);
    const d = ds[0];
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, { start: { line: 7, character: 0 }, end: { line: 8, character: 9 } });
    assert.match(d.message, /differs from `greet` 1\.0\.0 as locked \(edited locally\)/);
  });

  it('a local edit after the library moved on: the range still covers the changed lines (locked copy from git history)', async () => {
    const { dir: lib } = gitLibrary('basic-library');
    const pilot = newTarget();
    await scaffoldWithCore(lib, pilot, { template: 'starter', with: ['greet'], set: { team: 'support' } });
    editFile(pilot, 'prompts/greet/greet.prompt', (t) => t.replace('Use one sentence.', 'Use one line.'));
    editFile(lib, 'prompts/greet/greet.prompt', (t) => t.replace('Say hello', 'Say hi'));
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    commitAll(lib, 'greet 1.1.0');
    const d = (await verify(pilot, lib)).find((x) => x.code === 'component-modified')!;
    assert.deepEqual(d.range, { start: { line: 8, character: 0 }, end: { line: 8, character: 13 } });
  });

  it('a deleted component file: component-modified on its reference in pilot.yaml', async () => {
    const { lib, pilot } = await freshPilot();
    rmSync(path.join(pilot, 'lib', 'text-utils', 'utils.py'));
    const ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['component-modified pilot.yaml']);
    assert.match(ds[0].message, /`lib\/text-utils\/utils\.py` of `text-utils` 1\.2\.0 was deleted from the pilot/);
    const yaml = readFileSync(path.join(pilot, 'pilot.yaml'), 'utf8').split('\n');
    assert.equal(yaml[ds[0].range.start.line].slice(ds[0].range.start.character, ds[0].range.end.character), 'text-utils@^1.0');
  });

  it('upstream version bumps: component-outdated within the range, and outside it with a fix', async () => {
    const { lib, pilot } = await freshPilot();
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.1.0'));
    let ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['component-outdated pilot.yaml']);
    assert.equal(ds[0].severity, 'info');
    assert.match(ds[0].message, /`greet` is at 1\.0\.0; 1\.1\.0 is available within `\^1\.0`\. Run `genai-assets update \. greet`/);
    const p = await loadPilot(nodeFileSystem, nodePathOps, pilot);
    assert.deepEqual(outdatedComponents(p, (await openFixture(lib)).catalog)[0], { id: 'greet', kind: 'prompt', current: '1.0.0', wanted: '1.1.0', latest: '1.1.0', status: 'superseded' });

    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('version: 1.1.0', 'version: 2.0.0'));
    ds = await verify(pilot, lib);
    const outdated = ds.find((d) => d.code === 'component-outdated')!;
    assert.match(outdated.message, /2\.0\.0 is the newest approved version, outside `\^1\.0`\. Change the reference to `greet@\^2\.0`/);
    assert.equal(outdated.fixes?.[0].edits[0].newText, 'greet@^2.0');
    // A version bumped in place supersedes the locked one: outdated, not withdrawn.
    assert.deepEqual(codes(ds), ['component-outdated pilot.yaml']);
  });

  it('a newer version beside the locked one: outdated only; outdated() reports current/wanted/latest', async () => {
    const { lib, pilot } = await freshPilot();
    const { cpSync } = await import('node:fs');
    cpSync(path.join(lib, 'prompts', 'greet'), path.join(lib, 'prompts', 'greet-next'), { recursive: true });
    editFile(lib, 'prompts/greet-next/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 1.3.0'));
    cpSync(path.join(lib, 'prompts', 'greet'), path.join(lib, 'prompts', 'greet-two'), { recursive: true });
    editFile(lib, 'prompts/greet-two/asset.yaml', (t) => t.replace('version: 1.0.0', 'version: 2.1.0'));
    const ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['component-outdated pilot.yaml']);
    assert.match(ds[0].message, /1\.3\.0 is available within `\^1\.0`.*\(2\.1\.0 is the newest, outside the range\.\)/);
    const p = await loadPilot(nodeFileSystem, nodePathOps, pilot);
    assert.deepEqual(outdatedComponents(p, (await openFixture(lib)).catalog)[0], { id: 'greet', kind: 'prompt', current: '1.0.0', wanted: '1.3.0', latest: '2.1.0', status: 'approved' });
  });

  it('deprecation: component-deprecated naming the replacement, with a fix', async () => {
    const { lib, pilot } = await freshPilot();
    editFile(lib, 'prompts/greet/asset.yaml', (t) => t.replace('status: approved', 'status: deprecated\nreplacedBy: summarize@^2.0'));
    const ds = await verify(pilot, lib);
    const d = ds.find((x) => x.code === 'component-deprecated')!;
    assert.equal(d.file, 'pilot.yaml');
    assert.match(d.message, /`greet` 1\.0\.0 is deprecated in `fixture-lib`; it is replaced by `summarize@\^2\.0`/);
    assert.deepEqual(
      d.fixes?.map((f) => [f.title, f.edits[0].newText]),
      [['Replace with successor summarize@^2.0', 'summarize@^2.0']],
    );
    // The content changed too (asset.yaml was edited in place): reported as an upstream change.
    assert.ok(ds.some((x) => x.code === 'component-modified' && /has changed since it was locked \(same version, different content\)/.test(x.message)));
  });

  it('a status the policy no longer allows: component-not-approved (error)', async () => {
    const { lib, pilot } = await freshPilot();
    editFile(lib, 'modules/text-utils/asset.yaml', (t) => t.replace('status: approved', 'status: review'));
    const d = (await verify(pilot, lib)).find((x) => x.code === 'component-not-approved')!;
    assert.equal(d.severity, 'error');
    assert.match(d.message, /`text-utils` 1\.2\.0 is review in `fixture-lib`, and the library's policy allows only approved for pilots/);
  });

  it('a locked version withdrawn while an older one remains: unknown-reference with the way back', async () => {
    const { lib, pilot } = await freshPilot();
    editFile(lib, 'modules/text-utils/asset.yaml', (t) => t.replace('version: 1.2.0', 'version: 1.1.0'));
    const ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['unknown-reference pilot.yaml']);
    assert.match(ds[0].message, /`text-utils` 1\.2\.0 was withdrawn from the library `fixture-lib` \(it has 1\.1\.0 \(approved\)\)\. Run `genai-assets update \. text-utils` to move to 1\.1\.0\./);
  });

  it('removal from the library: unknown-reference', async () => {
    const { lib, pilot } = await freshPilot();
    rmSync(path.join(lib, 'evals', 'greet-evals'), { recursive: true });
    const ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['unknown-reference pilot.yaml']);
    assert.match(ds[0].message, /`greet-evals` is no longer in the library `fixture-lib` \(withdrawn\)/);
  });

  it('pilot.yaml and the lock out of step are reported', async () => {
    const { lib, pilot } = await freshPilot();
    editFile(pilot, 'pilot.yaml', (t) => t.replace('  - greet-evals@^1.0\n', '  - summarize@^2\n'));
    const ds = await verify(pilot, lib);
    assert.ok(ds.some((d) => /locks `greet-evals` 1\.0\.0, but pilot\.yaml does not list it/.test(d.message)));
    assert.ok(ds.some((d) => /`summarize@\^2` is listed in pilot\.yaml but not installed/.test(d.message)));
  });

  it('changedLinesRange covers the differing lines (CRLF too) and the first line without an original', () => {
    assert.deepEqual(changedLinesRange('a\r\nB\r\nc\r\n', 'a\r\nb\r\nc\r\n'), { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } });
    assert.deepEqual(changedLinesRange('a\nc\n', 'a\nb\nc\n'), { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } });
    assert.deepEqual(changedLinesRange('first line\nsecond', undefined), { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } });
  });

  it('a binary component file that changed is reported without a text range', async () => {
    const { lib, pilot } = await freshPilot();
    writeFileSync(path.join(pilot, 'lib', 'text-utils', 'utils.py'), Buffer.from([0, 1, 2]));
    const ds = await verify(pilot, lib);
    assert.deepEqual(codes(ds), ['component-modified lib/text-utils/utils.py']);
    assert.deepEqual(ds[0].range.start, { line: 0, character: 0 });
  });
});
