/**
 * The one switch of tensor mode's fast paths on the wasm backend (the fused LIF kernel, fused-lif.ts;
 * the event-driven input product, spike-matmul.ts, and the layer that fuses both, fused-dense-lif.ts;
 * the transpose-free matMul gradient, matmul-gradient.ts): SNN_TENSOR_FUSED=0 in the environment
 * runs the plain op-by-op tfjs path instead, e.g. to compare the two.
 */
export function fusionForcedOff(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SNN_TENSOR_FUSED === '0';
}
