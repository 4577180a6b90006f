// Activation figures: time to require the built extension bundle in a fresh Node process, with a stub `vscode` module,
// then to run its activate() against a stub context (what it loads on the way counts: a build may defer code to activate()).
// Usage: node test/bench/activation.cjs [dist/extension.js]
//   (prints one JSON line: { requireMs, activateMs, bundleBytes, loadedFiles }; activateMs is null, with activateError, when activate() threw)
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: it hooks require() before the bundle loads */

const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

/** A stand-in for any vscode API value: callable, constructible, extendable, and every property is another stand-in. */
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'prototype') return t.prototype;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'then') return undefined;
      if (!(prop in t)) t[prop] = stub(`${name}.${String(prop)}`);
      return t[prop];
    },
    apply: () => value(`${name}()`),
    construct: () => value(`new ${name}`),
  });
}

/** What a call or `new` of a stand-in gives: an object whose own properties can be set (a status bar item's text...), the others stand-ins. */
function value(name) {
  return new Proxy(
    {},
    {
      get(t, prop) {
        if (prop in t || typeof prop === 'symbol' || prop === 'then') return t[prop];
        return (t[prop] = stub(`${name}.${prop}`));
      },
    },
  );
}

// esbuild's __toESM copies own properties onto an object of the module's prototype: give it the stub as prototype.
const vscode = Object.create(stub('vscode'));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const bundle = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'dist', 'extension.js'));
const before = new Set(Object.keys(require.cache));
const t0 = process.hrtime.bigint();
const ext = require(bundle);
const requireMs = Number(process.hrtime.bigint() - t0) / 1e6;
if (typeof ext.activate !== 'function') throw new Error(`${bundle} exports no activate()`);

// activate() with a context whose storage folders do not exist (activation must not create them).
const nowhere = path.join(os.tmpdir(), `genai-bench-activation-${process.pid}`);
const folder = (p) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` });
const context = Object.assign(value('context'), {
  subscriptions: [],
  extensionPath: path.dirname(path.dirname(bundle)),
  extensionUri: folder(path.dirname(path.dirname(bundle))),
  globalStorageUri: folder(path.join(nowhere, 'global')),
  storageUri: undefined,
  logUri: folder(path.join(nowhere, 'log')),
  extension: { packageJSON: { version: '0.0.0-bench' } },
});
let activateMs = null;
let activateError;
const t1 = process.hrtime.bigint();
try {
  ext.activate(context);
  activateMs = Math.round((Number(process.hrtime.bigint() - t1) / 1e6) * 100) / 100;
} catch (e) {
  activateError = String(e?.message ?? e).split('\n')[0];
}
const loaded = Object.keys(require.cache).filter((k) => !before.has(k) && k !== 'vscode');
fs.writeSync(
  1,
  JSON.stringify({
    requireMs: Math.round(requireMs * 100) / 100,
    activateMs,
    activateError,
    bundleBytes: fs.statSync(bundle).size,
    loadedFiles: loaded.map((f) => path.relative(path.dirname(bundle), f)),
  }) + '\n',
);
// What activate() started (timers, watchers, promises) is not part of the figure.
process.exit(0);
