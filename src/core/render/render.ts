// Renders a prompt with one set of input values by its format's own rules, into messages by role.

import type * as Nunjucks from 'nunjucks';
import { splitFrontMatter } from '../formats/frontMatter';
import { splitMessages as splitPromptyMessages } from '../formats/prompty';
import { formatModules } from '../formats/registry';
import type { ParsedFile } from '../formats/types';
import { maxYamlBytes } from '../limits';
import { yamlValue } from '../yaml/yamlDocument';
import { TextDocument } from '../text/textDocument';
import { renderDotprompt } from './dotprompt';
import type { DotpromptMessage } from './dotprompt';
import { isObj } from '../guards';

export type RenderedPart = { kind: 'text'; text: string } | { kind: 'media'; url: string; contentType?: string } | { kind: 'section'; name: string };

export interface RenderedMessage {
  role: string;
  parts: RenderedPart[];
}

export interface RenderedPrompt {
  messages: RenderedMessage[];
  /** How the body was rendered, for the reader ("Handlebars with Dotprompt's helpers", ...). */
  engine: string;
  /** Why rendering failed; `messages` then hold the unrendered templates. */
  error?: string;
  /** Variables the body reads that neither the values nor the defaults give, in order of first use. */
  missing: string[];
}

export interface RenderOptions {
  /** Text of a Dotprompt partial by name, or undefined when there is none. */
  partial?: (name: string) => string | undefined;
}

/** Formats that the preview and the CodeLens treat as prompts (`preview` in their module; agent, instructions and skill files render too, but are not offered). */
export const promptFormats: ReadonlySet<string> = new Set(formatModules.filter((m) => m.preview).map((m) => m.id));

