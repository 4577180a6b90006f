// ESLint flat config: TypeScript rules plus the layering rules (core -> node -> app -> cli | vscode; core's folders import only earlier ones).
import tseslint from 'typescript-eslint';

/*
 * Outside core the order is node -> app -> (cli, vscode): src/node implements core's ports, src/app opens
 * libraries and pilots with them for both clients, and the two clients import app, never each other.
 * `above` are the folders of src (and the extension) that the layer `where` must not import.
 */
function notAbove(where, above, message) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'vscode', message: `${where} must not depend on VS Code; put editor code in src/vscode.` }],
        patterns: [{ regex: `^(\\.\\./)+(${above.join('|')})(/|$)`, message }],
      },
    ],
  };
}
const nodeRules = notAbove('src/node', ['app', 'vscode', 'cli', 'extension'], 'src/node implements the ports of src/core: it must not import src/app, src/vscode, src/cli or the extension.');
const appRules = notAbove('src/app', ['vscode', 'cli', 'extension'], 'src/app is the application layer under the CLI and the extension: it must not import src/vscode, src/cli or the extension.');
const cliRules = notAbove('src/cli', ['vscode', 'extension'], 'src/cli must not import the editor layer (src/vscode, the extension); share code through src/app.');
const coreNoNodeIoPaths = [
  { name: 'vscode', message: 'src/core must not depend on VS Code.' },
  { name: 'fs', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
  { name: 'node:fs', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
  { name: 'fs/promises', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
  { name: 'node:fs/promises', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
  { name: 'child_process', message: 'src/core runs processes through the ports in src/core/ports.ts.' },
  { name: 'node:child_process', message: 'src/core runs processes through the ports in src/core/ports.ts.' },
];

/*
 * The order of src/core (docs: HOUSE_STYLE.md, issue 13 item 5). A folder imports only the folders
 * listed for it, plus the root modules below; nothing in core imports src/node, src/app, src/vscode, src/cli.
 *   root modules  diagnostics, errors, guards, hash, limits, ports, schemas: import no folder of core; any folder may import them
 *   text -> yaml -> templates -> formats -> library -> checks -> scaffold -> pilot -> install, and render, editor beside them
 *   tokens.ts     at the level of formats (it reads ParsedFile): library and later folders may import it
 * scaffold writes a pilot (its files, pilot.yaml, the lock file, the README section); pilot works on an
 * existing one (add, update, verify, outdated, history) through scaffold; install puts assets into any repository
 * (the same lock format, verify and three-way update) through both. render and editor import none of them.
 */
const coreFolders = ['text', 'yaml', 'templates', 'formats', 'library', 'checks', 'scaffold', 'pilot', 'install', 'render', 'editor'];
const basics = ['text', 'yaml', 'templates', 'formats', 'library', 'checks'];
const coreMayImport = {
  text: [],
  yaml: ['text'],
  templates: ['text', 'yaml'],
  formats: ['text', 'yaml', 'templates'],
  library: ['text', 'yaml', 'templates', 'formats', 'tokens'],
  checks: ['text', 'yaml', 'templates', 'formats', 'tokens', 'library'],
  scaffold: [...basics, 'tokens'],
  pilot: [...basics, 'tokens', 'scaffold'],
  install: [...basics, 'tokens', 'scaffold', 'pilot'],
  render: [...basics, 'tokens'],
  editor: [...basics, 'tokens'],
};
const outsideCore = {
  regex: '^(\\.\\./)+(node|app|vscode|cli|extension)(/|$)',
  message: 'src/core must not import src/node, src/app, src/vscode, src/cli or the extension: pass what it needs through src/core/ports.ts.',
};
const order = 'text -> yaml -> templates -> formats -> library -> checks -> scaffold -> pilot -> install (render, editor beside them)';

/** The import rule for a module of one folder of core (prefix `../`) or a root module of core (prefix `./`). */
function coreImports(from, allowed, prefix) {
  const where = from === 'root' ? "src/core's root modules" : from === 'tokens' ? 'src/core/tokens.ts' : `src/core/${from}/`;
  const forbidden = [...coreFolders, 'tokens'].filter((f) => f !== from && !allowed.includes(f));
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: coreNoNodeIoPaths,
        patterns: [
          outsideCore,
          {
            regex: `^${prefix.replace(/\./g, '\\.')}(${forbidden.join('|')})(/|$)`,
            message: `${where} may import only ${allowed.length ? allowed.join(', ') : 'no folder of core'} (and core's root modules); the order is ${order}.`,
          },
        ],
      },
    ],
  };
}
const noNodeIo = coreImports('root', [], './');

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'samples/**', 'test/fixtures/**', 'test/conformance/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports.' }],
    },
  },
  { files: ['src/core/*.ts'], rules: noNodeIo },
  { files: ['src/core/tokens.ts'], rules: coreImports('tokens', ['text', 'yaml', 'templates', 'formats'], './') },
  ...Object.entries(coreMayImport).map(([folder, allowed]) => ({ files: [`src/core/${folder}/**/*.ts`], rules: coreImports(folder, allowed, '../') })),
  // The multi-step inputs sit below the command table: services.ts imports them, never the other way.
  {
    files: ['src/vscode/multiStepInput.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\./commands(/|$)', message: 'multiStepInput.ts sits below the command table (commands/services.ts imports it); keep it free of src/vscode/commands.' }] },
      ],
    },
  },
  { files: ['src/node/**/*.ts'], rules: nodeRules },
  { files: ['src/app/**/*.ts'], rules: appRules },
  { files: ['src/cli/**/*.ts'], rules: cliRules },
);
