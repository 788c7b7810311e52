/**
 * The spike-arrival walk (arrival-walk.ts) against a per-synapse reference written from its
 * definition, for the three shapes (no delay, one uniform delay, a delay per synapse), both clip
 * directions and frozen delivery; and the kernels (weights and trace in kernel memory inside the
 * post population's memory) against the JS loops, bit for bit. Property-based: random sizes,
 * delays, weights, traces and spike trains.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import { LIF_DEFAULTS } from '../lif.js';
import { LifPopulation } from '../lif-population.js';
import { Network } from '../network.js';
import { plasticHooks } from '../plastic-placement.js';
import { DenseProjection } from '../projection.js';
import { ReplaySource } from '../replay-source.js';
import { need, WASM_SIMD } from '../../test/helpers/requirement.js';

const DT = 0.5;

type Shape = 'none' | 'uniform' | 'per-synapse';

interface Case {
  m: number;
  n: number;
  shape: Shape;
  seed: number;
  upper: boolean;
  frozenEvery: number;
}

/**
 * A pre → post projection driven by hand; `kernels` places the weights in kernel memory,
 * `foreignTrace` gives the walk a trace outside it (an ordinary array).
 */
function rig(c: Case, kernels: boolean, foreignTrace = false) {
  const { m, n, shape } = c;
  const rng = RngStream.derive(c.seed, 'test/arrival-walk');
  const D = shape === 'none' ? 0 : 1 + rng.int(6);
  const delays = shape === 'per-synapse' ? Uint16Array.from({ length: m * n }, () => rng.int(D + 1)) : null;
  if (delays) delays[0] = D;
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(new ReplaySource('pre', m));
  const hooks = kernels ? plasticHooks(m, n, D) : null;
  const params = { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: 1e6 };
  const post = net.addPopulation(new LifPopulation('post', n, params, DT, 'f64', -65, { kernels: net.kernels, wasmExtraBytes: hooks?.extraBytes ?? 0 }));
  const w = hooks?.weights(post, m * n) ?? new Float64Array(m * n);
  for (let k = 0; k < w.length; k++) w[k] = rng.uniform();
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, shape === 'per-synapse' ? null : D, delays));
  net.finalize();
  const trace = foreignTrace ? new Float64Array(n) : proj.traceStorage(n);
  const walk = proj.arrivalWalk(trace);
  return { net, pre, proj, w, trace, walk, D, delays, rng };
}

/** Runs `steps` steps of random spikes; returns the deliveries per step (and the final weights). */
function drive(c: Case, kernels: boolean, steps = 60, foreignTrace = false) {
  const r = rig(c, kernels, foreignTrace);
  const { m, n } = c;
  const spikes = RngStream.derive(c.seed, 'test/arrival-walk/spikes');
  const delivered: number[][] = [];
  const bound = c.upper ? 0.9 : 0.05;
  for (let s = 0; s < steps; s++) {
    const ids = [...Array(m).keys()].filter(() => spikes.uniform() < 0.3);
    r.pre.spikes.ids.set(ids);
    r.pre.spikes.count = ids.length;
    for (let i = 0; i < n; i++) r.trace[i] = spikes.uniform();
    const learn = c.frozenEvery === 0 || s % c.frozenEvery !== 0;
    const coef = (c.upper ? 0.3 : -0.3) * spikes.uniform();
    r.walk.deliver(s, learn, coef, bound, c.upper);
    const ring = r.proj.ringBuffer;
    const off = ring.offset(s);
    delivered.push(Array.from(ring.buffer.subarray(off, off + n)));
    ring.buffer.fill(0, off, off + n);
  }
  return { ...r, delivered };
}

