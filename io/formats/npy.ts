/**
 * NumPy `.npy` container (format versions 1.0–3.0; we write 1.0 like `numpy.save`).
 *
 * Layout: magic `\x93NUMPY`, major, minor, header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0),
 * then a Python dict literal `{'descr': …, 'fortran_order': False, 'shape': (…), }` padded with
 * spaces and a final '\n' so the data starts on a 64-byte boundary. Like NumPy ≥ 1.24 we also leave
 * spare spaces for the first axis to grow in place (GROWTH_AXIS_MAX_DIGITS = 21), so our headers are
 * byte-identical to `numpy.save` output.
 */
import { SnnError } from '../../engine/errors.js';

export const NPY_MAGIC = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

/** A structured field: name and NumPy type string such as '<i2' or '|b1'. */
export type NpyField = [name: string, type: string];
export type NpyDescr = string | NpyField[];

export interface NpyHeader {
  descr: NpyDescr;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the array data. */
  dataOffset: number;
}

function reprDescr(d: NpyDescr): string {
  if (typeof d === 'string') return `'${d}'`;
  return `[${d.map(([n, t]) => `('${n}', '${t}')`).join(', ')}]`;
}

function reprShape(shape: number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Magic + version 1.0 + header, exactly as `numpy.save` writes them (C order). */
export function encodeNpyHeader(descr: NpyDescr, shape: number[]): Uint8Array {
  let dict = `{'descr': ${reprDescr(descr)}, 'fortran_order': False, 'shape': ${reprShape(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const pad = ALIGN - ((NPY_MAGIC.length + 2 + 2 + dict.length + 1) % ALIGN);
  // Like NumPy, an already-aligned header still gets a full 64 bytes of padding.
  const text = `${dict}${' '.repeat(pad)}\n`;
  if (text.length > 0xffff) throw new SnnError('internal', 'npy header too long for format 1.0', 'report this');
  const out = new Uint8Array(10 + text.length);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = text.length & 0xff;
  out[9] = text.length >>> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

const corrupt = (what: string) => new SnnError('io.corrupt', `invalid .npy header: ${what}`, 'the file is not a NumPy .npy file or is damaged');

export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  if (!isNpy(bytes)) throw new SnnError('io.format', 'not a NumPy .npy file (missing \\x93NUMPY magic)', 'check --format or the file');
  if (bytes.length < 10) throw new SnnError('io.truncated', '.npy file ends inside its preamble', 'the file is cut short');
  const major = bytes[6]!;
  const lenBytes = major === 1 ? 2 : major === 2 || major === 3 ? 4 : 0;
  if (lenBytes === 0) throw corrupt(`unsupported format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 + lenBytes) throw new SnnError('io.truncated', '.npy file ends inside its preamble', 'the file is cut short');
  const hlen = lenBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + hlen > bytes.length) throw new SnnError('io.truncated', '.npy header runs past the end of the file', 'the file is cut short');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + hlen));
  const dict = new PyLiteral(text).parse();
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict) || dict instanceof Tuple) throw corrupt('header is not a dict');
  const d = dict as Record<string, unknown>;
  const fortranOrder = d['fortran_order'];
  if (typeof fortranOrder !== 'boolean') throw corrupt("missing 'fortran_order'");
  const shapeV = d['shape'];
  if (!(shapeV instanceof Tuple) || !shapeV.items.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) {
    throw corrupt("'shape' is not a tuple of non-negative integers");
  }
  return { descr: toDescr(d['descr']), fortranOrder, shape: shapeV.items as number[], dataOffset: start + hlen };
}

function toDescr(v: unknown): NpyDescr {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    return v.map((f) => {
      if (!(f instanceof Tuple) || f.items.length !== 2 || typeof f.items[0] !== 'string' || typeof f.items[1] !== 'string') {
        throw corrupt('only flat structured dtypes of (name, type) fields are supported');
      }
      return [f.items[0], f.items[1]] as NpyField;
    });
  }
  throw corrupt("'descr' is neither a type string nor a field list");
}

/** Byte size of a simple NumPy type string ('<i2' → 2, '|b1' → 1, '?' → 1). */
export function typeSize(t: string): number {
  if (t === '?' || t === 'b1' || t === '|b1') return 1;
  // Only the types readScalar reads: a size like 0 ('<i0') would let a header declare 2^40 records
  // in no bytes at all, and the readers would allocate for them before failing.
  const m = /^[<>|=]?(?:[iu][1248]|f[48]|b1)$/.exec(t);
  if (!m) throw new SnnError('io.format', `unsupported NumPy type '${t}'`, 'only integer, float and bool fields are supported');
  return Number(t.at(-1));
}

/** Reads element `t` at `off`; integer fields wider than 2^53 lose precision (µs never get there). */
export function readScalar(view: DataView, off: number, t: string): number {
  const little = !t.startsWith('>');
  const kind = t.replace(/^[<>|=]/, '');
  switch (kind) {
    case '?': case 'b1': case 'u1': return view.getUint8(off);
    case 'i1': return view.getInt8(off);
    case 'i2': return view.getInt16(off, little);
    case 'u2': return view.getUint16(off, little);
    case 'i4': return view.getInt32(off, little);
    case 'u4': return view.getUint32(off, little);
    case 'i8': return Number(view.getBigInt64(off, little));
    case 'u8': return Number(view.getBigUint64(off, little));
    case 'f4': return view.getFloat32(off, little);
    case 'f8': return view.getFloat64(off, little);
    default: throw new SnnError('io.format', `unsupported NumPy type '${t}'`, 'only integer, float and bool fields are supported');
  }
}

/** Marks Python tuples apart from lists. */
class Tuple {
  constructor(readonly items: unknown[]) {}
}

/** A tiny parser for the Python literals NumPy headers use: dict, list, tuple, str, int, bool. */
class PyLiteral {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): unknown {
    const v = this.value(0);
    this.ws();
    if (this.i !== this.s.length) throw corrupt('trailing characters');
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private value(depth: number): unknown {
    if (depth > 16) throw corrupt('nesting too deep');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.seq('}', depth, true);
    if (c === '[') return this.seq(']', depth, false);
    if (c === '(') return new Tuple(this.seq(')', depth, false) as unknown[]);
    if (c === "'" || c === '"') {
      const end = this.s.indexOf(c, this.i + 1);
      if (end < 0) throw corrupt('unterminated string');
      const str = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return str;
    }
    const m = /^(True|False|-?\d+)/.exec(this.s.slice(this.i, this.i + 24));
    if (!m) throw corrupt(`unexpected character at ${this.i}`);
    this.i += m[1]!.length;
    return m[1] === 'True' ? true : m[1] === 'False' ? false : Number(m[1]);
  }

  private seq(close: string, depth: number, isDict: boolean): unknown {
    this.i++;
    const items: unknown[] = [];
    const dict: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return isDict ? dict : items;
      }
      const v = this.value(depth + 1);
      if (isDict) {
        this.ws();
        if (this.s[this.i] !== ':' || typeof v !== 'string') throw corrupt('bad dict entry');
        this.i++;
        dict[v] = this.value(depth + 1);
      } else items.push(v);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw corrupt(`expected ',' or '${close}' at ${this.i}`);
    }
  }
}
