// Runs a real VS Code here: a fresh code-server on loopback in its own process group, and Debian's Chromium as its window.
//
// Used by scripts/start.mjs, scripts/runIntegration.mjs and scripts/uiSmoke.mjs; facts behind each choice are in
// shared/design/REAL_VSCODE.md. Every server and browser started here is stopped by the returned `stop()`/`close()`,
// and, as a last resort, when this Node process exits.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { cacheDir, ensureCodeServer, missingPackagesMessage } from '../codeServer.mjs';

export const host = '127.0.0.1';
export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** User settings that keep a run quiet and offline (merged into an existing settings.json). */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  // In a browser VS Code saves after a second by default: tests that edit fixtures must decide when a file is written.
  'files.autoSave': 'off',
};

const cleanups = new Set();
process.on('exit', () => {
  for (const cleanup of cleanups) cleanup();
});

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port on 127.0.0.1 that is free now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A path on the server as the vscode-remote URI the workbench at host:port expects. */
function remoteUri(port, absolutePath) {
  return `vscode-remote://${host}:${port}${encodeURI(absolutePath)}`;
}

/**
 * The workbench URL that opens `workspace` with the extension at `extensionPath` loaded in development mode
 * and, if given, runs the tests module `testsPath` in the extension host (VS Code takes these from `payload`).
 */
export function workbenchUrl({ port, workspace, extensionPath, testsPath }) {
  const payload = [];
  if (extensionPath) payload.push(['extensionDevelopmentPath', remoteUri(port, path.resolve(extensionPath))]);
  if (testsPath) payload.push(['extensionTestsPath', remoteUri(port, path.resolve(testsPath))]);
  const query = [`folder=${encodeURI(path.resolve(workspace))}`];
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${host}:${port}/?${query.join('&')}`;
}

/**
 * Starts a fresh code-server for `workspace` on 127.0.0.1:port (a free port if none is given) and waits until
 * /healthz answers. `dataDir` holds the user data, extensions, config and log; without it a new folder under
 * .cache/runs/ is used and removed by stop(). `env` is added to the server's (and so the extension host's)
 * environment. Returns { port, url, baseUrl, pid, dataDir, logFile, exited, stop }.
 */
export async function startCodeServer({ port, workspace, extensionPath, testsPath, dataDir, env = {}, log = (line) => console.error(line) }) {
  if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`The folder to open does not exist: ${workspace}`);
  }
  const entry = await ensureCodeServer({ log });
  if (port === undefined) port = await freePort();
  else if (!(await isPortFree(port))) {
    throw new Error(`Port ${port} on ${host} is busy (another code-server or program listens there). Stop it or choose another port, e.g. PORT=${port + 1}.`);
  }
  const fresh = dataDir === undefined;
  dataDir ??= path.join(cacheDir, 'runs', `${Date.now()}-${process.pid}-${port}`);
  const userDataDir = path.join(dataDir, 'user-data');
  const extensionsDir = path.join(dataDir, 'extensions');
  const configFile = path.join(dataDir, 'config.yaml');
  const logFile = path.join(dataDir, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeQuietSettings(path.join(userDataDir, 'User', 'settings.json'));
  fs.writeFileSync(configFile, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);

  const serverEnv = { ...process.env };
  // Variables of an enclosing VS Code (its terminal, its extension host) would confuse this one.
  for (const name of Object.keys(serverEnv)) if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') delete serverEnv[name];
  Object.assign(serverEnv, {
    XDG_CONFIG_HOME: path.join(dataDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dataDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dataDir, 'xdg-cache'),
    ...env,
  });
  const args = [
    entry,
    '--config',
    configFile,
    '--bind-addr',
    `${host}:${port}`,
    '--auth',
    'none',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    path.resolve(workspace),
  ];
  const out = fs.openSync(logFile, 'w');
  // detached: the server leads its own process group, so one kill reaches it, its extension hosts and watchers.
  const child = spawn(process.execPath, args, { cwd: dataDir, env: serverEnv, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const pgid = child.pid;
  const killGroup = (signal) => {
    try {
      process.kill(-pgid, signal);
      return true;
    } catch {
      return false; // no process left in the group
    }
  };
  const lastResort = () => killGroup('SIGKILL');
  cleanups.add(lastResort);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let spawnError;
  child.once('error', (error) => (spawnError = error));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (killGroup('SIGTERM')) {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && killGroup(0)) await delay(100);
      killGroup('SIGKILL');
    }
    cleanups.delete(lastResort);
    if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const baseUrl = `http://${host}:${port}`;
  try {
    await waitForHealth(baseUrl, exited, () => spawnError, logFile);
  } catch (error) {
    const tail = readTail(logFile, 30);
    await stop();
    throw new Error(`${error.message}\ncode-server's log ends with:\n${tail}`);
  }
  return {
    port,
    baseUrl,
    url: workbenchUrl({ port, workspace, extensionPath, testsPath }),
    pid: pgid,
    dataDir,
    logFile,
    exited,
    stop,
  };
}

