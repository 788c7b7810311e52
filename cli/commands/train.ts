/**
 * `snn train --model hao2020 --dataset mnist --neurons N ... --out RUN_DIR` (or `--resume RUN_DIR`):
 * trains with a progress bar, evaluates every K samples, checkpoints atomically, prints the result.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { train, type TrainSummary } from '../../training/run-training.js';
import { trainableModels } from '../../training/models.js';
import { SnnError } from '../../engine/errors.js';
import { InvalidArgumentError } from 'commander';
import { positiveInt, positiveNumber, seed } from '../parse.js';
import { progressReporter } from '../progress.js';
import { writeRunReport } from '../../report/report.js';

interface TrainFlags {
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
  transform?: string[];
  transformOn?: string;
  transformOrder?: 'before-scaling' | 'after-scaling' | 'instead-of-scaling';
  transformRate?: number;
  policy?: string;
  progress: boolean;
  report: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a plasticity model on MNIST or Fashion-MNIST (e.g. the supervised sym-STDP network of Hao et al. 2020)')
    .addOption(new Option('--model <name>', 'model to train').choices(['hao2020', ...trainableModels.names().filter((n) => n !== 'hao2020')]).default('hao2020'))
    .addOption(new Option('--dataset <name>', 'data set').choices(['mnist', 'fashion-mnist']).default('mnist'))
    .option('--neurons <n>', 'hidden excitatory neurons (100, 400, 1600, 6400, 10000 have tabulated settings)', positiveInt)
    .option('--epochs <n>', 'passes over the training samples (default 1)', positiveInt)
    .option('--train-samples <n>', 'use the first N training images (default 60000)', positiveInt)
    .option('--test-samples <n>', 'evaluate on the first N test images (default 10000)', positiveInt)
    .option('--eval-every <n>', 'evaluate on the test set every N training samples (default 10000)', positiveInt)
    .option('--checkpoint-every <n>', 'write a checkpoint every N training samples (default 1000)', positiveInt)
    .addOption(new Option('--schedule <s>', 'learn both layers at once, or the hidden layer first').choices(['simultaneous', 'layerwise']))
    .addOption(new Option('--precision <p>', 'state and weight precision').choices(['f32', 'f64']))
    .addOption(new Option('--rest <r>', "simulate the 150 ms rest between samples, or 'reset' the state instead (faster)").choices(['simulate', 'reset']))
    .option('--seed <n>', 'seed of every random stream', seed)
    .option('--out <dir>', 'run directory (config, manifest, metrics.jsonl, checkpoints, model)')
    .option('--resume <dir>', 'continue the run in DIR from its last checkpoint (with --epochs E: extend it to E epochs)')
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files').env('SNN_DATA_DIR'))
    .option('--sampler <spec>', "order of the training samples: sequential (the file's, as the authors), shuffled (per epoch, seeded), or a sampler with options, e.g. 'rs2:ratio=0.1', 'cooldown:tau=5' (snn plugins lists them)")
    .option('--imbalance <ratio>', 'train on a long-tailed subset: class k keeps n_max·ratio^(−k/9) samples (seeded); adds balanced and rare-class accuracy', positiveNumber)
    .option('--stop-when-predicted', 'end the run once the predicted final accuracy has settled (checkpoint and model written)')
    .option('--rule <target=rule>', "replace or add a rule of the model's recipe, e.g. --rule 'input->exc=pair-stdp:nuPost=0.02' (repeatable; snn plugins lists rules)", collectRule)
    .option('--recipe <file>', 'a whole learning recipe (YAML or JSON, docs/learning.md) instead of the model’s own')
    .option('--transform <spec>', "update transform over each training presentation's weight change, e.g. lamb, 'spectra:c=1,iterations=20' (repeatable, chained in order; snn plugins lists them)", collectRule)
    .option('--transform-on <projection>', 'the projection whose weight rule is transformed (default: the model’s plastic projection, input->exc)')
    .addOption(new Option('--transform-order <order>', 'transforms before the synaptic scaling, after it (of rule + scaling), or instead of it (default: before-scaling)').choices(['before-scaling', 'after-scaling', 'instead-of-scaling']))
    .option('--transform-rate <eta>', "η of the transformed step, U = −ΔW/η (default: the rule's eta)", positiveNumber)
    .option('--policy <spec>', 'batch policy: refused for local rules, which update once per presentation (docs/learning.md)')
    .option('--set <key=value>', 'override a model configuration field, e.g. --set scaleInput=78.4 (repeatable; config.json lists the fields)', collectSetting)
    .option('--eval-workers <n>', 'worker threads for test-set evaluation (default: cores, at most 2; results do not depend on it)', positiveInt)
    .option('--json', 'print the final result as JSON')
    .option('--no-progress', 'no progress bar')
    .option('--no-report', 'do not write the HTML report (RUN_DIR/report/) at the end')
    .action((flags: TrainFlags) => runTrain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const bar = progressReporter('train', 'samples', flags.progress && !flags.json, 'train |{bar}| {value}/{total} samples | {phase} | {rate} | running acc {acc} | ETA {eta_formatted}');
  const started = performance.now();
  let summary: TrainSummary;
  try {
    const onProgress = (p: { trained: number; total: number; phase: string; runningAccuracy: number | null; evalDone?: number; evalTotal?: number }) => {
      if (p.phase === 'train' && p.trained % 10 !== 0) return;
      if (p.phase === 'eval' && (p.evalDone ?? 0) % 50 !== 0) return;
      const wall = (performance.now() - started) / 1000;
      bar.update(p.trained, p.total, {
        phase: p.phase === 'eval' ? `testing ${p.evalDone}/${p.evalTotal}` : 'training',
        rate: `${(p.trained / Math.max(wall, 1e-9)).toFixed(1)} samples/s`,
        acc: p.runningAccuracy === null ? '–' : `${(100 * p.runningAccuracy).toFixed(1)}%`,
      });
    };
    if (flags.resume) {
      if (flags.out) throw new SnnError('usage', '--resume and --out cannot be used together', 'the resumed run keeps its directory');
      if (flags.rule || flags.recipe || flags.transform || flags.transformOn || flags.transformOrder || flags.transformRate !== undefined || flags.policy) {
        throw new SnnError('usage', '--resume continues with the recipe stored in the run', 'omit --rule, --recipe, --transform*, --policy, or start a new run with --out');
      }
      summary = train({ resume: flags.resume, evalWorkers: flags.evalWorkers, epochs: flags.epochs }, onProgress);
    } else {
      if (flags.neurons === undefined) throw new SnnError('usage', 'missing --neurons', 'e.g. --neurons 100');
      if (flags.seed === undefined) throw new SnnError('usage', 'missing --seed', 'e.g. --seed 1 (every run is reproducible from its seed)');
      if (!flags.out) throw new SnnError('usage', 'missing --out RUN_DIR', 'name a directory for the run');
      summary = train(
        {
          model: flags.model ?? 'hao2020',
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
          evalWorkers: flags.evalWorkers,
          sampler: flags.sampler,
          imbalance: flags.imbalance,
          stopWhenPredicted: flags.stopWhenPredicted,
          set: flags.set,
          rules: flags.rule,
          recipe: flags.recipe,
          transforms: flags.transform,
          transformOn: flags.transformOn,
          transformOrder: flags.transformOrder,
          transformRate: flags.transformRate,
          policy: flags.policy,
          out: flags.out,
        },
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
    `${summary.model} on ${summary.dataset}, ${summary.neurons} neurons, ${summary.trainSamples} training samples, seed ${summary.seed}\n` +
      `test accuracy (${summary.testSamples} samples): SL ${pct(summary.slAccuracy)}, USL ${pct(summary.uslAccuracy)}\n` +
      `${summary.msPerTrainSample.toFixed(2)} ms per training sample, ${summary.wallSeconds.toFixed(1)} s wall; backend: ${summary.backend}\n` +
      (summary.balancedAccuracy ? `balanced accuracy: SL ${pct(summary.balancedAccuracy.sl)}, USL ${pct(summary.balancedAccuracy.usl)}; rare classes ${summary.rareClassAccuracy!.classes.join(', ')}: SL ${pct(summary.rareClassAccuracy!.sl)}, USL ${pct(summary.rareClassAccuracy!.usl)}\n` : '') +
      (summary.predicted ? `predicted final accuracy: ${pct(summary.predicted.final)} [${pct(summary.predicted.lo)}, ${pct(summary.predicted.hi)}] (${summary.predicted.family})\n` : '') +
      (summary.stopReason ? `stopped early: ${summary.stopReason}\n` : '') +
      `run directory: ${summary.runDir}\n`,
  );
}

/** The run's report; the run itself is safe on disk, so a failed report is a warning, not a failed run. */
async function writeTrainReport(runDir: string, flags: TrainFlags): Promise<void> {
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
