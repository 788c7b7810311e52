/**
 * Which kernel backend runs the event engine. Every output names it, so figures from different
 * machines or builds are never confused. The engine's kernels are plain typed-array loops today;
 * a WebAssembly SIMD set registers here when present.
 */
export type KernelBackend = 'js';

export function kernelBackend(): KernelBackend {
  return 'js';
}

export function describeBackend(precision: string): string {
  return `${kernelBackend()} (typed arrays, ${precision}) on Node ${process.versions.node}`;
}
