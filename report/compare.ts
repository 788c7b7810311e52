/**
 * Figures of an `snn compare` result (COMPARE_DIR/compare.json): the table of contenders and,
 * where contenders recorded a curve, accuracy against training samples and against wall time.
 *
 * compare.json: { contenders: [{ name, accuracyMean, accuracyCi95, accuracies, wallSeconds,
 *                 curve?: [{ samples, accuracy, wallSeconds }] }] }; accuracyCi95 is the half-width
 * of the 95 % interval, or its [low, high] ends.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../engine/errors.js';
import { withTimings, type CompareJson, type CompareTiming } from '../training/compare/summary.js';
import { CLASS_SCHEME, escapeHtml, type Figure } from './figure.js';

export interface Contender {
  name: string;
  accuracyMean: number;
  accuracyCi95: number | [number, number] | null;
  accuracies: number[];
  wallSeconds: number;
  curve?: { samples: number; accuracy: number; wallSeconds: number }[];
}

export function isCompareDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'compare.json'));
}

export function readCompare(dir: string): Contender[] {
  const file = join(dir, 'compare.json');
  let body: { contenders?: unknown };
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
  return (list as (Omit<Contender, 'curve'> & { curve?: RawPoint[] })[]).map((c): Contender => {
    const { curve, ...rest } = c;
    return curve ? { ...rest, curve: curve.map((p) => ({ samples: p.samples, accuracy: p.accuracy ?? p.accuracyMean ?? NaN, wallSeconds: p.wallSeconds })) } : rest;
  });
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
