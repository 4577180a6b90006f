// Activation figure: time to require the built extension bundle in a fresh Node process, with a stub `vscode` module.
// Usage: node test/bench/activation.cjs [dist/extension.js]   (prints one JSON line: { requireMs, bundleBytes, loadedFiles })
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: it hooks require() before the bundle loads */

const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');

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
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
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
const loaded = Object.keys(require.cache).filter((k) => !before.has(k) && k !== 'vscode');
process.stdout.write(
  JSON.stringify({ requireMs: Math.round(requireMs * 100) / 100, bundleBytes: fs.statSync(bundle).size, loadedFiles: loaded.map((f) => path.relative(path.dirname(bundle), f)) }) + '\n',
);
