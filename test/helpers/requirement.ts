/**
 * Tests that need something outside node_modules (a Debian package, a Python module, a CPU feature)
 * declare it here. Where it is missing, the test is skipped with a note saying what to install — or,
 * with CI=true, it fails with that note: on CI nothing may be skipped silently.
 * test/helpers/skip-reporter.ts lists every skipped test and its note at the end of a run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeEach, type TestContext } from 'vitest';
import { FASHION_MNIST_DEBIAN_DIR } from '../../datasets/locate.js';
import { wasmSimdAvailable } from '../../engine/kernels/kernel-sets.js';

export interface Requirement {
  /** What is needed, e.g. "h5py for /usr/bin/python3". */
  readonly what: string;
  /** How to get it, e.g. "apt-get install python3-h5py". */
  readonly install: string;
  /** Checked lazily, once. */
  readonly available: () => boolean;
}

export const onCi = (env: NodeJS.ProcessEnv = process.env): boolean => env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';

export function requirement(what: string, install: string, probe: () => boolean): Requirement {
  let known: boolean | undefined;
  return { what, install, available: () => (known ??= probe()) };
}

/** The message of a missing requirement (the skip note, or the CI failure). */
export const missingNote = (r: Requirement): string => `needs ${r.what} — install: ${r.install}`;

/** Inside a test (or beforeEach): return if `r` is there, else skip with the note, or fail on CI. */
export function need(ctx: Pick<TestContext, 'skip'>, r: Requirement, env: NodeJS.ProcessEnv = process.env): void {
  if (r.available()) return;
  if (onCi(env)) throw new Error(`${missingNote(r)} (CI is set: a missing requirement fails instead of skipping)`);
  ctx.skip(missingNote(r));
}

/** Every test of the enclosing describe needs `r` (call at the top of the describe body). */
export function needAll(r: Requirement): void {
  beforeEach((ctx) => need(ctx, r));
}

export const H5PY = requirement(
  'h5py and numpy for /usr/bin/python3',
  'apt-get install python3-h5py python3-numpy',
  () => spawnSync('/usr/bin/python3', ['-c', 'import h5py, numpy'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } }).status === 0,
);

export const FASHION_MNIST = requirement(`the Fashion-MNIST files in ${FASHION_MNIST_DEBIAN_DIR}`, 'apt-get install dataset-fashion-mnist', () =>
  ['train', 't10k'].every((s) => existsSync(`${FASHION_MNIST_DEBIAN_DIR}/${s}-images-idx3-ubyte.gz`) || existsSync(`${FASHION_MNIST_DEBIAN_DIR}/${s}-images-idx3-ubyte`)),
);

export const WASM_SIMD = requirement('WebAssembly with SIMD (fixed-width 128-bit)', 'Node.js ≥ 20 (or a runtime with wasm SIMD enabled)', wasmSimdAvailable);

export const CHROMIUM = requirement('Chromium at /usr/bin/chromium (the HTML report is opened in a real browser)', 'apt-get install chromium', () => existsSync('/usr/bin/chromium'));

export const TORCH = requirement('PyTorch for /usr/bin/python3 (the peer of snn bench surrogate)', 'apt-get install python3-torch', () =>
  spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } }).status === 0,
);

export const BRIAN2 = requirement('Brian2 for /usr/bin/python3 (the peer of snn bench cuba and train)', 'apt-get install python3-brian', () =>
  spawnSync('/usr/bin/python3', ['-c', 'import brian2'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } }).status === 0,
);
