// What an eval suite costs before it runs: tests × prompts × providers calls, the input tokens of each call (each prompt
// rendered with each test's vars, counted with each provider's tokenizer) and the output at the provider's cap or the model's maximum.

import { findModel, normaliseModelId, normaliseParameter } from '../checks/models';
import type { EvalSuite, ParsedFile } from '../formats/types';
import { dirOf, joinInside } from '../library/paths';
import type { LibraryInfo, ModelInfo } from '../library/types';
import { countTokens, tokenizerOf } from '../tokens';
import type { Tokenizer } from '../tokens';
import { formatCount, formatUsd, replyPrimingTokens, tokenCountText, tokensPerMessage } from './cost';
import { messageText, renderPrompt, valueText } from './render';

/** One prompt the suite runs: a library file (rendered by its format) or inline text (promptfoo's Nunjucks, vars put in). */
export interface EvalPrompt {
  label: string;
  text: string;
  /** The parsed prompt file, when the prompt is a file of a recognised format. */
  file?: ParsedFile;
}

export interface EvalCostRow {
  /** The provider as the suite names it. */
  provider: string;
  info?: ModelInfo;
  calls: number;
  tokenizer: Tokenizer;
  approximate: boolean;
  /** Input tokens of all the calls. */
  inputTokens: number;
  /** Output tokens priced: the provider's max_tokens, else the model's maxOutputTokens, for each call (the most a run costs); undefined when not known. */
  outputTokens?: number;
  /** USD for the whole run with this provider; undefined when the catalogue has no price. */
  cost?: number;
}

export interface EvalCost {
  tests: number;
  prompts: number;
  rows: EvalCostRow[];
  /** What the figures assume, one sentence each (the CodeLens tooltip, `show`). */
  assumptions: string[];
}

/** Counts the tokens of texts with a tokenizer (the editor counts off its main thread). */
export type TokenCounting = (texts: string[], tokenizer: Tokenizer) => number[] | Promise<number[]>;

/** Counting on this thread. */
export const countHere: TokenCounting = (texts, tokenizer) => texts.map((t) => countTokens(t, tokenizer));

/** Renders beyond this many prompt × test pairs are not made: the average of those made stands for the rest. */
const maxRenders = 2000;

/** The `file://` paths of a suite's prompts, relative to the library (posix), or the inline text; globs and other schemes are left out. */
export function suitePromptRefs(suitePath: string, suite: EvalSuite): { value: string; path?: string }[] {
  return suite.prompts.map(({ value }) => {
    const m = /^file:\/\/(.+)$/.exec(value.trim());
    if (!m) return { value };
    const rel = m[1].replace(/:[\w.]+$/, ''); // file://prompts.py:func names a function
    const path = /[*?[\]{}]/.test(rel) ? undefined : joinInside(dirOf(suitePath), rel);
    return path ? { value, path } : { value };
  });
}

/** The text of one prompt × test call with the test's vars put in. */
function callTexts(prompt: EvalPrompt, vars: Record<string, unknown>): string[] {
  if (prompt.file) {
    try {
      return renderPrompt(prompt.file, prompt.text, vars).messages.map(messageText);
    } catch {
      // A body the renderer refuses is still sent by promptfoo as some text: count it as written.
    }
  }
  return [prompt.text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (all, name: string) => (name in vars ? valueText(vars[name]) : all))];
}

/**
 * The cost of running `suite` once: every test with every prompt on every provider. Input tokens
 * are those of the rendered messages (plus the chat format's per-message and reply tokens), with
 * each provider's tokenizer; the output is priced at the provider's max_tokens, else the model's
 * maxOutputTokens (the most a run costs). Tests whose vars come from a file count as one test each with no vars.
 */
