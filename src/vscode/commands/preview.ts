// Preview Prompt and Show Eval Suites: the commands behind the prompt CodeLens and the editor title button.

import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import type { Asset } from '../../core/library/types';
import type { WindowLibrary } from '../libraryService';
import { isPromptDocument, isPromptPath } from '../preview/promptSource';
import { AssetNode, libraryFileUri } from '../views/catalogTree';
import { assetPickItems } from './search';
import type { CommandFactory, Services } from './services';

/**
 * The prompt a command acts on: a URI (editor title, CodeLens), a catalog node or `{ asset, library }`,
 * an asset id (scripts, tests), else the active editor, else a prompt asset the user picks.
 */
async function promptUri(services: Services, arg: unknown, title: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  let target: { asset: Asset; library: WindowLibrary } | undefined;
  if (arg instanceof AssetNode) target = { asset: arg.asset, library: arg.library };
  else if (arg && typeof arg === 'object' && 'asset' in arg && 'library' in arg) target = arg as { asset: Asset; library: WindowLibrary };
  else if (typeof arg === 'string') {
    await services.libraries.ensureLoaded();
    for (const library of services.libraries.libraries) {
      const asset = library.catalog?.assets.find((a) => a.id === arg);
      if (asset) target = { asset, library };
    }
    if (!target) {
      void vscode.window.showInformationMessage(`No asset "${arg}" in the loaded libraries.`);
      return undefined;
    }
  } else {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && isPromptDocument(doc)) return doc.uri;
    await services.libraries.ensureLoaded();
    const items = assetPickItems(services.libraries.libraries).filter((i) => i.asset.kind === 'prompt' && i.asset.entryFile && isPromptPath(i.asset.entryFile));
    const picked = await services.inputs.pick(items, { title, placeholder: 'Choose a prompt', matchOnDescription: true, matchOnDetail: true });
    if (!picked) return undefined;
    target = { asset: picked.asset, library: picked.library };
  }
  const entry = target.asset.entryFile;
  if (target.asset.kind !== 'prompt' || !entry || !isPromptPath(entry)) {
    void vscode.window.showInformationMessage(`${target.asset.id} is not a prompt (Dotprompt, Prompty, GitHub Models or VS Code prompt file); only prompts have a preview.`);
    return undefined;
  }
  return libraryFileUri(target.library, entry);
}

/** Opens the preview beside the editor; returns the page's HTML once rendered. */
export const previewPrompt: CommandFactory = (services) => async (arg?: unknown) => {
  const uri = await promptUri(services, arg, 'Preview Prompt');
  if (!uri) return undefined;
  if (!isPromptPath(uri.path)) {
    void vscode.window.showInformationMessage(`${nodePath.posix.basename(uri.path)} is not a prompt file the preview knows (Dotprompt, Prompty, GitHub Models or VS Code prompt file).`);
    return undefined;
  }
  const preview = await services.preview.show(uri);
  return preview.html;
};

interface SuiteItem extends vscode.QuickPickItem {
  file: string;
}

/** Lists the eval suites covering a prompt in a quick pick; choosing one opens it. Returns the chosen suite's path. */
export const showEvalSuites: CommandFactory = (services) => async (arg?: unknown) => {
  const uri = await promptUri(services, arg, 'Show Eval Suites');
  if (!uri) return undefined;
  const doc = await vscode.workspace.openTextDocument(uri);
  const { report, location } = await services.prompts.report(doc);
  const name = report.asset?.id ?? nodePath.posix.basename(uri.path);
  if (!report.suites.length) {
    void vscode.window.showInformationMessage(`No eval suite covers ${name}: no eval asset targets it and no promptfoo suite names its file.`);
    return undefined;
  }
  const items: SuiteItem[] = report.suites.map((s) => ({
    label: `$(beaker) ${s.title}`,
    description: s.asset?.managed ? `${s.asset.id} ${s.asset.version} · ${s.asset.status}` : s.file,
    detail: `${s.tests} test${s.tests === 1 ? '' : 's'} · ${s.via === 'targets' ? 'targets this prompt' : 'names this file in its prompts'} · ${s.file}`,
    file: s.file,
  }));
  const picked = await services.inputs.pick(items, { title: `Eval suites covering ${name}`, placeholder: 'Choose a suite to open it', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  const target = services.prompts.fileUri(location, picked.file);
  if (target) await vscode.window.showTextDocument(target, { preview: true });
  return picked.file;
};
