// Builds the two bundles: dist/extension.js (for VS Code) and dist/cli.js (the genai-assets command), and the
// libraries they load lazily on first use (dist/vendor/*.js: YAML, ajv, the template engines, the tokenizer, git).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { thirdPartyNotices } from './scripts/lib/thirdPartyNotices.mjs';

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
  // Licence comments are left out of the bundles: dist/THIRD_PARTY_NOTICES.txt (thirdPartyNotices) holds the licences instead.
  legalComments: 'none',
  // Which files each output holds: the packages thirdPartyNotices lists.
  metafile: true,
};

/**
 * Libraries kept out of the main bundles, by vendor chunk: each is built into dist/vendor/<chunk>.js and
 * required only when one of its exports is first read, so that loading the extension (activation) or the
 * CLI costs only our own code. A chunk holds libraries that must share one copy (ajv and ajv-formats).
 */
const vendorChunks = {
  yaml: ['yaml'],
  ajv: ['ajv/dist/2020', 'ajv-formats'],
  // RE2 for template parameter patterns: loaded only when a template's schema has one.
  re2js: ['re2js'],
  // One chunk per template engine (they share no code): a Dotprompt file loads Handlebars alone.
  handlebars: ['handlebars'],
  nunjucks: ['nunjucks'],
  mustache: ['mustache'],
  // One chunk per encoding: counting a prompt loads only its model's encoding.
  tokenizer: ['gpt-tokenizer/encoding/o200k_base'],
  'tokenizer-cl100k': ['gpt-tokenizer/encoding/cl100k_base'],
  semver: ['semver'],
};
/**
 * The schema validators compiled ahead by scripts/schemaValidators.mjs, by vendor file: ours (~300 KB of code, the first
 * validation loads it) and promptfoo's (~800 KB, the first promptfoo file loads it).
 */
const generatedValidators = {
  'schema-validators': 'schemas/validators.generated.cjs',
  'promptfoo-schema': 'schemas/vendor/promptfoo/validator.generated.cjs',
};
const chunkOf = new Map(Object.entries(vendorChunks).flatMap(([chunk, specs]) => specs.map((s) => [s, chunk])));

/**
 * The source of a stand-in module whose exports `keys` are read from `loadExpr` on first use.
 * The getters sit on the prototype: esbuild's interop helper copies a CommonJS module's own
 * properties one by one when it is imported, and a stand-in with none costs nothing to import.
 */
function standIn(loadExpr, keys, esModule) {
  // Once loaded, the getters give way to the values: later reads are plain property reads (a hot loop of
  // isMap/isScalar calls paid a getter and the load check on every call).
  return `let mod;
const keys = ${JSON.stringify(keys)};
const proto = {};
const load = () => {
  if (!mod) {
    mod = ${loadExpr};
    for (const k of keys) Object.defineProperty(proto, k, { enumerable: true, value: mod[k] });
  }
  return mod;
};
for (const k of keys) Object.defineProperty(proto, k, { enumerable: true, configurable: true, get: () => load()[k] });
module.exports = Object.create(proto${esModule ? ', { __esModule: { value: true } }' : ''});
`;
}

/** The export names of a library, taken from the library itself at build time (those of a function's own are left out). */
function exportNames(real) {
  return Object.getOwnPropertyNames(real).filter((k) => k !== '__esModule' && !(typeof real === 'function' && ['length', 'name', 'prototype', 'arguments', 'caller'].includes(k)));
}

/**
 * The plugin that turns imports into stand-ins (see standIn), so that a file is required when one of its exports is first read
 * (esbuild reads imported names at their use sites, so nothing loads before):
 * - an import of a lazy library from our code becomes a stand-in for its vendor chunk, in `vendorDir` (the vendor folder as
 *   seen from the output file: './vendor/' for the bundles in dist/). A bundled package's own imports keep the real module
 *   (the MCP SDK's `ajv-formats`, called as a function);
 * - an import of one of our modules (a 'src/...' path) becomes a stand-in for `homeOf(module, importer)`, the require
 *   expression of the file that holds it, when there is one (undefined: the module is bundled in the file being built);
 * - an import of a Node built-in that is not in Node's startup snapshot (each costs a compile on first require) becomes a
 *   stand-in for it when `deferBuiltins(importer)` says so.
 * The validators compiled ahead (generated code) are files of their own in the vendor folder, required where the engine
 * requires them (on the first validation), not parsed with every bundle.
 */
