/**
 * `snn train` for models trained by a batch rule (`--model lif-mlp --rule surrogate-bptt
 * --optimizer adam`): the same flags and run directory as the local trainer, through
 * training/batch-trainer.ts.
 */
import { SnnError } from '../../engine/errors.js';
import { trainBatch, type BatchTrainSummary } from '../../training/batch-trainer.js';
import type { TrainRequest } from '../../training/run-training.js';
import { progressReporter } from '../progress.js';
import { writeTrainReport, type TrainFlags } from './train.js';

/** The update transforms (`--optimizer` first, then every `--transform`) and batch policies of the flags. */
export function batchPlugins(flags: Pick<TrainFlags, 'optimizer' | 'transform' | 'policy'>): Pick<TrainRequest, 'transforms' | 'policy'> {
  const transforms = [...(flags.optimizer !== undefined ? [flags.optimizer] : []), ...(flags.transform ?? [])];
  return { ...(transforms.length ? { transforms } : {}), ...(flags.policy?.length ? { policy: flags.policy[0]! } : {}) };
}

/**
 * The request fields of a new run, shared by the local and the batch trainer (each adds its own),
 * after the checks every new run needs: --neurons, --seed and --out.
 */
export function newRunFields(flags: TrainFlags, defaultModel: string) {
  if (flags.neurons === undefined) throw new SnnError('usage', 'missing --neurons', 'e.g. --neurons 100');
  if (flags.seed === undefined) throw new SnnError('usage', 'missing --seed', 'e.g. --seed 1 (every run is reproducible from its seed)');
  if (!flags.out) throw new SnnError('usage', 'missing --out RUN_DIR', 'name a directory for the run');
  return {
    model: flags.model ?? defaultModel,
    dataset: flags.dataset ?? 'mnist',
    neurons: flags.neurons,
    epochs: flags.epochs,
    trainSamples: flags.trainSamples,
    testSamples: flags.testSamples,
    evalEvery: flags.evalEvery,
    checkpointEvery: flags.checkpointEvery,
    schedule: flags.schedule,
    precision: flags.precision,
    rest: flags.rest,
    seed: flags.seed,
    dataDir: flags.dataDir,
    sampler: flags.sampler,
    imbalance: flags.imbalance,
    stopWhenPredicted: flags.stopWhenPredicted,
    set: flags.set,
    rules: flags.rule,
    recipe: flags.recipe,
    ...batchPlugins(flags),
    out: flags.out,
  };
}

export async function runBatchTrain(flags: TrainFlags): Promise<void> {
  const bar = progressReporter('train', 'samples', flags.progress && !flags.json, { describe: (e) => `${e.phase ?? ''}${e.acc !== undefined ? `, running acc ${e.acc}` : ''}` });
  const started = performance.now();
  let summary: BatchTrainSummary;
  try {
    const onProgress = (p: { trained: number; total: number; phase: string; runningAccuracy: number | null }) => {
      const wall = (performance.now() - started) / 1000;
      bar.update(p.trained, p.total, {
        phase: p.phase === 'eval' ? 'testing' : 'training',
        rate: `${(p.trained / Math.max(wall, 1e-9)).toFixed(1)} samples/s`,
        acc: p.runningAccuracy === null ? '–' : `${(100 * p.runningAccuracy).toFixed(1)}%`,
      });
    };
    if (flags.resume) {
      if (flags.out) throw new SnnError('usage', '--resume and --out cannot be used together', 'the resumed run keeps its directory');
      if (flags.rule || flags.optimizer || flags.transform || flags.policy || flags.set) throw new SnnError('usage', '--resume continues with the rule, transforms, policies and options stored in the run', 'omit them, or start a new run with --out');
      summary = await trainBatch({ resume: flags.resume, epochs: flags.epochs }, onProgress);
    } else {
      summary = await trainBatch(
        { ...newRunFields(flags, flags.model!), policies: flags.policy?.slice(1) },
        onProgress,
      );
    }
  } finally {
    bar.stop();
  }
  if (flags.report) await writeTrainReport(summary.runDir, flags);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
  process.stdout.write(
    `${summary.model} on ${summary.dataset}, 784-${summary.neurons}-10, ${summary.trainSamples} training samples, seed ${summary.seed}\n` +
      `rule ${summary.rule}; transforms ${summary.transforms.join(' → ')}${summary.policies.length ? `; policies ${summary.policies.join(', ')}` : ''}\n` +
      `test accuracy (${summary.testSamples} samples): ${pct(summary.accuracy)}\n` +
      `${summary.msPerTrainSample.toFixed(2)} ms per training sample, ${summary.wallSeconds.toFixed(1)} s wall; backend: ${summary.backend}\n` +
      (summary.predicted ? `predicted final accuracy: ${pct(summary.predicted.final)} [${pct(summary.predicted.lo)}, ${pct(summary.predicted.hi)}] (${summary.predicted.family})\n` : '') +
      (summary.stopReason ? `${summary.stopReason}\n` : '') +
      `run directory: ${summary.runDir}\n`,
  );
}
