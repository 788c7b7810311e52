/**
 * Worker-thread entry of multi-replica SPSA (spsa-replicas.ts): hosts some replicas, computes
 * their scalars on request and applies the global ordered sum sent back by the coordinator.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset } from '../datasets/dataset.js';
import { ReplicaHost, type WorkerInit, type WorkerReply, type WorkerRequest } from './spsa-replicas.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const send = (r: WorkerReply): void => port.postMessage(r);

ReplicaHost.create(init.job, init.ids, init.data as Dataset).then(
  (host) => {
    port.on('message', (msg: WorkerRequest) => {
      try {
        if (msg.type === 'scalars') send({ type: 'scalars', ...host.scalars(msg.round!) });
        else if (msg.type === 'apply') send({ type: 'hashes', hashes: host.apply(msg.round!, msg.scalars!) });
        else if (msg.type === 'weights') send({ type: 'weights', weights: host.weights().map((t) => Float32Array.from(t.values)) });
        else port.close();
      } catch (e) {
        send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    });
    send({ type: 'ready' });
  },
  (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