function standIns(vendorDir, homeOf = () => undefined, deferBuiltins = () => false) {
  const vendorFilter = new RegExp(`^(${[...chunkOf.keys()].map((s) => s.replace(/[/.]/g, '\\$&')).join('|')})$`);
  const standInOf = (path, load, keys, esModule) => ({ path, namespace: 'stand-in', pluginData: { load, keys, esModule } });
  return {
    name: 'stand-ins',
    setup(build) {
      build.onResolve({ filter: vendorFilter }, (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.importer)) return undefined;
        const real = require(args.path);
        return standInOf(args.path, `require('${vendorDir}${chunkOf.get(args.path)}.js')[${JSON.stringify(args.path)}]`, exportNames(real), !!real.__esModule);
      });
      build.onResolve({ filter: /\.generated\.cjs$/ }, (args) => {
        const file = path.relative('.', path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
        const chunk = Object.keys(generatedValidators).find((c) => generatedValidators[c] === file);
        return chunk ? { path: `${vendorDir}${chunk}.js`, external: true } : undefined;
      });
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.namespace !== 'file' || !args.importer) return undefined;
        const base = path.relative('.', path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
        const target = [`${base}.ts`, `${base}/index.ts`].find((f) => allExports.has(f));
        const load = target && homeOf(target, args.importer);
        return load ? standInOf(target, load, allExports.get(target), true) : undefined;
      });
      build.onResolve({ filter: heavyBuiltins }, (args) =>
        args.namespace === 'file' && deferBuiltins(args.importer) ? standInOf(args.path, `require(${JSON.stringify(args.path)})`, Object.keys(require(args.path)), false) : undefined,
      );
      // What a stand-in requires is another file (or a built-in), not bundled.
      build.onResolve({ filter: /.*/, namespace: 'stand-in' }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'stand-in' }, ({ pluginData: { load, keys, esModule } }) => ({ loader: 'js', contents: standIn(load, keys, esModule) }));
    },
  };
}

/** The modules of src/ whose path (relative to src, '/'-separated) matches `re`, as 'src/...' paths. */
function modulesOf(re) {
  return fs
    .readdirSync('src', { recursive: true })
    .map((f) => String(f).split(path.sep).join('/'))
    .filter((f) => re.test(f) && f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => `src/${f}`)
    .sort();
}

