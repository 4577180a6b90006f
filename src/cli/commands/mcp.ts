// genai-assets mcp: the library as a Model Context Protocol server over stdio, for coding agents.

import { defineCommand } from '../command';
import { runMcp } from '../mcpServer';

export const mcpCommand = defineCommand({
  name: 'mcp',
  synopsis: 'mcp',
  summary: 'serve the library to coding agents (Model Context Protocol over stdio)',
  usage: 'mcp [--library DIR|URL ...]',
  description: `Runs a Model Context Protocol server on stdin/stdout for coding agents (VS Code, Claude Code,
Cursor): tools search_assets, get_asset, render_prompt, validate and check_workspace, and every
asset as a resource genai-asset://LIBRARY/ID@VERSION. Read-only: nothing is written into a
library and git libraries are read from the cache (cloned there on first use). Libraries:
every --library, else those of genai-assets.yaml, else the library around the current folder.
Only protocol messages go to stdout; warnings go to stderr.`,
  options: {
    library: { type: 'strings', value: 'DIR|URL', help: 'a library: a folder, or a git URL (repeatable)' },
  },
  footer: 'Exit codes: 0 when the client closes the connection, 2 when a library cannot be opened.\n',
  run: ({ options }, io) => runMcp(options.library, io),
});
