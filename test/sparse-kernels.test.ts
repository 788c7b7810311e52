/**
 * Sparse (CSR) propagation and tracked delivery in WebAssembly (engine/kernels/wasm/sparse-fanout.wat)
 * against the JS loops of SparseProjection and LifPopulation: the same ring contents, touched lists
 * and counts after every step, on random matrices and spike sets (duplicate synapses, exact
 * cancellations, a touched list that overflows); and whole networks whose sparse projections live in
 * their post population's memory give bit-identical spikes and state on both backends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../engine/backend.js';
import { InputRing } from '../engine/input-ring.js';
import { WasmLifKernels } from '../engine/kernels/wasm-lif.js';
import { SpikeBuffer } from '../engine/spike-buffer.js';
import type { NetworkDescription } from '../models/description.js';
import type { LifPopulation } from '../models/lif-population.js';
import { SparseProjection } from '../models/projection.js';
import { fakePopulation, runWithBackend } from './helpers/run-network.js';
import { needAll, WASM_SIMD } from './helpers/requirement.js';

const initial = kernelBackend();
afterAll(() => setKernelBackend(initial));

/** Deterministic uniform numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Csr {
  rowPtr: Int32Array;
  cols: Int32Array;
  w: Float64Array;
}

/** Random rows; `cancel` makes rows of +x/−x pairs onto few targets (zeros reappear, lists grow). */
function randomCsr(rnd: () => number, pre: number, post: number, density: number, cancel: boolean, uniform = false): Csr {
  const rowPtr = new Int32Array(pre + 1);
  const cols: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < pre; i++) {
    const len = Math.floor(rnd() * density * post * 2);
    const row: number[] = [];
    for (let k = 0; k < len; k++) row.push(Math.floor(rnd() * (cancel ? Math.min(post, 3) : post)));
    row.sort((a, b) => a - b);
    for (const j of row) {
      cols.push(j);
      w.push(uniform ? 0.8125 : cancel ? (w.length % 2 === 0 ? 0.5 : -0.5) : Math.round((rnd() - 0.3) * 64) / 16);
    }
    rowPtr[i + 1] = cols.length;
  }
  return { rowPtr, cols: Int32Array.from(cols), w: Float64Array.from(w) };
}

