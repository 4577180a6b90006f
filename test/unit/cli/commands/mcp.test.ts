// genai-assets mcp with the MCP SDK's own client: the built CLI spawned over stdio, every tool and the resources on the sample library.

import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { main } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import { estimateTokens } from '../../../../src/core/render/cost';
import { fixturesDir, repoRoot, sampleLibrary } from '../../paths';
import { cleanupTemp, commitAll, git, makeBare, tempDir, testGitEnv } from '../../support/gitServer';

interface ToolResult {
  isError?: boolean;
  content: { type: string; text: string }[];
}

/** Every file under `dir` (path and content), hashed: any write, new file or removed file changes it. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      h.update(`${path.relative(dir, p)}\0${e.isDirectory() ? 'd' : 'f'}\0`);
      if (e.isDirectory()) walk(p);
      else h.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** The resident memory of a process, in bytes. */
function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  assert.ok(m, 'VmRSS in /proc/PID/status');
  return Number(m[1]) * 1024;
}

/** The CLI in this process (the same code as dist/cli.js), its JSON output parsed. */
async function cliJson(args: string[], env: Record<string, string>): Promise<ReturnType<typeof JSON.parse>> {
  let out = '';
  const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: repoRoot, env, color: false };
  await main(args, io);
  return JSON.parse(out);
}

/** The CLI built for these tests, in a folder of their own (other runs may rebuild dist/ meanwhile): what `npm run build` makes. */
let dist: string;
let distParent: string;

