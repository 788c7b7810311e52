/**
 * The optimizer loop of the batched-rule contract (docs/learning.md), in one place:
 *   U = rule.step(batch);  U' = transforms(U);  W ← W − η·U'   (in place, on the graph's weights).
 * A rule never writes weights itself, so any wrapper (Adam, LAMB, SPECTRA, …) composes with any rule.
 */
import type { FloatArray } from '../engine/float-array.js';
import type { Batch, BatchRule, TransformContext, UpdateTransform } from './plugin-contract.js';

export interface BatchStepOptions {
  learningRate: number;
  /** Applied in order to each tensor's U (e.g. [new Adam()]). */
  transforms?: readonly UpdateTransform[];
}

/** One update of `rule` on `batch`; returns the raw pseudo-gradients (before the transforms). */
export async function batchStep(rule: BatchRule, batch: Batch, opts: BatchStepOptions): Promise<FloatArray[]> {
  const updates = await rule.step(batch);
  const transforms = opts.transforms ?? [];
  const context: TransformContext = { batchSize: batch.indices.length, tensorCount: rule.tensors.length };
  if (transforms.length > 0) {
    const first = rule.firstLayerFactors?.();
    const readout = rule.readoutFactors?.();
    if (first !== undefined) context.firstLayer = first;
    if (readout !== undefined) context.readout = readout;
  }
  rule.tensors.forEach((w, k) => {
    let u = updates[k]!;
    for (const t of transforms) u = t.transform(k, u, w, context);
    const values = w.values;
    const lr = opts.learningRate;
    for (let i = 0; i < values.length; i++) values[i] = values[i]! - lr * u[i]!;
  });
  return updates;
}
