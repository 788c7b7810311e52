// Mutation testing of the science core: `npm run mutation` (not part of `npm test`).
// One file or a few at a time on a shared machine:
//   nice npx stryker run --mutate learning/readout.ts
// Scores per file, before and after new tests, are kept in bench/log/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  mutate: [
    'models/lif.ts',
    'models/lif-population.ts',
    'models/poisson-source.ts',
    'models/teacher-lif-population.ts',
    'learning/*.ts',
    '!learning/*.test.ts',
    // the update transforms (Adam, LAMB, SPECTRA, TrAct, SSO, the presentation update) and the
    // batch policies (AdAdaGrad, learning rate vs batch size)
    'learning/transforms/*.ts',
    '!learning/transforms/*.test.ts',
    'learning/policies/*.ts',
    '!learning/policies/*.test.ts',
    // the kernels below the rules: the spike-arrival walk every STDP rule uses and its delay
    // bookkeeping, the post-spike column pass of sym-STDP and triplet STDP, a plastic projection's
    // kernel memory and the network's kernel device
    'models/kernels/arrival-walk.ts',
    'models/kernels/delayed-arrivals.ts',
    'models/kernels/column-pass.ts',
    'models/kernels/plastic-memory.ts',
    'models/kernels/device.ts',
    'io/formats/nir*.ts',
    '!io/formats/*.test.ts',
    'io/checkpoint.ts',
    'engine/input-ring.ts',
  ],
  checkers: [],
  ignoreStatic: true,
  timeoutMS: 60_000,
  // The initial run executes every test that covers the mutated files: minutes on a loaded machine.
  dryRunTimeoutMinutes: 30,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
