// The naive baseline of the index figures: read every file, yaml.parseDocument every manifest and front matter, ajv on the manifests.
// Usage: node test/bench/naive.mjs LIBRARY_DIR   (prints one JSON line: { files, yamlDocuments, manifests, invalid, ms })

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { parseDocument } from 'yaml';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const started = performance.now();
const root = path.resolve(process.argv[2] ?? '.');
const schemaDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'schemas');
const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(ajv);
const validators = {
  'asset.yaml': ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'asset.schema.json'), 'utf8'))),
  'library.yaml': ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, 'library.schema.json'), 'utf8'))),
};

let files = 0;
let yamlDocuments = 0;
let manifests = 0;
let invalid = 0;
const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) walk(abs);
    else if (e.isFile()) visit(abs, e.name);
  }
}

function visit(abs, name) {
  const text = readFileSync(abs, 'utf8');
  files++;
  let yamlText;
  if (/\.ya?ml$/i.test(name)) yamlText = text;
  else if (/\.(prompt|prompty|md)$/i.test(name)) yamlText = frontMatter.exec(text)?.[1];
  if (yamlText === undefined) return;
  const doc = parseDocument(yamlText);
  yamlDocuments++;
  const validate = validators[name];
  if (validate) {
    manifests++;
    if (!validate(doc.toJS())) invalid++;
  }
}

walk(root);
process.stdout.write(JSON.stringify({ files, yamlDocuments, manifests, invalid, ms: Math.round(performance.now() - started) }) + '\n');
