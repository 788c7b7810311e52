/**
 * The in-memory input of every spike exporter and the output of every reader.
 *
 * Columnar per population (docs/CONVENTIONS.md): times in ms (float64, may be off the dt grid) and
 * neuron ids local to the population. Formats with one flat address space (AEDAT, npy, Lava) see the
 * populations concatenated in order: global id = population offset + local id (`flattenSpikes`).
 */
import { SnnError } from '../../engine/errors.js';

export interface SpikePopulation {
  name: string;
  /** Number of neurons; ids are in [0, size). */
  size: number;
  /** Spike times in ms. */
  times: Float64Array;
  /** Neuron ids local to this population, same length as `times`. */
  ids: Int32Array;
}

export interface SpikeData {
  populations: SpikePopulation[];
  /** Simulation step in ms, or null for exact (event-driven) runs. */
  dt: number | null;
  /** Length of the recording in ms (≥ the last spike). */
  durationMs: number;
}

/** Name, first global id and size of one population inside a flat address space. */
export interface PopulationLayout {
  name: string;
  offset: number;
  size: number;
}

/** All spikes of all populations in one time-sorted stream of global ids. */
export interface FlatSpikes {
  times: Float64Array;
  ids: Int32Array;
  layout: PopulationLayout[];
  /** Sum of population sizes: the width of the flat address space. */
  totalSize: number;
}

/** Rejects malformed input before anything is written, so no half-written file is ever left. */
export function validateSpikeData(data: SpikeData): void {
  const hint = 'fix the spike data passed to the exporter';
  if (data.dt !== null && !(Number.isFinite(data.dt) && data.dt > 0)) {
    throw new SnnError('usage', `dt must be a positive number or null, got ${data.dt}`, hint);
  }
  if (!(Number.isFinite(data.durationMs) && data.durationMs >= 0)) {
    throw new SnnError('usage', `durationMs must be a finite number ≥ 0, got ${data.durationMs}`, hint);
  }
  const names = new Set<string>();
  for (const p of data.populations) {
    if (names.has(p.name)) throw new SnnError('usage', `duplicate population name '${p.name}'`, hint);
    names.add(p.name);
    if (!Number.isInteger(p.size) || p.size < 0 || p.size > 0x7fffffff) {
      throw new SnnError('usage', `population '${p.name}' has invalid size ${p.size}`, hint);
    }
    if (p.times.length !== p.ids.length) {
      throw new SnnError(
        'usage',
        `population '${p.name}' has ${p.times.length} times but ${p.ids.length} ids`,
        hint,
      );
    }
    for (let i = 0; i < p.times.length; i++) {
      const t = p.times[i]!;
      const id = p.ids[i]!;
      if (!Number.isFinite(t) || t < 0) {
        throw new SnnError('usage', `population '${p.name}' spike ${i} has time ${t} ms`, 'spike times must be finite and ≥ 0');
      }
      if (id < 0 || id >= p.size) {
        throw new SnnError('usage', `population '${p.name}' spike ${i} has neuron id ${id} outside [0, ${p.size})`, hint);
      }
    }
  }
}

/** The concatenated address space: population i owns ids [offset_i, offset_i + size_i). */
export function layoutOf(data: SpikeData): PopulationLayout[] {
  let offset = 0;
  return data.populations.map((p) => {
    const l = { name: p.name, offset, size: p.size };
    offset += p.size;
    return l;
  });
}

/** Indices that sort (times, ids) by time, then id; stable, so equal pairs keep input order. */
export function sortOrder(times: Float64Array, ids: Int32Array): Uint32Array {
  const order = new Uint32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => times[a]! - times[b]! || ids[a]! - ids[b]! || a - b);
  return order;
}

/** Merges all populations into one time-sorted stream of global ids (event formats need monotonic time). */
export function flattenSpikes(data: SpikeData): FlatSpikes {
  const layout = layoutOf(data);
  let n = 0;
  for (const p of data.populations) n += p.times.length;
  const times = new Float64Array(n);
  const ids = new Int32Array(n);
  let k = 0;
  data.populations.forEach((p, i) => {
    const off = layout[i]!.offset;
    for (let j = 0; j < p.times.length; j++, k++) {
      times[k] = p.times[j]!;
      ids[k] = p.ids[j]! + off;
    }
  });
  const order = sortOrder(times, ids);
  const st = new Float64Array(n);
  const si = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    st[i] = times[order[i]!]!;
    si[i] = ids[order[i]!]!;
  }
  const last = layout[layout.length - 1];
  return { times: st, ids: si, layout, totalSize: last ? last.offset + last.size : 0 };
}

/**
 * Inverse of `flattenSpikes`: splits global ids back into populations. Ids outside every population
 * are a corrupt file, not a user error, hence `io.corrupt`.
 */
export function splitFlat(
  times: Float64Array,
  ids: Int32Array,
  layout: PopulationLayout[],
): SpikePopulation[] {
  const counts = new Int32Array(layout.length);
  const which = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let p = -1;
    for (let j = 0; j < layout.length; j++) {
      const l = layout[j]!;
      if (id >= l.offset && id < l.offset + l.size) {
        p = j;
        break;
      }
    }
    if (p < 0) throw new SnnError('io.corrupt', `neuron address ${id} belongs to no population`, 'the file does not match its population table');
    which[i] = p;
    counts[p]!++;
  }
  const pops = layout.map((l, j) => ({
    name: l.name,
    size: l.size,
    times: new Float64Array(counts[j]!),
    ids: new Int32Array(counts[j]!),
  }));
  const fill = new Int32Array(layout.length);
  for (let i = 0; i < ids.length; i++) {
    const j = which[i]!;
    const k = fill[j]!++;
    pops[j]!.times[k] = times[i]!;
    pops[j]!.ids[k] = ids[i]! - layout[j]!.offset;
  }
  return pops;
}

/** One population covering every id seen: what readers return when the file names no populations. */
export function singlePopulationLayout(ids: Int32Array, minSize = 0, name = 'events'): PopulationLayout[] {
  let max = -1;
  for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
  return [{ name, offset: 0, size: Math.max(minSize, max + 1) }];
}

/** Parses the population table our writers embed in file headers; null if absent or malformed. */
export function parseLayoutJson(text: string): PopulationLayout[] | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  const out: PopulationLayout[] = [];
  for (const e of v) {
    if (typeof e !== 'object' || e === null) return null;
    const { name, offset, size } = e as Record<string, unknown>;
    if (typeof name !== 'string' || !Number.isInteger(offset) || !Number.isInteger(size)) return null;
    if ((offset as number) < 0 || (size as number) < 0) return null;
    out.push({ name, offset: offset as number, size: size as number });
  }
  return out;
}

/** Largest spike time, or 0: readers use it when the file records no duration. */
export function maxTime(times: Float64Array): number {
  let m = 0;
  for (let i = 0; i < times.length; i++) if (times[i]! > m) m = times[i]!;
  return m;
}
