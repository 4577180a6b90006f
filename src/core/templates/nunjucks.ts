// Nunjucks templates (promptfoo's prompts): variables and syntax through nunjucks' own parser, block structure and braces through our own tag scanner.
// Jinja2 (Prompty) has its own reader, jinja.ts: the two languages differ (nunjucks lacks `with`, `do`, `{%+`; Jinja2 lacks some nunjucks tags).

import * as nunjucks from 'nunjucks';
import { capPerCode, diag } from '../diagnostics';
import { maxDiagnosticsPerCode } from '../limits';
import type { Diagnostic } from '../diagnostics';
import type { VariableUse } from './types';
import { oversizedAnalysis, oversizedTemplate, rootName, strayClosers } from './literalBraces';
import type { TemplateAnalysis, TemplateRegion } from './literalBraces';
import { checkBlocks, scanTags } from './tagScanner';
import type { BlockLanguage, TemplateTag } from './tagScanner';

/** A nunjucks AST node (the parser API is untyped). */
interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  value?: unknown;
  children?: NjNode[];
  [field: string]: unknown;
}

interface NjParser {
  parse(src: string, extensions: unknown[], opts: object): NjNode;
}

/** nunjucks' parser, read on first use (the library loads lazily in the bundles). */
const njParser = { parse: (...args: Parameters<NjParser['parse']>) => (nunjucks as unknown as { parser: NjParser }).parser.parse(...args) };

const simpleTags = new Set(['include', 'import', 'from', 'extends', 'do', 'break', 'continue', 'set']);
/** Nunjucks' statements for checkBlocks: `{% set x %}...{% endset %}` is a block, `{% set x = 1 %}` is not. */
const nunjucksBlocks: BlockLanguage = { name: 'Nunjucks', simpleTags, setOpensBlock: (tag) => !/=/.test(tag.inner) };

/** Names Nunjucks provides to every template; they are never inputs. */
const nunjucksGlobals = new Set(['loop', 'super', 'caller', 'varargs', 'kwargs', 'self', 'range', 'lipsum', 'dict', 'cycler', 'joiner', 'namespace', 'true', 'false', 'none', 'True', 'False', 'None']);

/**
 * Analyses a Nunjucks template at [start, end) of the document: the top-level variables it
 * reads (loop variables, `set` and macro arguments are local; filters and tests are not
 * variables), `template-syntax`, `unclosed-block`, `unmatched-closing-block` and
 * `unbalanced-brace` diagnostics with exact ranges.
 */
export function analyzeNunjucks(region: TemplateRegion): TemplateAnalysis {
  const tooLarge = oversizedTemplate(region.doc, region.file, region.start, region.end, 'Nunjucks');
  if (tooLarge) return oversizedAnalysis(tooLarge);
  const src = region.doc.text.slice(region.start, region.end);
  const scan = scanNunjucks(region);
  const out: TemplateAnalysis = { variables: [], contextual: [], diagnostics: scan.diagnostics };
  let ast: NjNode | undefined;
  try {
    ast = njParser.parse(src, [], {});
  } catch (e) {
    // Broken structure makes nunjucks fail too; the scanner's findings are more precise.
    if (!scan.structural) out.diagnostics.push(parseError(region, src, scan.tags, e));
  }
  out.variables = ast ? new VariableCollector(region, src).collect(ast) : variablesByTag(region, scan.tags);
  return out;
}

/** Tags, structure and brace problems of a Nunjucks template. */
export function scanNunjucks(region: TemplateRegion): { tags: TemplateTag[]; diagnostics: Diagnostic[]; structural: boolean } {
  const src = region.doc.text.slice(region.start, region.end);
  const { tags, diagnostics, text } = scanTags(region);
  for (const d of checkBlocks(region, src, tags, nunjucksBlocks)) diagnostics.push(d);
  const structural = diagnostics.length > 0;
  return { tags, diagnostics: capPerCode([...diagnostics, ...strayClosers(region, text, ['}}', '%}'])], maxDiagnosticsPerCode), structural };
}

function parseError(region: TemplateRegion, src: string, tags: TemplateTag[], e: unknown): Diagnostic {
  const err = e as { message?: string; lineno?: number; colno?: number };
  const msg = (err.message ?? String(e))
    .split('\n')
    .pop()!
    .trim()
    .replace(/^Error:\s*/, '');
  let at: number | undefined;
  if (typeof err.lineno === 'number' && typeof err.colno === 'number') at = offsetOf(src, err.lineno - 1, err.colno - 1);
  let a = at ?? src.length;
  let b = a;
  const tag = at === undefined ? undefined : tags.find((t) => t.start <= a && a < t.end);
  if (tag) {
    a = tag.start;
    b = tag.end;
  } else if (at !== undefined) {
    b = Math.min(src.length, a + 1);
  }
  return diag('template-syntax', region.file, region.doc.rangeOf(region.start + a, region.start + b), `Nunjucks syntax error: ${msg}. Fix the tag.`);
}

