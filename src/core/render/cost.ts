// Token counts of a rendered prompt (each model's tokenizer, loaded lazily, or a conservative estimate) and the cost of one call per model from the library's model catalogue.

import { findModel, modelAllowed, normaliseModelId, normaliseParameter } from '../checks/models';
import type { ParsedFile } from '../formats/types';
import type { LibraryInfo, ModelInfo } from '../library/types';
import { maxYamlBytes } from '../limits';
import { yamlValue } from '../yaml/yamlDocument';
import { countTokens, tokenizerOf } from '../tokens';
import type { Tokenizer } from '../tokens';
import { frontMatterOf, messageText } from './render';
import type { RenderedMessage } from './render';
import { isObj } from '../guards';

/** Tokens that the chat format adds around each message, and to prime the reply (OpenAI's published count). */
export const tokensPerMessage = 3;
export const replyPrimingTokens = 3;

export interface TokenEstimate {
  /** Estimated input tokens of one call: the messages' text plus the chat framing. */
  tokens: number;
  /** Tokens of the messages' text alone. */
  textTokens: number;
  messages: number;
  /** What counted the text. */
  tokenizer: Tokenizer;
  /** True for `estimate` (no public tokenizer): shown with "≈", and an overestimate. */
  approximate: boolean;
}

/** How a tokenizer counts, in words ("o200k_base tokenizer", or the estimate's rule). */
export function tokenizerText(t: Tokenizer): string {
  return t === 'estimate' ? 'estimated: no public tokenizer for the model; 1 token per 3 letters or spaces, 1 per other sign, 2 per CJK character: an overestimate' : `${t} tokenizer`;
}

/** "~1,234" for a tokenizer's count, "≈1,234" for an estimate. */
export function tokenCountText(n: number, approximate: boolean): string {
  return `${approximate ? '≈' : '~'}${formatCount(n)}`;
}

/**
 * Input tokens of the rendered messages: each message's text with `tokenizer` (default o200k_base,
 * the GPT-4o family's; see tokenizerOf for a model's), plus 3 tokens per message and 3 for the reply.
 */
export function estimateTokens(messages: readonly RenderedMessage[], tokenizer: Tokenizer = 'o200k_base'): TokenEstimate {
  return estimateTokensFromCounts(
    messages.map((m) => countTokens(messageText(m), tokenizer)),
    tokenizer,
  );
}

/** The estimate from the token count of each message's text (counted elsewhere with `tokenizer`, e.g. off the editor's main thread). */
export function estimateTokensFromCounts(counts: readonly number[], tokenizer: Tokenizer = 'o200k_base'): TokenEstimate {
  const textTokens = counts.reduce((a, b) => a + b, 0);
  const framing = counts.length ? counts.length * tokensPerMessage + replyPrimingTokens : 0;
  return { tokens: textTokens + framing, textTokens, messages: counts.length, tokenizer, approximate: tokenizer === 'estimate' };
}

/** The tokenizer of a model by its id and the library's catalogue (the entry's `tokenizer`, else by the id). */
export function modelTokenizer(models: readonly ModelInfo[] | undefined, modelId: string | undefined): Tokenizer {
  return tokenizerOf(modelId, modelId ? findModel(models ?? [], modelId) : undefined);
}

/** How the output tokens of a call were estimated. */
export type OutputBasis = 'prompt' | 'model' | 'none';

export interface ModelCost {
  /** Catalogue id (or the id as written, for a model the catalogue does not list). */
  model: string;
  info?: ModelInfo;
  /** The prompt's own model. */
  isPromptModel: boolean;
  allowed: boolean;
  /** Input tokens with this model's tokenizer (or its estimate). */
  inputTokens: number;
  tokenizer: Tokenizer;
  /** The input tokens are an estimate (no public tokenizer for the model). */
  approximate: boolean;
  /** Output tokens priced: the prompt's max output setting, else the model's maxOutputTokens. */
  outputTokens?: number;
  outputBasis: OutputBasis;
  /** USD, when the catalogue gives the price. */
  inputCost?: number;
  outputCost?: number;
  /** inputCost + outputCost (the most one call costs), or the input cost alone when the output is not priced. */
  total?: number;
}

/** The prompt's cap on output tokens (Dotprompt `config.maxOutputTokens`, Prompty `max_tokens`, GitHub Models `modelParameters.max_tokens`...). */
export function promptMaxOutputTokens(file: ParsedFile, text: string): number | undefined {
  let v: Record<string, unknown> = {};
  if (file.format === 'gh-models') {
    try {
      const parsed = text.length > maxYamlBytes ? undefined : yamlValue(text);
      if (isObj(parsed)) v = parsed;
    } catch {
      return undefined;
    }
  } else v = frontMatterOf(text);
  const model = isObj(v.model) ? v.model : {};
  const options = isObj(model.options) ? model.options : {};
  const places = [v.config, v.modelParameters, options, options.additionalProperties, model.parameters];
  for (const place of places) {
    if (!isObj(place)) continue;
    for (const [k, val] of Object.entries(place)) {
      if (normaliseParameter(k) === 'maxtokens' && typeof val === 'number' && Number.isFinite(val) && val > 0) return Math.floor(val);
    }
  }
  return undefined;
}

