/**
 * `snn compare --prune`: after each common evaluation point, a contender whose predicted final
 * accuracy's upper bound is below the leader's lower bound stops (the leader: the highest predicted
 * final accuracy). The decision uses only the seed-mean learning curves up to that point, which
 * are the same whatever the number of workers, so pruning never makes results depend on them.
 */
import type { CurvePoint, Prediction, PredictFinal } from './predict.js';

export interface PruneDecision {
  predictions: Map<string, Prediction | null>;
  leader: string | null;
  /** Contenders to stop now. */
  pruned: string[];
}

export function decidePrune(curves: ReadonlyMap<string, CurvePoint[]>, horizon: number, predict: PredictFinal): PruneDecision {
  const predictions = new Map<string, Prediction | null>();
  for (const [name, points] of curves) predictions.set(name, predict(points, horizon));
  let leader: string | null = null;
  for (const [name, p] of predictions) {
    if (p && (leader === null || p.final > predictions.get(leader)!.final)) leader = name;
  }
  const pruned: string[] = [];
  if (leader !== null) {
    const lead = predictions.get(leader)!;
    for (const [name, p] of predictions) if (name !== leader && p && p.hi < lead.lo) pruned.push(name);
  }
  return { predictions, leader, pruned };
}
