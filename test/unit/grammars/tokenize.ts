// Loads the grammars of syntaxes/ into vscode-textmate with the Oniguruma wasm of vscode-oniguruma, the engine VS Code uses,
// and tokenizes whole files into lines of scoped tokens for the grammar tests.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { repoRoot } from '../paths';

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

/** The grammars package.json contributes, by scope name. */
export const contributedGrammars: GrammarContribution[] = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars: GrammarContribution[] } }).contributes
  .grammars;

/**
 * Where `source.yaml` comes from. VS Code ships RedCMD's YAML grammar (extensions/yaml); the code-server cache of
 * `npm start` holds that very file when it is installed. tm-grammars (an npm devDependency) ships the TextMate bundle's
 * YAML grammar, always available. The tests run with both where both exist.
 */
export interface YamlSource {
  name: string;
  /** Files by scope name: source.yaml and the grammars it includes. */
  files: Record<string, string>;
}

const vscodeYamlDir = path.join(repoRoot, '.cache', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'yaml', 'syntaxes');

export function yamlSources(): YamlSource[] {
  const out: YamlSource[] = [{ name: 'tm-grammars (textmate/yaml.tmbundle)', files: { 'source.yaml': require.resolve('tm-grammars/grammars/yaml.json') } }];
  if (fs.existsSync(path.join(vscodeYamlDir, 'yaml.tmLanguage.json'))) {
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(vscodeYamlDir)) {
      const g = JSON.parse(fs.readFileSync(path.join(vscodeYamlDir, f), 'utf8')) as { scopeName: string };
      files[g.scopeName] = path.join(vscodeYamlDir, f);
    }
    out.push({ name: "VS Code's own (code-server cache)", files });
  }
  return out;
}

let onigLib: Promise<vsctm.IOnigLib> | undefined;
function loadOniguruma(): Promise<vsctm.IOnigLib> {
  onigLib ??= (async () => {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    return { createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources), createOnigString: (s: string) => new oniguruma.OnigString(s) };
  })();
  return onigLib;
}

/** A registry with our grammars (and, unless told otherwise, their injections) and the given YAML grammar. */
export function createRegistry(yaml: YamlSource, options: { injections?: boolean } = {}): vsctm.Registry {
  const files: Record<string, string> = { ...yaml.files };
  for (const g of contributedGrammars) files[g.scopeName] = path.join(repoRoot, g.path);
  return new vsctm.Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scopeName) => {
      const file = files[scopeName];
      if (!file) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections: (scopeName) => (options.injections === false ? [] : contributedGrammars).filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
  });
}

export interface Token {
  line: number;
  startIndex: number;
  endIndex: number;
  text: string;
  scopes: string[];
}

export interface Tokenized {
  lines: string[];
  tokens: Token[][];
  /** The scope stack after each line (the rule stack's scopes at the end of the line). */
  openScopesAfter: string[][];
}

/** Tokenizes a whole text, line by line, as VS Code does. */
export function tokenize(grammar: vsctm.IGrammar, text: string): Tokenized {
  const lines = text.split(/\r\n|\r|\n/);
  let stack = vsctm.INITIAL;
  const tokens: Token[][] = [];
  const openScopesAfter: string[][] = [];
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    if (r.stoppedEarly) throw new Error(`tokenizing stopped early on line ${i + 1}`);
    tokens.push(r.tokens.map((t) => ({ line: i, startIndex: t.startIndex, endIndex: Math.min(t.endIndex, line.length), text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
    stack = r.ruleStack;
    openScopesAfter.push(scopesOfStack(stack));
  });
  return { lines, tokens, openScopesAfter };
}

/** The name and content-name scopes open on a rule stack (vscode-textmate keeps them in `nameScopesList` / `contentNameScopesList`). */
function scopesOfStack(stack: vsctm.StateStack): string[] {
  const s = stack as unknown as { contentNameScopesList?: { getScopeNames(): string[] } };
  return s.contentNameScopesList?.getScopeNames() ?? [];
}

/** The scopes of every character of every line, without those `keep` rejects (to compare two tokenizations). */
export function scopesPerCharacter(t: Tokenized, keep: (scope: string) => boolean): string[][] {
  return t.tokens.map((line, i) =>
    [...t.lines[i]].map(
      (_, c) =>
        line
          .find((x) => x.startIndex <= c && c < x.endIndex)
          ?.scopes.filter(keep)
          .join(' ') ?? '',
    ),
  );
}

/** The scopes of the token that covers `column` (0-based) on `line` (0-based). */
export function scopesAt(t: Tokenized, line: number, column: number): string[] {
  const tok = t.tokens[line]?.find((x) => x.startIndex <= column && column < x.endIndex);
  if (!tok) throw new Error(`no token at ${line + 1}:${column + 1} (line: ${JSON.stringify(t.lines[line])})`);
  return tok.scopes;
}

/** Line and column of the first occurrence of `needle` (optionally at or after line `from`), plus `offset`. */
export function find(t: Tokenized, needle: string, from = 0, offset = 0): { line: number; column: number } {
  for (let i = from; i < t.lines.length; i++) {
    const c = t.lines[i].indexOf(needle);
    if (c >= 0) return { line: i, column: c + offset };
  }
  throw new Error(`"${needle}" not found`);
}
