/**
 * Worker-thread entry of the parallel evaluation (eval-job.ts): evaluates samples [from, to) of the
 * test set on a frozen copy of the model and writes the predictions into shared memory.
 */
import { workerData } from 'node:worker_threads';
import { imageOf, loadDataset, subset } from '../datasets/dataset.js';
import { argmaxCount, voteClass } from '../learning/readout.js';
import type { EvalWorkerData } from './eval-job.js';
import { Presenter } from './presenter.js';
import type { ResolvedRecipe } from './recipe.js';
import { buildTrainingSystem } from './recipe-system.js';

const job = workerData as EvalWorkerData;
const control = new Int32Array(job.buffers.control);
try {
  const { spec } = job;
  const system = buildTrainingSystem(spec.model, spec.config, spec.seed, spec.recipe as ResolvedRecipe | undefined);
  for (const [k, a] of Object.entries(system.modelArrays())) a.set(job.arrays[k]!);
  system.setMode(null);
  const ds = spec.dataset;
  const split = ds.split ?? 'test';
  const loaded = loadDataset(ds.name as 'mnist' | 'fashion-mnist', split, { dataDir: ds.dataDir ?? undefined, rescaleMeanTo: ds.rescaleMeanTo ?? undefined });
  const samples = split === 'test' ? subset(loaded, ds.count) : loaded;
  const presenter = new Presenter(system, spec.seed);
  const sl = new Int8Array(job.buffers.sl);
  const usl = new Int8Array(job.buffers.usl);
  const pres = new Int32Array(job.buffers.presentations);
  const counts = job.buffers.hiddenCounts ? new Uint8Array(job.buffers.hiddenCounts) : null;
  const hidden = system.hidden.size;
  for (let k = job.from; k < job.to; k++) {
    const i = job.indices ? job.indices[k]! : k;
    const r = presenter.present(imageOf(samples, i), samples.labels[i]!, i, null, job.streamKey);
    sl[k] = system.output ? argmaxCount(r.outputCounts) : -1;
    usl[k] = voteClass(job.assignments, r.hiddenCounts);
    pres[k] = r.presentations;
    if (counts) {
      for (let j = 0; j < hidden; j++) {
        const c = r.hiddenCounts[j]!;
        // One byte per count: no neuron of these models fires 256 times in a presentation; say so if one does.
        if (c > 255) throw new Error(`hidden neuron ${j} fired ${c} times in one presentation (more than a byte holds)`);
        counts[k * hidden + j] = c;
      }
    }
    Atomics.add(control, 0, 1);
  }
  Atomics.add(control, 1, 1);
} catch (err) {
  const msg = new TextEncoder().encode(String((err as Error)?.message ?? err).slice(0, 1000));
  new Uint8Array(job.buffers.error).set(msg.subarray(0, 1023));
  Atomics.add(control, 2, 1);
}
Atomics.notify(control, 1);
