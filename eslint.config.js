import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layering from './scripts/eslint-layering.mjs';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['node_modules/', 'app/dist/', 'release/', 'test-results/', '.test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { chunkscope: layering },
    rules: {
      'chunkscope/layering': ['error', { root }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['main/**', 'scripts/**', 'bench/**', 'e2e/**', 'bin/**', '*.config.*', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
  },
);
