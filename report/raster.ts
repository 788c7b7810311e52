/**
 * Spike raster with the population rate under it. Large traces are reduced so the figure renders
 * in seconds: above `maxSpikes` spikes in the window, only every k-th neuron's spikes are drawn
 * (k the smallest stride that fits), and the figure says so; the rate always counts every spike.
 */
import type { TraceData } from '../io/trace-reader.js';
import { CLASS_SCHEME, type Figure } from './figure.js';
import { niceBin, windowOf, windowSpikes, type TraceWindow } from './trace-window.js';

export interface RasterOptions extends TraceWindow {
  /** Most spikes drawn as marks (default 30 000). */
  maxSpikes?: number;
  /** Rate bins across the window (default about 200). */
  rateBins?: number;
  width?: number;
}

export const RASTER_DEFAULT_MAX_SPIKES = 30_000;

export function rasterFigure(trace: TraceData, opts: RasterOptions = {}): Figure {
  const { from, to } = windowOf(trace, opts);
  const pops = windowSpikes(trace, opts);
  const maxSpikes = opts.maxSpikes ?? RASTER_DEFAULT_MAX_SPIKES;
  const total = pops.reduce((s, p) => s + p.times.length, 0);
  const stride = Math.max(1, Math.ceil(total / maxSpikes));
  const spikes: { t: number; row: number; population: string }[] = [];
  let offset = 0;
  let drawnNeurons = 0;
  let allNeurons = 0;
  for (const p of pops) {
    for (let k = 0; k < p.times.length; k++) {
      const id = p.ids[k]!;
      if (id % stride === 0) spikes.push({ t: p.times[k]!, row: offset + id, population: p.name });
    }
    offset += p.size;
    allNeurons += p.size;
    drawnNeurons += Math.ceil(p.size / stride);
  }
  const dt = trace.header.dt ?? 0;
  const bin = niceBin(to - from, opts.rateBins ?? 200, dt);
  const nBins = Math.max(1, Math.ceil((to - from) / bin));
  const rates: { t: number; rate: number; population: string }[] = [];
  for (const p of pops) {
    const counts = new Float64Array(nBins);
    for (let k = 0; k < p.times.length; k++) counts[Math.min(nBins - 1, Math.floor((p.times[k]! - from) / bin))]! += 1;
    for (let b = 0; b < nBins; b++) rates.push({ t: from + (b + 0.5) * bin, rate: (counts[b]! * 1000) / (bin * Math.max(1, p.size)), population: p.name });
  }
  const notes = [`${total.toLocaleString('en')} spikes of ${pops.length} population${pops.length === 1 ? '' : 's'} (${pops.map((p) => p.name).join(', ')}) in ${fmt(from)}–${fmt(to)} ms`];
  if (stride > 1) {
    notes.push(`raster reduced: every ${stride}th neuron drawn (${drawnNeurons.toLocaleString('en')} of ${allNeurons.toLocaleString('en')} neurons, ${spikes.length.toLocaleString('en')} of ${total.toLocaleString('en')} spikes); the rate counts every spike`);
  }
  notes.push(`rate: spikes per neuron per second in ${fmt(bin)} ms bins`);
  const width = opts.width ?? 720;
  const x = { field: 't', type: 'quantitative' as const, title: 'time (ms)', scale: { domain: [from, to], nice: false } };
  const color = { field: 'population', type: 'nominal' as const, scale: { scheme: CLASS_SCHEME }, legend: pops.length > 1 ? { orient: 'top' as const } : null };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Spike raster and population rate', subtitle: stride > 1 ? `reduced: every ${stride}th neuron drawn (${spikes.length.toLocaleString('en')} of ${total.toLocaleString('en')} spikes); rate from all spikes` : `${total.toLocaleString('en')} spikes` },
    vconcat: [
      {
        width,
        height: 300,
        data: { values: spikes },
        mark: { type: 'tick' as const, orient: 'vertical' as const, thickness: 1, size: Math.max(1, Math.min(6, 300 / Math.max(1, drawnNeurons))) },
        encoding: {
          x: { ...x, axis: { title: null } },
          y: { field: 'row', type: 'quantitative' as const, title: stride > 1 ? `neuron (every ${stride}th)` : 'neuron', scale: { domain: [-0.5, Math.max(0.5, allNeurons - 0.5)], nice: false, reverse: true } },
          color,
        },
      },
      {
        width,
        height: 110,
        data: { values: rates },
        mark: { type: 'line' as const, interpolate: 'step' as const, strokeWidth: 1.2 },
        encoding: { x, y: { field: 'rate', type: 'quantitative' as const, title: 'rate (Hz)' }, color },
      },
    ],
  };
  return { name: 'raster', title: 'Spike raster and population rate', spec: spec as Figure['spec'], notes };
}

function fmt(ms: number): string {
  return Number(ms.toPrecision(6)).toString();
}
