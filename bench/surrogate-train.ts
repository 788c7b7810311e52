/**
 * Batched rules (surrogate-gradient BPTT, SPSA) on MNIST / Fashion-MNIST in tensor mode: accuracy
 * and speed.
 *
 *   npx tsx bench/surrogate-train.ts --samples 2000 --hidden 100 --seed 1 [--epochs 1] [--batch 16]
 *       [--steps 20] [--lr 0.01] [--lr-decay 1] [--test 1000] [--dataset mnist] [--readout membrane]
 *       [--surrogate fast-sigmoid] [--beta 10] [--rule surrogate-bptt|spsa[:key=value,...]]
 *       [--optimizer adam|sgd[:key=value,...]] [--tensor-backend node|wasm|cpu] [--json]
 *       [--transform NAME[:opts]]... [--policy NAME[:opts]]...
 *
 * Trains a 784-H-10 LIF network with the named batched rule (learning/batch-rules.ts; default
 * surrogate-bptt) and update transform (default Adam) on the first `samples` training images (in
 * order, `epochs` passes), then evaluates on the first `test` test images. Every rule starts from
 * the same initial weights and sees the same input spikes for a given seed. The update goes through
 * the transform chain in order (`--optimizer` first if given, then every `--transform`; default
 * adam; e.g. `--transform tract --transform adam` preconditions the first layer, then Adam), and
 * `--policy`s choose batch size and learning rate after every update. The report carries the
 * plugins' last diagnostics.
 * Reports accuracy, wall and CPU milliseconds per training sample (CPU time stays meaningful when
 * other processes load the machine), and the tensor backend that ran. `runSurrogateTrain` is the
 * library entry for a future `snn bench surrogate` command.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadDataset, subset } from '../datasets/dataset.js';
import type { DatasetName } from '../datasets/locate.js';
import { SnnError } from '../engine/errors.js';
import { parsePluginSpec } from '../engine/registry.js';
import { batchRules } from '../learning/batch-rules.js';
import { batchStep, nextBatchChoice, preparePolicies } from '../learning/batch-step.js';
import type { BatchPolicy, BatchRule, UpdateTransform } from '../learning/plugin-contract.js';
import { createPolicy } from '../learning/policies/registry.js';
import { Spsa } from '../learning/spsa.js';
import { SurrogateBptt, type ForwardStats, type Readout, type SurrogateMlpConfig } from '../learning/surrogate-bptt.js';
import { createTransform } from '../learning/transforms/registry.js';
import type { Dataset } from '../datasets/dataset.js';
import { describeTensorBackend, loadTensorBackend, type TensorBackendName } from '../learning/tensor/backend.js';

export interface SurrogateTrainOptions {
  samples: number;
  hidden: number;
  seed: number;
  epochs?: number;
  batch?: number;
  steps?: number;
  learningRate?: number;
  /** The learning rate is multiplied by this after every epoch (default 1: constant). */
  lrDecay?: number;
  test?: number;
  dataset?: DatasetName;
  readout?: Readout;
  surrogate?: string;
  beta?: number;
  /** Batched rule spec, e.g. 'surrogate-bptt' (default) or 'spsa:n=4,layers=all'. */
  rule?: string;
  /** Update transform spec, e.g. 'adam' or 'sgd': the first of the chain (default adam when no --transform). */
  optimizer?: string;
  /** Further update transform specs, applied in order after `optimizer`. */
  transforms?: readonly string[];
  /** Batch policy specs, applied in order after every update (default none). */
  policies?: readonly string[];
  tensorBackend?: TensorBackendName;
  dataDir?: string;
  onEpoch?: (epoch: number, trainAccuracy: number, loss: number) => void;
}

export interface SurrogateTrainResult {
  dataset: string;
  hidden: number;
  steps: number;
  trainSamples: number;
  epochs: number;
  batch: number;
  learningRate: number;
  lrDecay: number;
  seed: number;
  readout: string;
  surrogate: string;
  /** The rule with its resolved options, e.g. 'spsa (epsilon=0.001, n=1, …)'. */
  rule: string;
  /** The update transform chain, in order. */
  transforms: string[];
  policies: string[];
  /** Batch size of the last update (differs from `batch` when a policy grows it). */
  finalBatch: number;
  /** Learning rate of the last update (before the epoch decay). */
  finalLearningRate: number;
  /** The transforms' and policies' diagnostics after the last update. */
  diagnostics: Record<string, number>;
  /** SPSA only: fraction of the projected gradients that were exactly 0 (L⁺ = L⁻). */
  zeroDiffFraction?: number;
  trainAccuracyLastEpoch: number;
  testSamples: number;
  testAccuracy: number;
  msPerTrainSample: number;
  cpuMsPerTrainSample: number;
  msPerTestSample: number;
  /** CPU ms (user + system, whole process) per test sample. */
  cpuMsPerTestSample: number;
  /** Peak resident set size of the process so far (MB). */
  peakRssMb: number;
  tensorBackend: string;
  machine: string;
}