/** Offset in `src` of a 0-based line (counted by \n, as nunjucks does) and column. */
function offsetOf(src: string, line: number, col: number): number {
  let p = 0;
  for (let l = 0; l < line; l++) {
    const nl = src.indexOf('\n', p);
    if (nl < 0) return src.length;
    p = nl + 1;
  }
  return Math.min(src.length, p + Math.max(0, col));
}

/** Walks a nunjucks AST with lexical scopes (for, macro) and collects top-level reads. */
class VariableCollector {
  private readonly lineStarts: number[] = [0];
  private readonly scopes: Set<string>[] = [new Set()];
  private readonly uses: VariableUse[] = [];

  constructor(
    private readonly region: TemplateRegion,
    private readonly src: string,
  ) {
    for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  collect(root: NjNode): VariableUse[] {
    this.walk(root, 0);
    return this.uses.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  }

  private isLocal(name: string): boolean {
    return nunjucksGlobals.has(name) || this.scopes.some((s) => s.has(name));
  }

  private bind(node: unknown): void {
    const n = node as NjNode | null | undefined;
    if (!n) return;
    if (n.typename === 'Symbol') this.scopes[this.scopes.length - 1].add(String(n.value));
    else if (n.typename === 'Array' || n.typename === 'NodeList') for (const c of n.children ?? []) this.bind(c);
    else if (n.typename === 'Pair') this.bind(n.value);
  }

  private use(n: NjNode): void {
    const name = String(n.value);
    if (this.isLocal(name)) return;
    const at = (this.lineStarts[n.lineno] ?? this.src.length) + n.colno;
    const ok = this.src.startsWith(name, at);
    const start = ok ? at : this.src.indexOf(name, at);
    if (start < 0) return;
    this.uses.push({ name: rootName(name), range: this.region.doc.rangeOf(this.region.start + start, this.region.start + start + name.length) });
  }

  private field(n: NjNode, f: string, depth: number): void {
    const v = n[f];
    if (Array.isArray(v)) for (const c of v) this.walk(c as NjNode, depth + 1);
    else if (v && typeof v === 'object') this.walk(v as NjNode, depth + 1);
  }

  private walk(n: NjNode | null | undefined, depth: number): void {
    if (!n || typeof n !== 'object' || depth > 500) return;
    switch (n.typename) {
      case 'Symbol':
        this.use(n);
        return;
      case 'Literal':
      case 'TemplateData':
      case 'Super':
        return;
      case 'LookupVal':
        this.walk(n.target as NjNode, depth + 1);
        if ((n.val as NjNode | undefined)?.typename !== 'Literal') this.walk(n.val as NjNode, depth + 1);
        return;
      case 'Pair':
        if ((n.key as NjNode | undefined)?.typename !== 'Symbol') this.walk(n.key as NjNode, depth + 1);
        this.walk(n.value as NjNode, depth + 1);
        return;
      case 'FunCall': {
        const callee = n.name as NjNode;
        if (callee?.typename !== 'Symbol') this.walk(callee, depth + 1);
        else this.use(callee);
        this.walk(n.args as NjNode, depth + 1);
        return;
      }
      case 'Filter':
      case 'FilterAsync':
        this.walk(n.args as NjNode, depth + 1);
        return;
      case 'Is': {
        this.walk(n.left as NjNode, depth + 1);
        const test = n.right as NjNode | undefined;
        if (test?.typename === 'FunCall') this.walk(test.args as NjNode, depth + 1);
        else if (test && test.typename !== 'Symbol') this.walk(test, depth + 1);
        return;
      }
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        let arr = n.arr as NjNode;
        // `for x in xs if cond`: nunjucks reads it as an inline if whose condition sees x.
        const filter = arr?.typename === 'InlineIf' && !arr.else_ ? (arr.cond as NjNode) : undefined;
        if (filter) arr = arr.body as NjNode;
        this.walk(arr, depth + 1);
        this.scopes.push(new Set(['loop']));
        this.bind(n.name);
        this.walk(filter, depth + 1);
        this.walk(n.body as NjNode, depth + 1);
        this.scopes.pop();
        this.walk(n.else_ as NjNode, depth + 1);
        return;
      }
      case 'Set':
        this.walk(n.value as NjNode, depth + 1);
        this.walk(n.body as NjNode, depth + 1);
        for (const t of (n.targets as NjNode[]) ?? []) {
          if (t.typename === 'Symbol') this.bind(t);
          else this.walk(t, depth + 1);
        }
        return;
      case 'Macro':
      case 'Caller': {
        if (n.typename === 'Macro') this.bind(n.name);
        const args = ((n.args as NjNode | undefined)?.children ?? []) as NjNode[];
        for (const a of args) {
          if (a.typename === 'KeywordArgs') for (const p of a.children ?? []) this.walk(p.value as NjNode, depth + 1);
        }
        this.scopes.push(new Set(['caller', 'varargs', 'kwargs']));
        for (const a of args) {
          if (a.typename === 'Symbol') this.bind(a);
          else if (a.typename === 'KeywordArgs') for (const p of a.children ?? []) this.bind(p.key);
        }
        this.walk(n.body as NjNode, depth + 1);
        this.scopes.pop();
        return;
      }
      case 'Block':
        this.walk(n.body as NjNode, depth + 1);
        return;
      case 'KeywordArgs':
        for (const p of n.children ?? []) this.walk(p.value as NjNode, depth + 1);
        return;
      case 'Import':
        this.walk(n.template as NjNode, depth + 1);
        this.bind(n.target);
        return;
      case 'FromImport':
        this.walk(n.template as NjNode, depth + 1);
        for (const c of (n.names as NjNode | undefined)?.children ?? []) this.bind(c.typename === 'Pair' ? c.value : c);
        return;
      default: {
        const fields = (n as { fields?: string[] }).fields ?? [];
        for (const f of fields) if (f !== 'children') this.field(n, f, depth);
        for (const c of n.children ?? []) this.walk(c, depth + 1);
      }
    }
  }
}

