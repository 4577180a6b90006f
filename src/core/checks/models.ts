// Models a prompt or suite names: allowed by the policy, not deprecated, given parameters they take, prompts within their context window.

import picomatch from 'picomatch';
import { diag } from '../diagnostics';
import type { Diagnostic, Fix } from '../diagnostics';
import type { ModelUse } from '../formats/types';
import type { Catalog, ModelInfo } from '../library/types';
import { approximateRendering, countTokens, tokenizerOf, tokenUpperBound } from '../tokens';
import { emptyRange } from '../text/textDocument';
import type { CheckIndex } from './checkIndex';
import { manifestRange } from './scope';
import type { InScope } from './scope';

/** Normalised parameter name: case and separators dropped, common aliases merged. */
export function normaliseParameter(name: string): string {
  const n = name.toLowerCase().replace(/[_\-\s]/g, '');
  return parameterAliases.get(n) ?? n;
}

const parameterAliases = new Map([
  ['maxoutputtokens', 'maxtokens'],
  ['maxcompletiontokens', 'maxtokens'],
  ['maxtokenstosample', 'maxtokens'],
  ['stopsequences', 'stop'],
]);

/**
 * A model id in our `provider/model` form: promptfoo's `openai:chat:gpt-4o` becomes `openai/gpt-4o`;
 * undefined for providers that are not models (scripts, HTTP endpoints, files).
 */
export function normaliseModelId(id: string): string | undefined {
  const t = id.trim();
  if (/^(file|python|exec|js|golang|ruby|http|https|webhook|echo|sequence|browser|websocket|mcp|simulated-user):/i.test(t) || t.includes('://')) return undefined;
  const m = /^([a-z][\w.-]*):(?:(?:chat|completion|completions|messages|responses|embedding|embeddings):)?(.+)$/i.exec(t);
  return m ? `${m[1]}/${m[2]}` : t;
}

/**
 * The catalogue entry for a model id as written (full id, or the part after the provider); a dated
 * snapshot (`claude-sonnet-4-20250514`, `gpt-4o-2024-08-06`) finds its model when the catalogue lists only the alias.
 */
export function findModel(models: readonly ModelInfo[], id: string): ModelInfo | undefined {
  const exact = models.find((m) => m.id === id);
  if (exact) return exact;
  const tail = id.includes('/') ? id.slice(id.indexOf('/') + 1) : id;
  const byTail = (t: string) => models.find((m) => m.id.slice(m.id.indexOf('/') + 1) === t || m.id === t);
  const undated = tail.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  return byTail(tail) ?? (undated !== tail ? byTail(undated) : undefined);
}

/** Compiled policy globs (a library has a handful; every model use of every file is checked against them). */
const globMatchers = new Map<string, (s: string) => boolean>();

function globMatcher(glob: string): (s: string) => boolean {
  let m = globMatchers.get(glob);
  if (!m) {
    if (globMatchers.size > 256) globMatchers.clear();
    m = picomatch(glob, { dot: true });
    globMatchers.set(glob, m);
  }
  return m;
}

/** True when the model id matches one of the policy's globs (unprefixed ids match on their name part). */
export function modelAllowed(allowed: readonly string[], id: string, models: readonly ModelInfo[]): boolean {
  if (!allowed.length) return true;
  const known = findModel(models, id);
  const candidates = [id, ...(known ? [known.id] : [])];
  return allowed.some((glob) => {
    const isMatch = globMatcher(glob);
    return candidates.some((c) => isMatch(c) || (!c.includes('/') && isMatch(`*/${c}`)) || (!glob.includes('/') && isMatch(c.slice(c.indexOf('/') + 1))));
  });
}

function modelUses(catalog: Catalog, inScope: InScope): { file: string; use: ModelUse }[] {
  const uses: { file: string; use: ModelUse }[] = [];
  for (const f of inScope.files) {
    if (!inScope(f.path)) continue;
    for (const m of f.models ?? f.evalSuite?.providers ?? []) uses.push({ file: f.path, use: m });
  }
  for (const a of inScope.assets) {
    if (!a.managed || !a.manifest || !inScope(a.manifest)) continue;
    const doc = catalog.files.get(a.manifest)?.document as Record<string, unknown> | undefined;
    if (doc && typeof doc.model === 'string') uses.push({ file: a.manifest, use: { id: doc.model, range: manifestRange(catalog, a, 'model#value'), parameters: [] } });
  }
  return uses;
}

