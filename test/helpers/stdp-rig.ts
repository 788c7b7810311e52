/**
 * A rig for STDP rules run through a network's schedule: pre and post are populations without
 * dynamics that spike on given per-step lists, the post records what the plastic projection
 * delivered into its 'exc' ring each step. Rules are then checked against plain reference
 * implementations (traces decayed step by step, no rescaling, no kernels) on random spike trains.
 */
import type { InputRing } from '../../engine/input-ring.js';
import { RngStream } from '../../engine/rng.js';
import type { FloatArray } from '../../engine/float-array.js';
import { LIF_DEFAULTS } from '../../models/lif.js';
import { LifPopulation } from '../../models/lif-population.js';
import { Network } from '../../models/network.js';
import { plasticHooks } from '../../models/plastic-placement.js';
import { DenseProjection } from '../../models/projection.js';
import { expect } from 'vitest';
import type { PlasticityRule, RuleState } from '../../learning/plugin-contract.js';
import type { Population } from '../../models/population.js';
import { fakePopulation } from './run-network.js';

/** Spike lists per step: trains[step] = ids that fire in that step. */
export type Trains = number[][];

/** Random trains of `size` neurons over `steps` steps, each neuron firing with probability `p` per step. */
export function randomTrains(rng: RngStream, size: number, steps: number, p: number): Trains {
  const out: Trains = [];
  for (let s = 0; s < steps; s++) {
    const ids: number[] = [];
    for (let i = 0; i < size; i++) if (rng.uniform() < p) ids.push(i);
    out.push(ids);
  }
  return out;
}

export type StdpPlacement = 'js' | 'wasm-host' | 'wasm-own';

export interface StdpRigOptions {
  m: number;
  n: number;
  dt: number;
  /** Initial weights (copied into the projection's weights). */
  w0: ArrayLike<number>;
  /**
   * Where the weights live: 'js' (default) a plain Float64Array and a post population without
   * dynamics; 'wasm-host' kernel memory carved out of the memory of a float64 LIF post population
   * (current synapses) built with the rig network's kernel device, as the graph builders place it;
   * 'wasm-own' a kernel memory of its own from that device, which also holds the post population's
   * 'exc' ring (a post without dynamics). The wasm placements throw when the device hands out nothing.
   */
  placement?: StdpPlacement;
  /** The longest delay the kernel region is laid out for (default the projection's): shorter leaves no room for the delay arrays. */
  placementDelay?: number;
  delaySteps: number | null;
  delays: Uint16Array | null;
  pre: Trains;
  post: Trains;
  rule(proj: DenseProjection): PlasticityRule;
  /**
   * A second, zero-weight projection into the post population with this uniform delay (steps): the
   * post's input ring then has that many more slots, so slot offsets are not all 0.
   */
  extraDelay?: number;
}

export interface StdpRig {
  net: Network;
  proj: DenseProjection;
  rule: PlasticityRule;
  weights: FloatArray;
  /** What reached each post neuron in each step run so far. */
  delivered: Float64Array[];
  /** True when the post population's 'exc' ring lies in the memory holding the weights (the kernels deliver into it). */
  ringInKernelMemory: boolean;
  run(steps: number): void;
}

