// Benchmark part of `npm run bench`: `genai-assets where-used` over 100 repositories served by git daemon on loopback, first (empty cache), again (nothing moved) and after 10 repositories moved; wall time and the bytes git moved.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { GitDaemon } from '../unit/support/gitServer';
import { installLibraryFiles } from '../unit/support/installLibrary';

/** A TCP relay in front of the daemon that counts the bytes each way: the git traffic a run causes, protocol included. */
export class CountingRelay {
  received = 0;
  sent = 0;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: number): Promise<CountingRelay> {
    const server = net.createServer();
    const relay = await new Promise<CountingRelay>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(new CountingRelay(server, (server.address() as net.AddressInfo).port)));
    });
    server.on('connection', (client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: target });
      client.on('data', (b: Buffer) => (relay.sent += b.length));
      upstream.on('data', (b: Buffer) => (relay.received += b.length));
      client.pipe(upstream);
      upstream.pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
    });
    return relay;
  }

  reset(): void {
    this.received = this.sent = 0;
  }

  url(name: string): string {
    return `git://127.0.0.1:${this.port}/${name}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** What each of the template repositories installs; the 100 repositories are copies of them in turn. */
const templates: [string, string][] = [
  ['copilot', 'langchain-python,adr-generator'],
  ['copilot,cursor', 'langchain-python,caveman-mode'],
  ['agents,claude', 'caveman-mode,agents-python'],
  ['claude', 'adr-generator,code-quality-reviewer'],
  ['cursor', 'ankra-cli,devsecops'],
];

/**
 * The code of a service: 200 source files of about 6.5 KB (1.3 MB; about 2.9 KB each compressed), so that the
 * repositories weigh what a small service does and a clone with its blobs costs what it would.
 */
function codebase(t: number): Record<string, string> {
  const files: Record<string, string> = {};
  let seed = 7919 * (t + 1);
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const word = () => `${next().toString(36)}${next().toString(36)}${next().toString(36)}${next().toString(36)}${next().toString(36)}`;
  for (let f = 0; f < 200; f++) {
    const lines: string[] = [];
    for (let l = 0; l < 120; l++) lines.push(`export const v${f}_${l} = '${word()}';`);
    files[`src/module${Math.floor(f / 20)}/file${f}.ts`] = lines.join('\n') + '\n';
  }
  return files;
}

export interface WhereUsedFleet {
  repos: number;
  /** The file listing the repositories' URLs (through the counting relay; the library is served directly). */
  reposFile: string;
  libraryUrl: string;
  relay: CountingRelay;
  /** What git receives for shallow clones with their blobs (`--depth 1`, no filter) of all the repositories, for comparison. */
  shallowCloneBytes(): Promise<number>;
  /** Pushes a new commit (a local edit of an installed file) to the first `n` repositories. */
  moveRepositories(n: number, round: number): void;
  stop(): Promise<void>;
}

/**
 * Serves a library and `repos` consumer repositories (each with installs made by the CLI `cli` in a template
 * repository, then copied) from `scratch`, through a relay counting the bytes.
 */
export async function serveFleet(scratch: string, cli: string, env: NodeJS.ProcessEnv, repos: number): Promise<WhereUsedFleet> {
  const git = (cwd: string, ...args: string[]): string => {
    const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const writeTree = (root: string, files: Record<string, string>) => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
  };
  const base = path.join(scratch, 'fleet-served');
  const work = path.join(scratch, 'fleet-work');
  mkdirSync(base, { recursive: true });
  const lib = path.join(work, 'library');
  mkdirSync(lib, { recursive: true });
  writeTree(lib, installLibraryFiles());
  git(lib, 'init', '-q', '-b', 'main');
  git(lib, 'add', '-A');
  git(lib, 'commit', '-q', '-m', 'Library');
  git(base, 'clone', '-q', '--bare', lib, path.join(base, 'lib.git'));
  const daemon = await GitDaemon.start(base);
  const relay = await CountingRelay.start(daemon.port);
  const libraryUrl = daemon.url('lib.git');
  const cacheDir = path.join(scratch, 'fleet-install-cache');
  const made: string[] = [];
  templates.forEach(([tools, refs], t) => {
    const dir = path.join(work, `template-${t}`);
    mkdirSync(dir, { recursive: true });
    writeTree(dir, {
      'README.md': `# Service ${t}\n`,
      '.github/prompts/release-notes.prompt.md': '---\ndescription: Release notes\n---\nWrite the notes.\n',
      ...codebase(t),
    });
    git(dir, 'init', '-q', '-b', 'main');
    const r = spawnSync(process.execPath, [cli, 'install', ...refs.split(','), '--for', tools, '--library', libraryUrl, '--into', dir], {
      env: { ...env, GENAI_ASSETS_CACHE_DIR: cacheDir },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`install into template ${t}: ${r.stderr || r.stdout}`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'Install assets');
    git(base, 'clone', '-q', '--bare', dir, path.join(base, `template-${t}.git`));
    // As hosting services do: partial clones allowed.
    git(path.join(base, `template-${t}.git`), 'config', 'uploadpack.allowFilter', 'true');
    made.push(dir);
  });
  const urls: string[] = [];
  for (let i = 0; i < repos; i++) {
    const name = `r${String(i).padStart(3, '0')}.git`;
    cpSync(path.join(base, `template-${i % templates.length}.git`), path.join(base, name), { recursive: true });
    urls.push(relay.url(name));
  }
  const reposFile = path.join(scratch, 'fleet-repos.txt');
  writeFileSync(reposFile, urls.join('\n') + '\n');
  return {
    repos,
    reposFile,
    libraryUrl,
    relay,
    async shallowCloneBytes() {
      // One clone per template (the repositories are copies of them in turn), weighted by how many copies it has.
      let total = 0;
      for (let t = 0; t < templates.length; t++) {
        const copies = Math.floor(repos / templates.length) + (t < repos % templates.length ? 1 : 0);
        if (!copies) continue;
        relay.reset();
        const into = path.join(scratch, `fleet-shallow-${t}.git`);
        await new Promise<void>((resolve, reject) => {
          const child = spawn('git', ['clone', '-q', '--bare', '--depth=1', '--no-tags', relay.url(`r${String(t).padStart(3, '0')}.git`), into], { env, stdio: 'ignore' });
          child.on('error', reject);
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git clone --depth=1 exited with ${code}`))));
        });
        total += copies * relay.received;
      }
      return total;
    },
    moveRepositories(n: number, round: number) {
      for (let i = 0; i < n; i++) {
        const t = i % templates.length;
        const dir = made[t];
        writeFileSync(path.join(dir, 'README.md'), `# Service ${t}\n\nRound ${round}, repository ${i}.\n`);
        // A local edit of an installed file too: its new blob is read to tell it is modified.
        const lock = JSON.parse(readFileSync(path.join(dir, 'genai-assets.lock.json'), 'utf8')) as { components: { files: { path: string }[] }[] };
        const installed = path.join(dir, lock.components[0].files[0].path);
        writeFileSync(installed, readFileSync(installed, 'utf8') + `\n- Round ${round}: a local note.\n`);
        git(dir, 'commit', '-q', '-am', `Round ${round}`);
        git(dir, 'push', '-q', '--force', path.join(base, `r${String(i).padStart(3, '0')}.git`), 'main');
      }
    },
    async stop() {
      await relay.stop();
      await daemon.stop();
    },
  };
}