/**
 * When the whole body does not parse: reads each tag's expressions on their own, treating
 * names bound anywhere by `for`, `set` or `macro` as local.
 */
function variablesByTag(region: TemplateRegion, tags: TemplateTag[]): VariableUse[] {
  const locals = new Set<string>();
  const exprs: { text: string; at: number }[] = [];
  for (const t of tags) {
    if (t.kind === 'output') exprs.push({ text: t.inner, at: t.innerStart });
    if (t.kind !== 'statement' || !t.name) continue;
    const rest = t.inner.slice(t.inner.indexOf(t.name) + t.name.length);
    const restAt = t.innerStart + t.inner.indexOf(t.name) + t.name.length;
    if (t.name === 'for') {
      const m = /^(\s*)([\w\s,]+?)\s+in\s+/.exec(rest);
      if (m) {
        for (const v of m[2].split(',')) locals.add(v.trim());
        exprs.push({ text: rest.slice(m[0].length).replace(/\s+recursive\s*$/, ''), at: restAt + m[0].length });
      }
    } else if (t.name === 'set' || t.name === 'with') {
      const m = /^(\s*)([\w\s,.]+?)\s*(=|$)/.exec(rest);
      if (m) for (const v of m[2].split(',')) locals.add(v.trim().split('.')[0]);
      const eq = rest.indexOf('=');
      if (eq >= 0) exprs.push({ text: rest.slice(eq + 1), at: restAt + eq + 1 });
    } else if (t.name === 'macro') {
      const m = /^\s*(\w+)\s*\(([^)]*)\)/.exec(rest);
      if (m) {
        locals.add(m[1]);
        for (const a of m[2].split(',')) locals.add(a.split('=')[0].trim());
      }
    } else if (['if', 'elif', 'elseif', 'include', 'extends', 'do', 'call', 'filter', 'switch', 'case'].includes(t.name)) {
      exprs.push({ text: rest, at: restAt });
    }
  }
  const out: VariableUse[] = [];
  // A failed nunjucks parse is costly (an exception per tag): read plain names directly and cap the rest.
  let budget = 2000;
  for (const e of exprs) {
    const simple = /^(\s*)([\p{L}_][\p{L}\p{N}_]*)(?:\.[\p{L}\p{N}_]+)*\s*$/u.exec(e.text);
    if (simple) {
      const name = simple[2];
      const at = region.start + e.at + simple[1].length;
      if (!locals.has(name) && !nunjucksGlobals.has(name)) out.push({ name, range: region.doc.rangeOf(at, at + name.length) });
      continue;
    }
    if (budget-- <= 0) continue;
    const wrapper = `{{${e.text}}}`;
    let ast: NjNode;
    try {
      ast = njParser.parse(wrapper, [], {});
    } catch {
      continue;
    }
    const sub: TemplateRegion = { ...region, start: region.start + e.at - 2 };
    for (const u of new VariableCollector(sub, wrapper).collect(ast)) {
      if (!locals.has(u.name)) out.push(u);
    }
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}
