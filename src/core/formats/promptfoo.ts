// promptfoo eval suites (promptfooconfig.yaml, or an eval asset's entry): prompts, providers, test cases and their vars.

import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node, Pair, Scalar } from 'yaml';
import type { Range } from '../diagnostics';
import { diag } from '../diagnostics';
import { analyzeNunjucks } from '../templates/nunjucks';
import { TextDocument } from '../text/textDocument';
import { nearest, YamlSource } from '../yaml/yamlDocument';
import type { YamlPath } from '../yaml/yamlDocument';
import type { CatalogLevel, EvalSuite, EvalTest, InputInsertion, ModelUse, ParsedFile } from './types';
import { afterLine } from '../text/edits';
import { isObj } from '../guards';
import type { FormatModule } from './registry';
import { promptfooSchemaDiagnostics } from './promptfooSchema';

/**
 * promptfoo eval suites: `promptfooconfig*.yaml` (`promptfooconfig.yaml`, `promptfooconfig.redteam.yaml`,
 * `promptfooconfig-claude.yml`), or YAML with top-level `prompts:` and `tests:`, `providers:`, `targets:` or `redteam:`.
 */
export const promptfooFormat: FormatModule<'promptfoo'> = {
  id: 'promptfoo',
  label: 'promptfoo eval suite',
  files: [
    { prefix: 'promptfooconfig', ending: '.yaml' },
    { prefix: 'promptfooconfig', ending: '.yml' },
  ],
  sniff: (head) => /^prompts\s*:/m.test(head) && /^(tests|providers|targets|redteam)\s*:/m.test(head),
  parse: parsePromptfoo,
  yaml: { in: 'file', schema: 'promptfoo' },
  // A promptfooconfig.yaml is named by its folder; promptfooconfig.redteam.yaml by its folder and `redteam`.
  assetStem: (path) => {
    const segs = path.split('/');
    const m = /^promptfooconfig(?:[.\-_](.+?))?\.ya?ml$/i.exec(segs[segs.length - 1]);
    if (!m) return undefined;
    const folder = segs[segs.length - 2] || 'promptfoo';
    return m[1] ? `${folder}-${m[1]}` : folder;
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
  // promptfoo's own published schema (schemas/vendor/promptfoo), and the assertion types it names.
  if (full) file.diagnostics.push(...promptfooSchemaDiagnostics(y, value, file.path));
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
  const given = varsGiven(suite, v);
  if (given) suite.givenVars = [...given];
  checkInlinePrompts(file, y, v, given);
}

/**
 * A file a promptfoo suite names in `prompts` (`file://prompt.txt`, `.md`, `.json`, `.jsonl`, `.j2`,
 * `.yaml`; globs too): never recognised by its name, read as one only because a suite names it
 * (library/load.ts). promptfoo renders the file's whole text with Nunjucks (a chat-format JSON file
 * too: the rendered text is then read as JSON), so its whole text is analysed as a Nunjucks
 * template; the variables it reads are checked against each suite's vars by the cross-file checks.
 */
export const promptfooPromptFormat: FormatModule<'promptfoo-prompt'> = {
  id: 'promptfoo-prompt',
  label: 'promptfoo prompt file',
  files: [],
  parse: parsePromptfooPrompt,
};

/** The endings of the prompt files promptfoo reads as text templates (code files, `.js` or `.py`, are functions). */
export const promptFileEndings = /\.(txt|md|markdown|json|jsonl|j2|njk|nunjucks|jinja|jinja2|yaml|yml|prompt|tmpl)$/i;

/** Parses a promptfoo prompt file: its variables and template findings (Nunjucks), over the whole text. */
export function parsePromptfooPrompt(file: ParsedFile, doc: TextDocument, level: CatalogLevel = 'full'): void {
  file.templateLanguage = 'none';
  if (level !== 'full') return;
  const analysis = analyzeNunjucks({ doc, file: file.path, start: 0, end: doc.text.length });
  file.diagnostics.push(...analysis.diagnostics);
  file.variables = analysis.variables.filter((u) => !filledByPromptfoo.has(u.name));
  // No inputs are declared here: the suites naming the file give its vars (checked across files).
  file.inputsMayBeUnused = true;
}

/** The prompt files a suite's `prompts` name (`file://` paths or globs relative to the suite; function files left out), with where. */
export function promptFileTargets(suite: ParsedFile): { target: string; range: Range }[] {
  const out: { target: string; range: Range }[] = [];
  for (const p of suite.evalSuite?.prompts ?? []) {
    const m = /^\s*file:\/\/(.+?)\s*$/.exec(p.value);
    if (m && promptFileEndings.test(m[1]) && !/\{\{|\{%/.test(m[1])) out.push({ target: m[1], range: p.range });
  }
  return out;
}

/** Vars promptfoo fills itself: the conversation so far (`_conversation`), and the environment (`{{ env.NAME }}`). */
const filledByPromptfoo = new Set(['_conversation', 'env']);

/**
 * The vars the suite's tests give (defaultTest, each test, scenario configs); undefined when some
 * come from where the parse cannot look (tests or vars from a file or generator, a red-team suite).
 */
export function varsGiven(suite: EvalSuite, v: Obj): Set<string> | undefined {
  if ('redteam' in v || suite.tests.some((t) => t.opaqueVars)) return undefined;
  if (v.defaultTest !== undefined && !isObj(v.defaultTest)) return undefined;
  if (isObj(v.defaultTest) && v.defaultTest.vars !== undefined && !isObj(v.defaultTest.vars)) return undefined;
  if (v.tests !== undefined && !Array.isArray(v.tests)) return undefined;
  const out = new Set(suite.defaultVars);
  for (const t of suite.tests) for (const x of t.vars) out.add(x.name);
  return out;
}

/**
 * Inline prompts (a string of `prompts`, or a prompt's `raw`) read as the Nunjucks templates promptfoo
 * renders them with: syntax, blocks and braces, and variables no test gives (`undefined-variable`).
 */
function checkInlinePrompts(file: ParsedFile, y: YamlSource, v: Obj, given: Set<string> | undefined): void {
  const at: YamlPath[] = [];
  if (typeof v.prompts === 'string') at.push(['prompts']);
  else if (Array.isArray(v.prompts)) {
    v.prompts.forEach((p, i) => {
      if (typeof p === 'string') at.push(['prompts', i]);
      else if (isObj(p) && typeof p.raw === 'string') at.push(['prompts', i, 'raw']);
    });
  }
  for (const path of at) {
    const node = y.node(path);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range || /^\s*file:\/\//.test(node.value)) continue;
    const text = node.value;
    const inner = new TextDocument(text);
    const place = scalarPlaces(y, node as Scalar<string>, inner);
    const analysis = analyzeNunjucks({ doc: inner, file: file.path, start: 0, end: text.length });
    for (const d of analysis.diagnostics) file.diagnostics.push({ ...d, range: place(d.range) });
    if (!given) continue;
    for (const u of analysis.variables) {
      if (given.has(u.name) || filledByPromptfoo.has(u.name)) continue;
      const guess = nearest(u.name, [...given]);
      file.diagnostics.push(
        diag(
          'undefined-variable',
          file.path,
          place(u.range),
          `\`${u.name}\` is not given by any test's \`vars\` (nor \`defaultTest.vars\`), so promptfoo renders it empty${guess ? `; did you mean \`${guess}\`?` : "; add it to the tests' vars, or fix the name."}`,
        ),
      );
    }
  }
}

/**
 * Maps a range of a scalar's value (as the TextDocument `inner`) to the file: exactly for a plain or
 * quoted scalar written on one line without escapes and for a literal block (`|`); otherwise to the
 * whole scalar.
 */
function scalarPlaces(y: YamlSource, node: Scalar<string>, inner: TextDocument): (r: Range) => Range {
  const doc = y.text;
  const src = doc.text;
  const a = y.start + node.range![0];
  const whole = y.trimmedRange(node.range![0], node.range![1]);
  const text = node.value;
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? 1 : 0;
  if ((node.type === 'PLAIN' || quoted) && src.slice(a + quoted, a + quoted + text.length) === text) {
    return (r) => doc.rangeOf(a + quoted + inner.offsetAt(r.start), a + quoted + inner.offsetAt(r.end));
  }
  if (node.type === 'BLOCK_LITERAL') {
    const header = src.indexOf('\n', a);
    if (header < 0) return () => whole;
    const first = doc.positionAt(header + 1).line;
    const lines = text.split('\n');
    const firstText = lines.find((l) => l.length);
    const firstSource = firstText === undefined ? '' : doc.lineText(first + lines.indexOf(firstText));
    const indent = firstText === undefined || firstSource.length < firstText.length ? 0 : firstSource.length - firstSource.trimStart().length;
    const pos = (p: { line: number; character: number }) => ({ line: first + p.line, character: indent + p.character });
    return (r) => ({ start: pos(r.start), end: pos(r.end) });
  }
  return () => whole;
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
      const config = p.config;
      const parameters = isObj(config) ? y.keys([...at, 'config']).map((k) => ({ name: k.key, range: k.range, value: config[k.key] })) : [];
      return [{ id: p.id, range: y.valueRange([...at, 'id']), parameters }];
    }
    const keys = y.keys(at);
    if (keys.length === 1 && isObj(p[keys[0].key])) {
      const inner = p[keys[0].key] as Obj;
      const config = inner.config;
      const parameters = isObj(config) ? y.keys([...at, keys[0].key, 'config']).map((k) => ({ name: k.key, range: k.range, value: config[k.key] })) : [];
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

/** Every `file://` path the suite names (prompts, providers, tests, vars, assertions), globs included; paths built by a template (`{{ }}`) are left out. */
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
      if (!m || /\{\{|\{%|\$\{/.test(m[1])) return;
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
