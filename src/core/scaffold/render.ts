// Template rendering: logic-less Mustache in contents and names (parameters are checked in library/parameters.ts).

import Mustache from 'mustache';
import { maxRenderedChars, maxRenderMs, maxRenderSteps, maxSectionDepth } from '../limits';

/** Names of the built-in values every template can use besides its parameters. */
export const builtinNames = ['pilot', 'name'];

/** Prototype members that a Mustache name may never reach (they would be called as lambdas). */
function reachesCode(name: string): boolean {
  if (name === '.') return false;
  return name.split('.').some((seg) => {
    if (seg === '__proto__' || seg === 'constructor' || seg === 'prototype') return true;
    return [Object.prototype, Array.prototype, String.prototype, Number.prototype, Boolean.prototype].some((p) => typeof (p as unknown as Record<string, unknown>)[seg] === 'function');
  });
}

/** A deep copy of plain data with prototype-free objects, so a template can reach nothing but the data. */
export function makeView(data: Record<string, unknown>): Record<string, unknown> {
  const copy = (v: unknown, depth: number): unknown => {
    if (depth > 32) return undefined;
    if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1));
    if (v && typeof v === 'object') {
      const o = Object.create(null) as Record<string, unknown>;
      for (const [k, x] of Object.entries(v)) if (k !== '__proto__') o[k] = copy(x, depth + 1);
      return o;
    }
    return typeof v === 'function' ? undefined : v;
  };
  return copy(data, 0) as Record<string, unknown>;
}

export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

type Token = [string, string, number, number, Token[]?, ...unknown[]];

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The names a template uses outside sections (what must come from the parameters or built-ins). */
function topLevelNames(tokens: Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (t[0] === 'name' || t[0] === '&' || t[0] === '#' || t[0] === '^') out.push(t[1]);
  return out;
}

function allNames(tokens: Token[], out: { name: string; at: number }[] = []): { name: string; at: number }[] {
  for (const t of tokens) {
    if (t[0] === 'name' || t[0] === '&' || t[0] === '#' || t[0] === '^' || t[0] === '>') out.push({ name: t[1], at: t[2] });
    if ((t[0] === '#' || t[0] === '^') && Array.isArray(t[4])) allNames(t[4], out);
  }
  return out;
}

/** Deepest nesting of sections in `tokens` (counted without recursion, so any depth is measured), and where it first passes `limit`. */
function sectionDepth(tokens: Token[], limit: number): { depth: number; at: number } {
  let depth = 0;
  const stack: [Token[], number][] = [[tokens, 1]];
  while (stack.length) {
    const [list, d] = stack.pop()!;
    for (const t of list) {
      if ((t[0] !== '#' && t[0] !== '^') || !Array.isArray(t[4])) continue;
      if (d > limit) return { depth: d, at: t[2] };
      depth = Math.max(depth, d);
      stack.push([t[4], d + 1]);
    }
  }
  return { depth, at: -1 };
}

/**
 * What one scaffold may spend on rendering, shared by every renderMustache call that is given it
 * (maxRenderSteps tokens visited, maxRenderedChars characters written, maxRenderMs of wall time).
 */
export class RenderBudget {
  steps = 0;
  chars = 0;
  readonly deadline: number;

  constructor(now = Date.now()) {
    this.deadline = now + maxRenderMs;
  }
}

class RenderLimitError extends Error {}

