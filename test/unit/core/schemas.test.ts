import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import generatedValidators from '../../../schemas/validators.generated.cjs';
import { compileValidator, getAjv, schemaNames, schemaOf, validatorFor } from '../../../src/core/schemas';
import { corpusDir, fixturesDir, repoRoot, sampleLibrary } from '../paths';
import { filesUnder } from '../support/yamlTexts';

/** Values to validate: every YAML file and front matter under the roots, whole and piece by piece. */
function sampleValues(): unknown[] {
  const out: unknown[] = [null, 1, 'text', [], {}, { kind: 'nonsense', version: 'x', status: 1, extra: true }];
  for (const root of [sampleLibrary, fixturesDir, corpusDir]) {
    for (const f of filesUnder(root)) {
      if (!/\.(ya?ml|md|prompt|prompty)$/i.test(f)) continue;
      const text = readFileSync(f, 'utf8');
      const src = /\.ya?ml$/i.test(f) ? text : /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1];
      if (src === undefined) continue;
      let value: unknown;
      try {
        value = parseYaml(src, { logLevel: 'silent' });
      } catch {
        continue;
      }
      out.push(value);
      // Pieces: each top-level value on its own, and the whole with one field broken.
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) {
          out.push(v);
          out.push({ ...value, [k]: 12 });
        }
      }
    }
  }
  return out;
}

describe('core/schemas', () => {
  it('holds schemas that are valid JSON Schema 2020-12', () => {
    for (const name of schemaNames) {
      const ok = getAjv().validateSchema(schemaOf(name) as object);
      assert.equal(ok, true, `${name}: ${JSON.stringify(getAjv().errors)}`);
    }
  });

  it('has its validators compiled ahead in schemas/validators.generated.cjs, up to date with the schemas', function () {
    this.timeout(60_000);
    const script = pathToFileURL(path.join(repoRoot, 'scripts', 'schemaValidators.mjs')).href;
    const check = `import { readFileSync } from 'node:fs';
import { generate, generatedPath, declarationsPath } from ${JSON.stringify(script)};
const { code, declarations } = generate();
process.stdout.write(JSON.stringify(readFileSync(generatedPath, 'utf8') === code && readFileSync(declarationsPath, 'utf8') === declarations));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', check], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'true', 'schemas/validators.generated.cjs is stale: run `node scripts/schemaValidators.mjs`');
  });

  it("has promptfoo's published schema (draft-07) compiled ahead, up to date, and read by the editor", function () {
    this.timeout(120_000);
    const script = pathToFileURL(path.join(repoRoot, 'scripts', 'schemaValidators.mjs')).href;
    const check = `import { readFileSync } from 'node:fs';
import { generatePublished } from ${JSON.stringify(script)};
process.stdout.write(JSON.stringify(generatePublished().every((p) => readFileSync(p.path, 'utf8') === p.code)));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', check], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'true', 'schemas/vendor/promptfoo/validator.generated.cjs is stale: run `npm run schemas`');
    const published = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'vendor', 'promptfoo', 'config-schema.json'), 'utf8')) as { $schema: string };
    assert.equal(published.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schemaOf('promptfoo'), published);
    assert.ok(!(schemaNames as string[]).includes('promptfoo'), 'promptfoo is not among our 2020-12 schemas');
  });

  it('validates with the generated code exactly as with a validator compiled now (result and errors)', function () {
    this.timeout(60_000);
    const values = sampleValues();
    assert.ok(values.length > 500, `only ${values.length} values`);
    for (const name of schemaNames) {
      const ahead = validatorFor(name);
      assert.equal(ahead, generatedValidators[name], `${name} is not taken from the generated module`);
      const now = compileValidator(name);
      assert.notEqual(ahead, now);
      let invalid = 0;
      for (const v of values) {
        const a = ahead(v);
        const b = now(v);
        assert.equal(a, b, `${name}: ${JSON.stringify(v)}`);
        assert.deepEqual(ahead.errors, now.errors, `${name}: errors for ${JSON.stringify(v)}`);
        if (!a) invalid++;
      }
      assert.ok(invalid > 0, `${name}: no sample value was invalid`);
    }
  });

  it('compiles each validator once', () => {
    const v = validatorFor('asset');
    assert.equal(validatorFor('asset'), v);
    assert.equal(v({ id: 'x', kind: 'nonsense' }), false);
    assert.ok(v.errors?.some((e) => e.keyword === 'enum' && e.instancePath === '/kind'));
  });

  it('still rejects an invalid schema compiled through the shared instance', () => {
    assert.throws(() => getAjv().compile({ type: 'no-such-type' }));
  });
});
