import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.test-dist/**', '.stryker-tmp/**', 'reports/**'],
    // Simulation tests are CPU-bound; two workers match CI's two cores.
    maxWorkers: 2,
    // A hang detector, not a speed limit: wall time on a loaded shared 2-core machine is several
    // times the idle figure (speed is measured by bench/ scripts, never by tests).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Developer variables that change snn's behaviour (SNN_DATA_DIR, SNN_BACKEND, …) never reach a test.
    setupFiles: ['test/setup/clean-env.ts'],
    // One temporary directory per run, removed at its end (whatever a test forgot to remove).
    globalSetup: ['test/setup/temp-root.ts'],
    // The default output, then the list of skipped tests with the reason of each.
    reporters: ['default', './test/setup/skip-reporter.ts'],
  },
});
