// Installs code-server (a real VS Code: server, extension host, web workbench) into .cache/code-server on first use.
//
// Run directly (`node scripts/codeServer.mjs`) to install or check the install; other scripts import
// `ensureCodeServer()`. The install follows shared/design/REAL_VSCODE.md: npm without install scripts
// (its postinstall downloads ripgrep, which these machines cannot reach), native modules rebuilt against
// Node's own headers, and the rest of code-server's postinstall redone by hand. A marker file written last
// tells a complete install from an interrupted one; an install without the marker is removed and redone.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = path.join(repoRoot, '.cache');
export const installDir = path.join(cacheDir, 'code-server');
const markerFile = path.join(installDir, '.install-complete.json');
const lockDir = path.join(cacheDir, 'code-server.lock');
const logFile = path.join(cacheDir, 'code-server-install.log');
const packageDir = path.join(installDir, 'node_modules', 'code-server');
const vscodeDir = path.join(packageDir, 'lib', 'vscode');
/** code-server's own entry point, run with this Node. */
export const entryPoint = path.join(packageDir, 'out', 'node', 'entry.js');

/** Debian packages the install and the browser runs need, with what each is for. */
export const debianPackages = [
  ['chromium', 'the browser window for integration tests and screenshots'],
  ['ripgrep', "VS Code's search (the npm package would download it from GitHub)"],
  ['libkrb5-dev', 'building the kerberos native module'],
  ['libxkbfile-dev', "building VS Code's keyboard-layout native module"],
  ['libsecret-1-dev', "building VS Code's secret-storage native module"],
];
const buildTools = [
  ['g++', 'g++'],
  ['make', 'make'],
  ['python3', 'python3'],
];

/** Native modules of VS Code's server that must be built for this Node (node-pty's extra step may fail). */
const vscodeNativeModules = ['@parcel/watcher', '@vscode/deviceid', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty'];

function markerContent() {
  return { codeServer: CODE_SERVER_VERSION, nodeAbi: process.versions.modules, platform: `${process.platform}-${process.arch}` };
}

/** True when a complete install for this code-server version and this Node ABI is in the cache. */
export function isInstalled() {
  try {
    const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
    const want = markerContent();
    return marker.codeServer === want.codeServer && marker.nodeAbi === want.nodeAbi && marker.platform === want.platform && fs.existsSync(entryPoint);
  } catch {
    return false;
  }
}

/** Names of the Debian packages from `debianPackages` that are not installed (all of them checked with dpkg). */
export function missingDebianPackages(names = debianPackages.map(([name]) => name)) {
  const probe = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names], { encoding: 'utf8' });
  if (probe.error) {
    // Not a Debian system: fall back to the two programs we use directly.
    return names.filter((name) => (name === 'chromium' && !fs.existsSync('/usr/bin/chromium')) || (name === 'ripgrep' && !fs.existsSync('/usr/bin/rg')));
  }
  const installed = new Set(
    probe.stdout
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => line.split(' ')[0]),
  );
  return names.filter((name) => !installed.has(name));
}

function missingBuildTools() {
  return buildTools.filter(([command]) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0).map(([, pkg]) => pkg);
}

/** A message naming the missing Debian packages and the command that installs them, or undefined if none is missing. */
export function missingPackagesMessage(names) {
  const missing = [...missingDebianPackages(names), ...missingBuildTools()];
  if (missing.length === 0) return undefined;
  const why = new Map(debianPackages);
  const lines = missing.map((name) => `  - ${name}${why.has(name) ? `: ${why.get(name)}` : ': building native modules'}`);
  return [
    'Running VS Code here needs Debian packages that are not installed:',
    ...lines,
    'Install them as root, then run this again:',
    `  apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`,
  ].join('\n');
}

/**
 * Makes sure code-server is installed in .cache/code-server and returns the path of its entry point.
 * Installs it on first use (about 2 minutes, about 320 MB); throws an Error with an actionable message
 * when Debian packages are missing or a step fails.
 */
