/**
 * `snn train --model hao2020 --dataset mnist --neurons N ... --out RUN_DIR` (or `--resume RUN_DIR`):
 * trains with a progress bar, evaluates every K samples, checkpoints atomically, prints the result.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { join } from 'node:path';
import type { TrainSummary } from '../../training/run-training.js';
import { isBatchModel, trainableModels } from '../../training/models.js';
import { isBatchRun } from '../../training/batch-trainer.js';
import { newRunFields, runBatchTrain } from './train-batch.js';
import { SnnError } from '../../engine/errors.js';
import { InvalidArgumentError } from 'commander';
import { positiveInt, positiveNumber, seed } from '../parse.js';
import { progressReporter } from '../progress.js';
import { CommandExit, INTERRUPTED_EXIT_CODE, onStopSignal, shellQuote } from '../signals.js';
import { canInterrupt, runTrainer, type TrainerRequest } from '../train-runner.js';
import { writeRunReport } from '../../report/report.js';

export interface TrainFlags {
  model?: string;
  dataset?: string;
  neurons?: number;
  epochs?: number;
  trainSamples?: number;
  testSamples?: number;
  evalEvery?: number;
  checkpointEvery?: number;
  schedule?: 'simultaneous' | 'layerwise';
  precision?: 'f32' | 'f64';
  rest?: 'simulate' | 'reset';
  seed?: number;
  out?: string;
  resume?: string;
  dataDir?: string;
  json?: boolean;
  evalWorkers?: number;
  sampler?: string;
  imbalance?: number;
  stopWhenPredicted?: boolean;
  set?: Record<string, string>;
  rule?: string[];
  recipe?: string;
  optimizer?: string;
  transform?: string[];
  transformOn?: string;
  transformOrder?: 'before-scaling' | 'after-scaling' | 'instead-of-scaling';
  transformRate?: number;
  policy?: string[];
  progress: boolean;
  report: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a plasticity model on MNIST or Fashion-MNIST (e.g. the supervised sym-STDP network of Hao et al. 2020)')
    .addOption(new Option('--model <name>', 'model to train').choices(['hao2020', ...trainableModels.names().filter((n) => n !== 'hao2020')]).default('hao2020'))
    .addOption(new Option('--dataset <name>', 'data set').choices(['mnist', 'fashion-mnist']).default('mnist'))
    .option('--neurons <n>', 'hidden excitatory neurons (required for a new run; 100, 400, 1600, 6400, 10000 have tabulated settings)', positiveInt)
    .option('--epochs <n>', 'passes over the training samples (default 1)', positiveInt)
    .option('--train-samples <n>', 'use the first N training images (default 60000)', positiveInt)
    .option('--test-samples <n>', 'evaluate on the first N test images (default 10000)', positiveInt)
    .option('--eval-every <n>', 'evaluate on the test set every N training samples (default 10000)', positiveInt)
    .option('--checkpoint-every <n>', 'write a checkpoint every N training samples (default 1000)', positiveInt)
    .addOption(new Option('--schedule <s>', 'learn both layers at once, or the hidden layer first (default: the model\'s, simultaneous for hao2020)').choices(['simultaneous', 'layerwise']))
    .addOption(new Option('--precision <p>', 'state and weight precision (default: the model\'s, f64 for hao2020)').choices(['f32', 'f64']))
    .addOption(new Option('--rest <r>', "simulate the 150 ms rest between samples, or 'reset' the state instead (faster; default: the model's, simulate for hao2020)").choices(['simulate', 'reset']))
    .option('--seed <n>', 'seed of every random stream (required for a new run)', seed)
    .option('--out <dir>', 'run directory (config, manifest, metrics.jsonl, checkpoints, model; required for a new run)')
    .option('--resume <dir>', 'continue the run in DIR from its last checkpoint, instead of --out (with --epochs E: extend it to E epochs)')
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files (default: $SNN_DATA_DIR, else the locations of docs/datasets.md)').env('SNN_DATA_DIR'))
    .option('--sampler <spec>', "order of the training samples (default sequential): sequential (the file's, as the authors), shuffled (per epoch, seeded), or a sampler with options, e.g. 'rs2:ratio=0.1', 'cooldown:tau=5' (snn plugins lists them)")
    .option('--imbalance <ratio>', 'train on a long-tailed subset: class k keeps n_max·ratio^(−k/9) samples (seeded); adds balanced and rare-class accuracy (default: the balanced set)', positiveNumber)
    .option('--stop-when-predicted', 'end the run once the predicted final accuracy has settled (checkpoint and model written)')
    .option('--rule <target=rule>', "replace or add a rule of the model's recipe, e.g. --rule 'input->exc=pair-stdp:nuPost=0.02' (repeatable; snn plugins lists rules); lif-mlp takes one batch rule without target, e.g. --rule 'spsa:n=4'", collectRule)
    .option('--recipe <file>', 'a whole learning recipe (YAML or JSON, docs/learning.md) instead of the model’s own (default: the model’s)')
    .option('--optimizer <spec>', "batch rules: the first update transform, e.g. adam, 'lamb:weightDecay=0.01' (default adam)")
    .option('--transform <spec>', "update transform, e.g. lamb, 'spectra:c=1,iterations=20' (repeatable, chained in order; snn plugins lists them): for local rules over each training presentation's weight change, for batch rules after --optimizer", collectRule)
    .option('--transform-on <projection>', 'local rules: the projection whose weight rule is transformed (default: the model’s plastic projection, input->exc)')
    .addOption(new Option('--transform-order <order>', 'local rules: transforms before the synaptic scaling, after it (of rule + scaling), or instead of it (default: before-scaling)').choices(['before-scaling', 'after-scaling', 'instead-of-scaling']))
    .option('--transform-rate <eta>', "local rules: η of the transformed step, U = −ΔW/η (default: the rule's eta)", positiveNumber)
    .option('--policy <spec>', "batch rules: a batch policy choosing batch size and learning rate, e.g. 'lr-batch-scaling:kappa=0.5' (repeatable; refused for local rules, which update once per presentation)", collectRule)
    .option('--set <key=value>', 'override a model configuration field, e.g. --set scaleInput=78.4 (repeatable; config.json lists the fields)', collectSetting)
    .option('--eval-workers <n>', 'worker threads for test-set evaluation (default: cores, at most 2; results do not depend on it)', positiveInt)
    .option('--json', 'print the final result as JSON')
    .option('--no-progress', 'no progress bar')
    .option('--no-report', 'do not write the HTML report (RUN_DIR/report/) at the end')
    .action((flags: TrainFlags, cmd: Command) => runTrain(flags, cmd));
}

/** Options fixed when a run starts (config.json): given with --resume they would be ignored, so they are refused. */
const FIXED_BY_RUN: Array<[keyof TrainFlags, string]> = [
  ['model', '--model'], ['dataset', '--dataset'], ['neurons', '--neurons'], ['trainSamples', '--train-samples'], ['testSamples', '--test-samples'],
  ['evalEvery', '--eval-every'], ['checkpointEvery', '--checkpoint-every'], ['schedule', '--schedule'], ['precision', '--precision'], ['rest', '--rest'],
  ['seed', '--seed'], ['out', '--out'], ['dataDir', '--data-dir'], ['sampler', '--sampler'], ['imbalance', '--imbalance'],
  ['stopWhenPredicted', '--stop-when-predicted'], ['rule', '--rule'], ['recipe', '--recipe'], ['set', '--set'], ['optimizer', '--optimizer'], ['transform', '--transform'],
  ['transformOn', '--transform-on'], ['transformOrder', '--transform-order'], ['transformRate', '--transform-rate'], ['policy', '--policy'],
];