export function checkModels(catalog: Catalog, idx: CheckIndex, out: Diagnostic[], inScope: InScope): void {
  const { policy, models } = catalog.library;
  // Thousands of uses name a handful of models: what is known of each id is worked out once per
  // library settings (kept by the index while they stay the same object: the editor checks again at every keystroke).
  const { byWritten, supportedBy } = idx.modelsUnder(catalog.library);
  // Ids typed letter by letter pass through here too: bounded.
  if (byWritten.size > 4096) byWritten.clear();
  for (const { file, use: written } of modelUses(catalog, inScope)) {
    if (!written.id || /[{}$]/.test(written.id)) continue;
    let known = byWritten.get(written.id);
    if (!byWritten.has(written.id)) {
      const normal = normaliseModelId(written.id);
      known = normal === undefined ? undefined : { id: normal, allowed: modelAllowed(policy.allowedModels, normal, models), info: findModel(models, normal) };
      byWritten.set(written.id, known);
    }
    if (known === undefined) continue;
    const use = { ...written, id: known.id };
    if (!known.allowed) {
      out.push(diag('model-not-allowed', file, use.range, `The model \`${use.id}\` is not allowed by the library policy (allowed: ${policy.allowedModels.join(', ')}); pick an allowed model.`));
    }
    const info = known.info;
    if (!info) continue;
    if (info.deprecated) {
      const fixes: Fix[] = info.replacedBy ? [{ title: `Replace with \`${info.replacedBy}\``, edits: [{ range: use.range, newText: info.replacedBy }] }] : [];
      out.push(diag('deprecated-model', file, use.range, `The model \`${use.id}\` is deprecated in the model catalogue${info.replacedBy ? `; use \`${info.replacedBy}\`` : ''}.`, { fixes }));
    }
    if (info.parameters && info.parameters.length) {
      let supported = supportedBy.get(info);
      if (!supported) supportedBy.set(info, (supported = new Set(info.parameters.map(normaliseParameter))));
      for (const p of use.parameters) {
        if (supported.has(normaliseParameter(p.name))) continue;
        out.push(
          diag('model-parameter-unsupported', file, p.range, `\`${info.id}\` does not take the parameter \`${p.name}\` (it takes ${info.parameters.join(', ')}); remove it or pick another model.`),
        );
      }
    }
  }
}

export function checkTokenBudget(catalog: Catalog, out: Diagnostic[], inScope: InScope): void {
  const { policy, models } = catalog.library;
  for (const f of inScope.files) {
    if (!f.messages || !f.messages.length || !inScope(f.path)) continue;
    const model = f.models?.[0] ? findModel(models, f.models[0].id) : undefined;
    const limits: { budget: number; what: string }[] = [];
    if (policy.maxPromptTokens) limits.push({ budget: policy.maxPromptTokens, what: `the library's maxPromptTokens (${policy.maxPromptTokens})` });
    if (model?.contextWindow) limits.push({ budget: model.contextWindow, what: `the context window of ${model.id} (${model.contextWindow})` });
    if (!limits.length) continue;
    const text = approximateRendering(f);
    const minBudget = Math.min(...limits.map((l) => l.budget));
    if (tokenUpperBound(text) <= minBudget) continue; // cannot exceed: skip the tokenizer
    // The model's own tokenizer; for a model without a public one, the conservative estimate (an overestimate).
    const written = f.models?.[0]?.id;
    const tokenizer = tokenizerOf(written === undefined ? undefined : (model?.id ?? normaliseModelId(written) ?? written), model);
    const tokens = countTokens(text, tokenizer);
    const over = limits.filter((l) => tokens > l.budget);
    if (!over.length) continue;
    const range = f.models?.[0]?.range ?? emptyRange;
    const counted =
      tokenizer === 'estimate'
        ? `an estimated ${tokens} tokens (no public tokenizer for the model: 1 token per 3 letters or spaces, 1 per other sign, an overestimate)`
        : `about ${tokens} tokens (${tokenizer})`;
    out.push(diag('token-budget', f.path, range, `The rendered prompt is ${counted}, over ${over.map((o) => o.what).join(' and ')}; shorten it or split it.`));
  }
}
