/**
 * Input spikes through W into one LIF layer — `denseLifForward` for a SpikeRaster input — as ONE
 * tfjs op on the wasm backend: the event-driven product (spike-matmul.wat's gather) writes the
 * input currents straight into the LIF kernel's input array (kernel-set.ts: one memory), the
 * T-step recurrence runs there, and the backward pass runs the BPTT kernel and gathers ∂L/∂W from
 * the current gradients where they lie. Only W, the spikes and their gradients cross between tfjs
 * and the kernels, each copied once, straight between the two heaps (wasm-heap.ts); the separate ops (spike-matmul.ts, fused-lif.ts) also move the [T, B, N]
 * currents, their gradient and V across each way, several times the arithmetic at these sizes.
 *
 * Same kernels, same order of operations as the two separate ops: the same spikes and the same
 * gradient bit for bit (test: fused-dense-lif.test.ts).
 *
 * State between the passes: each layer object has its own kernel memory, holding the last forward
 * pass (currents and V) for its backward pass. When another forward pass of the same layer runs
 * before that backward pass (a loss that uses the layer twice; evaluation, which has none), the
 * earlier pass's W is first copied out of the memory, and its backward pass recomputes its forward.
 *
 * Where it applies (the registry's `fusedDenseLifApplies`, engine/tensor-ops.ts): where both separate
 * ops apply, for a spiking layer without recorded V and without input delay; elsewhere tensor mode's
 * `denseLifForward` composes the ops.
 */
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { SnnError } from '../errors.js';
import { surrogatePsiKind } from './fused-lif.js';
import { createTensorKernels, type TensorKernels } from './kernel-set.js';
import type { LifKernelCall, SpikeLists, Tf } from './op-arguments.js';
import { tensorFilled, tensorValues } from './wasm-heap.js';

interface LayerMemory {
  kernels: TensorKernels;
  /** Counts forward passes; a backward pass checks that the memory still holds its own. */
  seq: number;
  /**
   * Set by the last forward pass until its backward pass ran: keeps a copy of its W before the next
   * forward pass overwrites the memory (the op's input tensor may be freed by then).
   */
  evict: (() => void) | null;
}

const memories = new WeakMap<object, LayerMemory>();

function memoryOf(layer: object): LayerMemory {
  let m = memories.get(layer);
  if (m === undefined) {
    m = { kernels: createTensorKernels()!, seq: 0, evict: null };
    memories.set(layer, m);
  }
  return m;
}

/** Byte offsets of every array in the layer's memory, 16-byte aligned. */
function layout(T: number, M: number, nIn: number, N: number, nnz: number, rows: number) {
  let at = 0;
  const take = (bytes: number): number => {
    const o = at;
    at += Math.ceil(bytes / 16) * 16;
    return o;
  };
  const TM = 4 * T * M;
  const o = {
    w: take(4 * nIn * N), x: take(TM), s: take(TM), v: take(TM), u: take(4 * M), syn: take(4 * M),
    keep: take(TM), dS: take(TM), psi: take(TM), dx: take(TM), gu: take(4 * M), gi: take(4 * M), dW: take(4 * nIn * N),
    idx: take(4 * nnz), starts: take(4 * (rows + 1)), colIdx: take(4 * nnz), colStarts: take(4 * (nIn + 1)),
    end: 0,
  };
  o.end = at;
  return o;
}

