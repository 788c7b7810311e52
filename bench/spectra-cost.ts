/**
 * CPU time of SPECTRA's clip (c = 1, automatic Newton–Schulz count) on real presentation updates
 * of hao2020 (sym-STDP on input->exc, `bench/recipes/hao2020-spectra-instead.yaml`'s setting:
 * SPECTRA instead of the input scaling), N = 400 by default: trains PRESENTATIONS shuffled MNIST
 * presentations and records, for every clip, the update's support (rows = inputs that moved,
 * columns = hidden neurons that moved) and the CPU the clip took. For the first update it also clips
 * the whole 784 × N matrix the way the transform did before it restricted itself to the support,
 * and prints that cost and the largest difference between the two results.
 *
 *   npx tsx bench/spectra-cost.ts [N] [PRESENTATIONS]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FloatArray } from '../engine/float-array.js';
import type { TransformContext, WeightTensor } from '../learning/plugin-contract.js';
import { Spectra, softSpectralClip, support } from '../learning/transforms/spectra.js';
import { train } from '../training/run-training.js';

const neurons = Number(process.argv[2] ?? 400);
const presentations = Number(process.argv[3] ?? 200);

const rowsSeen: number[] = [];
const colsSeen: number[] = [];
const cpuMs: number[] = [];
let whole: { ms: number; maxDiff: number; maxAbs: number } | null = null;

// wrap the clip to measure it where training calls it
const original = Spectra.prototype.transform;
Spectra.prototype.transform = function (this: Spectra, index: number, update: FloatArray, tensor: WeightTensor, context: TransformContext): FloatArray {
  const [rows, cols] = tensor.shape;
  const { rowIndex, colIndex } = support(update, rows, cols);
  const c0 = process.cpuUsage();
  const result = original.call(this, index, update, tensor, context);
  const c1 = process.cpuUsage(c0);
  rowsSeen.push(rowIndex.length);
  colsSeen.push(colIndex.length);
  cpuMs.push((c1.user + c1.system) / 1000);
  if (whole === null && rowIndex.length > 0) {
    // the whole matrix in the transform's orientation (tall: transposed), clipped as a dense matrix
    const wide = rows <= cols;
    const m = wide ? rows : cols;
    const n = wide ? cols : rows;
    const x = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x[wide ? i * cols + j : j * rows + i] = update[i * cols + j]!;
    const w0 = process.cpuUsage();
    const { out } = softSpectralClip(x, m, n, this.c, null);
    const w1 = process.cpuUsage(w0);
    const alpha = Math.sqrt(Math.max(1, cols / rows));
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const full = alpha * out[wide ? i * cols + j : j * rows + i]!;
        maxDiff = Math.max(maxDiff, Math.abs(full - result[i * cols + j]!));
        maxAbs = Math.max(maxAbs, Math.abs(full));
      }
    }
    whole = { ms: (w1.user + w1.system) / 1000, maxDiff, maxAbs };
  }
  return result;
};

const out = mkdtempSync(join(tmpdir(), 'snn-spectra-cost-'));
try {
  train({
    model: 'hao2020', dataset: 'mnist', neurons, seed: 1, trainSamples: presentations, testSamples: 10, evalEvery: presentations,
    sampler: 'shuffled', evalWorkers: 1, transforms: ['spectra:c=1'], transformOrder: 'instead-of-scaling', out,
  });
} finally {
  rmSync(out, { recursive: true, force: true });
}

const quantile = (a: number[], q: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(q * a.length))]!;
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(`hao2020 N=${neurons}, ${cpuMs.length} presentation updates of 784 × ${neurons} (SPECTRA c=1 instead of scaling, seed 1, shuffled MNIST)`);
console.log(`support rows (inputs): median ${quantile(rowsSeen, 0.5)}, 90th percentile ${quantile(rowsSeen, 0.9)}, max ${Math.max(...rowsSeen)}`);
console.log(`support columns (hidden neurons): median ${quantile(colsSeen, 0.5)}, 90th percentile ${quantile(colsSeen, 0.9)}, max ${Math.max(...colsSeen)}`);
console.log(`CPU per clip: mean ${mean(cpuMs).toFixed(2)} ms, median ${quantile(cpuMs, 0.5).toFixed(2)} ms, 90th percentile ${quantile(cpuMs, 0.9).toFixed(2)} ms`);
if (whole !== null) {
  const w = whole as { ms: number; maxDiff: number; maxAbs: number };
  console.log(`first update clipped as the whole dense matrix: ${w.ms.toFixed(0)} ms CPU; largest difference from the support clip ${w.maxDiff.toExponential(2)} (largest entry ${w.maxAbs.toExponential(2)})`);
}
