// Secrets never travel further than they have to: findings show at most four characters, and no output, message or cache file holds a password of a URL.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { redactCredentials } from '../../../src/core/library/source';
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
