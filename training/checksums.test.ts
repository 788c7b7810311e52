/**
 * Trained weights and θ are a fixed function of the seed: these sha256 prefixes were recorded before
 * the rules became registry plugins (bench/log/training-checksums.md) and must not change with any
 * refactor of the learning path, on either kernel backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelBackend, setKernelBackend } from '../engine/backend.js';
import { wasmSimdAvailable } from '../engine/kernels/kernel-sets.js';
import { trainedChecksums } from './checksum-run.js';

const N = 100;
const SAMPLES = 500;
const cases: { model: string; set: Record<string, string>; sums: Record<string, string> }[] = [
  { model: 'hao2020', set: {}, sums: { 'exc->sl': '91da85106d3c8a0e', 'exc.theta': '26ac2fc430236ac0', 'input->exc': '915bb067857d517a' } },
  {
    model: 'hao2020',
    set: { schedule: 'layerwise', inputDelayMs: '10' },
    sums: { 'exc->sl': 'ad457e0e7ae972c7', 'exc.theta': '08434a04e63ee9fd', 'input->exc': 'fda89f777b8e98f0' },
  },
  { model: 'diehl-cook-2015', set: {}, sums: { 'exc.theta': '4038bad0122a8c5d', 'input->exc': '647e6b686120e5b1' } },
];

const initial = kernelBackend();
afterAll(() => setKernelBackend(initial));

describe.each(wasmSimdAvailable() ? (['wasm', 'js'] as const) : (['js'] as const))('trained model checksums (%s backend)', (backend) => {
  it.each(cases)('$model $set: N = 100, 500 MNIST samples, seed 7', ({ model, set, sums }) => {
    setKernelBackend(backend);
    const dir = mkdtempSync(join(tmpdir(), 'snn-sum-'));
    try {
      expect(trainedChecksums(model, N, SAMPLES, dir, set)).toEqual(sums);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
