/**
 * Lava `io.source.RingBuffer(data=…)` input: a dense float32 `.npy` of shape (neurons, T) with TIME
 * LAST, 1.0 where neuron n spiked in step t, else 0.0 (docs/formats.md, lava: the process sends
 * data[..., t mod T] each step). Load with `RingBuffer(data=np.load(path))`.
 *
 * Step of a spike: k = round(t/dt) when t is on the grid (within 1e-6 steps, absorbing the float error
 * of t = n·dt), else floor(t/dt): the step during which the spike happened. Several spikes of one
 * neuron in one step still give 1.0. All populations share one address space (global id = offset + id).
 */
import { SnnError } from '../../engine/errors.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import type { FormatOptions } from './format-options.js';
import { encodeNpyHeader, isNpy, parseNpyHeader, readScalar, typeSize } from './npy.js';
import { littleEndianBytes } from './npy-events.js';
import type { SpikeFormat } from './registry.js';
import { flattenSpikes, sortOrder, splitFlat, validateSpikeData, type SpikeData } from './spike-data.js';

/** Dense rasters beyond this many cells (1 GiB of float32) are refused rather than crashing Node. */
const MAX_CELLS = 2 ** 28;

export function stepIndex(tMs: number, dt: number): number {
  const q = tMs / dt;
  const r = Math.round(q);
  return Math.abs(q - r) < 1e-6 ? r : Math.floor(q);
}

function dtOf(data: { dt: number | null }, opts: FormatOptions): number {
  const dt = opts.dt ?? data.dt;
  if (dt === null || dt === undefined) {
    throw new SnnError('usage', 'the Lava RingBuffer export needs a time step, and the spike data has none', 'pass --dt (ms), e.g. --dt 1');
  }
  if (!(Number.isFinite(dt) && dt > 0)) throw new SnnError('usage', `dt must be a positive number of ms, got ${dt}`, 'pass e.g. --dt 1');
  return dt;
}

export function encodeLava(data: SpikeData, opts: FormatOptions = {}): Uint8Array[] {
  validateSpikeData(data);
  const dt = dtOf(data, opts);
  const flat = flattenSpikes(data);
  let steps = Math.max(1, Math.ceil(data.durationMs / dt - 1e-6));
  for (let i = 0; i < flat.times.length; i++) steps = Math.max(steps, stepIndex(flat.times[i]!, dt) + 1);
  const neurons = flat.totalSize;
  if (neurons * steps > MAX_CELLS) {
    throw new SnnError('resource.memory', `a dense (${neurons}, ${steps}) raster is too large`, 'use a larger --dt, a shorter recording, or an event format');
  }
  const raster = new Float32Array(neurons * steps);
  for (let i = 0; i < flat.times.length; i++) raster[flat.ids[i]! * steps + stepIndex(flat.times[i]!, dt)] = 1;
  return [encodeNpyHeader('<f4', [neurons, steps]), littleEndianBytes(raster)];
}

export function decodeLava(bytes: Uint8Array, opts: FormatOptions = {}): SpikeData {
  const dt = dtOf({ dt: null }, opts);
  const h = parseNpyHeader(bytes);
  if (typeof h.descr !== 'string' || h.shape.length !== 2) {
    throw new SnnError('io.format', 'a Lava RingBuffer array must be a 2-D numeric array (neurons, T)', 'check --format or the file');
  }
  const [neurons, steps] = h.shape as [number, number];
  const size = typeSize(h.descr);
  if (neurons > 0x7fffffff || h.dataOffset + neurons * steps * size > bytes.length) {
    throw new SnnError('io.truncated', `.npy holds fewer than ${neurons}×${steps} values`, 'the file is cut short');
  }
  const cells = neurons * steps;
  // Fast path for what we write (little-endian float32, aligned); a generic scalar read otherwise.
  const aligned = h.descr === '<f4' && (bytes.byteOffset + h.dataOffset) % 4 === 0;
  const f32 = aligned ? new Float32Array(bytes.buffer, bytes.byteOffset + h.dataOffset, cells) : null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t: number[] = [];
  const ids: number[] = [];
  // One linear pass over memory (a time-major walk of a C-order raster would stride by T).
  for (let c = 0; c < cells; c++) {
    const value = f32 ? f32[c]! : readScalar(view, h.dataOffset + c * size, h.descr);
    if (value === 0) continue;
    const n = h.fortranOrder ? c % neurons : Math.floor(c / steps);
    const k = h.fortranOrder ? Math.floor(c / neurons) : c % steps;
    t.push(k * dt);
    ids.push(n);
  }
  const unsorted = Float64Array.from(t);
  const unsortedIds = Int32Array.from(ids);
  const order = sortOrder(unsorted, unsortedIds);
  const times = new Float64Array(order.length);
  const idArr = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    times[i] = unsorted[order[i]!]!;
    idArr[i] = unsortedIds[order[i]!]!;
  }
  return { populations: splitFlat(times, idArr, [{ name: 'events', offset: 0, size: neurons }]), dt, durationMs: steps * dt };
}

export const lavaFormat: SpikeFormat = {
  name: 'lava',
  extensions: ['.lava.npy'],
  description: 'Lava io.source.RingBuffer input: float32 .npy (neurons, T), time last; needs dt',
  async write(data, path, opts) {
    await writeFileAtomic(path, encodeLava(data, opts));
  },
  async read(path, opts) {
    return decodeLava(await readFileBytes(path), opts);
  },
  detect: isNpy,
};
