// The conformance suite (issue 14): real files from public repositories (test/conformance/<repository>/, each with
// SOURCE.txt and its licence), validated and listed by the CLI's own commands. Every finding must be in the reviewed
// golden file test/conformance/findings.json and none may be a false alarm; every file of a recognised kind must be
// in the catalog. The data lives in test/conformance (beside, not inside, the unit tests: it is excluded from tsc,
// ESLint and Prettier); this test runs with the unit tests, so the suite needs no runner of its own.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { conformanceDir, filesUnder, findingKey, formatByName, listRepository, mergeGolden, readGolden, repositories, validateAll } from './support/conformance';
import type { Finding } from './support/conformance';
import { testCacheDir } from './paths';

/**
 * Files of a recognised kind (by name) that the catalog does not list yet, with the reason. Each is a known gap:
 * when the tool learns the kind, the test says so and the entry goes.
 */
const knownGaps: { pattern: RegExp; reason: string }[] = [];

const update = 'run `npm run conformance:update` (and review the new findings: set each verdict in test/conformance/findings.json)';

function show(f: Finding): string {
  return `${f.file}:${f.line} ${f.code} (${f.severity}) ${f.message}`;
}

describe('conformance golden file update (npm run conformance:update)', () => {
  const f = (line: number, message = 'm'): Finding => ({ file: 'r/a.prompt', line, code: 'schema', severity: 'error', message });
  it('keeps verdicts and notes, follows a finding whose line alone moved, adds new ones as unreviewed and drops the gone', () => {
    const old = {
      about: '',
      findings: [
        { ...f(3), verdict: 'true' as const, note: 'kept' },
        { ...f(9, 'moved'), verdict: 'false' as const, note: 'tool wrong' },
        { ...f(20, 'gone'), verdict: 'true' as const },
      ],
    };
    const merged = mergeGolden(old, [f(12, 'moved'), f(3), f(5, 'new')]);
    assert.deepEqual(
      merged.findings.map((g) => [g.line, g.message, g.verdict, g.note]),
      [
        [3, 'm', 'true', 'kept'],
        [5, 'new', 'unreviewed', undefined],
        [12, 'moved', 'false', 'tool wrong'],
      ],
    );
  });
});

describe('conformance suite of real files (test/conformance)', function () {
  this.timeout(120000);
  const repos = repositories();
  let findings: Finding[];
  before(async () => {
    findings = await validateAll(testCacheDir);
  });

  it('holds at least 12 repositories, each with SOURCE.txt (repository, commit) and a licence', () => {
    assert.ok(repos.length >= 12, `${repos.length} repositories`);
    for (const repo of repos) {
      const source = fs.readFileSync(path.join(conformanceDir, repo, 'SOURCE.txt'), 'utf8');
      assert.match(source, /^repository: https:\/\/github\.com\/\S+/m, `${repo}/SOURCE.txt names no repository`);
      assert.match(source, /^commit: [0-9a-f]{40}$/m, `${repo}/SOURCE.txt names no commit`);
      assert.ok(
        filesUnder(path.join(conformanceDir, repo)).some((f) => /(^|\/)(LICEN[CS]E|COPYING)[^/]*$/i.test(f)),
        `${repo} has no licence file`,
      );
    }
  });

  it('every finding is in the golden file, and every golden entry is still produced', () => {
    const golden = readGolden();
    const known = new Set(golden.findings.map(findingKey));
    const produced = new Set(findings.map(findingKey));
    const added = findings.filter((f) => !known.has(findingKey(f)));
    const gone = golden.findings.filter((g) => !produced.has(findingKey(g)));
    assert.ok(
      added.length === 0 && gone.length === 0,
      [
        `${added.length} new findings, ${gone.length} no longer produced: ${update}.`,
        ...added.slice(0, 20).map((f) => `  new: ${show(f)}`),
        ...gone.slice(0, 20).map((f) => `  gone: ${show(f)}`),
      ].join('\n'),
    );
  });

  it('no finding is a false alarm', () => {
    const produced = new Set(findings.map(findingKey));
    const wrong = readGolden().findings.filter((g) => g.verdict === 'false' && produced.has(findingKey(g)));
    assert.deepEqual(
      wrong.map((g) => `${show(g)}${g.note ? ` — ${g.note}` : ''}`),
      [],
      'findings the golden file marks false (the tool is wrong on a real file)',
    );
  });

  it('every finding points at a line of its file', () => {
    const outside = findings.filter((f) => {
      const text = fs.readFileSync(path.join(conformanceDir, f.file), 'utf8').replace(/^\ufeff/, '');
      return f.line < 1 || f.line > text.split(/\r\n|\r|\n/).length;
    });
    assert.deepEqual(outside.map(show), []);
  });

  it('golden verdicts are true, false or unreviewed', () => {
    for (const g of readGolden().findings) assert.ok(['true', 'false', 'unreviewed'].includes(g.verdict), `${show(g)}: verdict ${g.verdict}`);
  });

  it('the GitHub Models examples of gh-models (named *_prompt.yml, not *.prompt.yml) are recognised by content', async () => {
    const listed = await listRepository('gh-models', testCacheDir);
    const examples = filesUnder(path.join(conformanceDir, 'gh-models', 'examples')).filter((f) => f !== 'evals_action.yml');
    assert.ok(examples.length >= 9, `${examples.length} examples`);
    for (const f of examples) assert.equal(listed.get(`examples/${f}`), 'gh-models', f);
    assert.equal(listed.get('examples/evals_action.yml'), undefined, 'a GitHub Actions workflow is not a prompt');
  });

  for (const repo of repos) {
    it(`${repo}: every file of a recognised kind is in the catalog (known gaps excepted)`, async () => {
      const listed = await listRepository(repo, testCacheDir);
      const missing: string[] = [];
      const gapsNowListed: string[] = [];
      for (const rel of filesUnder(path.join(conformanceDir, repo))) {
        const format = formatByName(rel);
        if (!format) continue;
        const gap = knownGaps.find((g) => g.pattern.test(`${repo}/${rel}`));
        if (gap && listed.has(rel)) gapsNowListed.push(`${rel} (${gap.reason})`);
        if (!gap && listed.get(rel) !== format) missing.push(`${rel}: ${format} expected, ${listed.get(rel) ?? 'not listed'}`);
      }
      assert.deepEqual(missing, [], 'recognised by name but not in the catalog under its format');
      assert.deepEqual(gapsNowListed, [], 'listed now: remove the known gap from test/unit/conformance.test.ts');
    });
  }
});
