/**
 * The kernel device belongs to one network: two networks built in one process get disjoint kernel
 * memory, neither finds its weights' memory through the other, and training them interleaved
 * step by step gives each exactly what it learns alone (a process-wide registry of kernel memory
 * could hand one network's kernels, traces or scratch to the other).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KernelBackend } from '../../engine/backend.js';
import { RngStream } from '../../engine/rng.js';
import { createRule } from '../../learning/rules.js';
import { SynapticScaling } from '../../learning/synaptic-scaling.js';
import { needAll, WASM_SIMD } from '../../test/helpers/requirement.js';
import { LIF_DEFAULTS } from '../lif.js';
import { LifPopulation } from '../lif-population.js';
import { Network } from '../network.js';
import { plasticHooks } from '../plastic-placement.js';
import { DenseProjection } from '../projection.js';
import { ReplaySource } from '../replay-source.js';
import { KernelDevice } from './device.js';
import { PlasticMemory } from './plastic-memory.js';

const DT = 0.5;
const STEPS = 1200;
const M = 9;
const N = 12;
const D = 5;

/** A pre → post sym-STDP network with per-synapse delays, its weights placed by its own device. */
function rig(seed: number, backend: KernelBackend) {
  const rng = RngStream.derive(seed, 'test/device');
  const net = new Network(DT, 'f64', backend);
  const pre = net.addPopulation(new ReplaySource('pre', M));
  const hooks = plasticHooks(M, N, D);
  const params = { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: -62 };
  const post = net.addPopulation(new LifPopulation('post', N, params, DT, 'f64', -65, { kernels: net.kernels, wasmExtraBytes: hooks.extraBytes }));
  const w = hooks.weights(post, M * N) ?? new Float64Array(M * N);
  for (let k = 0; k < w.length; k++) w[k] = 3 * rng.uniform();
  const delays = Uint16Array.from({ length: M * N }, () => rng.int(D + 1));
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, null, delays));
  net.finalize();
  const stepStart = new Int32Array(STEPS + 1);
  const ids: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    for (let j = 0; j < M; j++) if (rng.uniform() < 0.1) ids.push(j);
    stepStart[s + 1] = ids.length;
  }
  pre.load({ steps: STEPS, stepStart, ids: Int32Array.from(ids) }, 0);
  const rule = createRule('sym-stdp', { projection: proj }, { eta: 0.002, wMax: 3 });
  rule.attach(net);
  const scaling = new SynapticScaling(proj, { target: 6 });
  /** Runs `steps` steps, then scales the columns (kernel scratch and all). */
  const advance = (steps: number) => {
    net.runSteps(steps);
    scaling.apply();
  };
  const hash = () => createHash('sha256').update(Buffer.from(w.buffer, w.byteOffset, w.byteLength)).digest('hex');
  return { net, post, proj, rule, w, advance, hash };
}

