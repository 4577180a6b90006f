// ESLint flat config: TypeScript rules plus the layering rule (core and cli never import vscode).
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'src/core and src/cli must not depend on VS Code; put editor code in src/vscode.' }],
    },
  ],
};
const noNodeIo = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'vscode', message: 'src/core must not depend on VS Code.' },
        { name: 'fs', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
        { name: 'node:fs', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
        { name: 'fs/promises', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
        { name: 'node:fs/promises', message: 'src/core reaches files through the ports in src/core/ports.ts.' },
        { name: 'child_process', message: 'src/core runs processes through the ports in src/core/ports.ts.' },
        { name: 'node:child_process', message: 'src/core runs processes through the ports in src/core/ports.ts.' },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'samples/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports.' }],
    },
  },
  { files: ['src/core/**/*.ts'], rules: noNodeIo },
  { files: ['src/cli/**/*.ts'], rules: noVscode },
);
