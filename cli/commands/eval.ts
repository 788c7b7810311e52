/**
 * `snn eval RUN_DIR [--dataset D] [--test-samples N] [--linear-probe [--probe-samples K]] [--json]`:
 * accuracy of a trained model with plasticity frozen: SL and USL accuracy, per-class accuracy,
 * confusion matrices, what the hidden layer learned (neurons per class, threshold spread), and on
 * request the accuracy of the best linear readout of the hidden layer (a linear probe).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { evaluateRun } from '../../training/run-training.js';
import { evaluateBatchRun, isBatchRun } from '../../training/batch-trainer.js';
import { SnnError } from '../../engine/errors.js';
import { positiveInt } from '../parse.js';
import { progressReporter } from '../progress.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate a trained model on a test set (plasticity frozen)')
    .argument('<run>', 'run directory of snn train, or a .snnmodel file')
    .addOption(new Option('--dataset <name>', "data set (default: the model's)").choices(['mnist', 'fashion-mnist']))
    .option('--test-samples <n>', "first N test images (default: the run's own --test-samples; 10000 for a .snnmodel file or another data set)", positiveInt)
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files (default: $SNN_DATA_DIR, else the locations of docs/datasets.md)').env('SNN_DATA_DIR'))
    .option('--eval-workers <n>', 'worker threads (default: cores, at most 2)', positiveInt)
    .option('--linear-probe', 'also fit a logistic regression on the hidden spike counts of training samples and score it on the test set (how much the hidden layer knows, whatever reads it out)')
    .option('--probe-samples <n>', 'training samples the linear probe is fitted on (default 20000)', positiveInt)
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (run: string, flags: { dataset?: string; testSamples?: number; dataDir?: string; evalWorkers?: number; linearProbe?: boolean; probeSamples?: number; json?: boolean; progress: boolean }) => {
      if (isBatchRun(run)) return evalBatchRun(run, flags);
      if (flags.probeSamples !== undefined && !flags.linearProbe) throw new SnnError('usage', '--probe-samples needs --linear-probe', 'add --linear-probe, or drop --probe-samples');
      const bar = progressReporter('eval', 'samples', flags.progress && !flags.json, { describe: (e) => String(e.rate ?? '') });
      let r;
      try {
        r = evaluateRun(run, {
          dataset: flags.dataset,
          testSamples: flags.testSamples,
          dataDir: flags.dataDir,
          evalWorkers: flags.evalWorkers,
          onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
          onProgress: (p) => {
            if ((p.evalDone ?? 0) % 50 === 0) bar.update(p.evalDone ?? 0, p.evalTotal ?? 0, { rate: '' });
          },
          linearProbe: flags.linearProbe
            ? { trainSamples: flags.probeSamples ?? 20000, onProgress: (done, total) => { if (done % 50 === 0) bar.update(done, total, { rate: 'probe' }); } }
            : undefined,
        });
      } finally {
        bar.stop();
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
      const lines = [
        `${r.model} on ${r.dataset} (${r.testSamples} test samples): SL ${pct(r.slAccuracy)}, USL ${pct(r.uslAccuracy)}`,
        `per class (SL):  ${r.perClassSl ? r.perClassSl.map((x) => (100 * x).toFixed(1)).join(' ') : '–'}`,
        `per class (USL): ${r.perClassUsl.map((x) => (100 * x).toFixed(1)).join(' ')}`,
        `confusion (${r.confusionSl ? 'SL' : 'USL'}; rows = true class, columns = predicted):`,
        ...(r.confusionSl ?? r.confusionUsl).map((row, c) => `  ${c}: ${row.map((x) => String(x).padStart(5)).join('')}`),
        `hidden neurons per class: ${r.hidden.neuronsPerClass.join(' ')} (${r.hidden.unassigned} unassigned); θ min / median / max ${[r.hidden.theta.min, r.hidden.theta.median, r.hidden.theta.max].map((x) => x.toFixed(1)).join(' / ')} mV`,
        ...(r.linearProbe
          ? [`linear probe of the hidden layer: ${pct(r.linearProbe.accuracy)} (logistic regression on log(1 + spike count), fitted on ${r.linearProbe.trainSamples} training samples)`]
          : []),
        `${r.wallSeconds.toFixed(1)} s wall; backend: ${r.backend}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

/** `snn eval` of a batch-rule run (lif-mlp): test accuracy and loss, per class. */
async function evalBatchRun(run: string, flags: { dataset?: string; testSamples?: number; dataDir?: string; linearProbe?: boolean; json?: boolean }): Promise<void> {
  if (flags.linearProbe) throw new SnnError('usage', '--linear-probe reads the spike counts of a local-rule model', 'omit --linear-probe for a batch-rule run');
  const r = await evaluateBatchRun(run, { dataset: flags.dataset, testSamples: flags.testSamples, dataDir: flags.dataDir });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${r.model} (${r.rule}) on ${r.dataset} (${r.testSamples} test samples): ${(100 * r.accuracy).toFixed(2)} %, loss ${r.loss.toFixed(4)}\n` +
      `per class: ${r.perClass.map((x) => (100 * x).toFixed(1)).join(' ')}\n` +
      `${r.wallSeconds.toFixed(1)} s wall; backend: ${r.backend}\n`,
  );
}
