/**
 * Fixed-seed checksums of trained models: sha256 of each model array (weights, θ) after training
 * hao2020 and diehl-cook-2015 on the first MNIST samples. A refactor of the learning path must leave
 * these unchanged (training/checksums.test.ts holds the short runs; the long runs are logged in
 * bench/log/). Usage: npx tsx bench/training-checksums.ts [neurons=100] [samples=500]
 * (SNN_BACKEND=js|wasm selects the kernel backend).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelBackend } from '../engine/backend.js';
import { trainedChecksums } from '../training/checksum-run.js';

const neurons = Number(process.argv[2] ?? 100);
const samples = Number(process.argv[3] ?? 500);
const cases: [string, Record<string, string>][] = [
  ['hao2020', {}],
  ['hao2020', { schedule: 'layerwise', inputDelayMs: '10' }],
  ['diehl-cook-2015', {}],
];
for (const [model, set] of cases) {
  const dir = mkdtempSync(join(tmpdir(), 'snn-sum-'));
  const t0 = performance.now();
  const sums = trainedChecksums(model, neurons, samples, dir, set);
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ model, set, neurons, samples, backend: kernelBackend(), sums, seconds: +((performance.now() - t0) / 1000).toFixed(1) }));
}
