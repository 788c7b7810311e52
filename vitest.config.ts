import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // Simulation tests are CPU-bound; two workers match CI's two cores.
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