describe('sparse propagation kernels = JS loops', () => {
  needAll(WASM_SIMD);
  for (const [label, cancel, samePre, uniform] of [
    ['random weights, pre ≠ post', false, false, false],
    ['random weights, pre = post (spike ids in the same memory)', false, true, false],
    ['exact cancellations (repeated listing, overflow of the touched list)', true, false, false],
    ['one weight for every synapse (the kernels read w[0] only)', false, false, true],
  ] as const) {
    it(label, () => {
      for (let trial = 0; trial < 12; trial++) {
        const rnd = lcg(1000 * trial + (cancel ? 7 : 0) + (samePre ? 3 : 0) + (uniform ? 11 : 0));
        const post = 1 + Math.floor(rnd() * 40);
        const pre = samePre ? post : 1 + Math.floor(rnd() * 40);
        const delay = Math.floor(rnd() * 4);
        const csr = randomCsr(rnd, pre, post, rnd() * 0.5, cancel, uniform);
        const nnz = csr.cols.length;

        // JS side: plain arrays, an ordinary ring.
        const preJs = fakePopulation('pre', pre);
        const postJs = fakePopulation('post', post);
        const projJs = new SparseProjection('p', preJs, postJs, 'exc', csr.rowPtr.slice(), csr.cols.slice(), csr.w.slice(), delay, null);
        const ringJs = new InputRing('f64', post, delay);
        projJs.bindRing(ringJs);
        ringJs.track();

        // wasm side: the synapse arrays, ring and touched lists in the post population's memory.
        const k = WasmLifKernels.tryCreate(post, 16 * (pre + nnz + 8) + 16 * nnz + 64)!;
        const buf = k.memory.buffer;
        const place = <T extends Int32Array | Float64Array>(src: T, make: (b: ArrayBuffer, o: number, n: number) => T): T => {
          const a = make(buf, k.allocExtra(src.byteLength)!, src.length);
          a.set(src);
          return a;
        };
        const rowPtr = place(csr.rowPtr, (b, o, n) => new Int32Array(b, o, n));
        const cols = place(csr.cols, (b, o, n) => new Int32Array(b, o, n));
        const w = place(csr.w, (b, o, n) => new Float64Array(b, o, n));
        const postW = fakePopulation('post', post, { wasmKernels: k });
        const preW = samePre ? fakePopulation('pre', pre, { spikes: new SpikeBuffer(pre, k.ids) }) : fakePopulation('pre', pre);
        const scratch = samePre ? null : new Int32Array(buf, k.allocExtra(4 * pre)!, pre);
        const projW = new SparseProjection('p', preW, postW, 'exc', rowPtr, cols, w, delay, null, scratch);
        const ringW = new InputRing(
          'f64',
          post,
          delay,
          (len) => k.ringBuffer(0, len / post)!.buffer,
          (len) => k.touchedBuffer(0, len / post),
        );
        projW.bindRing(ringW);
        ringW.track();
        expect(k.holds(ringW.touched)).toBe(true);

        for (let step = 0; step < 30; step++) {
          let count = 0;
          for (let i = 0; i < pre; i++) if (rnd() < 0.3) preJs.spikes.ids[count++] = i;
          preJs.spikes.count = count;
          preW.spikes.ids.set(preJs.spikes.ids.subarray(0, count));
          preW.spikes.count = count;
          projJs.propagate(step);
          projW.propagate(step);
          expect(Array.from(ringW.buffer)).toEqual(Array.from(ringJs.buffer));
          expect(ringW.touched === null).toBe(ringJs.touched === null);
          if (ringJs.touched !== null) {
            expect(Array.from(ringW.touchedCount!)).toEqual(Array.from(ringJs.touchedCount!));
            for (let slot = 0; slot < ringJs.slots; slot++) {
              const c = ringJs.touchedCount![slot]!;
              const o = slot * post;
              expect(Array.from(ringW.touched!.subarray(o, o + c))).toEqual(Array.from(ringJs.touched.subarray(o, o + c)));
            }
          }
          // Drain the slot read in this step, as delivery does (zeroes; the touched list restarts).
          for (const r of [ringJs, ringW]) {
            r.buffer.fill(0, r.offset(step), r.offset(step) + post);
            if (r.touchedCount !== null) r.touchedCount[step & (r.slots - 1)] = 0;
          }
        }
        if (cancel && trial === 0) expect(ringJs.touched).toBeNull(); // the overflow path was taken
        if (nnz > 1) expect((projW as unknown as { uniformWeight: boolean }).uniformWeight).toBe(uniform);
      }
    });
  }

  it('the Uniform kernels add w[0] for every synapse, the others w[s]', () => {
    const k = WasmLifKernels.tryCreate(4, 256)!;
    const buf = k.memory.buffer;
    const ids = new Int32Array(buf, k.allocExtra(8)!, 2);
    const rowPtr = new Int32Array(buf, k.allocExtra(12)!, 3);
    const cols = new Int32Array(buf, k.allocExtra(16)!, 4);
    const w = new Float64Array(buf, k.allocExtra(32)!, 4);
    const touched = k.touchedBuffer(0, 1)!;
    ids.set([0, 1]);
    rowPtr.set([0, 2, 4]);
    cols.set([0, 1, 1, 3]);
    w.set([2.5, 10, 20, 40]);
    const slot = k.ringBuffer(0, 1)!;
    const args = [ids.byteOffset, 2, rowPtr.byteOffset, cols.byteOffset, w.byteOffset, slot.ptr] as const;
    k.sparse.addRowsUniform(...args);
    expect(Array.from(slot.buffer)).toEqual([2.5, 5, 0, 2.5]);
    slot.buffer.fill(0);
    expect(k.sparse.addRowsTrackedUniform(...args, touched.byteOffset, 0, 4)).toBe(3);
    expect(Array.from(slot.buffer)).toEqual([2.5, 5, 0, 2.5]);
    expect(Array.from(touched.subarray(0, 3))).toEqual([0, 1, 3]);
    slot.buffer.fill(0);
    k.sparse.addRows(...args);
    expect(Array.from(slot.buffer)).toEqual([2.5, 30, 0, 40]);
  });

  it('addTouchedAndZero = the JS delivery loop (skips zeros, keeps NaN)', () => {
    const k = WasmLifKernels.tryCreate(8)!;
    const ring = k.ringBuffer(0, 1)!;
    const touched = k.touchedBuffer(0, 1)!;
    const slot = ring.buffer;
    slot.set([1.5, 0, -0, NaN, 2, 0, 0, -3]);
    touched.set([0, 1, 2, 3, 4, 7, 0]);
    k.ge.set([1, 1, 1, 1, 1, 1, 1, 1]);
    const expected = Float64Array.from(k.ge);
    const expectedSlot = Float64Array.from(slot);
    for (const i of touched.subarray(0, 7)) {
      const x = expectedSlot[i]!;
      if (x !== 0) {
        expected[i] = expected[i]! + x;
        expectedSlot[i] = 0;
      }
    }
    k.sparse.addTouchedAndZero(touched.byteOffset, 7, ring.ptr, k.pge);
    expect(Array.from(k.ge)).toEqual(Array.from(expected));
    expect(Array.from(slot)).toEqual(Array.from(expectedSlot));
  });
});

