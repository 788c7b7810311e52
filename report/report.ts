/**
 * `snn report`: every figure of a run directory, a trace or a comparison, written as one
 * self-contained report.html (figures inline as SVG, or as data-URI PNG when the SVG is large; no
 * script, no stylesheet or font from elsewhere: it opens offline and makes no request) and one PNG
 * per figure beside it.
 */
import * as fs from 'node:fs';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { evaluateRun, readRunConfig } from '../training/run-training.js';
import { SnnError } from '../engine/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readTrace } from '../io/trace-reader.js';
import { batchRunFigures, isBatchRun } from './batch-run.js';
import { compareClassFigure, compareCurveFigures, compareSummaryFigure, isCompareDir, readCompare } from './compare.js';
import { confusionFigure } from './confusion.js';
import { embeddingFigure, MIN_TSNE_SAMPLES } from './embedding.js';
import { escapeHtml, type Figure } from './figure.js';
import { learningCurveFigure } from './learning-curve.js';
import { thetaFigure, weightsFigure } from './model-figures.js';
import { rasterFigure } from './raster.js';
import { receptiveFieldFigure } from './receptive-fields.js';
import { renderPng, renderSvg, svgSize } from './render.js';
import { isRunDir, loadRun } from './run-data.js';
import { cvHistogram, neuronHistogram, neuronStats, rateHistogram } from './spike-histograms.js';
import { SparseCounts } from '../learning/linear-probe.js';
import { stateFigure } from './state-trace.js';
import type { TraceWindow } from './trace-window.js';

export type ReportSource = 'run' | 'model' | 'trace' | 'compare';

export interface ReportOptions extends TraceWindow {
  /** Test images the trained model is evaluated on for the confusion matrix and t-SNE (default: the run's test set, at most 2 000). */
  testSamples?: number;
  /** Of those, how many enter the t-SNE (default 2 000; exact t-SNE is O(n²)). */
  tsneSamples?: number;
  tsneIterations?: number;
  evalWorkers?: number;
  dataDir?: string;
  /** Skip the evaluation (no confusion matrix, no t-SNE). */
  noEvaluation?: boolean;
  /** SVGs larger than this go into the HTML as their PNG (default 1.5 MB). */
  inlineSvgMaxBytes?: number;
  onProgress?: (message: string) => void;
}

export interface RenderedFigure {
  name: string;
  title: string;
  notes: string[];
  png: string;
  pngWidth: number;
  pngHeight: number;
  svgBytes: number;
  seconds: number;
}

export interface ReportResult {
  kind: ReportSource;
  html: string;
  figures: RenderedFigure[];
  facts: [string, string][];
  /** Silhouette score of the t-SNE, when there is one. */
  silhouette?: number;
  seconds: number;
}

/** PNG scale: twice the SVG's size. */
export const PNG_SCALE = 2;
/** SVGs larger than this go into the HTML as their PNG instead (a 300 000-rect SVG is 25 MB). */
const INLINE_SVG_MAX_BYTES = 1_500_000;

export function classifySource(path: string): ReportSource {
  if (!existsSync(path)) throw new SnnError('io.missing', `${path} does not exist`, 'give a run directory, a .snnmodel, a trace or a compare directory');
  if (statSync(path).isDirectory()) {
    if (isCompareDir(path)) return 'compare';
    if (isRunDir(path)) return 'run';
    throw new SnnError('usage', `${path} is neither a run directory (model.snnmodel, metrics.jsonl) nor a compare directory (compare.json)`, 'give the directory snn train or snn compare wrote');
  }
  const head = Buffer.alloc(8);
  const fd = fs.openSync(path, 'r');
  try {
    fs.readSync(fd, head, 0, 8, 0);
  } finally {
    fs.closeSync(fd);
  }
  const magic = head.toString('latin1');
  if (magic === 'SNNTRACE') return 'trace';
  if (magic === 'SNNMODL1') return 'model';
  throw new SnnError('io.format', `${path} is neither an snn trace nor a trained model`, 'give a .snntrace, a .snnmodel, a run directory or a compare directory');
}


