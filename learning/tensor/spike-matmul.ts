/**
 * X·W for a binary input X that carries no gradient (the encoded input spikes of tensor mode), as an
 * event-driven product on the wasm backend: each output row is the sum of W's rows at that row's
 * spikes (kernels/spike-matmul.wat, f32 SIMD), and ∂L/∂W = Xᵀ·G scatters G's rows back to them.
 * MNIST input fires ≈ 5 % of the pixels per step, so this does ≈ 1/20 of a dense product's work —
 * the largest single cost of a training update once the LIF recurrence is fused (bench/log/tensor-mode.md).
 *
 * One op (tf.customGrad over W alone: X is data, so no gradient flows to it). The sums run in spike
 * order, so the currents equal a dense matMul's to float32 rounding, not bit for bit.
 * `spikeMatMulApplies` says when it runs: the wasm backend, SNN_TENSOR_FUSED not 0, nOut a multiple
 * of 4 and X all 0/1; otherwise callers use tf.matMul.
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { embeddedModule } from '../../engine/kernels/embedded-module.js';
import type { Tf } from './backend.js';
import { fusionForcedOff } from './fusion-switch.js';
import { WASM_BASE64 } from './kernels/spike-matmul.wasm.js';

const spikeMatMulModule = embeddedModule(WASM_BASE64);

interface Kernel {
  memory: WebAssembly.Memory;
  gather: (...a: number[]) => void;
  scatter: (...a: number[]) => void;
}

let kernel: Kernel | null | undefined;

function getKernel(): Kernel | null {
  if (kernel === undefined) {
    const mod = spikeMatMulModule();
    kernel = mod === null ? null : (new WebAssembly.Instance(mod, {}).exports as unknown as Kernel);
  }
  return kernel;
}

function reserve(k: Kernel, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** The spikes of X [rows × nIn] as column indices per row; null when X is not all 0/1. */
export function spikeRows(x: Float32Array, rows: number, nIn: number): { idx: Int32Array; starts: Int32Array } | null {
  const starts = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v === 1) nnz++;
    else if (v !== 0) return null;
  }
  const idx = new Int32Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    starts[r] = k;
    const base = r * nIn;
    for (let i = 0; i < nIn; i++) if (x[base + i] === 1) idx[k++] = i;
  }
  starts[rows] = k;
  return { idx, starts };
}

export function spikeMatMulApplies(tf: Tf, nOut: number): boolean {
  return !fusionForcedOff() && tf.getBackend() === 'wasm' && nOut % 4 === 0 && getKernel() !== null;
}

/**
 * X·W with X [rows × nIn] given as its values (0/1, no gradient) and W [nIn × nOut] a tensor;
 * null when X is not binary (the caller then uses tf.matMul). Call where `spikeMatMulApplies`.
 */
export function spikeMatMul(tf: Tf, x: Float32Array, rows: number, w: Tensor2D): Tensor2D | null {
  const k = getKernel()!;
  const [nIn, nOut] = w.shape;
  const csr = spikeRows(x, rows, nIn);
  if (csr === null) return null;
  const { idx, starts } = csr;
  // byte layout: idx, starts (i32), then 16-byte aligned f32 blocks: W or dW [nIn × nOut], out or G [rows × nOut]
  const oIdx = 0;
  const oStarts = oIdx + idx.length * 4;
  const oW = Math.ceil((oStarts + starts.length * 4) / 16) * 16;
  const oOut = oW + nIn * nOut * 4;
  const end = oOut + rows * nOut * 4;
  const put = (): void => {
    reserve(k, end);
    new Int32Array(k.memory.buffer, oIdx, idx.length).set(idx);
    new Int32Array(k.memory.buffer, oStarts, starts.length).set(starts);
  };
  const op = tf.customGrad((...args: unknown[]) => {
    const wt = args[0] as Tensor;
    put();
    new Float32Array(k.memory.buffer, oW, nIn * nOut).set(wt.dataSync() as Float32Array);
    k.gather(oIdx, oStarts, rows, oW, oOut, nOut);
    const out = new Float32Array(k.memory.buffer, oOut, rows * nOut).slice();
    return {
      value: tf.tensor2d(out, [rows, nOut]),
      gradFunc: (dy: Tensor | Tensor[]) => {
        put();
        new Float32Array(k.memory.buffer, oOut, rows * nOut).set((dy as Tensor).dataSync() as Float32Array);
        new Float32Array(k.memory.buffer, oW, nIn * nOut).fill(0);
        k.scatter(oIdx, oStarts, rows, oOut, oW, nOut);
        return tf.tensor2d(new Float32Array(k.memory.buffer, oW, nIn * nOut).slice(), [nIn, nOut]);
      },
    };
  });
  return op(w) as Tensor2D;
}