function writeQuietSettings(file) {
  let settings = {};
  if (fs.existsSync(file)) {
    try {
      settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return; // settings with comments, edited by a person: leave them alone
    }
  }
  fs.writeFileSync(file, JSON.stringify({ ...settings, ...quietSettings }, null, 2) + '\n');
}

async function waitForHealth(baseUrl, exited, spawnError, logFile, timeoutMs = 60_000) {
  let done;
  exited.then((result) => (done = result));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError()) throw new Error(`code-server could not be started: ${spawnError().message}`);
    if (done) throw new Error(`code-server stopped before it answered (${done.signal ?? `exit ${done.code}`}); log: ${logFile}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer ${baseUrl}/healthz within ${timeoutMs / 1000} s; log: ${logFile}`);
}

/**
 * Launches Debian's Chromium (headless unless told otherwise) through playwright-core, blocks every request that
 * is not for 127.0.0.1, registers `codeAutomationExit` (called by the workbench when extension tests end) and
 * opens `url`. Returns { browser, page, exitCode, blocked, close }: `exitCode` resolves with the tests' exit code,
 * `blocked` lists the outside URLs that were aborted.
 */
export async function openWorkbench({ url, headless = true, viewport = { width: 1440, height: 900 }, onConsole }) {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(missingPackagesMessage(['chromium']) ?? `${chromiumPath} is missing: apt-get install -y --no-install-recommends chromium`);
  }
  const { chromium } = await import('playwright-core');
  // Chromium writes crash-report settings and dconf files under $HOME: give it a home in the cache.
  const browserHome = path.join(cacheDir, 'chromium-home');
  const browserEnv = { ...process.env, HOME: browserHome };
  for (const name of ['XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME']) delete browserEnv[name];
  const browser = await chromium.launch({ executablePath: chromiumPath, headless, args: chromiumArgs, env: browserEnv });
  // playwright-core itself kills the browser's process group if this process exits without close().
  const close = () => browser.close().catch(() => {});
  try {
    const context = await browser.newContext({ viewport });
    const blocked = [];
    await context.route('**/*', (route) => {
      const requestUrl = route.request().url();
      let hostname;
      try {
        hostname = new URL(requestUrl).hostname;
      } catch {
        hostname = '';
      }
      if (hostname === host) return route.continue();
      blocked.push(requestUrl);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    if (onConsole) page.on('console', (message) => onConsole(message.type(), message.text()));
    let resolveExit;
    const exitCode = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return { browser, context, page, exitCode, blocked, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Waits until the workbench shows its activity bar and status bar, and the extension host has loaded (the explorer is drawn). */
export async function waitForWorkbench(page, { timeout = 60_000 } = {}) {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.sidebar .pane-header').first().waitFor({ state: 'visible', timeout });
}

/**
 * Runs a command from the command palette as a user does: F1, its title typed, Enter once the
 * palette's selected row is that command (the list is filtered after the text is typed, and before
 * that its first row is a recently used command, which Enter would run instead).
 */
export async function runCommand(page, title, { timeout = 10_000 } = {}) {
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${title}`);
  await widget.locator('.monaco-list-row.focused', { hasText: title }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
}

/** Runs `cleanup` once on SIGINT/SIGTERM/SIGHUP, then exits with 128 + the signal number. */
export function onInterrupt(cleanup) {
  let running = false;
  const numbers = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
  for (const signal of Object.keys(numbers)) {
    process.on(signal, async () => {
      if (running) return;
      running = true;
      try {
        await cleanup(signal);
      } finally {
        process.exit(128 + numbers[signal]);
      }
    });
  }
}

export function readTail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
