/**
 * Recorded state variables out of a trace: finding a variable's stream (with errors naming what
 * was recorded) and writing its values as CSV or .npy (`snn export TRACE --state v`).
 *
 * CSV: a header `time_ms,POP[ID],…` and one row per sample; numbers in the shortest text that reads
 * back to the same double (float32 values are exact as doubles).
 * npy: one float64 array of shape (samples, 1 + neurons): column 0 the time in ms, then one column
 * per neuron in the order asked for.
 */
import { SnnError } from '../engine/errors.js';
import { encodeNpyHeader } from './formats/npy.js';
import { littleEndianBytes } from './formats/npy-events.js';
import type { TraceData } from './trace-reader.js';

type StateStream = TraceData['states'][number];

/** The recorded stream of `variable` (in one of the chosen populations), with errors that name what there is. */
export function findStateStream(trace: TraceData, variable: string, populations?: string[]): { stream: StateStream; population: string } {
  const known = trace.header.populations.map((p) => p.name);
  for (const n of populations ?? []) if (!known.includes(n)) throw new SnnError('usage', `the trace has no population '${n}'`, `its populations: ${known.join(', ')}`);
  const names = populations?.length ? populations : known;
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


export interface StateTable {
  population: string;
  variable: string;
  neurons: number[];
  times: Float64Array;
  /** Row-major samples × neurons. */
  values: Float64Array;
}

/** The samples of `variable` for `neurons` (default: every recorded one), between from and to (ms). */
export function stateTable(trace: TraceData, opts: { variable: string; populations?: string[]; neurons?: number[]; from?: number; to?: number }): StateTable {
  const { stream, population } = findStateStream(trace, opts.variable, opts.populations);
  const cols = neuronColumns(stream, opts.neurons, stream.neurons.length);
  const width = stream.neurons.length;
  const keep: number[] = [];
  for (let r = 0; r < stream.times.length; r++) {
    const t = stream.times[r]!;
    if ((opts.from === undefined || t >= opts.from) && (opts.to === undefined || t < opts.to)) keep.push(r);
  }
  const values = new Float64Array(keep.length * cols.length);
  keep.forEach((r, k) => cols.forEach(({ col }, c) => (values[k * cols.length + c] = stream.values[r * width + col]!)));
  return { population, variable: opts.variable, neurons: cols.map((c) => c.id), times: Float64Array.from(keep, (r) => stream.times[r]!), values };
}

export function stateCsv(t: StateTable): string {
  const n = t.neurons.length;
  const lines = [['time_ms', ...t.neurons.map((id) => `${t.population}[${id}]`)].join(',')];
  for (let r = 0; r < t.times.length; r++) {
    const row = [String(t.times[r])];
    for (let c = 0; c < n; c++) row.push(String(t.values[r * n + c]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function stateNpy(t: StateTable): Uint8Array {
  const n = t.neurons.length;
  const data = new Float64Array(t.times.length * (1 + n));
  for (let r = 0; r < t.times.length; r++) {
    data[r * (1 + n)] = t.times[r]!;
    for (let c = 0; c < n; c++) data[r * (1 + n) + 1 + c] = t.values[r * n + c]!;
  }
  const header = encodeNpyHeader('<f8', [t.times.length, 1 + n]);
  const body = littleEndianBytes(data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}
