/**
 * Worker-thread entry of the local pool (local-pool.ts): runs the jobs it is sent, one at a time,
 * and posts their progress and results back.
 */
import { parentPort } from 'node:worker_threads';
import { SnnError } from '../../engine/errors.js';
import { validateJob } from '../jobs/job.js';
import { runJob } from '../jobs/run-job.js';
import { runJobInto } from './run-dir.js';
import type { ThreadReply, ThreadRequest } from './local-pool.js';

const port = parentPort!;
port.on('message', (m: ThreadRequest) => {
  void (async () => {
    const reply = (r: ThreadReply) => port.postMessage(r);
    try {
      const spec = validateJob(m.spec);
      const onProgress = (samples: number) => reply({ type: 'progress', samples });
      const t = m.target;
      const result = 'root' in t ? await runJobInto(spec, t.root, onProgress) : await runJob(spec, { runDir: t.runDir, onProgress, ...(t.stopAfter !== undefined ? { stopAfter: t.stopAfter } : {}) });
      reply({ type: 'result', result });
    } catch (err) {
      const known = err instanceof SnnError;
      reply({ type: 'error', message: known ? err.oneLine() : String((err as Error)?.message ?? err), badInput: known && err.code !== 'internal' });
    }
  })();
});
