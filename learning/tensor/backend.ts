/**
 * Loads TensorFlow.js for tensor mode (batched, differentiable rules) and says which backend ran.
 *
 * Order of preference (docs/tensor-mode.md, "Backend selection"):
 *   1. `node` — @tensorflow/tfjs-node (native libtensorflow). It is an optionalDependency whose
 *      install script downloads libtensorflow; where that did not run (as on CI and here) its
 *      native addon is missing and the import throws. We catch that and move on quietly.
 *   2. `wasm` — @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm (SIMD; single-threaded in Node,
 *      tfjs 4.22 hard-codes threads off there). 8–34× faster than `cpu` for matMul.
 *   3. `cpu`  — the pure-JS backend of @tensorflow/tfjs. Always available, slowest.
 *
 * `loadTensorBackend(preferred)` starts at `preferred` and falls back down the list; every step
 * that failed is kept as a note, so `describeTensorBackend()` can print e.g.
 * "wasm (tfjs 4.22.0, SIMD, 1 thread; node unavailable: native addon not built)". The result is
 * cached: tfjs has one global engine, so there is exactly one active backend per process.
 *
 * The "Hi, looks like you are running TensorFlow.js in Node.js … install our node backend" banner
 * is printed by the cpu backend on its first tensor write. We switch it off for that backend only
 * (its `firstUse` flag), instead of setting tfjs's global PROD flag, which would hide every other
 * tfjs warning too. The wasm backend never prints it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { SnnError } from '../../engine/errors.js';

/** The tfjs namespace (tfjs-node re-exports the same API). */
export type Tf = typeof import('@tensorflow/tfjs');

export type TensorBackendName = 'node' | 'wasm' | 'cpu';
export const TENSOR_BACKENDS: readonly TensorBackendName[] = ['node', 'wasm', 'cpu'];

export interface TensorBackend {
  readonly tf: Tf;
  /** The backend that runs. */
  readonly name: TensorBackendName;
  /** The backend that was asked for (where the search started). */
  readonly preferred: TensorBackendName;
  /** Why each better backend was skipped, in order; empty when the first choice loaded. */
  readonly notes: readonly string[];
  /** tfjs version, e.g. '4.22.0'. */
  readonly version: string;
  /** Human-readable details: SIMD, threads. */
  readonly details: string;
}

let cached: TensorBackend | null = null;
let loading: Promise<TensorBackend> | null = null;

/** One line, no stack: the first line of an error message, trimmed. */
function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n')[0]!.trim();
  if (/tfjs_binding\.node|native addon/i.test(first)) return 'native addon not built (its install script was not run)';
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

async function tryNode(): Promise<Tf> {
  // The specifier is a variable so bundlers do not try to resolve it; tfjs-node is optional.
  const spec = '@tensorflow/tfjs-node';
  const mod = (await import(spec)) as Tf & { default?: Tf };
  const tf = (mod.default ?? mod) as Tf;
  if (!(await tf.setBackend('tensorflow'))) throw new Error("backend 'tensorflow' did not initialise");
  return tf;
}

async function loadTfjs(): Promise<Tf> {
  const mod = (await import('@tensorflow/tfjs')) as Tf & { default?: Tf };
  return (mod.default ?? mod) as Tf;
}

async function tryWasm(): Promise<Tf> {
  const tf = await loadTfjs();
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm') & {
    default?: typeof import('@tensorflow/tfjs-backend-wasm');
  };
  const setWasmPaths = wasm.setWasmPaths ?? wasm.default?.setWasmPaths;
  if (setWasmPaths && tf.findBackend('wasm') === null) {
    // Point the loader at the package's own .wasm files explicitly. Node's entry point finds them
    // next to itself anyway, but a bundled or transformed copy of the JS would look elsewhere.
    try {
      const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
      setWasmPaths(`${dirname(entry)}/`);
    } catch {
      // Keep Emscripten's default location.
    }
  }
  if (!(await tf.setBackend('wasm'))) throw new Error("backend 'wasm' did not initialise");
  return tf;
}

