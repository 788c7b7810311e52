/** Trains a model for a few samples through the library call and hashes its model arrays. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MODEL_MAGIC, readFramed } from '../io/checkpoint.js';
import { train } from './run-training.js';

export function trainedChecksums(model: string, neurons: number, samples: number, dir: string, set?: Record<string, string>): Record<string, string> {
  train({ set, model, dataset: 'mnist', neurons, trainSamples: samples, testSamples: 10, evalEvery: samples, checkpointEvery: samples, seed: 7, evalWorkers: 1, out: dir });
  const m = readFramed<{ arrays: Record<string, Float32Array | Float64Array> }>(join(dir, 'model.snnmodel'), MODEL_MAGIC, 'model');
  const out: Record<string, string> = {};
  for (const [k, a] of Object.entries(m.arrays).sort(([x], [y]) => (x < y ? -1 : 1))) {
    out[k] = createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
  }
  return out;
}
