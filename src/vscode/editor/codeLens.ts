// CodeLens on prompts (estimated tokens and cost per call, the eval suites that cover the prompt, Preview) and on eval suites (what a run costs); resolved lazily.

import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import { parseFile } from '../../core/formats/parseFile';
import { evalCost, evalCostLines, evalCostTitle, suitePromptRefs } from '../../core/render/evalCost';
import type { EvalPrompt } from '../../core/render/evalCost';
import { suitesLensTitle, tokensLensTitle, tokensLensTooltip } from '../../core/render/lensText';
import type { PromptReport } from '../../core/render/promptReport';
import { commands, schemes } from '../constants';
import { Disposable, toDisposable } from '../lifecycle';
import { isPromptDocument } from '../preview/promptSource';
import type { PromptSources } from '../preview/promptSource';

/** Size (characters) from which the lenses wait for a pause in typing before they are computed again. */
export const largeDocumentChars = 20_000;
/** That pause, in milliseconds. */
export const largeDocumentPauseMs = 700;

/** Which of the prompt's lenses a CodeLens is, until resolved. */
class PromptLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly uri: vscode.Uri,
    readonly kind: 'tokens' | 'suites',
  ) {
    super(range);
  }
}

/** The files the CodeLens is offered on (file and library documents; the provider checks the format). */
export const promptDocumentSelector: vscode.DocumentSelector = ['file', schemes.library].flatMap((scheme) =>
  ['**/*.prompt', '**/*.prompty', '**/*.prompt.yml', '**/*.prompt.yaml', '**/*.prompt.md'].map((pattern) => ({ scheme, pattern })),
);

/**
 * Three lenses at the top of a prompt. Providing them costs nothing (no parsing); each is
 * resolved when shown, from the report that PromptSources caches per document version.
 */
export class PromptCodeLensProvider extends Disposable implements vscode.CodeLensProvider<vscode.CodeLens> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly sources: PromptSources) {
    super();
    this._register(sources.onDidChange(() => this.changed.fire()));
    this._register(toDisposable(() => this.timers.forEach((t) => clearTimeout(t))));
  }

  /**
   * The report to show: the current one, except for a large document, whose lenses are computed
   * only once typing (or opening) pauses and meanwhile show the last report, if any (rendering
   * thousands of template tags takes a few hundred milliseconds that diagnostics should not
   * wait behind).
   */
  private async reportFor(doc: vscode.TextDocument): Promise<PromptReport | undefined> {
    const last = this.sources.latest(doc);
    if (!last?.fresh && doc.getText().length > largeDocumentChars) {
      const id = doc.uri.toString();
      const pending = this.timers.get(id);
      if (pending) clearTimeout(pending);
      this.timers.set(
        id,
        setTimeout(() => {
          this.timers.delete(id);
          void this.sources.report(doc).then(() => this.changed.fire());
        }, largeDocumentPauseMs),
      );
      return last?.report;
    }
    return (await this.sources.report(doc)).report;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isPromptDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new PromptLens(top, doc.uri, 'tokens'),
      new PromptLens(top, doc.uri, 'suites'),
      new vscode.CodeLens(top, { title: '$(open-preview) Preview', tooltip: 'Render the prompt with sample inputs beside the editor', command: commands.previewPrompt, arguments: [doc.uri] }),
    ];
  }

  async resolveCodeLens(lens: vscode.CodeLens, token: vscode.CancellationToken): Promise<vscode.CodeLens> {
    if (!(lens instanceof PromptLens)) return lens;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === lens.uri.toString());
    if (!doc || token.isCancellationRequested) return lens;
    const report = await this.reportFor(doc);
    if (!report) {
      lens.command = { title: lens.kind === 'tokens' ? '$(symbol-numeric) counting tokens...' : '$(beaker) eval suites...', command: '' };
      return lens;
    }
    if (lens.kind === 'tokens') {
      lens.command = { title: tokensLensTitle(report), tooltip: tokensLensTooltip(report), command: commands.previewPrompt, arguments: [lens.uri] };
    } else {
      const n = report.suites.length;
      lens.command = n
        ? {
            title: suitesLensTitle(report),
            tooltip: report.suites.map((s) => `${s.title} (${s.file}, ${s.tests} test${s.tests === 1 ? '' : 's'})`).join('\n'),
            command: commands.showEvalSuites,
            arguments: [lens.uri],
          }
        : { title: suitesLensTitle(report), tooltip: 'No eval asset targets this prompt and no promptfoo suite names its file.', command: '' };
    }
    return lens;
  }
}

/** Largest suite (characters) the eval-cost lens is computed for. */
export const maxEvalCostChars = 256 * 1024;

/** The files the eval-cost lens is offered on: YAML files on disk or in a library (the provider keeps promptfoo suites). */
export const evalSuiteSelector: vscode.DocumentSelector = ['file', schemes.library].flatMap((scheme) => ['**/*.yaml', '**/*.yml'].map((pattern) => ({ scheme, pattern })));

/**
 * One lens at the top of a promptfoo suite: what a run costs before it runs (promptfoo does not say):
 * tests × prompts × providers calls, the input tokens of every rendered call with each provider's
 * tokenizer, the output at the model's maximum, priced from the library's model catalogue; the
 * assumptions in the tooltip.
 */
export class EvalCostCodeLensProvider extends Disposable implements vscode.CodeLensProvider<vscode.CodeLens> {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly sources: PromptSources) {
    super();
    this._register(sources.onDidChange(() => this.changed.fire()));
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const text = doc.getText();
    // A red-team config of megabytes takes seconds to parse: it gets no lens rather than a stalled extension host.
    if (text.length > maxEvalCostChars || !/^(prompts|providers|targets|tests)\s*:/m.test(text)) return [];
    const location = await this.sources.locate(doc.uri);
    const file = parseFile(location.path, Buffer.from(text, 'utf8'));
    if (file.format !== 'promptfoo' || !file.evalSuite || token.isCancellationRequested) return [];
    const prompts: EvalPrompt[] = [];
    for (const ref of suitePromptRefs(location.path, file.evalSuite)) {
      if (ref.path === undefined) {
        if (!/^\w+:\/\//.test(ref.value)) prompts.push({ label: ref.value.slice(0, 40), text: ref.value });
        continue;
      }
      const abs = this.sources.filePath(location, ref.path);
      const open = abs && vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === abs);
      const promptText = open ? open.getText() : abs ? await fsp.readFile(abs, 'utf8').catch(() => undefined) : undefined;
      if (promptText !== undefined) prompts.push({ label: ref.path, text: promptText, file: location.catalog?.files.get(ref.path) ?? parseFile(ref.path, Buffer.from(promptText, 'utf8')) });
    }
    const cost = await evalCost(file.evalSuite, prompts, location.catalog?.library, (texts, tokenizer) => this.sources.countTokens(texts, tokenizer));
    const top = new vscode.Range(0, 0, 0, 0);
    return [new vscode.CodeLens(top, { title: evalCostTitle(cost), tooltip: evalCostLines(cost).join('\n'), command: '' })];
  }
}