describe('cli/commands/mcp', function () {
  before(function () {
    this.timeout(180_000);
    distParent = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-mcp-build-'));
    dist = path.join(distParent, 'dist');
    const b = spawnSync(process.execPath, ['esbuild.mjs', '--outdir', dist], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 });
    assert.equal(b.status, 0, `build failed: ${b.stderr}`);
  });

  after(() => {
    if (distParent) fs.rmSync(distParent, { recursive: true, force: true });
  });

  describe('the SDK client over stdio, the built CLI, on the sample library', function () {
    this.timeout(60_000);
    let scratch: string;
    let library: string;
    let cacheDir: string;
    let client: Client;
    let transport: StdioClientTransport;
    let stderr = '';
    const clientErrors: Error[] = [];
    let libraryHash: string;

    const call = async (name: string, args: Record<string, unknown>): Promise<ToolResult> => (await client.callTool({ name, arguments: args })) as unknown as ToolResult;
    const json = async (name: string, args: Record<string, unknown>): Promise<ReturnType<typeof JSON.parse>> => {
      const r = await call(name, args);
      assert.ok(!r.isError, `${name} failed: ${r.content[0]?.text}`);
      return JSON.parse(r.content[0].text);
    };
    const toolError = async (name: string, args: Record<string, unknown>): Promise<string> => {
      const r = await call(name, args);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} should be a tool error: ${r.content[0]?.text.slice(0, 200)}`);
      return r.content[0].text;
    };

    before(async function () {
      this.timeout(180_000);
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'genai-mcp-'));
      library = path.join(scratch, 'library');
      fs.cpSync(sampleLibrary, library, { recursive: true });
      fs.cpSync(path.join(fixturesDir, 'vscode'), path.join(scratch, 'workspace'), { recursive: true });
      cacheDir = path.join(scratch, 'cache');
      libraryHash = treeHash(library);
      transport = new StdioClientTransport({
        command: process.execPath,
        args: [path.join(dist, 'cli.js'), 'mcp', '--library', path.relative(repoRoot, library)],
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: scratch, GENAI_ASSETS_CACHE_DIR: cacheDir },
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      client = new Client({ name: 'genai-assets-test', version: '1.0.0' });
      client.onerror = (e) => clientErrors.push(e);
      await client.connect(transport);
    });

    after(async () => {
      await client?.close();
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it('names itself and lists the five tools, read-only', async () => {
      assert.equal(client.getServerVersion()?.name, 'genai-assets');
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => t.name),
        ['search_assets', 'get_asset', 'render_prompt', 'validate', 'check_workspace'],
      );
      for (const t of tools) assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.match(stderr, /genai-assets mcp: serving larkspur-genai on stdio\./);
    });

    it('search_assets: filters by text, kind, status, tag and owner, with inputs and model', async () => {
      const approvedPrompts = await json('search_assets', { kind: 'prompt', status: 'approved' });
      assert.deepEqual(
        approvedPrompts.assets.map((a: { id: string; version: string }) => `${a.id}@${a.version}`),
        ['claim-summary@2.1.1', 'complaint-classifier@1.0.0', 'policy-question-answering@1.3.0'],
      );
      assert.equal(approvedPrompts.total, 3);
      const claim = (await json('search_assets', { text: 'CLAIM summary', owner: 'priya' })).assets;
      assert.equal(claim.length, 1);
      assert.deepEqual(Object.keys(claim[0]), ['library', 'id', 'kind', 'version', 'status', 'title', 'description', 'reference', 'inputs', 'model']);
      assert.deepEqual(
        { ...claim[0], description: undefined },
        {
          library: 'larkspur-genai',
          id: 'claim-summary',
          kind: 'prompt',
          version: '2.1.1',
          status: 'approved',
          title: 'Claim summary for adjusters',
          description: undefined,
          reference: 'claim-summary@^2.1',
          inputs: [
            { name: 'claimNumber', type: 'string', required: true, description: 'Claim reference such as CLM-2025-018842', default: null },
            { name: 'lineOfBusiness', type: 'string', required: true, description: 'Product line of the policy', default: null },
            { name: 'lossDescription', type: 'string', required: true, description: "The customer's account of the loss, already passed through pii-redaction", default: null },
            { name: 'adjusterNotes', type: 'string', required: false, description: 'What the adjuster has added so far', default: null },
            { name: 'maxBullets', type: 'integer', required: false, description: 'Most key facts to list', default: 5 },
          ],
          model: 'openai/gpt-4o-mini',
        },
      );
      assert.deepEqual(
        (await json('search_assets', { tag: 'legacy' })).assets.map((a: { id: string }) => a.id),
        ['policy-faq-bot'],
      );
      assert.deepEqual((await json('search_assets', { text: 'no-such-word-anywhere' })).assets, []);
      const limited = await json('search_assets', { limit: 2 });
      assert.equal(limited.assets.length, 2);
      assert.equal(limited.total, 13);
      assert.match(limited.truncated, /^11 more;/);
    });

    it('get_asset: manifest and entry text, inputs, model, eval suites, approval, deprecation and successor', async () => {
      const a = await json('get_asset', { reference: 'claim-summary@^2' });
      assert.equal(a.library.name, 'larkspur-genai');
      assert.equal(a.asset.version, '2.1.1');
      assert.equal(a.asset.model, 'openai/gpt-4o-mini');
      const dir = path.join(library, 'prompts', 'claim-summary');
      assert.deepEqual(a.manifest, { path: 'prompts/claim-summary/asset.yaml', text: fs.readFileSync(path.join(dir, 'asset.yaml'), 'utf8'), truncated: false });
      assert.deepEqual(a.entry, { path: 'prompts/claim-summary/claim-summary.prompt', text: fs.readFileSync(path.join(dir, 'claim-summary.prompt'), 'utf8'), truncated: false });
      assert.deepEqual(
        a.inputs.map((i: { name: string; type: string; required: boolean }) => `${i.name}${i.required ? '' : '?'}: ${i.type}`),
        ['claimNumber: string', 'lineOfBusiness: string', 'lossDescription: string', 'adjusterNotes?: string', 'maxBullets?: integer'],
      );
      assert.deepEqual(a.evalSuites, [{ id: 'claim-summary-evals', version: '2.1.0', status: 'approved', reference: 'claim-summary-evals@^2.1' }]);
      assert.equal(a.approval.state, 'approved');
      assert.equal(a.approval.by, 'ai-enablement');
      assert.match(a.approval.digest, /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual(a.deprecation, { deprecated: false, replacedBy: null, successor: null });
      assert.deepEqual(a.diagnostics, []);

      const old = await json('get_asset', { reference: 'larkspur-genai:policy-faq-bot' });
      assert.equal(old.asset.status, 'deprecated');
      assert.equal(old.approval.state, 'not-approved');
      assert.deepEqual(old.deprecation, {
        deprecated: true,
        replacedBy: 'policy-question-answering@^1.3',
        successor: { id: 'policy-question-answering', version: '1.3.0', status: 'approved', title: old.deprecation.successor.title, reference: 'policy-question-answering@^1.3' },
      });
      assert.ok(old.deprecation.successor.title.length > 5);
    });

    it('render_prompt: the messages Dotprompt would send, tokens and the cost for each allowed model', async () => {
      const r = await json('render_prompt', {
        reference: 'claim-summary@^2.1',
        inputs: { claimNumber: 'CLM-2025-018842', lineOfBusiness: 'home', lossDescription: 'A pipe burst in the kitchen on 3 March.', maxBullets: 3 },
      });
      assert.equal(r.engine, "Handlebars with Dotprompt's helpers");
      assert.deepEqual(
        r.messages.map((m: { role: string }) => m.role),
        ['system', 'user'],
      );
      assert.equal(
        r.messages[1].text,
        `
Summarise claim CLM-2025-018842 (home policy).

Customer's account:
"""
A pipe burst in the kitchen on 3 March.
"""

Reply with exactly three parts:
1. Headline: one sentence saying what happened and when.
2. Key facts: at most 3 bullet points (date and place of loss, what was damaged,
   who was involved, injuries, police or fire reports).
3. Open questions: what the adjuster still has to find out before deciding on the claim.`,
      );
      // The partial {{> claims_style}} is rendered in.
      assert.match(r.messages[0].text, /Writing rules for every claims prompt:/);
      assert.deepEqual(r.unsetVariables, ['adjusterNotes']);
      const messages = r.messages.map((m: { role: string; text: string }) => ({ role: m.role, parts: [{ kind: 'text' as const, text: m.text }] }));
      const o200k = estimateTokens(messages, 'o200k_base');
      assert.deepEqual(r.tokens, { input: o200k.tokens, text: o200k.textTokens, messages: 2, tokenizer: 'o200k_base', approximate: false });
      assert.equal(r.model, 'openai/gpt-4o-mini');
      assert.equal(r.maxPromptTokens, 6000);
      assert.equal(r.overBudget, false);
      // The prompt's model first, then every model the policy allows (cheapest first, deprecated last).
      assert.deepEqual(
        r.costs.map((c: { model: string; allowed: boolean; deprecated: boolean }) => [c.model, c.allowed, c.deprecated]),
        [
          ['openai/gpt-4o-mini', true, false],
          ['openai/gpt-4.1-mini', true, false],
          ['openai/gpt-4o', true, false],
          ['anthropic/claude-sonnet-4', true, false],
          ['anthropic/claude-3-5-sonnet', true, true],
        ],
      );
      const mini = r.costs[0];
      assert.equal(mini.inputTokens, o200k.tokens);
      assert.equal(mini.outputTokens, 700);
      assert.equal(mini.outputBasis, 'prompt');
      assert.equal(mini.inputCostUsd, (o200k.tokens * 0.15) / 1e6);
      assert.equal(mini.outputCostUsd, (700 * 0.6) / 1e6);
      assert.equal(mini.totalUsd, mini.inputCostUsd + mini.outputCostUsd);
      const claude = r.costs[3];
      assert.equal(claude.tokenizer, 'estimate');
      assert.equal(claude.approximate, true);
      assert.equal(claude.inputTokens, estimateTokens(messages, 'estimate').tokens);
    });

    it('render_prompt: a VS Code prompt file takes the ${input:name} variables it reads', async () => {
      const r = await json('render_prompt', { reference: 'adjuster-email-reply', inputs: { claimNumber: 'CLM-2025-000123', keyPoints: 'the surveyor visits on Tuesday' } });
      assert.equal(r.engine, '${input:name} replacement (VS Code prompt files)');
      assert.deepEqual(r.unsetVariables, []);
      assert.equal(r.messages.length, 1);
      assert.match(r.messages[0].text, /answer a customer about claim CLM-2025-000123\.\n/);
      assert.match(r.messages[0].text, /What the adjuster wants to say: the surveyor visits on Tuesday\n/);
      assert.equal(
        await toolError('render_prompt', { reference: 'adjuster-email-reply', inputs: { claimNo: 'CLM-1' } }),
        'Cannot render adjuster-email-reply@^0.3:\n- `claimNo` is not an input of adjuster-email-reply@^0.3; its inputs are claimNumber, keyPoints.',
      );
    });

    it('render_prompt: missing, undeclared and wrong-typed inputs are tool errors naming each', async () => {
      const text = await toolError('render_prompt', { reference: 'claim-summary', inputs: { claimNumber: 42, maxBullets: 2.5, region: 'north' } });
      assert.equal(
        text,
        [
          'Cannot render claim-summary@^2.1:',
          '- `claimNumber` must be a string, but the value given is number 42.',
          '- `maxBullets` must be an integer, but the value given is number 2.5.',
          '- `region` is not an input of claim-summary@^2.1; its inputs are claimNumber, lineOfBusiness, lossDescription, adjusterNotes, maxBullets.',
          '- `lineOfBusiness` (string: Product line of the policy) is required; give it in inputs.',
          "- `lossDescription` (string: The customer's account of the loss, already passed through pii-redaction) is required; give it in inputs.",
        ].join('\n'),
      );
      assert.match(await toolError('render_prompt', { reference: 'pii-redaction' }), /^pii-redaction@\^1\.2 is a module, not a prompt; /);
      assert.match(await toolError('render_prompt', { reference: 'claim-summary@^9' }), /^No version of `claim-summary` satisfies `\^9`; available: 2\.1\.1\./);
    });

    it('validate: a path gives what `validate --format json` prints', async () => {
      const rel = path.relative(repoRoot, library);
      const got = await json('validate', { path: rel });
      assert.deepEqual(got, await cliJson(['validate', rel, '--format', 'json'], { GENAI_ASSETS_CACHE_DIR: cacheDir }));
      assert.equal(got.summary.errors, 0);
      assert.ok(got.summary.files > 20);
    });

    it('validate: a text with its file name gives the findings validate gives for that file with that text', async () => {
      const prompt = 'prompts/fraud-signal-extraction/fraud-signal-extraction.prompt';
      const text = fs.readFileSync(path.join(library, prompt), 'utf8').replace('Date of loss: {{lossDate}}', 'Date of loss: {{lossDay}}');
      const got = await json('validate', { fileName: path.relative(repoRoot, path.join(library, prompt)), text });
      // The same text on disk, in another copy of the library, through the CLI.
      const other = path.join(scratch, 'edited');
      fs.cpSync(library, other, { recursive: true });
      fs.writeFileSync(path.join(other, prompt), text);
      const expected = await cliJson(['validate', path.relative(repoRoot, path.join(other, prompt)), '--format', 'json'], { GENAI_ASSETS_CACHE_DIR: cacheDir });
      const codes = (got.diagnostics as { code: string }[]).map((d) => d.code).sort();
      assert.ok(codes.includes('undefined-variable') && codes.includes('unused-variable'), codes.join());
      assert.deepEqual(JSON.parse(JSON.stringify(got).split(path.relative(repoRoot, library)).join(path.relative(repoRoot, other))), expected);
      assert.match(await toolError('validate', { fileName: 'notes.txt', text: 'hello' }), /^notes\.txt is not a file the engine recognises/);
      // The text was laid over a copy of the served catalog: the library as served is unchanged.
      const served = await json('get_asset', { reference: 'fraud-signal-extraction' });
      assert.deepEqual(served.diagnostics, []);
      assert.equal(served.entry.text, fs.readFileSync(path.join(library, prompt), 'utf8'));
      assert.deepEqual((await json('validate', { fileName: path.relative(repoRoot, path.join(library, prompt)), text: served.entry.text })).diagnostics, []);
    });

    it('check_workspace: what verify says about each pilot and each repository with installed assets under a folder', async () => {
      const workspace = path.join(scratch, 'workspace', 'problems-workspace');
      const got = await json('check_workspace', { folder: path.relative(repoRoot, workspace) });
      const drifted = got.checked.find((p: { folder: string }) => p.folder.endsWith('drifted-pilot'));
      assert.ok(drifted, JSON.stringify(got.checked.map((p: { folder: string }) => p.folder)));
      assert.equal(drifted.kind, 'pilot');
      assert.equal(drifted.library, 'pilot-fixtures');
      const expected = await cliJson(['verify', path.relative(repoRoot, path.join(workspace, 'pilots', 'drifted-pilot')), '--offline', '--format', 'json'], { GENAI_ASSETS_CACHE_DIR: cacheDir });
      assert.deepEqual({ diagnostics: drifted.diagnostics, summary: drifted.summary }, expected);
      assert.ok(
        drifted.diagnostics.some((d: { code: string }) => d.code === 'component-modified'),
        'the drifted pilot has local edits',
      );
      const empty = await json('check_workspace', { folder: path.relative(repoRoot, library) });
      assert.deepEqual(empty.checked, []);
      assert.match(empty.note, /^No pilot \(pilot\.yaml\) and no installed assets \(genai-assets\.lock\.json\) at or under /);
    });

    it('check_workspace: installed assets (genai-assets.lock.json) as verify sees them', async () => {
      // A library of one real instructions file (awesome-copilot), installed by the CLI into a repository, then edited there.
      const team = path.join(scratch, 'team-library');
      const instructions = fs.readFileSync(path.join(fixturesDir, 'real', 'awesome-copilot', 'instructions', 'caveman-mode.instructions.md'), 'utf8');
      fs.mkdirSync(path.join(team, 'instructions', 'caveman-mode'), { recursive: true });
      fs.writeFileSync(path.join(team, 'library.yaml'), 'name: team-library\npolicy:\n  scaffoldStatuses: [approved]\n  requireApproval: false\n');
      fs.writeFileSync(
        path.join(team, 'instructions', 'caveman-mode', 'asset.yaml'),
        'id: caveman-mode\nkind: prompt\nversion: 1.0.0\nstatus: approved\nowners: [platform-team]\nentry: caveman-mode.instructions.md\n',
      );
      fs.writeFileSync(path.join(team, 'instructions', 'caveman-mode', 'caveman-mode.instructions.md'), instructions);
      const repo = path.join(scratch, 'repos', 'consumer');
      fs.mkdirSync(repo, { recursive: true });
      fs.writeFileSync(path.join(repo, 'README.md'), '# consumer\n');
      let out = '';
      let err = '';
      const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: repoRoot, env: { GENAI_ASSETS_CACHE_DIR: cacheDir }, color: false };
      assert.equal(await main(['install', 'caveman-mode', '--library', team, '--into', repo, '--for', 'copilot'], io), 0, out + err);
      const installed = path.join(repo, '.github', 'instructions', 'caveman-mode.instructions.md');
      fs.appendFileSync(installed, '\nAlso: answer in French.\n');
      const got = await json('check_workspace', { folder: path.relative(repoRoot, path.join(scratch, 'repos')) });
      assert.deepEqual(
        got.checked.map((c: { folder: string; kind: string; library: string }) => [path.basename(c.folder), c.kind, c.library]),
        [['consumer', 'installs', 'team-library']],
      );
      const expected = await cliJson(['verify', path.relative(repoRoot, repo), '--offline', '--format', 'json'], { GENAI_ASSETS_CACHE_DIR: cacheDir });
      assert.deepEqual({ diagnostics: got.checked[0].diagnostics, summary: got.checked[0].summary }, expected);
      assert.deepEqual(
        got.checked[0].diagnostics.map((d: { code: string; file: string }) => [d.code, path.basename(d.file)]),
        [['component-modified', 'caveman-mode.instructions.md']],
      );
      assert.deepEqual(got.summary, { pilots: 0, installs: 1, errors: 0, warnings: 1, infos: 0 });
    });

    it('resources: every asset as genai-asset://LIBRARY/ID@VERSION, read as get_asset gives it', async () => {
      const { resources } = await client.listResources();
      assert.equal(resources.length, 13);
      assert.deepEqual(resources[0], {
        uri: 'genai-asset://larkspur-genai/adjuster-email-reply@0.3.0',
        name: 'adjuster-email-reply@^0.3',
        title: resources[0].title,
        description: resources[0].description,
        mimeType: 'application/json',
      });
      const read = await client.readResource({ uri: 'genai-asset://larkspur-genai/claim-summary@2.1.1' });
      const asset = JSON.parse((read.contents[0] as { text: string }).text);
      assert.deepEqual(asset, await json('get_asset', { reference: 'claim-summary@2.1.1' }));
      await assert.rejects(client.readResource({ uri: 'genai-asset://larkspur-genai/claim-summary@9.9.9' }), /No asset claim-summary@9\.9\.9 in larkspur-genai/);
    });

    it('bad arguments are tool errors, and the server keeps serving', async () => {
      assert.match(await toolError('search_assets', { kind: 'widget' }), /Input validation error: .*kind/);
      assert.match(await toolError('search_assets', { text: 'x'.repeat(1001) }), /Input validation error/);
      assert.match(await toolError('search_assets', { limit: 0 }), /Input validation error/);
      assert.match(await toolError('get_asset', {}), /Input validation error: .*reference/);
      assert.match(await toolError('get_asset', { reference: 'no-such-asset' }), /^No asset `no-such-asset` in larkspur-genai/);
      assert.match(await toolError('get_asset', { reference: 'claim summary!' }), /is not a reference/);
      assert.match(await toolError('get_asset', { reference: 'other-lib:claim-summary' }), /^No library named `other-lib`/);
      assert.match(await toolError('render_prompt', { reference: 'claim-summary', inputs: 'CLM-1' }), /Input validation error/);
      assert.match(await toolError('validate', {}), /^Give `path`/);
      assert.match(await toolError('validate', { text: 'x' }), /^With `text`, give `fileName` too/);
      assert.match(await toolError('validate', { fileName: 'a.prompt', text: 'x'.repeat(1024 * 1024 + 1) }), /Input validation error/);
      assert.match(await toolError('validate', { path: 'no/such/folder' }), /does not exist/);
      assert.match(await toolError('check_workspace', { folder: 'no/such/folder' }), /^no\/such\/folder is not a folder/);
      assert.match(await toolError('no_such_tool', {}), /Tool no_such_tool not found/);
      assert.deepEqual(
        (await json('search_assets', { tag: 'legacy' })).assets.map((a: { id: string }) => a.id),
        ['policy-faq-bot'],
      );
    });

    it('1,000 calls in a row keep the server within a bounded memory', async function () {
      const pid = transport.pid;
      assert.ok(pid, 'the server process');
      const inputs = { claimNumber: 'CLM-1', lineOfBusiness: 'motor', lossDescription: 'Rear-ended at a junction.' };
      const round = async (i: number) => {
        switch (i % 4) {
          case 0:
            return json('search_assets', { text: 'claims' });
          case 1:
            return json('get_asset', { reference: 'claim-summary' });
          case 2:
            return json('render_prompt', { reference: 'claim-summary', inputs });
          default:
            return toolError('render_prompt', { reference: 'claim-summary', inputs: {} });
        }
      };
      for (let i = 0; i < 100; i++) await round(i);
      const before = rssOf(pid);
      for (let i = 0; i < 1000; i++) await round(i);
      const after = rssOf(pid);
      assert.ok(after - before < 64 * 1024 * 1024, `RSS grew from ${Math.round(before / 2 ** 20)} MB to ${Math.round(after / 2 ** 20)} MB over 1,000 calls`);
      assert.ok(after < 400 * 1024 * 1024, `RSS ${Math.round(after / 2 ** 20)} MB`);
      if (process.env.GENAI_ASSETS_MCP_FIGURES) console.log(`mcp: RSS ${(before / 2 ** 20).toFixed(1)} MB -> ${(after / 2 ** 20).toFixed(1)} MB over 1,000 calls`);
    });

    it('ends with exit 0 when the client closes stdin; a library that cannot be opened is a usage error; stdout stays clean', () => {
      const run = (args: string[], cwd = repoRoot) =>
        spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'mcp', ...args], {
          cwd,
          encoding: 'utf8',
          input: '',
          timeout: 30_000,
          env: { PATH: process.env.PATH ?? '', HOME: scratch, GENAI_ASSETS_CACHE_DIR: cacheDir },
        });
      const ok = run(['--library', library]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(ok.stdout, '');
      // Without --library: the library around the current folder, as list finds it.
      const around = run([], path.join(library, 'prompts', 'claim-summary'));
      assert.equal(around.status, 0, around.stderr);
      assert.match(around.stderr, /serving larkspur-genai on stdio/);
      const bad = run(['--library', path.join(scratch, 'no-such-library')]);
      assert.equal(bad.status, 2, bad.stderr);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /^genai-assets: .*no-such-library/);
    });

    it('drops a message over the size bound without buffering it, and keeps answering', async () => {
      const child = spawn(process.execPath, [path.join(dist, 'cli.js'), 'mcp', '--library', library], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? '', HOME: scratch, GENAI_ASSETS_CACHE_DIR: cacheDir },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'validate', arguments: { fileName: 'a.prompt', text: 'x'.repeat(17 * 1024 * 1024) } } });
      send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'search_assets', arguments: { tag: 'legacy' } } });
      const deadline = Date.now() + 30_000;
      while (!out.includes('"id":3') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      child.stdin.end();
      assert.equal(await exited, 0, err);
      const answers = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        answers.map((a) => a.id),
        [1, 3],
      );
      assert.deepEqual(
        JSON.parse(answers[1].result.content[0].text).assets.map((a: { id: string }) => a.id),
        ['policy-faq-bot'],
      );
      assert.match(err, /genai-assets mcp: dropped a message of \d+ bytes \(over 16777216\)\./);
    });

    it('wrote nothing into the library, and nothing but protocol messages on stdout', () => {
      assert.equal(treeHash(library), libraryHash);
      // A line of stdout that is not a JSON-RPC message would have reached the client's onerror.
      assert.deepEqual(clientErrors, []);
    });
  });

  describe('a git library, read from the cache', function () {
    this.timeout(90_000);
    let bare: string;
    let head: string;
    let cacheDir: string;
    let client: Client;
    let transport: StdioClientTransport;
    let stderr = '';

    before(async function () {
      this.timeout(180_000);
      const scratch = tempDir('mcp');
      const work = path.join(scratch, 'work');
      fs.cpSync(sampleLibrary, work, { recursive: true });
      git(work, 'init', '-q', '-b', 'main');
      head = commitAll(work, 'The sample library');
      bare = path.join(scratch, 'library.git');
      makeBare(work, bare);
      cacheDir = path.join(scratch, 'cache');
      transport = new StdioClientTransport({
        command: process.execPath,
        args: [path.join(dist, 'cli.js'), 'mcp', '--library', `file://${bare}`],
        cwd: scratch,
        env: { ...testGitEnv, GENAI_ASSETS_CACHE_DIR: cacheDir },
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      client = new Client({ name: 'genai-assets-test', version: '1.0.0' });
      await client.connect(transport);
    });

    after(async () => {
      await client?.close();
      cleanupTemp();
    });

    it('is cloned into the cache at start, then served at its commit without writing to the cache or the remote', async () => {
      assert.match(stderr, /serving larkspur-genai on stdio/);
      const cacheHash = treeHash(cacheDir);
      const bareHash = treeHash(bare);
      const call = async (name: string, args: Record<string, unknown>) => {
        const r = (await client.callTool({ name, arguments: args })) as unknown as ToolResult;
        assert.ok(!r.isError, r.content[0]?.text);
        return JSON.parse(r.content[0].text);
      };
      const a = await call('get_asset', { reference: 'claim-summary@^2' });
      assert.equal(a.library.commit, head);
      assert.equal(a.entry.text, fs.readFileSync(path.join(sampleLibrary, 'prompts', 'claim-summary', 'claim-summary.prompt'), 'utf8'));
      assert.equal((await call('search_assets', {})).total, 13);
      // Past the refresh interval the libraries are opened again, from the cache only.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const r = await call('render_prompt', { reference: 'claim-summary', inputs: { claimNumber: 'CLM-9', lineOfBusiness: 'travel', lossDescription: 'A lost suitcase.' } });
      assert.match(r.messages[1].text, /Summarise claim CLM-9 \(travel policy\)\./);
      assert.equal((await client.listResources()).resources.length, 13);
      assert.equal(treeHash(cacheDir), cacheHash);
      assert.equal(treeHash(bare), bareHash);
    });
  });
});
