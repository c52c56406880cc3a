// Lint rules. The one that matters most keeps src/engine pure: the simulator must be
// deterministic (same spec + seed = same bytes), so it may not touch I/O, clocks,
// unseeded randomness or the service packages.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const impureModules = ['fastify', 'fastify/*', '@fastify/*', 'bullmq', 'ioredis', 'pino', 'node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'src/native/build/**', 'test-artifacts/**', 'src/service/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: impureModules.map((group) => ({ group: [group], message: 'src/engine must stay pure: no I/O, no service packages.' })) }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'src/engine is deterministic: use the seeded PRNG passed in.' },
        { object: 'Date', property: 'now', message: 'src/engine has no clock: use virtual time.' },
        { object: 'performance', property: 'now', message: 'src/engine has no clock: use virtual time.' },
        { object: 'process', property: 'env', message: 'src/engine reads no environment.' },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'src/engine has no clock.' }, { name: 'process', message: 'src/engine does no I/O.' }, { name: 'console', message: 'src/engine does no I/O.' }],
    },
  },
  {
    files: ['src/service/**/*.ts', 'src/worker/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  // The API (src/service) and the worker (src/worker) share only src/jobs: neither reaches into
  // the other's house, so either can change, scale or be deployed alone.
  {
    files: ['src/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/service', '**/service/**'], message: 'src/worker imports src/jobs, never src/service.' }] }] },
  },
  {
    files: ['src/service/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/worker', '**/worker/**'], message: 'src/service imports src/jobs, never src/worker.' }] }] },
  },
);
