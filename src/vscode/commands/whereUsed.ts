// Show Where Used: the repositories of genaiAssets.fleet that use each asset of a library, as a Markdown table in the preview.

import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { WhereUsedReport } from '../../core/install/whereUsed';
import { commands, settings } from '../constants';
import type { WindowLibrary } from '../libraryService';
import { libraryName } from '../libraryService';
import { AssetNode, LibraryNode } from '../views/catalogTree';
import { whereUsedMarkdown } from '../whereUsedText';
import { pickOne } from './pilots';
import type { CommandFactory } from './services';

/** What Show Where Used returns (for tests): the library, the report and the Markdown shown. */
export interface WhereUsedResult {
  library: string;
  report: WhereUsedReport;
  markdown: string;
}

/**
 * Show Where Used: reads the fleet (when not read yet, or with `{ refresh: true }`; cancellable,
 * with progress), then shows where the assets of a library are used. Argument: a Catalog row
 * (library or asset), `{ library, refresh? }`, or none (the only library, or the one picked).
 */
export const showWhereUsed: CommandFactory = (services) => async (arg?: unknown) => {
  const urls = services.config.fleet;
  if (!urls.length) {
    const choice = await services.prompter.message(
      'info',
      `Show Where Used reads the locks of the repositories listed in the \`${settings.fleet}\` setting, which is empty. Add their git URLs there.`,
      {},
      'Open Settings',
    );
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', settings.fleet);
    return undefined;
  }
  await services.libraries.ensureLoaded();
  let library: WindowLibrary | undefined;
  if (arg instanceof LibraryNode) library = arg.library;
  else if (arg instanceof AssetNode) library = arg.library;
  else if (arg && typeof arg === 'object' && 'library' in arg) library = (arg as { library: WindowLibrary }).library;
  const ready = services.libraries.libraries.filter((l) => l.catalog);
  if (!library) {
    if (ready.length > 1)
      library = (
        await pickOne(
          services,
          'Show Where Used',
          'The assets of which library?',
          ready.map((l) => ({ label: libraryName(l), description: `${l.catalog!.assets.length} assets`, library: l })),
        )
      )?.library;
    else library = ready[0];
  }
  if (!library) return undefined;
  const catalog = library.catalog;
  if (!catalog) throw new UserError(`The library ${libraryName(library)} is not loaded${library.error ? ` (${library.error})` : ''}; sync it and try again.`);
  const refresh = !!arg && typeof arg === 'object' && (arg as { refresh?: unknown }).refresh === true;
  const read =
    services.fleet.current && !refresh
      ? services.fleet.current
      : await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the locks of ${urls.length} repositories`, cancellable: true }, (progress, token) => {
          let last = 0;
          return services.fleet.read({
            fresh: refresh,
            token,
            progress: (done, total) => {
              const pct = Math.floor((done / total) * 100);
              progress.report({ message: `${done}/${total}`, increment: pct - last });
              last = pct;
            },
          });
        });
  if (!read) return undefined;
  const report = services.fleet.report(catalog)!;
  const markdown = whereUsedMarkdown(report, read.urls.length, read.at);
  const name = `where-used-${catalog.library.name}.md`;
  const set = services.planned.add('where-used', new Map([[name, new TextEncoder().encode(markdown)]]));
  try {
    await vscode.commands.executeCommand('markdown.showPreview', set.uri(name));
  } catch {
    // No Markdown preview (the built-in extension disabled): the Markdown itself, read-only.
    await vscode.window.showTextDocument(set.uri(name), { preview: true });
  }
  const failed = report.errors.length ? `; ${report.errors.length} could not be read (listed at the end)` : '';
  void services.prompter.message('info', `Where used: ${report.repositories} of ${read.urls.length} repositories, as read at ${read.at.toLocaleTimeString()}${failed}.`, {}, 'Read Again').then((c) => {
    if (c) void vscode.commands.executeCommand(commands.showWhereUsed, { library, refresh: true });
  });
  const result: WhereUsedResult = { library: libraryName(library), report, markdown };
  return result;
};
