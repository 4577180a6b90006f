import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from '../../../../src/core/diagnostics';
import { quickFixes } from '../../../../src/core/editor/codeActions';
import type { FixAction } from '../../../../src/core/editor/codeActions';
import { parseAndCheck } from '../../../../src/core/checks/fileChecks';
import { coveredByEvals } from '../../../../src/core/library/references';
import { applyEdits } from '../../../../src/core/text/edits';
import { openFolderLibrary } from '../../../../src/node/openFolder';
import { fixturesDir } from '../../paths';

// Issue 16, item 4: declaring an input required must not break the eval suites that cover the prompt.

const fixture = path.join(fixturesDir, 'editor', 'eval-covered');

/** A fresh copy of the fixture library, opened. */
async function copy(): Promise<{ dir: string; diagnostics: () => Promise<Diagnostic[]>; coverage: (file: string) => Promise<boolean> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-covered-'));
  fs.cpSync(fixture, dir, { recursive: true });
  return {
    dir,
    diagnostics: async () => (await openFolderLibrary(dir)).diagnostics,
    coverage: async (file) => coveredByEvals(await openFolderLibrary(dir), file),
  };
}

/** Applies a fix's edits to the files of the library at `dir`. */
function apply(dir: string, fix: FixAction): void {
  for (const c of fix.changes) {
    const abs = path.join(dir, c.file);
    fs.writeFileSync(abs, applyEdits(fs.readFileSync(abs, 'utf8'), c.edits));
  }
}

const of = (list: Diagnostic[], code: string, file: string) => list.filter((d) => d.code === code && d.file === file);
const shown = (fixes: FixAction[]) => fixes.map((f) => [f.title, f.isPreferred]);

describe('core/editor/codeActions: declaring an input of a prompt that eval suites cover', () => {
  let lib: Awaited<ReturnType<typeof copy>>;
  beforeEach(async () => {
    lib = await copy();
  });
  afterEach(() => fs.rmSync(lib.dir, { recursive: true, force: true }));

  for (const [prompt, suite] of [
    ['triage/triage.prompt', 'triage-evals/promptfooconfig.yaml'],
    ['routing/routing.prompty', 'routing-evals/promptfooconfig.yaml'],
  ]) {
    it(`${prompt}: "Declare as optional input" first and preferred; applied, it adds no eval-vars-mismatch`, async () => {
      const before = await lib.diagnostics();
      assert.deepEqual(of(before, 'eval-vars-mismatch', suite), [], 'the suite is clean to begin with');
      const undef = of(before, 'undefined-variable', prompt);
      assert.equal(undef.length, 1);
      const covered = await lib.coverage(prompt);
      assert.equal(covered, true);
      const fixes = quickFixes(undef, { maintainer: false, coveredByEvals: covered });
      assert.deepEqual(shown(fixes), [
        ['Declare as optional input `handlerName`', true],
        ['Declare as required input `handlerName`', false],
      ]);
      apply(lib.dir, fixes[0]);
      const after = await lib.diagnostics();
      assert.deepEqual(of(after, 'undefined-variable', prompt), []);
      assert.deepEqual(
        of(after, 'eval-vars-mismatch', suite).map((d) => d.message),
        [],
      );
      assert.deepEqual(
        after.filter((d) => d.file === prompt && d.severity === 'error').map((d) => d.message),
        [],
      );
    });

    it(`${prompt}: declared required, each test case lacks it; "Add handlerName to the tests' vars" on the suite clears them`, async () => {
      const undef = of(await lib.diagnostics(), 'undefined-variable', prompt);
      const required = quickFixes(undef, { maintainer: false, coveredByEvals: true }).find((f) => /required/.test(f.title))!;
      apply(lib.dir, required);
      const broken = of(await lib.diagnostics(), 'eval-vars-mismatch', suite);
      const tests = suite.startsWith('triage') ? 3 : 2;
      assert.equal(broken.length, tests, broken.map((d) => d.message).join('\n'));
      for (const d of broken) {
        assert.deepEqual(
          quickFixes([d], { maintainer: false }).map((f) => [f.title, f.isPreferred, f.changes[0].file, f.changes[0].edits.length]),
          [["Add `handlerName` to the tests' vars", true, suite, tests]],
        );
      }
      apply(lib.dir, quickFixes([broken[0]], { maintainer: false })[0]);
      const after = await lib.diagnostics();
      assert.deepEqual(
        of(after, 'eval-vars-mismatch', suite).map((d) => d.message),
        [],
      );
      assert.deepEqual(
        after.filter((d) => d.file === suite).map((d) => `${d.code} ${d.message}`),
        [],
      );
    });
  }

  it('the suite-side fix keeps the layout: block vars (comment kept), flow vars, a new vars block', async () => {
    apply(
      lib.dir,
      quickFixes(of(await lib.diagnostics(), 'undefined-variable', 'triage/triage.prompt'), { maintainer: false }).find((f) => /required/.test(f.title))!,
    );
    const d = of(await lib.diagnostics(), 'eval-vars-mismatch', 'triage-evals/promptfooconfig.yaml')[0];
    apply(lib.dir, quickFixes([d], { maintainer: false })[0]);
    const text = fs.readFileSync(path.join(lib.dir, 'triage-evals/promptfooconfig.yaml'), 'utf8');
    const original = fs.readFileSync(path.join(fixture, 'triage-evals/promptfooconfig.yaml'), 'utf8');
    assert.equal(
      text,
      original
        .replace('      ticket: The printer is on fire.   # the classic\n', '      ticket: The printer is on fire.   # the classic\n      handlerName: ""\n')
        .replace('{ ticket: My password expired. }', '{ ticket: My password expired., handlerName: "" }')
        .replace('        value: output.length > 0\n', '        value: output.length > 0\n    vars:\n      handlerName: ""\n'),
    );
  });

  it('without a covering suite, the required declaration stays first and preferred', async () => {
    const prompt = 'solo/solo.prompt';
    const covered = await lib.coverage(prompt);
    assert.equal(covered, false);
    const fixes = quickFixes(of(await lib.diagnostics(), 'undefined-variable', prompt), { maintainer: false, coveredByEvals: covered });
    assert.deepEqual(shown(fixes), [
      ['Declare as required input `handlerName`', true],
      ['Declare as optional input `handlerName`', false],
    ]);
    apply(lib.dir, fixes[0]);
    assert.match(fs.readFileSync(path.join(lib.dir, prompt), 'utf8'), /^ {4}handlerName: string$/m);
  });
});

