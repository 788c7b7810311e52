/**
 * `snn plot TRACE --out raster.svg|png [--population P] [--from MS --to MS]` (spike raster with
 * the population rate), `--state v --neurons 0,1,2` (state traces), and
 * `snn plot RUN_DIR|MODEL --what receptive-fields|theta|weights|learning-curve|confusion|tsne --out F`.
 * Thin: the figures live in report/.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { MODEL_FIGURES, plotFigure, TRACE_FIGURES, writeFigure, type PlotOptions } from '../../report/plot.js';
import { SnnError } from '../../engine/errors.js';
import { neuronList, nonNegativeNumber, positiveInt } from '../parse.js';

/** The figure's options as commander parses them: `--population` (repeatable) for `populations`. */
type PlotFlags = Omit<PlotOptions, 'populations'> & { out: string; population?: string[] };

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('draw one figure of a trace (raster and rate, state traces, rate or ISI-CV histogram) or a trained model (receptive fields, θ, weights, learning curve, confusion matrix, t-SNE) as SVG or PNG')
    .argument('<source>', 'a native trace (.snntrace), a run directory of snn train, or a .snnmodel')
    .requiredOption('--out <file>', 'output image: .svg or .png (required)')
    .addOption(new Option('--what <figure>', 'which figure (default: raster for a trace, receptive-fields for a model)').choices([...TRACE_FIGURES, ...MODEL_FIGURES]))
    .option('--population <name>', 'only this population (repeatable; default all)', collect)
    .option('--from <ms>', 'start of the time window (ms; default 0)', nonNegativeNumber)
    .option('--to <ms>', 'end of the time window (ms; default: the end of the recording)', nonNegativeNumber)
    .option('--state <var>', 'draw this recorded state variable (e.g. v) instead of the raster (default: the spike raster)')
    .option('--neurons <ids>', "neurons of the state traces, e.g. '0,1,2' or '0-4' (default: the first 5 recorded)", neuronList)
    .option('--max-spikes <n>', 'spikes drawn in the raster before it is thinned to every k-th neuron (default 30000)', positiveInt)
    .option('--max-neurons <n>', 'receptive-field tiles drawn at most (default 400)', positiveInt)
    .option('--test-samples <n>', 'test images for confusion and t-SNE (default 2000)', positiveInt)
    .option('--eval-workers <n>', 'worker threads for that evaluation (default: cores, at most 2)', positiveInt)
    .addOption(new Option('--data-dir <dir>', 'directory holding the IDX files (default: $SNN_DATA_DIR, else the locations of docs/datasets.md)').env('SNN_DATA_DIR'))
    .action((source: string, flags: PlotFlags) => runPlot(source, flags));
}

async function runPlot(source: string, flags: PlotFlags): Promise<void> {
  if (flags.from !== undefined && flags.to !== undefined && flags.to <= flags.from) throw new SnnError('usage', `--to ${flags.to} is not after --from ${flags.from}`, 'give a window with --to later than --from');
  const { out, population, ...options } = flags;
  const figure = await plotFigure(source, { ...options, populations: population });
  const { bytes } = await writeFigure(figure, out);
  process.stdout.write(`wrote ${out} (${figure.title}, ${bytes.toLocaleString('en')} bytes)\n${figure.notes.map((n) => `  ${n}\n`).join('')}`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}
