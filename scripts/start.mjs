// `npm start [-- FOLDER]`: builds the extension and serves a real VS Code (code-server) with it loaded in development mode.
//
// Prints one line `Open http://127.0.0.1:PORT/?folder=...&payload=...` and serves until Ctrl-C (SIGINT) or SIGTERM.
// Env: PORT (default 8080). FOLDER defaults to samples/library; a relative FOLDER is taken from where npm was run.
// User data and extensions persist in .cache/start/ between runs.
import * as path from 'node:path';
import { cacheDir, repoRoot } from './codeServer.mjs';
import { buildExtension } from './lib/build.mjs';
import { onInterrupt, readTail, startCodeServer } from './lib/workbench.mjs';

const log = (line) => console.error(`start: ${line}`);
const callerDir = process.env.INIT_CWD ?? process.cwd();
const folder = process.argv[2] ? path.resolve(callerDir, process.argv[2]) : path.join(repoRoot, 'samples', 'library');
const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  log(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

let server;
let interrupted = false;
onInterrupt(async () => {
  interrupted = true;
  await server?.stop();
});

try {
  await buildExtension();
  server = await startCodeServer({
    port,
    workspace: folder,
    extensionPath: repoRoot,
    dataDir: path.join(cacheDir, 'start'),
    log,
  });
} catch (error) {
  log(error.message);
  await server?.stop();
  process.exit(1);
}
console.log(`Open ${server.url}`);
const result = await server.exited;
if (interrupted) await new Promise(() => {}); // the interrupt handler stops the group and exits
log(`code-server stopped by itself (${result.signal ?? `exit ${result.code}`}); its log ends with:\n${readTail(server.logFile, 20)}`);
await server.stop();
process.exit(1);