async function runTrain(flags: TrainFlags, cmd: Command): Promise<void> {
  if (flags.resume ? isBatchRun(flags.resume) : isBatchModel(flags.model ?? 'hao2020')) return runBatchTrain(flags);
  const quiet = flags.json === true;
  const bar = progressReporter('train', 'samples', flags.progress && !quiet, { describe: (e) => String(e.detail ?? '') });
  const say = (line: string) => (quiet ? undefined : bar.log(line));
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
  let request: TrainerRequest;
  if (flags.resume) {
    // Only the command line counts: SNN_DATA_DIR in the environment is not a request to change the run.
    const ignored = FIXED_BY_RUN.filter(([key]) => cmd.getOptionValueSource(key) === 'cli').map(([, name]) => name);
    if (ignored.length > 0) {
      throw new SnnError('usage', `--resume continues the run as it was started (its config.json); ${ignored.join(', ')} would be ignored`, `drop ${ignored.length === 1 ? 'it' : 'them'}, or start a new run with --out; with --resume go only --epochs, --eval-workers, --json, --no-progress, --no-report`);
    }
    request = { resume: flags.resume, evalWorkers: flags.evalWorkers, epochs: flags.epochs };
  } else {
    if (flags.optimizer !== undefined) throw new SnnError('usage', `--optimizer names the update transform of batch rules; ${flags.model ?? 'hao2020'} learns with local rules`, "use --transform (e.g. --transform lamb) over each presentation's weight change, or --model lif-mlp");
    request = {
      ...newRunFields(flags, 'hao2020'),
      evalWorkers: flags.evalWorkers,
      transformOn: flags.transformOn,
      transformOrder: flags.transformOrder,
      transformRate: flags.transformRate,
    };
  }
  const runDir = flags.resume ?? flags.out!;
  const resumeCommand = `snn train --resume ${shellQuote(runDir)}`;
  let total = 0;
  const stop = canInterrupt()
    ? onStopSignal(
        (signal) => process.stderr.write(`\n${signal}: stopping at the next sample boundary to write a checkpoint (press Ctrl-C again to quit at once)\n`),
        () => {
          process.stderr.write(`\nquit without a new checkpoint; continue from the last one with: ${resumeCommand}\n`);
          process.exit(INTERRUPTED_EXIT_CODE);
        },
      )
    : null;
  let summary: TrainSummary;
  try {
    summary = await runTrainer(
      request,
      {
        onStart: (s) => {
          total = s.total;
          if (s.resumed) say(`resuming ${s.runDir} at sample ${s.trained} of ${s.total}`);
          else if (flags.resume) say(`${s.runDir} has no checkpoint yet: starting at sample 0 of ${s.total}`);
        },
        onProgress: (p) => {
          const detail = p.phase === 'eval' ? `testing ${p.evalDone}/${p.evalTotal}` : `acc ${p.runningAccuracy === null ? '–' : `${(100 * p.runningAccuracy).toFixed(1)}%`}`;
          bar.update(p.trained, p.total, { detail });
        },
        onEvaluation: (m) => {
          const predicted = m.predicted ? `; predicted final ${pct(m.predicted.final)} [${pct(m.predicted.lo)}, ${pct(m.predicted.hi)}]` : '';
          say(`evaluation at ${m.trained}/${total} samples (${m.testSamples} test samples): SL ${pct(m.slAccuracy)}, USL ${pct(m.uslAccuracy)}${predicted}`);
        },
      },
      stop?.flag ?? new Int32Array(1),
    );
  } finally {
    bar.stop();
    stop?.dispose();
  }
  if (summary.interrupted) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, resumeCommand }, null, 2)}\n`);
    process.stderr.write(`interrupted at sample ${summary.trainSamples} of ${total}; checkpoint written to ${join(summary.runDir, 'checkpoint.snnckpt')}\ncontinue with: ${resumeCommand}\n`);
    throw new CommandExit(INTERRUPTED_EXIT_CODE);
  }
  if (flags.report) await writeTrainReport(summary.runDir, flags);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const newSamples = summary.trainSamples - summary.startSamples;
  process.stdout.write(
    `${summary.model} on ${summary.dataset}, ${summary.neurons} neurons, ${summary.trainSamples} training samples, seed ${summary.seed}\n` +
      `test accuracy (${summary.testSamples} samples): SL ${pct(summary.slAccuracy)}, USL ${pct(summary.uslAccuracy)}\n` +
      `${summary.msPerNewSample.toFixed(2)} ms per training sample${summary.resumed ? ` (the ${newSamples} samples after sample ${summary.startSamples})` : ''}, ${summary.wallSeconds.toFixed(1)} s wall; backend: ${summary.backend}\n` +
      (summary.balancedAccuracy ? `balanced accuracy: SL ${pct(summary.balancedAccuracy.sl)}, USL ${pct(summary.balancedAccuracy.usl)}; rare classes ${summary.rareClassAccuracy!.classes.join(', ')}: SL ${pct(summary.rareClassAccuracy!.sl)}, USL ${pct(summary.rareClassAccuracy!.usl)}\n` : '') +
      (summary.predicted ? `predicted final accuracy: ${pct(summary.predicted.final)} [${pct(summary.predicted.lo)}, ${pct(summary.predicted.hi)}] (${summary.predicted.family})\n` : '') +
      (summary.stopReason ? `stopped early: ${summary.stopReason}\n` : '') +
      `run directory: ${summary.runDir}\n`,
  );
}

/** The run's report; the run itself is safe on disk, so a failed report is a warning, not a failed run. */
export async function writeTrainReport(runDir: string, flags: Pick<TrainFlags, 'progress' | 'json' | 'evalWorkers'>): Promise<void> {
  try {
    if (flags.progress && !flags.json) process.stderr.write(`writing the report (evaluation, figures, t-SNE) into ${runDir}/report/\n`);
    const r = await writeRunReport(runDir, { evalWorkers: flags.evalWorkers });
    if (!flags.json) process.stdout.write(`report: ${r.html}\n`);
  } catch (err) {
    process.stderr.write(`warning: the report of ${runDir} could not be written: ${(err as Error).message} (write it with snn report ${runDir} --out DIR)\n`);
  }
}

function collectRule(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Collects repeated `--set KEY=VALUE` into one object. */
function collectSetting(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const m = /^([A-Za-z][\w]*)=(.*)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected KEY=VALUE such as scaleInput=78.4, got '${value}'.`);
  return { ...previous, [m[1]!]: m[2]! };
}
