/**
 * `connectivity: {probability, sampling: 'skip'}`: geometric skipping must give independent
 * Bernoulli(p) synapses like the per-pair draw (other synapses, same distribution).
 */
import { describe, expect, it } from 'vitest';
import { buildNetwork, resolveSettings } from '../models/build-network.js';
import { parseDescription } from '../models/description.js';
import type { SparseProjection } from '../models/projection.js';

function connect(pre: number, post: number, probability: number, sampling: 'pairs' | 'skip', allowSelf = true, seed = 1): SparseProjection {
  const d = parseDescription({
    seed,
    populations: [
      { name: 'a', model: 'lif', size: pre },
      ...(pre === post && !allowSelf ? [] : [{ name: 'b', model: 'lif' as const, size: post }]),
    ],
    projections: [{ from: 'a', to: pre === post && !allowSelf ? 'a' : 'b', channel: 'v', connectivity: { probability, allowSelf, sampling }, weights: 1 }],
  });
  return buildNetwork(d, resolveSettings(d)).projections[0] as SparseProjection;
}

describe("probability connectivity with sampling: 'skip'", () => {
  it('makes p·pre·post synapses (within 5 σ), uniformly over columns, rows sorted', () => {
    const p = 0.02;
    const proj = connect(2000, 3000, p, 'skip');
    const n = 2000 * 3000;
    expect(Math.abs(proj.synapseCount - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    const cols = proj.cols;
    let left = 0;
    let sorted = true;
    for (let i = 0; i < 2000; i++) {
      for (let s = proj.rowPtr[i]!; s < proj.rowPtr[i + 1]!; s++) {
        if (s > proj.rowPtr[i]! && cols[s]! <= cols[s - 1]!) sorted = false;
        if (cols[s]! < 1500) left++;
      }
    }
    expect(sorted).toBe(true);
    const m = proj.synapseCount;
    expect(Math.abs(left - m / 2)).toBeLessThan(5 * Math.sqrt(m / 4));
    // Out-degree variance of a binomial(post, p): post·p·(1 − p).
    const deg = Array.from({ length: 2000 }, (_, i) => proj.rowPtr[i + 1]! - proj.rowPtr[i]!);
    const mean = deg.reduce((a, b) => a + b, 0) / deg.length;
    const variance = deg.reduce((a, b) => a + (b - mean) ** 2, 0) / deg.length;
    expect(variance / (3000 * p * (1 - p))).toBeGreaterThan(0.85);
    expect(variance / (3000 * p * (1 - p))).toBeLessThan(1.15);
  });

  it('agrees in count with per-pair sampling, honours allowSelf, and handles p = 0 and p = 1', () => {
    const a = connect(500, 500, 0.1, 'pairs', false);
    const b = connect(500, 500, 0.1, 'skip', false);
    expect(Math.abs(a.synapseCount - b.synapseCount)).toBeLessThan(5 * Math.sqrt(2 * 500 * 499 * 0.1));
    let self = 0;
    for (let i = 0; i < 500; i++) for (let s = b.rowPtr[i]!; s < b.rowPtr[i + 1]!; s++) if (b.cols[s] === i) self++;
    expect(self).toBe(0);
    expect(connect(30, 40, 0, 'skip').synapseCount).toBe(0);
    expect(connect(30, 40, 1, 'skip').synapseCount).toBe(1200);
    expect(connect(30, 30, 1, 'skip', false).synapseCount).toBe(30 * 29);
  });
});
