/**
 * Spike events as NumPy `.npy` (format name `npy`), two variants:
 * - `tonic` (default): Tonic's structured dtype [('x','<i2'),('y','<i2'),('t','<i8'),('p','|b1')],
 *   shape (N,), t in integer µs, packed 13-byte records; (x, y, p) from the id mapping in dvs-address.ts.
 * - `plain`: float64 array of shape (N, 2), rows (t_ms, global neuron id).
 *
 * The reader accepts any flat structured array with fields named x, y, t (p optional) in any order and
 * of any integer/bool/float type — Tonic datasets differ in field order and types (docs/formats.md, npy) —
 * and any (N, 2) numeric array. npy has no room for our population table, so several populations are
 * written as one address space (global id = offset + id) and read back as one population 'events'.
 */
import { SnnError } from '../../engine/errors.js';
import { idsToPixels, pixelsToIds } from './dvs-address.js';
import { readFileBytes, writeFileAtomic } from './file-io.js';
import { polarityOf, widthOf, type FormatOptions } from './format-options.js';
import { encodeNpyHeader, isNpy, parseNpyHeader, readScalar, typeSize, type NpyField } from './npy.js';
import type { SpikeFormat } from './registry.js';
import { flattenSpikes, maxTime, singlePopulationLayout, splitFlat, validateSpikeData, type SpikeData } from './spike-data.js';
import { msToMicroseconds } from './time-units.js';

export const TONIC_DTYPE: NpyField[] = [['x', '<i2'], ['y', '<i2'], ['t', '<i8'], ['p', '|b1']];
const TONIC_RECORD = 13;

export function encodeNpyEvents(data: SpikeData, opts: FormatOptions = {}): Uint8Array[] {
  validateSpikeData(data);
  const flat = flattenSpikes(data);
  const n = flat.times.length;
  const variant = opts.variant ?? 'tonic';
  if (variant === 'plain') {
    const body = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      body[2 * i] = flat.times[i]!;
      body[2 * i + 1] = flat.ids[i]!;
    }
    return [encodeNpyHeader('<f8', [n, 2]), littleEndianBytes(body)];
  }
  if (variant !== 'tonic') throw new SnnError('usage', `unknown npy variant '${String(variant)}'`, 'use tonic or plain');
  const width = widthOf(opts);
  const px = idsToPixels(flat.ids, width, polarityOf(opts), 32768); // int16 y
  const body = new Uint8Array(n * TONIC_RECORD);
  const view = new DataView(body.buffer);
  for (let i = 0; i < n; i++) {
    const o = i * TONIC_RECORD;
    view.setInt16(o, px.x[i]!, true);
    view.setInt16(o + 2, px.y[i]!, true);
    view.setBigInt64(o + 4, BigInt(msToMicroseconds(flat.times[i]!)), true);
    view.setUint8(o + 12, px.p[i]!);
  }
  return [encodeNpyHeader(TONIC_DTYPE, [n]), body];
}

/** Typed-array bytes in little-endian order (all supported hosts are little-endian; checked once). */
export function littleEndianBytes(a: Float64Array | Float32Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new SnnError('internal', 'big-endian hosts are not supported', 'run on a little-endian machine');
  }
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export interface NpyEvents {
  times: Float64Array;
  ids: Int32Array;
}

export function decodeNpyEvents(bytes: Uint8Array, opts: FormatOptions = {}): NpyEvents {
  const h = parseNpyHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Array.isArray(h.descr)) {
    if (h.shape.length !== 1) throw new SnnError('io.format', `structured event array must be 1-D, got shape (${h.shape.join(', ')})`, 'save a flat event array');
    const offsets = new Map<string, { off: number; type: string }>();
    let rec = 0;
    for (const [name, type] of h.descr) {
      offsets.set(name, { off: rec, type });
      rec += typeSize(type);
    }
    const fx = offsets.get('x');
    const fy = offsets.get('y');
    const ft = offsets.get('t');
    if (!fx || !fy || !ft) throw new SnnError('io.format', "structured array lacks fields 'x', 'y' and 't'", 'expected a Tonic event array (x, y, t, p)');
    const n = h.shape[0]!;
    if (h.dataOffset + n * rec > bytes.length) throw new SnnError('io.truncated', `.npy holds fewer than ${n} records`, 'the file is cut short');
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = h.dataOffset + i * rec;
      x[i] = readScalar(view, o + fx.off, fx.type);
      y[i] = readScalar(view, o + fy.off, fy.type);
      times[i] = readScalar(view, o + ft.off, ft.type) / 1000; // Tonic t is µs
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(x[i]) || !Number.isInteger(y[i])) throw new SnnError('io.format', `event ${i} has non-integer coordinates`, 'x and y must be integers');
    }
    return { times, ids: pixelsToIds(x, y, widthOf(opts)) };
  }
  const type = h.descr;
  if (h.shape.length !== 2 || h.shape[1] !== 2) {
    throw new SnnError('io.format', `plain spike array must have shape (N, 2), got (${h.shape.join(', ')})`, 'rows must be (t_ms, neuron)');
  }
  const size = typeSize(type);
  const n = h.shape[0]!;
  if (h.dataOffset + n * 2 * size > bytes.length) throw new SnnError('io.truncated', `.npy holds fewer than ${n} rows`, 'the file is cut short');
  const at = (r: number, c: number) => h.dataOffset + size * (h.fortranOrder ? c * n + r : r * 2 + c);
  const times = new Float64Array(n);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = readScalar(view, at(i, 0), type);
    if (!Number.isFinite(times[i]!)) throw new SnnError('io.corrupt', `row ${i} has spike time ${times[i]}`, 'spike times must be finite');
    const id = readScalar(view, at(i, 1), type);
    if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) throw new SnnError('io.corrupt', `row ${i} has neuron id ${id}`, 'neuron ids must be integers ≥ 0');
    ids[i] = id;
  }
  return { times, ids };
}

export const npyFormat: SpikeFormat = {
  name: 'npy',
  extensions: ['.npy'],
  description: "NumPy .npy: Tonic structured (x, y, t µs, p) or plain float64 (N, 2) of (t_ms, id) with --variant plain",
  async write(data, path, opts) {
    await writeFileAtomic(path, encodeNpyEvents(data, opts));
  },
  async read(path, opts) {
    const ev = decodeNpyEvents(await readFileBytes(path), opts);
    return {
      populations: splitFlat(ev.times, ev.ids, singlePopulationLayout(ev.ids)),
      dt: null,
      durationMs: maxTime(ev.times),
    };
  },
  detect: isNpy,
};