export function stdpRig(o: StdpRigOptions): StdpRig {
  const net = new Network(o.dt, 'f64');
  const placement = o.placement ?? 'js';
  const maxDelay = o.delaySteps ?? Math.max(0, ...(o.delays ?? []));
  const hooks = placement === 'wasm-host' ? plasticHooks(o.m, o.n, o.placementDelay ?? maxDelay) : null;
  const own = placement === 'wasm-own' ? net.kernels.plasticMemory(null, o.m, o.n, o.placementDelay ?? maxDelay) : null;
  if (placement === 'wasm-own' && own === null) throw new Error('the kernel device handed out no memory');
  let postPopulation: Population | null = null;
  if (hooks !== null) {
    const params = { ...LIF_DEFAULTS, synapse: 'current' as const, method: 'exact' as const };
    postPopulation = new LifPopulation('post', o.n, params, o.dt, 'f64', -65, { kernels: net.kernels, wasmExtraBytes: hooks.extraBytes });
  } else if (own !== null) {
    postPopulation = fakePopulation('post', o.n, { ringStorage: (c: string, length: number) => (c === 'exc' ? own.inputRing!(length) : null) });
  }
  const trainStep = (train: Trains) => (step: number, spikes: { ids: Int32Array; count: number }) => {
    const ids = train[step] ?? [];
    // Stale (but valid) ids beyond the count, as a real population leaves them.
    for (let k = 0; k < spikes.ids.length; k++) spikes.ids[k] = k % spikes.ids.length;
    spikes.ids.set(ids);
    spikes.count = ids.length;
  };
  const preFire = trainStep(o.pre);
  const postFire = trainStep(o.post);
  const pre = net.addPopulation(fakePopulation('pre', o.m, { threshold: (s: number) => preFire(s, pre.spikes) }));
  let ring: InputRing | null = null;
  const delivered: Float64Array[] = [];
  const post = net.addPopulation(postPopulation ?? fakePopulation('post', o.n));
  const attach = post.attachInput.bind(post);
  const realDeliver = post.deliver.bind(post);
  const ge = (post.stateVariables() as Record<string, Float64Array | undefined>).ge;
  Object.assign(post, {
    threshold: (s: number) => postFire(s, post.spikes),
    attachInput: (c: string, r: InputRing) => {
      attach(c, r);
      if (c === 'exc') ring = r;
    },
    // A population with an 'exc' conductance or current delivers its own ring (which skips slots
    // nobody flagged as written): what arrived is the change of ge. Otherwise the rig reads the slot.
    deliver: (s: number) => {
      if (ge !== undefined && hooks !== null) {
        const before = Float64Array.from(ge);
        realDeliver(s);
        delivered.push(Float64Array.from(ge, (x, i) => x - before[i]!));
        return;
      }
      const r = ring!;
      const off = r.offset(s);
      delivered.push(Float64Array.from(r.buffer.subarray(off, off + o.n)));
      r.buffer.fill(0, off, off + o.n);
    },
  });
  const placed = hooks !== null ? hooks.weights(post as LifPopulation, o.m * o.n) : (own?.memory.weights ?? null);
  if (placement !== 'js' && placed === null) throw new Error('the kernel device placed no weights');
  const weights = placed ?? new Float64Array(o.m * o.n);
  weights.set(Array.from(o.w0));
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', weights, o.delaySteps, o.delays));
  if (o.extraDelay !== undefined) net.addProjection(new DenseProjection('pre->post (zero)', pre, post, 'exc', new Float64Array(o.m * o.n), o.extraDelay, null));
  net.finalize();
  // A wasm placement that silently ran the JS loops would compare JS with JS.
  if (proj.kernelBackend !== (placement === 'js' ? 'js' : 'wasm')) throw new Error(`projection kernels: ${proj.kernelBackend}, placement ${placement}`);
  const rule = o.rule(proj);
  rule.attach(net);
  // The ring as the post population got it (`proj.ringBuffer` would switch its slot flags off).
  const ringInKernelMemory = placement !== 'js' && (ring as InputRing | null)!.buffer.buffer === weights.buffer;
  return { net, proj, rule, weights, delivered, ringInKernelMemory, run: (steps) => net.runSteps(steps) };
}

/**
 * The middle of a save/restore check: saves the rule's state after `at` steps, loads a wiped state
 * (every array filled with 3, every number 123, every flag inverted: the rule reads as frozen),
 * then the saved one, checks that the saved object was a copy and that it is restored in full, and
 * runs on to `steps`. The caller then compares the weights with its own rule's reference. Returns
 * the saved state, for checks of which fields a rule keeps.
 */
export function saveWipeRestore(r: StdpRig, at: number, steps: number): RuleState {
  r.run(at);
  const saved = r.rule.saveState();
  const copy = structuredClone(saved);
  const wiped = Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, v instanceof Float64Array ? new Float64Array(v.length).fill(3) : typeof v === 'number' ? 123 : !v]));
  r.rule.loadState(wiped);
  expect(r.rule.plastic).toBe(false);
  r.rule.loadState(saved);
  expect(r.rule.plastic).toBe(true);
  expect(r.rule.saveState()).toEqual(copy);
  r.run(steps - at);
  return copy;
}

/** Element-wise agreement with a reference within `tol` (absolute), lengths equal. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(tol);
}
