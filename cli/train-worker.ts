/**
 * Worker-thread entry of `snn train` (cli/train-runner.ts): runs the synchronous training loop off
 * the main thread, so the main thread stays free to draw progress and to receive Ctrl-C, which it
 * passes on through a shared flag the loop reads after every sample.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SnnError } from '../engine/errors.js';
import { train } from '../training/run-training.js';
import type { TrainerMessage, TrainerWorkerData } from './train-runner.js';

const { request, flag } = workerData as TrainerWorkerData;
const stop = new Int32Array(flag);
const post = (m: TrainerMessage) => parentPort!.postMessage(m);
// One progress message per 100 ms at most (and every phase change): the main thread redraws at that pace.
let lastPost = 0;
let lastPhase = '';
try {
  const summary = train(
    request,
    (p) => {
      const now = performance.now();
      if (now - lastPost < 100 && p.phase === lastPhase) return;
      lastPost = now;
      lastPhase = p.phase;
      post({ type: 'progress', progress: p });
    },
    undefined,
    {
      shouldStop: () => Atomics.load(stop, 0) !== 0,
      onEvaluation: (line) => post({ type: 'evaluation', line }),
      onStart: (start) => post({ type: 'start', start }),
    },
  );
  post({ type: 'done', summary });
} catch (err) {
  const e = err as Error;
  post({
    type: 'error',
    error: err instanceof SnnError ? { snn: true, code: err.code, message: err.message, hint: err.hint, exitCode: err.exitCode, stack: err.stack } : { snn: false, message: e?.message ?? String(err), stack: e?.stack, name: e?.name },
  });
}
