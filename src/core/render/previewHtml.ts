// The preview's HTML from plain data: every library string escaped, no markup from the library, a strict content security policy with a nonce.

import { formatLabel } from '../formats/registry';
import type { GitLogEntry } from '../ports';
import { formatCount, formatUsd, replyPrimingTokens, tokenCountText, tokenizerText, tokensPerMessage } from './cost';
import type { Tokenizer } from '../tokens';
import type { OutputBasis } from './cost';
import type { PromptReport } from './promptReport';
import type { RenderedPart } from './render';

/** The asset's history as the preview shows it. */
export type PreviewHistory =
  | { state: 'loading' }
  | { state: 'none'; reason: string }
  /** `more`: older commits exist; `canOpen`: the Show History command can open them. */
  | { state: 'entries'; entries: GitLogEntry[]; more: boolean; canOpen?: boolean };

/** Everything the preview shows, as plain strings and numbers. */
export interface PreviewModel {
  title: string;
  /** "claim-summary 2.1.0 · approved · Dotprompt · prompts/claim-summary/claim-summary.prompt" */
  subtitle: string;
  description?: string;
  samples: { label: string; origin: string }[];
  sampleIndex: number;
  engine: string;
  error?: string;
  missing: string[];
  messages: { role: string; parts: RenderedPart[] }[];
  tokens: { total: number; text: number; messages: number; tokenizer: Tokenizer; approximate: boolean };
  costs: {
    model: string;
    promptModel: boolean;
    allowed: boolean;
    deprecated: boolean;
    inputTokens: number;
    approximate: boolean;
    inputCost?: number;
    outputCost?: number;
    total?: number;
    outputTokens?: number;
    outputBasis: OutputBasis;
  }[];
  meta: { label: string; value: string }[];
  inputs: { name: string; type: string; required: boolean; description?: string; default?: string }[];
  suites: { title: string; file: string; tests: number; via: string }[];
  dependencies: { kind: string; label: string; detail: string; file?: string; problem?: boolean }[];
  history: PreviewHistory;
}

