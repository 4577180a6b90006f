// `genai-assets mcp`: the library for coding agents, a Model Context Protocol server over stdio (the official TypeScript SDK) around McpTools.

import { Transform } from 'node:stream';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod';
import type { CliIo } from './io';
import { exitCodes } from './io';
import { McpTools, mcpLimits } from './mcpTools';
import { ParsePool } from '../node/parsePool';
import { version } from './version';

const kinds = ['prompt', 'eval', 'module', 'template'] as const;
const statuses = ['draft', 'review', 'approved', 'deprecated'] as const;

const shortText = (what: string) => z.string().max(mcpLimits.shortText).describe(what);
const reference = shortText('The asset: id (newest approved version), id@range (e.g. claim-summary@^2) or library:id@range.');

/** A tool's answer: the JSON as text. */
function answer(value: unknown): { content: { type: 'text'; text: string }[] } {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** The server over `tools`: the five tools and the assets as resources. */
export function mcpServer(tools: McpTools): McpServer {
  const server = new McpServer(
    { name: 'genai-assets', title: 'GenAI Asset Library', version },
    {
      instructions:
        "The organisation's library of prompts, eval suites, modules and pilot templates. Look for an approved asset with search_assets before writing a prompt; get_asset tells its inputs, model, eval suites and approval; render_prompt shows what the prompt sends and costs; validate checks a file you wrote; check_workspace checks the pilots of a folder.",
    },
  );

  server.registerTool(
    'search_assets',
    {
      title: 'Search the library',
      description:
        'Assets of the library matching every filter: text (every word in the id, title, description, tags, owners, kind, status or model), kind, tag, status, owner. Gives id, version, status, title, description, inputs and model of each.',
      inputSchema: {
        text: shortText('Words that must all appear (case-insensitive)').optional(),
        kind: z.enum(kinds).optional().describe('prompt, eval, module or template'),
        tag: shortText('Only assets with this tag').optional(),
        status: z.enum(statuses).optional().describe('draft, review, approved or deprecated'),
        owner: shortText('Only assets with an owner containing this text (case-insensitive)').optional(),
        limit: z.number().int().min(1).max(mcpLimits.searchResults).optional().describe(`Most assets to return (default 50, at most ${mcpLimits.searchResults})`),
      },
      annotations: { title: 'Search the library', ...readOnly },
    },
    async (args) => answer(await tools.search(args)),
  );

  server.registerTool(
    'get_asset',
    {
      title: 'Get an asset',
      description:
        'One asset by reference: its manifest and entry file texts, declared inputs with types, model, the eval suites covering it, its approval state, deprecation and successor, and its diagnostics.',
      inputSchema: { reference },
      annotations: { title: 'Get an asset', ...readOnly },
    },
    async ({ reference }) => answer(await tools.getAsset(reference)),
  );

  server.registerTool(
    'render_prompt',
    {
      title: 'Render a prompt',
      description:
        "The messages a prompt's runtime would send with the given inputs (declared defaults fill the rest), the input tokens with its model's tokenizer, and the cost of one call for its model and every model the library's policy allows. Missing, undeclared or wrong-typed inputs are errors naming each.",
      inputSchema: {
        reference,
        inputs: z.record(z.string().max(200), z.unknown()).optional().describe('Input values by name (see get_asset for the declared inputs and their types)'),
      },
      annotations: { title: 'Render a prompt', ...readOnly },
    },
    async ({ reference, inputs }) => {
      const values = inputs ?? {};
      if (Object.keys(values).length > mcpLimits.inputNames) throw new Error(`At most ${mcpLimits.inputNames} inputs.`);
      return answer(await tools.renderPrompt(reference, values));
    },
  );

  server.registerTool(
    'validate',
    {
      title: 'Validate files',
      description:
        "Checks a library folder or files, as `genai-assets validate --format json` does: give `path`, or `text` with its `fileName` (a path; the library around the file's folder is loaded so that references resolve). Returns the diagnostics and a summary.",
      inputSchema: {
        path: z.string().min(1).max(mcpLimits.path).optional().describe('A library folder or a file inside one (relative to the server’s folder)'),
        text: z.string().max(mcpLimits.text).optional().describe('The content to check, instead of what is on disk'),
        fileName: z.string().min(1).max(mcpLimits.path).optional().describe('With text: the file the text is of (its name decides the format)'),
      },
      annotations: { title: 'Validate files', ...readOnly },
    },
    async ({ path, text, fileName }) => {
      if (text !== undefined) {
        if (!fileName) throw new Error('With `text`, give `fileName` too: the name decides the format (e.g. prompts/x/x.prompt).');
        if (path !== undefined) throw new Error('Give either `path`, or `text` with `fileName`, not both.');
        return answer(await tools.validateText(fileName, text));
      }
      if (path === undefined) throw new Error('Give `path` (a folder or file), or `text` with `fileName`.');
      return answer(await tools.validatePath(path));
    },
  );

  server.registerTool(
    'check_workspace',
    {
      title: 'Check the pilots and installed assets of a folder',
      description:
        'What `genai-assets verify` says about every pilot (pilot.yaml) and every repository with installed assets (genai-assets.lock.json) at or under a folder: components edited locally, outdated, deprecated or no longer approved, withdrawn from the library, and the checks of their own files. Git libraries are read from the cache (never fetched).',
      inputSchema: { folder: z.string().min(1).max(mcpLimits.path).describe('The workspace folder (relative to the server’s folder)') },
      annotations: { title: 'Check the pilots and installed assets of a folder', ...readOnly },
    },
    async ({ folder }) => answer(await tools.checkWorkspace(folder)),
  );

  server.registerResource(
    'asset',
    new ResourceTemplate('genai-asset://{library}/{asset}', { list: async () => ({ resources: await tools.resources() }) }),
    { title: 'Library asset', description: 'An asset of the library (genai-asset://LIBRARY/ID@VERSION): what get_asset gives.', mimeType: 'application/json' },
    async (uri, variables) => {
      const one = (v: string | string[] | undefined) => decodeURIComponent(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
      const value = await tools.resource(one(variables.library), one(variables.asset));
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
    },
  );
  return server;
}

/** Passes whole lines (JSON-RPC messages over stdio) of at most `maxBytes`; a longer line is dropped whole and reported. */
export function boundedLines(maxBytes: number, onDrop: (bytes: number) => void): Transform {
  let parts: Buffer[] = [];
  let size = 0;
  let dropping = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        const end = nl < 0 ? chunk.length : nl + 1;
        size += end - start;
        if (!dropping && size > maxBytes) {
          dropping = true;
          parts = [];
        }
        if (!dropping) parts.push(chunk.subarray(start, end));
        if (nl < 0) break;
        if (dropping) onDrop(size);
        else this.push(Buffer.concat(parts));
        parts = [];
        size = 0;
        dropping = false;
        start = end;
      }
      done();
    },
  });
}

