/**
 * Test-set evaluation split across worker threads. Each worker rebuilds the frozen model from its
 * configuration and arrays, loads the test set itself, and evaluates a contiguous range of samples;
 * predictions come back through SharedArrayBuffers while the main thread waits on an Atomics
 * counter (so training stays a plain synchronous loop). Every test sample starts from a reset
 * dynamic state, so the predictions are identical whatever the number of workers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SnnError } from '../engine/errors.js';
import type { FloatArray } from '../engine/float-array.js';

export interface EvalJobSpec {
  model: string;
  config: unknown;
  /** The resolved recipe (absent: the model's default). */
  recipe?: unknown;
  seed: number;
  /** The test set's first `count` samples (the default), or samples of the training set picked by `EvalSamples.indices`. */
  dataset: { name: string; dataDir: string | null; rescaleMeanTo: number | null; count: number; split?: 'test' | 'train' };
}

/**
 * Which samples a job presents and what it keeps besides the predictions: sample k of the job is
 * dataset index `indices[k]` (default k), its input streams are keyed `streamKey` (default 'test',
 * the evaluation's), and with `hiddenCounts` every hidden neuron's spike count comes back too.
 */
export interface EvalSamples {
  indices?: Int32Array;
  streamKey?: string;
  hiddenCounts?: boolean;
}

export interface EvalShared {
  /** [done samples, finished workers, failed workers] */
  control: Int32Array;
  sl: Int8Array;
  usl: Int8Array;
  presentations: Int32Array;
  /** UTF-8 error message of a failed worker (first one). */
  error: Uint8Array;
}

export interface EvalWorkerData {
  spec: EvalJobSpec;
  arrays: Record<string, FloatArray>;
  assignments: Int8Array;
  from: number;
  to: number;
  indices: Int32Array | null;
  streamKey: string;
  buffers: {
    control: SharedArrayBuffer;
    sl: SharedArrayBuffer;
    usl: SharedArrayBuffer;
    presentations: SharedArrayBuffer;
    error: SharedArrayBuffer;
    /** Hidden spike counts, sample-major (samples × hidden neurons, one byte each), or null. */
    hiddenCounts: SharedArrayBuffer | null;
  };
}

/** The compiled worker script, or null when running from TypeScript sources (tests): then evaluation runs in-process. */
export function defaultWorkerScript(): string | null {
  const url = new URL('./eval-worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : null;
}

export interface ParallelEvalResult {
  sl: Int8Array;
  usl: Int8Array;
  presentations: Int32Array;
  /** With `samples.hiddenCounts`: counts[k·hidden + i] = spikes of hidden neuron i for sample k. */
  hiddenCounts: Uint8Array | null;
}

export function evaluateInWorkers(
  spec: EvalJobSpec,
  arrays: Record<string, FloatArray>,
  assignments: Int8Array,
  workers: number,
  script: string,
  onProgress?: (done: number) => void,
  samples: EvalSamples = {},
): ParallelEvalResult {
  const n = samples.indices?.length ?? spec.dataset.count;
  const buffers = {
    control: new SharedArrayBuffer(3 * 4),
    sl: new SharedArrayBuffer(n),
    usl: new SharedArrayBuffer(n),
    presentations: new SharedArrayBuffer(4 * n),
    error: new SharedArrayBuffer(1024),
    hiddenCounts: samples.hiddenCounts ? new SharedArrayBuffer(n * assignments.length) : null,
  };
  const control = new Int32Array(buffers.control);
  const started: Worker[] = [];
  for (let w = 0; w < workers; w++) {
    const from = Math.floor((w * n) / workers);
    const to = Math.floor(((w + 1) * n) / workers);
    const data: EvalWorkerData = { spec, arrays, assignments, from, to, indices: samples.indices ?? null, streamKey: samples.streamKey ?? 'test', buffers };
    started.push(new Worker(script, { workerData: data }));
  }
  // Block until every worker has finished (or failed), reporting progress meanwhile.
  while (Atomics.load(control, 1) + Atomics.load(control, 2) < workers) {
    Atomics.wait(control, 1, Atomics.load(control, 1), 200);
    onProgress?.(Atomics.load(control, 0));
  }
  for (const w of started) void w.terminate();
  if (Atomics.load(control, 2) > 0) {
    const bytes = new Uint8Array(buffers.error);
    const end = bytes.indexOf(0);
    const message = new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end));
    throw new SnnError('internal', `an evaluation worker failed: ${message}`, 'rerun with --eval-workers 1 to evaluate in-process');
  }
  return {
    sl: new Int8Array(buffers.sl),
    usl: new Int8Array(buffers.usl),
    presentations: new Int32Array(buffers.presentations),
    hiddenCounts: buffers.hiddenCounts ? new Uint8Array(buffers.hiddenCounts) : null,
  };
}
