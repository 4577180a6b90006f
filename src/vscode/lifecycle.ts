// Disposable base class: everything a service registers is disposed with it, once.

import type * as vscode from 'vscode';

/** A service that owns disposables; `_register` returns what it is given, for chaining. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Reverse order: later registrations may depend on earlier ones.
    for (const d of this.owned.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // One failing dispose must not keep the others alive.
      }
    }
  }
}

/** A Disposable from a function (timers, listeners of non-VS Code emitters). */
export function toDisposable(fn: () => void): vscode.Disposable {
  return { dispose: fn };
}
