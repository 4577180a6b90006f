// What `genai-assets mcp` answers, without the protocol: search, one asset, a rendered prompt, validation and pilot checks over the libraries the CLI opens.

import { realpathSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { typeOk } from '../core/checks/evals';
import { parseAndCheck } from '../core/checks/fileChecks';
import { fullStages } from '../core/checks/stages';
import { compareDiagnostics } from '../core/diagnostics';
import type { Diagnostic } from '../core/diagnostics';
import { LiveCatalog } from '../core/editor/liveCatalog';
import { UserError } from '../core/errors';
import { parseFile } from '../core/formats/parseFile';
import { sha256Hex } from '../core/hash';
import { installedPaths, verifyInstalls } from '../core/install/installs';
import { maxLockBytes } from '../core/limits';
import type { InputDecl } from '../core/formats/types';
import { filterAssets } from '../core/library/assetFilter';
import { loadCatalog } from '../core/library/load';
import type { FileParser } from '../core/library/load';
import { indexById, parseReference, referenceTo, resolveReference } from '../core/library/references';
import type { LibrarySource } from '../core/library/source';
import type { Asset, Catalog } from '../core/library/types';
import { pilotFileChecks, verifyPilot } from '../core/pilot/verify';
import { costTable, estimateTokens, modelTokenizer, promptMaxOutputTokens, promptModelId } from '../core/render/cost';
import { partialFiles } from '../core/render/promptReport';
import { messageText, renderPrompt } from '../core/render/render';
import { installLockFileName, parseInstallLock } from '../core/scaffold/lockFile';
import { loadPilot, pilotFileName } from '../core/scaffold/pilotFile';
import type { Tokenizer } from '../core/tokens';
import { nodeFileSystem, nodePathOps, pilotFileReader } from '../node/fileSystem';
import { findLibraryRoot } from '../node/openFolder';
import { libraryFromArgument, libraryFromSpec, openFolder, openLibrary } from '../app/openLibrary';
import type { OpenedLibrary } from '../app/openLibrary';
import { recordedLibrary } from '../app/pilotLibrary';
import { evalsCovering, findAsset } from './commands/show';
import { runValidate } from './commands/validate';
import { listedAsset } from './commands/list';
import type { CliIo } from './io';
import { libraryOfInstalls } from './installs';
import { defaultCacheDir, readCliConfig, stderrLog } from './libraries';
import { formatJson, summarise } from './output';
import type { ReportedDiagnostic } from './output';
import { reportedDiagnostic } from './report';

/** Bounds of what a tool takes and gives (the protocol's schemas check the arguments against them). */
export const mcpLimits = {
  /** Search text, owners, tags, references, file names. */
  shortText: 1_000,
  /** A path. */
  path: 4_096,
  /** A text to validate. */
  text: 1024 * 1024,
  /** Render inputs, as JSON. */
  inputsJson: 256 * 1024,
  inputNames: 100,
  /** Assets one search returns at most. */
  searchResults: 200,
  /** A file's text in get_asset (longer texts are cut, and said to be). */
  fileText: 256 * 1024,
  /** Pilots one check_workspace verifies, and folders it looks into for them. */
  pilots: 50,
  pilotSearchFolders: 5_000,
  pilotSearchDepth: 6,
  /** One JSON-RPC message on stdin (a 1 MiB text to validate, escaped, fits). */
  messageBytes: 16 * 1024 * 1024,
} as const;

/** Folders never searched for pilots. */
const skippedFolders = new Set(['.git', 'node_modules', '.hg', '.svn', '.venv', 'venv', '__pycache__', 'dist', 'out']);

export interface McpToolsOptions {
  /** `--library` values (folders or git URLs); none: genai-assets.yaml's libraries, else the library around the current folder. */
  libraries: string[];
  /** Reopen the libraries (reading only what changed) when the last open is older than this; default 2 s. */
  refreshMs?: number;
  parser?: FileParser;
}

export interface SearchArgs {
  text?: string;
  kind?: string;
  tag?: string;
  status?: string;
  owner?: string;
  limit?: number;
}

const decoder = new TextDecoder('utf-8');

/** A declared input as the tools show it. */
function shownInput(i: InputDecl): Record<string, unknown> {
  return { name: i.name, type: i.type, required: i.required, description: i.description ?? null, default: i.default ?? null };
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const json = JSON.stringify(v);
  return `${typeof v} ${json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

/** Text of a library file, cut at `max` bytes. */
function fileText(bytes: Uint8Array, max: number = mcpLimits.fileText): { text: string; truncated: boolean } {
  if (bytes.length <= max) return { text: decoder.decode(bytes), truncated: false };
  return { text: decoder.decode(bytes.subarray(0, max)), truncated: true };
}

/** Real path, or the path itself when it does not exist. */
function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The tools of the MCP server over the libraries it was started with. Every method throws a
 * UserError (or another Error) with a message the agent can act on; the server turns it into a tool error.
 * Nothing here writes into a library: folders are read, git libraries read from the cache at their commit.
 */
export class McpTools {
  private opened: OpenedLibrary[] = [];
  private openedAt = 0;
  private opening: Promise<OpenedLibrary[]> | undefined;
  private readonly refreshMs: number;

  constructor(
    private readonly io: CliIo,
    private readonly options: McpToolsOptions,
  ) {
    this.refreshMs = options.refreshMs ?? 2_000;
  }

  /** Opens the libraries (a git library is cloned into the cache when it is not there yet); a problem throws a UserError. */
  async start(): Promise<OpenedLibrary[]> {
    this.opened = await this.open(true);
    this.openedAt = Date.now();
    return this.opened;
  }

  /** The libraries, reopened when the last open is older than refreshMs (from the cache only: nothing is fetched). */
  async libraries(): Promise<OpenedLibrary[]> {
    if (Date.now() - this.openedAt < this.refreshMs) return this.opened;
    this.opening ??= this.open(false)
      .then((libs) => {
        this.opened = libs;
        this.openedAt = Date.now();
        return libs;
      })
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private async sources(): Promise<LibrarySource[]> {
    const { cwd, env } = this.io;
    if (this.options.libraries.length) return this.options.libraries.map((l) => libraryFromArgument(l, cwd));
    const config = await readCliConfig(cwd, env);
    if (config?.libraries.length) return config.libraries.map((l) => libraryFromSpec(l, nodePath.dirname(config.file)));
    const { root } = await findLibraryRoot(cwd);
    return [libraryFromArgument(root, cwd)];
  }

  private async open(first: boolean): Promise<OpenedLibrary[]> {
    const out: OpenedLibrary[] = [];
    for (const src of await this.sources()) {
      const opened = await openLibrary(src, {
        cacheDir: defaultCacheDir(this.io.env),
        sync: first ? 'if-missing' : 'never',
        log: stderrLog(this.io),
        cwd: this.io.cwd,
        env: this.io.env,
        parser: this.options.parser,
      });
      if (first) for (const w of opened.warnings) this.io.err(`warning: ${w}\n`);
      out.push(opened);
    }
    return out;
  }

  /** search_assets: assets whose id, title, description, tags, owners, kind, status or model hold every word of `text`, and that match the other filters. */
  async search(args: SearchArgs): Promise<Record<string, unknown>> {
    const libs = await this.libraries();
    const found: { library: string; asset: Asset }[] = [];
    for (const lib of libs) {
      for (const a of filterAssets(lib.catalog.assets, args)) {
        found.push({ library: lib.catalog.library.name, asset: a });
      }
    }
    const limit = Math.min(args.limit ?? 50, mcpLimits.searchResults);
    return {
      assets: found.slice(0, limit).map(({ library, asset: a }) => ({
        library,
        id: a.id,
        kind: a.kind,
        version: a.version,
        status: a.status,
        title: a.title,
        description: a.description,
        reference: referenceTo(a),
        inputs: a.inputs.map(shownInput),
        model: a.model ?? null,
      })),
      total: found.length,
      ...(found.length > limit ? { truncated: `${found.length - limit} more; narrow the search or raise limit (at most ${mcpLimits.searchResults})` } : {}),
    };
  }

  /** The asset a reference names (`id`, `id@range`, `library:id@range`), and its library. */
  private async find(reference: string): Promise<{ asset: Asset; lib: OpenedLibrary }> {
    const libs = await this.libraries();
    const { asset, catalog } = findAsset(
      libs.map((l) => l.catalog),
      reference.trim(),
    );
    return { asset, lib: libs.find((l) => l.catalog === catalog)! };
  }

  /** get_asset: the manifest, entry text, inputs, model, eval suites covering it, approval, deprecation and successor, and its diagnostics. */
  async getAsset(reference: string): Promise<Record<string, unknown>> {
    const { asset, lib } = await this.find(reference);
    return this.describe(asset, lib);
  }

  private async describe(asset: Asset, lib: OpenedLibrary): Promise<Record<string, unknown>> {
    const { catalog } = lib;
    const read = async (path: string | undefined) => {
      if (!path) return null;
      try {
        return { path, ...fileText(await lib.source.read(path)) };
      } catch (e) {
        return { path, error: `Could not read it: ${(e as Error).message}` };
      }
    };
    const diags = catalog.diagnostics.filter((d) => asset.files.includes(d.file)).sort(compareDiagnostics);
    const approvalProblem = diags.find((d) => d.code === 'approval-digest-mismatch' || d.code === 'approval-missing');
    const state = asset.status !== 'approved' ? 'not-approved' : approvalProblem?.code === 'approval-digest-mismatch' ? 'digest-mismatch' : asset.approval ? 'approved' : 'approval-missing';
    const successor = asset.replacedBy ? this.resolveIn(catalog, asset.replacedBy) : undefined;
    return {
      library: { name: catalog.library.name, root: lib.root, commit: lib.commit ?? catalog.commit ?? null },
      asset: {
        ...listedAsset(asset),
        reference: referenceTo(asset),
        managed: asset.managed,
        model: asset.model ?? null,
        files: asset.files,
        references: asset.references.map((r) => ({ field: r.field, ref: r.ref.raw })),
      },
      inputs: asset.inputs.map(shownInput),
      manifest: await read(asset.manifest),
      entry: await read(asset.entryFile),
      evalSuites: evalsCovering(catalog, asset).map((e) => ({ id: e.id, version: e.version, status: e.status, reference: referenceTo(e) })),
      approval: { state, ...(asset.approval ?? {}), ...(approvalProblem ? { problem: approvalProblem.message } : {}) },
      deprecation: {
        deprecated: asset.status === 'deprecated',
        replacedBy: asset.replacedBy ?? null,
        successor: successor ? { id: successor.id, version: successor.version, status: successor.status, title: successor.title, reference: referenceTo(successor) } : null,
      },
      diagnostics: diags.map((d) => ({ file: d.file, code: d.code, severity: d.severity, message: d.message, range: d.range })),
    };
  }

  private resolveIn(catalog: Catalog, raw: string): Asset | undefined {
    const ref = parseReference(raw);
    if (!ref || (ref.library !== undefined && ref.library !== catalog.library.name)) return undefined;
    return resolveReference(ref, indexById(catalog.assets)).asset;
  }

  /**
   * render_prompt: the messages the prompt's runtime would send with `inputs` (declared defaults under them),
   * tokens with the prompt's model's tokenizer, and the cost of one call per model the policy allows.
   * Undeclared, missing required or wrong-typed inputs, and a template that does not render, throw.
   */
  async renderPrompt(reference: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (JSON.stringify(inputs).length > mcpLimits.inputsJson) throw new UserError(`The inputs are over ${mcpLimits.inputsJson / 1024} KB as JSON; give shorter values.`);
    const { asset, lib } = await this.find(reference);
    const { catalog } = lib;
    if (asset.kind !== 'prompt')
      throw new UserError(`${referenceTo(asset)} is ${article(asset.kind)} ${asset.kind}, not a prompt; render_prompt renders prompts (search_assets with kind "prompt" lists them).`);
    if (!asset.entryFile) throw new UserError(`${referenceTo(asset)} has no entry file to render (its entry \`${asset.entry ?? ''}\` is missing).`);
    const bytes = await lib.source.read(asset.entryFile);
    const text = decoder.decode(bytes);
    const file = parseFile(asset.entryFile, bytes);
    const declared = file.inputs ?? asset.inputs;
    const byName = new Map(declared.map((i) => [i.name, i]));
    // A format that declares no inputs (VS Code prompt files, GitHub Models without inputs) takes the variables its body reads.
    const names = declared.length || file.inputs ? declared.map((i) => i.name) : [...new Set((file.variables ?? []).map((v) => v.name))];
    const problems: string[] = [];
    for (const [name, value] of Object.entries(inputs)) {
      const decl = byName.get(name);
      if (!decl) {
        if (!file.anyInputName && !names.includes(name)) {
          problems.push(`\`${name}\` is not an input of ${referenceTo(asset)}; ${names.length ? `its inputs are ${names.join(', ')}` : 'it takes no inputs'}.`);
        }
        continue;
      }
      if (!typeOk[decl.type](value)) problems.push(`\`${name}\` must be ${article(decl.type)} ${decl.type}, but the value given is ${describeValue(value)}.`);
    }
    for (const decl of declared) {
      if (decl.required && decl.default === undefined && !(decl.name in inputs)) {
        problems.push(`\`${decl.name}\` (${decl.type}${decl.description ? `: ${decl.description}` : ''}) is required; give it in inputs.`);
      }
    }
    if (problems.length) throw new UserError(`Cannot render ${referenceTo(asset)}:\n- ${problems.join('\n- ')}`);
    const partials = new Map<string, string>();
    for (const [name, rel] of partialFiles(catalog, file)) {
      const partial = await lib.source.read(rel).catch(() => undefined);
      if (partial) partials.set(name, decoder.decode(partial));
    }
    const rendered = renderPrompt(file, text, inputs, { partial: (name) => partials.get(name) });
    if (rendered.error) throw new UserError(`${referenceTo(asset)} did not render (${rendered.engine}): ${rendered.error}`);
    const promptModel = promptModelId(file, asset.model);
    const counted = new Map<Tokenizer, ReturnType<typeof estimateTokens>>();
    const estimate = (t: Tokenizer) => {
      let e = counted.get(t);
      if (!e) counted.set(t, (e = estimateTokens(rendered.messages, t)));
      return e;
    };
    const tokens = estimate(modelTokenizer(catalog.library.models, promptModel));
    const costs = costTable(catalog.library, promptModel, (t) => estimate(t).tokens, promptMaxOutputTokens(file, text));
    const maxPromptTokens = catalog.library.policy.maxPromptTokens;
    return {
      reference: referenceTo(asset),
      library: catalog.library.name,
      format: file.format,
      engine: rendered.engine,
      messages: rendered.messages.map((m) => {
        const other = m.parts.filter((p) => p.kind !== 'text');
        return { role: m.role, text: messageText(m), ...(other.length ? { parts: m.parts } : {}) };
      }),
      unsetVariables: rendered.missing,
      model: promptModel ?? null,
      tokens: { input: tokens.tokens, text: tokens.textTokens, messages: tokens.messages, tokenizer: tokens.tokenizer, approximate: tokens.approximate },
      maxPromptTokens: maxPromptTokens ?? null,
      overBudget: maxPromptTokens !== undefined && tokens.tokens > maxPromptTokens,
      costs: costs.map((c) => ({
        model: c.model,
        isPromptModel: c.isPromptModel,
        allowed: c.allowed,
        deprecated: !!c.info?.deprecated,
        inputTokens: c.inputTokens,
        tokenizer: c.tokenizer,
        approximate: c.approximate,
        outputTokens: c.outputTokens ?? null,
        outputBasis: c.outputBasis,
        inputCostUsd: c.inputCost ?? null,
        outputCostUsd: c.outputCost ?? null,
        totalUsd: c.total ?? null,
      })),
    };
  }

  /** validate of a path: what `genai-assets validate PATH --format json` prints. */
  async validatePath(path: string): Promise<Record<string, unknown>> {
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: (t) => this.io.err(t), cwd: this.io.cwd, env: this.io.env, color: false };
    await runValidate({ paths: [path], format: 'json', parser: this.options.parser }, io);
    return JSON.parse(out) as Record<string, unknown>;
  }

  /**
   * validate of a text with its file name: the findings `validate` gives for the file with that text, the
   * library around the file's folder loaded when the folder exists (a file in no library is checked alone).
   */
  async validateText(fileName: string, text: string): Promise<Record<string, unknown>> {
    const abs = nodePath.resolve(this.io.cwd, fileName);
    const dir = nodePath.dirname(abs);
    const dirExists = (await fsp.stat(dir).catch(() => undefined))?.isDirectory();
    let root: string;
    let base: Catalog;
    if (dirExists) {
      root = (await findLibraryRoot(dir)).root;
      // A folder library the server reads already is not read again (the text is laid over a copy: the served catalog stays as it is).
      const served = (await this.libraries()).find((l) => l.library.kind === 'folder' && realOrSelf(l.root) === realOrSelf(root));
      base = served?.catalog ?? (await openFolder(root, { parser: this.options.parser })).catalog;
    } else {
      root = dir;
      base = await loadCatalog({ root, source: { list: async () => [], read: async () => new Uint8Array() }, ...fullStages });
    }
    const rel = nodePath.relative(root, abs).split(nodePath.sep).join('/');
    const live = new LiveCatalog(base);
    live.setText(rel, text);
    if (!live.has(rel)) throw new UserError(`${fileName} is not a file the engine recognises (prompt, eval suite or manifest formats); name the file as it is named on disk.`);
    const display = (p: string) => nodePath.relative(this.io.cwd, nodePath.join(root, ...p.split('/'))) || p;
    const diags = live
      .diagnosticsFor(rel)
      .sort(compareDiagnostics)
      .map((d) => reportedDiagnostic(d, display));
    return jsonReport(diags, 1);
  }

  /**
   * check_workspace: every pilot and every repository with installed assets (genai-assets.lock.json) at or under
   * `folder`, verified as `genai-assets verify --offline --format json` does, without writing anything.
   */
  async checkWorkspace(folder: string): Promise<Record<string, unknown>> {
    const dir = nodePath.resolve(this.io.cwd, folder);
    if (!(await fsp.stat(dir).catch(() => undefined))?.isDirectory()) throw new UserError(`${folder} is not a folder; give the workspace folder holding the pilots.`);
    const { found, searched, capped } = await findLocked(dir);
    const display = (abs: string) => nodePath.relative(this.io.cwd, abs) || '.';
    const checked: Record<string, unknown>[] = [];
    const total = { pilots: 0, installs: 0, errors: 0, warnings: 0, infos: 0 };
    for (const { dir: d, kind } of found) {
      if (kind === 'pilot') total.pilots++;
      else total.installs++;
      try {
        const { diagnostics, summary, library } = kind === 'pilot' ? await this.verifyPilot(d) : await this.verifyInstalls(d);
        total.errors += summary.errors;
        total.warnings += summary.warnings;
        total.infos += summary.infos;
        checked.push({ folder: display(d), kind, library, diagnostics, summary });
      } catch (e) {
        checked.push({ folder: display(d), kind, error: (e as Error).message });
      }
    }
    return {
      folder: display(dir),
      checked,
      summary: total,
      ...(found.length ? {} : { note: `No pilot (pilot.yaml) and no installed assets (${installLockFileName}) at or under ${display(dir)}; ${searched} folders searched.` }),
      ...(capped ? { truncated: `Only the first ${mcpLimits.pilots} pilots and installs (or ${mcpLimits.pilotSearchFolders} folders) were looked at; give a narrower folder.` } : {}),
    };
  }

  /** The findings of one folder as verify's JSON gives them, paths relative to the server's folder. */
  private report(dir: string, diags: Diagnostic[], files: number, library: OpenedLibrary): { diagnostics: unknown[]; summary: ReturnType<typeof summarise>; library: string } {
    const display = (p: string) => nodePath.relative(this.io.cwd, nodePath.join(dir, ...p.split('/'))) || p;
    const json = jsonReport(
      diags.sort(compareDiagnostics).map((d) => reportedDiagnostic(d, display)),
      files,
    );
    return { diagnostics: json.diagnostics as unknown[], summary: json.summary as ReturnType<typeof summarise>, library: library.catalog.library.name };
  }

  /** The library a pilot or installs record: one the server reads, else opened from the folder or the cache. */
  private async recorded(src: LibrarySource): Promise<OpenedLibrary> {
    return (await this.libraries()).find((l) => sameLibrary(l.library, src)) ?? (await this.openForPilot(src));
  }

  private async verifyPilot(dir: string): Promise<ReturnType<McpTools['report']>> {
    // loadPilot reads; the CLI's openPilot would first finish an interrupted update (a write), which this server never does.
    const pilot = await loadPilot(nodeFileSystem, nodePathOps, dir);
    const src = recordedLibrary(pilot);
    if (!src) throw new UserError(`${nodePath.join(dir, 'pilot.yaml')} names no library url; add library.url.`);
    const lib = await this.recorded(src);
    const own = (await openFolder(dir, { parser: this.options.parser })).catalog;
    const diags = [...pilotFileChecks(own), ...(await verifyPilot({ pilot, catalog: lib.catalog, readPilotFile: pilotFileReader(dir), readLibraryFile: (p) => lib.source.read(p) }))];
    return this.report(dir, diags, own.files.size, lib);
  }

  private async verifyInstalls(dir: string): Promise<ReturnType<McpTools['report']>> {
    // Read as readInstalls reads it, without finishing an interrupted install first (a write).
    const path = nodePath.join(dir, installLockFileName);
    const st = await fsp.lstat(path);
    if (!st.isFile() || st.size > maxLockBytes) throw new UserError(`${path} is not a file of at most ${maxLockBytes / 1048576} MB; restore it from version control.`);
    const bytes = await fsp.readFile(path);
    const text = decoder.decode(bytes);
    const { lock, problems } = parseInstallLock(text);
    if (!lock) throw new UserError(`${path}: ${problems.join(' ')}`);
    const lib = await this.recorded(libraryOfInstalls({ dir, lock, text, sha256: sha256Hex(bytes) }, undefined, this.io));
    const read = pilotFileReader(dir);
    const diags = await verifyInstalls({ lock, lockText: text, catalog: lib.catalog, source: lib.source, readRepoFile: read });
    const paths = installedPaths(lock);
    for (const p of paths) {
      const installed = await read(p);
      if (installed) diags.push(...parseAndCheck(p, installed).diagnostics);
    }
    return this.report(dir, diags, paths.length + 1, lib);
  }

  /** A pilot's library that is not one of the server's: a folder as it is, a git library from the cache only (never fetched). */
  private openForPilot(src: LibrarySource): Promise<OpenedLibrary> {
    return openLibrary(src, { cacheDir: defaultCacheDir(this.io.env), sync: 'never', log: stderrLog(this.io), cwd: this.io.cwd, env: this.io.env, parser: this.options.parser });
  }

  /** Every asset as a resource. */
  async resources(): Promise<{ uri: string; name: string; title: string; description: string; mimeType: string }[]> {
    const out: { uri: string; name: string; title: string; description: string; mimeType: string }[] = [];
    for (const lib of await this.libraries()) {
      for (const a of filterAssets(lib.catalog.assets, {})) {
        out.push({ uri: assetUri(lib.catalog.library.name, a), name: referenceTo(a), title: a.title, description: a.description, mimeType: 'application/json' });
      }
    }
    return out;
  }

  /** The resource `genai-asset://LIBRARY/ID@VERSION`: get_asset's answer for that exact version. */
  async resource(library: string, idAtVersion: string): Promise<Record<string, unknown>> {
    const at = idAtVersion.lastIndexOf('@');
    const id = at > 0 ? idAtVersion.slice(0, at) : idAtVersion;
    const version = at > 0 ? idAtVersion.slice(at + 1) : undefined;
    const lib = (await this.libraries()).find((l) => l.catalog.library.name === library);
    if (!lib) throw new UserError(`No library named \`${library}\` is open here.`);
    const asset = lib.catalog.assets.find((a) => a.id === id && (version === undefined || a.version === version));
    if (!asset) throw new UserError(`No asset ${idAtVersion} in ${library}; list the resources to see the assets.`);
    return this.describe(asset, lib);
  }
}

