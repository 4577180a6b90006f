// Secrets never travel further than they have to: findings show at most four characters, no output, message or cache file holds a password of a URL, and the scanner stays linear on its worst inputs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { scanSecrets } from '../../../src/core/checks/secrets';
import type { ParsedFile } from '../../../src/core/formats/types';
import { redactCredentials } from '../../../src/core/library/source';
import { TextDocument } from '../../../src/core/text/textDocument';
import { repoRoot } from '../paths';
import { freePort, testGitEnv } from '../support/gitServer';
import { writeTree } from './support/library';

async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env: { ...testGitEnv, ...env }, color: false };
  return { code: await main(args, io), out, err };
}

/** Credentials of the shapes the scanner knows, made up at run time (random, so no scanner of this repository flags the test). */
function secrets(): Record<string, string> {
  const r = (n: number, abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'): string => Array.from({ length: n }, () => abc[Math.floor(Math.random() * abc.length)]).join('');
  return {
    openai: `sk-proj-${r(48)}`,
    github: `ghp_${r(36)}`,
    aws: `AKIA${r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    password: `Pw${r(14)}9x`,
    slack: `xoxb-${r(10, '0123456789')}-${r(24)}`,
  };
}

describe('hardening: secrets in outputs and logs', function () {
  this.timeout(60_000);
  const root = mkdtempSync(path.join(tmpdir(), 'genai-secrets-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('validate (text, json, sarif), show and list report a pasted credential without repeating it', async () => {
    const s = secrets();
    const lib = path.join(root, 'leaky');
    writeTree(lib, {
      'library.yaml': 'name: leaky\npolicy:\n  requireOwners: false\n',
      'prompts/leaky/asset.yaml': 'id: leaky\nkind: prompt\nversion: 1.0.0\nstatus: draft\ntitle: Leaky\nentry: leaky.prompt\n',
      'prompts/leaky/leaky.prompt': [
        '---',
        'model: openai/gpt-4o-mini',
        'config:',
        `  apiKey: ${s.openai}`,
        '---',
        `Use the token ${s.github} and ${s.slack}.`,
        `AWS: ${s.aws}`,
        `Database: postgres://claims:${s.password}@db.internal:5432/claims`,
        '',
      ].join('\n'),
    });
    const runs = [
      await run(['validate', '.'], lib),
      await run(['validate', '.', '--format', 'json'], lib),
      await run(['validate', '.', '--format', 'sarif'], lib),
      await run(['show', 'leaky'], lib),
      await run(['show', 'leaky', '--json'], lib),
      await run(['list', '--json'], lib),
    ];
    const json = JSON.parse(runs[1].out) as { diagnostics: { code: string; message: string }[] };
    const found = json.diagnostics.filter((d) => d.code === 'secret-in-asset');
    assert.equal(found.length, 5, found.map((d) => d.message).join('\n'));
    for (const r of runs) {
      for (const [kind, value] of Object.entries(s)) {
        assert.ok(!r.out.includes(value) && !r.err.includes(value), `${kind} shows in an output`);
        // Never more than the first four characters.
        assert.ok(!r.out.includes(value.slice(0, 8)) || value.startsWith('sk-proj-') || value.startsWith('xoxb-'), `${kind}: more than 4 characters shown`);
      }
    }
    assert.equal(runs[1].code, 1);
  });

  it('redactCredentials hides the password or token of every URL in a text, and keeps the rest', () => {
    const cases: [string, string][] = [
      ['https://ada:hunter22@github.com/acme/lib.git', 'https://ada:***@github.com/acme/lib.git'],
      ['HTTPS://ada:p%40ss@host/x', 'HTTPS://ada:***@host/x'],
      ['https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b', 'https://***@github.com/a/b'],
      ['https://x-access-token:ghs_0123456789abcdef@github.com/a/b.git', 'https://x-access-token:***@github.com/a/b.git'],
      ['ssh://git@github.com/a/b.git', 'ssh://git@github.com/a/b.git'],
      ['ssh://deploy:pw123456@host/a', 'ssh://deploy:***@host/a'],
      ['git+https://u:v@h/x', 'git+https://u:***@h/x'],
      ["fatal: unable to access 'https://u:topsecret@127.0.0.1:9/x.git/': Failed to connect", "fatal: unable to access 'https://u:***@127.0.0.1:9/x.git/': Failed to connect"],
      ['two: https://a:b@h1/ and https://c:d@h2/', 'two: https://a:***@h1/ and https://c:***@h2/'],
      ['no credentials: https://github.com/a/b', 'no credentials: https://github.com/a/b'],
    ];
    for (const [input, expected] of cases) assert.equal(redactCredentials(input), expected, input);
  });

  it('a failing sync or list of a URL with a password prints, logs and stores no password', async () => {
    const password = 'N0t-F0r-Your-Eyes-42';
    const port = await freePort(); // nothing listens there: connection refused
    const url = `https://ada:${password}@127.0.0.1:${port}/lib.git`;
    const cacheDir = path.join(root, 'cache');
    const env = { GENAI_ASSETS_CACHE_DIR: cacheDir };
    const outputs = [await run(['sync', '--library', url], root, env), await run(['list', '--library', url], root, env), await run(['show', 'x', '--library', url], root, env)];
    writeTree(root, { 'genai-assets.yaml': `libraries:\n  - name: acme\n    url: ${url}\n` });
    outputs.push(await run(['sync'], root, env), await run(['list', '--json'], root, env));
    for (const r of outputs) {
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /Could not reach https:\/\/ada:\*\*\*@127\.0\.0\.1/);
      assert.ok(!r.err.includes(password) && !r.out.includes(password), r.err);
    }
    // What the cache remembers about the failure (state.json) holds no password either.
    const stored: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else stored.push(readFileSync(p, 'latin1'));
      }
    };
    if (existsSync(cacheDir)) walk(cacheDir);
    assert.ok(stored.length > 0, 'the failure is recorded');
    assert.ok(stored.every((t) => !t.includes(password)));
  });
});

