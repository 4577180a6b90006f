// validate --format sarif against the OASIS SARIF 2.1.0 schema and the SARIF Multitool rules that code scanning cares about.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { projectHome, sarifRuleName } from '../../../src/cli/output';
import type { DiagnosticCode } from '../../../src/core/diagnostics';
import { fixturesDir, repoRoot, sampleLibrary, testCacheDir } from '../paths';
import { draft04SameInDraft07, locationFile, multitoolFindings, sarifValidator, schemaFile, schemaKeywords } from '../support/sarif';
import type { Sarif } from '../support/sarif';

async function sarifOf(args: string[], cwd: string): Promise<{ code: number; sarif: Sarif; text: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { GENAI_ASSETS_CACHE_DIR: testCacheDir }, color: false };
  const code = await main(['validate', ...args, '--format', 'sarif'], io);
  assert.equal(err, '', err);
  return { code, sarif: JSON.parse(out) as Sarif, text: out };
}

/** The sample library with problems put in, under a folder and file names that need percent-encoding. */
function brokenSampleRepo(): { repo: string; lib: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-sarif-'));
  const lib = path.join(repo, 'genai lib #1');
  fs.cpSync(sampleLibrary, lib, { recursive: true });
  // A renamed folder (id-mismatch) whose name has a space, `#`, `%` and `?` where the OS allows it.
  const odd = process.platform === 'win32' ? 'claims #2 %20' : 'claims #2 %20 ?x';
  fs.renameSync(path.join(lib, 'prompts', 'claim-summary'), path.join(lib, 'prompts', odd));
  const manifest = path.join(lib, 'prompts', 'adjuster-email-reply', 'asset.yaml');
  fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('status: review', 'status: review\nowner: someone'));
  return { repo, lib };
}

