/**
 * The gradient of tfjs's matMul (kernel BatchMatMul) without transposed products on the wasm backend.
 *
 * tfjs's own gradient writes ∂L/∂B = Aᵀ·dy and ∂L/∂A = dy·Bᵀ as matMuls with transposeA/transposeB
 * set. The wasm backend runs those through a slow generic loop instead of XNNPACK: about 10× the
 * CPU of the plain product at the sizes of tensor mode (784 × 320 × 100: 23 ms against 2.6 ms),
 * which made the first layer's weight gradient half the cost of a training update. This gradient
 * transposes the operand explicitly (a cheap copy) and multiplies untransposed — the same sums, up
 * to float32 rounding order. Other backends, and SNN_TENSOR_FUSED=0, keep tfjs's gradient as is.
 *
 * tfjs has one gradient registry per process, so this replaces the gradient for every matMul
 * on the wasm backend; each input's gradient stays lazy (computed only when on the path to the
 * requested variables, e.g. never for the input spikes).
 */
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import type { Tf } from './op-arguments.js';

const installed = new WeakSet<object>();

/**
 * Registers the gradient once per tfjs instance; `applies()` is asked on each backward pass (the
 * registry's choice: wasm backend and SNN_TENSOR_FUSED not 0), else tfjs's own gradient runs.
 */
export function installMatMulGradient(tf: Tf, applies: () => boolean): void {
  if (installed.has(tf)) return;
  installed.add(tf);
  const original = tf.getGradient('BatchMatMul');
  const T = (x: Tensor): Tensor => {
    const r = x.rank;
    const perm = Array.from({ length: r }, (_, i) => (i < r - 2 ? i : i === r - 2 ? r - 1 : r - 2));
    return tf.transpose(x, perm);
  };
  // matMul(p, q, tp, tq) with the transposes done explicitly. pᵀ·q with q much narrower than p (the
  // readout's weight gradient: hidden spikes [T·B × H] against ∂L/∂z [T·B × 10]) is formed as (qᵀ·p)ᵀ,
  // which transposes only the narrow operand and the small result (tfjs-wasm's transpose is slow).
  const cols = (x: Tensor): number => x.shape[x.rank - 1]!;
  const mm = (p: Tensor, q: Tensor, tp: boolean, tq: boolean): Tensor => {
    if (tp && !tq && q.size + cols(p) * cols(q) < p.size) return T(tf.matMul(T(q), p));
    return tf.matMul(tp ? T(p) : p, tq ? T(q) : q);
  };
  const config: GradConfig = {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      if (!applies()) return original.gradFunc(dy, saved, attrs);
      const g = dy as Tensor;
      const [a, b] = saved as [Tensor, Tensor];
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      // The four cases of tfjs's BatchMatMul gradient.
      if (!transposeA && !transposeB) return { a: () => mm(g, b, false, true), b: () => mm(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => mm(g, b, false, false), b: () => mm(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => mm(b, g, false, true), b: () => mm(a, g, false, false) };
      return { a: () => mm(b, g, true, true), b: () => mm(g, a, true, true) };
    },
  };
  tf.registerGradient(config);
}
