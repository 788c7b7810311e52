/**
 * Histograms of large arrays (weights, thresholds): binned here in one pass over a typed array
 * (a million weights would be a million data objects for Vega), drawn as bars from bin to bin.
 */
import type { Figure } from './figure.js';

export interface Bins {
  lo: number;
  hi: number;
  counts: Float64Array;
}

/** `bins` equal bins over [min, max] of the finite values; the maximum falls in the last bin. */
export function binValues(a: ArrayLike<number>, bins = 40): Bins {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return { lo: 0, hi: 1, counts: new Float64Array(bins) };
  if (hi === lo) hi = lo + 1;
  const counts = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v >= lo && v <= hi) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  }
  return { lo, hi, counts };
}

export function binsToRows(b: Bins, series: string): { a: number; b: number; count: number; series: string }[] {
  const width = (b.hi - b.lo) / b.counts.length;
  return Array.from(b.counts, (count, k) => ({ a: b.lo + k * width, b: b.lo + (k + 1) * width, count, series }));
}

/** One histogram panel per series (side by side), each with its own x axis. */
export function histogramFigure(name: string, title: string, axis: string, series: { name: string; values: ArrayLike<number> }[], notes: string[], yTitle = 'count'): Figure {
  const panels = series.map((s) => ({
    width: series.length > 1 ? 320 : 420,
    height: 220,
    title: series.length > 1 ? s.name : undefined,
    data: { values: binsToRows(binValues(s.values), s.name) },
    mark: { type: 'rect' as const, color: '#4c78a8' },
    encoding: {
      x: { field: 'a', type: 'quantitative' as const, title: axis, scale: { zero: false, nice: false } },
      x2: { field: 'b' },
      y: { field: 'count', type: 'quantitative' as const, title: yTitle },
    },
  }));
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title: { text: title }, hconcat: panels };
  return { name, title, spec: spec as unknown as Figure['spec'], notes };
}
