/**
 * Distributions over neurons: firing rate and the coefficient of variation of inter-spike
 * intervals (CV = std/mean of a neuron's ISIs, population std; 0 regular, ≈ 1 Poisson), each a
 * histogram with one bar per bin of neurons. Computed from the spikes in the window.
 */
import type { TraceData } from '../io/trace-reader.js';
import { CLASS_SCHEME, type Figure } from './figure.js';
import { windowOf, windowSpikes, type TraceWindow } from './trace-window.js';

export interface NeuronStats {
  population: string;
  /** Hz, one per neuron. */
  rates: Float64Array;
  /** CV of the ISIs of every neuron with at least 3 spikes (others left out). */
  cvs: Float64Array;
}

/** Per-neuron rate and ISI CV of each chosen population, in one pass over the window's spikes. */
export function neuronStats(trace: TraceData, w: TraceWindow = {}): NeuronStats[] {
  const { from, to } = windowOf(trace, w);
  const seconds = (to - from) / 1000;
  return windowSpikes(trace, w).map((p) => {
    const n = p.size;
    const count = new Int32Array(n);
    const last = new Float64Array(n).fill(NaN);
    const mean = new Float64Array(n);
    const m2 = new Float64Array(n);
    const isis = new Int32Array(n);
    for (let k = 0; k < p.times.length; k++) {
      const id = p.ids[k]!;
      const t = p.times[k]!;
      count[id]!++;
      const prev = last[id]!;
      if (prev === prev) {
        const isi = t - prev;
        const c = ++isis[id]!;
        const d = isi - mean[id]!;
        mean[id]! += d / c;
        m2[id]! += d * (isi - mean[id]!);
      }
      last[id] = t;
    }
    const rates = new Float64Array(n);
    const cvs: number[] = [];
    for (let i = 0; i < n; i++) {
      rates[i] = count[i]! / seconds;
      if (count[i]! >= 3 && mean[i]! > 0) cvs.push(Math.sqrt(m2[i]! / isis[i]!) / mean[i]!);
    }
    return { population: p.name, rates, cvs: Float64Array.from(cvs) };
  });
}

/** Histogram of one value per neuron, coloured by population (bins by Vega-Lite). */
export function neuronHistogram(name: string, title: string, axis: string, series: { population: string; values: ArrayLike<number> }[], notes: string[]): Figure {
  const values: { v: number; population: string }[] = [];
  for (const s of series) for (let i = 0; i < s.values.length; i++) values.push({ v: s.values[i]!, population: s.population });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title },
    width: 420,
    height: 220,
    data: { values },
    mark: { type: 'bar' as const, opacity: 0.75 },
    encoding: {
      x: { field: 'v', type: 'quantitative' as const, bin: { maxbins: 40 }, title: axis },
      y: { aggregate: 'count' as const, type: 'quantitative' as const, title: 'neurons', stack: null },
      color: { field: 'population', type: 'nominal' as const, scale: { scheme: CLASS_SCHEME } },
    },
  };
  return { name, title, spec: spec as Figure['spec'], notes };
}

export function rateHistogram(stats: NeuronStats[]): Figure {
  const notes = stats.map((s) => `${s.population}: mean ${mean(s.rates).toFixed(2)} Hz over ${s.rates.length} neurons`);
  return neuronHistogram('rate-histogram', 'Firing rates', 'rate (Hz)', stats.map((s) => ({ population: s.population, values: s.rates })), notes);
}

export function cvHistogram(stats: NeuronStats[]): Figure {
  const notes = stats.map((s) => `${s.population}: ${s.cvs.length} of ${s.rates.length} neurons have ≥ 3 spikes${s.cvs.length ? `, mean CV ${mean(s.cvs).toFixed(3)}` : ''}`);
  return neuronHistogram('isi-cv-histogram', 'ISI coefficient of variation', 'CV of inter-spike intervals', stats.map((s) => ({ population: s.population, values: s.cvs })), notes);
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return a.length ? s / a.length : NaN;
}