/** The definition, synapse by synapse: spikes emitted at e reach (j, i) at e + d_ji. */
function reference(c: Case, steps = 60) {
  const r = rig(c, false);
  const { m, n } = c;
  const w = Float64Array.from(r.w);
  const spikes = RngStream.derive(c.seed, 'test/arrival-walk/spikes');
  const emitted: number[][] = [];
  const delivered: number[][] = [];
  const bound = c.upper ? 0.9 : 0.05;
  const trace = new Float64Array(n);
  for (let s = 0; s < steps; s++) {
    emitted.push([...Array(m).keys()].filter(() => spikes.uniform() < 0.3));
    for (let i = 0; i < n; i++) trace[i] = spikes.uniform();
    const learn = c.frozenEvery === 0 || s % c.frozenEvery !== 0;
    const coef = (c.upper ? 0.3 : -0.3) * spikes.uniform();
    const got = new Array<number>(n).fill(0);
    for (let d = 0; d <= r.D; d++) {
      if (s - d < 0) continue;
      for (const j of emitted[s - d]!) {
        for (let i = 0; i < n; i++) {
          const dij = r.delays ? r.delays[j * n + i]! : r.D;
          if (dij !== d) continue;
          const wi = w[j * n + i]!;
          got[i] = got[i]! + wi;
          if (!learn) continue;
          const nw = wi + coef * trace[i]!;
          w[j * n + i] = c.upper ? Math.min(nw, bound) : Math.max(nw, bound);
        }
      }
    }
    delivered.push(got);
  }
  return { w, delivered };
}

const cases = fc.record({
  m: fc.integer({ min: 1, max: 7 }),
  n: fc.integer({ min: 1, max: 9 }),
  shape: fc.constantFrom<Shape>('none', 'uniform', 'per-synapse'),
  seed: fc.integer({ min: 0, max: 1 << 20 }),
  upper: fc.boolean(),
  frozenEvery: fc.constantFrom(0, 3),
});

describe('the spike-arrival walk', () => {
  it('delivers and updates every synapse as its definition says (JS loops)', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const got = drive(c, false);
        const ref = reference(c);
        // Same arithmetic per synapse; the order of additions into one slot differs from the
        // reference's only in association, so deliveries are compared to rounding.
        let worst = 0;
        for (let s = 0; s < ref.delivered.length; s++) for (let i = 0; i < c.n; i++) worst = Math.max(worst, Math.abs(got.delivered[s]![i]! - ref.delivered[s]![i]!));
        expect(worst).toBeLessThan(1e-12);
        expect(got.delivered.flat().some((x) => x > 0)).toBe(true);
        expect(Array.from(got.w)).toEqual(Array.from(ref.w));
      }),
      { numRuns: 60 },
    );
  });

  it('runs in kernels when the weights live in kernel memory, bit-identical to the JS loops', (ctx) => {
    need(ctx, WASM_SIMD);
    fc.assert(
      fc.property(cases, (c) => {
        const js = drive(c, false);
        const wasm = drive(c, true);
        expect(js.walk.backend).toBe('js');
        expect(wasm.walk.backend).toBe('wasm');
        expect(wasm.proj.kernelBackend).toBe('wasm');
        expect(Buffer.from(wasm.w.buffer, wasm.w.byteOffset, wasm.w.byteLength).equals(Buffer.from(js.w.buffer, js.w.byteOffset, js.w.byteLength))).toBe(true);
        expect(wasm.delivered).toEqual(js.delivered);
      }),
      { numRuns: 60 },
    );
  });

  it('runs the JS loops when the trace is outside the kernel memory, with the same results', (ctx) => {
    need(ctx, WASM_SIMD);
    // The kernels address the trace by its offset in kernel memory: a trace elsewhere (a rule whose
    // trace the memory had no room for) must not be read there.
    fc.assert(
      fc.property(cases, (c) => {
        const js = drive(c, false);
        const mixed = drive(c, true, 60, true);
        expect(mixed.proj.kernelBackend).toBe('wasm');
        expect(mixed.walk.backend).toBe('js');
        expect(Array.from(mixed.w)).toEqual(Array.from(js.w));
        expect(mixed.delivered).toEqual(js.delivered);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps the ring of recent spikes only with delays, and restores it', () => {
    const c: Case = { m: 3, n: 4, shape: 'per-synapse', seed: 5, upper: true, frozenEvery: 0 };
    const a = drive(c, false, 10);
    const saved = a.walk.saveState();
    expect(Object.keys(saved).sort()).toEqual(['histCount', 'histIds', 'histStep']);
    const undelayed = drive({ ...c, shape: 'none' }, false, 3).walk;
    expect(undelayed.saveState()).toEqual({});
    // A walk without delays keeps no ring: a state with one (from a delayed walk) leaves it without.
    undelayed.loadState(saved);
    expect(undelayed.saveState()).toEqual({});
    const b = rig(c, false);
    b.walk.loadState(saved);
    expect(b.walk.saveState()).toEqual(saved);
    // A state without the ring (saved by a walk without delays) leaves the ring as it is.
    b.walk.loadState({});
    expect(b.walk.saveState()).toEqual(saved);
  });
});