/** The figures of a source, with facts for the report's header table. */
export async function buildFigures(source: string, opts: ReportOptions = {}): Promise<{ kind: ReportSource; figures: Figure[]; facts: [string, string][]; silhouette?: number }> {
  const kind = classifySource(source);
  const say = opts.onProgress ?? (() => {});
  if (kind === 'compare') {
    const { contenders, longTail } = readCompare(source);
    const classes = longTail ? [compareClassFigure(contenders, longTail)] : [];
    const facts: [string, string][] = [['contenders', String(contenders.length)]];
    if (longTail) facts.push(['training set', `long-tailed, ratio ${longTail.ratio}: ${longTail.classCounts.reduce((a, b) => a + b, 0)} images`]);
    return { kind, figures: [compareSummaryFigure(contenders), ...classes, ...compareCurveFigures(contenders)], facts };
  }
  if (kind === 'trace') {
    say('reading the trace');
    const trace = readTrace(source, { allowPartial: true });
    const figures: Figure[] = [rasterFigure(trace, opts)];
    const stats = neuronStats(trace, opts);
    figures.push(rateHistogram(stats), cvHistogram(stats));
    const popName = (k: number) => trace.header.populations[k]?.name ?? String(k);
    for (const s of trace.states) {
      if (opts.populations?.length && !opts.populations.includes(popName(s.pop))) continue;
      const f = stateFigure(trace, { ...opts, variable: s.variable, populations: [popName(s.pop)] });
      figures.push({ ...f, name: `state-${s.variable}-${popName(s.pop)}` });
    }
    const facts: [string, string][] = [
      ['mode', `${trace.header.mode}${trace.header.dt !== null ? `, dt ${trace.header.dt} ms` : ''}`],
      ['populations', trace.header.populations.map((p) => `${p.name} (${p.size})`).join(', ')],
      ['spikes', trace.populations.map((p) => `${p.name}: ${p.times.length.toLocaleString('en')}`).join(', ')],
      ['complete', trace.complete ? 'yes' : `no${trace.stopped ? ` (${trace.stopped.message})` : ' (no end record)'}`],
      ['seed', String(trace.header.seed)],
    ];
    return { kind, figures, facts };
  }
  if (isBatchRun(source)) {
    const batch = await batchRunFigures(source, { ...opts, onProgress: say });
    return { kind: statSync(source).isDirectory() ? 'run' : 'model', ...batch };
  }
  const run = loadRun(source);
  const m = run.model;
  const figures: Figure[] = [];
  if (run.metrics.length) figures.push(learningCurveFigure(run.metrics));
  figures.push(receptiveFieldFigure(m), thetaFigure(m), weightsFigure(m));
  const facts: [string, string][] = [
    ['model', `${m.model} on ${m.dataset}, ${m.config.neurons} hidden neurons, seed ${m.seed}`],
    ['trained samples', String(m.trained ?? '–')],
  ];
  let silhouette: number | undefined;
  if (!opts.noEvaluation) {
    const runTest = run.runDir ? readRunConfig(run.runDir).testSamples : 10000;
    const testSamples = opts.testSamples ?? Math.min(2000, runTest);
    say(`evaluating the model on ${testSamples} test images`);
    const ev = evaluateRun(source, { testSamples, dataDir: opts.dataDir, evalWorkers: opts.evalWorkers, keepHiddenCounts: true });
    const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
    facts.push(['test accuracy', `${ev.testSamples} test images: SL ${pct(ev.slAccuracy)}, USL ${pct(ev.uslAccuracy)}`]);
    figures.push(confusionFigure(ev.confusionSl ?? ev.confusionUsl, ev.confusionSl ? 'SL readout' : 'USL assignment vote'));
    if (ev.confusionSl) figures.push({ ...confusionFigure(ev.confusionUsl, 'USL assignment vote'), name: 'confusion-usl', title: 'Confusion matrix (USL assignment vote)' });
    const responses = ev.responses!;
    const rates = new Float64Array(responses.counts.columns);
    for (let r = 0; r < responses.counts.rows; r++) {
      const { start, end, indices, values } = responses.counts.row(r);
      for (let k = start; k < end; k++) rates[indices[k]!]! += values[k]!;
    }
    const presentMs = typeof m.config.presentMs === 'number' ? m.config.presentMs : 350;
    for (let i = 0; i < rates.length; i++) rates[i] = (rates[i]! * 1000) / (presentMs * Math.max(1, responses.counts.rows));
    figures.push(rateHistogramOf(rates, presentMs, responses.counts.rows));
    const n = Math.min(responses.counts.rows, opts.tsneSamples ?? 2000);
    if (n >= MIN_TSNE_SAMPLES) {
      say(`t-SNE of ${n} test images`);
      const counts = n === responses.counts.rows ? responses.counts : firstRows(responses.counts, n);
      const emb = embeddingFigure(counts, responses.labels.subarray(0, n), { seed: m.seed, iterations: opts.tsneIterations });
      figures.push(emb.figure);
      silhouette = emb.silhouette;
      facts.push(['t-SNE silhouette', `${emb.silhouette.toFixed(3)} (${n} test images)`]);
    } else facts.push(['t-SNE', `left out: ${n} test images are fewer than ${MIN_TSNE_SAMPLES}`]);
  }
  return { kind: run.runDir ? 'run' : 'model', figures, facts, silhouette };
}


