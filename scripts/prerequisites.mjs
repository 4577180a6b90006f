// `node scripts/prerequisites.mjs start|test`: what `npm start` and `npm test` need before they run, installed on first use.
//
// Uses Node's own modules only, so it runs in a bare clone. It installs the npm dependencies when node_modules is
// missing or does not match package-lock.json, and the Debian packages that code-server, Chromium and the tests need
// when running as root (otherwise it names the exact command to run and exits 1, without a stack trace).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { debianPackages, missingDebianPackages, repoRoot } from './codeServer.mjs';

/** Debian packages each command needs, beyond code-server's (`debianPackages`). */
const extraPackages = {
  start: ['git'],
  // openssl: the HTTPS git server of the hardening tests; python3-jinja2: the Jinja2 oracle of the template tests.
  test: ['git', 'openssl', 'python3-jinja2'],
};
const buildTools = ['g++', 'make', 'python3'];

const log = (line) => console.error(`prerequisites: ${line}`);

/** Entries of package-lock.json that npm would install here but node_modules lacks or holds at another version. */
export function staleDependencies(root = repoRoot) {
  let wanted;
  try {
    wanted = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return ['package-lock.json (unreadable)'];
  }
  let installed;
  try {
    // npm's own record of what it installed in node_modules (its "hidden lockfile").
    installed = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '.package-lock.json'), 'utf8')).packages ?? {};
  } catch {
    return ['node_modules'];
  }
  const stale = [];
  for (const [key, entry] of Object.entries(wanted)) {
    if (key === '' || entry.link) continue;
    const have = installed[key];
    // Optional packages for other platforms (esbuild's binaries, say) are never installed.
    if (!have) {
      if (!entry.optional) stale.push(key);
    } else if (have.version !== entry.version) stale.push(key);
  }
  return stale;
}

function run(command, args, env = process.env) {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.error) return `${command} could not start (${result.error.code ?? result.error.message})`;
  if (result.status !== 0) return `${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`;
  return undefined;
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureDebianPackages(names) {
  const missing = [...missingDebianPackages(names), ...buildTools.filter((tool) => !has(tool))];
  if (missing.length === 0) return true;
  const install = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !has('apt-get')) {
    log(`missing ${missing.join(', ')}; install them, then run this again: ${root ? '' : 'sudo sh -c "'}${install}${root ? '' : '"'}`);
    return false;
  }
  log(`installing the Debian packages ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const failure = run('apt-get', ['update'], env) ?? run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], env);
  if (failure) {
    log(`${failure}; install the packages by hand, then run this again: ${install}`);
    return false;
  }
  return true;
}

function ensureNodeModules() {
  const stale = staleDependencies();
  if (stale.length === 0) return true;
  log(`installing the npm dependencies (${stale[0] === 'node_modules' ? 'node_modules is missing' : `${stale.length} missing or changed, e.g. ${stale[0]}`})`);
  const failure = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (failure) {
    log(`${failure}; see npm's message above, then run this again`);
    return false;
  }
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const what = process.argv[2];
  if (!Object.hasOwn(extraPackages, what ?? '')) {
    log(`usage: node scripts/prerequisites.mjs ${Object.keys(extraPackages).join('|')}`);
    process.exit(2);
  }
  const packages = [...debianPackages.map(([name]) => name), ...extraPackages[what]];
  if (!ensureDebianPackages(packages) || !ensureNodeModules()) process.exit(1);
}
