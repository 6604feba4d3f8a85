// One flat ESLint config for the monorepo: type-aware rules plus the import boundaries of the design.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Only adapter libs may import datastore clients; pure libs import no I/O at all.
const CLIENT_LIBS = ['kafkajs', '@elastic/elasticsearch', 'bullmq', 'ioredis'];
const IO_MODULES = ['node:fs', 'node:fs/promises', 'node:net', 'node:dgram', 'node:dns', 'node:dns/promises', 'node:http', 'node:https', 'node:child_process', 'node:tls'];
const PURE_LIBS = ['contracts', 'config', 'received', 'ip', 'verdict', 'mail-facts', 'es-schema'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'services/cli/bin/*.js'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tool config files must default-export.
    files: ['eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['libs/**/src/**/*.ts', 'services/**/src/**/*.ts'],
    ignores: ['libs/kafka/**', 'libs/es/**', 'libs/queue/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: CLIENT_LIBS.map((name) => ({ name, message: 'Only libs/kafka, libs/es and libs/queue import datastore clients.' })) }],
    },
  },
  {
    files: PURE_LIBS.map((l) => `libs/${l}/src/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...CLIENT_LIBS, ...IO_MODULES, ...IO_MODULES.map((m) => m.replace('node:', ''))].map((name) => ({
            name,
            message: 'Pure libs do no I/O: move this to an adapter lib or a service.',
          })),
        },
      ],
    },
  },
);