/** Every module of the engine (src/core, src/node, src/app), by '/'-separated path: what dist/engine.js holds. */
const engineModules = modulesOf(/^(core|node|app)\//);

/** The modules of the CLI's split build (see cliHome): the engine and src/cli. */
const cliModules = modulesOf(/^(core|node|app|cli)\//);

/** The value exports of each module (type-only exports are gone after esbuild's TypeScript pass). */
async function moduleExports(modules) {
  const r = await esbuild.build({ entryPoints: modules, outdir: 'dist/.exports', outbase: '.', bundle: false, format: 'esm', write: false, metafile: true, logLevel: 'error' });
  const out = new Map();
  for (const o of Object.values(r.metafile.outputs)) if (o.entryPoint) out.set(o.entryPoint, o.exports);
  return out;
}

/**
 * The modules of src/ that each of `modules` imports values from (type-only imports are gone after esbuild's TypeScript pass);
 * with `staticOnly`, not those it reaches by import().
 */
async function moduleImports(modules, staticOnly = false) {
  const r = await esbuild.build({ entryPoints: modules, outdir: 'dist/.imports', outbase: '.', bundle: false, format: 'esm', write: false, metafile: true, logLevel: 'error' });
  const out = new Map();
  for (const o of Object.values(r.metafile.outputs)) {
    if (!o.entryPoint) continue;
    const bases = o.imports.filter((i) => i.path.startsWith('.') && !(staticOnly && i.kind === 'dynamic-import')).map((i) => path.posix.join(path.posix.dirname(o.entryPoint), i.path));
    out.set(o.entryPoint, bases.map((b) => [`${b}.ts`, `${b}/index.ts`].find((f) => fs.existsSync(f))).filter(Boolean));
  }
  return out;
}

/** Node built-ins that are not in Node's startup snapshot (each costs a compile on first require). */
const heavyBuiltins = /^node:(crypto|child_process|worker_threads|readline)$/;

/** Whether an importer (an absolute path) is a module of the editor layer: src/extension.ts or src/vscode/. */
const inEditor = (importer) => /^src\/(extension\.ts|vscode\/)/.test(path.relative('.', importer).split(path.sep).join('/'));

/**
 * The modules a warm `list` runs, bundled together into dist/cli/warm.js: one file to read and compile instead of one each. They are
 * what the list command imports statically; where a command must build a catalog (the parsers, the checks), the code imports with
 * import() (library/gitLibrary.ts, core/checks/stages.ts), and what that reaches is in files of its own, as every other module is.
 */
const warmModules = new Set(['src/cli/commands/list.ts']);
const staticImportsOf = await moduleImports(cliModules, true);
for (const m of warmModules) for (const i of staticImportsOf.get(m) ?? []) warmModules.add(i);

/** File name of a module in dist/cli/: its path under src with dots for slashes ('core.library.load.js'). */
function cliFileOf(module) {
  return `${module
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .split('/')
    .join('.')}.js`;
}

/** How a module of dist/cli/ is required from a file in `dir` (dist/cli/ as seen from that file). */
function cliRequire(module, dir) {
  return warmModules.has(module) ? `require('${dir}warm.js')[${JSON.stringify(module)}]` : `require('${dir}${cliFileOf(module)}')`;
}

/**
 * Writes `file` after every build (watch rebuilds included): the CLI's engine stamp (engineStamp in
 * src/cli/libraries.ts) is its size and time, so caches written by another build are not trusted.
 * The stamp must change whenever any module does, whichever files a (watch) rebuild rewrites.
 */
function buildStamp(file) {
  return {
    name: 'build-stamp',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length) return;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify({ built: new Date().toISOString(), production })}\n`);
      });
    },
  };
}

/** The CLI's build stamp: every build of a part of the CLI writes it. */
const cliStamp = `${outdir}/cli/build-stamp.json`;

/** The editor layer: src/extension.ts and src/vscode. */
const editorModules = modulesOf(/^(extension\.ts$|vscode\/)/);
/** The command modules (src/vscode/commands but the command table, which activation registers): dist/commands.js, loaded when a command first runs. */
const commandModules = new Set(editorModules.filter((m) => m.startsWith('src/vscode/commands/') && m !== 'src/vscode/commands/table.ts'));
/** The modules of the rest of the editor layer that the command modules import: dist/extension.js exposes them to dist/commands.js as `editorModules`. */
const commandImports = await moduleImports([...commandModules]);
const sharedModules = [...new Set([...commandImports.values()].flat())].filter((m) => editorModules.includes(m) && !commandModules.has(m)).sort();

const allExports = await moduleExports([...cliModules, ...editorModules]);
const engineSet = new Set(engineModules);
/** Where an engine module is read from by the editor layer's bundles. */
const engineHome = (m) => (engineSet.has(m) ? `require('./engine.js')[${JSON.stringify(m)}]` : undefined);
/** Where the extension's bundle reads a module kept out of it: the engine's, and the command modules. */
const extensionHome = (m) => engineHome(m) ?? (commandModules.has(m) ? `require('./commands.js')[${JSON.stringify(m)}]` : undefined);
/** Where dist/commands.js reads a module kept out of it: the engine's, and the rest of the editor layer (dist/extension.js, loaded before any command runs). */
const commandsHome = (m) => engineHome(m) ?? (sharedModules.includes(m) ? `require('./extension.js').editorModules[${JSON.stringify(m)}]` : undefined);
/** The modules of dist/cli/: all but the entry (bundled into dist/cli.js) and the parse worker (bundled whole). */
const splitModules = cliModules.filter((m) => m !== 'src/cli/main.ts' && m !== 'src/node/parseWorker.ts');
const splitSet = new Set(splitModules);

/**
 * The CLI's split: every import of one of our modules (src/core, src/node, src/cli) is a stand-in for that module's own file in
 * dist/cli/, or for dist/cli/warm.js, and the slow built-ins are deferred the same way. A command thus compiles and runs only the
 * modules it uses: `list` on a cached catalog never loads the parsers or the checks. Each module is in one file only, so each
 * exists once (classes, caches). `dir` is dist/cli/ as seen from the output file; the modules in `bundled` (those of the file
 * being built) are bundled.
 */
const cliHome =
  (dir, bundled = new Set()) =>
  (m) =>
    splitSet.has(m) && !bundled.has(m) ? cliRequire(m, dir) : undefined;
const always = () => true;
/**
 * The extension's split: every import from the editor layer (src/extension.ts, src/vscode) of a module that lives in another
 * file is a stand-in for it (`home` gives its require expression: 'require(\'./engine.js\')["src/core/..."]'), and so is every
 * slow built-in it imports. So dist/extension.js compiles only what activation runs: the engine is in dist/engine.js, loaded at
 * the first library read, and the command modules in dist/commands.js, loaded when a command first runs (their imports of the
 * rest of the editor layer read dist/extension.js's `editorModules`: each module exists once).
 */
const editorHome = (home) => (m, importer) => (inEditor(importer) ? home(m) : undefined);

/** The input of a bundle that holds `modules` (our 'src/...' modules or packages) and exports each under its name: what another file's stand-in reads. */
function moduleTable(modules, sourcefile) {
  const specOf = (m) => (m.startsWith('src/') ? `./${m}` : m);
  return { contents: modules.map((m) => `exports[${JSON.stringify(m)}] = require(${JSON.stringify(specOf(m))});`).join('\n'), resolveDir: '.', sourcefile };
}

// dist/cli/ holds one file per module: files of modules that moved (into warm.js, or out of the tree) must not stay behind.
if (!watch) fs.rmSync(`${outdir}/cli`, { recursive: true, force: true });

const entries = [
  // dist/extension.js: src/extension.ts (activate, deactivate) and the modules dist/commands.js imports from the editor layer.
  {
    ...common,
    stdin: {
      contents: [
        "export { activate, deactivate } from './src/extension';",
        ...sharedModules.map((m, i) => `import * as m${i} from ${JSON.stringify(`./${m}`)};`),
        `export const editorModules = { ${sharedModules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ')} };`,
      ].join('\n'),
      resolveDir: '.',
      sourcefile: 'extension.js',
    },
    outfile: `${outdir}/extension.js`,
    external: ['vscode'],
    plugins: [standIns('./vendor/', editorHome(extensionHome), inEditor)],
  },
  {
    ...common,
    stdin: moduleTable([...commandModules], 'commands.js'),
    outfile: `${outdir}/commands.js`,
    external: ['vscode'],
    plugins: [standIns('./vendor/', editorHome(commandsHome), inEditor)],
  },
  {
    ...common,
    stdin: moduleTable(engineModules, 'engine.js'),
    outfile: `${outdir}/engine.js`,
    external: ['vscode'],
    plugins: [standIns('./vendor/')],
  },
  // The CLI: dist/cli.js is src/cli/main.ts alone; the modules it uses are in dist/cli/, one file each (cliHome).
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${outdir}/cli.js`,
    external: ['vscode'],
    banner: { js: '#!/usr/bin/env node' },
    plugins: [standIns('./vendor/', cliHome('./cli/'), always), buildStamp(cliStamp)],
  },
  {
    ...common,
    entryPoints: Object.fromEntries(splitModules.filter((m) => !warmModules.has(m)).map((m) => [cliFileOf(m).replace(/\.js$/, ''), m])),
    outdir: `${outdir}/cli`,
    external: ['vscode'],
    plugins: [standIns('../vendor/', cliHome('./'), always), buildStamp(cliStamp)],
  },
  {
    ...common,
    stdin: moduleTable([...warmModules], 'warm.js'),
    outfile: `${outdir}/cli/warm.js`,
    external: ['vscode'],
    plugins: [standIns('../vendor/', cliHome('./', warmModules), always), buildStamp(cliStamp)],
  },
  // The CLI's parse pool (dist/cli/node.parsePool.js) starts the worker next to it.
  { ...common, entryPoints: ['src/node/parseWorker.ts'], outfile: `${outdir}/cli/parseWorker.js`, plugins: [standIns('../vendor/'), buildStamp(cliStamp)] },
  ...Object.entries(generatedValidators).map(([chunk, file]) => ({ ...common, entryPoints: [file], outfile: `${outdir}/vendor/${chunk}.js` })),
  ...Object.entries(vendorChunks).map(([chunk, specs]) => ({
    ...common,
    stdin: moduleTable(specs, `vendor-${chunk}.js`),
    outfile: `${outdir}/vendor/${chunk}.js`,
    // yaml's ES module build (its `default` export condition): the same parser without the Node build's debug
    // switches, read from process.env at every token (a quarter of the time of parsing a small file). The path
    // is inside the package: package.json pins yaml to an exact version.
    alias: { yaml: './node_modules/yaml/browser/index.js' },
  })),
];

if (watch) {
  for (const options of entries) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  const results = await Promise.all(entries.map((options) => esbuild.build(options)));
  fs.writeFileSync(`${outdir}/THIRD_PARTY_NOTICES.txt`, thirdPartyNotices(results.map((r) => r.metafile)));
  // dist/vendor/ holds one file per chunk: the file of a chunk no longer built must not stay behind (the VSIX and the CLI
  // package take every dist/vendor/*.js there is). Removed after the build, so that the folder is never without its files.
  const built = new Set([...Object.keys(vendorChunks), ...Object.keys(generatedValidators)].flatMap((chunk) => [`${chunk}.js`, `${chunk}.js.map`]));
  for (const f of fs.readdirSync(`${outdir}/vendor`)) if (!built.has(f)) fs.rmSync(`${outdir}/vendor/${f}`, { force: true });
}
