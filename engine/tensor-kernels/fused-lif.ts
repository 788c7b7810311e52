/**
 * The LIF layer's T-step recurrence as ONE tfjs op on the wasm backend: a WebAssembly SIMD kernel
 * (wasm/lif-bptt.wat) runs the forward pass over all T steps, and its surrogate-gradient
 * backward pass (BPTT) is the op's gradient (tf.customGrad). The op-by-op path (lif-tensor.ts)
 * issues ≈ 10 tfjs ops per step and as many gradient ops; each costs a fixed dispatch and tape
 * price far above its arithmetic at these sizes. Same equations, same float32 operations in the
 * same order: spikes are bit-identical, gradients agree to float32 rounding (test: fused-lif.test.ts).
 *
 * Where it applies is the registry's choice (engine/tensor-ops.ts, `fusedLifApplies`): the wasm
 * backend, no refractory period (that keeps the op-by-op path; a floor vMin is in the kernel), and a
 * spike function whose ψ is known or none (H with zero gradient).
 *
 * Data movement: the wasm backend keeps tensors in its own heap; the kernel has its own memory.
 * Each call copies x in and the spikes/membrane out (T·B·N floats each way), straight between the
 * two heaps (wasm-heap.ts), plus a JS copy of V for the backward pass. Per-step rows are padded to
 * a multiple of 4 floats. A layer fed by input spikes runs as one op with its input product instead
 * (fused-dense-lif.ts), which also keeps x and V in kernel memory.
 * ψ(V − θ) for the backward pass: the kernel computes fast-sigmoid and triangle itself (the same
 * float32 operations as their tensor ops); any other surrogate's tensor op runs on the whole
 * [T, B, N] block (a handful of ops) and the result is handed to the kernel.
 */
import type { Tensor, Tensor3D } from '@tensorflow/tfjs';
import { sharedTensorKernels, type TensorKernels } from './kernel-set.js';
import type { LifKernelCall, LifStepConstants, SurrogateSpec, Tf } from './op-arguments.js';
import { tensorFilled, tensorValues } from './wasm-heap.js';

type Kernel = TensorKernels;

/** A view of the kernel's memory with at least `bytes` bytes (grows it; views die on growth). */
function heap(k: Kernel, bytes: number): Float32Array {
  k.reserve(bytes);
  return new Float32Array(k.memory.buffer);
}

/** Copies [T][M] rows into [T][Mp] rows at float offset `at` of `h` (no-op padding when M = Mp). */
function putRows(h: Float32Array, at: number, src: Float32Array, T: number, M: number, Mp: number): void {
  if (M === Mp) h.set(src, at);
  else for (let n = 0; n < T; n++) h.set(src.subarray(n * M, (n + 1) * M), at + n * Mp);
}

/** Copies [T][Mp] rows at float offset `at` of `h` into [T][M] rows of `out` from float `to`. */
function putRowsInto(out: Float32Array, to: number, h: Float32Array, at: number, T: number, M: number, Mp: number): void {
  if (M === Mp) out.set(h.subarray(at, at + T * M), to);
  else for (let n = 0; n < T; n++) out.set(h.subarray(at + n * Mp, at + n * Mp + M), to + n * M);
}

function getRows(h: Float32Array, at: number, T: number, M: number, Mp: number): Float32Array {
  if (M === Mp) return h.slice(at, at + T * M);
  const out = new Float32Array(T * M);
  for (let n = 0; n < T; n++) out.set(h.subarray(at + n * Mp, at + n * Mp + M), n * M);
  return out;
}

interface Plan {
  T: number;
  B: number;
  N: number;
  M: number;
  Mp: number;
  c: LifStepConstants;
  spiking: boolean;
  detach: boolean;
  surrogate: SurrogateSpec | undefined;
}

/** Float offsets of the forward pass's spikes and V in the kernel memory (`runForward`). */
const forwardRows = (p: Plan): { os: number; ov: number } => ({ os: p.T * p.Mp, ov: 2 * p.T * p.Mp });

/**
 * Forward over T steps; leaves the spikes (when spiking) and V = u at each threshold test in the
 * kernel memory at `forwardRows` ([T][Mp] each) and returns copies of V [T·M] and, with a floor
 * vMin, of the floor's gradient gate `keep` [T·M] for the backward pass.
 */
function runForward(k: Kernel, p: Plan, row: Float32Array, x: Float32Array): { v: Float32Array; keep: Float32Array | null } {
  const { T, B, N, M, Mp, c } = p;
  const TM = T * Mp;
  // float offsets: x, s, v, keep ([T][Mp] each), then u, syn ([Mp] each)
  const ox = 0;
  const { os, ov } = forwardRows(p);
  const ok = 3 * TM;
  const ou = 4 * TM;
  const oi = ou + Mp;
  const h = heap(k, (oi + Mp) * 4);
  putRows(h, ox, x, T, M, Mp);
  for (let b = 0; b < B; b++) h.set(row, ou + b * N);
  h.fill(0, ou + M, oi + Mp); // padding of u, and syn
  k.forward(T, Mp, ox * 4, ou * 4, oi * 4, os * 4, ov * 4, c.eM, c.k, c.eS, c.uConst, c.uThresh, c.uReset, c.delta ? 1 : 0, p.spiking ? 1 : 0,
    c.uMin !== null ? 1 : 0, c.uMin ?? 0, ok * 4);
  const h2 = new Float32Array(k.memory.buffer);
  return { v: getRows(h2, ov, T, M, Mp), keep: c.uMin !== null ? getRows(h2, ok, T, M, Mp) : null };
}

/** ψ computed inside the backward kernel (its `psiKind`): 0 means the caller supplies ψ. */
export function surrogatePsiKind(s: SurrogateSpec | undefined): number {
  if (s?.name === 'fast-sigmoid') return 1;
  if (s?.name === 'triangle') return 2;
  return 0;
}

