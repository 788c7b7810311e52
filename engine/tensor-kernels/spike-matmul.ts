/**
 * X·W for a binary input X that carries no gradient (the encoded input spikes of tensor mode, a
 * SpikeRaster), as an event-driven product on the wasm backend: each output row is the sum of W's
 * rows at that row's spikes (wasm/spike-matmul.wat, f32 SIMD), and ∂L/∂W = Xᵀ·G sums, for each
 * input, G's rows at the steps where it fired (the same kernel over the transposed lists).
 * MNIST input fires ≈ 5 % of the pixels per step, so this does ≈ 1/20 of a dense product's work —
 * the largest single cost of a training update once the LIF recurrence is fused (bench/log/tensor-mode.md).
 *
 * One op (tf.customGrad over W alone: X is data, so no gradient flows to it). The sums run in spike
 * order, so the currents equal a dense matMul's to float32 rounding, not bit for bit.
 * The registry (engine/tensor-ops.ts, `spikeMatmul`) runs it on the wasm backend, SNN_TENSOR_FUSED
 * not 0 and nOut a multiple of 4; otherwise tf.matMul on the raster's dense block.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { SnnError } from '../errors.js';
import { sharedTensorKernels, type TensorKernels } from './kernel-set.js';
import type { SpikeLists, Tf } from './op-arguments.js';
import { tensorFilled, tensorValues } from './wasm-heap.js';

type Kernel = TensorKernels;

/**
 * out = the gather of `src` [· × cols] rows over the lists (idx, starts) of `rows` rows, in kernel
 * memory (`src` is copied there first); returns a view of out [rows × cols], valid until the next call.
 */
function gather(k: Kernel, idx: Int32Array, starts: Int32Array, rows: number, src: Float32Array, cols: number): Float32Array {
  // byte layout: idx, starts (i32), then 16-byte aligned f32 blocks: src, out [rows × cols]
  const oStarts = idx.length * 4;
  const oSrc = Math.ceil((oStarts + (rows + 1) * 4) / 16) * 16;
  const oOut = oSrc + src.length * 4;
  k.reserve(oOut + rows * cols * 4);
  const buf = k.memory.buffer;
  new Int32Array(buf, 0, idx.length).set(idx);
  new Int32Array(buf, oStarts, rows + 1).set(starts.subarray(0, rows + 1));
  new Float32Array(buf, oSrc, src.length).set(src);
  k.gather(0, oStarts, rows, oSrc, oOut, cols);
  return new Float32Array(buf, oOut, rows * cols);
}

/**
 * X·W with X the raster's [rows × nIn] (0/1, no gradient) and W [nIn × nOut] a tensor; the
 * gradient ∂L/∂W = Xᵀ·G gathers G's rows over the raster's columns. The registry calls it where it applies.
 */
export function spikeMatMul(tf: Tf, x: SpikeLists, w: Tensor2D): Tensor2D {
  const k = sharedTensorKernels()!;
  const [nIn, nOut] = w.shape;
  if (nIn !== x.size) throw new SnnError('internal', `spikeMatMul: W has ${nIn} rows, the raster ${x.size} columns`);
  const rows = x.rows;
  const op = tf.customGrad((...args: unknown[]) => {
    const wt = args[0] as Tensor;
    // Operands and results move straight between tfjs's heap and the kernel memory (wasm-heap.ts).
    const out = gather(k, x.idx, x.starts, rows, tensorValues(tf, wt), nOut);
    return {
      value: tensorFilled(tf, [rows, nOut], (o) => o.set(out)) as Tensor2D,
      gradFunc: (dy: Tensor | Tensor[]) => {
        const cols = x.columns();
        const dw = gather(k, cols.idx, cols.starts, nIn, tensorValues(tf, dy as Tensor), nOut);
        return tensorFilled(tf, [nIn, nOut], (o) => o.set(dw));
      },
    };
  });
  return op(w) as Tensor2D;
}
