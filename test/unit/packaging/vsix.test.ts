// `npm run package` builds a VSIX that holds what users need and nothing of the sources or tests.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { assertNotices, bundledParts } from './thirdPartyNotices';

describe('packaging (npm run package)', function () {
  this.timeout(240000);

  it('lists the bundles, schemas, grammars and the sample library, and no sources, tests or maps', () => {
    const r = spawnSync('npx', ['vsce', 'ls'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const f of [
      'dist/extension.js',
      'dist/engine.js',
      'dist/commands.js',
      'dist/vendor/tokenizer.js',
      'dist/vendor/schema-validators.js',
      'dist/vendor/yaml.js',
      'dist/THIRD_PARTY_NOTICES.txt',
      'schemas/asset.schema.json',
      'syntaxes/dotprompt.tmLanguage.json',
      'syntaxes/prompty.tmLanguage.json',
      'syntaxes/dotprompt.language-configuration.json',
      'syntaxes/prompty.language-configuration.json',
      'syntaxes/yaml-prompt-sections.injection.tmLanguage.json',
      'syntaxes/yaml-prompt-expressions.injection.tmLanguage.json',
      'samples/library/library.yaml',
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'SECURITY.md',
    ]) {
      assert.ok(files.includes(f), `${f} is missing from the VSIX`);
    }
    for (const f of files.filter((x) => !x.startsWith('samples/library/'))) {
      assert.doesNotMatch(f, /^(src|test|scripts|\.cache|node_modules)\/|\.map$|\.ts$/, `${f} should not be packaged`);
      // The CLI and its parse pool's worker are the npm package's; the extension runs neither.
      assert.doesNotMatch(f, /^dist\/(cli\b|parseWorker\.js$)/, `${f} should not be packaged`);
    }
  });

  it('builds the VSIX with plain `vsce package` (the manifest names its repository and issues), with the licence of every package its bundles hold', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>; repository?: { url?: string }; bugs?: { url?: string } };
    assert.equal(manifest.scripts.package, 'vsce package --out genai-asset-library.vsix', 'no flag that skips a check of vsce');
    assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\/.+\.git$/);
    assert.match(manifest.bugs?.url ?? '', /^https:\/\/github\.com\/.+\/issues$/);
    const out = path.join(repoRoot, 'genai-asset-library.vsix');
    fs.rmSync(out, { force: true });
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const size = fs.statSync(out).size;
    assert.ok(size > 100_000 && size < 20_000_000, `VSIX of ${size} bytes`);
    // The notices of the production build, the one packaged (the first test checks that the VSIX takes the file).
    const notices = fs.readFileSync(path.join(repoRoot, 'dist', 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    // Leave a development build behind for the tests that run dist/ next: its source maps list what the bundles hold.
    assert.equal(spawnSync('node', ['esbuild.mjs'], { cwd: repoRoot }).status, 0);
    const dist = path.join(repoRoot, 'dist');
    const bundles = [
      'extension.js',
      'engine.js',
      'commands.js',
      ...fs
        .readdirSync(path.join(dist, 'vendor'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => `vendor/${f}`),
    ];
    assertNotices(notices, bundledParts(bundles.map((f) => path.join(dist, f))));
  });
});
