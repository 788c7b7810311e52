/**
 * `snn plot`: one figure of a trace or a trained model, written as SVG or PNG (by the extension).
 */
import { extname } from 'node:path';
import { evaluateRun } from '../training/run-training.js';
import { SnnError } from '../engine/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readTrace } from '../io/trace-reader.js';
import { confusionFigure } from './confusion.js';
import { embeddingFigure } from './embedding.js';
import type { Figure } from './figure.js';
import { learningCurveFigure } from './learning-curve.js';
import { thetaFigure, weightsFigure } from './model-figures.js';
import { rasterFigure } from './raster.js';
import { receptiveFieldFigure } from './receptive-fields.js';
import { renderPng, renderSvg } from './render.js';
import { classifySource, PNG_SCALE } from './report.js';
import { loadRun } from './run-data.js';
import { cvHistogram, neuronStats, rateHistogram } from './spike-histograms.js';
import { stateFigure } from './state-trace.js';
import type { TraceWindow } from './trace-window.js';

export const TRACE_FIGURES = ['raster', 'state', 'rate-histogram', 'isi-cv-histogram'] as const;
export const MODEL_FIGURES = ['receptive-fields', 'theta', 'weights', 'learning-curve', 'confusion', 'tsne'] as const;
export type FigureKind = (typeof TRACE_FIGURES)[number] | (typeof MODEL_FIGURES)[number];

export interface PlotOptions extends TraceWindow {
  what?: FigureKind;
  /** State variable (with what = 'state', the default when given). */
  state?: string;
  neurons?: number[];
  maxSpikes?: number;
  maxNeurons?: number;
  testSamples?: number;
  evalWorkers?: number;
  dataDir?: string;
}

export async function plotFigure(source: string, opts: PlotOptions): Promise<Figure> {
  const kind = classifySource(source);
  if (kind === 'compare') throw new SnnError('usage', `${source} is a compare directory`, 'use snn report for it');
  if (kind === 'trace') {
    const what = opts.what ?? (opts.state ? 'state' : 'raster');
    if (!(TRACE_FIGURES as readonly string[]).includes(what)) throw new SnnError('usage', `--what ${what} needs a trained model, and ${source} is a trace`, `for a trace use one of: ${TRACE_FIGURES.join(', ')}`);
    const trace = readTrace(source, { allowPartial: true });
    if (what === 'raster') return rasterFigure(trace, opts);
    if (what === 'state') {
      if (!opts.state) throw new SnnError('usage', '--what state needs --state VAR', 'e.g. --state v --neurons 0,1,2');
      return stateFigure(trace, { ...opts, variable: opts.state });
    }
    const stats = neuronStats(trace, opts);
    return what === 'rate-histogram' ? rateHistogram(stats) : cvHistogram(stats);
  }
  if (opts.state) throw new SnnError('usage', '--state applies to traces', `${source} is a trained model`);
  const what = opts.what ?? 'receptive-fields';
  if (!(MODEL_FIGURES as readonly string[]).includes(what)) throw new SnnError('usage', `--what ${what} needs a trace, and ${source} is a trained model`, `for a model use one of: ${MODEL_FIGURES.join(', ')}`);
  const run = loadRun(source);
  if (what === 'receptive-fields') return receptiveFieldFigure(run.model, { maxNeurons: opts.maxNeurons });
  if (what === 'theta') return thetaFigure(run.model);
  if (what === 'weights') return weightsFigure(run.model);
  if (what === 'learning-curve') {
    if (run.runDir === null) throw new SnnError('usage', 'a learning curve needs the run directory (metrics.jsonl), not only the model file', 'give the run directory');
    return learningCurveFigure(run.metrics);
  }
  const ev = evaluateRun(source, { testSamples: opts.testSamples ?? 2000, dataDir: opts.dataDir, evalWorkers: opts.evalWorkers, keepHiddenCounts: what === 'tsne' });
  if (what === 'confusion') return confusionFigure(ev.confusionSl ?? ev.confusionUsl, ev.confusionSl ? 'SL readout' : 'USL assignment vote');
  return embeddingFigure(ev.responses!.counts, ev.responses!.labels, { seed: run.model.seed }).figure;
}

/** Renders `figure` to `out` (.svg or .png). */
export async function writeFigure(figure: Figure, out: string): Promise<{ bytes: number }> {
  const ext = extname(out).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new SnnError('usage', `cannot tell the image format from '${out}'`, 'name the output .svg or .png');
  const svg = await renderSvg(figure);
  const data = ext === '.svg' ? Buffer.from(svg) : renderPng(svg, PNG_SCALE);
  writeFileAtomic(out, data);
  return { bytes: data.length };
}
