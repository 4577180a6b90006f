// Gives the Red Hat YAML extension our manifest schemas for the files inside a library (and pilots) only, through its registerContributor API, instead of a yamlValidation for every file of that name.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import * as vscode from 'vscode';
import { schemes } from './constants';
import { Disposable } from './lifecycle';
import type { LibraryService } from './libraryService';
import { schemaFiles, schemaFor, textLooksLikePilot } from './schemaScope';
import type { ManifestSchema } from './schemaScope';

/** The Red Hat YAML extension. */
export const yamlExtensionId = 'redhat.vscode-yaml';
/** The URI scheme of our schemas as the YAML extension asks for them (`genai-assets-schema://schemas/asset`). */
const schemaScheme = 'genai-assets-schema';

/** The part of the YAML extension's API we use (redhat-developer/vscode-yaml src/schema-extension-api.ts). */
interface YamlExtensionApi {
  registerContributor(schema: string, requestSchema: (resource: string) => string | undefined, requestSchemaContent: (uri: string) => Promise<string> | string, label?: string): boolean;
}

/** True when the YAML extension is installed (it then describes the manifests' fields from our schemas). */
export function yamlExtensionPresent(): boolean {
  return !!vscode.extensions.getExtension(yamlExtensionId);
}

export class YamlSchemas extends Disposable {
  private roots: string[] = [];
  private registered = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly libraries: LibraryService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Registers with the YAML extension when it is installed (now, or once it is). */
  start(): void {
    if (this.tryRegister()) return;
    const sub = vscode.extensions.onDidChange(() => this.tryRegister() && sub.dispose());
    this._register(sub);
  }

  /** The schema the YAML extension gets for a document, or undefined (also when it is not installed). */
  schemaOf(uri: vscode.Uri): ManifestSchema | undefined {
    if (uri.scheme === schemes.library) return this.libraries.findLibrary(uri.authority)?.catalog ? schemaFor(uri.path, { libraryRoots: [], inLibraryView: true }, '/') : undefined;
    if (uri.scheme !== 'file') return undefined;
    const file = uri.fsPath;
    const roots = [...this.roots, ...this.libraries.libraries.map((l) => l.root).filter((r): r is string => !!r)];
    return schemaFor(file, { libraryRoots: roots, looksLikePilot: () => this.looksLikePilot(uri) });
  }

  /** True when the YAML extension describes this document's fields from one of our schemas. */
  describes(uri: vscode.Uri): boolean {
    return this.registered && this.schemaOf(uri) !== undefined;
  }

  private tryRegister(): boolean {
    const ext = vscode.extensions.getExtension<YamlExtensionApi>(yamlExtensionId);
    if (!ext) return false;
    this.watchRoots();
    void Promise.resolve(ext.activate()).then(
      (api) => {
        if (this.isDisposed || !api?.registerContributor) return;
        this.registered = api.registerContributor(
          schemaScheme,
          (resource) => this.requestSchema(resource),
          (uri) => this.schemaContent(uri),
          'GenAI Assets',
        );
        this.log.info(`Manifest schemas ${this.registered ? 'contributed to' : 'refused by'} the YAML extension for the files inside libraries.`);
      },
      (e: unknown) => this.log.warn(`The YAML extension did not start; manifest schemas are not contributed: ${(e as Error).message}`),
    );
    return true;
  }

  private requestSchema(resource: string): string | undefined {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(resource, true);
    } catch {
      return undefined;
    }
    const schema = this.schemaOf(uri);
    return schema ? `${schemaScheme}://schemas/${schema}` : undefined;
  }

  private async schemaContent(uri: string): Promise<string> {
    const name = vscode.Uri.parse(uri).path.replace(/^\//, '') as ManifestSchema;
    const file = schemaFiles[name];
    if (!file) throw new Error(`no such schema: ${uri}`);
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'schemas', file));
    return new TextDecoder().decode(bytes);
  }

  private looksLikePilot(uri: vscode.Uri): boolean {
    const dir = nodePath.dirname(uri.fsPath);
    if (fs.existsSync(nodePath.join(dir, 'pilot.lock.json'))) return true;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return textLooksLikePilot(open.getText());
    try {
      return textLooksLikePilot(fs.readFileSync(uri.fsPath, 'utf8'));
    } catch {
      return false;
    }
  }

  /** The folders of the workspace holding library.yaml, found now and kept up to date. */
  private watchRoots(): void {
    const rescan = (): void => void this.scan().catch((e: unknown) => this.log.warn(`Could not list the library roots for the YAML schemas: ${(e as Error).message}`));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/library.{yaml,yml}', false, true, false));
    this._register(watcher.onDidCreate(rescan));
    this._register(watcher.onDidDelete(rescan));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(rescan));
    rescan();
  }

  private async scan(): Promise<void> {
    const roots = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/library.{yaml,yml}'), '**/{node_modules,.git}/**', 500);
      for (const f of found) roots.add(nodePath.dirname(f.fsPath));
    }
    this.roots = [...roots].sort();
  }
}