export async function ensureCodeServer({ log = (line) => console.error(line) } = {}) {
  if (isInstalled()) return entryPoint;
  const message = missingPackagesMessage();
  if (message) throw new Error(message);
  fs.mkdirSync(cacheDir, { recursive: true });
  await withLock(log, async () => {
    if (isInstalled()) return; // another run finished the install while we waited
    const started = Date.now();
    log(`code-server: installing ${CODE_SERVER_VERSION} into ${path.relative(repoRoot, installDir)}/ (about 2 minutes; log: ${path.relative(repoRoot, logFile)})`);
    fs.writeFileSync(logFile, '');
    try {
      await install(log);
    } catch (error) {
      throw new Error(`${error.message}\nThe last lines of ${logFile}:\n${tail(logFile, 30)}\nThe half install is removed on the next run.`);
    }
    log(`code-server: installed in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return entryPoint;
}

async function install(log) {
  // Whatever is there without a marker is an interrupted or outdated install: start again from nothing.
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  // Its own package.json, so npm installs here and not into the project's node_modules.
  fs.writeFileSync(
    path.join(installDir, 'package.json'),
    JSON.stringify({ name: 'code-server-cache', private: true, description: 'code-server for integration tests; see scripts/codeServer.mjs' }, null, 2),
  );
  const env = { ...process.env, npm_config_nodedir: fs.existsSync('/usr/include/node/node.h') ? '/usr' : (process.env.npm_config_nodedir ?? '') };
  if (!env.npm_config_nodedir) delete env.npm_config_nodedir;
  const npm = (args, cwd, options) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=warn'], { cwd, env, ...options });

  log('code-server: 1/5 npm install code-server (without its install scripts)');
  await npm(['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-package-lock'], installDir);

  log('code-server: 2/5 build argon2 for this Node');
  // npm 11 blocks dependencies' install scripts unless allowed; a project .npmrc allows the ones we build.
  fs.writeFileSync(path.join(installDir, '.npmrc'), 'allow-scripts=argon2\n');
  await npm(['rebuild', 'argon2', '--build-from-source'], installDir);
  await requireCheck(['argon2'], installDir, env);

  log("code-server: 3/5 install VS Code's server dependencies and build its native modules");
  await npm(['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  // node-pty's extra configure step fails here although its pty.node is built: tolerate the exit code,
  // then check that every native module loads.
  fs.writeFileSync(path.join(vscodeDir, '.npmrc'), `allow-scripts=${vscodeNativeModules.join(',')}\n`);
  await npm(['rebuild', ...vscodeNativeModules], vscodeDir, { allowFailure: true });
  await requireCheck(vscodeNativeModules, vscodeDir, env);

  log("code-server: 4/5 redo code-server's postinstall (ripgrep, links)");
  const rgDir = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.copyFileSync('/usr/bin/rg', path.join(rgDir, 'rg'));
  fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
  relink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  relink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  relink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  log("code-server: 5/5 install VS Code's built-in extensions' dependencies");
  const extensionsDir = path.join(vscodeDir, 'extensions');
  await npm(['install', '--omit=dev', '--ignore-scripts'], extensionsDir);
  await run(process.execPath, ['postinstall.mjs'], { cwd: extensionsDir, env });

  // Even --version writes a default config file under XDG_CONFIG_HOME: keep it in the cache.
  const versionEnv = { ...env, XDG_CONFIG_HOME: path.join(installDir, 'xdg-config'), XDG_DATA_HOME: path.join(installDir, 'xdg-data') };
  const version = spawnSync(process.execPath, [entryPoint, '--version'], { encoding: 'utf8', env: versionEnv, timeout: 60_000 });
  if (version.status !== 0 || !version.stdout.split('\n').some((line) => line.startsWith(`${CODE_SERVER_VERSION} `))) {
    throw new Error(`code-server --version failed after the install: ${version.stderr || version.stdout}`);
  }
  fs.writeFileSync(markerFile, JSON.stringify(markerContent(), null, 2) + '\n');
}

/** Replaces whatever is at `link` by a symbolic link to `target` (relative to the link's folder). */
function relink(target, link) {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(target, link);
}

async function requireCheck(modules, cwd, env) {
  for (const name of modules) {
    const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(name)})`], { cwd, env, encoding: 'utf8' });
    if (result.status !== 0) {
      fs.appendFileSync(logFile, result.stderr);
      throw new Error(`code-server install: the native module ${name} does not load in ${cwd}`);
    }
  }
}

// If this process exits mid-install (an interrupt), stop the step that runs and give the lock back.
let runningStep;
let ownsLock = false;
process.on('exit', () => {
  runningStep?.kill('SIGKILL');
  if (ownsLock) fs.rmSync(lockDir, { recursive: true, force: true });
});

/** Runs a command with its output appended to the install log; rejects on a non-zero exit unless allowFailure. */
function run(command, args, { cwd, env, allowFailure = false }) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
    runningStep = child;
    child.on('error', (error) => {
      runningStep = undefined;
      fs.closeSync(out);
      reject(new Error(`code-server install: cannot run ${command}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      runningStep = undefined;
      fs.closeSync(out);
      if (code === 0 || allowFailure) resolve(code);
      else reject(new Error(`code-server install: \`${command} ${args.join(' ')}\` in ${cwd} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** One install at a time across processes: a lock folder holding the owner's pid; a dead owner's lock is taken over. */
async function withLock(log, body) {
  const deadline = Date.now() + 10 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      ownsLock = true;
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readOr(path.join(lockDir, 'pid'), ''), 10);
      if (!Number.isFinite(owner) || !isAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`code-server: another install (pid ${owner}) holds ${lockDir} for more than 10 minutes`);
      if (!told) log(`code-server: waiting for the install running in pid ${owner}`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    await body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
    ownsLock = false;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function tail(file, lines) {
  return readOr(file, '').split('\n').slice(-lines).join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const entry = await ensureCodeServer();
    console.log(`code-server ${CODE_SERVER_VERSION} is installed: ${path.relative(repoRoot, entry)}`);
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  }
}
