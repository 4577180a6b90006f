// Token counts per model: a real tokenizer (o200k_base, cl100k_base: each encoding loaded lazily, on first use) or,
// for models without a public tokenizer, a conservative estimate.

import type { ParsedFile } from './formats/types';

type CountTokens = (text: string) => number;

/** The public tokenizers we count with (gpt-tokenizer's encodings). */
export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';
/** How a model's tokens are counted: a public tokenizer, or `estimate` (a conservative characters-per-token estimate). */
export type Tokenizer = TokenizerEncoding | 'estimate';
export const tokenizers: readonly Tokenizer[] = ['o200k_base', 'cl100k_base', 'estimate'];

const counters = new Map<TokenizerEncoding, CountTokens>();

/** The encoding's counter; each encoding has an entry point of its own, so only the one needed loads. */
function counterOf(encoding: TokenizerEncoding): CountTokens {
  let counter = counters.get(encoding);
  if (!counter) {
    // Literal paths: the build puts each encoding in a vendor chunk of its own (esbuild.mjs).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const mod = (encoding === 'cl100k_base' ? require('gpt-tokenizer/encoding/cl100k_base') : require('gpt-tokenizer/encoding/o200k_base')) as { countTokens: CountTokens };
    /* eslint-enable @typescript-eslint/no-require-imports */
    counter = mod.countTokens;
    counters.set(encoding, counter);
  }
  return counter;
}

/**
 * The tokenizer of a model: the catalogue's `tokenizer` when it gives one, else by the id: o200k_base
 * for OpenAI's GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and o-series models, cl100k_base for GPT-4 and GPT-3.5,
 * and `estimate` for every other model (Claude, Gemini, Llama, Mistral...: no public tokenizer in
 * gpt-tokenizer). A prompt that names no model is counted with o200k_base.
 */
export function tokenizerOf(modelId: string | undefined, catalogued?: { tokenizer?: unknown }): Tokenizer {
  const t = catalogued?.tokenizer;
  if (typeof t === 'string' && (tokenizers as readonly string[]).includes(t)) return t as Tokenizer;
  if (!modelId) return 'o200k_base';
  const name = modelId.toLowerCase().slice(modelId.lastIndexOf('/') + 1);
  if (/^(chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o[1-9])(\b|-|$)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada-002)(\b|-|$)/.test(name)) return 'cl100k_base';
  return 'estimate';
}

/**
 * Conservative token estimate for models without a public tokenizer: one token per 3 ASCII letters
 * and spaces (Anthropic documents about 3.5 characters per token for Claude, Google about 4 for
 * Gemini: 3 overestimates both), rounded up; one token per other ASCII character (digits,
 * punctuation, line breaks: code and JSON tokenize densely); one per 2 UTF-8 bytes of any other
 * character (CJK characters count 2, accented letters 1, emoji 2). It overestimates on purpose, so
 * that a prompt under its budget by this count is under it for the model too.
 */
export function estimateTokenCount(text: string): number {
  let words = 0;
  let other = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 32 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) words++;
    else if (c < 0x80) other++;
    else other += c < 0x800 ? 1 : 2; // ceil(UTF-8 bytes / 2): 2 bytes give 1, 3 or 4 bytes give 2
  }
  return Math.ceil(words / 3) + other;
}

/** Token count of a text with `tokenizer` (default o200k_base, the GPT-4o family's); loads the encoding on first call. */
export function countTokens(text: string, tokenizer: Tokenizer = 'o200k_base'): number {
  if (tokenizer === 'estimate') return estimateTokenCount(text);
  const counter = counterOf(tokenizer);
  // Byte-pair encoding is quadratic in the length of one run of characters without a blank (a
  // 40,000-character run took seconds): such runs are counted in pieces of at most `maxRun`.
  let total = 0;
  let start = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) run = 0;
    else if (++run >= maxRun && !(c >= 0xd800 && c <= 0xdbff)) {
      total += counter(text.slice(start, i + 1));
      start = i + 1;
      run = 0;
    }
  }
  return total + (start < text.length ? counter(text.slice(start)) : 0);
}

/** Longest run of non-blank characters given to the tokenizer at once (real words and tokens are far shorter). */
const maxRun = 256;

/** Upper bound of the tokens of a text without tokenizing: no token is shorter than one UTF-8 byte. */
export function tokenUpperBound(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The text a prompt renders to, approximately: its messages with every template tag replaced by
 * the first sample's value for that variable (or removed), for token and cost estimates.
 */
export function approximateRendering(file: ParsedFile): string {
  const sample = file.samples?.[0] ?? {};
  const parts = (file.messages ?? []).map((m) => m.template);
  const text = parts.join('\n');
  let out = replaceClosed(text, /\{\{!--[\s\S]*?--\}\}/g, '--}}', () => '');
  out = replaceClosed(out, /\{\{![\s\S]*?\}\}/g, '}}', () => '');
  out = replaceClosed(out, /\{#[\s\S]*?#\}/g, '#}', () => '');
  out = replaceClosed(out, /\{\{\{?\s*([A-Za-z_][\w.]*)\s*\}?\}\}/g, '}}', (_m, name: string) => sampleText(sample[name.split('.')[0]]));
  out = replaceClosed(out, /\{\{[\s\S]*?\}\}/g, '}}', () => '');
  out = replaceClosed(out, /\{%[\s\S]*?%\}/g, '%}', () => '');
  return replaceClosed(out, /\$\{input:([^}:]+)(?::[^}]*)?\}/g, '}', (_m, name: string) => sampleText(sample[name]));
}

/**
 * `text.replace(re, by)` where every match ends with `closer`, applied only up to the last
 * `closer`: past it no match can end, and trying there (an unclosed `{{` after another) made
 * the replacement quadratic. Before it every attempt at an opener succeeds, so the work is linear.
 */
function replaceClosed(text: string, re: RegExp, closer: string, by: (match: string, name: string) => string): string {
  const last = text.lastIndexOf(closer);
  if (last < 0) return text;
  const cut = last + closer.length;
  return text.slice(0, cut).replace(re, by) + text.slice(cut);
}

function sampleText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return '';
  }
}
