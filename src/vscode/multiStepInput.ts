// Multi-step quick inputs (back button, "Step 2/7" counter) and the Prompter that asks the user, or a test's answerer in place of the user.

import * as vscode from 'vscode';

/** The quick pick or input box the extension shows right now (tests read and drive it through the API). */
export class QuickInputs {
  active: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox | undefined;

  /**
   * Shows a quick pick and resolves with the accepted item, or undefined when it is dismissed.
   * `onButton` returning true closes the pick with the item whose button was pressed.
   */
  pick<T extends vscode.QuickPickItem>(
    items: readonly T[],
    options: { title: string; placeholder?: string; matchOnDescription?: boolean; matchOnDetail?: boolean; onButton?: (item: T, button: vscode.QuickInputButton) => boolean | void },
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
        qp.onDidTriggerItemButton((e) => {
          if (options.onButton?.(e.item, e.button) !== true) return;
          result = e.item;
          qp.hide();
        }),
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

/** What one prompt shows, as a test's answerer sees it. */
export interface PromptView {
  kind: 'pick' | 'input' | 'openDialog' | 'message';
  title?: string;
  step?: number;
  totalSteps?: number;
  placeholder?: string;
  prompt?: string;
  /** Input boxes: the value prefilled. */
  value?: string;
  items?: { label: string; description?: string; detail?: string; picked: boolean }[];
  /** Quick picks: the headings between items (separators), which the user reads but cannot pick. */
  headings?: string[];
  canSelectMany?: boolean;
  /** True when the prompt offers the Back button. */
  canGoBack?: boolean;
  /** Why the previous answer to this same prompt was refused (the user would see it under the input). */
  validationMessage?: string;
  /** Messages: the text, whether it is modal, the details and the buttons. */
  message?: string;
  detail?: string;
  modal?: boolean;
  choices?: string[];
}

/**
 * A test's answer to one prompt: the labels of the items to accept (codicons such as
 * `$(package) ` may be left out), the text to enter, the folders a dialog returns, the button
 * of a message, Back, or dismissing it.
 */
export type PromptAnswer = { pick: string[] } | { value: string } | { uris: vscode.Uri[] } | { choice: string } | 'back' | 'cancel';

/** Plays the user in tests: called for every prompt; its answers go through the same checks as the user's. */
export type Answerer = (view: PromptView) => PromptAnswer | Promise<PromptAnswer>;

/** Label without leading codicons (`$(package) pii-redaction` -> `pii-redaction`). */
export function plainLabel(label: string): string {
  return label.replace(/^(\$\([\w-~]+\)\s*)+/, '');
}

/** How a flow leaves a step other than by answering it. */
export class InputFlowAction {
  private constructor(readonly name: string) {}
  static readonly back = new InputFlowAction('back');
  static readonly cancel = new InputFlowAction('cancel');
}

/** Asks the user (or, in tests, the installed answerer) through quick inputs, dialogs and messages. */
export class Prompter {
  private answerer: Answerer | undefined;

  constructor(readonly inputs: QuickInputs) {}

  /** Test hook: `answerer` answers every prompt from now on instead of the user; undefined gives the prompts back to the user. */
  answerWith(answerer: Answerer | undefined): void {
    this.answerer = answerer;
  }

  get answering(): boolean {
    return this.answerer !== undefined;
  }

  /** The answerer's answer to `view` (only while answering). */
  async ask(view: PromptView): Promise<PromptAnswer> {
    if (!this.answerer) throw new Error('No answerer is installed.');
    return this.answerer(view);
  }

  /** showOpenDialog, or the answerer's folders. */
  async openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    if (!this.answerer) return vscode.window.showOpenDialog(options);
    const answer = await this.answerer({ kind: 'openDialog', title: options.title, prompt: options.openLabel });
    if (answer === 'cancel' || answer === 'back') return undefined;
    if (!('uris' in answer)) throw new Error(`The answer ${JSON.stringify(answer)} does not fit an open dialog (give { uris }).`);
    return answer.uris;
  }

  /** A message with buttons (modal or a notification); resolves with the button chosen, undefined when dismissed. */
  async message(severity: 'info' | 'warning' | 'error', message: string, options: { modal?: boolean; detail?: string }, ...choices: string[]): Promise<string | undefined> {
    if (!this.answerer) {
      const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      return show(message, { modal: options.modal, detail: options.detail }, ...choices);
    }
    const answer = await this.answerer({ kind: 'message', message, detail: options.detail, modal: !!options.modal, choices });
    if (answer === 'cancel' || answer === 'back') return undefined;
    if (!('choice' in answer) || !choices.includes(answer.choice)) throw new Error(`The answer ${JSON.stringify(answer)} is not one of the buttons ${JSON.stringify(choices)} of "${message}".`);
    return answer.choice;
  }
}

export interface QuickPickStep<T extends vscode.QuickPickItem> {
  title: string;
  /** Step counter ("Step 2/7"); left out for a flow of one step. */
  step?: number;
  totalSteps?: number;
  items: readonly T[];
  placeholder?: string;
  canSelectMany?: boolean;
  /** Single pick: the item to highlight (e.g. the previous answer). */
  activeItem?: T;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  /** Checked when the user accepts; a message keeps the step open and is shown to the user. */
  validate?: (selected: readonly T[]) => string | undefined | Promise<string | undefined>;
}

export interface InputBoxStep {
  title: string;
  step: number;
  totalSteps: number;
  value: string;
  prompt?: string;
  placeholder?: string;
  /** Checked as the user types and when they accept. */
  validate: (value: string) => string | undefined | Promise<string | undefined>;
}

/** One step of a flow: shows its prompt, stores the answer, and returns the next step (none: the flow is done). */
export type InputStep = (input: MultiStepInput) => Promise<InputStep | void>;

/**
 * Runs a flow of quick inputs one step at a time, as in VS Code's quickinput-sample: every
 * step after the first has a Back button that returns to the previous step (its answer
 * prefilled by the step itself from the flow's state); Escape cancels the whole flow.
 */
export class MultiStepInput {
  private readonly steps: InputStep[] = [];
  private current: vscode.QuickInput | undefined;

