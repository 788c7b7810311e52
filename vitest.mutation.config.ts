/**
 * vitest configuration for mutation runs (stryker.config.mjs): only the test files that exercise the
 * science core, so each mutant is judged in seconds rather than by the whole suite.
 */
import { defineConfig } from 'vitest/config';

/**
 * SNN_MUTATION_TESTS (comma-separated globs) narrows the test files further for one run, e.g. the
 * unit tests of one file when every simulation test covers it (bench/log/mutation.md).
 */
const only = process.env.SNN_MUTATION_TESTS?.split(',').filter((g) => g !== '');

export default defineConfig({
  test: {
    include: only?.length ? only : [
      'learning/*.test.ts',
      'learning/transforms/*.test.ts',
      'learning/policies/*.test.ts',
      // the arrival walk, delay bookkeeping, column pass, plastic memory and device
      'models/kernels/*.test.ts',
      'test/stdp-kernels.test.ts',
      'models/lif.test.ts',
      'models/lif-params.test.ts',
      'models/lif-population.test.ts',
      'models/poisson-source.test.ts',
      'models/teacher-lif-population.test.ts',
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
