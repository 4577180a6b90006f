// Dotprompt rendering as the reference runtime does it: Handlebars (no escaping) with Dotprompt's helpers, then role/history/media/section markers split into messages.

import type * as HandlebarsNs from 'handlebars';
import { splitFrontMatter } from '../formats/frontMatter';
import { TextDocument } from '../text/textDocument';

/** A part of a Dotprompt message, shaped as in the Dotprompt spec vectors. */
export type DotpromptPart = { text: string } | { media: { url: string; contentType?: string } } | { metadata: { purpose: string; pending: true } };

export interface DotpromptMessage {
  role: string;
  content: DotpromptPart[];
  metadata?: Record<string, unknown>;
}

/** What a render gets, as Dotprompt's `DataArgument`: inputs, conversation history and `@` context variables. */
export interface DotpromptData {
  input?: Record<string, unknown>;
  messages?: DotpromptMessage[];
  context?: Record<string, unknown>;
}

export interface DotpromptRenderOptions {
  /** `input.default` of the prompt: values used for inputs the data does not give. */
  defaults?: Record<string, unknown>;
  /** Partials by name (Dotprompt `_name.prompt` files, or the spec's `partials`). */
  partials?: Record<string, string>;
  /** Called for a partial that `partials` does not hold (Dotprompt's partial resolver). */
  resolvePartial?: (name: string) => string | undefined;
}

const rolePrefix = '<<<dotprompt:role:';
const historyPrefix = '<<<dotprompt:history';
const mediaPrefix = '<<<dotprompt:media:';
const sectionPrefix = '<<<dotprompt:section';
const roleAndHistory = /(<<<dotprompt:(?:role:[a-z]+(?: [^>]+)?|history))>>>/g;
const mediaAndSection = /(<<<dotprompt:(?:media:url|section).*?)>>>/g;
const helperNames = ['json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals'] as const;

/**
 * The template of a Dotprompt source: the body after the front matter, trimmed (as the
 * runtime does); the whole source when there is no front matter.
 */
export function dotpromptTemplate(source: string): string {
  const doc = new TextDocument(source);
  const fm = splitFrontMatter(doc, { commentPreamble: true });
  if (!fm.present || fm.unterminated) return doc.text;
  return doc.text.slice(fm.bodyStart).trim();
}

/** Names of the partials a template (text or parsed) includes (`{{> name}}`), from Handlebars' own parser. */
export function partialNames(hb: typeof HandlebarsNs, template: string | ReturnType<typeof HandlebarsNs.parse>): string[] {
  if (typeof template === 'string' && !template.includes('{{>') && !template.includes('{{~>') && !template.includes('{{#>')) return [];
  const names = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 200) return;
    const n = node as { type?: string; name?: { original?: unknown }; body?: unknown[]; program?: unknown; inverse?: unknown };
    if ((n.type === 'PartialStatement' || n.type === 'PartialBlockStatement') && typeof n.name?.original === 'string') names.add(n.name.original);
    for (const child of n.body ?? []) visit(child, depth + 1);
    visit(n.program, depth + 1);
    visit(n.inverse, depth + 1);
  };
  visit(typeof template === 'string' ? hb.parse(template) : template, 0);
  return [...names];
}

/**
 * Renders a Dotprompt source (front matter and template) with `data`, as Dotprompt's
 * `render()`: Handlebars with `noEscape` and only known helpers, inputs merged over the
 * defaults, `data.context` as `@` variables, then split into messages. Throws Handlebars'
 * error for a template that does not compile or a partial that does not exist.
 *
 * The block form `{{#role "x"}}...{{/role}}` (which Dotprompt's linter examples use) renders as
 * the runtime renders it: the role changes to `x` and the body is dropped (its `role` helper
 * never renders a block); the `dotprompt-role-block` check reports it.
 */