/** Input spikes through W into the layer of `call` as one op; call where the registry's `fusedDenseLifApplies`. */
export function fusedDenseLifForward(tf: Tf, call: LifKernelCall, raster: SpikeLists, w: Tensor2D): Tensor3D {
  const [nIn, N] = w.shape;
  if (nIn !== raster.size || N !== call.size) {
    throw new SnnError('config.invalid', `weights are ${nIn} × ${N} but the input has ${raster.size} neurons and the layer ${call.size}`, 'W is [nIn × nOut]');
  }
  const mem = memoryOf(call.layer);
  const k = mem.kernels;
  const T = raster.steps;
  const B = raster.batch;
  const M = B * N; // a multiple of 4: the registry asks N to be one
  const rows = T * B;
  const nnz = raster.starts[rows]!;
  const c = call.c;
  const detach = call.detach;
  const surrogate = call.surrogate;
  const kind = surrogatePsiKind(surrogate);
  const o = layout(T, M, nIn, N, nnz, rows);
  const uRow = call.uRow;

  /** Currents, V and spikes of this input and W into the layer's memory. */
  const forward = (wValues: Float32Array): void => {
    k.reserve(o.end);
    const buf = k.memory.buffer;
    const f32 = new Float32Array(buf);
    f32.set(wValues, o.w / 4);
    new Int32Array(buf, o.idx, nnz).set(raster.idx.subarray(0, nnz));
    new Int32Array(buf, o.starts, rows + 1).set(raster.starts.subarray(0, rows + 1));
    k.gather(o.idx, o.starts, rows, o.w, o.x, N);
    for (let b = 0; b < B; b++) f32.set(uRow, o.u / 4 + b * N);
    f32.fill(0, o.syn / 4, o.syn / 4 + M);
    k.forward(T, M, o.x, o.u, o.syn, o.s, o.v, c.eM, c.k, c.eS, c.uConst, c.uThresh, c.uReset, c.delta ? 1 : 0, 1,
      c.uMin !== null ? 1 : 0, c.uMin ?? 0, o.keep);
  };

  const op = tf.customGrad((...args: unknown[]) => {
    const wt = args[0] as Tensor;
    mem.evict?.();
    forward(tensorValues(tf, wt));
    const seq = ++mem.seq;
    let wCopy: Float32Array | null = null;
    const evict = (): void => {
      wCopy = new Float32Array(k.memory.buffer, o.w, nIn * N).slice();
      mem.evict = null;
    };
    mem.evict = evict;
    return {
      value: tensorFilled(tf, [T, B, N], (out) => out.set(new Float32Array(k.memory.buffer, o.s, T * M))) as Tensor3D,
      gradFunc: (dy: Tensor | Tensor[]) => {
        if (mem.seq !== seq) {
          mem.evict?.();
          forward(wCopy!);
          mem.seq = seq;
        } else if (mem.evict === evict) mem.evict = null; // this pass's data is used now: no copy needed later
        k.reserve(o.end);
        new Float32Array(k.memory.buffer).set(tensorValues(tf, dy as Tensor), o.dS / 4);
        const f32 = new Float32Array(k.memory.buffer);
        if (kind === 0) {
          if (surrogate === undefined) f32.fill(0, o.psi / 4, o.psi / 4 + T * M);
          else {
            const v = f32.slice(o.v / 4, o.v / 4 + T * M);
            let psi: Float32Array = new Float32Array(0);
            // Read inside, assigned outside: tidy would walk every element of a returned typed array.
            tf.tidy(() => {
              psi = surrogate.derivative(tf, tf.sub(tf.tensor1d(v), c.uThresh)).dataSync() as Float32Array;
            });
            new Float32Array(k.memory.buffer).set(psi, o.psi / 4);
          }
        }
        const g = new Float32Array(k.memory.buffer);
        g.fill(0, o.gu / 4, o.gu / 4 + M);
        g.fill(0, o.gi / 4, o.gi / 4 + M);
        k.backward(T, M, o.x, o.v, o.psi, o.dS, 0, o.dx, o.gu, o.gi, c.eM, c.k, c.eS, c.uThresh, c.uReset,
          c.delta ? 1 : 0, 1, detach ? 1 : 0, kind, surrogate?.beta ?? 0, 0, c.uMin !== null ? 1 : 0, o.keep);
        const cols = raster.columns();
        const ib = k.memory.buffer;
        new Int32Array(ib, o.colIdx, nnz).set(cols.idx);
        new Int32Array(ib, o.colStarts, nIn + 1).set(cols.starts);
        k.gather(o.colIdx, o.colStarts, nIn, o.dx, o.dW, N);
        return tensorFilled(tf, [nIn, N], (out) => out.set(new Float32Array(k.memory.buffer, o.dW, nIn * N)));
      },
    };
  });
  return op(w) as Tensor3D;
}
