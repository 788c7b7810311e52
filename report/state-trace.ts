/**
 * Recorded state variables (e.g. the membrane potential v) of chosen neurons over time. Long
 * recordings are reduced per neuron to the minimum and maximum of each of about `maxPoints / 2`
 * time buckets, so spikes and resets stay visible; the figure says when it did this.
 */
import type { TraceData } from '../io/trace-reader.js';
import { CLASS_SCHEME, type Figure } from './figure.js';
import { findStateStream, neuronColumns } from '../io/state-export.js';
import { windowOf, type TraceWindow } from './trace-window.js';

export interface StateOptions extends TraceWindow {
  variable: string;
  /** Neuron ids (default: the first 5 recorded). */
  neurons?: number[];
  /** Most points drawn per neuron (default 2000). */
  maxPoints?: number;
  width?: number;
}

export function stateFigure(trace: TraceData, opts: StateOptions): Figure {
  const { stream, population } = findStateStream(trace, opts.variable, opts.populations);
  const cols = neuronColumns(stream, opts.neurons);
  const { from, to } = windowOf(trace, { ...opts, to: opts.to ?? Math.max(stream.times[stream.times.length - 1] ?? 0, from0(opts)) + 1e-9 });
  const width = stream.neurons.length;
  const times = stream.times;
  let a = 0;
  while (a < times.length && times[a]! < from) a++;
  let b = a;
  while (b < times.length && times[b]! < to) b++;
  const samples = b - a;
  const maxPoints = opts.maxPoints ?? 2000;
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const reduced = samples > maxPoints;
  const points: { t: number; value: number; neuron: string }[] = [];
  for (const { id, col } of cols) {
    const label = `${population}[${id}]`;
    if (!reduced) {
      for (let r = a; r < b; r++) points.push({ t: times[r]!, value: stream.values[r * width + col]!, neuron: label });
      continue;
    }
    const per = samples / buckets;
    for (let k = 0; k < buckets; k++) {
      const r0 = a + Math.floor(k * per);
      const r1 = Math.min(b, a + Math.floor((k + 1) * per));
      let lo = r0;
      let hi = r0;
      for (let r = r0; r < r1; r++) {
        const v = stream.values[r * width + col]!;
        if (v < stream.values[lo * width + col]!) lo = r;
        if (v > stream.values[hi * width + col]!) hi = r;
      }
      for (const r of lo <= hi ? [lo, hi] : [hi, lo]) points.push({ t: times[r]!, value: stream.values[r * width + col]!, neuron: label });
    }
  }
  const notes = [`${opts.variable} of ${cols.length} neuron${cols.length === 1 ? '' : 's'} of ${population}, ${samples.toLocaleString('en')} samples each in ${from}–${Number(to.toPrecision(8))} ms`];
  if (reduced) notes.push(`reduced: the minimum and maximum of each of ${buckets} time buckets drawn per neuron (${(2 * buckets).toLocaleString('en')} of ${samples.toLocaleString('en')} samples)`);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `State trace: ${opts.variable} (${population})`, subtitle: reduced ? `reduced to per-bucket min/max: ${2 * buckets} of ${samples} samples per neuron` : `${samples} samples per neuron` },
    width: opts.width ?? 720,
    height: 260,
    data: { values: points },
    mark: { type: 'line' as const, strokeWidth: 1 },
    encoding: {
      x: { field: 't', type: 'quantitative' as const, title: 'time (ms)', scale: { nice: false } },
      y: { field: 'value', type: 'quantitative' as const, title: opts.variable, scale: { zero: false } },
      color: { field: 'neuron', type: 'nominal' as const, scale: { scheme: CLASS_SCHEME }, sort: null },
    },
  };
  return { name: `state-${opts.variable}`, title: `State trace ${opts.variable}`, spec: spec as Figure['spec'], notes };
}

function from0(opts: TraceWindow): number {
  return opts.from ?? 0;
}