describe('kernel device: owned by one network', () => {
  needAll(WASM_SIMD);

  it('two networks get disjoint kernel memory, and each device knows only the weights it placed', () => {
    const a = rig(1, 'wasm');
    const b = rig(1, 'wasm');
    expect(a.proj.kernelBackend).toBe('wasm');
    expect(b.proj.kernelBackend).toBe('wasm');
    expect(a.w.buffer).not.toBe(b.w.buffer);
    expect(a.net.kernels.memoryHolding(a.w)).not.toBeNull();
    expect(b.net.kernels.memoryHolding(a.w)).toBeNull();
    expect(a.net.kernels.memoryHolding(b.w)).toBeNull();
    // A projection of a third network over network a's weights: its device did not place them, so
    // it offers no kernels on them and its trace storage is not carved out of a's memory.
    const c = new Network(DT, 'f64', 'wasm');
    const pre = c.addPopulation(new ReplaySource('pre', M));
    const post = c.addPopulation(new LifPopulation('post', N, { ...LIF_DEFAULTS, synapse: 'conductance', method: 'euler' }, DT, 'f64', -65, { kernels: c.kernels }));
    const foreign = c.addProjection(new DenseProjection('pre->post', pre, post, 'exc', a.w, 0, null));
    expect(foreign.kernelBackend).toBe('js');
    expect(foreign.columnScaler()).toBeNull();
    expect(foreign.traceStorage(N).buffer).not.toBe(a.w.buffer);
  });

  it('two networks trained interleaved, step by step, each learn byte for byte what they learn alone', () => {
    const aloneA = rig(1, 'wasm');
    const aloneB = rig(2, 'wasm');
    for (let k = 0; k < 6; k++) aloneA.advance(STEPS / 6);
    for (let k = 0; k < 6; k++) aloneB.advance(STEPS / 6);
    expect(aloneA.hash()).not.toBe(aloneB.hash());
    // The weights did learn (not saturated into one value, not the initial draw).
    expect(new Set(aloneA.w).size).toBeGreaterThan(M * N / 2);
    expect(aloneA.hash()).not.toBe(rig(1, 'wasm').hash());
    const a = rig(1, 'wasm');
    const b = rig(2, 'wasm');
    for (let k = 0; k < 6; k++) {
      for (let s = 0; s < STEPS / 6; s++) {
        a.net.runSteps(1);
        b.net.runSteps(1);
      }
      a.advance(0);
      b.advance(0);
    }
    expect(a.hash()).toBe(aloneA.hash());
    expect(b.hash()).toBe(aloneB.hash());
    expect(Array.from(a.net.spikeCounts)).toEqual(Array.from(aloneA.net.spikeCounts));
    expect(Array.from(b.net.spikeCounts)).toEqual(Array.from(aloneB.net.spikeCounts));
  });

  it('the backend is chosen per network: a js network next to a wasm one runs the reference loops and learns the same', () => {
    const wasm = rig(3, 'wasm');
    const js = rig(3, 'js');
    expect(js.net.kernels.backend).toBe('js');
    expect(js.post.wasmKernels).toBeNull();
    expect(js.proj.kernelBackend).toBe('js');
    expect(wasm.post.wasmKernels).not.toBeNull();
    for (let k = 0; k < 6; k++) {
      wasm.advance(STEPS / 6);
      js.advance(STEPS / 6);
    }
    expect(js.net.spikeCounts[1]).toBeGreaterThan(50);
    expect(wasm.hash()).toBe(js.hash());
  });

  it('a js device hands out no memory and instantiates no kernels', () => {
    const js = new KernelDevice('js');
    expect(js.instantiate('plastic-fanout', new WebAssembly.Memory({ initial: 1 }))).toBeNull();
    expect(js.lifMemory(4, 1024)).toBeNull();
    expect(js.plasticMemory(null, 2, 3, 0)).toBeNull();
    expect(typeof new KernelDevice('wasm').instantiate('plastic-fanout', new WebAssembly.Memory({ initial: 1 }))!.arrive).toBe('function');
  });

  it('places a projection in the post population\'s reservation only when it is that population\'s and has room', () => {
    const dev = new KernelDevice('wasm');
    const [m, n, D] = [3, 5, 2];
    const bytes = PlasticMemory.bytesFor(m, n, D);
    // Room, and the population is the projection's post (n neurons): in its memory, no ring of its own.
    const host = dev.lifMemory(n, bytes)!;
    const inHost = dev.plasticMemory(host, m, n, D)!;
    expect(inHost.memory.memory).toBe(host.memory);
    expect(inHost.inputRing).toBeNull();
    expect(dev.memoryHolding(inHost.memory.weights)).toBe(inHost.memory);
    // A population of another size, or one without room: a memory of its own, the population's
    // reservation left as it was.
    const other = dev.lifMemory(n + 1, bytes)!;
    const full = dev.lifMemory(n, 0)!;
    for (const h of [other, full, null]) {
      const own = dev.plasticMemory(h, m, n, D)!;
      if (h !== null) expect(own.memory.memory).not.toBe(h.memory);
      expect(dev.memoryHolding(own.memory.weights)).toBe(own.memory);
      // Its own memory holds the post population's ring too (up to the longest delay, any n), and
      // still both trace vectors and the arrival bookkeeping.
      const ring = own.inputRing!(4 * n)!;
      expect(own.memory.holds(ring)).toBe(true);
      expect(own.memory.f64(n)).not.toBeNull();
      expect(own.memory.f64(n)).not.toBeNull();
      expect(own.memory.arrivalStorage(D)).not.toBeNull();
    }
    expect(other.allocExtra(bytes)).not.toBeNull();
  });

  it('an odd-sized population without delays: its own memory holds the one-slot ring and both traces', () => {
    const dev = new KernelDevice('wasm');
    for (const n of [1, 3, 7]) {
      const own = dev.plasticMemory(null, 2, n, 0)!;
      expect(own.inputRing!(n)).not.toBeNull();
      expect(own.memory.f64(n)).not.toBeNull();
      expect(own.memory.f64(n)).not.toBeNull();
    }
  });

  it('refuses a memory of its own beyond 2³¹ bytes (kernel pointers are 32-bit signed)', () => {
    const dev = new KernelDevice('wasm');
    // n = 2, no delays: the region plus a one-slot ring of 2 neurons (16 bytes). The rows that make
    // exactly 2³¹ bytes are placed (virtual memory: nothing is written), one row more is refused.
    let m = Math.floor((2 ** 31 - PlasticMemory.bytesFor(0, 2, 0) - 16) / 16);
    expect(PlasticMemory.bytesFor(m, 2, 0) + 16).toBe(2 ** 31);
    // (Booleans, not the placements: a failing expectation would print 2³¹ bytes of weights.)
    const edge = dev.plasticMemory(null, m, 2, 0);
    expect(edge !== null && edge.memory.weights.length === 2 * m).toBe(true);
    m += 1;
    expect(dev.plasticMemory(null, m, 2, 0) === null).toBe(true);
  });
});
