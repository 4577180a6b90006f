// Jinja2's own grammar for the inside of one tag (`{{ ... }}` or `{% name ... %}`): its lexer and recursive-descent parser,
// ported from jinja2/lexer.py and jinja2/parser.py (3.x), reduced to what the checks need: the syntax errors Jinja2 raises,
// the names an expression reads and the names a statement binds.

/** A name read by an expression, at an offset of the template text. */
export interface NameRef {
  name: string;
  at: number;
}

/** What one tag holds, once parsed. */
export interface TagSyntax {
  /** Names read, in order (expressions evaluated where the tag stands). */
  loads: NameRef[];
  /** Names assigned: `for` targets, `set`/`with` targets, macro and call arguments, imported names. */
  targets: string[];
  /** Reads evaluated inside the block the tag opens (a `for` loop's `if` filter). */
  innerLoads?: NameRef[];
  /** `{% set x %}...{% endset %}` (no `=`): a block, unlike `{% set x = 1 %}`. */
  blockSet?: boolean;
}

/** A syntax error, with the offset it was found at (the token's). */
export class JinjaSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

type TokType = 'name' | 'string' | 'integer' | 'float' | 'op' | 'eof';
interface Tok {
  type: TokType;
  value: string;
  at: number;
}

const operators = ['//', '**', '==', '!=', '>=', '<=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '>', '<', '=', '.', ':', '|', ',', ';'];
const nameRe = /[\p{L}_][\p{L}\p{N}_]*/uy;
const stringRe = /(?:'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)")/sy;
const floatRe = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const integerRe = /(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)/y;

/** Jinja2's tokens for src[from, to); throws JinjaSyntaxError on a character it does not know. */
export function tokenize(src: string, from: number, to: number): Tok[] {
  const out: Tok[] = [];
  const text = src;
  let p = from;
  // Sticky patterns on the whole text (no copy per tag), a match kept only within the tag.
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = p;
    const m = re.exec(text);
    return m && p + m[0].length <= to ? m[0] : undefined;
  };
  while (p < to) {
    const c = text[p];
    if (/\s/.test(c)) {
      p++;
      continue;
    }
    let m: string | undefined;
    if ((m = at(nameRe))) {
      out.push({ type: 'name', value: m, at: p });
    } else if (c === '"' || c === "'") {
      m = at(stringRe);
      if (!m) throw new JinjaSyntaxError('unexpected char ' + JSON.stringify(c), p);
      out.push({ type: 'string', value: m, at: p });
    } else if (/\d/.test(c)) {
      // After `.` only an integer (`items.0`), as Jinja2's float pattern has a (?<!\.) lookbehind.
      const prevDot = out.length > 0 && out[out.length - 1].type === 'op' && out[out.length - 1].value === '.';
      const f = prevDot ? undefined : at(floatRe);
      const i = at(integerRe);
      if (f && (!i || f.length > i.length)) out.push({ type: 'float', value: (m = f), at: p });
      else if (i) out.push({ type: 'integer', value: (m = i), at: p });
      else throw new JinjaSyntaxError('unexpected char ' + JSON.stringify(c), p);
    } else {
      m = operators.find((o) => p + o.length <= to && text.startsWith(o, p));
      if (!m) throw new JinjaSyntaxError(`unexpected char ${JSON.stringify(c)}`, p);
      out.push({ type: 'op', value: m, at: p });
    }
    p += m.length;
  }
  out.push({ type: 'eof', value: '', at: to });
  return out;
}

const shown = (t: Tok, end: string): string => (t.type === 'eof' ? end : `'${t.value}'`);
/** The deepest nesting read: of an expression (parentheses, `not`, signs) and of blocks. */
const maxNesting = 200;
const constNames = new Set(['true', 'false', 'none', 'True', 'False', 'None']);

/** A parsed expression, as much of it as the checks need. */
interface Expr {
  kind: 'name' | 'const' | 'tuple' | 'call' | 'other';
  name?: string;
  items?: Expr[];
}

/** Parses the tokens of one tag, collecting the names it reads. */
class TagParser {
  private i = 0;
  readonly loads: NameRef[] = [];

  constructor(
    private readonly toks: Tok[],
    private readonly end: string,
  ) {}

  get cur(): Tok {
    return this.toks[this.i];
  }
  peek(): Tok {
    return this.toks[Math.min(this.i + 1, this.toks.length - 1)];
  }
  next(): Tok {
    const t = this.cur;
    if (t.type !== 'eof') this.i++;
    return t;
  }
  is(value: string, type: TokType = 'op'): boolean {
    return this.cur.type === type && this.cur.value === value;
  }
  isName(value: string): boolean {
    return this.is(value, 'name');
  }
  skip(value: string, type: TokType = 'op'): boolean {
    if (!this.is(value, type)) return false;
    this.next();
    return true;
  }
  fail(message: string, t: Tok = this.cur): never {
    throw new JinjaSyntaxError(message, t.at);
  }
  expect(value: string, type: TokType = 'op'): Tok {
    if (!this.is(value, type)) this.fail(`expected token '${value}', got ${shown(this.cur, this.end)}`);
    return this.next();
  }
  expectName(): Tok {
    if (this.cur.type !== 'name') this.fail(`expected token 'name', got ${shown(this.cur, this.end)}`);
    return this.next();
  }
  expectEnd(): void {
    if (this.cur.type !== 'eof') this.fail(`expected token '${this.end}', got ${shown(this.cur, this.end)}`);
  }

  private tupleEnd(extraEnd: string[]): boolean {
    const t = this.cur;
    return t.type === 'eof' || (t.type === 'op' && t.value === ')') || (t.type === 'name' && extraEnd.includes(t.value));
  }

  parseTuple(opts: { simplified?: boolean; withCondexpr?: boolean; extraEnd?: string[]; explicitParens?: boolean } = {}): Expr {
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expect(',');
      if (this.tupleEnd(opts.extraEnd ?? [])) break;
      items.push(opts.simplified ? this.parsePrimary() : this.parseExpression(opts.withCondexpr ?? true));
      if (this.is(',')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0];
      if (!opts.explicitParens) this.fail(`Expected an expression, got ${shown(this.cur, this.end)}`);
    }
    return { kind: 'tuple', items };
  }

  private depth = 0;

  parseExpression(withCondexpr = true): Expr {
    return this.nested(() => (withCondexpr ? this.parseCondexpr() : this.parseOr()));
  }

  /** Bounds the recursion (Jinja2 itself stops at Python's recursion limit). */
  private nested<T>(f: () => T): T {
    if (++this.depth > maxNesting) this.fail('expression nested too deeply');
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private parseCondexpr(): Expr {
    let e = this.parseOr();
    while (this.skip('if', 'name')) {
      this.parseOr();
      if (this.skip('else', 'name')) this.parseCondexpr();
      e = { kind: 'other' };
    }
    return e;
  }

  private parseOr(): Expr {
    let e = this.parseAnd();
    while (this.skip('or', 'name')) {
      this.parseAnd();
      e = { kind: 'other' };
    }
    return e;
  }

  private parseAnd(): Expr {
    let e = this.parseNot();
    while (this.skip('and', 'name')) {
      this.parseNot();
      e = { kind: 'other' };
    }
    return e;
  }

  private parseNot(): Expr {
    if (this.skip('not', 'name')) {
      this.nested(() => this.parseNot());
      return { kind: 'other' };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    let e = this.parseMath1();
    for (;;) {
      const t = this.cur;
      if (t.type === 'op' && ['==', '!=', '>', '>=', '<', '<='].includes(t.value)) this.next();
      else if (this.isName('in')) this.next();
      else if (this.isName('not') && this.peek().type === 'name' && this.peek().value === 'in') this.i += 2;
      else break;
      this.parseMath1();
      e = { kind: 'other' };
    }
    return e;
  }

  private binary(ops: string[], operand: () => Expr): Expr {
    let e = operand();
    while (this.cur.type === 'op' && ops.includes(this.cur.value)) {
      this.next();
      operand();
      e = { kind: 'other' };
    }
    return e;
  }

  private parseMath1(): Expr {
    return this.binary(['+', '-'], () => this.parseConcat());
  }
  private parseConcat(): Expr {
    return this.binary(['~'], () => this.parseMath2());
  }
  private parseMath2(): Expr {
    return this.binary(['*', '/', '//', '%'], () => this.parsePow());
  }
  private parsePow(): Expr {
    return this.binary(['**'], () => this.parseUnary());
  }

  private parseUnary(withFilter = true): Expr {
    let e: Expr;
    if (this.is('-') || this.is('+')) {
      this.next();
      this.nested(() => this.parseUnary(false));
      e = { kind: 'other' };
    } else e = this.parsePrimary();
    e = this.parsePostfix(e);
    if (withFilter) e = this.parseFilterExpr(e);
    return e;
  }

  parsePrimary(): Expr {
    const t = this.cur;
    if (t.type === 'name') {
      this.next();
      if (constNames.has(t.value)) return { kind: 'const' };
      this.loads.push({ name: t.value, at: t.at });
      return { kind: 'name', name: t.value };
    }
    if (t.type === 'string') {
      while (this.cur.type === 'string') this.next();
      return { kind: 'const' };
    }
    if (t.type === 'integer' || t.type === 'float') {
      this.next();
      return { kind: 'const' };
    }
    if (this.skip('(')) {
      const e = this.parseTuple({ explicitParens: true });
      this.expect(')');
      return e;
    }
    if (this.skip('[')) {
      this.items(']', () => this.parseExpression());
      return { kind: 'other' };
    }
    if (this.skip('{')) {
      this.items('}', () => {
        this.parseExpression();
        this.expect(':');
        this.parseExpression();
      });
      return { kind: 'other' };
    }
    this.fail(`unexpected ${shown(t, this.end)}`);
  }

  /** `a, b, c` up to `close` (a trailing comma allowed), then `close`. */
  private items(close: string, item: () => void): void {
    let first = true;
    while (!this.is(close)) {
      if (!first) this.expect(',');
      if (this.is(close)) break;
      item();
      first = false;
    }
    this.expect(close);
  }

  private parsePostfix(e: Expr): Expr {
    for (;;) {
      if (this.is('.') || this.is('[')) {
        this.parseSubscript();
        e = { kind: 'other' };
      } else if (this.is('(')) {
        this.parseCallArgs();
        e = { kind: 'call' };
      } else return e;
    }
  }

  private parseFilterExpr(e: Expr): Expr {
    for (;;) {
      if (this.is('|')) e = this.parseFilter();
      else if (this.isName('is')) e = this.parseTest();
      else if (this.is('(')) {
        this.parseCallArgs();
        e = { kind: 'call' };
      } else return e;
    }
  }

  private parseSubscript(): void {
    const t = this.next();
    if (t.value === '.') {
      const attr = this.cur;
      if (attr.type === 'name' || attr.type === 'integer') this.next();
      else this.fail(`expected name or number`, attr);
      return;
    }
    const args: number[] = [];
    while (!this.is(']')) {
      if (args.length) this.expect(',');
      this.parseSubscribed();
      args.push(0);
    }
    this.expect(']');
  }

  private parseSubscribed(): void {
    if (!this.is(':')) {
      this.parseExpression();
      if (!this.is(':')) return;
    }
    this.next();
    if (!this.is(']') && !this.is(',') && !this.is(':')) this.parseExpression();
    if (this.skip(':') && !this.is(']') && !this.is(',')) this.parseExpression();
  }

  /** `(a, k=v, *args, **kwargs)`, in Jinja2's order: positional, keyword, `*`, `**`. */
  parseCallArgs(): void {
    const open = this.expect('(');
    let first = true;
    let keywords = false;
    let star = false;
    let starStar = false;
    const ensure = (ok: boolean) => {
      if (!ok) this.fail('invalid syntax for function call expression', open);
    };
    while (!this.is(')')) {
      if (!first) {
        this.expect(',');
        if (this.is(')')) break;
      }
      first = false;
      if (this.is('*')) {
        ensure(!star && !starStar);
        this.next();
        this.parseExpression();
        star = true;
      } else if (this.is('**')) {
        ensure(!starStar);
        this.next();
        this.parseExpression();
        starStar = true;
      } else if (this.cur.type === 'name' && this.peek().type === 'op' && this.peek().value === '=') {
        ensure(!starStar);
        this.i += 2;
        this.parseExpression();
        keywords = true;
      } else {
        ensure(!star && !starStar && !keywords);
        this.parseExpression();
      }
    }
    this.expect(')');
  }

  /** `| name(.name)* [(args)]`, repeated; with `startInline`, the first filter has no `|` (the `{% filter %}` tag). */
  parseFilter(startInline = false): Expr {
    while (this.is('|') || startInline) {
      if (!startInline) this.next();
      startInline = false;
      this.expectName();
      while (this.skip('.')) this.expectName();
      if (this.is('(')) this.parseCallArgs();
    }
    return { kind: 'other' };
  }

  private parseTest(): Expr {
    this.next();
    this.skip('not', 'name');
    this.expectName();
    while (this.skip('.')) this.expectName();
    const t = this.cur;
    if (this.is('(')) this.parseCallArgs();
    else if (['name', 'string', 'integer', 'float'].includes(t.type) || this.is('[') || this.is('{')) {
      if (!(t.type === 'name' && ['else', 'or', 'and'].includes(t.value))) {
        if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
        this.parsePostfix(this.parsePrimary());
      }
    }
    return { kind: 'other' };
  }

  /** A target of `for`, `set` or `with`: a name, a (parenthesised) tuple of names, or with `withNamespace` `ns.attr`. */
  parseAssignTarget(opts: { nameOnly?: boolean; extraEnd?: string[]; withNamespace?: boolean } = {}): string[] {
    if (opts.nameOnly) return [this.expectName().value];
    if (opts.withNamespace && this.cur.type === 'name' && this.peek().type === 'op' && this.peek().value === '.') {
      const ns = this.next();
      this.next();
      this.expectName();
      this.loads.push({ name: ns.value, at: ns.at });
      return [];
    }
    const before = this.loads.length;
    const start = this.cur;
    const target = this.parseTuple({ simplified: true, extraEnd: opts.extraEnd });
    // Names in a target are stores, not reads.
    this.loads.length = before;
    const names: string[] = [];
    const collect = (e: Expr): boolean => {
      if (e.kind === 'name') return names.push(e.name!) > 0;
      if (e.kind === 'tuple') return (e.items ?? []).every(collect);
      return false;
    };
    if (!collect(target)) this.fail(`can't assign to ${target.kind === 'const' ? 'a constant' : 'this expression'}`, start);
    return names;
  }

  /** A macro's or call block's `(a, b=default)`. */
  parseSignature(): string[] {
    const names: string[] = [];
    let defaults = false;
    this.expect('(');
    while (!this.is(')')) {
      if (names.length) this.expect(',');
      const arg = this.expectName();
      names.push(arg.value);
      if (this.skip('=')) {
        this.parseExpression();
        defaults = true;
      } else if (defaults) this.fail('non-default argument follows default argument', arg);
    }
    this.expect(')');
    return names;
  }
}

/** The tags a plain `jinja2.Environment()` knows (no extensions), besides `raw`, which the lexer handles. */
export const jinja2Statements = new Set(['for', 'if', 'block', 'extends', 'print', 'macro', 'include', 'from', 'import', 'set', 'with', 'autoescape', 'filter', 'call']);

/**
 * Parses the inside of one tag as Jinja2 does: `kind` output (`{{ }}`) or statement (`{% name ... %}`),
 * the tag's inner text at src[from, to). Throws JinjaSyntaxError for what Jinja2 rejects.
 */
export function parseTag(src: string, from: number, to: number, kind: 'output' | 'statement'): TagSyntax {
  const toks = tokenize(src, from, to);
  if (kind === 'output') {
    const p = new TagParser(toks, 'end of print statement');
    p.parseTuple();
    p.expectEnd();
    return { loads: p.loads, targets: [] };
  }
  const p = new TagParser(toks, 'end of statement block');
  const nameTok = p.cur;
  if (nameTok.type !== 'name') p.fail('tag name expected');
  const name = nameTok.value;
  p.expectName();
  const out: TagSyntax = { loads: p.loads, targets: [] };
  switch (name) {
    case 'for': {
      out.targets = p.parseAssignTarget({ extraEnd: ['in'] });
      p.expect('in', 'name');
      p.parseTuple({ withCondexpr: false, extraEnd: ['recursive'] });
      if (p.skip('if', 'name')) {
        const before = p.loads.length;
        p.parseExpression();
        out.innerLoads = p.loads.splice(before);
      }
      p.skip('recursive', 'name');
      break;
    }
    case 'if':
    case 'elif':
      p.parseTuple({ withCondexpr: false });
      break;
    case 'set':
      out.targets = p.parseAssignTarget({ withNamespace: true });
      if (p.skip('=')) p.parseTuple();
      else {
        out.blockSet = true;
        p.parseFilter();
      }
      break;
    case 'with':
      while (p.cur.type !== 'eof') {
        if (out.targets.length) p.expect(',');
        out.targets.push(...p.parseAssignTarget());
        p.expect('=');
        p.parseExpression();
      }
      break;
    case 'macro':
      out.targets = p.parseAssignTarget({ nameOnly: true });
      out.targets.push(...p.parseSignature());
      break;
    case 'call': {
      if (p.cur.type === 'op' && p.cur.value === '(') out.targets = p.parseSignature();
      const at = p.cur;
      const e = p.parseExpression();
      if (e.kind !== 'call') p.fail('expected call', at);
      break;
    }
    case 'filter':
      p.parseFilter(true);
      break;
    case 'block':
      p.expectName();
      p.skip('scoped', 'name');
      p.skip('required', 'name');
      break;
    case 'endblock':
      if (p.cur.type === 'name') p.next();
      break;
    case 'extends':
      p.parseExpression();
      break;
    case 'include':
      p.parseExpression();
      if (p.isName('ignore') && p.cur.type === 'name') {
        p.next();
        p.expect('missing', 'name');
      }
      contextModifier(p);
      break;
    case 'import':
      p.parseExpression();
      p.expect('as', 'name');
      out.targets = p.parseAssignTarget({ nameOnly: true });
      contextModifier(p);
      break;
    case 'from': {
      p.parseExpression();
      p.expect('import', 'name');
      let first = true;
      while (p.cur.type !== 'eof') {
        if (!first) p.expect(',');
        first = false;
        if ((p.isName('with') || p.isName('without')) && tokenAfter(p, 'context')) break;
        const n = p.expectName();
        if (n.value.startsWith('_')) p.fail('names starting with an underline can not be imported', n);
        if (p.skip('as', 'name')) out.targets.push(p.expectName().value);
        else out.targets.push(n.value);
        if (!p.is(',')) break;
      }
      contextModifier(p);
      break;
    }
    case 'print':
      p.parseTuple();
      break;
    case 'autoescape':
      p.parseExpression();
      break;
    case 'else':
    case 'endfor':
    case 'endif':
    case 'endset':
    case 'endwith':
    case 'endmacro':
    case 'endcall':
    case 'endfilter':
    case 'endautoescape':
    case 'raw':
    case 'endraw':
      break;
    default:
      p.fail(`Encountered unknown tag '${name}'.`, nameTok);
  }
  p.expectEnd();
  return out;
}

function tokenAfter(p: TagParser, value: string): boolean {
  const t = p.peek();
  return t.type === 'name' && t.value === value;
}

function contextModifier(p: TagParser): void {
  if ((p.isName('with') || p.isName('without')) && tokenAfter(p, 'context')) {
    p.expectName();
    p.expectName();
  }
}

/** One tag of a body, as the scanner found it (offsets into the body's text). */
export interface ScannedTag {
  kind: 'output' | 'statement' | 'comment';
  start: number;
  end: number;
  inner: string;
  innerStart: number;
  name?: string;
}

/** A tag Jinja2 rejects. */
export interface TagError {
  tag: ScannedTag;
  message: string;
  at: number;
}

/** The body as a tree of frames, as Jinja2's compiler scopes names (jinja2/idtracking.py). */
type Node = { t: 'loads'; refs: NameRef[] } | { t: 'store'; names: string[] } | { t: 'if'; branches: Node[][]; hasElse: boolean } | Frame;
interface Frame {
  t: 'frame';
  decl: string[];
  body: Node[];
  /** A `{% block %}`: rendered on its own, it does not see the template's assignments. */
  isolated?: boolean;
}

/** Names every Jinja2 template may read without declaring them: the environment's globals, and `self` (the template's blocks). */
export const jinja2Globals = new Set(['range', 'dict', 'lipsum', 'cycler', 'joiner', 'namespace', 'self']);

/** Tags that open a block in Jinja2, with the tag that closes it. */
const opens: Record<string, string> = {
  for: 'endfor',
  if: 'endif',
  macro: 'endmacro',
  call: 'endcall',
  filter: 'endfilter',
  block: 'endblock',
  with: 'endwith',
  autoescape: 'endautoescape',
  set: 'endset',
};

/**
 * Reads every tag as Jinja2 does: the syntax errors of each tag, and the names the template
 * reads without declaring them, with their offsets (what `jinja2.meta.find_undeclared_variables`
 * returns, with positions). Tags whose name Jinja2 does not know are left to the caller.
 */
export function analyzeTags(src: string, tags: ScannedTag[]): { undeclared: NameRef[]; errors: TagError[] } {
  const errors: TagError[] = [];
  const root: Frame = { t: 'frame', decl: [], body: [] };
  interface Open {
    name: string;
    cur: Node[];
    onElse?: () => void;
    onElif?: (refs: NameRef[]) => void;
    onClose?: () => void;
  }
  const stack: Open[] = [{ name: '', cur: root.body }];
  const top = () => stack[stack.length - 1];
  const loads = (refs: NameRef[]): Node => ({ t: 'loads', refs });
  for (const tag of tags) {
    if (tag.kind === 'comment') continue;
    const name = tag.kind === 'output' ? '' : (tag.name ?? '');
    const known = tag.kind === 'output' || jinja2Statements.has(name) || ['elif', 'else', 'endblock'].includes(name) || Object.values(opens).includes(name);
    if (tag.kind === 'statement' && (name === 'raw' || name === 'endraw')) continue;
    let syn: TagSyntax | undefined;
    if (known) {
      try {
        syn = parseTag(src, tag.innerStart, tag.innerStart + tag.inner.length, tag.kind === 'output' ? 'output' : 'statement');
      } catch (e) {
        if (!(e instanceof JinjaSyntaxError)) throw e;
        errors.push({ tag, message: e.message, at: e.at });
      }
    } else if (name === 'elseif' || name === 'do') {
      // nunjucks' `elseif`, the `do` extension: their expressions are read all the same.
      const rest = tag.inner.indexOf(name) + name.length;
      try {
        syn = { ...parseTag(src, tag.innerStart + rest, tag.innerStart + tag.inner.length, 'output'), targets: [] };
      } catch {
        syn = undefined;
      }
    }
    const cur = top().cur;
    const refs = syn?.loads ?? [];
    if (tag.kind === 'output') {
      cur.push(loads(refs));
      continue;
    }
    if (stack.length > maxNesting && opens[name] && (name !== 'set' || syn?.blockSet)) {
      // Past the nesting bound a block is read as part of its parent (its closing tag still closes it).
      cur.push(loads(refs));
      stack.push({ name, cur });
      continue;
    }
    switch (name) {
      case 'for': {
        cur.push(loads(refs));
        const body: Frame = { t: 'frame', decl: [...(syn?.targets ?? []), 'loop'], body: [loads(syn?.innerLoads ?? [])] };
        cur.push(body);
        const open: Open = { name, cur: body.body };
        open.onElse = () => {
          const alt: Frame = { t: 'frame', decl: [], body: [] };
          cur.push(alt);
          open.cur = alt.body;
        };
        stack.push(open);
        break;
      }
      case 'if': {
        cur.push(loads(refs));
        const node: Node = { t: 'if', branches: [[]], hasElse: false };
        cur.push(node);
        const open: Open = { name, cur: node.branches[0] };
        open.onElif = (r) => {
          node.branches.push([loads(r)]);
          open.cur = node.branches[node.branches.length - 1];
        };
        open.onElse = () => {
          node.branches.push([]);
          node.hasElse = true;
          open.cur = node.branches[node.branches.length - 1];
        };
        stack.push(open);
        break;
      }
      case 'elif':
      case 'elseif':
        top().onElif?.(refs);
        break;
      case 'else':
        top().onElse?.();
        break;
      case 'set':
        cur.push(loads(refs));
        if (syn?.blockSet || (!syn && !/^\s*set\s[^=|'"]*=/.test(tag.inner))) {
          const body: Frame = { t: 'frame', decl: [], body: [] };
          cur.push(body);
          const targets = syn?.targets ?? [];
          stack.push({ name, cur: body.body, onClose: () => cur.push({ t: 'store', names: targets }) });
        } else cur.push({ t: 'store', names: syn?.targets ?? [] });
        break;
      case 'macro': {
        cur.push(loads(refs));
        const [macroName, ...args] = syn?.targets ?? [];
        if (macroName) cur.push({ t: 'store', names: [macroName] });
        const body: Frame = { t: 'frame', decl: [...args, 'caller', 'varargs', 'kwargs'], body: [] };
        cur.push(body);
        stack.push({ name, cur: body.body });
        break;
      }
      case 'call':
      case 'with':
      case 'filter':
      case 'block': {
        cur.push(loads(refs));
        const decl = name === 'call' ? [...(syn?.targets ?? []), 'varargs', 'kwargs'] : name === 'with' ? (syn?.targets ?? []) : [];
        const body: Frame = { t: 'frame', decl, body: [], isolated: name === 'block' };
        cur.push(body);
        stack.push({ name, cur: body.body });
        break;
      }
      case 'autoescape':
        cur.push(loads(refs));
        stack.push({ name, cur });
        break;
      default:
        if (name.startsWith('end') && opens[name.slice(3)] === name) {
          let at = stack.length - 1;
          while (at > 0 && stack[at].name !== name.slice(3)) at--;
          if (at > 0) for (const closed of stack.splice(at).reverse()) closed.onClose?.();
        } else if (syn) {
          cur.push(loads(refs));
          if (syn.targets.length) cur.push({ t: 'store', names: syn.targets });
        }
    }
  }
  for (const open of stack.splice(1).reverse()) open.onClose?.();
  const undeclared = frameUndeclared(root, []);
  undeclared.sort((a, b) => a.at - b.at);
  return { undeclared, errors };
}

/** Names stored directly in a frame (in any branch of its `if`s, not in nested frames). */
function frameStores(nodes: Node[], into: Set<string>): Set<string> {
  for (const n of nodes) {
    if (n.t === 'store') for (const s of n.names) into.add(s);
    else if (n.t === 'if') for (const b of n.branches) frameStores(b, into);
  }
  return into;
}

/**
 * Reads before any assignment in the frame, unless an enclosing frame assigns the name
 * anywhere (its body is compiled once the enclosing frame's names are all known).
 */
function frameUndeclared(frame: Frame, outer: Set<string>[]): NameRef[] {
  const out: NameRef[] = [];
  const mine = frameStores(frame.body, new Set(frame.decl));
  const seen = frame.isolated ? [] : outer;
  const inner = [...seen, mine];
  const visible = (name: string, known: Set<string>) => known.has(name) || jinja2Globals.has(name) || seen.some((s) => s.has(name));
  const walk = (nodes: Node[], known: Set<string>): void => {
    for (const n of nodes) {
      if (n.t === 'loads') {
        for (const r of n.refs) if (!visible(r.name, known)) out.push(r);
      } else if (n.t === 'store') {
        for (const s of n.names) known.add(s);
      } else if (n.t === 'if') {
        const stored = n.branches.map((b) => {
          const k = new Set(known);
          walk(b, k);
          return k;
        });
        // A name assigned in every branch (an `else` included) is assigned after the `if`.
        if (n.hasElse) for (const s of stored[0]) if (stored.every((k) => k.has(s))) known.add(s);
      } else {
        out.push(...frameUndeclared(n, inner));
      }
    }
  };
  walk(frame.body, new Set(frame.decl));
  return out;
}
