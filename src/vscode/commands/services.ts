// What command factories are built from: the extension's services, and tracked quick inputs.

import * as vscode from 'vscode';
import type { Git } from '../../core/ports';
import type { Config } from '../config';
import type { WorkspaceValidator } from '../diagnostics';
import type { HistoryDocuments } from '../documents';
import type { LibraryService } from '../libraryService';
import type { PreviewPanels } from '../preview/previewPanel';
import type { PromptSources } from '../preview/promptSource';
import type { Prompter } from '../multiStepInput';
import type { PilotService } from '../pilotService';
import type { PlannedDocuments } from '../plannedDocuments';
import type { CatalogTreeProvider } from '../views/catalogTree';
import type { PilotsTreeProvider } from '../views/pilotsTree';

/** The quick pick or input box the extension shows right now (tests read and drive it through the API). */
export class QuickInputs {
  active: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox | undefined;

  /** Shows a quick pick and resolves with the accepted item, or undefined when it is dismissed. */
  pick<T extends vscode.QuickPickItem>(
    items: readonly T[],
    options: { title: string; placeholder?: string; matchOnDescription?: boolean; matchOnDetail?: boolean; onButton?: (item: T, button: vscode.QuickInputButton) => void },
  ): Promise<T | undefined> {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = options.title;
    qp.placeholder = options.placeholder;
    qp.items = items;
    qp.matchOnDescription = options.matchOnDescription ?? false;
    qp.matchOnDetail = options.matchOnDetail ?? false;
    return new Promise<T | undefined>((resolve) => {
      let result: T | undefined;
      const subs: vscode.Disposable[] = [
        qp.onDidAccept(() => {
          result = qp.selectedItems[0] ?? qp.activeItems[0];
          qp.hide();
        }),
        qp.onDidTriggerItemButton((e) => options.onButton?.(e.item, e.button)),
        qp.onDidHide(() => {
          subs.forEach((s) => s.dispose());
          if (this.active === (qp as unknown)) this.active = undefined;
          qp.dispose();
          resolve(result);
        }),
      ];
      this.active = qp as unknown as vscode.QuickPick<vscode.QuickPickItem>;
      qp.show();
    });
  }

  /** Shows an input box; resolves with the accepted text (validated), or undefined when dismissed. */
  input(options: {
    title: string;
    prompt?: string;
    placeholder?: string;
    value?: string;
    validate?: (value: string) => string | undefined;
    buttons?: { button: vscode.QuickInputButton; run: () => Promise<string | undefined> }[];
  }): Promise<string | undefined> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    box.buttons = (options.buttons ?? []).map((b) => b.button);
    const check = (v: string): string | undefined => (options.validate ? options.validate(v) : undefined);
    return new Promise<string | undefined>((resolve) => {
      let result: string | undefined;
      let settled = false;
      const finish = (v: string | undefined): void => {
        if (settled) return;
        settled = true;
        result = v;
        box.hide();
      };
      const subs: vscode.Disposable[] = [
        box.onDidChangeValue((v) => (box.validationMessage = v ? check(v) : undefined)),
        box.onDidAccept(() => {
          const message = check(box.value);
          box.validationMessage = message;
          if (!message) finish(box.value);
        }),
        box.onDidTriggerButton(async (button) => {
          const b = options.buttons?.find((x) => x.button === button);
          if (!b) return;
          const v = await b.run();
          if (v !== undefined) {
            box.value = v;
            const message = check(v);
            box.validationMessage = message;
            if (!message) finish(v);
          }
        }),
        box.onDidHide(() => {
          subs.forEach((s) => s.dispose());
          if (this.active === box) this.active = undefined;
          box.dispose();
          resolve(result);
        }),
      ];
      this.active = box;
      box.show();
    });
  }
}

export interface Services {
  context: vscode.ExtensionContext;
  config: Config;
  log: vscode.LogOutputChannel;
  git: Git;
  libraries: LibraryService;
  catalog: CatalogTreeProvider;
  catalogView: vscode.TreeView<unknown>;
  pilots: PilotsTreeProvider;
  validator: WorkspaceValidator;
  history: HistoryDocuments;
  inputs: QuickInputs;
  /** Reports of open prompts (CodeLens, preview). */
  prompts: PromptSources;
  preview: PreviewPanels;
  /** Multi-step flows and their dialogs ask through it (tests answer in the user's place). */
  prompter: Prompter;
  pilotService: PilotService;
  planned: PlannedDocuments;
}

/** A command: built once from the services, called with the arguments VS Code passes (tree node, or values from tests). */
export type CommandFactory = (services: Services) => (...args: unknown[]) => unknown;

/** Shows an error without blocking the command's result (a modal-free notification). */
export function showError(services: Services, message: string): void {
  services.log.error(message);
  void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => choice && services.log.show());
}
