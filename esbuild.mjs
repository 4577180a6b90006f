// Builds the two bundles: dist/extension.js (for VS Code) and dist/cli.js (the genai-assets command), and the
// libraries they load lazily on first use (dist/vendor/*.js: YAML, ajv, the template engines, the tokenizer, git).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);

const production = process.argv.includes('--production');
/** Where the bundles go (default dist/; the benchmark builds into a folder of its own with --outdir DIR). */
const outdirArg = process.argv.indexOf('--outdir');
const outdir = outdirArg > 0 ? process.argv[outdirArg + 1] : 'dist';
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

/**
 * Libraries kept out of the main bundles, by vendor chunk: each is built into dist/vendor/<chunk>.js and
 * required only when one of its exports is first read, so that loading the extension (activation) or the
 * CLI costs only our own code. A chunk holds libraries that must share one copy (ajv and ajv-formats).
 */
const vendorChunks = {
  yaml: ['yaml', 'js-yaml'],
  ajv: ['ajv/dist/2020', 'ajv-formats'],
  templates: ['handlebars', 'nunjucks', 'mustache'],
  tokenizer: ['gpt-tokenizer/encoding/o200k_base'],
  git: ['simple-git'],
  semver: ['semver'],
};
const chunkOf = new Map(Object.entries(vendorChunks).flatMap(([chunk, specs]) => specs.map((s) => [s, chunk])));

/**
 * The source of a stand-in module whose exports `keys` are read from `loadExpr` on first use.
 * The getters sit on the prototype: esbuild's interop helper copies a CommonJS module's own
 * properties one by one when it is imported, and a stand-in with none costs nothing to import.
 */
function standIn(loadExpr, keys, esModule) {
  return `let mod;
const load = () => (mod ??= ${loadExpr});
const proto = {};
for (const k of ${JSON.stringify(keys)}) Object.defineProperty(proto, k, { enumerable: true, get: () => load()[k] });
module.exports = Object.create(proto${esModule ? ', { __esModule: { value: true } }' : ''});
`;
}

/**
 * Replaces `import ... from '<lazy library>'` by a stand-in whose exports are getters that require the
 * vendor chunk on first read (esbuild reads imported names at their use sites, so nothing loads before).
 * The export names are taken from the library itself at build time.
 */
const lazyVendors = {
  name: 'lazy-vendors',
  setup(build) {
    const filter = new RegExp(`^(${[...chunkOf.keys()].map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-vendor' }));
    build.onResolve({ filter: /^\.\/vendor\//, namespace: 'lazy-vendor' }, (args) => ({ path: args.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-vendor' }, (args) => {
      const real = require(args.path);
      const keys = Object.getOwnPropertyNames(real).filter((k) => k !== '__esModule' && !(typeof real === 'function' && ['length', 'name', 'prototype', 'arguments', 'caller'].includes(k)));
      return { loader: 'js', contents: standIn(`require('./vendor/${chunkOf.get(args.path)}.js')[${JSON.stringify(args.path)}]`, keys, !!real.__esModule) };
    });
  },
};

/** Every module of the engine (src/core, src/node), by '/'-separated path: what dist/engine.js holds. */
const engineModules = fs
  .readdirSync('src', { recursive: true })
  .map((f) => String(f).split(path.sep).join('/'))
  .filter((f) => /^(core|node)\/.*\.ts$/.test(f) && !f.endsWith('.d.ts'))
  .map((f) => `src/${f}`)
  .sort();

/** The value exports of each engine module (type-only exports are gone after esbuild's TypeScript pass). */
async function engineExports() {
  const r = await esbuild.build({ entryPoints: engineModules, outdir: 'dist/.exports', outbase: '.', bundle: false, format: 'esm', write: false, metafile: true, logLevel: 'error' });
  const out = new Map();
  for (const o of Object.values(r.metafile.outputs)) if (o.entryPoint) out.set(o.entryPoint, o.exports);
  return out;
}

/**
 * The extension's engine split: every import of an engine module from the editor layer (src/extension.ts,
 * src/vscode) becomes a stand-in whose exports are getters that require dist/engine.js on first read, so
 * activation compiles only the editor layer. dist/engine.js holds the whole engine, each module under its path.
 */
function lazyEngine(exportsByModule) {
  return {
    name: 'lazy-engine',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.namespace !== 'file' || !args.importer) return undefined;
        const importer = path.relative('.', args.importer).split(path.sep).join('/');
        if (!/^src\/(extension\.ts|vscode\/)/.test(importer)) return undefined;
        const base = path.relative('.', path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
        const target = [`${base}.ts`, `${base}/index.ts`].find((f) => exportsByModule.has(f));
        return target ? { path: target, namespace: 'lazy-engine' } : undefined;
      });
      // Node built-ins that are not in Node's startup snapshot cost a compile on first require: defer them too.
      build.onResolve({ filter: /^node:(crypto|child_process|worker_threads)$/ }, (args) =>
        args.namespace === 'file' && /^src\/(extension\.ts|vscode\/)/.test(path.relative('.', args.importer).split(path.sep).join('/')) ? { path: args.path, namespace: 'lazy-builtin' } : undefined,
      );
      build.onResolve({ filter: /^node:/, namespace: 'lazy-builtin' }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
        return { loader: 'js', contents: standIn(`require(${JSON.stringify(args.path)})`, Object.keys(require(args.path)), false) };
      });
      build.onResolve({ filter: /^\.\/engine\.js$/, namespace: 'lazy-engine' }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-engine' }, (args) => {
        return { loader: 'js', contents: standIn(`require('./engine.js')[${JSON.stringify(args.path)}]`, exportsByModule.get(args.path), true) };
      });
    },
  };
}

const exportsByModule = await engineExports();

/**
 * yaml reads `process.env.LOG_TOKENS` for every token and `LOG_STREAM` for every document (debug
 * switches): each read of process.env is a call into the runtime, a sixth of the time of parsing a
 * small file. The bundled copy has the switches off.
 */
const yamlDebugSwitchesOff = {
  name: 'yaml-debug-switches-off',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, (args) => ({
      loader: 'js',
      contents: fs.readFileSync(args.path, 'utf8').replace(/node_process\.env\.LOG_(TOKENS|STREAM)/g, 'false'),
    }));
  },
};

const entries = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'], plugins: [lazyEngine(exportsByModule), lazyVendors] },
  {
    ...common,
    stdin: { contents: engineModules.map((m) => `exports[${JSON.stringify(m)}] = require(${JSON.stringify(`./${m}`)});`).join('\n'), resolveDir: '.', sourcefile: 'engine.js' },
    outfile: `${outdir}/engine.js`,
    external: ['vscode'],
    plugins: [lazyVendors],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${outdir}/cli.js`,
    external: ['vscode'],
    banner: { js: '#!/usr/bin/env node' },
    plugins: [lazyVendors],
  },
  // The parse pool's worker (src/node/parsePool.ts starts it from dist/parseWorker.js).
  { ...common, entryPoints: ['src/node/parseWorker.ts'], outfile: `${outdir}/parseWorker.js`, plugins: [lazyVendors] },
  ...Object.entries(vendorChunks).map(([chunk, specs]) => ({
    ...common,
    stdin: { contents: specs.map((s) => `exports[${JSON.stringify(s)}] = require(${JSON.stringify(s)});`).join('\n'), resolveDir: '.', sourcefile: `vendor-${chunk}.js` },
    outfile: `${outdir}/vendor/${chunk}.js`,
    plugins: [yamlDebugSwitchesOff],
  })),
];

if (watch) {
  for (const options of entries) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(entries.map((options) => esbuild.build(options)));
}
