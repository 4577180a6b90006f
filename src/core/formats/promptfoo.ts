// promptfoo eval suites (promptfooconfig.yaml, or an eval asset's entry): prompts, providers, test cases and their vars.

import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { Range } from '../diagnostics';
import { validatorFor } from '../schemas';
import type { TextDocument } from '../text/textDocument';
import { YamlSource } from '../yaml/yamlDocument';
import type { YamlPath } from '../yaml/yamlDocument';
import type { CatalogLevel, EvalSuite, EvalTest, InputInsertion, ModelUse, ParsedFile } from './types';
import { afterLine } from '../text/edits';
import { isObj } from '../guards';
import type { FormatModule } from './registry';

/** promptfoo eval suites: `promptfooconfig.yaml`, or YAML with top-level `prompts:` and `tests:` or `providers:`. */
export const promptfooFormat: FormatModule<'promptfoo'> = {
  id: 'promptfoo',
  label: 'promptfoo eval suite',
  files: [{ name: 'promptfooconfig.yaml' }, { name: 'promptfooconfig.yml' }],
  sniff: (head) => /^prompts\s*:/m.test(head) && /^(tests|providers)\s*:/m.test(head),
  parse: parsePromptfoo,
  yaml: { in: 'file', schema: 'promptfoo' },
  // A promptfooconfig.yaml is named by its folder.
  assetStem: (path) => {
    const segs = path.split('/');
    return /^promptfooconfig\.ya?ml$/i.test(segs[segs.length - 1]) ? segs[segs.length - 2] || 'promptfoo' : undefined;
  },
};

type Obj = Record<string, unknown>;

/** Parses a promptfoo configuration into `file.evalSuite` (and `file.models`, `file.links`). */
export function parsePromptfoo(file: ParsedFile, doc: TextDocument, level: CatalogLevel = 'full'): void {
  const full = level === 'full';
  const y = new YamlSource(doc, file.path, 0, doc.text.length);
  file.diagnostics.push(...y.diagnostics);
  if (!y.ok) return;
  const value = y.value ?? {};
  if (full) file.diagnostics.push(...y.validate(validatorFor('promptfoo'), { value, what: 'the eval suite' }));
  if (!isObj(value)) return;
  const v = value;
  if (typeof v.description === 'string') file.meta.description = v.description;
  file.templateLanguage = 'none';

  const suite: EvalSuite = { prompts: [], providers: [], tests: [], defaultVars: [] };
  suite.providers.push(...readProviders(y, ['providers'], v.providers), ...readProviders(y, ['targets'], v.targets));
  file.evalSuite = suite;
  file.models = suite.providers;
  if (!full) return;
  suite.prompts = readPrompts(y, v.prompts);

  if (isObj(v.defaultTest) && isObj(v.defaultTest.vars)) suite.defaultVars.push(...Object.keys(v.defaultTest.vars));
  suite.tests.push(...readTests(y, ['tests'], v.tests));
  if (Array.isArray(v.scenarios)) {
    v.scenarios.forEach((s, i) => {
      if (!isObj(s)) return;
      // Each scenario config supplies vars crossed with its tests: count them as defaults.
      if (Array.isArray(s.config)) {
        for (const c of s.config) if (isObj(c) && isObj(c.vars)) for (const k of Object.keys(c.vars)) if (!suite.defaultVars.includes(k)) suite.defaultVars.push(k);
      }
      suite.tests.push(...readTests(y, ['scenarios', i, 'tests'], s.tests));
    });
  }
  file.links = fileLinks(y);
}

