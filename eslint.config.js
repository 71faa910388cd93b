// Lint: typescript-eslint with type information, so unawaited promises and async event handlers are caught.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'drizzle/', 'coverage/', 'bin/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The core never imports a platform SDK: adapters depend on the core, not the reverse.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['telegraf', 'telegraf/*', 'wechaty', 'wechaty/*', 'wechaty-puppet*'], message: 'platform SDKs belong in adapters/<platform>/' },
            { group: ['**/adapters/**', '../../adapters/*'], message: 'the core must not import adapters' },
          ],
        },
      ],
    },
  },
  {
    // The CLI is the composition root: it may load the adapter registry, still never an SDK itself.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['telegraf', 'telegraf/*', 'wechaty', 'wechaty/*', 'wechaty-puppet*'], message: 'platform SDKs belong in adapters/<platform>/' }] }],
    },
  },
  {
    // Tests read JSON answers loosely; production code stays fully typed.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
