/**
 * The network description (models/description.ts → models/build-network.ts → a few ms of
 * simulation) on random JSON values and on mutations of a valid description: every outcome is a
 * run or an SnnError naming the field — never a TypeError from deep inside the builder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateMemoryBytes, resolveSettings } from '../../models/build-network.js';
import { parseDescription, type NetworkDescription } from '../../models/description.js';
import { simulate } from '../../models/simulate.js';
import { fuzzParams, survives } from './fuzz-helpers.js';

const VALID = {
  name: 'fuzz',
  dt: 0.1,
  duration: 5,
  seed: 3,
  populations: [
    { name: 'in', model: 'poisson', size: 6, rates: [10, 20, 30, 40, 50, 60], deadTime: 0.2, rateChanges: [{ at: 2, rates: 80 }] },
    { name: 'ssa', model: 'spike-source-array', size: 3, spikes: [[0.5, 0], [1, 2], [1.5, 1]] },
    { name: 'exc', model: 'lif', size: 4, params: { tauM: 10, vRest: -65, vReset: -65, vThresh: -55, refractory: 2, synapse: 'conductance', tauExc: 5, tauInh: 10, eExc: 0, eInh: -80, thetaPlus: 0.05, tauTheta: 1000 }, v0: { uniform: [-65, -55] } },
    { name: 'inh', model: 'lif', size: 2, v0: [-60, -62] },
  ],
  projections: [
    { from: 'in', to: 'exc', channel: 'exc', connectivity: 'dense', weights: { uniform: [0, 0.5] }, delay: { uniform: [0, 1] } },
    { from: 'ssa', to: 'inh', channel: 'v', connectivity: { pairs: [[0, 0], [1, 1], [2, 0]] }, weights: [1, 2, 3], delay: [0.1, 0.2, 0.3] },
    { name: 'e2i', from: 'exc', to: 'inh', channel: 'v', connectivity: { probability: 0.5, allowSelf: false }, weights: { normal: { mean: 2, std: 0.5 } } },
    { from: 'inh', to: 'exc', channel: 'inh', connectivity: 'dense', weights: [[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]], delay: 0.5 },
    { from: 'inh', to: 'inh', channel: 'v', connectivity: 'all-but-self', weights: -1 },
    { from: 'exc', to: 'exc', channel: 'exc', connectivity: 'one-to-one', weights: 0.1 },
  ],
  record: { spikes: ['exc', 'inh'], state: [{ population: 'exc', variables: ['v', 'ge'], neurons: [0, 3], interval: 0.2 }] },
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in `v` (objects and arrays included). */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -1, 0, 0.05, 0.15, 1e308, -1e308, 1e6, 2 ** 31, 0.3, '', 'exc', 'in', 'lif', [], {}, [[]], [[1]], { uniform: [1, 0] }, { normal: { mean: 0, std: -1 } }),
  fc.double(),
  fc.integer({ min: -5, max: 100 }),
);

type Op = { kind: 'set'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'rename'; at: number; name: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: nasty }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('szie', 'tauMem', 'weight', 'delays', 'form', 'too', '__proto__', 'constructor')) }),
);

function apply(base: Json, ops: Op[]): unknown {
  const d = structuredClone(base) as Json;
  for (const o of ops) {
    const all = paths(d).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[o.at % all.length]!;
    let parent: any = d; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const k of p.slice(0, -1)) parent = parent[k];
    const key = p.at(-1)!;
    if (o.kind === 'set') parent[key] = o.value;
    else if (o.kind === 'delete') Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key];
    else if (!Array.isArray(parent)) {
      const v = parent[key];
      delete parent[key];
      Object.defineProperty(parent, o.name, { value: v, enumerable: true, configurable: true, writable: true });
    }
  }
  return d;
}

/** Parse; if valid and small, build and run it for a few ms. */
function parseBuildRun(value: unknown): void {
  const desc: NetworkDescription = parseDescription(value);
  const s = resolveSettings(desc);
  if (estimateMemoryBytes(desc, s) > 20e6) return; // the memory check has its own tests
  const sizes = desc.populations.reduce((a, p) => a + p.size, 0);
  if (sizes > 5000) return;
  const duration = Math.min(desc.duration ?? 5, 5);
  if (duration / s.dt > 1e5) return; // a valid but long run
  simulate(desc, { duration, checkFiniteEverySteps: 1 });
}

describe('network description fuzz', () => {
  it('regression: an absurd Poisson rate (1e146 Hz) fires every step instead of hanging', () => {
    const desc = parseDescription({ dt: 0.1, duration: 5, populations: [{ name: 'p', model: 'poisson', size: 3, rates: 1.18e146 }] });
    const r = survives(() => simulate(desc), (res) => expect(res.populations[0]!.spikes).toBe(3 * 50), 1000);
    expect(r).toBe('ok');
  });

  it('regression: a dt so small that the run would never end is refused', () => {
    const desc = parseDescription({ dt: 1e-300, duration: 5, populations: [{ name: 'p', model: 'poisson', size: 1, rates: 1 }] });
    expect(survives(() => simulate(desc))).toBe('error');
  });

  it('the valid description runs', () => {
    expect(survives(() => parseBuildRun(VALID))).toBe('ok');
    expect(survives(() => parseBuildRun(JSON.parse(JSON.stringify(VALID))))).toBe('ok');
  });

  it('random JSON values → SnnError (or a valid network)', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void survives(() => parseBuildRun(v))), fuzzParams(201, 400));
    fc.assert(fc.property(fc.anything(), (v) => void survives(() => parseBuildRun(v))), fuzzParams(202, 300));
  });

  it('mutations of a valid description → a run or SnnError', () => {
    let ok = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 3 }), (ops) => {
        if (survives(() => parseBuildRun(apply(VALID as unknown as Json, ops)), undefined, 5000) === 'ok') ok++;
      }),
      fuzzParams(203, 600),
    );
    // Some mutations keep the description valid: the builder and the run are exercised too.
    expect(ok).toBeGreaterThan(10);
  });
});
