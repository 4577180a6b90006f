import * as assert from 'node:assert/strict';
import { catalogDigest, componentFolder, isSafeRelativePath, parseInstallLock, parseLockFile, serializeLockFile } from '../../../../src/core/scaffold/lockFile';
import type { InstallLock, LockFile } from '../../../../src/core/scaffold/lockFile';
import { editPilotComponents, parsePilotManifest, serializePilotManifest } from '../../../../src/core/scaffold/pilotFile';
import { readmeSection, withReadmeSection } from '../../../../src/core/scaffold/readme';

const h = (c: string) => c.repeat(64);
const lock: LockFile = {
  library: { name: 'lib', url: 'git://127.0.0.1/lib', commit: h('a').slice(0, 40) },
  template: { id: 'starter', version: '1.0.0' },
  components: [
    {
      id: 'greet',
      kind: 'prompt',
      version: '1.0.0',
      digest: `sha256:${h('b')}`,
      files: [
        { path: 'prompts/greet/z.prompt', sha256: h('c') },
        { path: 'prompts/greet/asset.yaml', sha256: h('d') },
      ],
    },
  ],
};

describe('core/scaffold/lockFile and pilotFile', () => {
  it('serialises the lock in the documented shape (files sorted) and parses it back', () => {
    const text = serializeLockFile(lock);
    assert.ok(text.endsWith('}\n'));
    const back = parseLockFile(text);
    assert.deepEqual(back.problems, []);
    assert.deepEqual(
      back.lock!.components[0].files.map((f) => f.path),
      ['prompts/greet/asset.yaml', 'prompts/greet/z.prompt'],
    );
    assert.equal(componentFolder(back.lock!.components[0]), 'prompts/greet');
  });

  it('refuses lock files that are not JSON, break the schema, or name paths outside the pilot', () => {
    assert.match(parseLockFile('{').problems[0], /is not valid JSON/);
    assert.match(parseLockFile(JSON.stringify({ ...lock, extra: 1 })).problems.join(' '), /must NOT have additional properties/);
    const escaping = structuredClone(lock);
    escaping.components[0].files[0].path = '../../etc/passwd';
    assert.match(parseLockFile(JSON.stringify(escaping)).problems[0], /names the path `\.\.\/\.\.\/etc\/passwd`, which leaves the pilot folder/);
    const upper = structuredClone(lock);
    upper.components[0].files[0].sha256 = h('C');
    assert.ok(parseLockFile(JSON.stringify(upper)).problems.length > 0, 'sha256 must be lowercase hex');
    for (const p of ['a/b', '.github/x']) assert.ok(isSafeRelativePath(p), p);
    for (const p of ['', '/a', 'a/../b', 'a\\b', 'C:/x', './a', 'a//b']) assert.ok(!isSafeRelativePath(p), p);
  });

  it('the catalog digest depends on every file', () => {
    const f = (sha: string) => ({ path: 'a', sha256: sha }) as never;
    assert.notEqual(catalogDigest({ files: new Map([['a', f('1')]]) }), catalogDigest({ files: new Map([['a', f('2')]]) }));
    assert.match(catalogDigest({ files: new Map() }), /^sha256:[0-9a-f]{64}$/);
  });

  it('pilot.yaml round-trips, and editing components keeps comments and other fields', () => {
    const text = serializePilotManifest({ name: 'demo', library: { name: 'lib', url: '../lib' }, template: 'starter@^1.0', components: ['greet@^1.0'], parameters: { team: 'x' } });
    const { manifest, file } = parsePilotManifest(new TextEncoder().encode(text));
    assert.deepEqual(file.diagnostics, []);
    assert.deepEqual(manifest, { name: 'demo', library: { name: 'lib', url: '../lib' }, template: 'starter@^1.0', components: ['greet@^1.0'], parameters: { team: 'x' } });
    const commented = text.replace('components:', '# chosen by the team\ncomponents:');
    const edited = editPilotComponents(commented, { replace: new Map([[0, 'greet@^2.0']]), append: ['text-utils@^1.2'] });
    assert.match(edited, /# chosen by the team\ncomponents:\n {2}- greet@\^2\.0\n {2}- text-utils@\^1\.2\n/);
    assert.match(edited, /parameters:\n {2}team: x\n/);
    const crlf = editPilotComponents(text.replace(/\n/g, '\r\n'), { append: ['a@^1.0'] });
    assert.ok(!/[^\r]\n/.test(crlf), 'CRLF files stay CRLF');
  });

  it('the README section is appended once and then replaced in place', () => {
    const s1 = readmeSection([{ id: 'greet', kind: 'prompt', version: '1.0.0', status: 'approved', owners: ['a|b'], path: 'p/greet' }], { name: 'lib', commit: h('a').slice(0, 40) });
    assert.match(s1, /\| greet \| prompt \| 1\.0\.0 \| approved \| a\\\|b \| `p\/greet` \|/);
    const once = withReadmeSection('# Title\n\nText.\n', s1);
    assert.match(once, /^# Title\n\nText\.\n\n<!-- genai-assets:components -->/);
    const s2 = s1.replace('1.0.0', '1.1.0');
    const twice = withReadmeSection(once + 'After.\n', s2);
    assert.equal(twice.split('<!-- genai-assets:components -->').length, 2);
    assert.match(twice, /1\.1\.0[\s\S]*<!-- \/genai-assets:components -->\nAfter\.\n$/);
  });

  it('the lock of installs: the same format without a template; a component per target, sections and deletions recorded', () => {
    const installs: InstallLock = {
      library: { name: 'lib', url: 'git://127.0.0.1/lib', ref: 'main', commit: h('a').slice(0, 40) },
      components: ['copilot', 'agents'].map((target) => ({
        id: 'caveman-mode',
        kind: 'prompt' as const,
        version: '1.0.0',
        digest: `sha256:${h('b')}`,
        target: target as 'copilot' | 'agents',
        reference: 'caveman-mode@^1.0',
        commit: h('e').slice(0, 40),
        source: { path: 'instructions/caveman-mode', entry: 'instructions/caveman-mode/caveman-mode.instructions.md' },
        files:
          target === 'agents'
            ? [{ path: 'AGENTS.md', section: 'caveman-mode', sha256: h('c') }]
            : [{ path: '.github/instructions/caveman-mode.instructions.md', sha256: h('d'), deleted: true as const }],
      })),
    };
    const text = serializeLockFile(installs);
    assert.match(text, /"ref": "main",\n {4}"commit"/);
    assert.match(text, /"target": "agents",\n {6}"reference": "caveman-mode@\^1\.0",\n {6}"commit": "e{40}",\n {6}"source": \{/);
    assert.match(text, /"path": "AGENTS\.md",\n {10}"section": "caveman-mode",\n {10}"sha256"/);
    assert.match(text, /"sha256": "d{64}",\n {10}"deleted": true\n/);
    assert.deepEqual(parseInstallLock(text), { lock: JSON.parse(text), problems: [] });
    // A pilot's lock must name its template; an install lock's components their target and source.
    assert.match(parseLockFile(text).problems[0], /pilot\.lock\.json has no template; it is not a pilot's lock \(genai-assets\.lock\.json is the lock of installs\)/);
    const bare = JSON.parse(text);
    delete bare.components[0].target;
    assert.match(parseInstallLock(JSON.stringify(bare)).problems[0], /component `caveman-mode` has no target or source/);
    const twice = JSON.parse(text);
    twice.components[1].target = 'copilot';
    assert.match(parseInstallLock(JSON.stringify(twice)).problems[0], /lists component `caveman-mode for copilot` twice/);
    const shared = JSON.parse(text);
    shared.components[0].files = [{ path: 'AGENTS.md', section: 'caveman-mode', sha256: h('c') }];
    assert.match(parseInstallLock(JSON.stringify(shared)).problems[0], /the file `AGENTS\.md#caveman-mode` belongs to two components/);
    assert.match(parseInstallLock(JSON.stringify({ ...installs, components: [{ ...installs.components[0], target: 'windsurf' }] })).problems.join(' '), /must be equal to one of the allowed values/);
  });
});
