/**
 * The optimizer loop of the batched-rule contract (docs/learning.md), in one place:
 *   U = rule.step(batch);  U' = transforms(U);  W ← W − η·U'   (in place, on the graph's weights).
 * A rule never writes weights itself, so any wrapper (Adam, LAMB, SPECTRA, …) composes with any rule.
 */
import type { FloatArray } from '../engine/float-array.js';
import type { Batch, BatchPolicy, BatchRule, TransformContext, UpdateTransform } from './plugin-contract.js';

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

/** Asks `rule` to collect per-sample statistics in its steps if one of `policies` needs them. */
export function preparePolicies(rule: BatchRule, policies: readonly BatchPolicy[]): void {
  if (policies.some((p) => p.needsStats)) rule.collectPerSampleStats?.(true);
}

/**
 * The batch size and learning rate after `rule`'s step on `batch`: each policy in turn gets the
 * previous one's choice (and the step's per-sample statistics when it needs them; a rule without
 * them leaves `stats` out, which such a policy refuses in one line).
 */
export function nextBatchChoice(
  rule: BatchRule,
  batch: Batch,
  policies: readonly BatchPolicy[],
  current: { batchSize: number; learningRate: number },
): { batchSize: number; learningRate: number } {
  const wanted = policies.some((p) => p.needsStats) && rule.collectPerSampleStats !== undefined;
  const stats = wanted ? rule.perSampleStats?.(batch) : undefined;
  let next = current;
  for (const p of policies) next = p.next({ update: batch.update, ...next, ...(stats !== undefined ? { stats } : {}) });
  return next;
}