async function tryCpu(): Promise<Tf> {
  const tf = await loadTfjs();
  if (!(await tf.setBackend('cpu'))) throw new Error("backend 'cpu' did not initialise");
  // Silence the cpu backend's one-time "install tfjs-node" banner (see the header).
  const b = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof b.firstUse === 'boolean') b.firstUse = false;
  return tf;
}

const LOADERS: Record<TensorBackendName, () => Promise<Tf>> = { node: tryNode, wasm: tryWasm, cpu: tryCpu };

/** tfjs's own name of a backend (`tf.getBackend()`). */
const activeName = (name: TensorBackendName): string => (name === 'node' ? 'tensorflow' : name);

function checkPreferred(p: string): TensorBackendName {
  if (!(TENSOR_BACKENDS as readonly string[]).includes(p)) {
    throw new SnnError('usage', `unknown tensor backend '${p}'`, `use one of: ${TENSOR_BACKENDS.join(', ')}`);
  }
  return p as TensorBackendName;
}

function detailsOf(tf: Tf, name: TensorBackendName): string {
  if (name === 'wasm') {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    return `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : '1 thread'}`;
  }
  if (name === 'node') return 'native libtensorflow';
  return 'pure JS';
}

export interface LoadOptions {
  /** Treat these backends as unavailable (tests of the fallback; diagnostics). */
  disable?: readonly TensorBackendName[];
}

/**
 * Loads tfjs with the best available backend at or below `preferred` (default: the environment
 * variable SNN_TENSOR_BACKEND, else 'node'). Never throws for a missing backend: `cpu` always
 * loads. The first call decides; later calls return the cached backend, unless they ask for a
 * different `preferred`, in which case the search runs again from there.
 */
export async function loadTensorBackend(preferred?: TensorBackendName, opts: LoadOptions = {}): Promise<TensorBackend> {
  const env = process.env.SNN_TENSOR_BACKEND;
  const want = checkPreferred(preferred ?? (env !== undefined && env !== '' ? env : 'node'));
  const disabled = opts.disable ?? [];
  // The cache holds only while its backend is still tfjs's active one: loading another (e.g. 'cpu'
  // on request) switches tfjs's global backend, and the next default call must switch it back.
  if (cached !== null && cached.preferred === want && disabled.length === 0 && cached.tf.getBackend() === activeName(cached.name)) return cached;
  if (loading !== null) {
    const b = await loading;
    if (b.preferred === want && disabled.length === 0) return b;
  }
  loading = (async () => {
    const notes: string[] = [];
    for (const name of TENSOR_BACKENDS.slice(TENSOR_BACKENDS.indexOf(want))) {
      try {
        if (disabled.includes(name)) throw new Error('disabled by the caller');
        const tf = await LOADERS[name]();
        await tf.ready();
        const b: TensorBackend = { tf, name, preferred: want, notes, version: tf.version_core, details: detailsOf(tf, name) };
        // A search with backends disabled (tests, diagnostics) is not what later default calls want.
        if (disabled.length === 0) cached = b;
        return b;
      } catch (e) {
        notes.push(`${name} unavailable: ${reason(e)}`);
      }
    }
    throw new SnnError('internal', `no tensor backend loaded (${notes.join('; ')})`, 'reinstall @tensorflow/tfjs');
  })();
  try {
    return await loading;
  } finally {
    loading = null;
  }
}

/** The loaded backend, or null before `loadTensorBackend` has finished. */
export function currentTensorBackend(): TensorBackend | null {
  return cached;
}

/**
 * One line naming the tensor backend, for every output of tensor mode, e.g.
 * "tfjs wasm (4.22.0, SIMD, 1 thread; node unavailable: native addon not built ...)".
 */
export function describeTensorBackend(b: TensorBackend | null = cached): string {
  if (b === null) return 'tfjs (not loaded)';
  const notes = b.notes.length ? `; ${b.notes.join('; ')}` : '';
  return `tfjs ${b.name} (${b.version}, ${b.details}${notes})`;
}
