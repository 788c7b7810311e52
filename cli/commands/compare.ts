/**
 * `snn compare --model hao2020 --rules 'sym-stdp;pair-stdp' --on input->exc --neurons 100 --seeds 3
 * --budget-samples 5000 --out DIR`: contenders head to head on the same data, input spikes and
 * budget, with confidence intervals over seeds (training/compare/).
 */
import { writeReport } from '../../report/report.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { SnnError } from '../../engine/errors.js';
import { parseContenders } from '../../training/compare/contenders.js';
import { runCompare } from '../../training/compare/compare.js';
import { parseSeeds } from '../../training/compare/grid.js';
import { longTailSubset } from '../../training/jobs/long-tail-budget.js';
import { TRAIN_SET_SIZE } from '../../training/jobs/run-job.js';
import { defaultWorkers } from '../../training/sweep/local-pool.js';
import { withTimings } from '../../training/compare/summary.js';
import { positiveInt, positiveNumber } from '../parse.js';
import { progressReporter } from '../progress.js';
import { INTERRUPTED_EXIT_CODE, onStopSignal, shellQuote } from '../signals.js';

interface CompareFlags {
  model: string;
  dataset: string;
  neurons?: number;
  rules?: string;
  on?: string;
  recipes?: string;
  contender?: string[];
  set?: Record<string, string>;
  sampler?: string;
  transform?: string[];
  policy?: string;
  seeds: string;
  budgetSamples?: number;
  budgetEpochs?: number;
  budgetSeconds?: number;
  imbalance?: number;
  trainSamples?: number;
  testSamples: number;
  evalPoints: number;
  prune?: boolean;
  targetAccuracy?: number;
  workers?: number;
  out?: string;
  json?: boolean;
  queue?: string;
  queueName?: string;
  report: boolean;
  progress: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function collectSetting(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const m = /^([A-Za-z][\w]*)=(.*)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected KEY=VALUE such as etaInput=0.01, got '${value}'.`);
  return { ...previous, [m[1]!]: m[2]! };
}

function fraction(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0 || x > 1) throw new InvalidArgumentError(`expected an accuracy in (0, 1], got '${value}'.`);
  return x;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare plasticity rules (or recipes, or settings) head to head: same data, input spikes and budget, 95 % intervals over seeds')
    .option('--model <name>', 'trainable model shared by the contenders', 'hao2020')
    .addOption(new Option('--dataset <name>', 'data set').choices(['mnist', 'fashion-mnist']).default('mnist'))
    .option('--neurons <n>', 'hidden excitatory neurons (required)', positiveInt)
    .option('--rules <list>', "contenders: one rule each, separated by ';' (with --on), e.g. 'sym-stdp;pair-stdp;triplet-stdp'; for lif-mlp batch rules without --on, e.g. 'surrogate-bptt;spsa' (one of --rules, --recipes, --contender is required)")
    .option('--on <projection>', 'the projection the --rules act on, e.g. input->exc (required with --rules, except for lif-mlp)')
    .option('--recipes <files>', 'contenders: one whole recipe each (YAML or JSON files, comma-separated; default: none)')
    .option('--contender <name=options>', "a free contender, e.g. 'slow=--set etaInput=0.001' (options: --set, --rule, --model, --sampler, --transform, --policy, --recipe; repeatable)", collect)
    .option('--set <key=value>', 'model configuration override shared by every contender (repeatable)', collectSetting)
    .option('--sampler <s>', 'training-sample order shared by every contender (default: the model\'s)')
    .option('--transform <t>', 'update transform shared by every contender (repeatable)', collect)
    .option('--policy <p>', 'batch policy shared by every contender (default: none)')
    .option('--seeds <n|list>', 'seeds: a count N (seeds 1..N) or a list such as 4,8,15', '3')
    .option('--budget-samples <n>', 'training presentations per run (one of --budget-samples, --budget-epochs, --budget-seconds is required; with --imbalance whole passes over the long-tailed subset)', positiveInt)
    .option('--budget-epochs <e>', 'the budget as passes over the training set, instead of --budget-samples (with --imbalance: over the long-tailed subset, one epoch = its size)', positiveInt)
    .option('--imbalance <ratio>', 'train every contender on the long-tailed subset of snn train --imbalance (class k keeps n_max·ratio^(−k/9) images; same seed ⇒ same subset) and report balanced, rarest-3 and per-class accuracy (default: the balanced set)', Number)
    .option('--train-samples <n>', 'with --imbalance: draw the long-tailed subset from the first N training images (default 60000)', positiveInt)
    .option('--budget-seconds <s>', 'also stop each run at the first evaluation point after S wall seconds (results then depend on machine speed; default: no time limit)', positiveNumber)
    .option('--test-samples <n>', 'evaluate on the first N test images', positiveInt, 10000)
    .option('--eval-points <k>', 'evaluations per run, evenly spaced over the budget (common to all contenders)', positiveInt, 5)
    .option('--prune', 'stop a contender whose predicted final accuracy (upper bound) is below the leader\'s lower bound')
    .option('--target-accuracy <a>', 'report samples and seconds to reach this accuracy (fraction; default: the lowest final mean)', fraction)
    .option('--workers <n>', 'worker threads running jobs (default: one per core; results do not depend on it)', positiveInt)
    .option('--queue <url>', 'run the jobs on the BullMQ queue at redis://[:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS), served by snn worker (docs/sweeps.md; default: local threads)')
    .option('--queue-name <name>', 'queue the workers serve (snn worker --name; default snn)')
    .option('--out <dir>', 'comparison directory (required; rerun with the same directory to continue a killed comparison)')
    .option('--json', 'print compare.json (with the timings of compare-timing.json merged in)')
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--no-report', 'do not write the HTML report (DIR/report/) at the end')
    .action((flags: CompareFlags) => runCompareCommand(flags));
}

async function runCompareCommand(flags: CompareFlags): Promise<void> {
  if (flags.neurons === undefined) throw new SnnError('usage', 'missing --neurons', 'e.g. --neurons 100');
  if (!flags.out) throw new SnnError('usage', 'missing --out DIR', 'name a directory for the comparison (rerun with it to continue)');
  if (flags.budgetSamples !== undefined && flags.budgetEpochs !== undefined) throw new SnnError('usage', '--budget-samples and --budget-epochs both give the budget', 'give one of them');
  if (flags.budgetSamples === undefined && flags.budgetEpochs === undefined && flags.budgetSeconds === undefined) throw new SnnError('usage', 'missing --budget-samples', 'e.g. --budget-samples 5000 (or --budget-epochs E, --budget-seconds S)');
  if (flags.trainSamples !== undefined && flags.imbalance === undefined) {
    throw new SnnError('usage', '--train-samples is only used with --imbalance', 'without --imbalance the budget picks the first --budget-samples images; drop --train-samples');
  }
  // One epoch: the long-tailed subset, or the whole training set.
  const longTail = flags.imbalance !== undefined ? longTailSubset(flags.dataset, flags.imbalance, flags.trainSamples ?? TRAIN_SET_SIZE) : null;
  const epoch = longTail?.size ?? TRAIN_SET_SIZE;
  const budgetSamples = flags.budgetSamples ?? (flags.budgetEpochs ?? 1) * epoch;
  const contenders = parseContenders({
    model: flags.model,
    rules: flags.rules,
    on: flags.on,
    recipes: flags.recipes,
    contenders: flags.contender,
    set: flags.set,
    sampler: flags.sampler ?? null,
    transforms: flags.transform,
    policy: flags.policy ?? null,
  });
  const seeds = parseSeeds(flags.seeds);
  const showProgress = flags.progress && !flags.json;
  const tty = process.stderr.isTTY === true;
  // Jobs keep their checkpoints and finished results in --out: Ctrl-C just says how to continue.
  // Only when jobs run on worker threads (the main thread then sees the signal at once).
  const rerun = ['snn', ...process.argv.slice(2)].map(shellQuote).join(' ');
  const stop =
    (flags.workers ?? defaultWorkers()) > 1
      ? onStopSignal(
          (signal) => {
            bar.stop();
            process.stderr.write(`\n${signal}: comparison stopped; finished runs and checkpoints are kept in ${flags.out}\ncontinue with: ${rerun}\n`);
            process.exit(INTERRUPTED_EXIT_CODE);
          },
          () => process.exit(INTERRUPTED_EXIT_CODE),
        )
      : null;
  const bar = progressReporter('compare', 'samples', showProgress, { describe: (e) => String(e.jobs ?? '') });
  let jobsLine = '';
  try {
    const outcome = await runCompare(
      {
        model: flags.model,
        dataset: flags.dataset,
        neurons: flags.neurons,
        seeds,
        budgetSamples,
        longTail: longTail && { ratio: longTail.ratio, trainSamples: longTail.trainSamples },
        testSamples: flags.testSamples,
        evalPoints: flags.evalPoints,
        contenders,
        out: flags.out,
        workers: flags.workers ?? defaultWorkers(),
        prune: flags.prune ?? false,
        ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
        ...(flags.queueName !== undefined ? { queueName: flags.queueName } : {}),
        budgetSeconds: flags.budgetSeconds ?? null,
        targetAccuracy: flags.targetAccuracy ?? null,
      },
      {
        onReuse: (reused, total) => {
          jobsLine = `${reused}/${total} runs done`;
          if (showProgress && reused > 0) process.stderr.write(`compare: ${reused} of ${total} runs already done in ${flags.out}\n`);
        },
        onProgress: (done, total) => bar.update(done, total, { jobs: jobsLine }),
        onJobDone: (job, r, finished, total) => {
          jobsLine = `${finished}/${total} runs done`;
          if (showProgress && !tty) {
            const how = r.prunedAt != null ? `pruned at ${r.prunedAt}` : r.stoppedAt != null ? `out of time at ${r.stoppedAt}` : `${r.spec.budgetSamples} samples`;
            process.stderr.write(`compare: run ${finished}/${total} done: ${job.contender} seed ${job.seed}, ${(100 * r.accuracy).toFixed(2)} % (${how}, ${r.wallSeconds.toFixed(1)} s)\n`);
          }
        },
      },
    );
    bar.stop();
    if (flags.json) process.stdout.write(`${JSON.stringify(withTimings(outcome.json, outcome.timing), null, 2)}\n`);
    else {
      process.stdout.write(readFileSync(join(outcome.dir, 'compare.md'), 'utf8'));
      process.stdout.write(`\nwritten to ${outcome.dir}: compare.json, compare-timing.json, compare.md, compare.csv\n`);
    }
    if (flags.report) {
      // The comparison is safe on disk; a failed report is a warning, not a failed comparison.
      try {
        const r = await writeReport(outcome.dir, join(outcome.dir, 'report'));
        if (!flags.json) process.stdout.write(`report: ${r.html}\n`);
      } catch (err) {
        process.stderr.write(`warning: the report of ${outcome.dir} could not be written: ${(err as Error).message} (write it with snn report ${outcome.dir} --out DIR)\n`);
      }
    }
  } finally {
    bar.stop();
    stop?.dispose();
  }
}