/** CPU milliseconds `f` takes (CPU, not wall time: a loaded machine slows both sizes alike). */
function cpuTime(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** `unit` repeated to `size` characters. */
const repeatTo = (unit: string, size: number): string => unit.repeat(Math.ceil(size / unit.length));

/** A different made-up credential-shaped value each call (deterministic, so runs compare). */
function valueMaker(): () => string {
  let a = 12345;
  const abc = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return () => {
    let s = '';
    for (let i = 0; i < 24; i++) {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      s += abc[(a >>> 8) % abc.length];
    }
    return s;
  };
}

/** Inputs on which a scan that searches without bound (or re-reads a window per match) turns quadratic. */
const worstCases: Record<string, (size: number) => string> = {
  // An unbounded search for `-----END` per rejected header.
  'private key headers and no end': (n) => repeatTo('-----BEGIN PRIVATE KEY-----\n', n),
  // A 20,000-character body re-read for each of 700 headers before an end marker.
  'private key headers before an end': (n) => repeatTo('-----BEGIN PRIVATE KEY-----\n'.repeat(700) + '-----END PRIVATE KEY-----\n', n),
  // An unbounded search for a line break after each quoted value, on one line.
  'quoted passwords on one line': (n) => repeatTo('password="ab" ', n),
  // An unbounded search back for the start of the line before each JWT, on one line.
  'JWTs on one line': (n) => repeatTo('x eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijkl ', n),
  // The allowlist pragma looked for in the whole (4 MB) line once per finding.
  'findings on one line with a pragma at its end': (n) => {
    const next = valueMaker();
    const values = Array.from({ length: 1000 }, () => `api_key="${next()}" `).join('');
    return repeatTo(values, n - 40) + ' # pragma: allowlist secret\n';
  },
};

describe('hardening: the secret scanner is linear in the file size', function () {
  this.timeout(300_000);
  const mb = 1_000_000;
  const scanText = (text: string): number => {
    const file: ParsedFile = { path: 'prompts/x/x.prompt', format: 'text', sha256: '', size: text.length, text: true, diagnostics: [], meta: {} };
    return scanSecrets(file, new TextDocument(text)).length;
  };

  for (const [name, make] of Object.entries(worstCases)) {
    it(`${name}: 4 MB in well under a second, and about 4 times the time of 1 MB`, () => {
      const small = make(mb);
      const large = make(4 * mb);
      scanText(small.slice(0, 10_000)); // warm up the regular expressions
      // The 1 MB run first: a quadratic scan fails here in seconds instead of minutes at 4 MB.
      const t1 = cpuTime(() => scanText(small));
      assert.ok(t1 < 1000, `1 MB took ${Math.round(t1)} ms of CPU`);
      const t4 = cpuTime(() => scanText(large));
      // Budgets generous enough for a loaded 2-core machine; the scan takes a few tens of ms.
      assert.ok(t4 < 2000, `4 MB took ${Math.round(t4)} ms of CPU`);
      assert.ok(t4 < 8 * t1 + 300, `4 MB took ${Math.round(t4)} ms, 1 MB ${Math.round(t1)} ms: more than linear`);
    });
  }

  it('the built CLI validates a library with a 4 MB worst-case prompt in a few seconds', function () {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!existsSync(cli)) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 110_000 });
      assert.equal(b.status, 0, `build failed: ${b.stderr}`);
    }
    const lib = mkdtempSync(path.join(tmpdir(), 'genai-secrets-linear-'));
    try {
      const body = worstCases['private key headers and no end'](4 * mb - 4096);
      writeTree(lib, {
        'library.yaml': 'name: keys\npolicy:\n  requireOwners: false\n',
        'prompts/keys/asset.yaml': 'id: keys\nkind: prompt\nversion: 1.0.0\nstatus: draft\ntitle: Keys\nentry: keys.prompt\n',
        'prompts/keys/keys.prompt': `---\nmodel: openai/gpt-4o-mini\n---\n${body}`,
      });
      const started = Date.now();
      const r = spawnSync(process.execPath, [cli, 'validate', '.', '--format', 'json'], { cwd: lib, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
      const ms = Date.now() - started;
      assert.equal(r.error, undefined, `the CLI did not finish in 30 s: ${String(r.error)}`);
      const report = JSON.parse(r.stdout) as { diagnostics: { code: string }[] };
      assert.ok(!report.diagnostics.some((d) => d.code === 'secret-in-asset'));
      assert.ok(ms < 10_000, `validate took ${ms} ms`);
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });
});
