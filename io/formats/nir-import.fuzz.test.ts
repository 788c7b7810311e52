/**
 * nirToDescription on random graphs (random node types, shapes, parameter values and edges, valid or
 * not): it returns a validated description or throws an SnnError — never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import type { NirGraph, NirNode, NirTensor } from './nir-graph.js';
import { nirToDescription } from './nir-to-description.js';

const TYPES = ['Input', 'Output', 'Linear', 'Affine', 'Scale', 'Delay', 'LIF', 'CubaLIF', 'IF', 'LI', 'CubaLI', 'Conv2d', 'Flatten'];
const PARAMS: Record<string, string[]> = {
  Input: ['shape'],
  Output: ['shape'],
  Linear: ['weight'],
  Affine: ['weight', 'bias'],
  Scale: ['scale'],
  Delay: ['delay'],
  LIF: ['tau', 'r', 'v_leak', 'v_reset', 'v_threshold'],
  CubaLIF: ['tau_mem', 'tau_syn', 'r', 'v_leak', 'v_reset', 'v_threshold', 'w_in'],
  IF: ['r', 'v_reset', 'v_threshold'],
  LI: ['tau', 'r', 'v_leak'],
  CubaLI: ['tau_mem', 'tau_syn', 'r', 'v_leak', 'w_in'],
  Conv2d: ['weight'],
  Flatten: ['start_dim'],
};

const value = fc.oneof(fc.constantFrom(0, 1, -1, 0.02, 1e-3, -65, -50, 20, NaN, Infinity), fc.double({ min: -100, max: 100, noNaN: true }));

function node(type: string, size: number, size2: number, vals: number[], drop: boolean): NirNode {
  const params: Record<string, NirTensor> = {};
  let k = 0;
  const next = () => vals[k++ % vals.length]!;
  for (const p of PARAMS[type]!) {
    if (drop && p === PARAMS[type]![0] && type !== 'Input') continue;
    if (p === 'shape') params[p] = { data: Float64Array.of(size), shape: [1] };
    else if (p === 'weight') params[p] = { data: Float64Array.from({ length: size * size2 }, next), shape: [size, size2] };
    else params[p] = { data: Float64Array.from({ length: size }, next), shape: [size] };
  }
  return { type, params };
}

const graph = fc
  .record({
    types: fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 7 }),
    sizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 7, maxLength: 7 }),
    vals: fc.array(value, { minLength: 1, maxLength: 12 }),
    edges: fc.array(fc.tuple(fc.nat(6), fc.nat(6)), { maxLength: 10 }),
    drop: fc.boolean(),
    ours: fc.boolean(),
  })
  .map(({ types, sizes, vals, edges, drop, ours }): NirGraph => {
    const ids = types.map((t, i) => `${t.toLowerCase()}${i}`);
    const nodes: Record<string, NirNode> = {};
    types.forEach((t, i) => (nodes[ids[i]!] = node(t, sizes[i]!, sizes[(i + 1) % 7]!, vals, drop && i === 0)));
    return {
      nodes,
      edges: edges.filter(([a, b]) => a < ids.length && b < ids.length).map(([a, b]) => [ids[a]!, ids[b]!] as [string, string]),
      metadata: ours ? { snn_format: 'snn-nir/1', time_unit: 's' } : {},
    };
  });

describe('nirToDescription on random graphs', () => {
  it('gives a description or an SnnError', () => {
    fc.assert(
      fc.property(graph, (g) => {
        try {
          const r = nirToDescription(g);
          expect(r.description.populations.length).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof SnnError)) throw err;
        }
      }),
      { numRuns: 1500 },
    );
  });
});