export function renderDotprompt(source: string, data: DotpromptData = {}, options: DotpromptRenderOptions = {}): DotpromptMessage[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hb = (require('handlebars') as typeof HandlebarsNs).create();
  const template = dotpromptTemplate(source);
  const safe = (s: string): HandlebarsNs.SafeString => new hb.SafeString(s);
  hb.registerHelper('json', (value: unknown, options: HandlebarsNs.HelperOptions) => safe(JSON.stringify(value, null, Number((options?.hash as { indent?: unknown } | undefined)?.indent) || 0) ?? ''));
  // As the runtime: the block form's body is never rendered.
  hb.registerHelper('role', (role: unknown) => safe(`${rolePrefix}${String(role)}>>>`));
  hb.registerHelper('history', () => safe(`${historyPrefix}>>>`));
  hb.registerHelper('section', (name: unknown) => safe(`${sectionPrefix} ${String(name)}>>>`));
  hb.registerHelper('media', (options: HandlebarsNs.HelperOptions) => {
    const hash = (options?.hash ?? {}) as { url?: unknown; contentType?: unknown };
    return safe(`${mediaPrefix}url ${String(hash.url)}${hash.contentType ? ` ${String(hash.contentType)}` : ''}>>>`);
  });
  hb.registerHelper('ifEquals', function (this: unknown, a: unknown, b: unknown, options: HandlebarsNs.HelperOptions) {
    return a === b ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper('unlessEquals', function (this: unknown, a: unknown, b: unknown, options: HandlebarsNs.HelperOptions) {
    return a !== b ? options.fn(this) : options.inverse(this);
  });

  // Register the partials the template reaches (resolved ones recursively, as the runtime does).
  const registered = new Set<string>();
  const register = (text: string | ReturnType<typeof HandlebarsNs.parse>, depth: number): void => {
    if (depth > 32) return;
    for (const name of partialNames(hb, text)) {
      if (registered.has(name)) continue;
      const body = options.partials?.[name] ?? options.resolvePartial?.(name);
      if (body === undefined) continue;
      registered.add(name);
      hb.registerPartial(name, body);
      register(body, depth + 1);
    }
  };
  // Parsed once: the partial scan and the compiler share the tree (Handlebars' parser is the slow part).
  const ast = hb.parse(template);
  register(ast, 0);

  const knownHelpers = Object.fromEntries(helperNames.map((h) => [h, true])) as Record<string, true>;
  const render = hb.compile(ast, { knownHelpers, knownHelpersOnly: true, noEscape: true });
  const rendered = render({ ...(options.defaults ?? {}), ...(data.input ?? {}) }, { data: { metadata: { messages: data.messages }, ...(data.context ?? {}) } });
  return toMessages(rendered, data.messages);
}

interface MessageSource {
  role: string;
  source?: string;
  content?: DotpromptPart[];
  metadata?: Record<string, unknown>;
}

/** Splits rendered text at role and history markers into messages (Dotprompt's `toMessages`). */
export function toMessages(rendered: string, history?: DotpromptMessage[]): DotpromptMessage[] {
  let current: MessageSource = { role: 'user', source: '' };
  const sources: MessageSource[] = [current];
  for (const piece of splitBy(rendered, roleAndHistory)) {
    if (piece.startsWith(rolePrefix)) {
      const { role, metadata } = parseRoleMarker(piece);
      if (current.source?.trim()) {
        current = { role, source: '' };
        if (metadata) current.metadata = metadata;
        sources.push(current);
      } else {
        current.role = role;
        if (metadata) current.metadata = { ...current.metadata, ...metadata };
      }
    } else if (piece.startsWith(historyPrefix)) {
      sources.push(...(history ?? []).map((m) => ({ ...m, metadata: { ...m.metadata, purpose: 'history' } })));
      current = { role: 'model', source: '' };
      sources.push(current);
    } else {
      current.source += piece;
    }
  }
  const messages: DotpromptMessage[] = sources
    .filter((s) => s.content || s.source)
    .map((s) => {
      const out: DotpromptMessage = { role: s.role, content: s.content ?? toParts(s.source ?? '') };
      if (s.metadata) out.metadata = s.metadata;
      return out;
    });
  return insertHistory(messages, history);
}

function splitBy(source: string, regex: RegExp): string[] {
  return source.split(regex).filter((s) => s.trim() !== '');
}

function parseRoleMarker(piece: string): { role: string; metadata?: Record<string, string> } {
  const content = piece.slice(rolePrefix.length);
  const space = content.indexOf(' ');
  if (space < 0) return { role: content };
  const metadata: Record<string, string> = {};
  for (const entry of content.slice(space + 1).split(' ')) {
    const eq = entry.indexOf('=');
    if (eq >= 0) metadata[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return { role: content.slice(0, space), metadata };
}

function toParts(source: string): DotpromptPart[] {
  return splitBy(source, mediaAndSection).map((piece): DotpromptPart => {
    if (piece.startsWith(mediaPrefix)) {
      const [, url, contentType] = piece.split(' ');
      return contentType ? { media: { url, contentType } } : { media: { url } };
    }
    if (piece.startsWith(sectionPrefix)) return { metadata: { purpose: piece.split(' ')[1], pending: true } };
    return { text: piece };
  });
}

/** History goes before the last user message, or at the end; not at all when the template placed it with `{{history}}`. */
function insertHistory(messages: DotpromptMessage[], history: DotpromptMessage[] | undefined): DotpromptMessage[] {
  if (!history || messages.some((m) => m.metadata?.purpose === 'history')) return messages;
  if (messages.length === 0) return history;
  const last = messages[messages.length - 1];
  if (last.role === 'user') return [...messages.slice(0, -1), ...history, last];
  return [...messages, ...history];
}