  constructor(private readonly prompter: Prompter) {}

  /** Runs the flow from `start`; resolves true when it ran to the end, false when it was cancelled. */
  static async run(prompter: Prompter, start: InputStep): Promise<boolean> {
    return new MultiStepInput(prompter).stepThrough(start);
  }

  private async stepThrough(start: InputStep): Promise<boolean> {
    let step: InputStep | void = start;
    let completed = true;
    try {
      while (step) {
        this.steps.push(step);
        if (this.current) {
          this.current.enabled = false;
          this.current.busy = true;
        }
        try {
          step = await step(this);
        } catch (err) {
          if (err === InputFlowAction.back) {
            this.steps.pop();
            step = this.steps.pop();
          } else if (err === InputFlowAction.cancel) {
            step = undefined;
            completed = false;
          } else {
            throw err;
          }
        }
      }
    } finally {
      this.dispose();
    }
    return completed;
  }

  private dispose(): void {
    if (this.current) {
      if (this.prompter.inputs.active === (this.current as unknown)) this.prompter.inputs.active = undefined;
      this.current.dispose();
      this.current = undefined;
    }
  }

  private get canGoBack(): boolean {
    return this.steps.length > 1;
  }

  private show(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox): void {
    this.dispose();
    this.current = input;
    this.prompter.inputs.active = input;
    input.show();
  }