function readPrompts(y: YamlSource, prompts: unknown): EvalSuite['prompts'] {
  if (typeof prompts === 'string') return [{ value: prompts, range: y.valueRange(['prompts']) }];
  if (Array.isArray(prompts)) {
    return prompts.flatMap((p, i) => {
      if (typeof p === 'string') return [{ value: p, range: y.valueRange(['prompts', i]) }];
      if (isObj(p)) {
        const key = ['raw', 'id', 'label'].find((k) => typeof p[k] === 'string');
        if (key) return [{ value: p[key] as string, range: y.valueRange(['prompts', i, key]) }];
      }
      return [];
    });
  }
  // { "file://path": "label" }
  if (isObj(prompts)) return y.keys(['prompts']).map((k) => ({ value: k.key, range: k.range }));
  return [];
}

/** Providers as model uses: `openai:gpt-4.1`, `{ id, config }`, or `{ "openai:gpt-4.1": { config } }`. */
function readProviders(y: YamlSource, path: YamlPath, providers: unknown): ModelUse[] {
  const one = (p: unknown, at: YamlPath): ModelUse[] => {
    if (typeof p === 'string') return p.trim() ? [{ id: p.trim(), range: y.valueRange(at), parameters: [] }] : [];
    if (!isObj(p)) return [];
    if (typeof p.id === 'string') {
      const parameters = isObj(p.config) ? y.keys([...at, 'config']).map((k) => ({ name: k.key, range: k.range })) : [];
      return [{ id: p.id, range: y.valueRange([...at, 'id']), parameters }];
    }
    const keys = y.keys(at);
    if (keys.length === 1 && isObj(p[keys[0].key])) {
      const inner = p[keys[0].key] as Obj;
      const parameters = isObj(inner.config) ? y.keys([...at, keys[0].key, 'config']).map((k) => ({ name: k.key, range: k.range })) : [];
      return [{ id: typeof inner.id === 'string' ? inner.id : keys[0].key, range: keys[0].range, parameters }];
    }
    return [];
  };
  if (Array.isArray(providers)) return providers.flatMap((p, i) => one(p, [...path, i]));
  return one(providers, path);
}

/** Test cases with their vars; tests or vars loaded from files or generators are opaque. */
function readTests(y: YamlSource, path: YamlPath, tests: unknown): EvalTest[] {
  if (typeof tests === 'string') return [{ range: y.valueRange(path), vars: [], opaqueVars: true }];
  if (isObj(tests)) return [{ range: y.keyRange([...path, Object.keys(tests)[0] ?? '']), vars: [], opaqueVars: true }];
  if (!Array.isArray(tests)) return [];
  const out: EvalTest[] = [];
  tests.forEach((t, i) => {
    const at = [...path, i];
    if (typeof t === 'string') {
      out.push({ range: y.valueRange(at), vars: [], opaqueVars: true });
      return;
    }
    if (!isObj(t)) return;
    const head = y.keys(at)[0]?.range ?? y.valueRange(at);
    const test: EvalTest = { range: 'vars' in t ? y.keyRange([...at, 'vars']) : head, vars: [] };
    if (typeof t.description === 'string') test.description = t.description;
    if ('path' in t) test.opaqueVars = true;
    if (isObj(t.vars)) {
      for (const k of y.keys([...at, 'vars'])) test.vars.push({ name: k.key, value: t.vars[k.key], range: k.range });
    } else if (t.vars !== undefined && t.vars !== null) {
      test.opaqueVars = true;
    }
    if (!test.opaqueVars) {
      const newVar = varInsertion(y, at);
      if (newVar) test.newVar = newVar;
    }
    out.push(test);
  });
  return out;
}

/**
 * Where a new var goes in the test case at `at`, keeping the file's layout: after the last
 * var of a block `vars`, inside the braces of a flow one, under an empty `vars:`, or a new
 * `vars:` after the test's last field. Undefined for a flow-style test case.
 */
