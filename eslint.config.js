// Lint enforces the layers of DESIGN.md: contracts ← engine ← server; contracts ← web.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Packages a workspace package must never import. */
function forbid(...names) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: names.map((name) => ({
          group: [`@qlora-studio/${name}`, `@qlora-studio/${name}/*`],
          message: `This package may not import @qlora-studio/${name} (see DESIGN.md: contracts ← engine ← server; contracts ← web).`,
        })),
      },
    ],
  };
}

/** The folders of packages/web/src/features: each may import only itself, components, lib and contracts. */
const webFeatures = readdirSync(new URL('./packages/web/src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.vite/**', 'coverage/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    // import-x resolves imports itself (no-cycle, no-restricted-paths): TypeScript sources,
    // imported without an extension (web) or as './x.js' (engine, server).
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } }),
      ],
    },
    rules: {
      // A package reaches another only through its name, never through a relative path.
      'import-x/no-relative-packages': 'error',
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['packages/contracts/**'], rules: forbid('engine', 'server', 'web') },
  { files: ['packages/engine/**'], rules: forbid('server', 'web') },
  { files: ['packages/server/**'], rules: forbid('web') },
  {
    files: ['packages/web/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...forbid('engine', 'server'),
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      // Inside web: shared UI (components, lib) → features → app.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './packages/web/src/components', from: './packages/web/src/features', message: 'Shared UI may not import features.' },
            { target: './packages/web/src/components', from: './packages/web/src/app', message: 'Shared UI may not import the app.' },
            { target: './packages/web/src/lib', from: './packages/web/src/features', message: 'lib may not import features.' },
            { target: './packages/web/src/lib', from: './packages/web/src/app', message: 'lib may not import the app.' },
            { target: './packages/web/src/features', from: './packages/web/src/app', message: 'Features may not import the app.' },
            // Features are independent: what two of them need lives in components or lib.
            ...webFeatures.map((feature) => ({
              target: `./packages/web/src/features/${feature}`,
              from: './packages/web/src/features',
              except: [`./${feature}`],
              message: 'A feature may not import another feature: move what they share to components/ or lib/.',
            })),
          ],
        },
      ],
    },
  },
);
