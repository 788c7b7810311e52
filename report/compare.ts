/**
 * Figures of an `snn compare` result (COMPARE_DIR/compare.json): the table of contenders and,
 * where contenders recorded a curve, accuracy against training samples and against wall time.
 *
 * compare.json: { contenders: [{ name, accuracyMean, accuracyCi95, accuracies, wallSeconds,
 *                 curve?: [{ samples, accuracy, wallSeconds }] }] }; accuracyCi95 is the half-width
 * of the 95 % interval, or its [low, high] ends. A long-tailed comparison (`--imbalance`) adds
 * `longTail` (the training subset: class counts, rarest first) and per contender
 * `longTail: { balanced, rarest, perClass }`: a table of the rare-class figures and a chart of the
 * accuracy per class, classes ordered from the most to the least trained.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../engine/errors.js';
import { withTimings, type CompareJson, type CompareTiming, type MeasureSummary } from '../training/compare/summary.js';
import { CLASS_SCHEME, escapeHtml, type Figure } from './figure.js';

/** One accuracy measure over seeds, as compare.json stores it (fractions): what the report reads of it. */
type Measure = Pick<MeasureSummary, 'mean' | 'ci95' | 'difference'>;

export interface Contender {
  name: string;
  accuracyMean: number;
  accuracyCi95: number | [number, number] | null;
  accuracies: number[];
  wallSeconds: number;
  curve?: { samples: number; accuracy: number; wallSeconds: number }[];
  /** Rare-class figures of a long-tailed comparison. */
  longTail?: { balanced: Measure; rarest: Measure; perClass: number[] };
}

/** The long-tailed training subset every contender trained on. */
export interface CompareSubset {
  ratio: number;
  classCounts: number[];
  rarestClasses: number[];
}

export interface CompareResult {
  contenders: Contender[];
  /** Null for a comparison on the balanced training set. */
  longTail: CompareSubset | null;
}

export function isCompareDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'compare.json'));
}

export function readCompare(dir: string): CompareResult {
  const file = join(dir, 'compare.json');
  let body: { contenders?: unknown; longTail?: Partial<CompareSubset> };
  try {
    body = JSON.parse(readFileSync(file, 'utf8')) as { contenders?: unknown };
  } catch {
    throw new SnnError('io.corrupt', `${file} is not JSON`, 'give the directory snn compare wrote');
  }
  // snn compare keeps machine-dependent timings in compare-timing.json (so compare.json does not
  // depend on the worker count): merge them back in, as `snn compare --json` prints them.
  const timingFile = join(dir, 'compare-timing.json');
  if (existsSync(timingFile)) {
    try {
      body = withTimings(body as CompareJson, JSON.parse(readFileSync(timingFile, 'utf8')) as CompareTiming) as { contenders?: unknown };
    } catch {
      throw new SnnError('io.corrupt', `${timingFile} does not match ${file}`, 'give the directory snn compare wrote');
    }
  }
  const list = body?.contenders;
  if (!Array.isArray(list) || list.length === 0) throw new SnnError('io.corrupt', `${file} lists no contenders`, 'give the directory snn compare wrote');
  list.forEach((c: Partial<Contender>, k) => {
    if (typeof c?.name !== 'string' || typeof c.accuracyMean !== 'number' || !Array.isArray(c.accuracies) || typeof c.wallSeconds !== 'number') {
      throw new SnnError('io.corrupt', `${file}: contender ${k} lacks name, accuracyMean, accuracies or wallSeconds`, 'give the directory snn compare wrote');
    }
  });
  // Curve points carry the seed mean as accuracyMean (snn compare) or accuracy.
  type RawPoint = { samples: number; accuracy?: number; accuracyMean?: number; wallSeconds: number };
  const contenders = (list as (Omit<Contender, 'curve'> & { curve?: RawPoint[] })[]).map((c): Contender => {
    const { curve, ...rest } = c;
    return curve ? { ...rest, curve: curve.map((p) => ({ samples: p.samples, accuracy: p.accuracy ?? p.accuracyMean ?? NaN, wallSeconds: p.wallSeconds })) } : rest;
  });
  const lt = body.longTail;
  if (lt === undefined) return { contenders, longTail: null };
  if (typeof lt?.ratio !== 'number' || !Array.isArray(lt.classCounts) || !Array.isArray(lt.rarestClasses) || contenders.some((c) => !Array.isArray(c.longTail?.perClass))) {
    throw new SnnError('io.corrupt', `${file}: a long-tailed comparison lacks its subset or a contender's per-class accuracy`, 'give the directory snn compare wrote');
  }
  return { contenders, longTail: { ratio: lt.ratio, classCounts: lt.classCounts, rarestClasses: lt.rarestClasses } };
}

