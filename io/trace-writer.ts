/**
 * Streaming writer of native spike traces (format: trace-format.ts, docs/trace-format.md).
 *
 * Memory is bounded and fixed: each population owns one preallocated pair of typed arrays of
 * `chunkSpikes` entries; when it fills, it is written out as one chunk. Nothing is allocated per
 * spike. State variables are buffered the same way per (population, variable).
 *
 * Crash behaviour (the choice, and why): bytes go straight to `<path>.partial` with synchronous
 * writes, one `writev` per chunk, and the file is renamed to `<path>` only by `close()`. So
 *  - a finished trace appears under its name atomically (never half-written under the real name);
 *  - a killed process leaves `<path>.partial` holding the header and every chunk written so far
 *    (already in the OS page cache), which the reader opens as `complete: false`; a chunk torn by
 *    a crash mid-write is detected by its length/CRC and reported as truncation.
 * We fsync only at close: per-chunk fsync would cost milliseconds per chunk and protects only
 * against power loss, where the reader still finds the intact prefix.
 */
import * as os from 'node:os';
import { SnnError } from '../engine/errors.js';
import { AtomicFileStream } from './atomic.js';
import { encodePreamble, encodeRecord, makeHeader, type TraceEnd, type TraceHeader, type TraceHeaderInput } from './trace-format.js';

export interface TraceWriterOptions {
  /** Spikes per chunk and per-population buffer capacity (default 65536). */
  chunkSpikes?: number;
  /** State values (rows × neurons) per state chunk (default 65536). */
  chunkValues?: number;
}

type Values = Float32Array | Float64Array;

/** Buffer of one (population, variable) state stream, for a fixed neuron selection. */
interface StateBuffer {
  pop: number;
  variable: string;
  neurons: Int32Array;
  times: Float64Array;
  values: Values;
  rows: number;
}

const MAX_CHUNK = 1 << 24;

function checkCapacity(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > MAX_CHUNK) {
    throw new SnnError('config.invalid', `${name} must be an integer in [1, ${MAX_CHUNK}], got ${v}`, `choose a smaller ${name}`);
  }
  return v;
}

function misuse(message: string, hint: string): never {
  throw new SnnError('usage', message, hint);
}

export class TraceWriter {
  readonly header: TraceHeader;
  readonly path: string;
  readonly chunkSpikes: number;
  readonly chunkValues: number;
  private readonly out: AtomicFileStream;
  private readonly sizes: Int32Array;
  private readonly spikeTimes: (Float64Array | undefined)[];
  private readonly spikeIds: (Int32Array | undefined)[];
  private readonly fill: Int32Array;
  /** Last spike time written per population: enforces time order, which readers and stats rely on. */
  private readonly lastTime: Float64Array;
  private readonly totals: number[];
  private readonly states = new Map<string, StateBuffer>();
  private buffered = 0;
  private seq = 0;
  private closed = false;

  private constructor(path: string, header: TraceHeader, options: TraceWriterOptions) {
    this.path = path;
    this.header = header;
    this.chunkSpikes = checkCapacity('chunkSpikes', options.chunkSpikes ?? 65536);
    this.chunkValues = checkCapacity('chunkValues', options.chunkValues ?? 65536);
    const n = header.populations.length;
    this.sizes = Int32Array.from(header.populations, (p) => p.size);
    // Allocated on a population's first spike, so silent populations cost nothing.
    this.spikeTimes = new Array<Float64Array | undefined>(n).fill(undefined);
    this.spikeIds = new Array<Int32Array | undefined>(n).fill(undefined);
    this.fill = new Int32Array(n);
    this.lastTime = new Float64Array(n).fill(-Infinity);
    this.totals = new Array<number>(n).fill(0);
    this.out = AtomicFileStream.open(path, { tempPath: `${path}.partial` });
    // Header first, immediately: even a run killed before its first chunk leaves a readable file.
    this.out.writev([encodePreamble(), ...encodeRecord(header)]);
  }