/**
 * Runs the server on stdin/stdout until the client closes stdin; returns the exit code. Only protocol
 * messages go to stdout: warnings and problems go to stderr. The libraries open first: a library that
 * cannot be opened is a usage error before anything is served.
 */
export async function runMcp(libraries: string[], io: CliIo): Promise<number> {
  const tools = new McpTools(io, { libraries, parser: new ParsePool() });
  const opened = await tools.start();
  // Every call's errors come back as tool errors; a rejection nobody awaited (a reader closed late, say) is logged, not fatal.
  process.on('unhandledRejection', (e) => io.err(`genai-assets mcp: ${(e as Error)?.message ?? String(e)}\n`));
  const server = mcpServer(tools);
  // A message longer than any valid call is dropped before the SDK buffers it: memory stays bounded whatever a client sends.
  const input = process.stdin.pipe(boundedLines(mcpLimits.messageBytes, (n) => io.err(`genai-assets mcp: dropped a message of ${n} bytes (over ${mcpLimits.messageBytes}).\n`)));
  const transport = new StdioServerTransport(input, process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
  await server.connect(transport);
  io.err(`genai-assets mcp: serving ${opened.map((o) => o.catalog.library.name).join(', ') || 'no library'} on stdio.\n`);
  await closed;
  await server.close().catch(() => undefined);
  return exitCodes.clean;
}