export async function evalCost(suite: EvalSuite, prompts: readonly EvalPrompt[], library: Pick<LibraryInfo, 'models'> | undefined, count: TokenCounting = countHere): Promise<EvalCost> {
  const models = library?.models ?? [];
  const tests = suite.tests;
  const assumptions: string[] = [
    `${formatCount(tests.length)} test${tests.length === 1 ? '' : 's'} × ${formatCount(prompts.length)} prompt${prompts.length === 1 ? '' : 's'} × ${formatCount(suite.providers.length)} provider${suite.providers.length === 1 ? '' : 's'}; repeats, retries and model-graded assertions (llm-rubric…) are not counted.`,
    'Input: each prompt rendered with each test’s vars, counted with the provider’s tokenizer, plus 3 tokens per message and 3 for the reply.',
    'Output: the provider’s max_tokens (or the model’s maximum output tokens) for every call: the most the run costs; unknown when neither is known.',
  ];
  if (suite.tests.some((t) => t.opaqueVars)) assumptions.push('Some tests or vars come from a file or generator: each counts as one test without vars.');
  const pairs: string[][] = [];
  let total = 0;
  for (const p of prompts) {
    for (const t of tests) {
      total++;
      if (pairs.length >= maxRenders) continue;
      const vars = Object.fromEntries(t.vars.map((v) => [v.name, v.value]));
      pairs.push(callTexts(p, vars));
    }
  }
  if (total > pairs.length) assumptions.push(`${formatCount(pairs.length)} of ${formatCount(total)} prompt × test pairs were rendered; the rest are counted at their average.`);
  const texts = pairs.flat();
  const messages = pairs.reduce((n, p) => n + p.length, 0);
  const counted = new Map<Tokenizer, number>();
  const rows: EvalCostRow[] = [];
  for (const use of suite.providers) {
    const id = normaliseModelId(use.id) ?? use.id;
    const info = findModel(models, id);
    const tokenizer = tokenizerOf(id, info);
    let input = counted.get(tokenizer);
    if (input === undefined) {
      const sum = (await count(texts, tokenizer)).reduce((s, n) => s + n, 0) + messages * tokensPerMessage + pairs.length * replyPrimingTokens;
      input = pairs.length ? Math.round((sum / pairs.length) * total) : 0;
      counted.set(tokenizer, input);
    }
    const row: EvalCostRow = { provider: use.id, info, calls: total, tokenizer, approximate: tokenizer === 'estimate', inputTokens: input };
    // The provider's own cap on output (config max_tokens…), within the model's maximum; else the model's maximum.
    const set = use.parameters.find((x) => normaliseParameter(x.name) === 'maxtokens' && typeof x.value === 'number' && x.value > 0)?.value as number | undefined;
    const perCall = set !== undefined ? Math.min(set, info?.maxOutputTokens ?? set) : info?.maxOutputTokens;
    if (perCall) row.outputTokens = perCall * total;
    const inPrice = info?.pricing?.inputPerMTok;
    const outPrice = info?.pricing?.outputPerMTok;
    if (typeof inPrice === 'number') row.cost = (row.inputTokens * inPrice + (row.outputTokens !== undefined && typeof outPrice === 'number' ? row.outputTokens * outPrice : 0)) / 1e6;
    rows.push(row);
  }
  return { tests: tests.length, prompts: prompts.length, rows, assumptions };
}

/** The CodeLens title: calls and the cost per provider ("$(graph) 6 calls: claude-sonnet-4 ≈$0.12"). */
export function evalCostTitle(c: EvalCost): string {
  const calls = c.rows[0]?.calls ?? 0;
  if (!calls) return '$(graph) No call to estimate (no test, prompt or provider)';
  const parts = c.rows.map((r) => `${r.provider} ${r.cost !== undefined ? `${r.approximate ? '≈' : ''}${formatUsd(r.cost)}` : `${tokenCountText(r.inputTokens, r.approximate)} input tokens`}`);
  return `$(graph) ${formatCount(calls)} call${calls === 1 ? '' : 's'} per provider: ${parts.join(' · ')}`;
}

/** The tooltip and `show` lines: per provider, the tokens and cost, then the assumptions. */
export function evalCostLines(c: EvalCost): string[] {
  const lines = c.rows.map((r) => {
    const out = r.outputTokens !== undefined ? `, at most ${formatCount(r.outputTokens)} output` : ', output not priced';
    const cost = r.cost !== undefined ? `: ${r.approximate ? '≈' : ''}${formatUsd(r.cost)}` : r.info ? ': no price in the model catalogue' : ': not in the model catalogue';
    return `${r.provider}: ${formatCount(r.calls)} calls, ${tokenCountText(r.inputTokens, r.approximate)} input tokens (${r.tokenizer})${out}${cost}`;
  });
  return [...lines, ...c.assumptions];
}