function ciText(c: Contender): string {
  const ci = c.accuracyCi95;
  if (ci === null || ci === undefined) return '–';
  if (Array.isArray(ci)) return `${pct(ci[0])} – ${pct(ci[1])}`;
  return `± ${(100 * ci).toFixed(2)}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

function intervalText(ci: [number, number] | null): string {
  return ci === null ? '–' : `${(100 * ci[0]).toFixed(2)} – ${(100 * ci[1]).toFixed(2)}`;
}

function differenceText(m: Measure): string {
  const d = m.difference;
  if (d === null) return '–';
  const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;
  return `${signed(d.mean)} (${d.ci95 === null ? '–' : `${signed(d.ci95[0])} – ${signed(d.ci95[1])}`})`;
}

/** Balanced and rarest-class accuracy per contender, each with its interval and paired difference to the first. */
export function rareClassTableHtml(contenders: Contender[], subset: CompareSubset): string {
  const rare = subset.rarestClasses.join(', ');
  const head = `<tr><th>contender</th><th>balanced</th><th>95 % interval</th><th>Δ balanced (95 %)</th><th>rarest (${rare})</th><th>95 % interval</th><th>Δ rarest (95 %)</th></tr>`;
  const body = contenders
    .map((c) => {
      const { balanced: b, rarest: r } = c.longTail!;
      return `<tr><td>${escapeHtml(c.name)}</td><td>${pct(b.mean)}</td><td>${intervalText(b.ci95)}</td><td>${differenceText(b)}</td><td>${pct(r.mean)}</td><td>${intervalText(r.ci95)}</td><td>${differenceText(r)}</td></tr>`;
    })
    .join('');
  return `<table class="data">${head}${body}</table>`;
}

/** Test accuracy per class (mean over seeds) for each contender, classes from the most to the least trained, with the rare-class table under it. */
export function compareClassFigure(contenders: Contender[], subset: CompareSubset): Figure {
  const order = subset.classCounts.map((n, k) => ({ k, n })).sort((a, b) => b.n - a.n || a.k - b.k);
  const label = (k: number) => `${k} (${subset.classCounts[k]})`;
  const rows = contenders.flatMap((c) => order.map(({ k }) => ({ name: c.name, cls: label(k), accuracy: c.longTail!.perClass[k]! })));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Test accuracy per class after training on the long-tailed subset (ratio ${subset.ratio})` },
    width: 520,
    height: 240,
    data: { values: rows },
    mark: { type: 'bar' as const },
    encoding: {
      x: { field: 'cls', type: 'nominal' as const, title: 'class (training images)', sort: order.map(({ k }) => label(k)), axis: { labelAngle: 0 } },
      xOffset: { field: 'name', type: 'nominal' as const, sort: null },
      y: { field: 'accuracy', type: 'quantitative' as const, title: 'test accuracy (mean over seeds)', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: { field: 'name', type: 'nominal' as const, title: 'contender', sort: null, scale: { scheme: CLASS_SCHEME } },
    },
  };
  return {
    name: 'compare-classes',
    title: 'Rare classes',
    spec: spec as unknown as Figure['spec'],
    notes: [`training images per class: ${subset.classCounts.map((n, k) => `${k}: ${n}`).join(', ')}`],
    html: rareClassTableHtml(contenders, subset),
  };
}

export function compareTableHtml(contenders: Contender[]): string {
  const head = '<tr><th>contender</th><th>accuracy (mean)</th><th>95 % interval</th><th>runs</th><th>per run</th><th>wall (s)</th></tr>';
  const body = contenders
    .map((c) => `<tr><td>${escapeHtml(c.name)}</td><td>${pct(c.accuracyMean)}</td><td>${ciText(c)}</td><td>${c.accuracies.length}</td><td>${c.accuracies.map((a) => (100 * a).toFixed(2)).join(', ')}</td><td>${c.wallSeconds.toFixed(1)}</td></tr>`)
    .join('');
  return `<table class="data">${head}${body}</table>`;
}

/** Mean accuracy per contender with its interval (error bar), and the table under it. */
export function compareSummaryFigure(contenders: Contender[]): Figure {
  const rows = contenders.map((c) => {
    const ci = c.accuracyCi95;
    const [lo, hi] = ci === null || ci === undefined ? [c.accuracyMean, c.accuracyMean] : Array.isArray(ci) ? ci : [c.accuracyMean - ci, c.accuracyMean + ci];
    return { name: c.name, mean: c.accuracyMean, lo, hi };
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Test accuracy per contender (mean and 95 % interval)' },
    width: 420,
    height: Math.max(60, 28 * rows.length),
    data: { values: rows },
    encoding: { y: { field: 'name', type: 'nominal' as const, title: null, sort: null } },
    layer: [
      { mark: { type: 'rule' as const }, encoding: { x: { field: 'lo', type: 'quantitative' as const, title: 'accuracy', axis: { format: '.1%' }, scale: { zero: false } }, x2: { field: 'hi' } } },
      { mark: { type: 'point' as const, filled: true, size: 60 }, encoding: { x: { field: 'mean', type: 'quantitative' as const }, color: { field: 'name', type: 'nominal' as const, scale: { scheme: CLASS_SCHEME }, legend: null } } },
    ],
  };
  return { name: 'compare-summary', title: 'Contenders', spec: spec as unknown as Figure['spec'], notes: [`${contenders.length} contenders`], html: compareTableHtml(contenders) };
}

/** Accuracy against training samples and against wall time, one line per contender with a curve. */
export function compareCurveFigures(contenders: Contender[]): Figure[] {
  const rows = contenders.flatMap((c) => (c.curve ?? []).map((p) => ({ name: c.name, samples: p.samples, accuracy: p.accuracy, wallSeconds: p.wallSeconds })));
  if (rows.length === 0) return [];
  const without = contenders.filter((c) => !c.curve?.length).map((c) => c.name);
  const notes = without.length ? [`no curve recorded for: ${without.join(', ')}`] : [];
  const curve = (name: string, field: 'samples' | 'wallSeconds', axis: string): Figure => ({
    name,
    title: `Accuracy against ${axis}`,
    notes,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: { text: `Accuracy against ${axis}` },
      width: 460,
      height: 260,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field, type: 'quantitative', title: axis },
        y: { field: 'accuracy', type: 'quantitative', title: 'test accuracy', axis: { format: '.0%' }, scale: { zero: false } },
        color: { field: 'name', type: 'nominal', title: 'contender', scale: { scheme: CLASS_SCHEME } },
      },
    } as unknown as Figure['spec'],
  });
  return [curve('compare-samples', 'samples', 'training samples'), curve('compare-time', 'wallSeconds', 'wall time (s)')];
}
