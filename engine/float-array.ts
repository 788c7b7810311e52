/** Storage precision of a run: float64 is the reference (spike-exact with Brian2), float32 the fast one. */
export type Precision = 'f32' | 'f64';
export type FloatArray = Float32Array | Float64Array;

export function allocFloat(precision: Precision, length: number): FloatArray {
  return precision === 'f32' ? new Float32Array(length) : new Float64Array(length);
}