/** Writes `tokens` into `out` (Mustache semantics without lambdas or partials: the view holds data only), within the budget. */
function renderTokens(tokens: Token[], context: Mustache.Context, escape: (v: unknown) => string, budget: RenderBudget, out: string[]): void {
  const step = () => {
    if (++budget.steps > maxRenderSteps)
      throw new RenderLimitError(
        `rendering stopped after ${maxRenderSteps.toLocaleString('en-US')} steps: sections repeat too often (sections over lists, nested in each other); nest fewer of them or give shorter lists`,
      );
    if ((budget.steps & 0x3ff) === 0 && Date.now() > budget.deadline) throw new RenderLimitError(`rendering took longer than ${maxRenderMs / 1000} s; render less`);
  };
  const write = (text: string) => {
    budget.chars += text.length;
    if (budget.chars > maxRenderedChars) throw new RenderLimitError(`the rendered text passes ${maxRenderedChars / (1024 * 1024)} MiB (all of the template's files together); render less`);
    out.push(text);
  };
  for (const t of tokens) {
    step();
    const kind = t[0];
    if (kind === 'text') write(t[1]);
    else if (kind === 'name' || kind === '&') {
      const v: unknown = context.lookup(t[1]);
      if (v !== null && v !== undefined) write(kind === 'name' ? escape(v) : String(v));
    } else if (kind === '#') {
      const v: unknown = context.lookup(t[1]);
      if (!v) continue;
      if (Array.isArray(v)) {
        for (const item of v) {
          step();
          renderTokens(t[4] ?? [], context.push(item), escape, budget, out);
        }
      } else if (typeof v === 'object' || typeof v === 'string' || typeof v === 'number') renderTokens(t[4] ?? [], context.push(v), escape, budget, out);
      else renderTokens(t[4] ?? [], context, escape, budget, out);
    } else if (kind === '^') {
      const v: unknown = context.lookup(t[1]);
      if (!v || (Array.isArray(v) && v.length === 0)) renderTokens(t[4] ?? [], context, escape, budget, out);
    }
    // '>' (partials) render as nothing: no file is ever read; '!' comments and '=' delimiter changes write nothing.
  }
}

export interface RenderResult {
  text: string;
  /** Top-level names the view does not define (rendered as empty). */
  unknownNames: string[];
}

/**
 * Renders Mustache text with `view` (made with makeView). HTML escaping is off unless
 * `html`; partials render as nothing (no file is ever read); names that would reach
 * JavaScript functions are refused; sections nest at most maxSectionDepth deep, and the
 * rendering spends at most `budget` (one scaffold shares one; default: a budget of its own).
 * Throws TemplateRenderError naming `file` and the line.
 */
export function renderMustache(text: string, view: Record<string, unknown>, file: string, opts: { html?: boolean; budget?: RenderBudget } = {}): RenderResult {
  const writer = new Mustache.Writer();
  let tokens: Token[];
  try {
    tokens = writer.parse(text) as Token[];
  } catch (e) {
    const msg = (e as Error).message;
    const m = /at (\d+)\s*$/.exec(msg);
    let at = m ? Number(m[1]) : -1;
    // An unclosed section is reported at the end of the text: point at where it opens.
    const open = /^Unclosed section "([^"]*)"/.exec(msg);
    if (open) {
      const re = new RegExp(`\\{\\{[#^]\\s*${open[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}\\}`, 'g');
      for (let r = re.exec(text); r; r = re.exec(text)) at = r.index;
    }
    const where = at >= 0 ? `${file}:${lineOf(text, at)}` : file;
    throw new TemplateRenderError(
      `${where}: the template does not parse as Mustache (${(e as Error).message}). Fix the template, or change the delimiters with {{=<% %>=}} where the file needs literal braces.`,
    );
  }
  const depth = sectionDepth(tokens, maxSectionDepth);
  if (depth.depth > maxSectionDepth)
    throw new TemplateRenderError(`${file}:${lineOf(text, depth.at)}: sections are nested more than ${maxSectionDepth} deep here (at most ${maxSectionDepth} are allowed); flatten the template.`);
  for (const { name, at } of allNames(tokens)) {
    if (reachesCode(name)) throw new TemplateRenderError(`${file}:${lineOf(text, at)}: \`{{${name}}}\` names a JavaScript built-in, not a parameter; templates may only use data. Rename it.`);
  }
  const unknownNames = [
    ...new Set(
      topLevelNames(tokens)
        .map((n) => n.split('.')[0])
        .filter((n) => n !== '.' && !(n in view)),
    ),
  ];
  const escape = opts.html ? (v: unknown) => Mustache.escape(String(v)) : (v: unknown) => String(v);
  const out: string[] = [];
  try {
    renderTokens(tokens, new Mustache.Context(view), escape, opts.budget ?? new RenderBudget(), out);
  } catch (e) {
    if (e instanceof RenderLimitError) throw new TemplateRenderError(`${file}: ${e.message}.`);
    throw new TemplateRenderError(`${file}: the template could not be rendered (${(e as Error).message}).`);
  }
  return { text: out.join(''), unknownNames };
}

/** True for file names whose contents are HTML or XML (rendered with HTML escaping). */
export function isMarkupFile(path: string): boolean {
  return /\.(html?|xhtml|xml|svg)$/i.test(path);
}
