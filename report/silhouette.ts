/**
 * Silhouette score of a labelled point set (Rousseeuw 1987), Euclidean distance:
 *   a(i) = mean distance from i to the other points of its class,
 *   b(i) = smallest mean distance from i to the points of another class,
 *   s(i) = (b − a) / max(a, b)   (0 for a point alone in its class),
 * and the score is the mean of s(i) over all points. Near 1: tight, separate classes; near 0:
 * classes overlap (e.g. random labels); negative: points sit closer to another class.
 * O(n²·dim) time, O(classes) memory per point.
 */
import { SnnError } from '../engine/errors.js';

/** `points` is row-major n × dim; `labels` one small non-negative integer per point. */
export function silhouetteScore(points: Float64Array, dim: number, labels: ArrayLike<number>): number {
  const n = labels.length;
  if (points.length !== n * dim) throw new SnnError('internal', `${points.length} coordinates are not ${n} points of ${dim}`, 'pass n × dim values');
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i]! + 1);
  const size = new Float64Array(classes);
  for (let i = 0; i < n; i++) size[labels[i]!]!++;
  let present = 0;
  for (let c = 0; c < classes; c++) if (size[c]! > 0) present++;
  if (present < 2) throw new SnnError('usage', 'the silhouette needs points of at least two classes', 'embed samples of more than one class');
  const sums = new Float64Array(classes);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = points[i * dim + k]! - points[j * dim + k]!;
        d2 += d * d;
      }
      sums[labels[j]!]! += Math.sqrt(d2);
    }
    const own = labels[i]!;
    if (size[own]! < 2) continue; // s(i) = 0 by definition
    const a = sums[own]! / (size[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < classes; c++) if (c !== own && size[c]! > 0) b = Math.min(b, sums[c]! / size[c]!);
    const m = Math.max(a, b);
    total += m > 0 ? (b - a) / m : 0;
  }
  return total / n;
}