function run(desc: NetworkDescription, backend: KernelBackend) {
  const { net, sink } = runWithBackend(desc, backend);
  const inMemory = net.projections.map((p) => {
    const w = p.post.wasmKernels ?? null;
    return w !== null && w.holds(p.weights);
  });
  const state = net.populations.map((p) => {
    const l = p as LifPopulation;
    return [l.v, l.ge, l.gi, l.lastSpike].map((a) => Array.from(a, (x) => (x === 0 ? 0 : x)));
  });
  return { spikes: net.populations.map((_, k) => sink.spikes(k)), state, inMemory, synapticEvents: net.synapticEvents };
}

describe('networks with sparse projections in wasm memory = JS backend', () => {
  needAll(WASM_SIMD);
  const lif = { tauM: 20, vRest: -49, vReset: -60, vThresh: -50, refractory: 2, synapse: 'current' as const, tauExc: 5, tauInh: 10 };
  for (const seed of [1, 2, 3]) {
    it(`random sizes, weights and delays, seed ${seed}`, () => {
      const rnd = lcg(seed);
      const na = 50 + Math.floor(rnd() * 200);
      const nb = 20 + Math.floor(rnd() * 100);
      const desc: NetworkDescription = {
        dt: 0.1,
        duration: 200,
        seed,
        populations: [
          { name: 'a', model: 'lif', size: na, params: lif, v0: { uniform: [-60, -50] } },
          { name: 'b', model: 'lif', size: nb, params: { ...lif, synapse: 'conductance', method: 'euler', tauExc: 1, tauInh: 2, vRest: -65, vReset: -65, vThresh: -52 }, v0: { uniform: [-65, -52] } },
        ],
        projections: [
          { name: 'a->a', from: 'a', to: 'a', channel: 'exc', connectivity: { probability: 0.05 }, weights: { uniform: [0.5, 2] }, delay: 0 },
          { name: 'a->b', from: 'a', to: 'b', channel: 'exc', connectivity: { probability: 0.1, sampling: 'skip' }, weights: { uniform: [0, 0.3] }, delay: 0.3 },
          { name: 'b->a', from: 'b', to: 'a', channel: 'inh', connectivity: { probability: 0.1 }, weights: { normal: { mean: -3, std: 1 } }, delay: 1 },
          { name: 'b->b', from: 'b', to: 'b', channel: 'inh', connectivity: { probability: 0.2 }, weights: 0.2 },
        ],
      };
      const js = run(desc, 'js');
      const wasm = run(desc, 'wasm');
      expect(js.inMemory.some((x) => x)).toBe(false);
      expect(wasm.inMemory).toEqual([true, true, true, true]);
      expect(wasm.synapticEvents).toBe(js.synapticEvents);
      js.spikes.forEach((s, k) => {
        expect(Array.from(wasm.spikes[k]!.ids)).toEqual(Array.from(s.ids));
        expect(Array.from(wasm.spikes[k]!.times)).toEqual(Array.from(s.times));
      });
      expect(wasm.state).toEqual(js.state);
      expect(js.spikes[0]!.ids.length).toBeGreaterThan(50);
    });
  }
});