  /** Starts `<path>.partial` with the header; `close()` renames it to `path`. */
  static open(path: string, header: TraceHeaderInput, options: TraceWriterOptions = {}): TraceWriter {
    // Typed arrays are written in machine order and the format is little-endian.
    if (os.endianness() !== 'LE') throw new SnnError('internal', 'trace writing needs a little-endian machine', 'run on x86-64 or arm64');
    return new TraceWriter(path, makeHeader(header), options);
  }

  /** Spikes currently held in memory (not yet in a chunk); never above chunkSpikes × populations. */
  get bufferedSpikes(): number {
    return this.buffered;
  }

  /** Chunks written to the file so far. */
  get chunksWritten(): number {
    return this.seq;
  }

  /** Spikes accepted per population (written or buffered). */
  get spikeCounts(): readonly number[] {
    return this.totals;
  }

  get partialPath(): string {
    return this.out.tempPath;
  }

  private ensureOpen(): void {
    if (this.closed) misuse(`trace ${this.path} is already closed`, 'open a new TraceWriter');
  }

  private checkPop(pop: number): void {
    if (!Number.isInteger(pop) || pop < 0 || pop >= this.sizes.length) {
      misuse(`population index ${pop} is out of range (the trace has ${this.sizes.length})`, 'use the index of the population in the header');
    }
  }

  /**
   * Appends `count` spikes of population `pop` (times in ms, non-decreasing; ids in [0, size)).
   * The input is validated before anything is buffered, so a rejected call changes nothing.
   */
  writeSpikes(pop: number, times: ArrayLike<number>, ids: ArrayLike<number>, count: number = times.length): void {
    this.ensureOpen();
    this.checkPop(pop);
    if (!Number.isInteger(count) || count < 0 || count > times.length || count > ids.length) {
      misuse(`spike count ${count} does not fit times (${times.length}) and ids (${ids.length})`, 'pass count ≤ the length of both arrays');
    }
    const size = this.sizes[pop]!;
    let last = this.lastTime[pop]!;
    for (let i = 0; i < count; i++) {
      const t = times[i]!;
      const id = ids[i]!;
      // `t >= last` is false for NaN; `t - t === 0` is false for ±Infinity.
      if (!(t >= last && t - t === 0)) {
        misuse(`spike ${i} of population ${this.header.populations[pop]!.name} has time ${t} after ${last}`, 'write finite spike times in non-decreasing order per population');
      }
      if (!(id >= 0 && id < size && Math.floor(id) === id)) {
        misuse(`spike ${i} of population ${this.header.populations[pop]!.name} has neuron id ${id}, outside [0, ${size})`, 'write neuron indices within the population');
      }
      last = t;
    }
    if (count === 0) return;
    this.lastTime[pop] = last;
    this.totals[pop]! += count;
    const cap = this.chunkSpikes;
    const bt = (this.spikeTimes[pop] ??= new Float64Array(cap));
    const bi = (this.spikeIds[pop] ??= new Int32Array(cap));
    const typedIn = times instanceof Float64Array && ids instanceof Int32Array;
    let i = 0;
    while (i < count) {
      const f = this.fill[pop]!;
      const n = Math.min(count - i, cap - f);
      if (typedIn) {
        bt.set((times as Float64Array).subarray(i, i + n), f); // memcpy
        bi.set((ids as Int32Array).subarray(i, i + n), f);
      } else {
        for (let k = 0; k < n; k++) {
          bt[f + k] = times[i + k]!;
          bi[f + k] = ids[i + k]!;
        }
      }
      this.fill[pop] = f + n;
      this.buffered += n;
      i += n;
      if (f + n === cap) this.flushSpikes(pop);
    }
  }

  private flushSpikes(pop: number): void {
    const n = this.fill[pop]!;
    if (n === 0) return;
    this.writeRecord({ kind: 'spikes', seq: this.seq, pop, times: this.spikeTimes[pop]!.subarray(0, n), ids: this.spikeIds[pop]!.subarray(0, n) });
    this.fill[pop] = 0;
    this.buffered -= n;
  }

