/**
 * The native spike-trace format (`snn-trace`): constants, record types, and (de)coding of one
 * record. Byte layout, exactly (all integers little-endian; docs/trace-format.md has the details):
 *
 *   offset 0   8 bytes  magic "SNNTRACE" (ASCII)
 *   offset 8   u32      format version (TRACE_FORMAT_VERSION)
 *   offset 12  records, each: u32 payloadLength · u32 crc32(payload) · payload (msgpack map)
 *
 * Record 0 is the header; then any number of chunks (`spikes` or `state`), each carrying `seq` =
 * its 0-based chunk index; then one `end` record, which must be the last bytes of the file. A file
 * that stops cleanly after a chunk (no end record) is a valid but incomplete trace (a killed run).
 * Typed arrays travel as msgpackr's typed-array extension (ext type 0x74, first data byte = type
 * code, then the raw little-endian elements), which is why the Packr needs `moreTypes: true`.
 */
import { Packr } from 'msgpackr';
import { SnnError } from '../engine/errors.js';
import { crc32 } from './crc32.js';

export const TRACE_MAGIC = Buffer.from('SNNTRACE', 'ascii');
export const TRACE_FORMAT_NAME = 'snn-trace';
export const TRACE_FORMAT_VERSION = 1;
/** Bytes before the first record: magic + version. */
export const TRACE_PREAMBLE_BYTES = 12;
/** Bytes of a record frame: u32 length + u32 crc32. */
export const FRAME_BYTES = 8;
/** Upper bound on one record's payload: a sanity check that rejects absurd lengths before allocating. */
export const MAX_RECORD_BYTES = 1 << 30;

export type TraceMode = 'clock' | 'exact';

export interface TracePopulation {
  name: string;
  size: number;
}

/** The header as stored (record 0). */
export interface TraceHeader {
  format: typeof TRACE_FORMAT_NAME;
  version: number;
  /** Time step in ms, or null for exact (event-driven) mode. */
  dt: number | null;
  mode: TraceMode;
  populations: TracePopulation[];
  seed: number;
  /** sha256 hex of the network description that produced the trace. */
  descriptionHash: string;
  snnVersion: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  meta?: Record<string, unknown>;
}

/** What a writer's caller supplies; the format fields and (by default) the time are filled in. */
export type TraceHeaderInput = Omit<TraceHeader, 'format' | 'version' | 'createdAt'> & { createdAt?: string };

/** Spikes of one population, columnar, times non-decreasing within the population. */
export interface SpikeChunk {
  kind: 'spikes';
  seq: number;
  pop: number;
  times: Float64Array;
  ids: Int32Array;
}

/** Samples of one state variable: `values` is row-major times × neurons. */
export interface StateChunk {
  kind: 'state';
  seq: number;
  pop: number;
  variable: string;
  times: Float64Array;
  neurons: Int32Array;
  values: Float32Array | Float64Array;
}

export type TraceChunk = SpikeChunk | StateChunk;

/** Last record: totals, so a reader can tell a finished file from a cut one and cross-check it. */
export interface TraceEnd {
  kind: 'end';
  chunks: number;
  /** Spikes per population, in header order. */
  spikes: number[];
  /** Simulated end time in ms, when the writer's caller gave it. */
  tStop: number | null;
}

/**
 * One shared codec. `useRecords: false` keeps payloads plain msgpack maps (readable by any msgpack
 * library); `moreTypes: true` keeps Float64Array/Int32Array types (performance.md §5: without it
 * they come back as Buffers). Decoding copies typed arrays out of the input, so the reader may
 * reuse its read buffer.
 */
export const tracePackr = new Packr({ moreTypes: true, useRecords: false });

