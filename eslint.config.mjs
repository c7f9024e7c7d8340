// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'eslint.config.mjs', 'jest.config.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  // Layers, bottom up: src/common ← src/providers ← src/modules ← the app's wiring (app.module,
  // bootstrap, setup-http). A layer imports only from the layers below it.
  {
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/modules/**',
                '**/providers/**',
                '**/app.module',
                '**/bootstrap',
                '**/setup-http',
              ],
              message:
                'src/common is the bottom layer: it imports nothing from providers, modules or the app wiring. Move what it needs down into src/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**', '**/app.module', '**/bootstrap', '**/setup-http'],
              message:
                'Providers never import feature modules: move what both need into src/common or src/providers/core.',
            },
          ],
        },
      ],
    },
  },
);
