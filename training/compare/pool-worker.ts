/**
 * Worker-thread entry of the compare pool (pool.ts): runs the jobs it is sent, one at a time, and
 * reports progress, the result, or the error.
 */
import { parentPort } from 'node:worker_threads';
import { SnnError } from '../../engine/errors.js';
import { runJob } from '../jobs/run-job.js';
import { PROGRESS_EVERY, type PoolMessage, type PoolTask } from './pool.js';

const port = parentPort!;
const send = (m: PoolMessage) => port.postMessage(m);

port.on('message', (task: PoolTask) => {
  runJob(task.spec, {
    runDir: task.runDir,
    ...(task.stopAfter !== undefined ? { stopAfter: task.stopAfter } : {}),
    onProgress: (samples) => {
      if (samples % PROGRESS_EVERY === 0) send({ type: 'progress', samples });
    },
  }).then(
    (result) => send({ type: 'done', result }),
    (err: unknown) => {
      const e = err as Error;
      send({ type: 'error', message: e?.message ?? String(err), code: err instanceof SnnError ? err.code : null, hint: err instanceof SnnError ? (err.hint ?? null) : null });
    },
  );
});