/** Frame + payload for one record. The payload view is only valid until the next encode call. */
export function encodeRecord(value: object): [Uint8Array, Uint8Array] {
  const payload = tracePackr.pack(value);
  const frame = Buffer.allocUnsafe(FRAME_BYTES);
  frame.writeUInt32LE(payload.byteLength, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  return [frame, payload];
}

export function encodePreamble(): Buffer {
  const b = Buffer.alloc(TRACE_PREAMBLE_BYTES);
  TRACE_MAGIC.copy(b, 0);
  b.writeUInt32LE(TRACE_FORMAT_VERSION, 8);
  return b;
}

/** True when `head` starts with the trace magic (used by `snn inspect` format detection). */
export function isTraceMagic(head: Uint8Array): boolean {
  if (head.byteLength < TRACE_MAGIC.length) return false;
  for (let i = 0; i < TRACE_MAGIC.length; i++) if (head[i] !== TRACE_MAGIC[i]) return false;
  return true;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a header; `problem` says what is wrong (undefined when fine). Shared by the writer
 * (bad input → config.invalid) and the reader (bad file → io.corrupt).
 */
export function headerProblem(h: Partial<TraceHeader>): string | undefined {
  if (h.mode !== 'clock' && h.mode !== 'exact') return `mode must be 'clock' or 'exact', got ${String(h.mode)}`;
  if (h.mode === 'clock' && !(typeof h.dt === 'number' && Number.isFinite(h.dt) && h.dt > 0)) {
    return `clock mode needs a positive dt in ms, got ${String(h.dt)}`;
  }
  if (h.mode === 'exact' && h.dt !== null) return `exact mode has no dt (null), got ${String(h.dt)}`;
  if (!Array.isArray(h.populations) || h.populations.length === 0) return 'populations must be a non-empty list';
  const names = new Set<string>();
  for (const p of h.populations) {
    if (typeof p?.name !== 'string' || p.name === '') return 'every population needs a non-empty name';
    if (names.has(p.name)) return `population name ${p.name} appears twice`;
    names.add(p.name);
    if (!Number.isInteger(p.size) || p.size < 1 || p.size > 0x7fffffff) {
      return `population ${p.name} has size ${String(p.size)}; it must be an integer in [1, 2147483647]`;
    }
  }
  if (!Number.isInteger(h.seed) || (h.seed as number) < 0 || (h.seed as number) > 0xffffffff) return `seed must be an integer in [0, 4294967295], got ${String(h.seed)}`;
  if (typeof h.descriptionHash !== 'string' || !HEX64.test(h.descriptionHash)) return 'descriptionHash must be a sha256 hex string (64 lowercase hex digits)';
  if (typeof h.snnVersion !== 'string') return 'snnVersion must be a string';
  if (typeof h.createdAt !== 'string') return 'createdAt must be an ISO 8601 string';
  if (h.meta !== undefined && (typeof h.meta !== 'object' || h.meta === null || Array.isArray(h.meta))) return 'meta must be an object';
  return undefined;
}

/** Builds the stored header from the caller's input, or throws config.invalid. */
export function makeHeader(input: TraceHeaderInput): TraceHeader {
  const h: TraceHeader = {
    format: TRACE_FORMAT_NAME,
    version: TRACE_FORMAT_VERSION,
    dt: input.dt,
    mode: input.mode,
    populations: input.populations.map((p) => ({ name: p.name, size: p.size })),
    seed: input.seed,
    descriptionHash: input.descriptionHash,
    snnVersion: input.snnVersion,
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  if (input.meta !== undefined) h.meta = input.meta;
  const problem = headerProblem(h);
  if (problem) throw new SnnError('config.invalid', `invalid trace header: ${problem}`, 'fix the header passed to TraceWriter.open');
  return h;
}

/**
 * Structural check of a CRC-valid chunk (guards against foreign or buggy writers); `lastTime`
 * (per population) carries the time-order check across chunks and is updated.
 */
export function chunkProblem(v: Record<string, unknown> | null, index: number, h: TraceHeader, lastTime: Float64Array): string | undefined {
  if (v === null || typeof v !== 'object') return 'not a map';
  if (v.seq !== index) return `seq is ${String(v.seq)}, expected ${index}`;
  const pop = v.pop as number;
  if (!Number.isInteger(pop) || pop < 0 || pop >= h.populations.length) return `population index ${String(pop)} is out of range`;
  const times = v.times;
  if (!(times instanceof Float64Array)) return 'times is not a Float64Array';
  if (v.kind === 'spikes') {
    const ids = v.ids;
    if (!(ids instanceof Int32Array) || ids.length !== times.length) return 'ids is not an Int32Array as long as times';
    const size = h.populations[pop]!.size;
    let last = lastTime[pop]!;
    for (let i = 0; i < ids.length; i++) {
      const t = times[i]!;
      if (!(t >= last && t - t === 0)) return `spike times are not finite and non-decreasing`;
      const id = ids[i]!;
      if (id < 0 || id >= size) return `neuron id ${id} is outside [0, ${size})`;
      last = t;
    }
    lastTime[pop] = last;
    return undefined;
  }
  if (v.kind === 'state') {
    const neurons = v.neurons;
    const values = v.values;
    if (typeof v.variable !== 'string' || v.variable === '') return 'state variable has no name';
    if (!(neurons instanceof Int32Array) || neurons.length === 0) return 'neurons is not a non-empty Int32Array';
    if (!(values instanceof Float32Array || values instanceof Float64Array)) return 'values is not a Float32Array or Float64Array';
    if (values.length !== times.length * neurons.length) return 'values is not times × neurons long';
    for (let i = 1; i < times.length; i++) if (!(times[i]! >= times[i - 1]!)) return 'state times are not non-decreasing';
    return undefined;
  }
  return `unknown record kind ${String(v.kind)}`;
}

/** Checks the end record against what was read, and that it ends the file. */
export function endProblem(v: Record<string, unknown>, index: number, counts: number[], next: number, size: number): string | undefined {
  if (v.chunks !== index) return `end record counts ${String(v.chunks)} chunks, the file has ${index}`;
  const spikes = v.spikes;
  if (!Array.isArray(spikes) || spikes.length !== counts.length || spikes.some((n, k) => n !== counts[k])) return 'end record spike totals do not match the chunks';
  if (v.tStop !== null && typeof v.tStop !== 'number') return 'end record tStop is not a number';
  if (next !== size) return `${size - next} bytes follow the end record`;
  return undefined;
}

