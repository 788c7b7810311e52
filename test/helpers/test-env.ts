/**
 * The environment tests run in and hand to child processes. A developer's shell may set variables
 * that change what snn computes (SNN_DATA_DIR: where datasets are read; SNN_BACKEND /
 * SNN_TENSOR_BACKEND: which kernels run): tests must not see them, so results do not depend on who
 * runs the suite. test/setup/clean-env.ts removes them from the test processes; spawned processes
 * get `childEnv()`, an explicit environment.
 */

/** Variables that change snn's behaviour; never inherited by tests. */
export const BEHAVIOUR_VARIABLES = ['SNN_DATA_DIR', 'SNN_BACKEND', 'SNN_TENSOR_BACKEND', 'SNN_TENSOR_FUSED', 'SNN_PROGRESS_SECONDS'] as const;

/** An explicit environment for a child process: only what Node needs to run, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}
