/**
 * Streaming reader of native spike traces. Reads one record at a time with positioned
 * `fs.readSync` into a reused buffer, so memory is one chunk, whatever the file size.
 *
 * Every record is length-checked against the file size (before allocating) and CRC-checked
 * before it is decoded, so a damaged file gives a clear SnnError naming the chunk:
 * `io.format` (not a trace / unknown version), `io.truncated` (file ends inside a record),
 * `io.corrupt` (checksum or structure wrong). With `allowPartial`, the reader instead stops at the
 * last good chunk and reports where and why in `status.stopped`. A file that simply ends after a
 * chunk with no end record (a killed run) reads without error as `complete: false`.
 */
import * as fs from 'node:fs';
import { SnnError } from '../engine/errors.js';
import { fsError } from './atomic.js';
import {
  FRAME_BYTES, MAX_RECORD_BYTES, TRACE_FORMAT_NAME, TRACE_FORMAT_VERSION, TRACE_MAGIC, TRACE_PREAMBLE_BYTES,
  chunkProblem, endProblem, headerProblem, tracePackr, type StateChunk, type TraceChunk, type TraceEnd, type TraceHeader,
} from './trace-format.js';
import { crc32 } from './crc32.js';

export interface TraceReadOptions {
  /** Stop at the last good chunk instead of throwing on truncation or corruption. */
  allowPartial?: boolean;
}

/** Why and where reading stopped early (only with allowPartial). */
export interface TraceStop {
  code: 'io.truncated' | 'io.corrupt';
  /** Index of the first chunk that could not be read (chunks before it are intact). */
  chunk: number;
  /** Byte offset of that record's frame. */
  offset: number;
  message: string;
}

export interface TraceStatus {
  /** True only when the end record was read and matches the chunks. */
  complete: boolean;
  /** Chunks read successfully. */
  chunks: number;
  /** Bytes of the file that were read and verified. */
  bytes: number;
  end: TraceEnd | null;
  stopped: TraceStop | null;
}

/** Everything in a trace, concatenated per population (`TraceReader.readAll`). */
export interface TraceData extends TraceStatus {
  header: TraceHeader;
  populations: { name: string; size: number; times: Float64Array; ids: Int32Array }[];
  states: Omit<StateChunk, 'kind' | 'seq'>[];
}

/** What is wrong with one record, before it is turned into a message naming the chunk. */
interface Damage {
  damage: 'io.truncated' | 'io.corrupt';
  detail: string;
  endRecord?: boolean;
}

export class TraceReader {
  readonly path: string;
  readonly header: TraceHeader;
  /** Offset of the first chunk's frame. */
  readonly dataOffset: number;
  private readonly options: TraceReadOptions;
  private fd: number | undefined;
  private scratch: Buffer = Buffer.allocUnsafe(64 * 1024);
  private lastStatus: TraceStatus | undefined;

