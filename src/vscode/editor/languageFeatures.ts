// Hover, completion and outline providers: thin adapters from VS Code to src/core/editor over the live catalogs.

import * as vscode from 'vscode';
import { completionsAt } from '../../core/editor/completion';
import type { CompletionKind } from '../../core/editor/completion';
import { hoverAt } from '../../core/editor/hover';
import type { EditorFile, LinkTo } from '../../core/editor/hover';
import { documentSymbols } from '../../core/editor/symbols';
import type { DocumentSymbol, SymbolKind } from '../../core/editor/symbols';
import type { Range } from '../../core/diagnostics';
import type { Catalog } from '../../core/library/types';
import { TextDocument } from '../../core/text/textDocument';
import { toRange } from '../diagnostics';
import type { LoadedEntry } from '../catalogStore';
import type { LibraryService } from '../libraryService';
import { libraryFileUri } from '../views/catalogTree';
import { yamlExtensionPresent } from '../yamlSchemas';
import type { LiveDiagnostics } from './liveDiagnostics';

/** Formats whose schema the YAML extension may get from us (yamlSchemas.ts, for the files inside libraries). */
const schemaContributed = new Set(['library-manifest', 'asset-manifest', 'pilot-manifest']);

/** True when another tool (the YAML extension, given our schema) describes the fields of a document. */
export type DescribedElsewhere = (uri: vscode.Uri) => boolean;

/** The URI of a library file: of the document's own catalog (`entry`), or of another loaded library. */
export function catalogFileUri(libraries: LibraryService, entry: LoadedEntry | undefined, catalog: Catalog | undefined, path: string): vscode.Uri | undefined {
  if (entry && catalog === entry.live.catalog) return entry.uriOf(path);
  const lib = libraries.libraries.find((l) => l.catalog === catalog);
  return lib ? libraryFileUri(lib, path) : undefined;
}

/** A VS Code link (URI with a `#L` line fragment) to a place in a library file. */
function linkMaker(libraries: LibraryService, entry: LoadedEntry | undefined): LinkTo {
  return (catalog: Catalog | undefined, path: string, range?: Range) => {
    const uri = catalogFileUri(libraries, entry, catalog, path);
    if (!uri) return undefined;
    return (range ? uri.with({ fragment: `L${range.start.line + 1},${range.start.character + 1}` }) : uri).toString();
  };
}

/** What the core features need about a document, or undefined when no library knows it. */
export async function editorFile(live: LiveDiagnostics, libraries: LibraryService, doc: vscode.TextDocument): Promise<{ ctx: EditorFile; entry: LoadedEntry } | undefined> {
  const found = await live.fileFor(doc);
  if (!found) return undefined;
  const others = libraries.libraries.map((l) => l.catalog).filter((c): c is Catalog => !!c && c !== found.catalog);
  return { ctx: { file: found.file, doc: new TextDocument(doc.getText()), catalog: found.catalog, libraries: others }, entry: found.entry };
}

export class AssetHovers implements vscode.HoverProvider {
  constructor(
    private readonly live: LiveDiagnostics,
    private readonly libraries: LibraryService,
    private readonly describedElsewhere: DescribedElsewhere = () => false,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const found = await editorFile(this.live, this.libraries, doc);
    if (!found || token.isCancellationRequested) return undefined;
    const schemaFields = !(schemaContributed.has(found.ctx.file.format) && this.describedElsewhere(doc.uri));
    const h = hoverAt(found.ctx, { line: pos.line, character: pos.character }, linkMaker(this.libraries, found.entry), { schemaFields });
    if (!h) return undefined;
    // Untrusted Markdown: no command links, no HTML; library strings are escaped by the core.
    return new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(h.range));
  }
}

const completionKinds: Record<CompletionKind, vscode.CompletionItemKind> = {
  variable: vscode.CompletionItemKind.Variable,
  field: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  reference: vscode.CompletionItemKind.Reference,
  version: vscode.CompletionItemKind.Constant,
  model: vscode.CompletionItemKind.Module,
  partial: vscode.CompletionItemKind.File,
};

export class AssetCompletions implements vscode.CompletionItemProvider {
  /** `{{` and `{%` open tags, `:` ends `${input:` and YAML keys, `@` starts a version, a space starts a YAML value. */
  static readonly triggerCharacters = ['{', '%', ':', '@', ' '];

  constructor(
    private readonly live: LiveDiagnostics,
    private readonly libraries: LibraryService,
    private readonly describedElsewhere: DescribedElsewhere = () => false,
  ) {}

  async provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionList | undefined> {
    const found = await editorFile(this.live, this.libraries, doc);
    if (!found || token.isCancellationRequested) return undefined;
    const schemaFields = !(schemaContributed.has(found.ctx.file.format) && this.describedElsewhere(doc.uri));
    const result = completionsAt(found.ctx, { line: pos.line, character: pos.character }, { schemaFields });
    if (!result || !result.items.length) return undefined;
    const range = toRange(result.range);
    const items = result.items.map((i) => {
      const item = new vscode.CompletionItem(i.label, completionKinds[i.kind]);
      item.detail = i.detail;
      if (i.documentation) item.documentation = new vscode.MarkdownString(i.documentation);
      item.insertText = i.insertText ?? i.label;
      item.filterText = i.filterText;
      item.sortText = i.sortText;
      item.range = range;
      if (i.deprecated) item.tags = [vscode.CompletionItemTag.Deprecated];
      return item;
    });
    return new vscode.CompletionList(items, false);
  }
}

const symbolKinds: Record<SymbolKind, vscode.SymbolKind> = {
  module: vscode.SymbolKind.Module,
  object: vscode.SymbolKind.Object,
  array: vscode.SymbolKind.Array,
  property: vscode.SymbolKind.Property,
  string: vscode.SymbolKind.String,
  number: vscode.SymbolKind.Number,
  boolean: vscode.SymbolKind.Boolean,
  null: vscode.SymbolKind.Null,
  variable: vscode.SymbolKind.Variable,
  event: vscode.SymbolKind.Event,
  namespace: vscode.SymbolKind.Namespace,
};

function toSymbol(s: DocumentSymbol): vscode.DocumentSymbol {
  const out = new vscode.DocumentSymbol(s.name, s.detail ?? '', symbolKinds[s.kind], toRange(s.range), toRange(s.selectionRange));
  out.children = s.children.map(toSymbol);
  return out;
}

export class AssetSymbols implements vscode.DocumentSymbolProvider {
  constructor(private readonly live: LiveDiagnostics) {}

  async provideDocumentSymbols(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentSymbol[] | undefined> {
    const found = await this.live.fileFor(doc);
    if (!found || token.isCancellationRequested) return undefined;
    // The YAML extension outlines whole YAML files itself; front matter and bodies are ours alone.
    const format = found.file.format;
    if ((schemaContributed.has(format) || format === 'gh-models' || format === 'promptfoo') && yamlExtensionPresent()) return undefined;
    return documentSymbols(found.file, new TextDocument(doc.getText())).map(toSymbol);
  }
}