/**
 * Backward over T steps: ∂L/∂x [T·M] from the gradients on the spikes and on V. Only what the
 * kernel reads is copied in: x for a delta synapse with the reset attached, ψ for a surrogate the
 * kernel does not compute, dV when V was an output.
 */
function runBackward(k: Kernel, p: Plan, x: Float32Array, v: Float32Array, keep: Float32Array | null, psi: Float32Array | null, dS: Float32Array | null, dV: Float32Array | null): Float32Array {
  const { T, M, Mp, c } = p;
  const TM = T * Mp;
  // float offsets: x, v, psi, dS, dV, dx, keep ([T][Mp] each), then gu, gi ([Mp] each)
  const [ox, ov, op, oS, oV, odx] = [0, 1, 2, 3, 4, 5].map((j) => j * TM) as [number, number, number, number, number, number];
  const ok = 6 * TM;
  const og = 7 * TM;
  const oi = og + Mp;
  const h = heap(k, (oi + Mp) * 4);
  const kind = surrogatePsiKind(p.surrogate);
  if (c.delta && !p.detach) putRows(h, ox, x, T, M, Mp);
  putRows(h, ov, v, T, M, Mp);
  if (p.spiking) {
    if (kind === 0) {
      if (psi === null) h.fill(0, op, op + TM);
      else putRows(h, op, psi, T, M, Mp);
    }
    if (dS === null) h.fill(0, oS, oS + TM);
    else putRows(h, oS, dS, T, M, Mp);
  }
  if (dV !== null) putRows(h, oV, dV, T, M, Mp);
  if (keep !== null) putRows(h, ok, keep, T, M, Mp);
  h.fill(0, og, oi + Mp);
  const beta = p.surrogate?.beta ?? 0;
  k.backward(T, Mp, ox * 4, ov * 4, op * 4, oS * 4, oV * 4, odx * 4, og * 4, oi * 4, c.eM, c.k, c.eS, c.uThresh, c.uReset,
    c.delta ? 1 : 0, p.spiking ? 1 : 0, p.detach ? 1 : 0, kind, beta, dV !== null ? 1 : 0, keep !== null ? 1 : 0, ok * 4);
  return getRows(new Float32Array(k.memory.buffer), odx, T, M, Mp);
}

/** The fused LIF op's outputs: the spikes, and V (u at each threshold test) when recorded. */
export interface FusedLifResult {
  spikes: Tensor3D;
  vRel?: Tensor3D;
}

/**
 * The LIF recurrence of `call` on input currents x [T, B, N] through the fused kernel; call only
 * where the registry's `fusedLifApplies`. The op's output is the
 * spikes [T, B, N] (spiking), V [T, B, N] (a non-spiking readout), or both stacked as [2T, B, N]
 * and split here (spiking with recordV), so one gradient function sees every output's gradient.
 */
export function fusedLifForward(tf: Tf, call: LifKernelCall, x: Tensor3D): FusedLifResult {
  const k = sharedTensorKernels()!;
  const [T, B, N] = x.shape;
  const M = B * N;
  const spiking = call.spiking;
  const recordV = call.recordV;
  const p: Plan = {
    T, B, N, M, Mp: (M + 3) & ~3,
    c: call.c,
    spiking,
    detach: call.detach,
    surrogate: call.surrogate,
  };
  const both = spiking && recordV;
  // x is needed by the backward pass only for a delta synapse with the reset attached; the engine
  // then keeps a copy of it (`save`): the op's input may be freed before the backward pass runs.
  const needX = p.c.delta && !p.detach;
  const op = tf.customGrad((...args: unknown[]) => {
    const xt = args[0] as Tensor;
    if (needX) (args[1] as (t: Tensor[]) => void)([xt]);
    const { v, keep } = runForward(k, p, call.uRow, tensorValues(tf, xt));
    // The op's value straight from the kernel memory into a new tensor's storage.
    const { os, ov } = forwardRows(p);
    const value = tensorFilled(tf, [both ? 2 * T : T, B, N], (out) => {
      const h = new Float32Array(k.memory.buffer);
      if (spiking) putRowsInto(out, 0, h, os, T, M, p.Mp);
      if (both) out.set(v, T * M);
      else if (!spiking) out.set(v);
    });
    return {
      value,
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
        const g = (dy as Tensor).dataSync() as Float32Array;
        const TM = T * M;
        const dS = spiking ? g.subarray(0, TM) : null;
        const dV = both ? g.subarray(TM, 2 * TM) : spiking ? null : g;
        let psi: Float32Array | null = null;
        if (spiking && p.surrogate !== undefined && surrogatePsiKind(p.surrogate) === 0) {
          const sur = p.surrogate;
          // Read inside, assigned outside: tidy would walk every element of a returned typed array.
          tf.tidy(() => {
            psi = sur.derivative(tf, tf.sub(tf.tensor1d(v), p.c.uThresh)).dataSync() as Float32Array;
          });
        }
        // The heap view is taken last: the ops above may move tfjs's heap.
        const xs = needX ? tensorValues(tf, saved[0]!) : new Float32Array(0);
        return tf.tensor3d(runBackward(k, p, xs, v, keep, psi, dS, dV), [T, B, N]);
      },
    };
  });
  const out = op(x) as Tensor3D;
  if (!both) return spiking ? { spikes: out } : { spikes: tf.zeros([T, B, N]) as Tensor3D, vRel: recordV ? out : undefined } as FusedLifResult;
  return {
    spikes: tf.slice(out, [0, 0, 0], [T, B, N]) as Tensor3D,
    vRel: tf.slice(out, [T, 0, 0], [T, B, N]) as Tensor3D,
  };
}
