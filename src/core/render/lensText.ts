// The texts of the prompt CodeLens (titles and tooltips), from a prompt report; kept out of src/vscode so they are unit-tested.

import { formatCount, formatUsd, outputBasisText, replyPrimingTokens, tokenCountText, tokenizerText, tokensPerMessage } from './cost';
import type { ModelCost } from './cost';
import type { PromptReport } from './promptReport';

/** The title of the tokens-and-cost lens ("≈" when the count is an estimate: no public tokenizer for the model). */
export function tokensLensTitle(report: PromptReport): string {
  const tokens = `$(symbol-numeric) ${tokenCountText(report.tokens.tokens, report.tokens.approximate)} tokens`;
  const mine = report.costs.find((c) => c.isPromptModel);
  if (!mine) return report.costs.length ? `${tokens} · no model named` : tokens;
  if (mine.total === undefined) return `${tokens} · ${mine.model}: no price in the model catalogue`;
  return `${tokens} · ${mine.model} ${mine.outputCost !== undefined ? '≤ ' : ''}${formatUsd(mine.total)}/call`;
}

/** The tooltip of the tokens-and-cost lens: the sample, the tokenizer, and the cost per call of every allowed model. */
export function tokensLensTooltip(report: PromptReport): string {
  const sample = report.samples[report.sampleIndex];
  const lines = [
    `${tokenCountText(report.tokens.tokens, report.tokens.approximate)} input tokens of the prompt rendered with ${sample ? `the sample "${sample.label}"` : 'no sample values (placeholders as written)'}: ${formatCount(report.tokens.textTokens)} of text (${tokenizerText(report.tokens.tokenizer)}) plus ${tokensPerMessage} per message and ${replyPrimingTokens} for the reply.`,
  ];
  if (report.rendered.error) lines.push(report.rendered.error);
  if (report.costs.length) {
    lines.push('', 'Cost per call (input, plus output priced at the tokens below: the most a call costs):');
    for (const c of report.costs) lines.push(`• ${costLine(c)}`);
  } else lines.push('', "No price: the prompt names no model and the library's model catalogue lists none.");
  lines.push('', 'Click to open the preview.');
  return lines.join('\n');
}

function costLine(c: ModelCost): string {
  const flags = [c.isPromptModel ? "the prompt's model" : '', c.allowed ? '' : 'not allowed by the policy', c.info?.deprecated ? 'deprecated' : ''].filter(Boolean);
  const name = `${c.model}${flags.length ? ` (${flags.join(', ')})` : ''}`;
  if (c.total === undefined) return `${name}: no price in the model catalogue`;
  const parts = [`${formatUsd(c.inputCost!)} in (${tokenCountText(c.inputTokens, c.approximate)} tokens)`];
  if (c.outputCost !== undefined) parts.push(`${formatUsd(c.outputCost)} out`);
  return `${name}: ${formatUsd(c.total)} = ${parts.join(' + ')}; ${outputBasisText(c)}`;
}

/** The title of the eval-coverage lens. */
export function suitesLensTitle(report: PromptReport): string {
  const n = report.suites.length;
  if (n === 0) return '$(beaker) No eval suite covers this prompt';
  return `$(beaker) ${n} eval suite${n === 1 ? ' covers' : 's cover'} this prompt`;
}