  /**
   * Appends samples of a state variable for the neurons `neurons`: `values` is row-major
   * times.length × neurons.length. A different neuron selection or value type for the same
   * (pop, variable) starts a new stream (the old one is flushed first).
   */
  writeState(pop: number, variable: string, neurons: Int32Array, times: Float64Array, values: Values): void {
    this.ensureOpen();
    this.checkPop(pop);
    if (typeof variable !== 'string' || variable === '') misuse('state variable name is empty', 'name the variable (e.g. "v")');
    const width = neurons.length;
    const rows = times.length;
    if (width === 0) misuse(`state ${variable}: no neurons selected`, 'select at least one neuron');
    if (values.length !== rows * width) {
      misuse(`state ${variable}: ${values.length} values for ${rows} times × ${width} neurons`, 'pass values row-major, times × neurons');
    }
    const key = `${pop}\u0000${variable}`;
    let buf = this.states.get(key);
    const sameSelection =
      buf !== undefined && buf.values.constructor === values.constructor &&
      (buf.neurons === neurons || (buf.neurons.length === width && buf.neurons.every((v, k) => v === neurons[k])));
    let last = buf && buf.rows > 0 ? buf.times[buf.rows - 1]! : -Infinity;
    for (let r = 0; r < rows; r++) {
      const t = times[r]!;
      if (!(t >= last && t - t === 0)) misuse(`state ${variable}: time ${t} after ${last}`, 'write finite sample times in non-decreasing order');
      last = t;
    }
    const size = this.sizes[pop]!;
    for (let k = 0; k < width; k++) {
      const id = neurons[k]!;
      if (!(id >= 0 && id < size)) misuse(`state ${variable}: neuron ${id} outside [0, ${size})`, 'select neurons within the population');
    }
    if (!sameSelection) {
      if (buf) this.flushState(buf);
      const cap = Math.max(1, Math.floor(this.chunkValues / width));
      const Ctor = values instanceof Float32Array ? Float32Array : Float64Array;
      buf = { pop, variable, neurons: Int32Array.from(neurons), times: new Float64Array(cap), values: new Ctor(cap * width), rows: 0 };
      this.states.set(key, buf);
    }
    const b = buf!;
    const cap = b.times.length;
    let r = 0;
    while (r < rows) {
      const n = Math.min(rows - r, cap - b.rows);
      b.times.set(times.subarray(r, r + n), b.rows);
      b.values.set(values.subarray(r * width, (r + n) * width), b.rows * width);
      b.rows += n;
      r += n;
      if (b.rows === cap) this.flushState(b);
    }
  }

  private flushState(b: StateBuffer): void {
    if (b.rows === 0) return;
    const w = b.neurons.length;
    this.writeRecord({
      kind: 'state', seq: this.seq, pop: b.pop, variable: b.variable,
      times: b.times.subarray(0, b.rows), neurons: b.neurons, values: b.values.subarray(0, b.rows * w),
    });
    b.rows = 0;
  }

  private writeRecord(record: object): void {
    this.out.writev(encodeRecord(record));
    this.seq += 1;
  }

  /** Writes every buffered spike and sample now (e.g. at a presentation boundary), so a crash loses none. */
  flush(): void {
    this.ensureOpen();
    for (let p = 0; p < this.sizes.length; p++) this.flushSpikes(p);
    for (const b of this.states.values()) this.flushState(b);
  }

  /**
   * Flushes, writes the end record (totals; `tStop` = simulated end time in ms if known), fsyncs,
   * and renames `<path>.partial` to `<path>`.
   */
  close(options: { tStop?: number } = {}): void {
    this.flush();
    const tStop = options.tStop ?? null;
    if (tStop !== null && !Number.isFinite(tStop)) misuse(`tStop must be finite, got ${tStop}`, 'pass the simulated end time in ms');
    const end: TraceEnd = { kind: 'end', chunks: this.seq, spikes: this.totals.slice(), tStop };
    this.out.writev(encodeRecord(end));
    this.closed = true;
    this.out.commit();
  }

  /** Stops without an end record, leaving `<path>.partial` readable as an incomplete trace. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.abort(true);
  }
}
