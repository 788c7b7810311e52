/**
 * The two AEDAT 4.0 flatbuffer tables we need, written with the official `flatbuffers` Builder and
 * read with a small bounds-checked reader (the flatbuffers JS runtime has no verifier, and a damaged
 * file must give an SnnError, never an out-of-range read).
 *
 * Schemas (neuromorphicsystems/aedat `flatbuffers/ioheader.fbs` and `events.fbs`, which name the fields
 * compression / file_data_position / description; dv-processing writes the IOHeader with ForceDefaults
 * and FinishSizePrefixed, as we do; checked in their source, docs/formats.md):
 *   enum CompressionType : int32 { NONE, LZ4, LZ4_HIGH, ZSTD, ZSTD_HIGH }
 *   table IOHeader { compression: CompressionType = NONE; dataTablePosition: int64 = -1; infoNode: string; }
 *     file_identifier "IOHE";
 *   struct Event { t: int64; x: int16; y: int16; on: bool; }   // 13 bytes → 16 with 8-byte alignment
 *   table EventPacket { elements: [Event]; }                      file_identifier "EVTS";
 */
import { Builder } from 'flatbuffers';
import { SnnError } from '../../engine/errors.js';

export const IOHEADER_ID = 'IOHE';
export const EVENTS_ID = 'EVTS';
export const EVENT_STRUCT_SIZE = 16;

export enum Compression {
  None = 0,
  Lz4 = 1,
  Lz4High = 2,
  Zstd = 3,
  ZstdHigh = 4,
}

/** Size-prefixed IOHeader: [uint32 size][root offset]["IOHE"]… — the file's "int32 length + IOHeader". */
export function buildIoHeader(compression: Compression, infoNode: string): Uint8Array {
  const b = new Builder(1024 + infoNode.length * 3);
  // Write defaults explicitly: a reader with another default for dataTablePosition still sees −1.
  b.forceDefaults(true);
  const info = b.createString(infoNode);
  b.startObject(3);
  b.addFieldInt32(0, compression, 0);
  b.addFieldInt64(1, -1n, -1n);
  b.addFieldOffset(2, info, 0);
  b.finishSizePrefixed(b.endObject(), IOHEADER_ID);
  return b.asUint8Array().slice();
}

/** Size-prefixed EventPacket holding events [from, to). */
export function buildEventPacket(tUs: Float64Array, x: Uint16Array, y: Uint16Array, on: Uint8Array, from: number, to: number): Uint8Array {
  const n = to - from;
  const b = new Builder(64 + n * EVENT_STRUCT_SIZE);
  b.startVector(EVENT_STRUCT_SIZE, n, 8);
  // Flatbuffers are built back to front: last element first, last field first.
  for (let i = to - 1; i >= from; i--) {
    b.prep(8, EVENT_STRUCT_SIZE);
    b.pad(3);
    b.writeInt8(on[i]!);
    b.writeInt16(y[i]!);
    b.writeInt16(x[i]!);
    b.writeInt64(BigInt(tUs[i]!));
  }
  const vec = b.endVector();
  b.startObject(1);
  b.addFieldOffset(0, vec, 0);
  b.finishSizePrefixed(b.endObject(), EVENTS_ID);
  return b.asUint8Array().slice();
}

const bad = (what: string) => new SnnError('io.corrupt', `AEDAT 4.0 flatbuffer: ${what}`, 'the file is damaged or not AEDAT 4.0');

/** Read-only, bounds-checked view of one flatbuffer (not size-prefixed: pass the bytes after the prefix). */
export class FlatView {
  private readonly v: DataView;
  constructor(readonly buf: Uint8Array) {
    this.v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(pos: number, len: number): void {
    if (!(pos >= 0 && pos + len <= this.buf.length)) throw bad(`offset ${pos}+${len} outside a ${this.buf.length}-byte buffer`);
  }

  u16(pos: number): number { this.need(pos, 2); return this.v.getUint16(pos, true); }
  u32(pos: number): number { this.need(pos, 4); return this.v.getUint32(pos, true); }
  i32(pos: number): number { this.need(pos, 4); return this.v.getInt32(pos, true); }
  i64(pos: number): number { this.need(pos, 8); return Number(this.v.getBigInt64(pos, true)); }
  i16(pos: number): number { this.need(pos, 2); return this.v.getInt16(pos, true); }
  u8(pos: number): number { this.need(pos, 1); return this.v.getUint8(pos); }

  identifier(): string {
    this.need(4, 4);
    return String.fromCharCode(...this.buf.subarray(4, 8));
  }

  rootTable(): number {
    return this.u32(0);
  }

  /** Absolute position of field `slot` in the table at `table`, or 0 when absent. */
  field(table: number, slot: number): number {
    const vtable = table - this.i32(table);
    const vsize = this.u16(vtable);
    if (vsize < 4 || vsize % 2 !== 0) throw bad(`vtable size ${vsize}`);
    const entry = 4 + 2 * slot;
    if (entry >= vsize) return 0;
    const off = this.u16(vtable + entry);
    return off === 0 ? 0 : table + off;
  }

  /** Follows the uoffset stored at `pos`. */
  deref(pos: number): number {
    return pos + this.u32(pos);
  }

  string(pos: number): string {
    const start = this.deref(pos);
    const len = this.u32(start);
    this.need(start + 4, len);
    return new TextDecoder('utf-8').decode(this.buf.subarray(start + 4, start + 4 + len));
  }

  /** Vector at the uoffset stored in `pos`: [count, position of element 0]; checks the whole range. */
  vector(pos: number, elemSize: number): [number, number] {
    const start = this.deref(pos);
    const count = this.u32(start);
    this.need(start + 4, count * elemSize);
    return [count, start + 4];
  }
}

export interface IoHeader {
  compression: Compression;
  dataTablePosition: number;
  infoNode: string;
}

export function parseIoHeader(bytes: Uint8Array): IoHeader {
  const fb = new FlatView(bytes);
  if (fb.identifier() !== IOHEADER_ID) throw bad(`IOHeader identifier is '${fb.identifier()}', not '${IOHEADER_ID}'`);
  const t = fb.rootTable();
  const c = fb.field(t, 0);
  const d = fb.field(t, 1);
  const s = fb.field(t, 2);
  return {
    compression: c ? fb.i32(c) : Compression.None,
    dataTablePosition: d ? fb.i64(d) : -1,
    infoNode: s ? fb.string(s) : '',
  };
}

export interface EventColumns {
  tUs: Float64Array;
  x: Int16Array;
  y: Int16Array;
  on: Uint8Array;
}

/** Decodes an EventPacket flatbuffer (the bytes after the size prefix). */
export function parseEventPacket(bytes: Uint8Array): EventColumns {
  const fb = new FlatView(bytes);
  const t = fb.rootTable();
  const f = fb.field(t, 0);
  if (!f) return { tUs: new Float64Array(0), x: new Int16Array(0), y: new Int16Array(0), on: new Uint8Array(0) };
  const [n, first] = fb.vector(f, EVENT_STRUCT_SIZE);
  const out = { tUs: new Float64Array(n), x: new Int16Array(n), y: new Int16Array(n), on: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const p = first + i * EVENT_STRUCT_SIZE;
    out.tUs[i] = fb.i64(p);
    out.x[i] = fb.i16(p + 8);
    out.y[i] = fb.i16(p + 10);
    out.on[i] = fb.u8(p + 12) ? 1 : 0;
  }
  return out;
}