export async function runSurrogateTrain(o: SurrogateTrainOptions): Promise<SurrogateTrainResult> {
  const epochs = o.epochs ?? 1;
  const B = o.batch ?? 16;
  const lr = o.learningRate ?? 0.01;
  const decay = o.lrDecay ?? 1;
  const name = o.dataset ?? 'mnist';
  // Names and options first: a typo fails before any data is loaded.
  const ruleSpec = parsePluginSpec(o.rule ?? 'surrogate-bptt', 'batch rule');
  const ruleOptions = batchRules.options(ruleSpec.name, ruleSpec.options);
  const transformSpecs = [...(o.optimizer !== undefined ? [o.optimizer] : []), ...(o.transforms ?? [])];
  if (transformSpecs.length === 0) transformSpecs.push('adam');
  const policySpecs = [...(o.policies ?? [])];
  const chain: UpdateTransform[] = transformSpecs.map(createTransform);
  const policies: BatchPolicy[] = policySpecs.map(createPolicy);
  const backend = await loadTensorBackend(o.tensorBackend);
  const loadOpts = o.dataDir ? { dataDir: o.dataDir } : {};
  const train = subset(loadDataset(name, 'train', loadOpts), o.samples);
  const test = subset(loadDataset(name, 'test', loadOpts), o.test ?? 1000);
  const net: Partial<SurrogateMlpConfig> = {
    hidden: o.hidden,
    seed: o.seed,
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
    ...(o.readout !== undefined ? { readout: o.readout } : {}),
    ...(o.surrogate !== undefined ? { surrogate: o.surrogate } : {}),
    ...(o.beta !== undefined ? { beta: o.beta } : {}),
  };
  const rule = batchRules.get(ruleSpec.name)(backend, train, { ...ruleOptions, ...net }) as MlpRule;
  preparePolicies(rule, policies);
  let zeroDiffs = 0;
  let scalars = 0;
  let update = 0;
  let batch = B;
  let baseLr = lr;
  let trainAcc = NaN;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let e = 0; e < epochs; e++) {
    let correct = 0;
    let loss = 0;
    let seen = 0;
    for (let a = 0; a < train.count; a += batch) {
      const n = Math.min(batch, train.count - a);
      const indices = Int32Array.from({ length: n }, (_, k) => a + k);
      const step = { indices, update: update++ };
      await batchStep(rule, step, { learningRate: baseLr * decay ** e, transforms: chain });
      if (policies.length > 0) {
        const next = nextBatchChoice(rule, step, policies, { batchSize: batch, learningRate: baseLr });
        batch = next.batchSize;
        baseLr = next.learningRate;
      }
      if (rule instanceof Spsa) {
        zeroDiffs += rule.last.zeroDiffs;
        scalars += rule.last.scalars.length;
      }
      correct += rule.last.correct;
      loss += rule.last.loss * n;
      seen += n;
    }
    trainAcc = correct / seen;
    o.onEpoch?.(e, trainAcc, loss / seen);
  }
  const cpu = process.cpuUsage(c0);
  const t1 = performance.now();
  const diagnostics: Record<string, number> = Object.assign({}, ...[...chain, ...policies].map((p) => p.diagnostics?.() ?? {}));
  const ce = process.cpuUsage();
  const ev = rule.evaluate(Int32Array.from({ length: test.count }, (_, i) => i), test);
  const cpuEval = process.cpuUsage(ce);
  const t2 = performance.now();
  const presented = train.count * epochs;
  return {
    dataset: name,
    hidden: o.hidden,
    steps: rule.config.steps,
    trainSamples: train.count,
    epochs,
    batch: B,
    learningRate: lr,
    lrDecay: decay,
    seed: o.seed,
    readout: rule.config.readout,
    surrogate: rule instanceof SurrogateBptt ? `${rule.surrogate.name} (β = ${rule.surrogate.beta})` : 'none (forward only)',
    rule: `${ruleSpec.name}${describeOptions(ruleOptions)}`,
    transforms: transformSpecs,
    policies: policySpecs,
    finalBatch: batch,
    finalLearningRate: baseLr,
    diagnostics,
    ...(scalars > 0 ? { zeroDiffFraction: zeroDiffs / scalars } : {}),
    trainAccuracyLastEpoch: trainAcc,
    testSamples: ev.count,
    testAccuracy: ev.correct / ev.count,
    msPerTrainSample: (t1 - t0) / presented,
    cpuMsPerTrainSample: (cpu.user + cpu.system) / 1000 / presented,
    msPerTestSample: (t2 - t1) / ev.count,
    cpuMsPerTestSample: (cpuEval.user + cpuEval.system) / 1000 / ev.count,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    tensorBackend: describeTensorBackend(backend),
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.versions.node}`,
  };
}

/** What the bench needs of a rule on the 784-H-10 network: both SurrogateBptt and Spsa offer it. */
type MlpRule = BatchRule & {
  readonly config: SurrogateMlpConfig;
  last: ForwardStats;
  evaluate(indices: ArrayLike<number>, data?: Dataset, batchSize?: number): ForwardStats & { count: number };
};

function describeOptions(o: Record<string, unknown>): string {
  const kv = Object.entries(o).map(([k, v]) => `${k}=${String(v)}`);
  return kv.length ? ` (${kv.join(', ')})` : '';
}

/** The human-readable report (one labelled row per line). */
export function formatSurrogateTrain(r: SurrogateTrainResult): string {
  const rows: [string, string][] = [
    ['model', `${r.dataset} 784-${r.hidden}-10 LIF, T = ${r.steps} steps, ${r.readout} readout, surrogate ${r.surrogate}`],
    ['rule', `${r.rule}${r.zeroDiffFraction !== undefined ? `; ${(100 * r.zeroDiffFraction).toFixed(1)} % of loss differences exactly 0` : ''}`],
    ['training', `${r.trainSamples} samples × ${r.epochs} epoch(s), batch ${r.batch}${r.finalBatch !== r.batch ? ` → ${r.finalBatch}` : ''}, lr ${r.learningRate}${r.finalLearningRate !== r.learningRate ? ` → ${r.finalLearningRate}` : ''}${r.lrDecay !== 1 ? ` (× ${r.lrDecay} per epoch)` : ''}, seed ${r.seed}`],
    ['optimizer', `${r.transforms.join(' → ')}${r.policies.length ? `; policies ${r.policies.join(', ')}` : ''}`],
    ['train accuracy', `${(100 * r.trainAccuracyLastEpoch).toFixed(1)} % (last epoch, while training)`],
    ['test accuracy', `${(100 * r.testAccuracy).toFixed(1)} % (${r.testSamples} test samples)`],
    ['speed', `${r.msPerTrainSample.toFixed(2)} ms per training sample (CPU ${r.cpuMsPerTrainSample.toFixed(2)} ms), ${r.msPerTestSample.toFixed(2)} ms per test sample (CPU ${r.cpuMsPerTestSample.toFixed(2)} ms)`],
    ['peak memory', `${r.peakRssMb.toFixed(0)} MB resident`],
    ...Object.entries(r.diagnostics).map(([k, v]): [string, string] => [k, Number.isInteger(v) ? String(v) : v.toPrecision(4)]),
    ['tensor backend', r.tensorBackend],
    ['machine', r.machine],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '2000' },
      hidden: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      epochs: { type: 'string', default: '1' },
      batch: { type: 'string', default: '16' },
      steps: { type: 'string', default: '20' },
      lr: { type: 'string', default: '0.01' },
      'lr-decay': { type: 'string', default: '1' },
      test: { type: 'string', default: '1000' },
      dataset: { type: 'string', default: 'mnist' },
      readout: { type: 'string', default: 'membrane' },
      surrogate: { type: 'string', default: 'fast-sigmoid' },
      beta: { type: 'string' },
      rule: { type: 'string', default: 'surrogate-bptt' },
      optimizer: { type: 'string' },
      transform: { type: 'string', multiple: true },
      policy: { type: 'string', multiple: true },
      'tensor-backend': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (k: string, v: string | undefined, int: boolean): number => {
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0 || (int && !Number.isInteger(x))) {
      throw new SnnError('usage', `--${k} must be a positive ${int ? 'integer' : 'number'}, got '${v}'`, `e.g. --${k} ${int ? 100 : 0.01}`);
    }
    return x;
  };
  const r = await runSurrogateTrain({
    samples: num('samples', values.samples, true),
    hidden: num('hidden', values.hidden, true),
    seed: Number(values.seed),
    epochs: num('epochs', values.epochs, true),
    batch: num('batch', values.batch, true),
    steps: num('steps', values.steps, true),
    learningRate: num('lr', values.lr, false),
    lrDecay: num('lr-decay', values['lr-decay'], false),
    test: num('test', values.test, true),
    dataset: values.dataset as DatasetName,
    readout: values.readout as Readout,
    surrogate: values.surrogate,
    ...(values.beta !== undefined ? { beta: num('beta', values.beta, false) } : {}),
    rule: values.rule,
    ...(values.optimizer !== undefined ? { optimizer: values.optimizer } : {}),
    ...(values.transform !== undefined ? { transforms: values.transform } : {}),
    ...(values.policy !== undefined ? { policies: values.policy } : {}),
    ...(values['tensor-backend'] !== undefined ? { tensorBackend: values['tensor-backend'] as TensorBackendName } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    onEpoch: values.json ? undefined : (e, acc, loss) => process.stderr.write(`epoch ${e + 1}: train accuracy ${(100 * acc).toFixed(1)} %, loss ${loss.toFixed(3)}\n`),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(formatSurrogateTrain(r));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  main().catch((e: unknown) => {
    if (e instanceof SnnError) {
      process.stderr.write(`error: ${e.oneLine()}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  });
}
