// Token estimates with a real tokenizer (o200k_base), loaded lazily on first use.

import type { ParsedFile } from './formats/types';

type CountTokens = (text: string) => number;
let counter: CountTokens | undefined;

/** Token count of a text with the o200k_base tokenizer (GPT-4o family); loads it on first call. */
export function countTokens(text: string): number {
  if (!counter) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountTokens };
    counter = mod.countTokens;
  }
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
