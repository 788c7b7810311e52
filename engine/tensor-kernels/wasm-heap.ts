/**
 * Tensor data without copies on tfjs's wasm backend: `tensorValues` views a tensor's float32 values
 * where the backend keeps them (its WebAssembly heap) instead of copying them out (`dataSync`), and
 * `tensorFilled` lets a kernel write a new tensor's values in place instead of handing tfjs an array
 * to copy in. The fused ops (fused-dense-lif.ts) move W, the spikes and their gradients this way: at
 * H = 1000 those are megabytes per update, and each copy costs about what the kernel's arithmetic
 * does. It uses the backend methods tfjs-wasm's own kernels use (`makeOutput`,
 * `typedArrayFromHeap`); on other backends both fall back to ordinary copies.
 *
 * A heap view dies when tfjs allocates (the heap may grow): read it at once, before any other op.
 */
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from './op-arguments.js';

interface WasmHeapApi {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

function heapApi(tf: Tf): WasmHeapApi | null {
  if (tf.getBackend() !== 'wasm') return null;
  const b = tf.backend() as unknown as Partial<WasmHeapApi>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function' ? (b as WasmHeapApi) : null;
}

/** t's float32 values: a view of the wasm heap (valid until tfjs next allocates), else a copy. */
export function tensorValues(tf: Tf, t: Tensor): Float32Array {
  const api = heapApi(tf);
  if (api === null || t.dtype !== 'float32') return t.dataSync() as Float32Array;
  return api.typedArrayFromHeap(t as unknown as TensorInfo);
}

/** A new float32 tensor of `shape` whose values `fill` writes (in the wasm heap where it can). */
export function tensorFilled(tf: Tf, shape: number[], fill: (out: Float32Array) => void): Tensor {
  const api = heapApi(tf);
  if (api === null) {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    fill(values);
    return tf.tensor(values, shape);
  }
  const info = api.makeOutput(shape, 'float32');
  fill(api.typedArrayFromHeap(info));
  return tf.engine().makeTensorFromTensorInfo(info) as Tensor;
}
