/**
 * Compile-once access to a WebAssembly module embedded as base64 (engine/kernels/wasm/*.wasm.ts,
 * made by scripts/build-wasm.mjs).
 */

/**
 * A getter that compiles the module on first use and returns it ever after; null when this engine
 * cannot compile it (no WebAssembly SIMD), so callers fall back to their JS loops.
 */
export function embeddedModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Buffer.from(base64, 'base64'));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