describe('cli/sarif', () => {
  const validate = sarifValidator();
  const check = (sarif: Sarif, label: string) => {
    assert.ok(validate(sarif), `${label}: ${JSON.stringify(validate.errors, null, 2)}`);
    assert.deepEqual(multitoolFindings(sarif), [], label);
    for (const res of sarif.runs[0].results) {
      for (const loc of [...res.locations, ...(res.relatedLocations ?? [])]) {
        const file = locationFile(sarif, loc);
        assert.ok(fs.existsSync(file), `${label}: ${loc.physicalLocation.artifactLocation.uri} -> ${file} does not exist`);
        const lines = fs.readFileSync(file, 'utf8').split('\n').length;
        assert.ok(loc.physicalLocation.region.startLine <= lines, `${label}: ${file} has no line ${loc.physicalLocation.region.startLine}`);
      }
    }
  };

  it('the OASIS schema uses only keywords that draft-07 reads as draft-04 does (so Ajv validates exactly)', () => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { $schema: string };
    assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
    assert.deepEqual(
      [...schemaKeywords(schema)].filter((k) => !draft04SameInDraft07.has(k)),
      [],
    );
  });

  it('the schema and the rule checks reject what they should (no vacuous pass)', async () => {
    const { sarif } = await sarifOf(['test/fixtures/catalog/cross-asset-problems'], repoRoot);
    const bad = JSON.parse(JSON.stringify(sarif)) as Sarif;
    (bad.runs[0].results[0].locations[0].physicalLocation.region as { startLine: number }).startLine = 0;
    assert.equal(validate(bad), false);
    const old = JSON.parse(JSON.stringify(sarif)) as Sarif;
    old.runs[0].originalUriBaseIds['%SRCROOT%'] = { uri: './' };
    assert.ok(multitoolFindings(old).some((m) => m.startsWith('SARIF1004')));
    const bare = JSON.parse(JSON.stringify(sarif)) as Sarif;
    delete bare.runs[0].tool.driver.informationUri;
    delete bare.runs[0].tool.driver.rules[0].helpUri;
    bare.runs[0].tool.driver.rules[1].name = bare.runs[0].tool.driver.rules[1].id;
    assert.deepEqual(
      multitoolFindings(bare).map((m) => m.split(' ').slice(0, 2).join(' ')),
      ['SARIF2005 informationUri', 'SARIF2012 helpUri', 'SARIF2012 name'],
    );
  });

  it('the tool and every rule link to the documentation: informationUri, helpUri at the README code table, a PascalCase name', async () => {
    const { sarif } = await sarifOf(['test/fixtures/catalog/cross-asset-problems'], repoRoot);
    const { driver } = sarif.runs[0].tool;
    assert.equal(driver.informationUri, projectHome);
    // The README documents this URL (the pre-commit hook's repository) and has the anchor; package.json, once it names the project's home, names the same.
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    assert.ok(readme.includes(projectHome), 'the README names the project home');
    assert.match(readme, /^## Diagnostic codes$/m);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { homepage?: string; repository?: string | { url: string } };
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    const home = (u: string) => u.replace(/^git\+|\.git$|#.*$/g, '');
    for (const u of [pkg.homepage, repo]) if (u) assert.equal(home(u), projectHome);
    assert.ok(driver.rules.length >= 3);
    for (const rule of driver.rules) {
      assert.equal(rule.helpUri, `${projectHome}#diagnostic-codes`);
      assert.equal(rule.name, sarifRuleName(rule.id as DiagnosticCode));
      assert.notEqual(rule.name, rule.id);
      assert.ok(readme.includes(`| \`${rule.id}\` |`), `the README's code table documents ${rule.id}`);
    }
    assert.equal(sarifRuleName('yaml-syntax'), 'YamlSyntax');
    assert.equal(sarifRuleName('file-too-large'), 'FileTooLarge');
    // originalUriBaseIds: an absolute file URI of the working folder, ending in a slash.
    const base = sarif.runs[0].originalUriBaseIds['%SRCROOT%'];
    assert.equal(base.uriBaseId, undefined);
    assert.match(base.uri, /^file:\/\/\/.*\/$/);
    assert.equal(base.uri, pathToFileURL(repoRoot).href + '/');
  });

  it('a clean real library: valid SARIF with the tool, no results, exit 0', async () => {
    const { code, sarif } = await sarifOf([sampleLibrary], repoRoot);
    assert.equal(code, 0);
    check(sarif, 'samples/library');
    assert.equal(sarif.runs[0].results.length, 0);
    assert.equal(sarif.runs[0].tool.driver.name, 'genai-assets');
  });

  for (const fixture of ['catalog/cross-asset-problems', 'vscode/problems-workspace/known-problems', 'editor/library', 'pilot/escaping-templates']) {
    it(`fixture ${fixture}: valid, Multitool-clean, every location names a real file and line`, async () => {
      const { sarif } = await sarifOf([path.join('test', 'fixtures', ...fixture.split('/'))], repoRoot);
      assert.ok(sarif.runs[0].results.length > 0, 'the fixture has problems');
      check(sarif, fixture);
      const base = sarif.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
      assert.equal(fileURLToPath(base), repoRoot + path.sep);
      for (const res of sarif.runs[0].results) {
        const art = res.locations[0].physicalLocation.artifactLocation;
        assert.equal(art.uriBaseId, '%SRCROOT%');
        assert.ok(art.uri.startsWith(`test/fixtures/${fixture.split('/').map(encodeURIComponent).join('/')}/`), art.uri);
      }
    });
  }

  it('the related locations of a result are checked the same way', async () => {
    const { sarif } = await sarifOf([path.join(fixturesDir, 'editor', 'library')], repoRoot);
    assert.ok(sarif.runs[0].results.some((r) => r.relatedLocations?.length));
  });

  it('names that need percent-encoding resolve back to the file, from the repository root', async () => {
    const { repo, lib } = brokenSampleRepo();
    try {
      const { sarif } = await sarifOf([path.basename(lib)], repo);
      check(sarif, 'broken sample library');
      const uris = sarif.runs[0].results.map((r) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}`);
      assert.ok(
        uris.some((u) => /^id-mismatch genai%20lib%20%231\/prompts\/claims%20%232%20%2520/.test(u)),
        uris.join('\n'),
      );
      assert.ok(uris.includes('unknown-field genai%20lib%20%231/prompts/adjuster-email-reply/asset.yaml'), uris.join('\n'));
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('files outside the working folder become absolute file URIs under the invocation folder, never ../', async () => {
    const { repo, lib } = brokenSampleRepo();
    const elsewhere = path.join(repo, 'elsewhere');
    fs.mkdirSync(elsewhere);
    try {
      const { sarif, text } = await sarifOf([lib], elsewhere);
      assert.ok(!text.includes('"../'), 'no relative reference climbs out of the base');
      const art = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
      assert.equal(art.uriBaseId, undefined);
      assert.ok(art.uri.startsWith('file:'), art.uri);
      // GH1006 would want these under a known checkout path; outside it they are still well formed and resolve.
      const findings = multitoolFindings(sarif).filter((m) => !m.startsWith('GH1006'));
      assert.deepEqual(findings, []);
      assert.ok(validate(sarif), JSON.stringify(validate.errors));
      for (const res of sarif.runs[0].results) assert.ok(fs.existsSync(locationFile(sarif, res.locations[0])));
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});
