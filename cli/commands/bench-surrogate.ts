/**
 * `snn bench surrogate --samples N --hidden H --seed S [--rule spsa[:opts]] [...]`: a batched rule
 * (surrogate-gradient BPTT by default, or SPSA) on the 784-H-10 LIF network in tensor mode
 * (bench/surrogate-train.ts): test accuracy, wall and CPU ms per training sample, and the tensor
 * backend that ran. `--optimizer`/`--transform`/`--policy` choose the optimizer chain (e.g.
 * `--transform lamb`, `--transform tract --transform adam`, `--policy lr-batch-scaling:kappa=0.5`).
 * Registered in cli/commands/bench.ts's experiment list.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { formatSurrogateTrain, runSurrogateTrain } from '../../bench/surrogate-train.js';
import type { DatasetName } from '../../datasets/locate.js';
import type { Readout } from '../../learning/surrogate-bptt.js';
import { policies } from '../../learning/policies/registry.js';
import { surrogates } from '../../learning/surrogates.js';
import { transforms } from '../../learning/transforms/registry.js';
import { TENSOR_BACKENDS, type TensorBackendName } from '../../learning/tensor/backend.js';
import { RECORD_HELP, startRecording } from '../../bench/results-row.js';
import { positiveInt, positiveNumber, seed } from '../parse.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface SurrogateBenchFlags {
  dataset: DatasetName;
  samples: number;
  test: number;
  hidden: number;
  epochs: number;
  batch: number;
  steps: number;
  lr: number;
  lrDecay: number;
  readout: Readout;
  surrogate: string;
  beta?: number;
  seed: number;
  rule: string;
  optimizer?: string;
  transform: string[];
  policy: string[];
  tensorBackend?: TensorBackendName;
  dataDir?: string;
  json?: boolean;
  record?: string;
}

export function registerBenchSurrogate(bench: Command): void {
  bench
    .command('surrogate')
    .description('a batched rule (surrogate-gradient BPTT or SPSA) on a 784-H-10 LIF network in tensor mode: test accuracy, ms per training sample, tensor backend')
    .addOption(new Option('--dataset <name>', 'data set').choices(['mnist', 'fashion-mnist']).default('mnist'))
    .option('--samples <n>', 'training samples (the first N)', positiveInt, 2000)
    .option('--test <n>', 'test samples (the first N)', positiveInt, 1000)
    .option('--hidden <n>', 'hidden LIF neurons', positiveInt, 100)
    .option('--epochs <n>', 'passes over the training samples', positiveInt, 1)
    .option('--batch <n>', 'samples per update', positiveInt, 16)
    .option('--steps <n>', 'time steps per presentation (dt 1 ms)', positiveInt, 20)
    .option('--lr <x>', "learning rate η of W ← W − η·U'", positiveNumber, 0.01)
    .option('--transform <spec>', `update transform NAME[:key=value,…], repeatable, applied in order after --optimizer (known: ${transforms.names().join(', ')})`, collect, [])
    .option('--policy <spec>', `batch policy NAME[:key=value,…], repeatable (known: ${policies.names().join(', ')})`, collect, [])
    .option('--lr-decay <x>', 'learning-rate factor applied after every epoch', positiveNumber, 1)
    .addOption(new Option('--readout <r>', 'loss on the mean output membrane or on output spike counts').choices(['membrane', 'spike-count']).default('membrane'))
    .addOption(new Option('--surrogate <name>', 'surrogate spike derivative').choices(surrogates.names()).default('fast-sigmoid'))
    .option('--beta <x>', 'surrogate slope (default: the surrogate\'s own)', positiveNumber)
    .option('--seed <n>', 'seed of every random stream', seed, 1)
    .option('--rule <spec>', "batched rule NAME[:key=value,...]: surrogate-bptt or spsa (e.g. 'spsa:n=4,layers=all')", 'surrogate-bptt')
    .option('--optimizer <spec>', 'update transform NAME[:key=value,...] first in the chain (default adam when no --transform)')
    .addOption(new Option('--tensor-backend <b>', 'preferred tfjs backend (falls back: node → wasm → cpu; default: the first that loads)').choices([...TENSOR_BACKENDS]))
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files (default: $SNN_DATA_DIR, else the locations of docs/datasets.md)').env('SNN_DATA_DIR'))
    .option('--json', 'print one JSON object')
    .option('--record <topic#anchor>', RECORD_HELP)
    .action(async (f: SurrogateBenchFlags) => {
      const record = startRecording('accuracy', f.record, ['snn', ...process.argv.slice(2)]);
      const r = await runSurrogateTrain({
        dataset: f.dataset,
        samples: f.samples,
        test: f.test,
        hidden: f.hidden,
        epochs: f.epochs,
        batch: f.batch,
        steps: f.steps,
        learningRate: f.lr,
        lrDecay: f.lrDecay,
        readout: f.readout,
        surrogate: f.surrogate,
        seed: f.seed,
        rule: f.rule,
        ...(f.optimizer !== undefined ? { optimizer: f.optimizer } : {}),
        transforms: f.transform,
        policies: f.policy,
        ...(f.beta !== undefined ? { beta: f.beta } : {}),
        ...(f.tensorBackend !== undefined ? { tensorBackend: f.tensorBackend } : {}),
        ...(f.dataDir !== undefined ? { dataDir: f.dataDir } : {}),
      });
      process.stdout.write(f.json ? `${JSON.stringify(r)}\n` : formatSurrogateTrain(r));
      record({
        what: `${r.rule} ${r.dataset} 784-${r.hidden}-10, ${r.trainSamples} samples × ${r.epochs} epoch(s), batch ${r.batch}`,
        metric: `test accuracy (${r.testSamples} images)`,
        value: +(100 * r.testAccuracy).toFixed(2),
        precision: 2,
        unit: '%',
        compare: '',
        backend: r.tensorBackend,
        notes: [`CPU ms per training sample ${r.cpuMsPerTrainSample.toFixed(3)}, per test sample ${r.cpuMsPerTestSample.toFixed(3)}`, `transforms: ${r.transforms.join(', ') || 'none'}; policies: ${r.policies.join(', ') || 'none'}`],
      });
    });
}