  private constructor(path: string, fd: number, options: TraceReadOptions) {
    this.path = path;
    this.fd = fd;
    this.options = options;
    try {
      const size = fs.fstatSync(fd).size;
      const pre = this.read(0, Math.min(TRACE_PREAMBLE_BYTES, size));
      const magicLen = Math.min(pre.length, TRACE_MAGIC.length);
      if (size === 0) throw new SnnError('io.truncated', `trace ${path} is empty (0 bytes)`, 'the writer stopped before its header; rerun the simulation');
      if (!pre.subarray(0, magicLen).equals(TRACE_MAGIC.subarray(0, magicLen))) {
        throw new SnnError('io.format', `${path} is not an snn trace (bad magic)`, 'snn traces start with the bytes "SNNTRACE"; check the file name or use the matching reader');
      }
      if (size < TRACE_PREAMBLE_BYTES) throw this.headerTruncated(size);
      const version = pre.readUInt32LE(8);
      if (version !== TRACE_FORMAT_VERSION) {
        throw new SnnError('io.format', `${path} is snn-trace format version ${version}; this snn reads version ${TRACE_FORMAT_VERSION}`, 'use the snn version that wrote it, or upgrade snn');
      }
      const rec = this.readRecord(TRACE_PREAMBLE_BYTES, size);
      if (rec === 'eof' || 'damage' in rec) {
        if (rec === 'eof' || rec.damage === 'io.truncated') throw this.headerTruncated(size);
        throw new SnnError('io.corrupt', `trace ${path} is corrupt: its header fails its checksum`, 'the file holds no usable data; rerun the simulation');
      }
      const h = rec.value as Partial<TraceHeader>;
      const problem = h?.format !== TRACE_FORMAT_NAME ? `format is ${String(h?.format)}` : headerProblem(h);
      if (problem) throw new SnnError('io.corrupt', `trace ${path} has a malformed header: ${problem}`, 'the file was not written by a compatible snn; rerun the simulation');
      this.header = h as TraceHeader;
      this.dataOffset = rec.next;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Opens `path` and reads its header (throws io.missing / io.format / io.truncated / io.corrupt). */
  static open(path: string, options: TraceReadOptions = {}): TraceReader {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
      if (fs.fstatSync(fd).isDirectory()) {
        fs.closeSync(fd);
        throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      }
    } catch (err) {
      fsError(err, path, 'read');
    }
    return new TraceReader(path, fd, options);
  }

  /** Status of the last complete pass of `chunks()` (undefined before one finished). */
  get status(): TraceStatus | undefined {
    return this.lastStatus;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private headerTruncated(size: number): SnnError {
    return new SnnError('io.truncated', `trace ${this.path} is truncated in its header (at byte ${size})`, 'the file holds no usable data; rerun the simulation');
  }

  /** Reads exactly `length` bytes at `pos` into the scratch buffer (a view valid until the next read). */
  private read(pos: number, length: number): Buffer {
    if (this.fd === undefined) throw new SnnError('usage', `trace reader for ${this.path} is closed`, 'open the trace again');
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, this.scratch, done, length - done, pos + done);
      if (n === 0) break; // the file shrank under us: the caller's length checks catch it
      done += n;
    }
    return this.scratch.subarray(0, done);
  }

  /** One record at `pos`: decoded value, 'eof' at a clean end, or the error describing the damage. */
  private readRecord(pos: number, size: number): { value: unknown; next: number } | 'eof' | Damage {
    if (pos === size) return 'eof';
    if (size - pos < FRAME_BYTES) return { damage: 'io.truncated', detail: 'frame' };
    const frame = this.read(pos, FRAME_BYTES);
    const length = frame.readUInt32LE(0);
    const expected = frame.readUInt32LE(4);
    if (length > MAX_RECORD_BYTES) return { damage: 'io.corrupt', detail: `claims an impossible length of ${length} bytes` };
    if (length > size - pos - FRAME_BYTES) return { damage: 'io.truncated', detail: 'payload' };
    const payload = this.read(pos + FRAME_BYTES, length);
    if (payload.length !== length) return { damage: 'io.truncated', detail: 'payload' };
    if (crc32(payload) !== expected) return { damage: 'io.corrupt', detail: 'fails its checksum' };
    try {
      return { value: tracePackr.unpack(payload), next: pos + FRAME_BYTES + length };
    } catch {
      return { damage: 'io.corrupt', detail: 'cannot be decoded as msgpack' };
    }
  }

  /**
   * Yields chunks in file order (spike and state chunks interleaved, as written). Works with
   * `for...of` and `for await...of`. Its return value (also kept in `status`) says how it ended.
   */
  *chunks(): Generator<TraceChunk, TraceStatus, undefined> {
    if (this.fd === undefined) throw new SnnError('usage', `trace reader for ${this.path} is closed`, 'open the trace again');
    const size = fs.fstatSync(this.fd).size;
    const pops = this.header.populations;
    const counts = new Array<number>(pops.length).fill(0);
    const lastTime = new Float64Array(pops.length).fill(-Infinity);
    let pos = this.dataOffset;
    let index = 0;
    let end: TraceEnd | null = null;
    let stopped: TraceStop | null = null;
    for (;;) {
      const rec = this.readRecord(pos, size);
      if (rec === 'eof') break;
      let problem: Damage | undefined = 'damage' in rec ? rec : undefined;
      if (!problem) {
        const r = rec as { value: unknown; next: number };
        const v = r.value as Record<string, unknown> | null;
        const why = v?.kind === 'end' ? endProblem(v, index, counts, r.next, size) : chunkProblem(v, index, this.header, lastTime);
        if (why) problem = { damage: 'io.corrupt', detail: `is malformed: ${why}`, endRecord: v?.kind === 'end' };
        else if (v!.kind === 'end') {
          end = v as unknown as TraceEnd;
          pos = r.next;
          break;
        } else {
          const c = v as unknown as TraceChunk;
          if (c.kind === 'spikes') counts[c.pop]! += c.ids.length;
          pos = r.next;
          index += 1;
          yield c;
          continue;
        }
      }
      stopped = this.describe(problem!, index, pos);
      if (!this.options.allowPartial) throw toError(stopped, this.path);
      break;
    }
    this.lastStatus = { complete: end !== null, chunks: index, bytes: pos, end, stopped };
    return this.lastStatus;
  }