function firstRows(c: SparseCounts, n: number): SparseCounts {
  const out = new SparseCounts(c.columns);
  const dense = new Float64Array(c.columns);
  for (let r = 0; r < n; r++) {
    dense.fill(0);
    const { start, end, indices, values } = c.row(r);
    for (let k = start; k < end; k++) dense[indices[k]!] = values[k]!;
    out.push(dense);
  }
  return out;
}

function rateHistogramOf(rates: Float64Array, presentMs: number, samples: number): Figure {
  let silent = 0;
  for (const r of rates) if (r === 0) silent++;
  return neuronHistogram('rate-histogram', 'Hidden-layer firing rates on test images', 'rate during presentation (Hz)', [{ population: 'hidden', values: rates }], [
    `mean over ${samples} test presentations of ${presentMs} ms; ${silent} of ${rates.length} hidden neurons never fired`,
  ]);
}

/** Renders every figure to SVG and PNG and writes DIR/report.html and DIR/<figure>.png. */
export async function writeReport(source: string, outDir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const started = performance.now();
  const built = await buildFigures(source, opts);
  mkdirSync(outDir, { recursive: true });
  const rendered: RenderedFigure[] = [];
  const sections: string[] = [];
  for (const f of built.figures) {
    opts.onProgress?.(`rendering ${f.name}`);
    const t0 = performance.now();
    const svg = await renderSvg(f);
    const png = renderPng(svg, PNG_SCALE);
    const { width, height } = svgSize(svg);
    const file = `${f.name}.png`;
    writeFileAtomic(join(outDir, file), png);
    const embedded = Buffer.byteLength(svg) <= (opts.inlineSvgMaxBytes ?? INLINE_SVG_MAX_BYTES) ? svg.replace(/^<\?xml[^>]*>\s*/, '') : `<img alt="${escapeHtml(f.title)}" width="${width}" height="${height}" src="data:image/png;base64,${png.toString('base64')}">`;
    sections.push(
      `<section class="figure" id="${escapeHtml(f.name)}"><h2>${escapeHtml(f.title)}</h2><div class="plot">${embedded}</div>` +
        (f.html ?? '') +
        `<ul class="notes">${f.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul><p class="file">PNG: <code>${escapeHtml(file)}</code></p></section>`,
    );
    rendered.push({ name: f.name, title: f.title, notes: f.notes, png: file, pngWidth: Math.round(width * PNG_SCALE), pngHeight: Math.round(height * PNG_SCALE), svgBytes: Buffer.byteLength(svg), seconds: (performance.now() - t0) / 1000 });
  }
  const title = `snn report: ${basename(source)}`;
  const facts = [['source', source], ['kind', built.kind], ...built.facts];
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin:28px 0 8px}
table.facts td,table.data td,table.data th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
.plot svg,.plot img{max-width:100%;height:auto}
.notes{color:#555;font-size:13px}.file{color:#888;font-size:12px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<table class="facts">${facts.map(([k, v]) => `<tr><td>${escapeHtml(k!)}</td><td>${escapeHtml(v!)}</td></tr>`).join('')}</table>
<nav><p>${rendered.map((r) => `<a href="#${escapeHtml(r.name)}">${escapeHtml(r.title)}</a>`).join(' · ')}</p></nav>
${sections.join('\n')}
</body></html>
`;
  const htmlPath = join(outDir, 'report.html');
  writeFileAtomic(htmlPath, html);
  const result: ReportResult = { kind: built.kind, html: htmlPath, figures: rendered, facts: built.facts, ...(built.silhouette !== undefined ? { silhouette: built.silhouette } : {}), seconds: (performance.now() - started) / 1000 };
  writeFileAtomic(join(outDir, 'figures.json'), `${JSON.stringify({ kind: result.kind, figures: rendered, silhouette: result.silhouette ?? null }, null, 2)}\n`);
  return result;
}

/** The report of a finished training run, written into RUN_DIR/report/ (what `snn train` calls at the end). */
export function writeRunReport(runDir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  return writeReport(runDir, join(runDir, 'report'), opts);
}