describe('core/formats: how each format declares an optional input', () => {
  const enc = (t: string): Uint8Array => new TextEncoder().encode(t);
  /** The declare fixes of the one undefined-variable, each applied: [title, new text, the input's required flag after]. */
  function declared(file: string, text: string): [string, string, boolean | undefined][] {
    const undef = parseAndCheck(file, enc(text)).diagnostics.filter((d) => d.code === 'undefined-variable');
    assert.equal(undef.length, 1, `${file}: ${undef.map((d) => d.message).join('; ')}`);
    return (undef[0].fixes ?? []).map((f) => {
      const after = applyEdits(text, f.edits);
      const parsed = parseAndCheck(file, enc(after));
      assert.deepEqual(
        parsed.diagnostics.map((d) => `${d.code} ${d.message}`),
        [],
        `${f.title}:\n${after}`,
      );
      return [f.title, after, parsed.inputs?.find((i) => i.name === 'extra')?.required];
    });
  }

  it('Dotprompt Picoschema: `name?: string`', () => {
    const fixes = declared('p.prompt', '---\ninput:\n  schema:\n    a: string\n---\n{{a}} {{extra}}\n');
    assert.deepEqual(
      fixes.map(([t, , r]) => [t, r]),
      [
        ['Declare as required input `extra`', true],
        ['Declare as optional input `extra`', false],
      ],
    );
    assert.match(fixes[1][1], /^ {4}extra\?: string$/m);
  });

  it('Dotprompt JSON Schema: a property outside `required` is optional, the one declaration offered', () => {
    const fixes = declared('p.prompt', '---\ninput:\n  schema:\n    type: object\n    properties:\n      a:\n        type: string\n    required: [a]\n---\n{{a}} {{extra}}\n');
    assert.deepEqual(
      fixes.map(([t, , r]) => [t, r]),
      [['Declare optional input `extra`', false]],
    );
  });

  it('Prompty v2 list, v2 map, v1 map: `required: false`; v1 `sample` keys cannot be optional', () => {
    const v2 = declared('t.prompty', '---\nname: t\ninputs:\n  - name: a\n    kind: string\n---\nsystem:\n{{a}} {{extra}}\n');
    assert.deepEqual(
      v2.map(([t, , r]) => [t, r]),
      [
        ['Declare as required input `extra`', true],
        ['Declare as optional input `extra`', false],
      ],
    );
    assert.match(v2[1][1], /^ {2}- name: extra\n {4}kind: string\n {4}required: false\n---$/m);
    const map = declared('t.prompty', '---\nname: t\ninputs:\n  a:\n    kind: string\n---\nsystem:\n{{a}} {{extra}}\n');
    assert.deepEqual(
      map.map(([, , r]) => r),
      [true, false],
    );
    const shorthand = declared('t.prompty', '---\nname: t\ninputs:\n  a: some example\n---\nsystem:\n{{a}} {{extra}}\n');
    assert.deepEqual(
      shorthand.map(([, , r]) => r),
      [true, false],
    );
    assert.match(shorthand[1][1], /^ {2}extra:\n {4}kind: string\n {4}required: false$/m);
    const v1 = declared('t.prompty', '---\nname: t\nmodel:\n  api: chat\ninputs:\n  a:\n    type: string\n---\nsystem:\n{{a}} {{extra}}\n');
    assert.deepEqual(
      v1.map(([, , r]) => r),
      [true, false],
    );
    assert.match(v1[1][1], /^ {2}extra:\n {4}type: string\n {4}required: false$/m);
    const sample = declared('t.prompty', '---\nname: t\nmodel:\n  api: chat\nsample:\n  a: x\n---\nsystem:\n{{a}} {{extra}}\n');
    assert.deepEqual(
      sample.map(([t, , r]) => [t, r]),
      [['Declare input `extra`', true]],
    );
  });

  it('GitHub Models and VS Code prompt files declare no inputs: no declare fix at all', () => {
    const gh = parseAndCheck('t.prompt.yml', enc('messages:\n  - role: user\n    content: "{{a}} {{extra}}"\ntestData:\n  - a: x\n')).diagnostics.filter((d) => d.code === 'undefined-variable');
    assert.equal(gh.length, 1);
    assert.equal(gh[0].fixes, undefined);
    const vs = parseAndCheck('t.prompt.md', enc('---\nmode: agent\n---\nUse ${input:extra}.\n')).diagnostics.filter((d) => d.code === 'undefined-variable');
    assert.deepEqual(vs, []);
  });
});
