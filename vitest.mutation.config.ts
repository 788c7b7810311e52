/**
 * vitest configuration for mutation runs (stryker.config.mjs): only the test files that exercise the
 * science core, so each mutant is judged in seconds rather than by the whole suite.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'learning/*.test.ts',
      'models/lif.test.ts',
      'models/exact/*.test.ts',
      'engine/input-ring.test.ts',
      'io/checkpoint.test.ts',
      'io/formats/nir.test.ts',
      'io/formats/nir-*.test.ts',
      'io/formats/round-trip.test.ts',
      'test/kernel-equivalence.test.ts',
      'test/sparse-delivery.test.ts',
      'test/reference-cases.test.ts',
      'test/fuzz/checkpoint.fuzz.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**', '.test-dist/**', '.stryker-tmp/**', 'learning/surrogate-bptt.test.ts'],
    setupFiles: ['test/setup/clean-env.ts'],
    testTimeout: 120_000,
  },
});
