import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseLockFile } from '../../../../src/core/scaffold/lockFile';
import { parsePilotManifest } from '../../../../src/core/scaffold/pilotFile';
import { checkLayoutFolder, planScaffold, resolveComponents, resolveTemplate, ScaffoldError } from '../../../../src/core/scaffold/plan';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { sampleLibrary } from '../../paths';
import { cleanupTemp, tempDir } from '../../support/gitServer';
import { copyLibrary, openFixture, pilotFixtures, planWithCore } from '../../support/pilotLibrary';

const basic = path.join(pilotFixtures, 'basic-library');
const escaping = path.join(pilotFixtures, 'escaping-templates');
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ScaffoldError, `expected a ScaffoldError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a refusal');
}

describe('core/scaffold/plan', () => {
  after(cleanupTemp);

  describe('resolution', () => {
    it('picks the newest allowed version in range, follows dependsOn and adds the eval suites of chosen prompts', async () => {
      const catalog = await openFolderLibrary(basic);
      const picked = resolveComponents(catalog, ['greet', 'summarize@^1']);
      assert.deepEqual(
        picked.map((c) => [c.asset.id, c.asset.version, c.reason, c.via, c.reference]),
        [
          ['greet', '1.0.0', 'requested', undefined, 'greet@^1.0'],
          ['summarize', '1.4.0', 'requested', undefined, 'summarize@^1'],
          ['text-utils', '1.2.0', 'dependency', 'greet@1.0.0', 'text-utils@^1.0'],
          ['greet-evals', '1.0.0', 'eval', 'greet', 'greet-evals@^1.0'],
        ],
      );
      assert.deepEqual(
        resolveComponents(catalog, ['greet'], { includeEvals: false }).map((c) => c.asset.id),
        ['greet', 'text-utils'],
      );
      assert.equal(resolveComponents(catalog, ['summarize'])[0].asset.version, '2.0.0');
    });

    it('refuses a deprecated component and names its replacement', async () => {
      const catalog = await openFolderLibrary(basic);
      assert.throws(
        () => resolveComponents(catalog, ['old-greet']),
        /`old-greet` \(requested\) resolves to 0\.9\.0, which is deprecated; the library's policy allows only approved for pilots\. Use its replacement `greet@\^1\.0` instead\./,
      );
    });

    it('refuses a draft component and says no version is approved', async () => {
      const catalog = await openFolderLibrary(basic);
      assert.throws(
        () => resolveComponents(catalog, ['draft-idea@^0.1']),
        /`draft-idea@\^0\.1` \(requested\) resolves to 0\.1\.0, which is draft; .* No version of it is approved; ask its owners \(support-team\)/,
      );
    });

    it('refuses a range no version satisfies, listing the versions and what to pick', async () => {
      const catalog = await openFolderLibrary(basic);
      assert.throws(
        () => resolveComponents(catalog, ['summarize@^3']),
        /No version of `summarize` satisfies `\^3` \(requested\); the library has 1\.4\.0 \(approved\), 2\.0\.0 \(approved\)\. Pick `summarize@\^2\.0`/,
      );
    });

    it('refuses two ranges of one asset that no version satisfies together', async () => {
      const catalog = await openFolderLibrary(basic);
      assert.throws(
        () => resolveComponents(catalog, ['summarize@^2', 'legacy-adapter']),
        /No allowed version of `summarize` satisfies `\^2` \(requested\) and `\^1\.0` \(needed by legacy-adapter@1\.0\.0\) together/,
      );
    });

    it('refuses unknown ids (with a suggestion), malformed references, templates as components and other libraries', async () => {
      const catalog = await openFolderLibrary(basic);
      assert.throws(() => resolveComponents(catalog, ['gret']), /has no asset `gret` \(requested\); did you mean `greet`\?/);
      assert.throws(() => resolveComponents(catalog, ['Not A Ref']), /`Not A Ref` is not a reference/);
      assert.throws(() => resolveComponents(catalog, ['starter']), /`starter` is a template, not a component/);
      assert.throws(() => resolveComponents(catalog, ['other-lib:greet']), /names the library `other-lib`, but the pilot is built from `fixture-lib`/);
      assert.throws(() => resolveTemplate(catalog, 'greet'), /`greet` is a prompt, not a template; give a template with --template \(this library has `starter`\)/);
      assert.throws(() => resolveTemplate(catalog, 'startr'), /no template `startr`; did you mean `starter`\?/);
      assert.throws(() => resolveComponents(catalog, ['greet'], { existing: [{ id: 'greet', version: '1.0.0' }] }), /`greet` is already in the pilot \(1\.0\.0\)/);
    });

    it('follows the dependsOn of the template (sample library)', async () => {
      const catalog = await openFolderLibrary(sampleLibrary);
      const t = resolveTemplate(catalog, 'claims-assistant-pilot');
      const picked = resolveComponents(catalog, [], { requiredBy: [t.asset] });
      assert.deepEqual(picked.map((c) => c.asset.id).sort(), ['llm-retry', 'pii-redaction']);
      assert.ok(picked.every((c) => c.reason === 'dependency' && c.via === `claims-assistant-pilot@${t.asset.version}`));
    });
  });

  describe('planning', () => {
    it('renders contents and names, skips a conditional file, copies binaries unchanged and escapes only markup', async () => {
      const plan = await planWithCore(copyLibrary('basic-library'), { template: 'starter', with: ['greet'], set: { team: 'support', pkg: 'triage' }, name: 'demo' });
      const byPath = new Map(plan.files.map((f) => [f.path, f]));
      assert.equal(text(byPath.get('src/triage/main.py')!.data), 'PORT = 8080\nTEAM = "support"\n');
      assert.match(text(byPath.get('README.md')!.data), /^# demo\n\nOwned by team support\. Title: Tom & Jerry <demo>\.\n/);
      assert.equal(text(byPath.get('web/index.html')!.data), '<h1>Tom &amp; Jerry &lt;demo&gt;</h1>\n');
      assert.ok(!plan.files.some((f) => f.path.startsWith('config/')), 'debug.env is only written when debug is true');
      assert.ok(plan.warnings.some((w) => /debug\.env.*skipped/.test(w)));
      assert.deepEqual([...byPath.get('logo.png')!.data], [...Buffer.from('\x89PNG\r\n\x1a\n\x00\x00{{team}}\x00\xff\xfe', 'latin1')]);
      assert.equal(text(byPath.get('components.txt')!.data), 'greet 1.0.0 prompts/greet\ntext-utils 1.2.0 lib/text-utils\ngreet-evals 1.0.0 evals/greet-evals\n');
      const withDebug = await planWithCore(copyLibrary('basic-library'), { template: 'starter', set: { team: 'support', debug: 'true' } });
      assert.equal(text(withDebug.files.find((f) => f.path === 'config/debug.env')!.data), 'DEBUG=1\n');
    });

    it('places components by the layout and writes a lock whose hashes match the files', async () => {
      const plan = await planWithCore(copyLibrary('basic-library'), { template: 'starter', with: ['greet'], set: { team: 'support' } });
      const byPath = new Map(plan.files.map((f) => [f.path, f]));
      assert.ok(byPath.has('prompts/greet/greet.prompt'));
      assert.ok(byPath.has('prompts/greet/asset.yaml'));
      assert.ok(byPath.has('lib/text-utils/utils.py'));
      assert.ok(byPath.has('evals/greet-evals/promptfooconfig.yaml'));
      const { lock, problems } = parseLockFile(text(byPath.get('pilot.lock.json')!.data));
      assert.deepEqual(problems, []);
      assert.deepEqual(Object.keys(lock!), ['library', 'template', 'components']);
      assert.deepEqual(Object.keys(lock!.library), ['name', 'url', 'commit']);
      assert.match(lock!.library.commit, /^sha256:[0-9a-f]{64}$/, 'a folder outside git is locked by its catalog digest');
      assert.deepEqual(lock!.template, { id: 'starter', version: '1.0.0' });
      for (const c of lock!.components) {
        assert.deepEqual(Object.keys(c), ['id', 'kind', 'version', 'digest', 'files']);
        for (const f of c.files) {
          assert.deepEqual(Object.keys(f), ['path', 'sha256']);
          assert.equal(f.sha256, sha(byPath.get(f.path)!.data), f.path);
        }
      }
      const component = plan.files
        .filter((f) => f.origin === 'component')
        .map((f) => f.path)
        .sort();
      assert.deepEqual(lock!.components.flatMap((c) => c.files.map((f) => f.path)).sort(), component);
      const { manifest, file } = parsePilotManifest(byPath.get('pilot.yaml')!.data);
      assert.deepEqual(file.diagnostics, []);
      assert.deepEqual(manifest.components, ['greet@^1.0', 'text-utils@^1.0', 'greet-evals@^1.0']);
      assert.equal(manifest.template, 'starter@^1.0');
      assert.deepEqual(manifest.parameters, { team: 'support', port: 8080, debug: false, pkg: 'app', title: 'Tom & Jerry <demo>' });
      assert.match(
        text(byPath.get('README.md')!.data),
        /<!-- genai-assets:components -->[\s\S]*\| greet \| prompt \| 1\.0\.0 \| approved \| support-team \| `prompts\/greet` \|[\s\S]*<!-- \/genai-assets:components -->\n$/,
      );
    });

    it('the digest in the lock is the approval digest form of the asset', async () => {
      const dir = copyLibrary('basic-library');
      const plan = await planWithCore(dir, { template: 'starter', with: ['greet'], set: { team: 'x' } });
      const lib = await openFixture(dir);
      const { assetDigest } = await import('../../../../src/core/library/digest');
      const greet = lib.catalog.assets.find((a) => a.id === 'greet')!;
      assert.equal(plan.lock.components.find((c) => c.id === 'greet')!.digest, assetDigest(greet, lib.catalog.files));
    });
  });

  describe('refusals: no path may leave the pilot', () => {
    it('a parameter value with a path separator or `..` in a file name', async () => {
      const dir = copyLibrary(escaping);
      assert.match(
        await refusal(planWithCore(dir, { template: 'value-in-name', set: { file: '../../escaped' } })),
        /Template file `\{\{file\}\}\.txt` would be named `\.\.\/\.\.\/escaped\.txt` with these parameters: a value puts a path separator into the name/,
      );
      assert.match(await refusal(planWithCore(dir, { template: 'value-in-name', set: { dir: '/etc' } })), /a value puts a path separator into the name/);
      assert.match(await refusal(planWithCore(dir, { template: 'value-in-name', set: { dir: 'a\\b' } })), /a value puts a path separator into the name/);
      assert.match(await refusal(planWithCore(dir, { template: 'dotdot-name', set: { up: '..' } })), /its part `\.\.` is `\.\.`, which would leave its folder/);
      assert.match(await refusal(planWithCore(dir, { template: 'value-in-name', set: { dir: 'a:b' } })), /may not hold/);
      const fine = await planWithCore(dir, { template: 'value-in-name', set: { dir: 'notes', file: 'x' } });
      assert.deepEqual(
        fine.files
          .filter((f) => f.origin === 'template')
          .map((f) => f.path)
          .sort(),
        ['notes/notes.txt', 'x.txt'],
      );
    });

    it('a layout that leaves the pilot, is absolute, or gets `..` from a parameter', async () => {
      const dir = copyLibrary(escaping);
      assert.match(
        await refusal(planWithCore(dir, { template: 'bad-layout', with: ['hello'] })),
        /puts prompt components in `\.\.\/outside`, which has a part that is `\.\.`, which would leave its folder; it is refused/,
      );
      assert.match(await refusal(planWithCore(dir, { template: 'absolute-layout', with: ['hello'] })), /puts prompt components in `\/etc\/genai`, which is an absolute path/);
      assert.match(await refusal(planWithCore(dir, { template: 'param-layout', with: ['hello'], set: { base: '..' } })), /puts prompt components in `\.\.\/prompts`/);
      const ok = await planWithCore(dir, { template: 'param-layout', with: ['hello'], set: { base: 'app' } });
      assert.ok(ok.files.some((f) => f.path === 'app/prompts/hello/hello.prompt'));
      assert.deepEqual(checkLayoutFolder('./a//b/'), { folder: 'a/b' });
      assert.match(checkLayoutFolder('C:/x').problem!, /absolute/);
    });

    it('links in a template are not followed, inside or outside the library', async () => {
      const dir = copyLibrary('basic-library');
      const outside = path.join(tempDir('secret'), 'secret.txt');
      writeFileSync(outside, 'top secret\n');
      symlinkSync(outside, path.join(dir, 'templates', 'starter', 'leak.txt'));
      symlinkSync('../../prompts/greet/greet.prompt', path.join(dir, 'templates', 'starter', 'inner.prompt'));
      const msg = await refusal(planWithCore(dir, { template: 'starter', set: { team: 'x' } }));
      assert.match(msg, /Template `starter` has a path that leads out of the library \(templates\/starter\/leak\.txt\)/);
      assert.match(msg, /Template `starter` holds the link `templates\/starter\/inner\.prompt`; links are not followed/);
    });

    it('a link in a component folder is refused too', async () => {
      const dir = copyLibrary('basic-library');
      mkdirSync(path.join(dir, 'modules', 'text-utils', 'more'));
      symlinkSync('/etc/hostname', path.join(dir, 'modules', 'text-utils', 'more', 'host'));
      assert.match(await refusal(planWithCore(dir, { template: 'starter', with: ['greet'], set: { team: 'x' } })), /Component `text-utils` has a path that leads out of the library/);
    });

    it('template files that would overwrite pilot.yaml or a component file, and broken Mustache', async () => {
      const dir = copyLibrary(escaping);
      assert.match(await refusal(planWithCore(dir, { template: 'reserved-name' })), /would be written as `pilot\.yaml`, which genai-assets writes itself/);
      assert.match(
        await refusal(planWithCore(dir, { template: 'colliding', with: ['hello'] })),
        /`genai-assets\/prompt\/hello\/hello\.prompt` would be written twice: by a template file and by a file of component `hello`/,
      );
      assert.match(await refusal(planWithCore(dir, { template: 'broken-mustache' })), /templates\/broken-mustache\/README\.md:2: the template does not parse as Mustache/);
    });

    it('a pilot name that is not kebab-case', async () => {
      const dir = copyLibrary('basic-library');
      assert.match(await refusal(planWithCore(dir, { template: 'starter', set: { team: 'x' }, name: '../Evil' })), /must be kebab-case/);
    });

    it('planScaffold refuses a component whose files vanished from the library', async () => {
      const dir = copyLibrary('basic-library');
      const lib = await openFixture(dir);
      const t = resolveTemplate(lib.catalog, 'starter');
      const components = resolveComponents(lib.catalog, ['greet'], { includeEvals: false });
      const { rmSync } = await import('node:fs');
      rmSync(path.join(dir, 'prompts', 'greet', 'greet.prompt'));
      const msg = await refusal(
        planScaffold({
          catalog: lib.catalog,
          source: lib.source,
          library: { name: 'fixture-lib', url: dir, commit: '' },
          name: 'x',
          template: t.asset,
          templateReference: t.reference,
          components,
          parameters: { team: 'x' },
        }),
      );
      assert.match(msg, /`prompts\/greet\/greet\.prompt` is not in the library any more; sync the library and try again/);
    });
  });
});
