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
  return counter(text);
}

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
  return text
    .replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}|\{#[\s\S]*?#\}/g, '')
    .replace(/\{\{\{?\s*([A-Za-z_][\w.]*)\s*\}?\}\}/g, (_m, name: string) => sampleText(sample[name.split('.')[0]]))
    .replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, '')
    .replace(/\$\{input:([^}:]+)(?::[^}]*)?\}/g, (_m, name: string) => sampleText(sample[name]));
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
