/**
 * Kingma & Ba's Adam written out in float64 for one tensor, the reference of the Adam and LAMB
 * tests: float64 moments, float32 step direction. The bias corrections are applied as reciprocals,
 * as the transform does (a division would round differently).
 */
export function textbookAdam(b1: number, b2: number, eps: number) {
  let m: Float64Array | null = null;
  let v: Float64Array | null = null;
  let t = 0;
  const step = (g: ArrayLike<number>): Float32Array => {
    m ??= new Float64Array(g.length);
    v ??= new Float64Array(g.length);
    t++;
    const c1 = 1 / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    const out = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      out[i] = (m[i]! * c1) / (Math.sqrt(v[i]! * c2) + eps);
    }
    return out;
  };
  return { step, moments: () => ({ m: m!, v: v!, t }) };
}