  private describe(d: Damage, index: number, pos: number): TraceStop {
    // A torn record cannot be decoded, so it is named by position: "chunk <index>" (the end record,
    // if that is what was torn, has the index one past the last chunk).
    const message =
      d.damage === 'io.truncated'
        ? `trace ${this.path} is truncated in chunk ${index} (at byte ${pos})`
        : `trace ${this.path} is corrupt: ${d.endRecord ? 'its end record' : `chunk ${index}`} ${d.detail} (at byte ${pos})`;
    return { code: d.damage, chunk: index, offset: pos, message };
  }

  /** Reads the whole trace into per-population columns (memory: the whole trace; prefer `chunks()` for big files). */
  readAll(): TraceData {
    const pops = this.header.populations;
    const parts: { times: Float64Array[]; ids: Int32Array[]; n: number }[] = pops.map(() => ({ times: [], ids: [], n: 0 }));
    const states: Omit<StateChunk, 'kind' | 'seq'>[] = [];
    const it = this.chunks();
    let step = it.next();
    for (; !step.done; step = it.next()) {
      const c = step.value;
      if (c.kind === 'spikes') {
        const p = parts[c.pop]!;
        p.times.push(c.times);
        p.ids.push(c.ids);
        p.n += c.ids.length;
      } else {
        mergeState(states, c);
      }
    }
    const populations = pops.map((pop, k) => ({ name: pop.name, size: pop.size, times: concat(Float64Array, parts[k]!.times, parts[k]!.n), ids: concat(Int32Array, parts[k]!.ids, parts[k]!.n) }));
    return { header: this.header, ...step.value, populations, states };
  }
}

/** Opens, reads everything, closes. */
export function readTrace(path: string, options: TraceReadOptions = {}): TraceData {
  const r = TraceReader.open(path, options);
  try {
    return r.readAll();
  } finally {
    r.close();
  }
}

function toError(stop: TraceStop, path: string): SnnError {
  const intact = stop.chunk > 0 ? `chunks 0–${stop.chunk - 1} are intact` : 'no chunk before it is affected';
  const hint = stop.code === 'io.truncated'
    ? `${intact}; read them with --allow-partial / { allowPartial: true }, or rerun the simulation`
    : `${intact}; read them with --allow-partial / { allowPartial: true }; the rest of ${path} cannot be trusted`;
  return new SnnError(stop.code, stop.message, hint);
}

function concat<T extends Float64Array | Int32Array>(Ctor: { new (n: number): T }, arrays: T[], n: number): T {
  if (arrays.length === 1) return arrays[0]!;
  const out = new Ctor(n);
  let off = 0;
  for (const a of arrays) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

/** Appends a state chunk to the stream with the same population, variable and neurons, or starts one. */
function mergeState(states: Omit<StateChunk, 'kind' | 'seq'>[], c: StateChunk): void {
  const same = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, k) => v === b[k]);
  const s = states.find((x) => x.pop === c.pop && x.variable === c.variable && x.values.constructor === c.values.constructor && same(x.neurons, c.neurons));
  if (!s) {
    states.push({ pop: c.pop, variable: c.variable, neurons: c.neurons, times: c.times, values: c.values });
    return;
  }
  const times = new Float64Array(s.times.length + c.times.length);
  times.set(s.times);
  times.set(c.times, s.times.length);
  const values = new (c.values.constructor as { new (n: number): Float32Array | Float64Array })(s.values.length + c.values.length);
  values.set(s.values);
  values.set(c.values, s.values.length);
  s.times = times;
  s.values = values;
}