/** The text of a message (its text parts; media and sections left out). */
export function messageText(m: RenderedMessage): string {
  return m.parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

/**
 * Renders `file` (parsed from `text`) with `values`:
 * - Dotprompt: Handlebars with Dotprompt's helpers over the whole body, `input.default` under the values, split at role markers;
 * - Prompty: Jinja2 (nunjucks, no autoescaping) or Mustache over the body, input defaults (v1: `sample`) under the values, then split at role lines;
 * - GitHub Models: each message's exact `{{name}}` replaced by the value;
 * - VS Code prompt files and skills: `${input:name}` and `${input:name:placeholder}` replaced by the value;
 * - anything else (repository instructions, a Prompty template format we do not render): the messages as written.
 * Never throws: a template error comes back in `error` with the unrendered messages.
 */
export function renderPrompt(file: ParsedFile, text: string, values: Record<string, unknown>, options: RenderOptions = {}): RenderedPrompt {
  const defaults = defaultValues(file, text);
  const merged = { ...defaults, ...values };
  const used = [...new Set((file.variables ?? []).map((v) => v.name))];
  const missing = used.filter((n) => merged[n] === undefined);
  let engine = 'none';
  try {
    // By template language: Handlebars bodies are Dotprompt's, Jinja2 and Mustache bodies Prompty's (split at role lines after rendering).
    switch (file.templateLanguage) {
      case 'handlebars': {
        engine = "Handlebars with Dotprompt's helpers";
        const messages = renderDotprompt(text, { input: values }, { defaults, resolvePartial: options.partial });
        return { messages: messages.map(fromDotprompt), engine, missing };
      }
      case 'mustache':
      case 'jinja2': {
        const body = bodyOf(text);
        engine = file.templateLanguage === 'mustache' ? 'Mustache ({{name}} is HTML-escaped, {{{name}}} is not)' : 'Jinja2 (nunjucks, no autoescaping)';
        const rendered = file.templateLanguage === 'mustache' ? renderMustache(body, merged) : renderJinja(body, merged);
        return { messages: splitPromptyMessages(rendered).map((m) => ({ role: m.role, parts: [{ kind: 'text', text: m.template }] })), engine, missing };
      }
      case 'literal-braces':
        engine = 'literal {{name}} replacement (GitHub Models)';
        return { messages: (file.messages ?? []).map((m) => textMessage(m.role, replaceLiteralBraces(m.template, merged))), engine, missing };
      case 'vscode-input':
        engine = '${input:name} replacement (VS Code prompt files)';
        return { messages: (file.messages ?? []).map((m) => textMessage(m.role, replaceVscodeInputs(m.template, merged))), engine, missing };
      default:
        // Not a template (repository instructions, a Prompty file of another template format): the messages as written.
        engine = 'none (the text is sent as written)';
        return { messages: (file.messages ?? []).map((m) => textMessage(m.role, m.template)), engine, missing };
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      messages: (file.messages ?? []).map((m) => textMessage(m.role, m.template)),
      engine,
      missing,
      error: `The template could not be rendered: ${message.split('\n').slice(0, 6).join('\n')}`,
    };
  }
}

function textMessage(role: string, text: string): RenderedMessage {
  return { role, parts: [{ kind: 'text', text }] };
}

function fromDotprompt(m: DotpromptMessage): RenderedMessage {
  return {
    role: m.role,
    parts: m.content.map((p): RenderedPart => {
      if ('text' in p) return { kind: 'text', text: p.text };
      if ('media' in p) return p.media.contentType ? { kind: 'media', url: p.media.url, contentType: p.media.contentType } : { kind: 'media', url: p.media.url };
      return { kind: 'section', name: p.metadata.purpose };
    }),
  };
}

/** The body after the front matter (the whole text without one). */
function bodyOf(text: string): string {
  const doc = new TextDocument(text);
  // Prompty's (the Jinja2 and Mustache bodies): whitespace may stand before the `---`.
  const fm = splitFrontMatter(doc, { leadingWhitespace: true });
  if (!fm.present) return doc.text;
  return doc.text.slice(fm.bodyStart);
}

/** The front matter as a plain object, or {} (never throws). */
export function frontMatterOf(text: string): Record<string, unknown> {
  const doc = new TextDocument(text);
  const fm = splitFrontMatter(doc, { commentPreamble: true, leadingWhitespace: true });
  // Same bounds as the checks (limits.ts): no huge front matter, no warnings printed on stderr.
  if (!fm.present || fm.unterminated || fm.yamlEnd - fm.yamlStart > maxYamlBytes) return {};
  try {
    const v = yamlValue(doc.text.slice(fm.yamlStart, fm.yamlEnd));
    return isObj(v) ? v : {};
  } catch {
    return {};
  }
}

/**
 * Values the runtime uses for inputs the caller does not give: Dotprompt `input.default`;
 * Prompty input `default`s (and v1 `sample`, which the v1 runtime merges under the inputs).
 */
export function defaultValues(file: ParsedFile, text: string): Record<string, unknown> {
  if (file.format === 'dotprompt') {
    const input = frontMatterOf(text).input;
    return isObj(input) && isObj(input.default) ? { ...input.default } : {};
  }
  if (file.format === 'prompty') {
    const out: Record<string, unknown> = {};
    const sample = frontMatterOf(text).sample;
    if (isObj(sample)) Object.assign(out, sample);
    for (const i of file.inputs ?? []) if (i.default !== undefined) out[i.name] = i.default;
    return out;
  }
  return {};
}

/** Member names that lead from any value to Function (and so to running code) or to the prototypes. */
const blockedMembers = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
let nunjucksHardened = false;

/**
 * nunjucks does not sandbox templates: `{{ range.constructor("...")() }}` runs any code, and a
 * bare `{{ constructor }}` is Object (through the prototype of its scopes). Library templates
 * are not trusted, so its runtime refuses those names: a member lookup of one of
 * `blockedMembers`, and a variable named like a property of Object.prototype, give undefined.
 */
function hardenNunjucks(): void {
  if (nunjucksHardened) return;
  type Lookup = (...args: unknown[]) => unknown;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtime = require('nunjucks/src/runtime') as { memberLookup: Lookup; contextOrFrameLookup: Lookup };
  const memberLookup = runtime.memberLookup;
  const contextOrFrameLookup = runtime.contextOrFrameLookup;
  runtime.memberLookup = (obj, val) => ((typeof val !== 'string' && typeof val !== 'number') || blockedMembers.has(String(val)) ? undefined : memberLookup(obj, val));
  runtime.contextOrFrameLookup = (context, frame, name) => (typeof name !== 'string' || name in Object.prototype ? undefined : contextOrFrameLookup(context, frame, name));
  nunjucksHardened = true;
}

function renderJinja(template: string, values: Record<string, unknown>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nunjucks = require('nunjucks') as typeof Nunjucks;
  hardenNunjucks();
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  return env.renderString(template, values);
}

function renderMustache(template: string, values: Record<string, unknown>): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('mustache') as { render?: (t: string, v: unknown) => string; default?: { render: (t: string, v: unknown) => string } };
  const render = mod.render ?? mod.default?.render;
  if (!render) throw new Error('the Mustache library did not load');
  return render(template, values);
}

/** A value as text where a template prints it: strings as they are, other values as JSON. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return String(v);
  }
}

/** GitHub Models: the exact text `{{name}}` for each given name; other braces stay as written. */
export function replaceLiteralBraces(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{\{([^{}\r\n]*)\}\}/g, (all, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? valueText(values[name]) : all));
}

/** VS Code prompt files: `${input:name}` and `${input:name:placeholder}` for each given name; others stay as written. */
export function replaceVscodeInputs(template: string, values: Record<string, unknown>): string {
  return template.replace(/\$\{input:([\p{L}\p{N}_.-]+)(?::[^}\r\n]*)?\}/gu, (all, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? valueText(values[name]) : all));
}