/** The prompt's model id as the catalogue knows it (promptfoo-style ids normalised). */
export function promptModelId(file: ParsedFile, assetModel?: string): string | undefined {
  const written = file.models?.[0]?.id ?? assetModel;
  if (!written || /[{}$]/.test(written)) return undefined;
  return normaliseModelId(written);
}

/** Input tokens of one call with a tokenizer (a report counts each tokenizer once). */
export type TokensWith = (tokenizer: Tokenizer) => number;

/**
 * Cost of one call for the prompt's model and for every catalogue model the policy allows
 * (deprecated ones last): input tokens (each model's own count: `inputTokens` by tokenizer, or
 * one count for all) at the input price, output tokens at the output price with the output
 * priced at the prompt's max output setting when it has one (capped at the model's maximum),
 * else at the model's maxOutputTokens, so `total` is the most a call costs.
 */
export function costTable(library: Pick<LibraryInfo, 'models' | 'policy'> | undefined, promptModel: string | undefined, inputTokens: number | TokensWith, promptMaxOutput?: number): ModelCost[] {
  const models = library?.models ?? [];
  const allowedGlobs = library?.policy.allowedModels ?? [];
  const out: ModelCost[] = [];
  const promptInfo = promptModel ? findModel(models, promptModel) : undefined;
  const tokensOf = (id: string, info: ModelInfo | undefined): [number, Tokenizer] => {
    const t = tokenizerOf(id, info);
    return [typeof inputTokens === 'number' ? inputTokens : inputTokens(t), t];
  };
  if (promptModel) out.push(costOf(promptInfo?.id ?? promptModel, promptInfo, true, modelAllowed(allowedGlobs, promptModel, models), tokensOf(promptModel, promptInfo), promptMaxOutput));
  const others = models.filter((m) => m !== promptInfo && modelAllowed(allowedGlobs, m.id, models));
  others.sort((a, b) => Number(!!a.deprecated) - Number(!!b.deprecated) || (a.pricing?.inputPerMTok ?? Infinity) - (b.pricing?.inputPerMTok ?? Infinity) || a.id.localeCompare(b.id));
  for (const m of others) out.push(costOf(m.id, m, false, true, tokensOf(m.id, m), promptMaxOutput));
  return out;
}

function costOf(id: string, info: ModelInfo | undefined, isPromptModel: boolean, allowed: boolean, [inputTokens, tokenizer]: [number, Tokenizer], promptMaxOutput: number | undefined): ModelCost {
  const c: ModelCost = { model: id, info, isPromptModel, allowed, inputTokens, tokenizer, approximate: tokenizer === 'estimate', outputBasis: 'none' };
  const cap = info?.maxOutputTokens;
  if (promptMaxOutput !== undefined) {
    c.outputTokens = cap ? Math.min(cap, promptMaxOutput) : promptMaxOutput;
    c.outputBasis = 'prompt';
  } else if (cap) {
    c.outputTokens = cap;
    c.outputBasis = 'model';
  }
  const inPrice = info?.pricing?.inputPerMTok;
  const outPrice = info?.pricing?.outputPerMTok;
  if (typeof inPrice === 'number') c.inputCost = (inputTokens * inPrice) / 1e6;
  if (typeof outPrice === 'number' && c.outputTokens !== undefined) c.outputCost = (c.outputTokens * outPrice) / 1e6;
  if (c.inputCost !== undefined) c.total = c.inputCost + (c.outputCost ?? 0);
  return c;
}

/** US dollars for small amounts: two significant digits below one dollar ($0.00042), cents above. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '?';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd < 0.000001) return '<$0.000001';
  const rounded = Number(usd.toPrecision(2));
  return `$${rounded.toFixed(Math.max(2, 1 - Math.floor(Math.log10(rounded))))}`;
}

/** A count with thousands separators (1,234). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** How the output was priced, in words. */
export function outputBasisText(c: ModelCost): string {
  if (c.outputBasis === 'prompt') return `${formatCount(c.outputTokens!)} output tokens (the prompt's max output setting)`;
  if (c.outputBasis === 'model') return `${formatCount(c.outputTokens!)} output tokens (the model's maximum; the prompt sets no max output)`;
  return 'output not priced (no max output tokens known)';
}
