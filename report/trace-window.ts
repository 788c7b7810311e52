/**
 * Selecting what a trace figure shows: which populations (by name) and which time window. Shared
 * by the raster, the state traces and the spike-statistics histograms.
 */
import { SnnError } from '../engine/errors.js';
import type { TraceData } from '../io/trace-reader.js';

export interface TraceWindow {
  /** Population names to show (default: all). */
  populations?: string[];
  /** ms, inclusive. */
  from?: number;
  /** ms, exclusive. */
  to?: number;
}

export interface WindowedPopulation {
  name: string;
  size: number;
  times: Float64Array;
  ids: Int32Array;
}

/** The trace's duration: the end record's tStop, else the last recorded time, else 0. */
export function traceDuration(trace: TraceData): number {
  const tStop = (trace.end as { tStop?: number } | null)?.tStop;
  if (typeof tStop === 'number' && Number.isFinite(tStop) && tStop > 0) return tStop;
  let last = 0;
  for (const p of trace.populations) if (p.times.length) last = Math.max(last, p.times[p.times.length - 1]!);
  for (const s of trace.states) if (s.times.length) last = Math.max(last, s.times[s.times.length - 1]!);
  return last;
}

/** The resolved window [from, to) in ms. */
export function windowOf(trace: TraceData, w: TraceWindow): { from: number; to: number } {
  const from = w.from ?? 0;
  const to = w.to ?? Math.max(traceDuration(trace), from);
  if (!(to > from)) throw new SnnError('usage', `empty time window: --from ${from} --to ${to}`, '--to must be later than --from');
  return { from, to };
}

export function checkPopulations(trace: TraceData, names: string[] | undefined): string[] {
  const known = trace.header.populations.map((p) => p.name);
  if (!names || names.length === 0) return known;
  for (const n of names) {
    if (!known.includes(n)) throw new SnnError('usage', `the trace has no population '${n}'`, `its populations: ${known.join(', ')}`);
  }
  return names;
}

/** The spikes of the chosen populations inside the window (times sorted: binary search, no copy of the rest). */
export function windowSpikes(trace: TraceData, w: TraceWindow): WindowedPopulation[] {
  const { from, to } = windowOf(trace, w);
  const names = checkPopulations(trace, w.populations);
  return trace.populations
    .filter((p) => names.includes(p.name))
    .map((p) => {
      const a = lowerBound(p.times, from);
      const b = lowerBound(p.times, to);
      return { name: p.name, size: p.size, times: p.times.subarray(a, b), ids: p.ids.subarray(a, b) };
    });
}

/** First index with times[i] >= x. */
export function lowerBound(times: Float64Array, x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A round bin width (1, 2, 5 × 10^k ms) giving about `bins` bins over `span` ms, never below `minimum`. */
export function niceBin(span: number, bins: number, minimum = 0): number {
  const raw = Math.max(span / bins, minimum, 1e-9);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
