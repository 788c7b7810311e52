/**
 * Recorded state variables (e.g. the membrane potential v) of chosen neurons over time. Long
 * recordings are reduced per neuron to the minimum and maximum of each of about `maxPoints / 2`
 * time buckets, so spikes and resets stay visible; the figure says when it did this.
 */
import { SnnError } from '../engine/errors.js';
import type { TraceData } from '../io/trace-reader.js';
import { CLASS_SCHEME, type Figure } from './figure.js';
import { checkPopulations, windowOf, type TraceWindow } from './trace-window.js';

export interface StateOptions extends TraceWindow {
  variable: string;
  /** Neuron ids (default: the first 5 recorded). */
  neurons?: number[];
  /** Most points drawn per neuron (default 2000). */
  maxPoints?: number;
  width?: number;
}

/** The recorded stream of `variable` (in one of the chosen populations), with errors that name what there is. */
export function findStateStream(trace: TraceData, variable: string, populations?: string[]): { stream: TraceData['states'][number]; population: string } {
  const names = checkPopulations(trace, populations);
  const popName = (k: number) => trace.header.populations[k]?.name ?? String(k);
  const recorded = trace.states.map((s) => `${s.variable}:${popName(s.pop)}`);
  if (recorded.length === 0) throw new SnnError('usage', `${traceName(trace)} holds no state traces`, "record some with snn simulate --record-state 'v:POP' --out FILE.snntrace");
  const matches = trace.states.filter((s) => s.variable === variable && names.includes(popName(s.pop)));
  if (matches.length === 0) throw new SnnError('usage', `${traceName(trace)} has no recorded '${variable}'${populations?.length ? ` of ${populations.join(', ')}` : ''}`, `recorded: ${[...new Set(recorded)].join(', ')}`);
  if (matches.length > 1) throw new SnnError('usage', `'${variable}' is recorded for several populations or neuron sets`, 'choose one with --population');
  return { stream: matches[0]!, population: popName(matches[0]!.pop) };
}

function traceName(trace: TraceData): string {
  return (trace.header.meta?.source as string | undefined) ? `the trace of ${trace.header.meta!.source as string}` : 'the trace';
}

/** Column of each requested neuron in the stream (error naming the recorded ones). */
export function neuronColumns(stream: { neurons: Int32Array }, neurons: number[] | undefined, fallback = 5): { id: number; col: number }[] {
  const ids = Array.from(stream.neurons);
  const want = neurons ?? ids.slice(0, fallback);
  return want.map((id) => {
    const col = ids.indexOf(id);
    if (col < 0) throw new SnnError('usage', `neuron ${id} was not recorded`, `recorded neurons: ${ids.length > 20 ? `${ids.slice(0, 20).join(',')},… (${ids.length})` : ids.join(',')}`);
    return { id, col };
  });
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