/** What the page needs from the webview: its CSP source, a fresh nonce, and the URIs of media/preview.js and media/preview.css. */
export interface PreviewPage {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

/** Builds the preview's data from a prompt report and the history. */
export function previewModel(report: PromptReport, history: PreviewHistory): PreviewModel {
  const { file, asset, rendered } = report;
  const title = asset?.title || file.meta.title || file.meta.name || file.path.slice(file.path.lastIndexOf('/') + 1);
  const format = formatLabel(file.format);
  const subtitle = [asset ? `${asset.id} ${asset.version}` : undefined, asset?.status, asset ? undefined : 'not in a managed asset', format, file.path].filter(Boolean).join(' · ');
  const meta: { label: string; value: string }[] = [];
  if (asset) {
    meta.push({ label: 'Id', value: asset.id }, { label: 'Version', value: asset.version }, { label: 'Status', value: asset.status });
    if (asset.owners.length) meta.push({ label: 'Owners', value: asset.owners.join(', ') });
    if (asset.tags.length) meta.push({ label: 'Tags', value: asset.tags.join(', ') });
  } else {
    if (file.meta.name) meta.push({ label: 'Name', value: file.meta.name });
    if (file.meta.version) meta.push({ label: 'Version', value: file.meta.version });
    if (file.meta.tags?.length) meta.push({ label: 'Tags', value: file.meta.tags.join(', ') });
  }
  if (report.libraryName) meta.push({ label: 'Library', value: report.libraryName });
  meta.push({ label: 'Model', value: report.promptModel ?? 'none named' });
  if (report.promptMaxOutput !== undefined) meta.push({ label: 'Max output tokens', value: formatCount(report.promptMaxOutput) });
  meta.push({ label: 'Format', value: format }, { label: 'Rendered with', value: rendered.engine });
  return {
    title,
    subtitle,
    description: asset?.description || file.meta.description || undefined,
    samples: report.samples.map((s) => ({ label: s.label, origin: s.origin })),
    sampleIndex: report.sampleIndex,
    engine: rendered.engine,
    error: rendered.error,
    missing: rendered.missing,
    messages: rendered.messages,
    tokens: { total: report.tokens.tokens, text: report.tokens.textTokens, messages: report.tokens.messages, tokenizer: report.tokens.tokenizer, approximate: report.tokens.approximate },
    costs: report.costs.map((c) => ({
      model: c.model,
      promptModel: c.isPromptModel,
      allowed: c.allowed,
      deprecated: !!c.info?.deprecated,
      inputTokens: c.inputTokens,
      approximate: c.approximate,
      inputCost: c.inputCost,
      outputCost: c.outputCost,
      total: c.total,
      outputTokens: c.outputTokens,
      outputBasis: c.outputBasis,
    })),
    meta,
    inputs: (file.inputs ?? []).map((i) => ({
      name: i.name,
      type: i.type,
      required: i.required,
      description: i.description,
      default: i.default === undefined ? undefined : JSON.stringify(i.default),
    })),
    suites: report.suites.map((s) => ({
      title: s.asset?.managed ? `${s.asset.title} (${s.asset.id} ${s.asset.version})` : s.title,
      file: s.file,
      tests: s.tests,
      via: s.via === 'targets' ? 'targets this prompt' : 'names this file in prompts',
    })),
    dependencies: report.dependencies.map((d) => ({ ...d })),
    history,
  };
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The whole page: CSP, the stylesheet, the body and the nonce'd script. */
export function previewDocumentHtml(model: PreviewModel, page: PreviewPage): string {
  const csp = `default-src 'none'; style-src ${page.cspSource}; script-src 'nonce-${page.nonce}'; img-src ${page.cspSource} data:;`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">`,
    `<title>Preview: ${escapeHtml(model.title)}</title>`,
    '</head>',
    '<body>',
    `<main id="root">${previewBodyHtml(model)}</main>`,
    `<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/** The content of `<main>`, also sent to the page on updates (it replaces the old content). */
export function previewBodyHtml(m: PreviewModel): string {
  const out: string[] = [];
  out.push(`<header class="top"><h1>${escapeHtml(m.title)}</h1><p class="subtitle">${escapeHtml(m.subtitle)}</p>`);
  if (m.description) out.push(`<p class="description">${escapeHtml(m.description)}</p>`);
  out.push('</header>');

  out.push('<section class="controls" aria-label="Sample inputs">');
  if (m.samples.length) {
    out.push('<label for="sample">Sample inputs</label> <select id="sample">');
    m.samples.forEach((s, i) => out.push(`<option value="${i}"${i === m.sampleIndex ? ' selected' : ''}>${escapeHtml(s.label)}</option>`));
    out.push('</select>');
    const chosen = m.samples[m.sampleIndex];
    if (chosen) out.push(`<p class="origin">From ${escapeHtml(chosen.origin)}</p>`);
  } else {
    out.push('<p class="origin">No sample inputs: no eval suite of the library gives test values for this prompt, and it declares no defaults or samples. Placeholders stay as written.</p>');
  }
  const first = m.costs[0];
  const summary = [`${tokenCountText(m.tokens.total, m.tokens.approximate)} input tokens`];
  if (first?.total !== undefined) summary.push(`${first.model}: ${first.outputCost !== undefined ? '≤ ' : ''}${formatUsd(first.total)} per call`);
  out.push(`<p class="summary">${escapeHtml(summary.join(' · '))}</p>`);
  out.push('</section>');

  if (m.error) out.push(`<div class="notice error" role="alert">${escapeHtml(m.error)}</div>`);
  if (m.missing.length)
    out.push(`<div class="notice warning">No value for ${m.missing.map((n) => `<code>${escapeHtml(n)}</code>`).join(', ')} in this sample; rendered as the format does for a missing value.</div>`);

  out.push('<section class="messages" aria-label="Rendered messages"><h2>Messages</h2>');
  if (!m.messages.length) out.push('<p class="empty">The prompt renders to no message.</p>');
  for (const msg of m.messages) {
    out.push(`<article class="message role-${cssIdent(msg.role)}"><h3 class="role">${escapeHtml(msg.role)}</h3>`);
    for (const p of msg.parts) {
      if (p.kind === 'text') out.push(`<pre class="text">${escapeHtml(p.text)}</pre>`);
      else if (p.kind === 'media') out.push(`<p class="part media">media: <code>${escapeHtml(p.url)}</code>${p.contentType ? ` (${escapeHtml(p.contentType)})` : ''}</p>`);
      else out.push(`<p class="part section">section: ${escapeHtml(p.name)}</p>`);
    }
    out.push('</article>');
  }
  out.push('</section>');

  out.push('<section class="cost" aria-label="Tokens and cost"><h2>Tokens and cost per call</h2>');
  out.push(
    `<p>${tokenCountText(m.tokens.total, m.tokens.approximate)} input tokens: ${formatCount(m.tokens.text)} of text in ${m.tokens.messages} message${m.tokens.messages === 1 ? '' : 's'} (${escapeHtml(tokenizerText(m.tokens.tokenizer))}) plus ${tokensPerMessage} per message and ${replyPrimingTokens} for the reply.</p>`,
  );
  if (m.costs.length) {
    out.push('<table><thead><tr><th>Model</th><th>Input tokens</th><th>Input</th><th>Output tokens</th><th>Output</th><th>Per call</th></tr></thead><tbody>');
    for (const c of m.costs) {
      const flags = [c.promptModel ? "the prompt's model" : '', c.allowed ? '' : 'not allowed by the policy', c.deprecated ? 'deprecated' : ''].filter(Boolean).join(', ');
      const money = (n: number | undefined): string => (n === undefined ? '—' : escapeHtml(formatUsd(n)));
      const tokens = c.outputTokens === undefined ? '—' : `${formatCount(c.outputTokens)}${c.outputBasis === 'model' ? '*' : ''}`;
      out.push(
        `<tr${c.promptModel ? ' class="prompt-model"' : ''}><td><code>${escapeHtml(c.model)}</code>${flags ? `<br><span class="flags">${escapeHtml(flags)}</span>` : ''}</td><td>${tokenCountText(c.inputTokens, c.approximate)}</td><td>${money(c.inputCost)}</td><td>${tokens}</td><td>${money(c.outputCost)}</td><td>${c.outputCost !== undefined ? '≤ ' : ''}${money(c.total)}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
    const bases = new Set(m.costs.map((c) => c.outputBasis));
    const notes = ["Prices from the library's model catalogue (USD per million tokens)."];
    if (bases.has('prompt')) notes.push("Output is priced at the prompt's max output tokens, the most a call can return.");
    if (bases.has('model')) notes.push("* The prompt sets no max output: priced at the model's maxOutputTokens, the most a call can cost.");
    if (bases.has('none')) notes.push('— No price or no output limit known.');
    if (m.costs.some((c) => c.approximate)) notes.push('≈ No public tokenizer for the model: its input tokens are estimated (1 token per 3 letters or spaces, 1 per other sign), an overestimate.');
    out.push(`<p class="note">${escapeHtml(notes.join(' '))}</p>`);
  } else {
    out.push('<p class="note">No price: the prompt names no model and the library\'s model catalogue lists none.</p>');
  }
  out.push('</section>');

  out.push('<section class="meta" aria-label="Metadata"><h2>Metadata</h2><dl>');
  for (const { label, value } of m.meta) out.push(`<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`);
  out.push('</dl>');
  if (m.inputs.length) {
    out.push('<h3>Inputs</h3><table><thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Default</th><th>Description</th></tr></thead><tbody>');
    for (const i of m.inputs) {
      out.push(
        `<tr><td><code>${escapeHtml(i.name)}</code></td><td>${escapeHtml(i.type)}</td><td>${i.required ? 'yes' : 'no'}</td><td>${i.default === undefined ? '' : `<code>${escapeHtml(i.default)}</code>`}</td><td>${escapeHtml(i.description ?? '')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  out.push('<section class="suites" aria-label="Eval suites"><h2>Eval suites covering it</h2>');
  if (m.suites.length) {
    out.push('<ul>');
    for (const s of m.suites)
      out.push(
        `<li><button type="button" class="link" data-open="${escapeHtml(s.file)}">${escapeHtml(s.title)}</button> <span class="detail">${s.tests} test${s.tests === 1 ? '' : 's'} · ${escapeHtml(s.via)} · ${escapeHtml(s.file)}</span></li>`,
      );
    out.push('</ul>');
  } else out.push('<p class="empty">No eval suite of the library covers this prompt.</p>');
  out.push('</section>');

  out.push('<section class="dependencies" aria-label="Dependencies"><h2>Dependencies</h2>');
  if (m.dependencies.length) {
    out.push('<ul>');
    for (const d of m.dependencies) {
      const label = d.file ? `<button type="button" class="link" data-open="${escapeHtml(d.file)}">${escapeHtml(d.label)}</button>` : `<code>${escapeHtml(d.label)}</code>`;
      out.push(`<li${d.problem ? ' class="problem"' : ''}><span class="kind">${escapeHtml(d.kind)}</span> ${label} <span class="detail">${escapeHtml(d.detail)}</span></li>`);
    }
    out.push('</ul>');
  } else out.push('<p class="empty">None.</p>');
  out.push('</section>');

  out.push('<section class="history" aria-label="History"><h2>History</h2>');
  const h = m.history;
  if (h.state === 'loading') out.push('<p class="empty">Reading the history...</p>');
  else if (h.state === 'none') out.push(`<p class="empty">${escapeHtml(h.reason)}</p>`);
  else if (!h.entries.length) out.push('<p class="empty">No commit touches this asset yet.</p>');
  else {
    out.push('<ol>');
    for (const e of h.entries) {
      out.push(
        `<li><span class="subject">${escapeHtml(e.subject || '(no message)')}</span> <span class="detail"><code>${escapeHtml(e.commit.slice(0, 7))}</code> · ${escapeHtml(e.author)} · ${escapeHtml(e.date.slice(0, 10))}</span></li>`,
      );
    }
    out.push('</ol>');
    if (h.canOpen) out.push(`<p><button type="button" class="link" data-command="history">${h.more ? 'Show the full history...' : 'Open a commit\u2019s changes...'}</button></p>`);
    else if (h.more) out.push('<p class="empty">Older commits are not shown.</p>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** A role as a CSS class name part: letters, digits and dashes only. */
function cssIdent(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40) || 'unknown'
  );
}