  /** Shows a quick pick step; resolves with the accepted items (one for a single pick). */
  async showQuickPick<T extends vscode.QuickPickItem>(p: QuickPickStep<T>): Promise<readonly T[]> {
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<readonly T[]>((resolve, reject) => {
        const input = vscode.window.createQuickPick<T>();
        input.title = p.title;
        input.step = p.step;
        input.totalSteps = p.totalSteps;
        input.placeholder = p.placeholder;
        input.canSelectMany = !!p.canSelectMany;
        input.matchOnDescription = !!p.matchOnDescription;
        input.matchOnDetail = !!p.matchOnDetail;
        input.ignoreFocusOut = true;
        input.items = p.items;
        if (p.canSelectMany) input.selectedItems = p.items.filter((i) => i.picked);
        else if (p.activeItem) input.activeItems = [p.activeItem];
        const canGoBack = this.canGoBack;
        input.buttons = canGoBack ? [vscode.QuickInputButtons.Back] : [];
        let settled = false;
        let checking = false;
        let hiddenWhileChecking = false;
        const accept = async (selected: readonly T[]): Promise<string | undefined> => {
          if (settled || checking) return undefined;
          if (!p.canSelectMany && !selected.length) return 'Choose one of the items.';
          checking = true;
          hiddenWhileChecking = false;
          input.busy = true;
          let problem: string | undefined;
          try {
            problem = p.validate ? await p.validate(selected) : undefined;
          } catch (e) {
            problem = e instanceof Error ? e.message : String(e);
          } finally {
            checking = false;
            input.busy = false;
          }
          // A dialog opened while checking (the simple file dialog is a quick input too) hid this step: show it again.
          if (hiddenWhileChecking && problem) input.show();
          hiddenWhileChecking = false;
          if (problem) {
            if (!this.prompter.answering) void vscode.window.showErrorMessage(problem);
            return problem;
          }
          settled = true;
          resolve(selected);
          return undefined;
        };
        disposables.push(
          input.onDidTriggerButton((b) => {
            if (b === vscode.QuickInputButtons.Back) {
              settled = true;
              reject(InputFlowAction.back);
            }
          }),
          input.onDidAccept(() => void accept(p.canSelectMany ? input.selectedItems : input.selectedItems.length ? input.selectedItems : input.activeItems)),
          input.onDidHide(() => {
            if (checking) {
              hiddenWhileChecking = true;
              return;
            }
            if (settled) return;
            settled = true;
            reject(InputFlowAction.cancel);
          }),
        );
        this.show(input as unknown as vscode.QuickPick<vscode.QuickPickItem>);
        if (!this.prompter.answering) return;
        // A test plays the user: its answers go through `accept`, as the user's would.
        void (async () => {
          let problem: string | undefined;
          for (let attempt = 0; attempt < 10 && !settled; attempt++) {
            const answer = await this.prompter.ask({
              kind: 'pick',
              title: p.title,
              step: p.step,
              totalSteps: p.totalSteps,
              placeholder: p.placeholder,
              canSelectMany: !!p.canSelectMany,
              canGoBack,
              validationMessage: problem,
              headings: p.items.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label),
              items: p.items
                .filter((i) => i.kind !== vscode.QuickPickItemKind.Separator)
                .map((i) => ({ label: i.label, description: i.description, detail: i.detail, picked: p.canSelectMany ? input.selectedItems.includes(i) : input.activeItems.includes(i) })),
            });
            if (settled) return;
            if (answer === 'back' && canGoBack) {
              settled = true;
              return reject(InputFlowAction.back);
            }
            if (answer === 'cancel' || answer === 'back') {
              settled = true;
              return reject(InputFlowAction.cancel);
            }
            if (!('pick' in answer)) {
              settled = true;
              return reject(new Error(`The answer ${JSON.stringify(answer)} does not fit the quick pick "${p.title}" (give { pick: [labels] }).`));
            }
            const chosen: T[] = [];
            for (const label of answer.pick) {
              const item = p.items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && (i.label === label || plainLabel(i.label) === label));
              if (!item) {
                settled = true;
                return reject(new Error(`"${p.title}" has no item "${label}" (items: ${p.items.map((i) => plainLabel(i.label)).join(', ')}).`));
              }
              chosen.push(item);
            }
            if (p.canSelectMany) input.selectedItems = chosen;
            else input.activeItems = chosen;
            problem = await accept(chosen);
          }
          if (!settled) {
            settled = true;
            reject(new Error(`"${p.title}": ten answers in a row were refused (last: ${problem}).`));
          }
        })().catch((e: unknown) => {
          if (settled) return;
          settled = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        });
      });
    } finally {
      disposables.forEach((d) => d.dispose());
    }
  }

  /** Shows an input box step; resolves with the accepted (valid) value. */
  async showInputBox(p: InputBoxStep): Promise<string> {
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<string>((resolve, reject) => {
        const input = vscode.window.createInputBox();
        input.title = p.title;
        input.step = p.step;
        input.totalSteps = p.totalSteps;
        input.value = p.value;
        input.prompt = p.prompt;
        input.placeholder = p.placeholder;
        input.ignoreFocusOut = true;
        const canGoBack = this.canGoBack;
        input.buttons = canGoBack ? [vscode.QuickInputButtons.Back] : [];
        let settled = false;
        let typed = 0;
        const check = async (value: string): Promise<string | undefined> => {
          try {
            return await p.validate(value);
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
        };
        const accept = async (value: string): Promise<string | undefined> => {
          if (settled) return undefined;
          input.enabled = false;
          input.busy = true;
          const problem = await check(value);
          input.enabled = true;
          input.busy = false;
          input.validationMessage = problem;
          if (problem) return problem;
          settled = true;
          resolve(value);
          return undefined;
        };
        disposables.push(
          input.onDidTriggerButton((b) => {
            if (b === vscode.QuickInputButtons.Back) {
              settled = true;
              reject(InputFlowAction.back);
            }
          }),
          input.onDidChangeValue(async (value) => {
            const mine = ++typed;
            const problem = await check(value);
            if (mine === typed && !settled) input.validationMessage = problem;
          }),
          input.onDidAccept(() => void accept(input.value)),
          input.onDidHide(() => {
            if (settled) return;
            settled = true;
            reject(InputFlowAction.cancel);
          }),
        );
        this.show(input);
        if (!this.prompter.answering) return;
        void (async () => {
          let problem: string | undefined;
          for (let attempt = 0; attempt < 10 && !settled; attempt++) {
            const answer = await this.prompter.ask({
              kind: 'input',
              title: p.title,
              step: p.step,
              totalSteps: p.totalSteps,
              prompt: p.prompt,
              placeholder: p.placeholder,
              value: input.value,
              canGoBack,
              validationMessage: problem,
            });
            if (settled) return;
            if (answer === 'back' && canGoBack) {
              settled = true;
              return reject(InputFlowAction.back);
            }
            if (answer === 'cancel' || answer === 'back') {
              settled = true;
              return reject(InputFlowAction.cancel);
            }
            if (!('value' in answer)) {
              settled = true;
              return reject(new Error(`The answer ${JSON.stringify(answer)} does not fit the input box "${p.title}" (give { value }).`));
            }
            input.value = answer.value;
            problem = await accept(answer.value);
          }
          if (!settled) {
            settled = true;
            reject(new Error(`"${p.title}": ten answers in a row were refused (last: ${problem}).`));
          }
        })().catch((e: unknown) => {
          if (settled) return;
          settled = true;
          reject(e instanceof Error ? e : new Error(String(e)));
        });
      });
    } finally {
      disposables.forEach((d) => d.dispose());
    }
  }
}
