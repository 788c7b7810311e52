/**
 * `snn report RUN_DIR|MODEL|TRACE|COMPARE_DIR --out DIR`: every figure of the source in one
 * self-contained DIR/report.html plus a PNG per figure. Thin: report/report.ts does the work.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { writeReport } from '../../report/report.js';
import { nonNegativeNumber, positiveInt } from '../parse.js';

interface ReportFlags {
  out: string;
  population?: string[];
  from?: number;
  to?: number;
  testSamples?: number;
  tsneSamples?: number;
  evalWorkers?: number;
  dataDir?: string;
  evaluate: boolean;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report (and a PNG per figure) of a training run, a trained model, a trace or an snn compare result')
    .argument('<source>', 'a run directory, a .snnmodel, a native trace (.snntrace) or a directory holding compare.json')
    .requiredOption('--out <dir>', 'directory for report.html and the PNGs (required)')
    .option('--population <name>', 'trace: only this population (repeatable)', (v: string, p: string[] = []) => [...p, ...v.split(',').filter(Boolean)])
    .option('--from <ms>', 'trace: start of the time window (ms; default 0)', nonNegativeNumber)
    .option('--to <ms>', 'trace: end of the time window (ms; default: the end of the recording)', nonNegativeNumber)
    .option('--test-samples <n>', 'model: test images evaluated for the confusion matrix and t-SNE (default: the run\'s, at most 2000)', positiveInt)
    .option('--tsne-samples <n>', 'model: test images in the t-SNE (default 2000)', positiveInt)
    .option('--eval-workers <n>', 'model: worker threads for the evaluation (default: cores, at most 2)', positiveInt)
    .option('--no-evaluate', 'model: skip the evaluation (no confusion matrix, rate histogram or t-SNE)')
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files (default: $SNN_DATA_DIR, else the locations of docs/datasets.md)').env('SNN_DATA_DIR'))
    .option('--json', 'print the list of figures as JSON')
    .action((source: string, flags: ReportFlags) => runReport(source, flags));
}

async function runReport(source: string, flags: ReportFlags): Promise<void> {
  const r = await writeReport(source, flags.out, {
    populations: flags.population,
    from: flags.from,
    to: flags.to,
    testSamples: flags.testSamples,
    tsneSamples: flags.tsneSamples,
    evalWorkers: flags.evalWorkers,
    dataDir: flags.dataDir,
    noEvaluation: !flags.evaluate,
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  process.stdout.write(`wrote ${r.html} with ${r.figures.length} figures (${r.figures.map((f) => f.name).join(', ')}) in ${r.seconds.toFixed(1)} s\n`);
}