/** The URI of an asset's resource. */
export function assetUri(library: string, a: Pick<Asset, 'id' | 'version'>): string {
  return `genai-asset://${encodeURIComponent(library)}/${encodeURIComponent(a.id)}@${encodeURIComponent(a.version)}`;
}

/** The CLI's JSON of diagnostics (`--format json`), as an object. */
function jsonReport(diags: ReportedDiagnostic[], files: number): Record<string, unknown> {
  return JSON.parse(formatJson(diags, summarise(diags, files))) as Record<string, unknown>;
}

function sameLibrary(a: LibrarySource, b: LibrarySource): boolean {
  if (a.kind === 'git' && b.kind === 'git') return a.url === b.url && (a.ref ?? '') === (b.ref ?? '');
  if (a.kind === 'folder' && b.kind === 'folder') return realOrSelf(a.path) === realOrSelf(b.path);
  return false;
}

/** Folders at or under `dir` holding a pilot (pilot.yaml) or installed assets (genai-assets.lock.json), breadth first, bounded in depth, folders and finds. */
async function findLocked(dir: string): Promise<{ found: { dir: string; kind: 'pilot' | 'installs' }[]; searched: number; capped: boolean }> {
  const found: { dir: string; kind: 'pilot' | 'installs' }[] = [];
  let searched = 0;
  let queue: string[] = [dir];
  for (let depth = 0; depth <= mcpLimits.pilotSearchDepth && queue.length; depth++) {
    const next: string[] = [];
    for (const d of queue) {
      if (searched >= mcpLimits.pilotSearchFolders || found.length >= mcpLimits.pilots) return { found, searched, capped: true };
      searched++;
      const entries = await fsp.readdir(d, { withFileTypes: true }).catch(() => []);
      const has = (name: string) => entries.some((e) => e.isFile() && e.name === name);
      if (has(pilotFileName)) found.push({ dir: d, kind: 'pilot' });
      else if (has(installLockFileName)) found.push({ dir: d, kind: 'installs' });
      for (const e of entries) if (e.isDirectory() && !skippedFolders.has(e.name)) next.push(nodePath.join(d, e.name));
    }
    queue = next.sort();
  }
  return { found, searched, capped: false };
}