function varInsertion(y: YamlSource, at: YamlPath): InputInsertion | undefined {
  const test = y.node(at);
  if (!isMap(test) || test.flow || !test.items.length) return undefined;
  const doc = y.text;
  const t = doc.text;
  const eol = doc.eol;
  const vars = y.pair([...at, 'vars']);
  const vKey = vars?.key as Node | undefined;
  const value = vars?.value as Node | null | undefined;
  if (vars && vKey?.range) {
    if (isMap(value) && value.range) {
      if (value.flow) {
        // `vars: { a: 1 }`: before the closing brace.
        const close = t.lastIndexOf('}', y.start + value.range[1] - 1);
        if (close < y.start + value.range[0]) return undefined;
        const at = endOfContent(t, close);
        return { range: doc.rangeOf(at, at), indent: '', line: value.items.length ? ', ${name}' : '${name}' };
      }
      const first = (value.items[0] as Pair).key as Node | undefined;
      if (!first?.range) return undefined;
      const end = afterLine(t, y.start + value.range[1]);
      return { range: doc.rangeOf(end, end), indent: indentOf(t, y.start + first.range[0]), header: lineBreakBefore(t, end, eol), line: '${name}' + eol };
    }
    if (value === null || value === undefined || (isScalar(value) && value.value === null)) {
      // `vars:` with nothing under it.
      const end = afterLine(t, y.start + vKey.range[1]);
      return { range: doc.rangeOf(end, end), indent: indentOf(t, y.start + vKey.range[0]) + '  ', header: lineBreakBefore(t, end, eol), line: '${name}' + eol };
    }
    return undefined;
  }
  const first = (test.items[0] as Pair).key as Node | undefined;
  if (!first?.range || !test.range) return undefined;
  const indent = indentOf(t, y.start + first.range[0]);
  const end = afterLine(t, y.start + test.range[1]);
  return { range: doc.rangeOf(end, end), indent: indent + '  ', header: lineBreakBefore(t, end, eol) + indent + 'vars:' + eol, line: '${name}' + eol };
}

/** A line break when `offset` is the end of a text whose last line has none. */
function lineBreakBefore(t: string, offset: number, eol: string): string {
  return offset === t.length && offset > 0 && t[offset - 1] !== '\n' && t[offset - 1] !== '\r' ? eol : '';
}

/** The column of `offset` as spaces (a key after `- ` is indented by the dash too). */
function indentOf(t: string, offset: number): string {
  let a = offset;
  while (a > 0 && t[a - 1] !== '\n' && t[a - 1] !== '\r') a--;
  return ' '.repeat(offset - a);
}

/** The offset just after the last non-blank character before `offset` (on the same run of text). */
function endOfContent(t: string, offset: number): number {
  let e = offset;
  while (e > 0 && (t[e - 1] === ' ' || t[e - 1] === '\t')) e--;
  return e;
}

/** Every `file://` path the suite names (prompts, providers, tests, vars, assertions); globs are left out. */
function fileLinks(y: YamlSource): { target: string; range: Range }[] {
  const out: { target: string; range: Range }[] = [];
  const src = y.text.text;
  const visit = (node: unknown, depth: number) => {
    if (depth > 64 || !node) return;
    if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) continue;
        visit(p.key, depth + 1);
        visit(p.value, depth + 1);
      }
    } else if (isSeq(node)) for (const it of node.items) visit(it, depth + 1);
    else if (isScalar(node) && typeof node.value === 'string' && node.range) {
      const m = /^\s*file:\/\/(.+?)\s*$/.exec(node.value);
      if (!m || /[*?[\]{}]/.test(m[1])) return;
      // file://checks.py:function_name names a function inside the file.
      const target = m[1].replace(/^(.+\.(?:js|cjs|mjs|ts|cts|mts|py|rb|go))(?::[\w.]+)$/, '$1');
      const a = y.start + node.range[0];
      const at = src.slice(a, y.start + node.range[1]).indexOf(target);
      out.push({ target, range: at >= 0 ? y.text.rangeOf(a + at, a + at + target.length) : y.trimmedRange(node.range[0], node.range[1]) });
    }
  };
  visit(y.doc?.contents, 0);
  return out;
}
